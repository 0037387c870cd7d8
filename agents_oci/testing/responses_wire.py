"""Wire formats of the Responses API: a :class:`~agents_oci.testing.replies.Reply`
as a ``response`` object and as the Responses stream events.

Each event carries a ``sequence_number`` counting from 0; output items get
``msg_``/``fc_`` ids derived from the response id (:mod:`.wire` holds the id
rules and the chat-completions shapes; the two were one module of ~420 lines).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping
from typing import Any, Final

from .replies import Reply, Usage
from .wire import argument_deltas, derived_id, fill_call_ids, reply_content, text_deltas

__all__ = ["body_events", "response_body", "response_events"]

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
    content = reply_content(reply)
    if content is not None:
        items.append(
            {
                "type": "message",
                "id": derived_id("msg_", response_id, 0),
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
                "id": derived_id("fc_", response_id, len(items)),
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
