"""The ``httpx`` twins of the signing Auth and the loop-local transport (openai 2.x).

Kept in its own module, imported only when the installed openai is 2.x:
importing ``httpx`` costs about 40 ms (its command line pulls in ``rich`` and
``pygments`` when they are installed), and openai 3.x never needs it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator
from typing import Any

import httpx

from .core import BearerCore, SigningCore, surface_request_id
from .loops import LoopLocal
from .streams import guarded, is_event_stream

__all__ = ["HttpxLoopLocalTransport", "HttpxOCIAuth"]


class HttpxOCIAuth(httpx.Auth):
    """OCI request signing for ``httpx`` clients (openai 2.x)."""

    def __init__(self, core: SigningCore | BearerCore) -> None:
        self.core = core

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        return self.core.sync_flow(request)

    def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        return self.core.async_flow(request)

    def __repr__(self) -> str:
        return "HttpxOCIAuth()"


class _HttpxGuardedStream(httpx.AsyncByteStream):
    """An event-stream body that must end with its terminal event (see ``streams``)."""

    def __init__(self, stream: Any, request: httpx.Request) -> None:
        self._stream = stream
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in guarded(self._stream, httpx.RemoteProtocolError, self._request):
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


class HttpxLoopLocalTransport(httpx.AsyncBaseTransport):
    """An ``httpx`` transport with one connection pool per event loop."""

    def __init__(self, **options: Any) -> None:
        self._pools: LoopLocal[httpx.AsyncHTTPTransport] = LoopLocal(
            lambda: httpx.AsyncHTTPTransport(**options)
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._pools.get().handle_async_request(request)
        surface_request_id(response.headers)
        if is_event_stream(response.headers.get("content-type")):
            response.stream = _HttpxGuardedStream(response.stream, request)
        return response

    async def aclose(self) -> None:
        pool = self._pools.pop_current()
        if pool is not None:
            await pool.aclose()
