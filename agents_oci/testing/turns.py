"""Request normalisation: a chat-completions or Responses body as a :class:`Turn`.

:func:`chat_turn` and :func:`responses_turn` read either API's request into
the emulated model's input (messages, tools, tool choice, output schema); the
model itself is :mod:`.responder`. Moved out of that module, which held both
(~440 lines).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from .replies import Message, ToolCall, ToolSpec, Turn

__all__ = [
    "JSON_OBJECT_SCHEMA",
    "as_mapping",
    "as_mappings",
    "chat_turn",
    "items_messages",
    "responses_turn",
]

_TEXT_PART_TYPES: Final = frozenset({"text", "input_text", "output_text"})
JSON_OBJECT_SCHEMA: Final[Mapping[str, Any]] = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
}
"""What ``json_object`` mode is answered with: some JSON object."""


def chat_turn(body: Mapping[str, Any]) -> Turn:
    """Normalise a ``/chat/completions`` request body."""
    messages = tuple(_chat_message(m) for m in as_mappings(body.get("messages")))
    tools = tuple(
        _tool_spec(as_mapping(t.get("function")))
        for t in as_mappings(body.get("tools"))
        if t.get("type") == "function"
    )
    response_format = as_mapping(body.get("response_format"))
    schema = _output_schema(response_format, as_mapping(response_format.get("json_schema")))
    return Turn(
        api="chat",
        model=str(body.get("model", "")),
        messages=messages,
        tools=tools,
        output_schema=schema,
        body=body,
    )


def responses_turn(body: Mapping[str, Any], history: Sequence[Message]) -> Turn:
    """Normalise a ``/responses`` request body continuing ``history``.

    ``history`` is the stored conversation before this request (empty
    without ``previous_response_id``); ``instructions`` become a leading
    system message, and ``input`` (a string or a list of items) is appended.
    Store :func:`stored_conversation` so old instructions do not pile up.
    """
    messages: list[Message] = []
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        messages.append(Message(role="system", text=instructions))
    messages.extend(history)
    raw_input = body.get("input")
    if isinstance(raw_input, str):
        messages.append(Message(role="user", text=raw_input))
    else:
        _append_items(messages, as_mappings(raw_input))
    offered = as_mappings(body.get("tools"))
    tools = tuple(_tool_spec(t) for t in offered if t.get("type") == "function")
    text_format = as_mapping(as_mapping(body.get("text")).get("format"))
    return Turn(
        api="responses",
        model=str(body.get("model", "")),
        messages=tuple(messages),
        tools=tools,
        output_schema=_output_schema(text_format, text_format),
        body=body,
    )


def _output_schema(
    response_format: Mapping[str, Any], holder: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The requested output schema; ``holder`` is where the ``schema`` key lives.

    Chat nests it (``response_format.json_schema.schema``), Responses does
    not (``text.format.schema``).
    """
    kind = response_format.get("type")
    if kind == "json_schema":
        return as_mapping(holder.get("schema"))
    if kind == "json_object":
        return JSON_OBJECT_SCHEMA
    return None


def as_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_mappings(value: Any) -> list[Mapping[str, Any]]:
    """The mappings in a JSON list; anything else is treated as empty."""
    if not isinstance(value, list | tuple):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def _text_of(content: Any) -> str:
    """Text of a content field: a string, or the text parts of a part list."""
    if isinstance(content, str):
        return content
    texts = [
        part["text"]
        for part in as_mappings(content)
        if part.get("type", "text") in _TEXT_PART_TYPES and isinstance(part.get("text"), str)
    ]
    return "\n".join(texts)


def _chat_message(message: Mapping[str, Any]) -> Message:
    role = str(message.get("role", "user"))
    calls = tuple(
        ToolCall(
            name=str(fn.get("name", "")),
            arguments=str(fn.get("arguments") or "{}"),
            call_id=str(call.get("id") or ""),
        )
        for call in as_mappings(message.get("tool_calls"))
        if isinstance(fn := call.get("function"), Mapping)
    )
    tool_call_id = message.get("tool_call_id") if role == "tool" else None
    return Message(
        role=role,
        text=_text_of(message.get("content")),
        tool_calls=calls,
        tool_call_id=None if tool_call_id is None else str(tool_call_id),
    )


def _tool_spec(definition: Mapping[str, Any]) -> ToolSpec:
    return ToolSpec(
        name=str(definition.get("name", "")),
        description=str(definition.get("description") or ""),
        parameters=definition.get("parameters") or {},
    )


def _append_items(messages: list[Message], items: Iterable[Mapping[str, Any]]) -> None:
    """Append Responses input items; unknown kinds (``reasoning``...) are skipped."""
    for item in items:
        kind = item.get("type")
        if kind in (None, "message") and "role" in item:
            messages.append(Message(role=str(item["role"]), text=_text_of(item.get("content"))))
        elif kind == "function_call":
            call = ToolCall(
                name=str(item.get("name", "")),
                arguments=str(item.get("arguments") or "{}"),
                call_id=str(item.get("call_id", "")),
            )
            _attach_call(messages, call)
        elif kind == "function_call_output":
            messages.append(
                Message(
                    role="tool",
                    text=_text_of(item.get("output")),
                    tool_call_id=str(item.get("call_id", "")),
                )
            )


def items_messages(items: Iterable[Mapping[str, Any]]) -> tuple[Message, ...]:
    """Responses items (a stored conversation's, say) as the messages the model reads."""
    messages: list[Message] = []
    _append_items(messages, items)
    return tuple(messages)


def _attach_call(messages: list[Message], call: ToolCall) -> None:
    """Function calls join the assistant message before them, as in chat format."""
    if messages and messages[-1].role == "assistant":
        last = messages[-1]
        messages[-1] = replace(last, tool_calls=(*last.tool_calls, call))
    else:
        messages.append(Message(role="assistant", tool_calls=(call,)))


