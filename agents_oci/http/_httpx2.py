"""The ``httpx2`` twins of the signing Auth and the loop-local transport (openai 3.x).

Kept in its own module because ``httpx2`` is only installed alongside
openai 3.x; the openai 2.x line must be able to import the package without it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator
from typing import Any

import httpx2

from .answers import check
from .core import BearerCore, SigningCore, surface_request_id
from .loops import LoopLocal, close_sockets

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


class _Httpx2CheckedStream(httpx2.AsyncByteStream):
    """A body watched to its end (see ``answers``); closing closes the original."""

    def __init__(self, chunks: AsyncIterator[bytes], original: Any) -> None:
        self._chunks = chunks
        self._original = original

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            yield chunk

    async def aclose(self) -> None:
        await self._original.aclose()


class Httpx2LoopLocalTransport(httpx2.AsyncBaseTransport):
    """An ``httpx2`` transport with one connection pool per event loop; answers checked."""

    def __init__(self, **options: Any) -> None:
        self._pools: LoopLocal[httpx2.AsyncHTTPTransport] = LoopLocal(
            lambda: httpx2.AsyncHTTPTransport(**options),
            close=lambda pool: pool.aclose(),
            close_directly=close_sockets,
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        pool = await self._pools.get()
        response = await pool.handle_async_request(request)
        surface_request_id(response.headers)
        response.request = request
        await check(request, response, httpx2, _Httpx2CheckedStream)
        return response

    async def aclose(self) -> None:
        await self._pools.close_all()
