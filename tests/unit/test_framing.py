"""A streamed request body goes out with one framing (RFC 9112 section 6.2), signed.

The signature covers ``content-length``, so the flow reads a streamed body
whole; the request must then be framed by that length alone, never by
``Transfer-Encoding: chunked`` as well. A raw loopback server records the
bytes of the request head as the HTTP library wrote them.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import httpx2
import pytest

from agents_oci.http._httpx import HttpxOCIAuth
from agents_oci.http._httpx2 import Httpx2OCIAuth

from .test_transport import core

PARTS = (b'{"model":', b'"m","messages":[]}')
BODY = b"".join(PARTS)
LIBRARIES = [(httpx2, Httpx2OCIAuth), (httpx, HttpxOCIAuth)]


def _head_and_body(raw: bytes) -> tuple[dict[str, list[str]], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    fields: dict[str, list[str]] = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    return fields, body


async def _serve_once(seen: list[bytes]) -> tuple[asyncio.base_events.Server, int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        fields, _ = _head_and_body(head)
        length = int(fields.get("content-length", ["0"])[0])
        body = await reader.readexactly(length) if "transfer-encoding" not in fields else b""
        seen.append(head + body)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def _assert_one_framing(raw: bytes) -> None:
    fields, body = _head_and_body(raw)
    assert "transfer-encoding" not in fields, fields  # both framings: RFC 9112 6.2 forbids it
    assert fields["content-length"] == [str(len(BODY))]
    assert body == BODY


@pytest.mark.parametrize(("lib", "auth_class"), LIBRARIES)
async def test_async_generator_body_is_sent_with_content_length_only(
    lib: Any, auth_class: Any
) -> None:
    async def streamed() -> AsyncIterator[bytes]:
        for part in PARTS:
            yield part

    seen: list[bytes] = []
    server, port = await _serve_once(seen)
    async with server, lib.AsyncClient(auth=auth_class(core()[0])) as client:
        response = await client.post(f"http://127.0.0.1:{port}/v1/chat", content=streamed())
    assert response.status_code == 200
    _assert_one_framing(seen[0])


@pytest.mark.parametrize(("lib", "auth_class"), LIBRARIES)
def test_sync_generator_body_is_sent_with_content_length_only(lib: Any, auth_class: Any) -> None:
    def streamed() -> Iterator[bytes]:
        yield from PARTS

    seen: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))

    def serve_once() -> None:
        connection, _ = listener.accept()
        with connection:
            raw = b""
            while b"\r\n\r\n" not in raw or len(raw.partition(b"\r\n\r\n")[2]) < len(BODY):
                piece = connection.recv(65536)
                if not piece:
                    break
                raw += piece
            seen.append(raw)
            connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")

    thread = threading.Thread(target=serve_once)
    thread.start()
    port = listener.getsockname()[1]
    try:
        with lib.Client(auth=auth_class(core()[0])) as client:
            response = client.post(f"http://127.0.0.1:{port}/v1/chat", content=streamed())
        assert response.status_code == 200
    finally:
        thread.join(10)
        listener.close()
    _assert_one_framing(seen[0])
