"""Refusing truncated event streams, and a lost connection mid-stream as openai's error.

A chat-completions stream that simply stops (a proxy or load balancer closing
the body cleanly, a server-side timeout) looks complete to the openai client,
and the Agents SDK accepts a chat stream without a ``finish_reason`` from any
host but api.openai.com: the user would get half an answer as if it were
whole. So the transport watches every event stream (any answer to a request
that asked for one, whatever its ``Content-Type`` says: see :mod:`.answers`)
for its terminal event (``data: [DONE]``, a non-null ``finish_reason``, or a
Responses ``response.completed``/``failed``/``incomplete``/``error`` event)
and, if the body ends without one, raises ``openai.APIConnectionError``.

A connection lost mid-stream (reset, closed before the announced length)
raises the HTTP library's own error, which openai 3.x wraps in
``APIConnectionError`` and openai 2.x lets out bare, and the native model
would let out bare on both: the guard turns it into ``APIConnectionError``
(``APITimeoutError`` for a read timeout) here, once, for all three models.

The markers are safe to search for in raw bytes: inside JSON strings quotes
are escaped and newlines are ``\\n``, so model text cannot forge them.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from typing import Any, Final

import openai

__all__ = ["TERMINAL_MARKERS", "decoder", "guarded"]

TERMINAL_MARKERS: Final = (
    b"\ndata: [DONE]",
    b'"finish_reason":"',
    b'"finish_reason": "',
    # OCI's native chat API: its last events carry finishReason.
    b'"finishReason":"',
    b'"finishReason": "',
    *(
        f'"type":{space}"{kind}"'.encode()
        for kind in ("response.completed", "response.failed", "response.incomplete", "error")
        for space in ("", " ")
    ),
)
_OVERLAP: Final = max(len(marker) for marker in TERMINAL_MARKERS) - 1


def decoder(content_encoding: str | None) -> Any | None:
    """A zlib decompressor for the body's encoding; None when it cannot be inspected.

    The transport sees the body as sent, before the HTTP library decodes it.
    ``br`` and ``zstd`` need optional packages: such bodies are not inspected.
    """
    encoding = (content_encoding or "identity").strip().lower()
    if encoding == "identity":
        return _Identity()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    return None


class _Identity:
    def decompress(self, data: bytes) -> bytes:
        return data


async def guarded(
    stream: Any, request: Any, library: Any, content_encoding: str | None = None
) -> AsyncIterator[bytes]:
    """Yield ``stream``'s chunks; raise ``openai.APIConnectionError`` if it is cut or lost.

    ``library`` is the HTTP library module (``httpx2`` or ``httpx``) whose
    errors mean a lost connection.
    """
    unpack = decoder(content_encoding)  # None: an encoding we cannot read (not inspected)
    terminated = unpack is None
    tail = b"\n"  # so a stream that opens with "data: [DONE]" still matches
    try:
        async for chunk in stream:
            if not terminated and unpack is not None:
                try:
                    window = tail + unpack.decompress(chunk)
                except zlib.error:
                    terminated, unpack = True, None  # the HTTP library reports it itself
                    window = b""
                terminated = terminated or any(marker in window for marker in TERMINAL_MARKERS)
                tail = window[-_OVERLAP:]
            yield chunk
    except library.TimeoutException as exc:
        raise openai.APITimeoutError(request=request) from exc
    except library.TransportError as exc:
        raise openai.APIConnectionError(
            message=f"The connection to OCI was lost mid-stream ({type(exc).__name__}: "
            f"{str(exc) or 'no detail'}): the answer is incomplete.",
            request=request,
        ) from exc
    if not terminated:
        raise openai.APIConnectionError(
            message="OCI ended the event stream before its final event (no [DONE], "
            "finish_reason or response.completed): the answer is incomplete.",
            request=request,
        )
