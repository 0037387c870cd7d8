"""OCI's ``COHEREV2`` native format (``CohereChatRequestV2``) <-> chat-completions shapes.

Why it exists next to ``COHERE``: in the ``oci`` SDK's model classes the v2
format carries what an agent loop needs and the v1 format loses. Tool calls
have ids (``CohereToolCallV2.id``) and tool results name them
(``CohereToolMessageV2.toolCallId``), where v1 pairs results with calls by
name and parameters; tools take a JSON schema (``CohereToolV2.function``),
where v1's ``parameterDefinitions`` flatten nested objects to python type
names; and the conversation is one ``messages`` list with ``SYSTEM``,
``USER``, ``ASSISTANT`` and ``TOOL`` roles, as in chat completions. So
``OCINativeModel("cohere.command-a-03-2025", api_format="COHEREV2")`` serves
Command A with the least translation.

Its stream is not recorded by any integration we know of: the reader
accepts text pieces as ``message.content`` parts and tool calls either as
pieces or whole in the final event (``finishReason``), whose repeated text
it never emits twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

__all__ = ["coherev2_answer", "coherev2_request"]

_ROLES: Final = {
    "system": "SYSTEM",
    "developer": "SYSTEM",
    "user": "USER",
    "assistant": "ASSISTANT",
    "tool": "TOOL",
}


def _content(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "TEXT", "text": content}]
    parts: list[dict[str, Any]] = []
    for part in content if isinstance(content, Sequence) else ():
        if not isinstance(part, Mapping):
            continue
        if part.get("type") == "image_url":
            parts.append({"type": "IMAGE_URL", "imageUrl": {"url": part["image_url"]["url"]}})
        elif part.get("type") in ("text", "input_text", "output_text"):
            parts.append({"type": "TEXT", "text": str(part.get("text", ""))})
    return parts or [{"type": "TEXT", "text": ""}]


def _message(message: Mapping[str, Any]) -> dict[str, Any]:
    role = _ROLES.get(str(message.get("role")), "USER")
    out: dict[str, Any] = {"role": role}
    calls = message.get("tool_calls") or []
    content = message.get("content")
    if content or not calls:
        out["content"] = _content(content)
    if calls:
        out["toolCalls"] = [
            {
                "id": call["id"],
                "type": "FUNCTION",
                "function": {
                    "name": call["function"]["name"],
                    "arguments": call["function"].get("arguments") or "{}",
                },
            }
            for call in calls
        ]
    if role == "TOOL":
        out["toolCallId"] = str(message.get("tool_call_id", ""))
    return out


def coherev2_request(
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]],
    response_format: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The ``CohereChatRequestV2`` fields for chat-completions ``messages`` and ``tools``."""
    body: dict[str, Any] = {"messages": [_message(m) for m in messages]}
    if tools:
        body["tools"] = [
            {
                "type": "FUNCTION",
                "function": {
                    "name": t["function"]["name"],
                    "description": t["function"].get("description") or "",
                    "parameters": t["function"].get("parameters") or {"type": "object"},
                },
            }
            for t in tools
        ]
    if response_format is not None:
        body["responseFormat"] = {
            "type": "JSON_OBJECT",
            "schema": response_format.get("json_schema", {}).get("schema", {}),
        }
    return body


def coherev2_answer(
    response: Mapping[str, Any], seed: str
) -> tuple[str | None, list[tuple[str, str, str]], Any]:
    """``(text, [(call id, name, arguments)], finishReason)`` of a ``CohereChatResponseV2``."""
    message = response.get("message") or {}
    text = "".join(
        str(part.get("text", ""))
        for part in message.get("content") or []
        if isinstance(part, Mapping) and part.get("type") == "TEXT"
    )
    calls = []
    for index, call in enumerate(message.get("toolCalls") or []):
        function = call.get("function") or {}
        calls.append(
            (
                str(call.get("id") or f"call_{seed}_{index}"),
                str(function.get("name", "")),
                str(function.get("arguments") or "{}"),
            )
        )
    return text or None, calls, response.get("finishReason")
