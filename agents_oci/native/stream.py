"""Native chat stream events -> chat-completions chunks.

The Agents SDK's chat stream handler turns chunks into its stream events
(text deltas, tool-call items, the final response with usage), so native
events are re-expressed as the chunks an OpenAI-compatible server would have
sent. The two native formats stream differently:

- ``COHERE``: ``{"text": delta}`` events; tool calls whole, in an event of
  their own or in the final one; the final event (``finishReason``) repeats
  the full text, which must not be emitted twice.
- ``GENERIC``: ``{"message": {"content": [...]}}`` deltas; tool calls by id,
  name first, arguments in pieces; then ``{"finishReason"}`` and, last,
  ``{"usage"}``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from .format import ApiFormat, usage_from_native

__all__ = ["ChunkTranslator"]


class ChunkTranslator:
    """Feed native events in order; get chat-completion chunk dicts out."""

    def __init__(self, api_format: ApiFormat, model: str, seed: str) -> None:
        self._format = api_format
        self._model = model
        self._seed = seed
        self._created = int(time.time())
        self._started = False
        self._calls: dict[str, int] = {}  # tool call id -> chunk index
        self._finished = False

    def translate(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        chunks: list[dict[str, Any]] = []
        if self._format == "COHERE":
            chunks += self._cohere(event)
        else:
            chunks += self._generic(event)
        reason = event.get("finishReason")
        if reason is not None and not self._finished:
            self._finished = True
            finish = "tool_calls" if self._calls else _finish(reason)
            chunks.append(self._chunk({}, finish_reason=finish))
        usage = usage_from_native(event.get("usage"))
        if usage is not None:
            chunks.append(self._usage_chunk(usage))
        return chunks

    def _cohere(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        chunks = []
        text = event.get("text")
        # The final event (finishReason) and tool-call events repeat text already streamed.
        if (
            isinstance(text, str)
            and text
            and "finishReason" not in event
            and "toolCalls" not in event
        ):
            chunks.append(self._chunk({"content": text}))
        # Tool calls arrive whole, and the final event repeats them: take them once,
        # from the first event that has them (two identical calls stay two calls).
        calls = event.get("toolCalls") or []
        if calls and not self._calls:
            for call in calls:
                index = len(self._calls)
                call_id = f"call_{self._seed}_{index}"
                self._calls[call_id] = index
                chunks.append(
                    self._call_chunk(
                        index,
                        call_id,
                        str(call.get("name", "")),
                        json.dumps(call.get("parameters") or {}),
                    )
                )
        return chunks

    def _generic(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        chunks = []
        message = event.get("message") or {}
        for part in message.get("content") or []:
            if isinstance(part, Mapping) and part.get("type") == "TEXT" and part.get("text"):
                chunks.append(self._chunk({"content": part["text"]}))
        for call in message.get("toolCalls") or []:
            # Later pieces may carry only an index: find the call they continue.
            call_id = str(
                call.get("id") or self._id_at(call.get("index")) or f"call_{self._seed}_0"
            )
            arguments = str(call.get("arguments") or "")
            if call_id not in self._calls:
                index = self._calls[call_id] = len(self._calls)
                chunks.append(
                    self._call_chunk(index, call_id, str(call.get("name", "")), arguments)
                )
            elif arguments:
                chunks.append(self._arguments_chunk(self._calls[call_id], arguments))
        return chunks

    def _id_at(self, index: Any) -> str | None:
        if not isinstance(index, int):
            return next(iter(self._calls), None)  # no index: the first (usually only) call
        return next((k for k, v in self._calls.items() if v == index), None)

    # -- chunk shapes ----------------------------------------------------------

    def _chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        if not self._started:
            self._started = True
            delta = {"role": "assistant", **delta}
        return {
            "id": f"native-{self._seed}",
            "object": "chat.completion.chunk",
            "created": self._created,
            "model": self._model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }

    def _call_chunk(self, index: int, call_id: str, name: str, arguments: str) -> dict[str, Any]:
        return self._chunk(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": call_id,
                        "type": "function",
                        "function": {"name": name, "arguments": arguments},
                    }
                ]
            }
        )

    def _arguments_chunk(self, index: int, arguments: str) -> dict[str, Any]:
        return self._chunk({"tool_calls": [{"index": index, "function": {"arguments": arguments}}]})

    def _usage_chunk(self, usage: dict[str, int]) -> dict[str, Any]:
        return {
            "id": f"native-{self._seed}",
            "object": "chat.completion.chunk",
            "created": self._created,
            "model": self._model,
            "choices": [],
            "usage": usage,
        }


def _finish(reason: Any) -> str:
    text = str(reason).lower()
    if text in ("max_tokens", "length"):
        return "length"
    return "tool_calls" if text in ("tool_calls", "tool_call") else "stop"
