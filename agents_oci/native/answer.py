"""OCI's native chat answers -> chat-completions shapes (JSON answers and stream pieces).

The request side is :mod:`.format`; both directions were one module of ~390
lines. JSON names are those of the ``oci.generative_ai_inference.models``
classes (``ChatResult``, ``CohereChatResponse``, ``GenericChatResponse``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from .coherev2 import coherev2_answer
from .format import text_of

__all__ = ["completion_from_native", "finish_reason", "usage_from_native"]


def completion_from_native(
    result: Mapping[str, Any], model: str, call_id_seed: str
) -> dict[str, Any]:
    """A chat-completions ``ChatCompletion`` dict for a native ``ChatResult``."""
    response = result.get("chatResponse") or {}
    if response.get("apiFormat") == "COHERE":
        text = response.get("text") or None
        calls = [
            _openai_call(
                f"call_{call_id_seed}_{i}", c.get("name", ""), json.dumps(c.get("parameters") or {})
            )
            for i, c in enumerate(response.get("toolCalls") or [])
        ]
        finish = "tool_calls" if calls else finish_reason(response.get("finishReason"))
    elif response.get("apiFormat") == "COHEREV2":
        text, found, reason = coherev2_answer(response, call_id_seed)
        calls = [_openai_call(*call) for call in found]
        finish = "tool_calls" if calls else finish_reason(reason)
    else:
        choice = (response.get("choices") or [{}])[0]
        message = choice.get("message") or {}
        text = (
            text_of(
                [
                    {"type": "text", "text": p.get("text", "")}
                    for p in message.get("content") or []
                    if isinstance(p, Mapping) and p.get("type") == "TEXT"
                ]
            )
            or None
        )
        calls = [
            _openai_call(
                c.get("id") or f"call_{call_id_seed}_{i}",
                c.get("name", ""),
                c.get("arguments") or "{}",
            )
            for i, c in enumerate(message.get("toolCalls") or [])
        ]
        finish = "tool_calls" if calls else finish_reason(choice.get("finishReason"))
    return {
        "id": f"native-{call_id_seed}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(result.get("modelId") or model),
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {"role": "assistant", "content": text, "tool_calls": calls or None},
            }
        ],
        "usage": usage_from_native(response.get("usage")),
    }


def usage_from_native(usage: Any) -> dict[str, int] | None:
    """Chat-completions ``usage`` for a native ``usage`` object (``None`` without one)."""
    if not isinstance(usage, Mapping):
        return None
    prompt = int(usage.get("promptTokens") or 0)
    completion = int(usage.get("completionTokens") or 0)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": int(usage.get("totalTokens") or prompt + completion),
    }


def _openai_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def finish_reason(reason: Any) -> str:
    """The chat-completions ``finish_reason`` for a native ``finishReason``."""
    text = str(reason or "stop").lower()
    if text in ("max_tokens", "length"):
        return "length"
    if text in ("tool_calls", "tool_call"):
        return "tool_calls"
    return "stop"  # COMPLETE, stop, end_turn, ...
