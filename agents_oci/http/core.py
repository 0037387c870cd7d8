"""The signing ``Auth`` for the HTTP library the installed ``openai`` uses.

openai 3.x runs on ``httpx2`` and openai 2.x on ``httpx``; their ``Auth``
protocols are the same, so one core holds the logic and each library gets a
thin twin class (in ``_httpx2`` and ``_httpx``, imported only for the installed
openai: importing ``httpx`` alone takes about 40 ms). Per request the flow:

1. takes the current key from the :class:`~agents_oci.auth.refresher.Refresher`
   (no I/O unless the token is about to expire, and then off the loop);
2. makes the request OCI's: drops any bearer token and OpenAI account
   headers (an ``OPENAI_API_KEY`` or ``OPENAI_ORG_ID`` from the environment
   must never reach OCI), adds the compartment and project headers;
3. signs it and yields it;
4. on a 401, if the credential can refresh, gets a newer key (one refresh
   shared by every request that saw the same rejected key) and re-sends the
   identical body once, with a new date and signature.
"""

from __future__ import annotations

import functools
from collections.abc import (
    AsyncGenerator,
    Generator,
    Mapping,
    MutableMapping,
)
from typing import Final, Protocol, TypeVar

from ..auth.credentials import SigningKey
from ..auth.refresher import Refresher
from ..auth.signing import Placement, SigningInput, rsa_sign, signing_input

__all__ = [
    "BearerCore",
    "COMPARTMENT_HEADER",
    "PROJECT_HEADER",
    "SigningCore",
    "surface_request_id",
]

COMPARTMENT_HEADER: Final = "opc-compartment-id"
PROJECT_HEADER: Final = "OpenAI-Project"
_DROPPED: Final = ("authorization", "openai-organization", "openai-project")


class _URL(Protocol):
    @property
    def raw_path(self) -> bytes: ...
    @property
    def netloc(self) -> bytes: ...


class _Request(Protocol):
    @property
    def method(self) -> str: ...
    @property
    def url(self) -> _URL: ...
    @property
    def headers(self) -> MutableMapping[str, str]: ...
    @property
    def content(self) -> bytes: ...
    def read(self) -> bytes: ...
    async def aread(self) -> bytes: ...


class _Response(Protocol):
    @property
    def status_code(self) -> int: ...


R = TypeVar("R", bound=_Request)


def oci_headers(
    headers: MutableMapping[str, str], compartment_id: str | None, project_id: str | None
) -> None:
    """Make a request's headers OCI's: no OpenAI account headers, our compartment and project."""
    for name in _DROPPED:
        # Not pop(name, None): on httpx's headers that scans twice and raises
        # KeyError for every absent name (measured: 10 us of 27 per request).
        if name in headers:
            del headers[name]
    if compartment_id is not None:
        headers[COMPARTMENT_HEADER] = compartment_id
    if project_id is not None:
        headers[PROJECT_HEADER] = project_id


def surface_request_id(headers: MutableMapping[str, str]) -> None:
    """Copy OCI's ``opc-request-id`` into ``x-request-id`` when the response has none.

    OCI sends only ``opc-request-id``; the openai SDK's ``_request_id`` (and the
    Agents SDK's logs) read ``x-request-id``, so without this they are ``None``
    live. The transports call it on every response, streamed or not.
    """
    if "x-request-id" not in headers:
        request_id = headers.get("opc-request-id")
        if request_id:
            headers["x-request-id"] = request_id


def _put(headers: MutableMapping[str, str], values: Mapping[str, str]) -> None:
    # One assignment per header, not update(): httpx's update() rebuilds the
    # headers, then pops and re-appends those already present.
    for name, value in values.items():
        headers[name] = value
    if "content-length" in values and "transfer-encoding" in headers:
        # A streamed body (content=<generator>) came with `Transfer-Encoding:
        # chunked`; the flow has read it whole and signed its length, so the
        # length alone frames it (RFC 9112 section 6.2: never both).
        del headers["transfer-encoding"]


class SigningCore:
    """What both Auth twins do when signing; knows OCI headers, nothing about agents."""

    def __init__(
        self,
        refresher: Refresher,
        *,
        compartment_id: str | None,
        project_id: str | None,
    ) -> None:
        self.refresher = refresher
        self._compartment_id = compartment_id
        self._project_id = project_id
        self._placement = Placement()

    def prepare(self, request: _Request, key: SigningKey) -> None:
        """Put OCI's headers and a fresh signature on ``request``."""
        unsigned = self._signing_input(request, key)
        _put(request.headers, unsigned.complete(rsa_sign(key.private_key, unsigned.message)))

    async def _prepare_async(self, request: _Request, key: SigningKey) -> None:
        unsigned = self._signing_input(request, key)
        rsa = functools.partial(rsa_sign, key.private_key, unsigned.message)
        signature = await self._placement.run(rsa)  # inline, or on a worker under load
        _put(request.headers, unsigned.complete(signature))

    def _signing_input(self, request: _Request, key: SigningKey) -> SigningInput:
        """Make the headers OCI's; return the signature but its RSA operation."""
        headers = request.headers
        oci_headers(headers, self._compartment_id, self._project_id)
        url = request.url
        return signing_input(
            method=request.method,
            target=url.raw_path.decode("ascii"),
            host=headers.get("host") or url.netloc.decode("ascii"),
            body=request.content,
            content_type=headers.get("content-type"),
            key_id=key.key_id,
        )

    async def async_flow(self, request: R) -> AsyncGenerator[R, _Response]:
        await request.aread()  # the signature covers the body: it must be bytes
        with self._placement.in_flight():  # a counter, not a lock
            key = await self.refresher.current()
            await self._prepare_async(request, key)
            response = yield request
            if response.status_code == 401 and self.refresher.can_refresh:
                fresh = await self.refresher.renew_after_rejection(key)
                if fresh.key_id != key.key_id:  # a new credential, not the rejected one
                    await self._prepare_async(request, fresh)
                    yield request

    def sync_flow(self, request: R) -> Generator[R, _Response, None]:
        request.read()
        key = self.refresher.current_sync()
        self.prepare(request, key)
        response = yield request
        if response.status_code == 401 and self.refresher.can_refresh:
            fresh = self.refresher.renew_after_rejection_sync(key)
            if fresh.key_id != key.key_id:  # a new credential, not the rejected one
                self.prepare(request, fresh)
                yield request


class BearerCore:
    """What both Auth twins do with a Generative AI API key: a bearer token, no signature."""

    def __init__(self, api_key: str, *, compartment_id: str | None, project_id: str | None) -> None:
        self._authorization = f"Bearer {api_key}"
        self._compartment_id = compartment_id
        self._project_id = project_id

    def prepare(self, request: _Request) -> None:
        oci_headers(request.headers, self._compartment_id, self._project_id)
        request.headers["authorization"] = self._authorization

    async def async_flow(self, request: R) -> AsyncGenerator[R, _Response]:
        self.prepare(request)
        yield request

    def sync_flow(self, request: R) -> Generator[R, _Response, None]:
        self.prepare(request)
        yield request

    def __repr__(self) -> str:
        return "BearerCore(api_key=<redacted>)"
