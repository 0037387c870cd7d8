"""Oracle's ``oci-openai`` client and a plain ``AsyncOpenAI`` signed by the ``oci`` SDK.

``oci-openai`` 1.1 builds on ``httpx``: it works with openai 2.x and raises
``TypeError`` under openai 3.x (built on ``httpx2``), which is asserted here
too, so the day it changes this suite says so. The hand-signed client signs
in an ``event_hooks["request"]`` hook with ``oci.signer.Signer``, the way
Oracle's REST examples sign ``requests`` calls, on both lines.
"""

from __future__ import annotations

import importlib
from typing import Any

import oci
import openai
import pytest
import requests

from agents_oci.testing import OCIEmulator

OPENAI_3 = int(openai.__version__.split(".")[0]) >= 3
HTTP: Any = importlib.import_module("httpx2" if OPENAI_3 else "httpx")
CHAT_MODEL = "meta.llama-3.3-70b-instruct"
RESPONSES_MODEL = "openai.gpt-5.5"
MESSAGES: Any = [{"role": "user", "content": "Grüße aus Köln"}]


def sdk_signer(emu: OCIEmulator) -> oci.signer.Signer:
    config = oci.config.from_file(emu.config_file, "DEFAULT")
    return oci.signer.Signer(
        config["tenancy"], config["user"], config["fingerprint"], config["key_file"]
    )


def hook_signed_client(emu: OCIEmulator) -> openai.AsyncOpenAI:
    signer = sdk_signer(emu)

    async def sign(request: Any) -> None:
        body = await request.aread()
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        prepared = requests.Request(
            request.method, str(request.url), data=body or None, headers=headers
        ).prepare()
        signer(prepared)
        for name in ("date", "authorization", "x-content-sha256", "content-length"):
            if name in prepared.headers:
                request.headers[name] = prepared.headers[name]

    http_client = HTTP.AsyncClient(
        event_hooks={"request": [sign]},
        headers={"opc-compartment-id": emu.compartment_id},
    )
    return openai.AsyncOpenAI(
        base_url=emu.base_url, api_key="unused", project=emu.project_id,
        http_client=http_client, max_retries=0,
    )


def oci_openai_client(emu: OCIEmulator) -> Any:
    from oci_openai import AsyncOciOpenAI, OciUserPrincipalAuth

    return AsyncOciOpenAI(
        auth=OciUserPrincipalAuth(config_file=emu.config_file, profile_name="DEFAULT"),
        base_url=emu.base_url, compartment_id=emu.compartment_id,
        project=emu.project_id, max_retries=0,
    )


def clients(emu: OCIEmulator) -> list[Any]:
    return [hook_signed_client(emu)] + ([] if OPENAI_3 else [oci_openai_client(emu)])


def verified(emu: OCIEmulator, count: int) -> None:
    entries = emu.journal.entries
    assert len(entries) == count
    for entry in entries:
        assert entry.status == 200 and entry.auth_error is None, (entry.status, entry.auth_error)
        assert entry.principal is not None and entry.principal.startswith("api_key:")


async def test_chat_json_and_stream(emu: OCIEmulator) -> None:
    made = clients(emu)
    for client in made:
        completion = await client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)
        assert completion.choices[0].message.content == "You said: Grüße aus Köln"
        stream = await client.chat.completions.create(
            model=CHAT_MODEL, messages=MESSAGES, stream=True
        )
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
        assert text == "You said: Grüße aus Köln"
        await client.close()
    verified(emu, 2 * len(made))


async def test_responses_json_and_stream(emu: OCIEmulator) -> None:
    made = clients(emu)
    for client in made:
        response = await client.responses.create(model=RESPONSES_MODEL, input="naïve café")
        assert response.output_text == "You said: naïve café"
        follow = await client.responses.create(
            model=RESPONSES_MODEL, input="again", previous_response_id=response.id
        )
        assert follow.output_text == "You said: again"
        stream = await client.responses.create(model=RESPONSES_MODEL, input="東京", stream=True)
        kinds = [event.type async for event in stream]
        assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
        await client.close()
    verified(emu, 3 * len(made))


async def test_tool_call(emu: OCIEmulator) -> None:
    tool: Any = {"type": "function", "function": {
        "name": "get_weather", "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]}}}
    for client in clients(emu):
        first = await client.chat.completions.create(
            model=CHAT_MODEL, messages=[{"role": "user", "content": "Weather in Paris?"}],
            tools=[tool],
        )
        (call,) = first.choices[0].message.tool_calls
        assert call.function.name == "get_weather"
        await client.close()


@pytest.mark.skipif(not OPENAI_3, reason="openai 2.x: oci-openai works (tested above)")
def test_oci_openai_cannot_run_on_openai_3() -> None:
    """A fact this project builds on: oci-openai hands an httpx Auth to an httpx2 client."""
    import httpx
    from oci_openai import AsyncOciOpenAI

    with pytest.raises(TypeError, match="auth"):
        AsyncOciOpenAI(auth=httpx.Auth(), base_url="http://127.0.0.1:9/openai/v1",
                       compartment_id="ocid1.tenancy.oc1..aaaaaaaa")
