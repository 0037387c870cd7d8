"""Wire format of OCI's native chat API: a :class:`Reply` as a ``ChatResult`` or events.

JSON names and discriminator values are those of
``oci.generative_ai_inference.models`` (``ChatResult``,
``CohereChatResponse``, ``GenericChatResponse``, ``AssistantMessage``,
``FunctionCall``, ``Usage``...), so the ``oci`` SDK parses the bodies into
its model objects.

Streams are one ``data: <json>`` event per piece (``[DONE]`` ends GENERIC ones):

* ``COHERE``: ``{"apiFormat": "COHERE", "text": delta}`` per text piece, the
  tool calls whole in one event, then a final event repeating the full text
  with ``finishReason`` (and ``toolCalls``, ``chatHistory``, and ``usage``
  when ``streamOptions.isIncludeUsage``);
* ``GENERIC`` (:func:`generic_events`, the recorded shape by default):
  ``{"index": 0, "message": {...}, "pad": ...}`` per text piece, per tool call
  an event with its id, name and first argument piece then bare ``{"type":
  "FUNCTION", "arguments"}`` pieces, a finish event with ``finishReason`` and
  the whole message, with ``isIncludeUsage`` a ``{"usage"}`` event, then
  ``data: [DONE]``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Final, Literal

from .errors import ServiceError
from .replies import Reply, ToolCall, Usage
from .wire import argument_deltas, fill_call_ids, text_deltas

__all__ = [
    "ApiFormat",
    "MODEL_VERSION",
    "chat_result",
    "cohere_events",
    "cohere_response",
    "coherev2_events",
    "coherev2_response",
    "generic_events",
    "generic_response",
    "native_usage",
]

ApiFormat = Literal["COHERE", "COHEREV2", "GENERIC"]
MODEL_VERSION: Final = "1.0"


def chat_result(model: str, chat_response: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ChatResult`` body around a format's ``chatResponse``."""
    return {"modelId": model, "modelVersion": MODEL_VERSION, "chatResponse": dict(chat_response)}


def native_usage(usage: Usage) -> dict[str, int]:
    """``Usage`` in the native names."""
    return {
        "promptTokens": usage.input_tokens,
        "completionTokens": usage.output_tokens,
        "totalTokens": usage.total_tokens,
    }


# --- COHERE ------------------------------------------------------------------------


def _cohere_call(call: ToolCall) -> dict[str, Any]:
    """A call as ``CohereToolCall``: parameters are an object, not JSON text."""
    try:
        parameters = json.loads(call.arguments or "{}")
    except ValueError:
        parameters = None
    if not isinstance(parameters, dict):
        # A scripted reply the Cohere format cannot express: tell the test plainly.
        raise ServiceError(
            500,
            "InternalServerError",
            f"Tool call {call.name!r} has arguments {call.arguments!r}; the COHERE format "
            "needs a JSON object (use RawEvents for other wire content).",
        )
    return {"name": call.name, "parameters": parameters}


def _cohere_history(request: Mapping[str, Any], reply: Reply) -> list[Any]:
    """The conversation after this reply, as Cohere returns it for the next call."""
    history = list(request.get("chatHistory") or [])
    message = request.get("message")
    results = request.get("toolResults")
    if (isinstance(message, str) and message) or not results:
        history.append({"role": "USER", "message": message if isinstance(message, str) else ""})
    if results:
        history.append({"role": "TOOL", "toolResults": results})
    entry: dict[str, Any] = {"role": "CHATBOT", "message": reply.text or ""}
    if reply.tool_calls:
        entry["toolCalls"] = [_cohere_call(c) for c in reply.tool_calls]
    history.append(entry)
    return history


def cohere_response(reply: Reply, request: Mapping[str, Any], usage: Usage) -> dict[str, Any]:
    """The ``CohereChatResponse`` for ``reply`` to ``request`` (the ``chatRequest``)."""
    body: dict[str, Any] = {
        "apiFormat": "COHERE",
        "text": reply.text or "",
        "finishReason": "COMPLETE",
    }
    if reply.tool_calls:
        body["toolCalls"] = [_cohere_call(c) for c in reply.tool_calls]
    body["chatHistory"] = _cohere_history(request, reply)
    body["usage"] = native_usage(usage)
    return body


def cohere_events(
    reply: Reply, request: Mapping[str, Any], usage: Usage, *, include_usage: bool
) -> list[dict[str, Any]]:
    """The ``COHERE`` stream events for ``reply``."""
    text = reply.text or ""
    events: list[dict[str, Any]] = [
        {"apiFormat": "COHERE", "text": piece} for piece in text_deltas(text)
    ]
    calls = [_cohere_call(c) for c in reply.tool_calls]
    if calls:
        events.append({"apiFormat": "COHERE", "toolCalls": calls})
    final = cohere_response(reply, request, usage)
    if not include_usage:
        del final["usage"]
    events.append(final)
    return events


# --- COHEREV2 ----------------------------------------------------------------------


def _v2_message(reply: Reply, seed: str) -> dict[str, Any]:
    reply = fill_call_ids(reply, seed)
    message: dict[str, Any] = {"role": "ASSISTANT"}
    if reply.text is not None or not reply.tool_calls:
        message["content"] = [{"type": "TEXT", "text": reply.text or ""}]
    if reply.tool_calls:
        message["toolCalls"] = [
            {"id": c.call_id, "type": "FUNCTION",
             "function": {"name": c.name, "arguments": c.arguments}}
            for c in reply.tool_calls
        ]
    return message


def coherev2_response(reply: Reply, usage: Usage, *, seed: str) -> dict[str, Any]:
    """The ``CohereChatResponseV2`` for ``reply`` (``finishReason`` ``COMPLETE``/``TOOL_CALL``)."""
    return {
        "apiFormat": "COHEREV2",
        "id": seed,
        "message": _v2_message(reply, seed),
        "finishReason": "TOOL_CALL" if reply.tool_calls else "COMPLETE",
        "usage": native_usage(usage),
    }


def coherev2_events(
    reply: Reply, usage: Usage, *, seed: str, include_usage: bool
) -> list[dict[str, Any]]:
    """``COHEREV2`` stream events: text deltas as messages, then the whole response.

    The service's V2 stream shape is not recorded anywhere we know of: this
    mirrors the COHERE stream (deltas, then a final event repeating it all).
    """
    events: list[dict[str, Any]] = [
        {"apiFormat": "COHEREV2",
         "message": {"role": "ASSISTANT", "content": [{"type": "TEXT", "text": piece}]}}
        for piece in text_deltas(reply.text or "")
    ]
    final = coherev2_response(reply, usage, seed=seed)
    if not include_usage:
        del final["usage"]
    events.append(final)
    return events


# --- GENERIC -----------------------------------------------------------------------


def _time_created(created: float) -> str:
    stamp = datetime.fromtimestamp(created, tz=timezone.utc)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _finish(reply: Reply) -> str:
    return "tool_calls" if reply.tool_calls else "stop"


def generic_response(reply: Reply, usage: Usage, *, created: float, seed: str) -> dict[str, Any]:
    """The ``GenericChatResponse`` for ``reply``; tool call ids derive from ``seed``."""
    reply = fill_call_ids(reply, seed)
    message: dict[str, Any] = {"role": "ASSISTANT", "content": None}
    if reply.text is not None or not reply.tool_calls:
        message["content"] = [{"type": "TEXT", "text": reply.text or ""}]
    if reply.tool_calls:
        message["toolCalls"] = [
            {"id": c.call_id, "type": "FUNCTION", "name": c.name, "arguments": c.arguments}
            for c in reply.tool_calls
        ]
    return {
        "apiFormat": "GENERIC",
        "timeCreated": _time_created(created),
        "choices": [{"index": 0, "message": message, "finishReason": _finish(reply)}],
        "usage": native_usage(usage),
    }


def generic_events(
    reply: Reply,
    usage: Usage,
    *,
    seed: str,
    include_usage: bool,
    shape: Literal["recorded", "whole"] = "recorded",
) -> list[dict[str, Any] | str]:
    """The ``GENERIC`` stream events for ``reply``; ids as in :func:`generic_response`.

    ``recorded`` (the service's shape, as other integrations recorded it): a
    call's ``id`` and ``name`` on its first event only, then bare ``{"type":
    "FUNCTION", "arguments"}`` pieces; a ``pad`` on every event; a finish event
    with ``finishReason`` and the whole ``message``; ``[DONE]`` last.
    ``whole``: the emulator's older shape, every piece carrying the call's
    index and id, a bare ``{"index", "finishReason"}`` event, no ``[DONE]``.
    """
    reply = fill_call_ids(reply, seed)
    recorded = shape == "recorded"

    def event(message: dict[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = {"index": 0, "message": {"role": "ASSISTANT", **message}}
        if recorded:
            payload["pad"] = _pad(len(events))
        return payload

    events: list[dict[str, Any] | str] = []
    for piece in text_deltas(reply.text or ""):
        events.append(event({"content": [{"type": "TEXT", "text": piece}]}))
    for index, call in enumerate(reply.tool_calls):
        where: dict[str, Any] = {"type": "FUNCTION"} if recorded else {
            "index": index, "id": call.call_id, "type": "FUNCTION"
        }
        pieces = argument_deltas(call.arguments) or [""]
        first = {**where, "id": call.call_id, "name": call.name, "arguments": pieces[0]}
        events.append(event({"toolCalls": [first]}))
        events += [event({"toolCalls": [{**where, "arguments": p}]}) for p in pieces[1:]]
    if recorded:
        message = generic_response(reply, usage, created=0, seed=seed)["choices"][0]["message"]
        finish = event({key: value for key, value in message.items() if key != "role"})
        events.append({**finish, "finishReason": _finish(reply)})
    else:
        events.append({"index": 0, "finishReason": _finish(reply)})
    if include_usage:
        events.append({"usage": native_usage(usage)})
    if recorded:
        events.append("[DONE]")
    return events


def _pad(number: int) -> str:
    # The service pads events to hide token lengths; its content is meaningless.
    return "abcdefghijklmnopqrstuvwxyz"[: 4 + number % 20]
