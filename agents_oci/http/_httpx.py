"""The ``httpx`` twins of the signing Auth and the loop-local transport (openai 2.x).

Kept in its own module, imported only when the installed openai is 2.x:
importing ``httpx`` costs about 40 ms (its command line pulls in ``rich`` and
``pygments`` when they are installed), and openai 3.x never needs it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator
from typing import Any

import httpx

from .answers import check
from .core import BearerCore, SigningCore, surface_request_id
from .loops import LoopLocal, close_sockets

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


class _HttpxCheckedStream(httpx.AsyncByteStream):
    """A body watched to its end (see ``answers``); closing closes the original."""

    def __init__(self, chunks: AsyncIterator[bytes], original: Any) -> None:
        self._chunks = chunks
        self._original = original

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            yield chunk

    async def aclose(self) -> None:
        await self._original.aclose()


class HttpxLoopLocalTransport(httpx.AsyncBaseTransport):
    """An ``httpx`` transport with one connection pool per event loop; answers checked."""

    def __init__(self, **options: Any) -> None:
        self._pools: LoopLocal[httpx.AsyncHTTPTransport] = LoopLocal(
            lambda: httpx.AsyncHTTPTransport(**options),
            close=lambda pool: pool.aclose(),
            close_directly=close_sockets,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pool = await self._pools.get()
        response = await pool.handle_async_request(request)
        surface_request_id(response.headers)
        response.request = request
        await check(request, response, httpx, _HttpxCheckedStream)
        return response

    async def aclose(self) -> None:
        await self._pools.close_all()
