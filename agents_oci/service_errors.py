"""OCI service errors that say what happened and what to do.

OCI's failures are terse: a 401 ``NotAuthenticated`` may be a wrong
fingerprint, an expired session token, clock skew or a missing policy; a 404
``NotAuthorizedOrNotFound`` may be a policy, a compartment or a model not
offered in the region. :func:`translate` turns an ``openai.APIStatusError``
into a typed error that carries the ``opc-request-id``, the OCI error code
and a one-line hint naming the fix.

Each typed error is *also* an instance of the openai exception for its status
code (``openai.AuthenticationError`` for 401, ``openai.NotFoundError`` for
404, ...), so ``except openai.APIStatusError`` handlers and the Agents SDK's
retry logic keep working::

    try:
        await Runner.run(agent, "hi", run_config=config)
    except ZeroDataRetentionError as exc:
        print(exc.hint)           # use ModelSettings(store=False)
    except openai.NotFoundError:  # still matches NotAuthorizedOrNotFoundError
        ...

Errors that match no rule pass through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, cast

import openai

from .http.retries import MAX_RETRY_AFTER, retry_after

__all__ = [
    "AuthenticationFailedError",
    "ErrorContext",
    "OCIServerError",
    "RateLimitedError",
    "NotAuthorizedOrNotFoundError",
    "OCIServiceError",
    "ProjectRequiredError",
    "ResponsesOnlyModelError",
    "ResponsesStateLostError",
    "UnsupportedOperationError",
    "ZeroDataRetentionError",
    "concrete_class",
    "translate",
]


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
    from .http.library import http_library

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


@dataclass(frozen=True)
class ErrorContext:
    """What the caller was doing, so a hint can name the region, model and profile."""

    model: str | None = None
    api: str | None = None
    """``chat`` or ``responses``."""
    region: str | None = None
    compartment_id: str | None = None
    project_id: str | None = None
    auth_type: str | None = None
    profile: str | None = None


@dataclass(frozen=True)
class _Failure:
    """The parts of an error response the rules look at."""

    status: int
    code: str
    message: str
    context: ErrorContext
    retries: int | None = None
    """Retries the client made before giving up (``None``: not known)."""
    retry_after: float | None = None
    """The wait the server asked for (``retry-after``), in seconds."""

    def says(self, *patterns: str) -> bool:
        text = self.message.lower()
        return any(re.search(pattern, text) for pattern in patterns)


def _auth_hint(f: _Failure) -> str:
    ctx = f.context
    profile = ctx.profile or "DEFAULT"
    clock = "Also check this machine's clock: OCI rejects requests more than 5 minutes off."
    if ctx.auth_type == "security_token":
        return (
            f"The session token of profile [{profile}] has probably expired: run "
            f"`oci session refresh --profile {profile}` (or `oci session authenticate`). {clock}"
        )
    if ctx.auth_type == "api_key":
        return (
            f"Check that the fingerprint in profile [{profile}] is that of an API key uploaded "
            "for this user in the console (Identity > Users > API keys), that key_file is its "
            f"private key, and that the user's group has a policy for generative-ai-family. {clock}"
        )
    if ctx.auth_type == "genai_api_key":
        return (
            "The Generative AI API key was refused: it may be revoked or expired, or it belongs "
            f"to another region than {ctx.region or 'this one'} (keys work only in their own "
            "region: pass region=). Create or check the key in the console."
        )
    if ctx.auth_type in ("instance_principal", "resource_principal", "oke_workload_identity"):
        return (
            f"Check that a dynamic group matches this {ctx.auth_type.replace('_', ' ')} and "
            "that a policy allows it: `allow dynamic-group <group> to use generative-ai-family "
            f"in compartment <name>`. {clock}"
        )
    return (
        "Check the credentials of your signer and the IAM policy for generative-ai-family. "
        f"{clock}"
    )


def _not_found_hint(f: _Failure) -> str:
    ctx = f.context
    model = ctx.model or "the model"
    region = ctx.region or "this region"
    compartment = ctx.compartment_id or "the compartment"
    return (
        f"One of: {model} is not offered in {region} (see the console's Generative AI model "
        f"list for that region, or pass region=); compartment {compartment} is wrong (pass "
        "compartment_id= or set OCI_COMPARTMENT_ID); or no IAM policy allows "
        f"`use generative-ai-family` in {compartment}."
    )


def _project_hint(f: _Failure) -> str:
    project = f.context.project_id
    if project is None:
        return (
            "This call needs a Generative AI project: pass "
            "project_id='ocid1.generativeaiproject...' or set OCI_PROJECT_ID (create one in "
            "the console under Generative AI > Projects)."
        )
    return (
        f"OCI refused project {project}: check that it exists in "
        f"{f.context.region or 'this region'} (projects are regional) and that a policy lets "
        "you use it; fix project_id= or OCI_PROJECT_ID."
    )


def _responses_only_hint(f: _Failure) -> str:
    model = f.context.model or "MODEL"
    return (
        f"{model} is served only by the Responses API: use model 'responses:{model}' with "
        f"OCIProvider, or OCIResponsesModel('{model}')."
    )


def _unsupported_hint(f: _Failure) -> str:
    model = f.context.model or "MODEL"
    return (
        f"{model} is not served by OCI's OpenAI-compatible API: this model family (Cohere "
        f"R-series) needs OCI's native chat API. Use OCINativeModel('{model}'), or give the "
        "name to OCIProvider, which routes cohere.command-r* models there."
    )


def _retries(f: _Failure, what: str) -> str:
    # Say what happened: how many retries, and why no more.
    if f.retry_after is not None and f.retry_after > MAX_RETRY_AFTER:
        done = (
            f" OCI asked to wait {f.retry_after:g} s (retry-after), longer than the "
            f"{MAX_RETRY_AFTER:g} s agents_oci waits, so it did not retry; wait that long "
            "before trying again, or lower the concurrency."
        )
        return what + done
    if f.retries is None:
        done = " The client's retries (if any) did not get through;"
    elif f.retries == 0:
        done = " The client made no retry (max_retries=0);"
    else:
        plural = "retry" if f.retries == 1 else "retries"
        done = f" The client made {f.retries} {plural} with backoff;"
    return (
        f"{what}{done} lower the concurrency, raise max_retries= (on OCIProvider or the "
        "model), or use the Agents SDK's ModelSettings(retry=...)."
    )


_Rule = tuple[type[OCIServiceError], Callable[[_Failure], bool], Callable[[_Failure], str]]
_RULES: Final[tuple[_Rule, ...]] = (
    # Order matters: the specific message patterns come before the status-only rules.
    (
        ZeroDataRetentionError,
        lambda f: f.says("zero data retention"),
        lambda f: "This tenancy keeps no data: run with ModelSettings(store=False) (full "
        "history each turn) instead of stored Responses state.",
    ),
    (
        ResponsesStateLostError,
        lambda f: f.status in (400, 404) and f.says(r"previous_response_id", r"response not found"),
        lambda f: "OCI no longer has the previous response (expired, deleted, or from another "
        "region or project): restart the conversation without previous_response_id, or run "
        "with ModelSettings(store=False) and send the full history.",
    ),
    (
        ProjectRequiredError,
        lambda f: f.status in (400, 403, 404) and f.says(r"\bproject"),
        _project_hint,
    ),
    (
        UnsupportedOperationError,
        lambda f: f.status == 400 and f.says(r"unsupported openai operation"),
        _unsupported_hint,
    ),
    (
        ResponsesOnlyModelError,
        lambda f: f.status == 400
        and f.context.api not in ("responses", "native")
        and f.says(r"model .*only (supported|served|available)[^.;]*responses api"),
        _responses_only_hint,
    ),
    (AuthenticationFailedError, lambda f: f.status == 401, _auth_hint),
    (
        NotAuthorizedOrNotFoundError,
        lambda f: f.status == 404 and (f.code == "NotAuthorizedOrNotFound" or f.says("not found")),
        _not_found_hint,
    ),
    (
        RateLimitedError,
        lambda f: f.status == 429,
        lambda f: _retries(f, "OCI is throttling this tenancy or model."),
    ),
    (
        OCIServerError,
        lambda f: f.status >= 500,
        lambda f: _retries(f, "OCI failed to serve the request; quote the opc-request-id to "
                           "Oracle support if it persists."),
    ),
)


def _code_and_message(exc: openai.APIStatusError) -> tuple[str, str]:
    """Read both OCI ``{"code","message"}`` and OpenAI ``{"error": {...}}`` shapes."""
    body = exc.body
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        body = body["error"]
    if isinstance(body, Mapping):
        code, message = body.get("code"), body.get("message")
        return (str(code) if code is not None else "", str(message) if message else exc.message)
    return "", str(body) if isinstance(body, str) and body else exc.message


def _retry_count(exc: openai.APIStatusError) -> int | None:
    try:
        value = exc.response.request.headers.get("x-stainless-retry-count")
    except RuntimeError:  # a response built without a request
        return None
    return int(value) if value is not None and value.isdigit() else None


def translate(exc: openai.APIStatusError, context: ErrorContext) -> openai.APIStatusError:
    """A typed error for ``exc`` when a rule matches it; otherwise ``exc`` itself.

    >>> import httpx2, openai
    >>> request = httpx2.Request("POST", "https://example.invalid/openai/v1/responses")
    >>> response = httpx2.Response(400, request=request, headers={"opc-request-id": "r1"})
    >>> body = {"code": "InvalidParameter", "message": "... due to Zero Data Retention."}
    >>> error = translate(openai.BadRequestError("Error code: 400", response=response,
    ...                                          body=body), ErrorContext())
    >>> isinstance(error, ZeroDataRetentionError), isinstance(error, openai.BadRequestError)
    (True, True)
    """
    code, message = _code_and_message(exc)
    headers = exc.response.headers
    failure = _Failure(
        exc.status_code, code, message, context, _retry_count(exc), retry_after(headers)
    )
    for kind, matches, hint in _RULES:
        if matches(failure):
            return _build(kind, exc, failure, hint(failure))
    return exc


def _build(
    kind: type[OCIServiceError], exc: openai.APIStatusError, f: _Failure, hint: str
) -> openai.APIStatusError:
    request_id = exc.response.headers.get("opc-request-id")
    retries = f.retries
    parts = [f"OCI Generative AI: {kind.kind} (HTTP {f.status}"]
    parts.append(f", {f.code}" if f.code else "")
    parts.append(f", opc-request-id {request_id}" if request_id else "")
    parts.append(f", after {retries} retries" if retries else "")
    text = "".join(parts) + f"): {f.message} Fix: {hint}"
    error: openai.APIStatusError = concrete_class(kind, f.status)(
        text, response=exc.response, body=exc.body
    )
    typed: Any = error
    typed.opc_request_id, typed.oci_code, typed.hint, typed.retries = (
        request_id, f.code or None, hint, retries
    )
    return error
