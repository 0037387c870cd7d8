"""Chat-completions requests -> OCI's native chat API (``/20231130/actions/chat``).

The Agents SDK already knows how to turn its items into chat-completions
messages and how to turn chat-completions answers and chunks back into its
items and stream events. So this module only translates that shape into
OCI's native request formats (answers come back through :mod:`.answer`):

- ``COHERE`` (Cohere R-series): ``message`` + ``chatHistory`` + ``toolResults``,
  a ``preambleOverride`` for instructions, tools with ``parameterDefinitions``,
  and tool calls without ids;
- ``COHEREV2`` (Cohere Command A and later, opt-in): see :mod:`.coherev2`;
- ``GENERIC`` (the other families): ``messages`` with roles and content parts,
  tools with JSON schemas, tool calls with ids.

JSON names are those of the ``oci.generative_ai_inference.models`` classes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from agents.exceptions import UserError

from ..routing import API_FORMATS, ApiFormat
from .coherev2 import coherev2_request

__all__ = [
    "API_FORMATS",
    "ApiFormat",
    "UnsupportedContentError",
    "request_body",
]


class UnsupportedContentError(UserError):
    """Content the native chat format cannot carry (said before anything is sent)."""


_COHERE_TYPES: Final = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "array": "list",
    "object": "dict",
}
_GENERIC_ROLES: Final = {
    "system": "SYSTEM",
    "developer": "SYSTEM",
    "user": "USER",
    "assistant": "ASSISTANT",
    "tool": "TOOL",
}
_SETTINGS: Final = (
    # (ModelSettings attribute, native name)
    ("temperature", "temperature"),
    ("top_p", "topP"),
    ("max_tokens", "maxTokens"),
    ("frequency_penalty", "frequencyPenalty"),
    ("presence_penalty", "presencePenalty"),
)


def text_of(content: Any) -> str:
    """The text of a chat message's content (a string or a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, Mapping)
            and part.get("type") in ("text", "input_text", "output_text")
        )
    return ""


def request_body(
    api_format: ApiFormat,
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]],
    settings: Any,
    response_format: Mapping[str, Any] | None,
    *,
    stream: bool,
) -> dict[str, Any]:
    """The ``chatRequest`` for chat-completions ``messages`` and function ``tools``."""
    build = {"COHERE": _cohere_request, "COHEREV2": coherev2_request}.get(
        api_format, _generic_request
    )
    body = build(messages, tools, response_format)
    body["apiFormat"] = api_format
    body["isStream"] = stream
    if stream:
        body["streamOptions"] = {"isIncludeUsage": True}
    for attribute, name in _SETTINGS:
        value = getattr(settings, attribute, None)
        if value is not None:
            body[name] = value
    extra = getattr(settings, "extra_args", None) or {}
    body.update({k: v for k, v in extra.items() if k not in body})  # native names, as given
    if api_format == "GENERIC":
        choice = _generic_tool_choice(getattr(settings, "tool_choice", None))
        if choice is not None and tools:
            body["toolChoice"] = choice
        parallel = getattr(settings, "parallel_tool_calls", None)
        if parallel is not None and tools:
            body["isParallelToolCalls"] = parallel
    return body


# --- GENERIC ------------------------------------------------------------------


def _generic_request(
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]],
    response_format: Mapping[str, Any] | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"messages": [_generic_message(m) for m in messages]}
    if tools:
        body["tools"] = [
            {
                "type": "FUNCTION",
                "name": t["function"]["name"],
                "description": t["function"].get("description") or "",
                "parameters": t["function"].get("parameters") or {"type": "object"},
            }
            for t in tools
        ]
    if response_format is not None:
        schema = response_format.get("json_schema", {})
        body["responseFormat"] = {
            "type": "JSON_SCHEMA",
            "jsonSchema": {
                "name": schema.get("name", "final_output"),
                "schema": schema.get("schema", {}),
                "isStrict": bool(schema.get("strict", False)),
            },
        }
    return body


def _generic_content(content: Any) -> list[dict[str, Any]]:
    """Content parts: text and images (the generic format takes both)."""
    if not isinstance(content, Sequence) or isinstance(content, str):
        return [{"type": "TEXT", "text": text_of(content)}]
    parts: list[dict[str, Any]] = []
    for part in content:
        if not isinstance(part, Mapping):
            continue
        if part.get("type") == "image_url":
            parts.append({"type": "IMAGE", "imageUrl": {"url": part["image_url"]["url"]}})
        elif part.get("type") in ("text", "input_text", "output_text"):
            parts.append({"type": "TEXT", "text": str(part.get("text", ""))})
        else:
            raise UnsupportedContentError(
                f"OCI's native chat API cannot take a {part.get('type')!r} content part. "
                "Send text or images, or use OCIChatCompletionsModel for this model."
            )
    return parts


def _generic_message(message: Mapping[str, Any]) -> dict[str, Any]:
    role = _GENERIC_ROLES.get(str(message.get("role")), "USER")
    out: dict[str, Any] = {"role": role}
    content = message.get("content")
    if text_of(content) or role != "ASSISTANT" or _has_images(content):
        out["content"] = _generic_content(content)
    calls = message.get("tool_calls") or []
    if calls:
        out["toolCalls"] = [
            {
                "id": call["id"],
                "type": "FUNCTION",
                "name": call["function"]["name"],
                "arguments": call["function"].get("arguments") or "{}",
            }
            for call in calls
        ]
    if role == "TOOL":
        out["toolCallId"] = message.get("tool_call_id", "")
    return out


def _generic_tool_choice(choice: Any) -> dict[str, Any] | None:
    if choice is None:
        return None
    if choice in ("auto", "none", "required"):
        return {"type": str(choice).upper()}
    return {"type": "FUNCTION", "name": str(choice)}


def _has_images(content: Any) -> bool:
    return isinstance(content, list) and any(
        isinstance(p, Mapping) and p.get("type") == "image_url" for p in content
    )


# --- COHERE -------------------------------------------------------------------


def _cohere_request(
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]],
    response_format: Mapping[str, Any] | None,
) -> dict[str, Any]:
    if any(_has_images(m.get("content")) for m in messages):
        raise UnsupportedContentError(
            "Cohere R-series models on OCI's native chat API take text only, and this "
            "conversation has an image. Use a vision model (e.g. meta.llama-3.2-90b-vision-"
            "instruct) for images."
        )
    calls = _calls_by_id(messages)
    preamble = "\n\n".join(
        text_of(m.get("content")) for m in messages if m.get("role") in ("system", "developer")
    )
    turns = [m for m in messages if m.get("role") not in ("system", "developer")]
    trailing = 0
    while trailing < len(turns) and turns[len(turns) - 1 - trailing].get("role") == "tool":
        trailing += 1
    body: dict[str, Any] = {}
    if trailing:
        # The model just called tools: their results go in toolResults, no new message.
        history, results = turns[: len(turns) - trailing], turns[len(turns) - trailing :]
        body["message"] = ""
        body["toolResults"] = [_cohere_result(m, calls) for m in results]
    else:
        last_user = max((i for i, m in enumerate(turns) if m.get("role") == "user"), default=-1)
        history = turns[:last_user] if last_user >= 0 else turns
        body["message"] = text_of(turns[last_user].get("content")) if last_user >= 0 else ""
        history += turns[last_user + 1 :] if last_user >= 0 else []
    body["chatHistory"] = [_cohere_history(m, calls) for m in history]
    if preamble:
        body["preambleOverride"] = preamble
    if tools:
        body["tools"] = [_cohere_tool(t["function"]) for t in tools]
    if response_format is not None:
        body["responseFormat"] = {
            "type": "JSON_OBJECT",
            "schema": response_format.get("json_schema", {}).get("schema", {}),
        }
    return body


def _calls_by_id(messages: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {call["id"]: call["function"] for m in messages for call in (m.get("tool_calls") or [])}


def _parameters(arguments: str | None) -> Any:
    try:
        return json.loads(arguments or "{}")
    except ValueError:
        return {}


def _cohere_call(function: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": function.get("name", ""), "parameters": _parameters(function.get("arguments"))}


def _cohere_result(
    message: Mapping[str, Any], calls: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    function = calls.get(str(message.get("tool_call_id")), {"name": "", "arguments": "{}"})
    return {
        "call": _cohere_call(function),
        "outputs": [{"output": text_of(message.get("content"))}],
    }


def _cohere_history(
    message: Mapping[str, Any], calls: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    role = message.get("role")
    if role == "tool":
        return {"role": "TOOL", "toolResults": [_cohere_result(message, calls)]}
    if role == "assistant":
        entry: dict[str, Any] = {"role": "CHATBOT", "message": text_of(message.get("content"))}
        tool_calls = message.get("tool_calls") or []
        if tool_calls:
            entry["toolCalls"] = [_cohere_call(c["function"]) for c in tool_calls]
        return entry
    return {"role": "USER", "message": text_of(message.get("content"))}


def _cohere_tool(function: Mapping[str, Any]) -> dict[str, Any]:
    schema = function.get("parameters") or {}
    required = set(schema.get("required") or [])
    definitions = {
        name: {
            "description": str(spec.get("description", "")),
            "type": _COHERE_TYPES.get(str(spec.get("type")), "str"),
            "isRequired": name in required,
        }
        for name, spec in (schema.get("properties") or {}).items()
    }
    return {
        "name": function["name"],
        "description": function.get("description") or function["name"],
        "parameterDefinitions": definitions,
    }
