"""The typed service errors: one class per failure, each also its openai exception.

:func:`concrete_class` combines a kind with the ``openai`` class of its HTTP
status (``AuthenticationFailedError`` + ``openai.AuthenticationError``), and
instances pickle by kind name, so they cross process boundaries (Ray, Temporal).
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, cast

import openai


class OCIServiceError(Exception):
    """Base of the typed OCI service errors (always combined with an openai error class).

    Attributes:
        opc_request_id: OCI's request id; quote it to Oracle support.
        oci_code: OCI's error code (``NotAuthenticated``, ``NotAuthorizedOrNotFound``, ...).
        hint: one line naming the fix.
        retries: how many times the client retried before giving up (when known).
        status_code: the HTTP status.
    """

    kind: ClassVar[str] = "OCI service error"
    opc_request_id: str | None = None
    oci_code: str | None = None
    hint: str = ""
    retries: int | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Worker processes (multiprocessing, Ray) send errors back pickled. The
        # HTTP response does not travel; what the error says about it does.
        error: Any = self
        response = error.response
        state = {
            "message": error.message,
            "body": error.body,
            "status": response.status_code,
            "headers": {"opc-request-id": self.opc_request_id or ""},
            "method": response.request.method,
            "url": str(response.request.url),
            "fields": (self.opc_request_id, self.oci_code, self.hint, self.retries),
        }
        kind = next(k for k in type(self).__mro__ if k in _KINDS)
        return (_restore, (kind.__name__, state))


class AuthenticationFailedError(OCIServiceError):
    """401: OCI did not accept the request's credentials."""

    kind = "authentication failed"


class NotAuthorizedOrNotFoundError(OCIServiceError):
    """404 ``NotAuthorizedOrNotFound``: policy, compartment, or model not in this region."""

    kind = "not authorized or not found"


class ProjectRequiredError(OCIServiceError):
    """The call needs a Generative AI project (``project_id=`` or ``OCI_PROJECT_ID``)."""

    kind = "project required"


class ResponsesStateLostError(OCIServiceError):
    """The ``previous_response_id`` is unknown or expired on the server."""

    kind = "Responses state lost"


class ZeroDataRetentionError(OCIServiceError):
    """A zero-data-retention tenancy refused stored Responses state."""

    kind = "zero data retention"


class UnsupportedOperationError(OCIServiceError):
    """The model family is not served by the OpenAI-compatible API (e.g. Cohere R-series)."""

    kind = "unsupported operation"


class ResponsesOnlyModelError(OCIServiceError):
    """A Responses-only model was sent to chat completions."""

    kind = "Responses-only model"


class RateLimitedError(OCIServiceError):
    """429 ``TooManyRequests`` after the client's retries were spent."""

    kind = "rate limited"


class OCIServerError(OCIServiceError):
    """5xx after the client's retries were spent."""

    kind = "OCI service unavailable"


def _restore(kind_name: str, state: dict[str, Any]) -> openai.APIStatusError:
    """Unpickling: the same typed error, over a minimal response with its request id."""
    from ..http.library import http_library

    library = http_library()
    request = library.Request(state["method"], state["url"])
    response = library.Response(state["status"], headers=state["headers"], request=request)
    kind = next(k for k in _KINDS if k.__name__ == kind_name)
    error = concrete_class(kind, state["status"])(
        state["message"], response=response, body=state["body"]
    )
    error.opc_request_id, error.oci_code, error.hint, error.retries = state["fields"]
    return cast(openai.APIStatusError, error)


_OPENAI_BY_STATUS: Final[dict[int, type[openai.APIStatusError]]] = {
    400: openai.BadRequestError,
    401: openai.AuthenticationError,
    403: openai.PermissionDeniedError,
    404: openai.NotFoundError,
    409: openai.ConflictError,
    422: openai.UnprocessableEntityError,
    429: openai.RateLimitError,
}
_COMBINED: dict[tuple[type[OCIServiceError], type[openai.APIStatusError]], type[Any]] = {}


_KINDS: Final[tuple[type[OCIServiceError], ...]] = (
    AuthenticationFailedError,
    NotAuthorizedOrNotFoundError,
    ProjectRequiredError,
    ResponsesStateLostError,
    ZeroDataRetentionError,
    UnsupportedOperationError,
    ResponsesOnlyModelError,
    RateLimitedError,
    OCIServerError,
)


def openai_class(status: int) -> type[openai.APIStatusError]:
    """The class openai itself raises for ``status``."""
    if status >= 500:
        return openai.InternalServerError
    return _OPENAI_BY_STATUS.get(status, openai.APIStatusError)


def concrete_class(kind: type[OCIServiceError], status: int) -> type[Any]:
    """``kind`` combined with openai's class for ``status`` (made once, then cached)."""
    base = openai_class(status)
    key = (kind, base)
    combined = _COMBINED.get(key)
    if combined is None:
        combined = type(kind.__name__, (kind, base), {"__module__": __name__})
        _COMBINED[key] = combined
    return combined

