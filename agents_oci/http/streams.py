"""Refusing truncated event streams.

A chat-completions stream that simply stops (a proxy or load balancer closing
the body cleanly, a server-side timeout) looks complete to the openai client,
and the Agents SDK accepts a chat stream without a ``finish_reason`` from any
host but api.openai.com: the user would get half an answer as if it were
whole. So the transport watches every ``text/event-stream`` body for its
terminal event (``data: [DONE]``, a non-null ``finish_reason``, or a
Responses ``response.completed``/``failed``/``incomplete``/``error`` event)
and, if the body ends without one, raises the HTTP library's
``RemoteProtocolError``: exactly what a dropped connection raises, so callers
handle both the same way.

The markers are safe to search for in raw bytes: inside JSON strings quotes
are escaped and newlines are ``\\n``, so model text cannot forge them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Final

__all__ = ["TERMINAL_MARKERS", "guarded", "is_event_stream"]

TERMINAL_MARKERS: Final = (
    b"\ndata: [DONE]",
    b'"finish_reason":"',
    b'"finish_reason": "',
    # OCI's native chat API: no [DONE]; its last events carry finishReason.
    b'"finishReason":"',
    b'"finishReason": "',
    *(
        f'"type":{space}"{kind}"'.encode()
        for kind in ("response.completed", "response.failed", "response.incomplete", "error")
        for space in ("", " ")
    ),
)
_OVERLAP: Final = max(len(marker) for marker in TERMINAL_MARKERS) - 1


def is_event_stream(content_type: str | None) -> bool:
    return content_type is not None and content_type.startswith("text/event-stream")


async def guarded(
    stream: Any, error: Callable[..., Exception], request: Any
) -> AsyncIterator[bytes]:
    """Yield ``stream``'s chunks; raise ``error`` if it ends without a terminal event."""
    terminated = False
    tail = b"\n"  # so a stream that opens with "data: [DONE]" still matches
    async for chunk in stream:
        if not terminated:
            window = tail + chunk
            terminated = any(marker in window for marker in TERMINAL_MARKERS)
            tail = window[-_OVERLAP:]
        yield chunk
    if not terminated:
        raise error(
            "OCI ended the event stream before its final event (no [DONE], "
            "finish_reason or response.completed): the answer is incomplete.",
            request=request,
        )
