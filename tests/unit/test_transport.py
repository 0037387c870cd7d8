"""The auth flow, driven by hand: headers OCI needs, nothing OCI must not see, one re-send."""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx
import httpx2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from agents_oci.auth.refresher import Refresher
from agents_oci.http._httpx import HttpxOCIAuth
from agents_oci.http._httpx2 import Httpx2OCIAuth
from agents_oci.http.core import SigningCore

from .fakes import KEY, Clock, FakeSource

URL = "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1/chat/completions?a=b%20c"
BODY = b'{"model":"meta.llama-3.3-70b-instruct","messages":[]}'
COMPARTMENT = "ocid1.tenancy.oc1..aaaa"
PROJECT = "ocid1.generativeaiproject.oc1.us-chicago-1.pppp"


def verify(request: Any) -> dict[str, str]:
    """Check the signature with the public key: an independent reading of the header."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', request.headers["authorization"]))
    lines = []
    for name in params["headers"].split():
        if name == "(request-target)":
            value = f"{request.method.lower()} {request.url.raw_path.decode()}"
        else:
            value = request.headers[name]
        lines.append(f"{name}: {value}")
    KEY.public_key().verify(
        base64.b64decode(params["signature"]),
        "\n".join(lines).encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    return params


def core(refreshable: bool = True) -> tuple[SigningCore, FakeSource]:
    clock = Clock()
    source = FakeSource(clock)
    source.can_refresh = refreshable
    refresher = Refresher(source, clock=clock)
    refresher.load_now()
    return SigningCore(refresher, compartment_id=COMPARTMENT, project_id=PROJECT), source


LIBRARIES = [(httpx2, Httpx2OCIAuth), (httpx, HttpxOCIAuth)]


@pytest.mark.parametrize(("lib", "auth_class"), LIBRARIES)
async def test_request_is_signed_and_cleaned(lib: Any, auth_class: Any) -> None:
    signing, _ = core()
    request = lib.Request(
        "POST",
        URL,
        content=BODY,
        headers={
            "Authorization": "Bearer sk-from-OPENAI_API_KEY",
            "OpenAI-Organization": "org-from-env",
            "OpenAI-Project": "proj-from-env",
            "content-type": "application/json",
        },
    )
    flow = auth_class(signing).async_auth_flow(request)
    sent = await flow.__anext__()
    params = verify(sent)
    assert params["keyId"] == "ST$token-1"
    assert (
        params["headers"]
        == "date (request-target) host content-length content-type x-content-sha256"
    )
    assert sent.headers["opc-compartment-id"] == COMPARTMENT
    assert sent.headers["openai-project"] == PROJECT
    assert "openai-organization" not in sent.headers
    assert "Bearer" not in sent.headers["authorization"]
    with pytest.raises(StopAsyncIteration):
        await flow.asend(lib.Response(200))


@pytest.mark.parametrize(("lib", "auth_class"), LIBRARIES)
async def test_401_refreshes_once_and_resends_identical_body(lib: Any, auth_class: Any) -> None:
    signing, source = core()
    request = lib.Request("POST", URL, content=BODY, headers={"content-type": "application/json"})
    flow = auth_class(signing).async_auth_flow(request)
    first = await flow.__anext__()
    first_signature = first.headers["authorization"]
    again = await flow.asend(lib.Response(401))
    assert again.content == BODY
    assert verify(again)["keyId"] == "ST$token-2"
    assert again.headers["authorization"] != first_signature
    assert source.loads == [False, True]
    with pytest.raises(StopAsyncIteration):  # a second 401 is returned, not retried
        await flow.asend(lib.Response(401))


async def test_401_with_a_key_that_cannot_refresh_is_not_resent() -> None:
    signing, source = core(refreshable=False)
    request = httpx2.Request("POST", URL, content=BODY)
    flow = Httpx2OCIAuth(signing).async_auth_flow(request)
    await flow.__anext__()
    with pytest.raises(StopAsyncIteration):
        await flow.asend(httpx2.Response(401))
    assert source.loads == [False]


def test_sync_flow_signs_and_resends() -> None:
    signing, _source = core()
    request = httpx2.Request("GET", URL)
    flow = Httpx2OCIAuth(signing).sync_auth_flow(request)
    sent = next(flow)
    assert verify(sent)["headers"] == "date (request-target) host"
    again = flow.send(httpx2.Response(401))
    assert verify(again)["keyId"] == "ST$token-2"


def test_no_project_or_compartment_when_not_configured() -> None:
    clock = Clock()
    refresher = Refresher(FakeSource(clock), clock=clock)
    refresher.load_now()
    signing = SigningCore(refresher, compartment_id=None, project_id=None)
    request = httpx2.Request("POST", URL, content=b"{}", headers={"OpenAI-Project": "proj-env"})
    sent = next(Httpx2OCIAuth(signing).sync_auth_flow(request))
    assert "opc-compartment-id" not in sent.headers
    assert "openai-project" not in sent.headers
    verify(sent)


async def test_end_to_end_over_a_mock_transport_with_a_401() -> None:
    """The real httpx2 client drives the flow: the 401 is consumed, the re-send succeeds."""
    signing, _source = core()
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        key_id = verify(request)["keyId"]
        seen.append(key_id)
        return httpx2.Response(401 if key_id == "ST$token-1" else 200, json={"ok": True})

    async with httpx2.AsyncClient(
        transport=httpx2.MockTransport(handler), auth=Httpx2OCIAuth(signing)
    ) as client:
        response = await client.post(URL, content=BODY)
    assert response.status_code == 200
    assert seen == ["ST$token-1", "ST$token-2"]
