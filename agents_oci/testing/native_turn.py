"""OCI's native chat request (``ChatDetails``) normalised into a :class:`Turn`.

Two request formats reach ``/20231130/actions/chat`` (JSON names are those
of ``oci.generative_ai_inference.models``):

* ``COHERE``: ``preambleOverride`` (system prompt), ``chatHistory`` of
  ``USER``/``SYSTEM``/``CHATBOT``/``TOOL`` entries, the current ``message``,
  ``toolResults`` for the calls the model just made, and ``tools`` whose
  parameters are ``parameterDefinitions`` with python-ish types;
* ``COHEREV2`` (``CohereChatRequestV2``): ``messages`` as in GENERIC, but
  tool calls are ``{"id", "type": "FUNCTION", "function": {"name",
  "arguments"}}`` and tools ``{"type": "FUNCTION", "function": {...}}``;
* ``GENERIC``: ``messages`` with upper-case roles, content parts
  (``{"type": "TEXT", "text"}``), ``toolCalls`` with ids and JSON-text
  arguments, ``toolCallId`` on tool messages, and JSON-schema ``tools``.

Cohere tool calls carry no ids, so each gets one derived from its name and
parameters (:func:`cohere_call_id`): a result names its call the same way,
which is what lets the responder pair results with calls.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Final

from .replies import Message, ToolCall, ToolSpec, Turn
from .turns import JSON_OBJECT_SCHEMA, as_mapping, as_mappings

__all__ = [
    "cohere_call_id",
    "cohere_parameters_schema",
    "cohere_turn",
    "coherev2_turn",
    "generic_turn",
]

_PYTHON_TYPES: Final[Mapping[str, str]] = {
    "str": "string",
    "string": "string",
    "int": "integer",
    "integer": "integer",
    "float": "number",
    "number": "number",
    "bool": "boolean",
    "boolean": "boolean",
    "list": "array",
    "array": "array",
    "tuple": "array",
    "dict": "object",
    "object": "object",
}
"""Cohere's ``parameterDefinitions`` types (python names; JSON names accepted too)."""

_COHERE_ROLES: Final[Mapping[str, str]] = {
    "USER": "user",
    "SYSTEM": "system",
    "CHATBOT": "assistant",
}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- COHERE ------------------------------------------------------------------------


def cohere_call_id(name: str, parameters: Any) -> str:
    """The id the emulator gives a Cohere tool call (Cohere has none): a hash of it."""
    canonical = json.dumps([name, parameters], sort_keys=True, separators=(",", ":"), default=str)
    return "cohere_" + hashlib.sha256(canonical.encode()).hexdigest()[:24]


def _cohere_call(call: Mapping[str, Any]) -> ToolCall:
    name = _text(call.get("name"))
    parameters = call.get("parameters")
    parameters = parameters if isinstance(parameters, Mapping) else {}
    return ToolCall(
        name=name,
        arguments=json.dumps(parameters),
        call_id=cohere_call_id(name, parameters),
    )


def _outputs_text(outputs: Any) -> str:
    """A tool result's text: ``{"output": "..."}`` gives the string, other outputs JSON."""
    texts = []
    for output in as_mappings(outputs):
        value = output.get("output") if len(output) == 1 else None
        texts.append(value if isinstance(value, str) else json.dumps(dict(output)))
    return "\n".join(texts)


def _append_results(messages: list[Message], results: Any) -> None:
    """Append ``toolResults`` as tool messages, after the assistant call they answer.

    When no earlier assistant message holds the call (a single-step client
    re-sends the message with the results and no history), a synthetic
    assistant message with those calls is inserted, so every tool message
    answers a call of the turn, as in the other APIs.
    """
    known = {call.call_id for m in messages for call in m.tool_calls}
    pairs = [
        (_cohere_call(as_mapping(r.get("call"))), r.get("outputs")) for r in as_mappings(results)
    ]
    missing = tuple(call for call, _ in pairs if call.call_id not in known)
    if missing:
        messages.append(Message(role="assistant", tool_calls=missing))
    for call, outputs in pairs:
        messages.append(
            Message(role="tool", text=_outputs_text(outputs), tool_call_id=call.call_id)
        )


def cohere_parameters_schema(definitions: Any) -> dict[str, Any]:
    """``parameterDefinitions`` as a JSON schema object with ``properties``/``required``.

    ``List[str]``-style types become arrays of the inner type; unknown types
    are strings (Cohere documents python type names, not a closed list).
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, spec in as_mapping(definitions).items():
        spec = as_mapping(spec)
        prop = _json_type(_text(spec.get("type")) or "str")
        if isinstance(spec.get("description"), str):
            prop["description"] = spec["description"]
        properties[str(name)] = prop
        if spec.get("isRequired") is True:
            required.append(str(name))
    return {"type": "object", "properties": properties, "required": required}


def _json_type(python_type: str) -> dict[str, Any]:
    lowered = python_type.strip().lower()
    outer, _, inner = lowered.partition("[")
    kind = _PYTHON_TYPES.get(outer.strip(), "string")
    schema: dict[str, Any] = {"type": kind}
    if kind == "array" and inner:
        schema["items"] = _json_type(inner.rstrip("]").split(",")[0])
    return schema


def cohere_turn(details: Mapping[str, Any], request: Mapping[str, Any], model: str) -> Turn:
    """Normalise a ``COHERE`` chat request (``details`` is the whole ``ChatDetails``)."""
    messages: list[Message] = []
    preamble = request.get("preambleOverride")
    if isinstance(preamble, str) and preamble:
        messages.append(Message(role="system", text=preamble))
    for entry in as_mappings(request.get("chatHistory")):
        role = str(entry.get("role", "USER")).upper()
        if role == "TOOL":
            _append_results(messages, entry.get("toolResults"))
            continue
        calls = tuple(_cohere_call(c) for c in as_mappings(entry.get("toolCalls")))
        messages.append(
            Message(
                role=_COHERE_ROLES.get(role, "user"),
                text=_text(entry.get("message")),
                tool_calls=calls if role == "CHATBOT" else (),
            )
        )
    message = _text(request.get("message"))
    # With toolResults the message may be "" (the user's words are in the history).
    if message or not request.get("toolResults"):
        messages.append(Message(role="user", text=message))
    _append_results(messages, request.get("toolResults"))
    tools = tuple(
        ToolSpec(
            name=_text(t.get("name")),
            description=_text(t.get("description")),
            parameters=cohere_parameters_schema(t.get("parameterDefinitions")),
        )
        for t in as_mappings(request.get("tools"))
    )
    response_format = as_mapping(request.get("responseFormat"))
    schema: Mapping[str, Any] | None = None
    if response_format.get("type") == "JSON_OBJECT":
        given = response_format.get("schema")
        schema = given if isinstance(given, Mapping) and given else JSON_OBJECT_SCHEMA
    return Turn(
        api="native",
        model=model,
        messages=tuple(messages),
        tools=tools,
        output_schema=schema,
        body=details,
    )


# --- GENERIC -----------------------------------------------------------------------


def _content_text(content: Any) -> str:
    """Text of ``content``: the ``TEXT`` parts joined by newlines (a plain string too)."""
    if isinstance(content, str):
        return content
    return "\n".join(
        part["text"]
        for part in as_mappings(content)
        if str(part.get("type", "TEXT")).upper() == "TEXT" and isinstance(part.get("text"), str)
    )


def _generic_message(message: Mapping[str, Any]) -> Message:
    role = str(message.get("role", "USER")).lower()
    calls = tuple(
        ToolCall(
            name=_text(call.get("name")),
            arguments=_text(call.get("arguments")) or "{}",
            call_id=_text(call.get("id")),
        )
        for call in as_mappings(message.get("toolCalls"))
    )
    tool_call_id = message.get("toolCallId") if role == "tool" else None
    return Message(
        role=role,
        text=_content_text(message.get("content")),
        tool_calls=calls,
        tool_call_id=None if tool_call_id is None else str(tool_call_id),
    )


def generic_turn(details: Mapping[str, Any], request: Mapping[str, Any], model: str) -> Turn:
    """Normalise a ``GENERIC`` chat request (``details`` is the whole ``ChatDetails``)."""
    tools = tuple(
        ToolSpec(
            name=_text(t.get("name")),
            description=_text(t.get("description")),
            parameters=as_mapping(t.get("parameters")),
        )
        for t in as_mappings(request.get("tools"))
        if str(t.get("type", "FUNCTION")).upper() == "FUNCTION"
    )
    response_format = as_mapping(request.get("responseFormat"))
    kind = response_format.get("type")
    schema: Mapping[str, Any] | None = None
    if kind == "JSON_SCHEMA":
        schema = as_mapping(as_mapping(response_format.get("jsonSchema")).get("schema"))
    elif kind == "JSON_OBJECT":
        schema = JSON_OBJECT_SCHEMA
    return Turn(
        api="native",
        model=model,
        messages=tuple(_generic_message(m) for m in as_mappings(request.get("messages"))),
        tools=tools,
        output_schema=schema,
        body=details,
    )


# --- COHEREV2 ----------------------------------------------------------------------


def _v2_message(message: Mapping[str, Any]) -> Message:
    role = str(message.get("role", "USER")).lower()
    calls = tuple(
        ToolCall(
            name=_text(function.get("name")),
            arguments=_text(function.get("arguments")) or "{}",
            call_id=_text(call.get("id")),
        )
        for call in as_mappings(message.get("toolCalls"))
        if isinstance(function := call.get("function"), Mapping)
    )
    tool_call_id = message.get("toolCallId") if role == "tool" else None
    return Message(
        role=role,
        text=_content_text(message.get("content")),
        tool_calls=calls,
        tool_call_id=None if tool_call_id is None else str(tool_call_id),
    )


def coherev2_turn(details: Mapping[str, Any], request: Mapping[str, Any], model: str) -> Turn:
    """Normalise a ``COHEREV2`` chat request (``details`` is the whole ``ChatDetails``)."""
    tools = tuple(
        ToolSpec(
            name=_text(function.get("name")),
            description=_text(function.get("description")),
            parameters=as_mapping(function.get("parameters")),
        )
        for t in as_mappings(request.get("tools"))
        if isinstance(function := t.get("function"), Mapping)
    )
    response_format = as_mapping(request.get("responseFormat"))
    schema: Mapping[str, Any] | None = None
    if response_format.get("type") == "JSON_OBJECT":
        given = response_format.get("schema")
        schema = given if isinstance(given, Mapping) and given else JSON_OBJECT_SCHEMA
    return Turn(
        api="native",
        model=model,
        messages=tuple(_v2_message(m) for m in as_mappings(request.get("messages"))),
        tools=tools,
        output_schema=schema,
        body=details,
    )
