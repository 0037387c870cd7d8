"""``doctor --live MODEL``: one tiny signed request, and what its outcome means.

The request goes through :class:`~agents_oci.connection.OCIConnection`, the
signed client every model uses, so it meets the same settings, credentials,
signature and headers as a user's agent. It asks for at most a few tokens
and stores nothing (``store=False`` on the Responses API).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Final, cast

from openai import AsyncOpenAI

from ..config.settings import Settings
from ..connection import ConnectionOptions, OCIConnection
from ..routing import route
from .explain import diagnose, error_context
from .report import Check

__all__ = ["LIVE_TIMEOUT", "live_check"]

LIVE_TIMEOUT: Final = 60.0
"""Seconds to wait for the answer: long enough for a cold model, short enough for a check."""
_PROMPT: Final = "Reply with the word OK."
_MAX_TOKENS: Final = 16  # the Responses API's minimum for max_output_tokens
_API_LABELS: Final = {
    "chat": "chat completions",
    "responses": "the Responses API",
    "native": "OCI's native chat API",
}


def live_check(options: ConnectionOptions, settings: Settings, model: str, *,
               native_api_format: str | None = None) -> Check:
    """Send one request for ``model``, routed as ``OCIProvider`` routes the name.

    ``responses:NAME`` goes to the Responses API; Cohere R-series models,
    endpoint OCIDs and ``native:NAME`` to OCI's native chat API; the rest to
    chat completions. The result names the API used.
    """
    return asyncio.run(_probe(options, settings, model, native_api_format))


async def _probe(options: ConnectionOptions, settings: Settings, model: str,
                 native_api_format: str | None) -> Check:
    context = error_context(settings, model)
    name, api = context.model or model, context.api or "chat"
    started = time.monotonic()
    connection: OCIConnection | None = None
    try:
        route(model)  # a name no API can serve is refused before any request
        connection = OCIConnection(options, request_timeout=LIVE_TIMEOUT)
        if api == "native":
            request_id = await _send_native(connection, name, native_api_format)
        else:
            request_id = await _send(connection.client(), name, api)
    except Exception as exc:
        found = diagnose(exc, context, settings.base_url.value)
        if found is None:
            return Check("live request", "fail", f"{model}: {type(exc).__name__}: {exc}")
        return Check("live request", "fail", f"{model}: {found.detail}", found.fix)
    finally:
        if connection is not None:
            await connection.aclose()
    took = time.monotonic() - started
    label = _API_LABELS[api]
    # The native model (the Model interface) does not surface response headers.
    where = f" (opc-request-id {request_id})" if request_id else ""
    return Check("live request", "pass", f"{name} answered over {label} in {took:.1f} s{where}")


async def _send_native(connection: OCIConnection, name: str, api_format: str | None) -> str | None:
    """The request through :class:`OCINativeModel`, as ``OCIProvider`` would send it."""
    from agents import ModelSettings
    from agents.models.interface import ModelTracing

    from ..native.model import OCINativeModel

    model = OCINativeModel(name, api_format=cast(Any, api_format), _connection=connection)
    await model.get_response(None, _PROMPT, ModelSettings(max_tokens=_MAX_TOKENS), [], None, [],
                             ModelTracing.DISABLED)
    return None  # the Model interface does not surface response headers


async def _send(client: AsyncOpenAI, name: str, api: str) -> str | None:
    """The request itself; returns the response's opc-request-id."""
    raw: Any
    messages: Any = [{"role": "user", "content": _PROMPT}]
    completions = client.chat.completions.with_raw_response
    if api == "responses":
        raw = await client.responses.with_raw_response.create(
            model=name, input=_PROMPT, max_output_tokens=_MAX_TOKENS, store=False
        )
    elif name.startswith("openai."):
        # OCI's OpenAI models, like OpenAI's reasoning models, refuse max_tokens.
        raw = await completions.create(
            model=name, messages=messages, max_completion_tokens=_MAX_TOKENS
        )
    else:
        raw = await completions.create(model=name, messages=messages, max_tokens=_MAX_TOKENS)
    raw.parse()  # a body that is not a completion is a failure too
    request_id = raw.headers.get("opc-request-id")
    return str(request_id) if request_id else None
