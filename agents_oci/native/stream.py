"""Native chat stream events -> chat-completions chunks.

The Agents SDK's chat stream handler turns chunks into its stream events
(text deltas, tool-call items, the final response with usage), so native
events are re-expressed as the chunks an OpenAI-compatible server would have
sent. The two native formats stream differently:

- ``COHERE``: ``{"text": delta}`` events; tool calls whole, in an event of
  their own or in the final one; the final event (``finishReason``) repeats
  the full text, which must not be emitted twice.
- ``COHEREV2``: read as GENERIC once its calls are un-nested
  (``{"id", "function": {"name", "arguments"}}``); see :mod:`.coherev2`.
- ``GENERIC``: ``{"message": {"content": [...]}}`` deltas; a tool call's id
  and name on its first piece only, then bare argument pieces (no id, no
  index) until the next call's id; a finish event with ``finishReason`` (and
  a ``message`` repeating the answer, not emitted again); ``{"usage"}``;
  ``data: [DONE]``.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from .answer import finish_reason, usage_from_native
from .format import ApiFormat

__all__ = ["ChunkTranslator", "data_lines"]


async def data_lines(chunks: AsyncIterator[bytes]) -> AsyncIterator[str]:
    """The ``data:`` payloads of an event stream, decoded as UTF-8 whatever the charset.

    OCI sends ``text/event-stream`` with no charset; a reader that guesses one
    (latin-1, or the platform default) garbles non-ASCII text, so lines are
    split on bytes and each is decoded as UTF-8, as the SSE specification says,
    invalid sequences becoming U+FFFD as it also says (a stray byte must not end
    the run with a UnicodeDecodeError). ``[DONE]`` and empty payloads are skipped.
    """
    buffer = b""
    async for chunk in chunks:
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            data = _data(line)
            if data is not None:
                yield data
    data = _data(buffer)
    if data is not None:
        yield data


def _data(line: bytes) -> str | None:
    if not line.startswith(b"data:"):
        return None
    data = line[5:].strip().decode("utf-8", "replace")
    return None if not data or data == "[DONE]" else data


class ChunkTranslator:
    """Feed native events in order; get chat-completion chunk dicts out."""

    def __init__(self, api_format: ApiFormat, model: str, seed: str) -> None:
        self._format = api_format
        self._model = model
        self._seed = seed
        self._created = int(time.time())
        self._started = False
        self._calls: dict[str, int] = {}  # tool call id -> chunk index
        self._by_index: dict[int, str] = {}  # GENERIC: native index -> tool call id
        self._last_call: str | None = None  # GENERIC: the last call that had an id
        self._finished = False

    def translate(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        chunks: list[dict[str, Any]] = []
        if self._format == "COHERE":
            chunks += self._cohere(event)
        elif self._format == "COHEREV2":
            chunks += self._generic(_v2_as_generic(event, calls_seen=bool(self._calls)))
        else:
            chunks += self._generic(event)
        reason = event.get("finishReason")
        if reason is not None and not self._finished:
            self._finished = True
            finish = "tool_calls" if self._calls else finish_reason(reason)
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
        # Tool calls arrive whole, in one or more events, and the final event
        # repeats them all: take each once (two identical calls stay two calls),
        # from the final event only those not seen before.
        calls = list(event.get("toolCalls") or [])
        if "finishReason" in event:
            calls = calls[len(self._calls) :]
        if calls:
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
        if "finishReason" in event:
            # The finish event repeats the whole message: its text and calls were streamed.
            message = {}
        for part in message.get("content") or []:
            if isinstance(part, Mapping) and part.get("type") == "TEXT" and part.get("text"):
                chunks.append(self._chunk({"content": part["text"]}))
        for call in message.get("toolCalls") or []:
            if not isinstance(call, Mapping):
                continue
            call_id = self._generic_call_id(call)
            arguments = str(call.get("arguments") or "")
            if call_id not in self._calls:
                index = self._calls[call_id] = len(self._calls)
                chunks.append(
                    self._call_chunk(index, call_id, str(call.get("name", "")), arguments)
                )
            elif arguments:
                chunks.append(self._arguments_chunk(self._calls[call_id], arguments))
        return chunks

    def _generic_call_id(self, call: Mapping[str, Any]) -> str:
        """The call a GENERIC piece belongs to.

        As the service streams (recorded by other integrations), a call's ``id``
        and ``name`` come on its first event only; the pieces after it are bare
        ``{"type": "FUNCTION", "arguments": ...}``: they belong to the last call
        that had an id, and the next call starts with its own id. Pieces that
        carry an ``index`` instead find the call first seen at that index.
        """
        index = call.get("index")
        given = call.get("id")
        if given:
            call_id = str(given)
        elif isinstance(index, int) and index in self._by_index:
            return self._by_index[index]
        elif self._last_call is not None and not isinstance(index, int):
            return self._last_call
        else:  # no id at all: name it, by its index when it has one
            call_id = f"call_{self._seed}_{index if isinstance(index, int) else len(self._calls)}"
        if isinstance(index, int):
            self._by_index.setdefault(index, call_id)
        self._last_call = call_id
        return call_id

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


def _v2_as_generic(event: Mapping[str, Any], *, calls_seen: bool) -> Mapping[str, Any]:
    """A ``COHEREV2`` event in the GENERIC event shape (tool calls un-nested).

    The final event (``finishReason``) repeats the whole message: its calls are
    taken only when none streamed before, its text never.
    """
    message = event.get("message") or {}
    calls = [
        {**{k: v for k, v in call.items() if k != "function"}, **(call.get("function") or {})}
        for call in message.get("toolCalls") or []
        if isinstance(call, Mapping)
    ]
    if "finishReason" in event:
        rest = {k: v for k, v in event.items() if k not in ("message", "finishReason")}
        return {**rest, "message": {"toolCalls": [] if calls_seen else calls}}
    return {**event, "message": {**message, "toolCalls": calls}}
