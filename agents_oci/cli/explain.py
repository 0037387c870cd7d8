"""What went wrong with a request, in one line and a fix, for ``doctor --live`` and ``chat``.

Service errors go through :func:`agents_oci.service_errors.translate`, the
same translation the models apply, so the doctor's diagnosis is the error a
user's agent would raise. Errors no rule knows keep OCI's own code and
message; network failures name the endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import openai

from ..config.settings import Settings, safe_url
from ..errors import OCIConfigurationError
from ..routing import route
from ..service_errors import ErrorContext, OCIServiceError, ResponsesOnlyModelError, translate
from ..service_errors.translate import code_and_message

__all__ = ["Diagnosis", "diagnose", "error_context"]


def error_context(settings: Settings, model: str) -> ErrorContext:
    """What a request for ``model`` (``responses:NAME``, ``native:NAME`` allowed) was made with."""
    try:
        api, name = route(model)  # as OCIProvider routes it
    except OCIConfigurationError:
        api, name = "chat", model
    return ErrorContext(
        model=name, api=api, region=settings.region.value,
        compartment_id=settings.compartment_id.value, project_id=settings.project_id.value,
        auth_type=settings.auth_type.value, profile=settings.profile.value,
    )


@dataclass(frozen=True)
class Diagnosis:
    """What happened (``detail``) and what to do about it (``fix``, when known)."""

    detail: str
    fix: str | None = None

    def __str__(self) -> str:
        return self.detail if self.fix is None else f"{self.detail}\nFix: {self.fix}"


def diagnose(exc: Exception, context: ErrorContext, endpoint: str) -> Diagnosis | None:
    """A diagnosis of ``exc``, or None when it is not a configuration, service or network error."""
    endpoint = safe_url(endpoint)  # a proxy's credentials or a query-string token stay hidden
    if isinstance(exc, openai.APIStatusError):
        return _service(exc, context)
    if isinstance(exc, openai.APITimeoutError):  # before its base class, APIConnectionError
        return Diagnosis(f"no answer from {endpoint} before the timeout",
                         "check the network path to the endpoint, or retry later")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        return Diagnosis(
            f"could not reach {endpoint} ({type(cause).__name__}: {cause})",
            "check the network, DNS and proxy settings (HTTPS_PROXY), and that the region "
            "(or base_url) is right",
        )
    if isinstance(exc, OCIConfigurationError):
        return _split(str(exc))
    return None


def _service(exc: openai.APIStatusError, context: ErrorContext) -> Diagnosis:
    typed = exc if isinstance(exc, OCIServiceError) else translate(exc, context)
    # OCI's words, quoted: the command line leaves quoted text as it is (a
    # `region=` in OCI's message is not the user's keyword).
    code, said = code_and_message(exc)
    if isinstance(typed, OCIServiceError):
        found = _split(str(typed).replace(said, repr(said), 1))
        if issubclass(type(typed), ResponsesOnlyModelError) and context.model:
            # The library's fix names OCIProvider and OCIResponsesModel; here it is a name.
            return Diagnosis(found.detail, f"use the model name responses:{context.model} "
                                           "(`agents-oci chat` also takes --responses)")
        return found
    request_id = exc.response.headers.get("opc-request-id")
    where = f", opc-request-id {request_id}" if request_id else ""
    return Diagnosis(f"HTTP {exc.status_code}{where}: {f'{code}: ' if code else ''}{said!r}")


def _split(message: str) -> Diagnosis:
    detail, _, fix = message.partition(" Fix: ")
    return Diagnosis(detail, fix or None)
