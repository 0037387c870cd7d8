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

import hashlib
import re
from dataclasses import replace
from typing import Any, Final

from .replies import Reply, ToolCall, Usage

__all__ = [
    "argument_deltas",
    "derived_id",
    "chat_completion_body",
    "chat_completion_chunks",
    "fill_call_ids",
    "reply_content",
    "text_deltas",
]

_PIECE: Final = 16
"""Longest text delta; long words and tool arguments are cut to this size."""



# --- ids and pieces ------------------------------------------------------------


def fill_call_ids(reply: Reply, seed: str) -> Reply:
    """``reply`` with every empty ``call_id`` set to ``call_<hash(seed, index)>``.

    Idempotent, and calls that already have an id keep it. The wire functions
    call it with their ``completion_id`` / ``response_id``.
    """
    if all(call.call_id for call in reply.tool_calls):
        return reply
    calls = tuple(
        call if call.call_id else replace(call, call_id=derived_id("call_", seed, index))
        for index, call in enumerate(reply.tool_calls)
    )
    return replace(reply, tool_calls=calls)


def derived_id(prefix: str, seed: str, index: int) -> str:
    """A deterministic id: ``prefix`` + a digest of ``seed`` and ``index``."""
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


def reply_content(reply: Reply) -> str | None:
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
    message: dict[str, Any] = {
        "role": "assistant", "content": reply_content(reply), "refusal": None
    }
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

    content = reply_content(reply)
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
