"""Error bodies as OCI Generative AI sends them, in either of its two shapes.

OCI's own layers answer ``{"code": ..., "message": ...}``; errors on the
OpenAI-compatible routes may also come OpenAI-style as
``{"error": {"message", "type", "code", "param"}}``. Clients must accept
both, so the emulator can speak either (``error_style``).
"""

from __future__ import annotations

from typing import Any, Final, Literal, get_args

__all__ = [
    "AUTH_MESSAGE",
    "ErrorStyle",
    "ServiceError",
    "check_error_style",
    "default_error",
    "error_body",
]

ErrorStyle = Literal["oci", "openai"]

AUTH_MESSAGE: Final = (
    "The required information to complete authentication was not provided or was incorrect."
)
"""OCI's generic 401 message: the real reason is never told to the client."""

_DEFAULT_ERRORS: Final[dict[int, tuple[str, str]]] = {
    400: ("InvalidParameter", "The request is invalid."),
    401: ("NotAuthenticated", AUTH_MESSAGE),
    403: ("NotAllowed", "The operation is not allowed."),
    404: ("NotAuthorizedOrNotFound", "Authorization failed or requested resource not found."),
    405: ("MethodNotAllowed", "The HTTP method is not allowed on this resource."),
    409: ("Conflict", "The resource is in a conflicting state."),
    429: ("TooManyRequests", "Too many requests for the tenancy. Please retry later."),
    500: ("InternalServerError", "Internal server error."),
    502: ("BadGateway", "Bad gateway."),
    503: ("ServiceUnavailable", "The service is currently unavailable. Please retry later."),
    504: ("GatewayTimeout", "Gateway timeout."),
}

# OpenAI's error ``type`` for each status class, so the openai SDK and the
# Agents SDK see the shape they see from api.openai.com.
_OPENAI_TYPES: Final[dict[int, str]] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    429: "rate_limit_error",
}


def check_error_style(style: str) -> ErrorStyle:
    """Return ``style`` if it is a known error style, else raise ``ValueError``."""
    allowed = get_args(ErrorStyle)
    if style not in allowed:
        raise ValueError(f"error_style must be one of {allowed!r}, got {style!r}")
    return style  # type: ignore[return-value]


def default_error(status: int) -> tuple[str, str]:
    """OCI's usual ``(code, message)`` for an HTTP status."""
    return _DEFAULT_ERRORS.get(status, ("Error", f"HTTP {status}"))


def error_body(
    status: int,
    code: str,
    message: str,
    *,
    style: ErrorStyle,
    param: str | None = None,
) -> dict[str, Any]:
    """The JSON body of an error response in the given style."""
    if style == "oci":
        return {"code": code, "message": message}
    kind = _OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "code": code, "param": param}}


class ServiceError(Exception):
    """A request the emulated service refuses; rendered as an error response."""

    def __init__(self, status: int, code: str, message: str, *, param: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.param = param

    def body(self, style: ErrorStyle) -> dict[str, Any]:
        """This error as a JSON body in ``style``."""
        return error_body(self.status, self.code, self.message, style=style, param=self.param)
