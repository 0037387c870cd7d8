"""Server-sent events: framing, and a response that streams them (or dies trying).

The stream honours the faults armed for it: latency between events, and a
cut after K events that drops the connection instead of finishing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import anyio
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from .faults import StreamCut

__all__ = ["EventStream", "chat_frames", "dumps", "responses_frames"]


def dumps(payload: Any) -> str:
    """Compact JSON, as the service sends it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def chat_frames(items: Iterable[Mapping[str, Any] | str]) -> list[bytes]:
    """Chat-completions framing: ``data: <json>`` per chunk; strings verbatim (``[DONE]``)."""
    return [
        f"data: {item if isinstance(item, str) else dumps(item)}\n\n".encode() for item in items
    ]


def responses_frames(items: Iterable[Mapping[str, Any] | str]) -> list[bytes]:
    """Responses framing: ``event: <type>`` then ``data: <json>`` per event."""
    frames = []
    for item in items:
        if isinstance(item, str):
            frames.append(f"data: {item}\n\n".encode())
        else:
            frames.append(f"event: {item.get('type', 'message')}\ndata: {dumps(item)}\n\n".encode())
    return frames


class EventStream(StreamingResponse):
    """An SSE response of pre-rendered frames.

    With ``cut_after`` set, the connection is dropped (by raising
    :class:`StreamCut`) after that many frames, so the client never sees the
    final events or ``[DONE]``.
    """

    def __init__(
        self, frames: Sequence[bytes], *, cut_after: int | None = None, between: float = 0.0
    ) -> None:
        super().__init__(iter(frames), headers={"cache-control": "no-cache"})
        # Exactly `text/event-stream`, as OCI sends it: the `oci` SDK returns an
        # SSEClient (`.data.events()`) only for that value, and starlette would
        # append `; charset=utf-8` to any text/* media type.
        self.raw_headers.append((b"content-type", b"text/event-stream"))
        self._frames = frames
        self._cut_after = cut_after
        self._between = between

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        for index, frame in enumerate(self._frames):
            if index == self._cut_after:
                raise StreamCut(f"stream cut after {index} events")
            if index and self._between:
                await anyio.sleep(self._between)
            await send({"type": "http.response.body", "body": frame, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
