"""Wire formats: a :class:`~agents_oci.testing.replies.Reply` as the JSON body or
stream events of the OpenAI-compatible APIs OCI Generative AI serves.

Every shape here is what the ``openai`` SDK parses (2.x and 3.x) and what the
Agents SDK stream handlers consume: ``chat.completion`` bodies and
``chat.completion.chunk`` deltas, ``response`` objects and the Responses
stream events, each with a ``sequence_number`` counting from 0.

Ids are deterministic. A tool call without ``call_id`` gets one derived from
the completion or response id and its index (:func:`fill_call_ids`), and
Responses output items get ``msg_``/``fc_`` ids derived the same way, so a
reply rendered as a body and as events carries the same ids. Fill the call
ids before storing a reply as history (``fill_call_ids(reply, response_id)``
gives exactly the ids the client sees).
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from .replies import Reply, ToolCall, Usage

__all__ = [
    "argument_deltas",
    "body_events",
    "chat_completion_body",
    "chat_completion_chunks",
    "fill_call_ids",
    "response_body",
    "response_events",
    "text_deltas",
]

_PIECE: Final = 16
"""Longest text delta; long words and tool arguments are cut to this size."""

_ECHOED_IF_SENT: Final = (
    "background",
    "conversation",
    "max_tool_calls",
    "prompt_cache_key",
    "prompt_cache_retention",
    "safety_identifier",
    "service_tier",
    "top_logprobs",
)


# --- ids and pieces ------------------------------------------------------------


def fill_call_ids(reply: Reply, seed: str) -> Reply:
    """``reply`` with every empty ``call_id`` set to ``call_<hash(seed, index)>``.

    Idempotent, and calls that already have an id keep it. The wire functions
    call it with their ``completion_id`` / ``response_id``.
    """
    if all(call.call_id for call in reply.tool_calls):
        return reply
    calls = tuple(
        call if call.call_id else replace(call, call_id=_derived_id("call_", seed, index))
        for index, call in enumerate(reply.tool_calls)
    )
    return replace(reply, tool_calls=calls)


def _derived_id(prefix: str, seed: str, index: int) -> str:
    digest = hashlib.sha256(f"{prefix}{seed}:{index}".encode()).hexdigest()
    return prefix + digest[:24]


def text_deltas(text: str) -> list[str]:
    """Split text as a model streams it: words with their following space.

    Words longer than 16 characters are cut; ``"".join`` gives back ``text``.
    """
    words = [w for w in re.findall(r"\S*\s*", text) if w]
    return [piece for word in words for piece in _slices(word)]


def argument_deltas(arguments: str) -> list[str]:
    """Split tool-call arguments into 16-character pieces, as models stream JSON."""
    return _slices(arguments)


def _slices(text: str) -> list[str]:
    return [text[i : i + _PIECE] for i in range(0, len(text), _PIECE)]


def _content(reply: Reply) -> str | None:
    """The message text; ``None`` only for a reply that is tool calls alone."""
    if reply.text is not None:
        return reply.text
    return None if reply.tool_calls else ""


# --- chat completions -----------------------------------------------------------


def chat_completion_body(
    reply: Reply, *, model: str, completion_id: str, created: int, usage: Usage
) -> dict[str, Any]:
    """The ``chat.completion`` JSON body for ``reply``."""
    reply = fill_call_ids(reply, completion_id)
    message: dict[str, Any] = {"role": "assistant", "content": _content(reply), "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = [_chat_tool_call(call) for call in reply.tool_calls]
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": _finish(reply), "logprobs": None}
        ],
        "usage": _chat_usage(usage),
    }


def chat_completion_chunks(
    reply: Reply,
    *,
    model: str,
    completion_id: str,
    created: int,
    usage: Usage,
    include_usage: bool,
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` payloads for ``reply``, in order.

    A role chunk, content deltas, per tool call a header delta (index, id,
    type, name) then argument deltas, a chunk with ``finish_reason``, and with
    ``include_usage`` a last chunk with ``choices: []`` and the usage (earlier
    chunks then carry ``usage: null``, as OpenAI sends them). The server
    follows them with ``data: [DONE]``.
    """
    reply = fill_call_ids(reply, completion_id)

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
        payload = _chunk_shell(model, completion_id, created, [choice])
        if include_usage:
            payload["usage"] = None
        return payload

    content = _content(reply)
    chunks = [chunk({"role": "assistant", "content": "" if content is not None else None})]
    chunks += [chunk({"content": piece}) for piece in text_deltas(content or "")]
    for index, call in enumerate(reply.tool_calls):
        header = {"index": index, **_chat_tool_call(call)}
        header["function"] = {"name": call.name, "arguments": ""}
        chunks.append(chunk({"tool_calls": [header]}))
        chunks += [
            chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            for piece in argument_deltas(call.arguments)
        ]
    chunks.append(chunk({}, _finish(reply)))
    if include_usage:
        chunks.append(
            {**_chunk_shell(model, completion_id, created, []), "usage": _chat_usage(usage)}
        )
    return chunks


def _chunk_shell(
    model: str, completion_id: str, created: int, choices: list[Any]
) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": choices,
    }


def _chat_tool_call(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call.call_id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }


def _finish(reply: Reply) -> str:
    return "tool_calls" if reply.tool_calls else "stop"


def _chat_usage(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


# --- Responses ------------------------------------------------------------------


def response_body(
    reply: Reply,
    *,
    model: str,
    response_id: str,
    created: int,
    usage: Usage,
    request: Mapping[str, Any],
) -> dict[str, Any]:
    """The completed ``response`` object for ``reply``, echoing ``request`` settings.

    Output: a ``message`` item (unless the reply is tool calls alone), then one
    ``function_call`` item per tool call.
    """
    reply = fill_call_ids(reply, response_id)
    return _response_object(
        request,
        model=model,
        response_id=response_id,
        created=created,
        output=_output_items(reply, response_id),
        usage=_responses_usage(usage),
    )


def response_events(
    reply: Reply,
    *,
    model: str,
    response_id: str,
    created: int,
    usage: Usage,
    request: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """The Responses stream events for ``reply``, ending with ``response.completed``.

    ``response.created`` and ``response.in_progress`` carry an in-progress
    snapshot with no output; then per output item ``output_item.added``, the
    content part or argument deltas, ``output_item.done``; the completed event
    carries :func:`response_body`.
    """
    final = response_body(
        reply, model=model, response_id=response_id, created=created, usage=usage, request=request
    )
    return body_events(final)


def body_events(final: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Responses stream events of a completed ``response`` body, in order.

    Items other than messages and function calls (hosted tool calls,
    compaction) get ``output_item.added`` and ``output_item.done``.
    """
    log = _EventLog()
    snapshot = {**final, "status": "in_progress", "output": [], "usage": None}
    snapshot["completed_at"] = None
    log.emit("response.created", response=snapshot)
    log.emit("response.in_progress", response=snapshot)
    for index, item in enumerate(final["output"]):
        if item["type"] == "message":
            _message_events(log, index, item)
        elif item["type"] == "function_call":
            _function_call_events(log, index, item)
        else:
            log.emit("response.output_item.added", output_index=index, item=item)
            log.emit("response.output_item.done", output_index=index, item=item)
    log.emit("response.completed", response=final)
    return log.events


class _EventLog:
    """Collects events, numbering them; each is a deep copy, safe to mutate."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._numbers = itertools.count()

    def emit(self, event_type: str, **fields: Any) -> None:
        event = {"type": event_type, "sequence_number": next(self._numbers), **fields}
        self.events.append(copy.deepcopy(event))


def _message_events(log: _EventLog, index: int, item: dict[str, Any]) -> None:
    part = item["content"][0]
    where = {"item_id": item["id"], "output_index": index, "content_index": 0}
    log.emit(
        "response.output_item.added",
        output_index=index,
        item={**item, "status": "in_progress", "content": []},
    )
    log.emit("response.content_part.added", **where, part={**part, "text": ""})
    for piece in text_deltas(part["text"]):
        log.emit("response.output_text.delta", **where, delta=piece, logprobs=[])
    log.emit("response.output_text.done", **where, text=part["text"], logprobs=[])
    log.emit("response.content_part.done", **where, part=part)
    log.emit("response.output_item.done", output_index=index, item=item)


def _function_call_events(log: _EventLog, index: int, item: dict[str, Any]) -> None:
    where = {"item_id": item["id"], "output_index": index}
    log.emit(
        "response.output_item.added",
        output_index=index,
        item={**item, "arguments": "", "status": "in_progress"},
    )
    for piece in argument_deltas(item["arguments"]):
        log.emit("response.function_call_arguments.delta", **where, delta=piece)
    # ``name`` is required by openai 2.x's done event and ignored by 3.x.
    log.emit(
        "response.function_call_arguments.done",
        **where,
        arguments=item["arguments"],
        name=item["name"],
    )
    log.emit("response.output_item.done", output_index=index, item=item)


def _output_items(reply: Reply, response_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    content = _content(reply)
    if content is not None:
        items.append(
            {
                "type": "message",
                "id": _derived_id("msg_", response_id, 0),
                "role": "assistant",
                "status": "completed",
                "content": [
                    {"type": "output_text", "text": content, "annotations": [], "logprobs": []}
                ],
            }
        )
    for call in reply.tool_calls:
        items.append(
            {
                "type": "function_call",
                "id": _derived_id("fc_", response_id, len(items)),
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
                "status": "completed",
            }
        )
    return items


def _response_object(
    request: Mapping[str, Any],
    *,
    model: str,
    response_id: str,
    created: int,
    output: list[dict[str, Any]],
    usage: dict[str, Any],
) -> dict[str, Any]:
    """A completed ``response`` echoing the request's settings, as OpenAI does."""
    text = request.get("text")
    body: dict[str, Any] = {
        "id": response_id,
        "object": "response",
        "created_at": created,
        "completed_at": created,
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "instructions": request.get("instructions"),
        "max_output_tokens": request.get("max_output_tokens"),
        "metadata": request.get("metadata") or {},
        "model": model,
        "output": output,
        "parallel_tool_calls": request.get("parallel_tool_calls", True),
        "previous_response_id": request.get("previous_response_id"),
        "reasoning": request.get("reasoning") or {"effort": None, "summary": None},
        "store": request.get("store", True),
        "temperature": request.get("temperature", 1.0),
        "text": {"format": {"type": "text"}, **(text if isinstance(text, Mapping) else {})},
        "tool_choice": request.get("tool_choice", "auto"),
        "tools": [_echo_tool(t) for t in request.get("tools") or () if isinstance(t, Mapping)],
        "top_p": request.get("top_p", 1.0),
        "truncation": request.get("truncation", "disabled"),
        "usage": usage,
        "user": request.get("user"),
    }
    for key in _ECHOED_IF_SENT:
        if key in request:
            body[key] = request[key]
    if isinstance(body.get("conversation"), str):
        body["conversation"] = {"id": body["conversation"]}
    return body


def _echo_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """A request tool as the response lists it (function tools get every field)."""
    if tool.get("type") != "function":
        return dict(tool)
    return {
        "type": "function",
        "name": tool.get("name", ""),
        "description": tool.get("description"),
        "parameters": tool.get("parameters"),
        "strict": tool.get("strict"),
    }


def _responses_usage(usage: Usage) -> dict[str, Any]:
    return {
        "input_tokens": usage.input_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": usage.total_tokens,
    }
