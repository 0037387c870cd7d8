"""The ``httpx2`` twins of the signing Auth and the loop-local transport (openai 3.x).

Kept in its own module because ``httpx2`` is only installed alongside
openai 3.x; the openai 2.x line must be able to import the package without it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator
from typing import Any

import httpx2

from .core import BearerCore, SigningCore, surface_request_id
from .loops import LoopLocal
from .streams import guarded, is_event_stream

__all__ = ["Httpx2LoopLocalTransport", "Httpx2OCIAuth"]


class Httpx2OCIAuth(httpx2.Auth):
    """OCI request signing for ``httpx2`` clients (openai 3.x)."""

    def __init__(self, core: SigningCore | BearerCore) -> None:
        self.core = core

    def sync_auth_flow(
        self, request: httpx2.Request
    ) -> Generator[httpx2.Request, httpx2.Response, None]:
        return self.core.sync_flow(request)

    def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        return self.core.async_flow(request)

    def __repr__(self) -> str:
        return "Httpx2OCIAuth()"


class _Httpx2GuardedStream(httpx2.AsyncByteStream):
    """An event-stream body that must end with its terminal event (see ``streams``)."""

    def __init__(self, stream: Any, request: httpx2.Request) -> None:
        self._stream = stream
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in guarded(self._stream, httpx2.RemoteProtocolError, self._request):
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


class Httpx2LoopLocalTransport(httpx2.AsyncBaseTransport):
    """An ``httpx2`` transport with one connection pool per event loop."""

    def __init__(self, **options: Any) -> None:
        self._pools: LoopLocal[httpx2.AsyncHTTPTransport] = LoopLocal(
            lambda: httpx2.AsyncHTTPTransport(**options)
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._pools.get().handle_async_request(request)
        surface_request_id(response.headers)
        if is_event_stream(response.headers.get("content-type")):
            response.stream = _Httpx2GuardedStream(response.stream, request)
        return response

    async def aclose(self) -> None:
        pool = self._pools.pop_current()
        if pool is not None:
            await pool.aclose()
