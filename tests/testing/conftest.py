"""Fixtures for the emulator's own tests.

One real server is shared by the whole session (starting one costs key
generation and a thread); ``emu`` hands it to each test with the journal,
store, faults, replies and rules reset. Tests that change credentials for
good (revocation, expiry) use ``fresh_emu`` instead. ``signed_openai`` builds
an ``openai`` client whose requests an ``oci`` SDK signer signs.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import Any

import openai
import pytest
import requests

from agents_oci.testing import OCIEmulator, ServiceRules


@pytest.fixture(scope="session")
def shared_emu() -> Iterator[OCIEmulator]:
    with OCIEmulator() as emu:
        yield emu


@pytest.fixture
def emu(shared_emu: OCIEmulator) -> Iterator[OCIEmulator]:
    shared_emu.reset()
    yield shared_emu
    shared_emu.reset()
    # The app holds this very object: restore it in place.
    defaults = ServiceRules()
    for spec in dataclasses.fields(ServiceRules):
        setattr(shared_emu.rules, spec.name, getattr(defaults, spec.name))


@pytest.fixture
def fresh_emu() -> Iterator[OCIEmulator]:
    with OCIEmulator() as emu:
        yield emu


@pytest.fixture
def bearer_key(emu: OCIEmulator) -> str:
    return emu.register_bearer_key()


# openai 3.x is built on httpx2, openai 2.x on httpx: sign with the one it uses.
HTTP: Any = importlib.import_module(
    "httpx2" if int(openai.__version__.split(".")[0]) >= 3 else "httpx"
)


class SdkSignerAuth(HTTP.Auth):  # type: ignore[misc]
    """Signs each request with an ``oci`` SDK signer (test-only glue, not product code)."""

    requires_request_body = True

    def __init__(self, signer: Any) -> None:
        self._signer = signer

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        prepared = requests.Request(
            request.method, str(request.url), data=request.content or None, headers=headers
        ).prepare()
        self._signer(prepared)
        for name in ("date", "authorization", "x-content-sha256", "content-length", "content-type"):
            if name in prepared.headers:
                request.headers[name] = prepared.headers[name]
        yield request


SignedOpenAI = Callable[..., openai.AsyncOpenAI]


@pytest.fixture
def signed_openai(emu: OCIEmulator) -> SignedOpenAI:
    """``make(base_url, signer, *, in_process=False, headers=None)``: a signed client."""

    def make(
        base_url: str,
        signer: Any,
        *,
        in_process: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> openai.AsyncOpenAI:
        http_client = HTTP.AsyncClient(
            transport=HTTP.ASGITransport(app=emu.app) if in_process else None,
            auth=SdkSignerAuth(signer),
            headers=dict(headers or {}),
        )
        return openai.AsyncOpenAI(
            base_url=base_url,
            api_key="unused-the-request-is-signed",
            project=emu.project_id,
            http_client=http_client,
            max_retries=0,
        )

    return make
