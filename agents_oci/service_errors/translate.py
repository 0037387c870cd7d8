"""translate(): an ``openai.APIStatusError`` in, a typed error with its hint out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import openai

from ..http.retries import retry_after
from .hints import RULES, ErrorContext, Failure
from .kinds import OCIServiceError, concrete_class

__all__ = ["code_and_message", "translate"]


def code_and_message(exc: openai.APIStatusError) -> tuple[str, str]:
    """OCI's ``code`` and ``message`` (``{"code","message"}`` or OpenAI's ``{"error": {...}}``).

    The code is empty when the body has none; the message falls back to openai's own.
    """
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
    code, message = code_and_message(exc)
    headers = exc.response.headers
    failure = Failure(
        exc.status_code, code, message, context, _retry_count(exc), retry_after(headers)
    )
    for kind, matches, hint in RULES:
        if matches(failure):
            return _build(kind, exc, failure, hint(failure))
    return exc


def _build(
    kind: type[OCIServiceError], exc: openai.APIStatusError, f: Failure, hint: str
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
