"""A loopback proxy in front of the emulator that damages answers on the wire.

The emulator answers as OCI does; what sits between a client and OCI (a
proxy, a load balancer, a captive portal) may not. :class:`WireProxy`
forwards each request unchanged to the emulator, which verifies its
signature and journals it as usual, then hands the client the emulator's
answer through a :data:`Mangle`: the answer rewritten (another
``Content-Type``, an HTML page, a redirect) and framed as it says (a clean
end, a connection closed mid-body, or a reset).

Tests arm one mangle at a time with :meth:`WireProxy.next`; requests with no
armed mangle pass through unchanged (keep-alive included).
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

__all__ = ["Answer", "WireProxy", "cut", "cut_clean", "gzipped", "html_page", "redirect", "retyped"]


@dataclass(frozen=True)
class Answer:
    """One HTTP response as the proxy will send it."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    ending: Literal["clean", "close", "reset"] = "clean"
    """``clean``: the body as framed; ``close``: Content-Length says more than
    is sent, then the connection closes; ``reset``: the same, ended by a TCP RST."""
    sent: int | None = None
    """With ``close`` or ``reset``: how many body bytes go out first."""
    drop: frozenset[str] = field(default_factory=frozenset)
    """Header names (lower case) to leave out."""

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)

    def with_header(self, name: str, value: str | None) -> Answer:
        kept = tuple((k, v) for k, v in self.headers if k.lower() != name.lower())
        return replace(self, headers=kept if value is None else (*kept, (name, value)))


Mangle = Callable[[Answer], Answer]


def _bytes(answer: Answer, keep: float) -> int:
    """``keep`` bytes, or that fraction of the body when it is below 1."""
    return int(len(answer.body) * keep) if keep < 1 else int(keep)


def retyped(content_type: str | None, *, keep: float | None = None) -> Mangle:
    """Another Content-Type (None: none at all); with ``keep``, the body cut short, cleanly."""

    def mangle(answer: Answer) -> Answer:
        body = answer.body if keep is None else answer.body[: _bytes(answer, keep)]
        return replace(answer.with_header("content-type", content_type), body=body)

    return mangle


def cut_clean(keep: float) -> Mangle:
    """The body cut short, ended cleanly (what a proxy closing the body does)."""

    def mangle(answer: Answer) -> Answer:
        return replace(answer, body=answer.body[: _bytes(answer, keep)])

    return mangle


def cut(keep: float, *, reset: bool = False) -> Mangle:
    """Part of an announced full body, then a close (or a reset)."""

    def mangle(answer: Answer) -> Answer:
        return replace(answer, ending="reset" if reset else "close", sent=_bytes(answer, keep))

    return mangle


def gzipped() -> Mangle:
    """The same answer, gzip-encoded (``Content-Encoding: gzip``), as many servers send."""

    def mangle(answer: Answer) -> Answer:
        return replace(answer.with_header("content-encoding", "gzip"), body=gzip.compress(answer.body))

    return mangle


def html_page(status: int = 200, text: str = "Proxy Login") -> Mangle:
    """A captive portal's or proxy's page instead of OCI's answer."""

    def mangle(answer: Answer) -> Answer:
        body = f"<html><head><title>{text}</title></head><body>{text}</body></html>".encode()
        return Answer(status, "OK", (("content-type", "text/html; charset=utf-8"),), body)

    return mangle


def redirect(location: str, status: int = 302) -> Mangle:
    """A redirect instead of OCI's answer."""

    def mangle(answer: Answer) -> Answer:
        return Answer(status, "Found", (("location", location), ("content-type", "text/plain")), b"")

    return mangle


class WireProxy:
    """``http://127.0.0.1:PORT`` forwarding to ``upstream`` (host, port), mangling on demand."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self._upstream = upstream
        self._mangles: deque[Mangle] = deque()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.AbstractServer | None = None
        self.port = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self.seen: list[bytes] = []
        """The request line of every request received, in order."""
        self._thread = threading.Thread(target=self._serve, name="wire-proxy", daemon=True)

    def __enter__(self) -> WireProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def next(self, *mangles: Mangle) -> None:
        """Mangle the next requests' answers, one mangle each, in order."""
        with self._lock:
            self._mangles.extend(mangles)

    def clear(self) -> None:
        """Disarm the mangles not used yet."""
        with self._lock:
            self._mangles.clear()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- the server -------------------------------------------------------------

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> None:
            self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop.run_until_complete(start())
        self._loop.run_forever()
        self._loop.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                with self._lock:
                    self.seen.append(request.split(b"\r\n", 1)[0])
                    mangle = self._mangles.popleft() if self._mangles else None
                answer = await self._forward(request)
                if mangle is not None:
                    answer = mangle(answer)
                if not await _write(answer, writer):
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return
        finally:
            if not writer.is_closing():
                writer.close()

    async def _forward(self, request: bytes) -> Answer:
        reader, writer = await asyncio.open_connection(*self._upstream)
        try:
            writer.write(request)
            await writer.drain()
            return await _read_answer(reader)
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    """One request with ``Connection: close`` for the upstream hop, or None at EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head[:-4].split(b"\r\n")
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() != b"connection":
            kept.append(line)
    kept.append(b"Connection: close")
    body = await reader.readexactly(length) if length else b""
    return b"\r\n".join(kept) + b"\r\n\r\n" + body


async def _read_answer(reader: asyncio.StreamReader) -> Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].decode("latin-1").split("\r\n")
    _, status, reason = [*lines[0].split(" ", 2), ""][:3]
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    chunked = any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers)
    if chunked:
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    else:
        length = next((int(v) for k, v in headers if k.lower() == "content-length"), None)
        body = await reader.readexactly(length) if length is not None else await reader.read()
    framing = {"transfer-encoding", "content-length", "connection"}
    kept = tuple((k, v) for k, v in headers if k.lower() not in framing)
    return Answer(int(status), reason, kept, body)


async def _write(answer: Answer, writer: asyncio.StreamWriter) -> bool:
    """Send ``answer``; False when the connection is ended with it."""
    lines = [f"HTTP/1.1 {answer.status} {answer.reason}"]
    lines += [f"{k}: {v}" for k, v in answer.headers if k.lower() not in answer.drop]
    lines.append(f"content-length: {len(answer.body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    if answer.ending == "clean":
        writer.write(answer.body)
        await writer.drain()
        return True
    writer.write(answer.body[: answer.sent or 0])
    await writer.drain()
    if answer.ending == "reset":
        sock = writer.get_extra_info("socket")
        # SO_LINGER 0: close() sends RST instead of FIN, as a crashed peer's kernel does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.close()
    return False
