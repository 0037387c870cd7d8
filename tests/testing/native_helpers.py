"""Helpers for the native chat API tests: signed requests and SSE parsing."""

from __future__ import annotations

import importlib
import json
from typing import Any

import openai
import requests

from agents_oci.testing import OCIEmulator

# openai 3.x is built on httpx2, openai 2.x on httpx: the ASGI transport of the one installed.
HTTP: Any = importlib.import_module(
    "httpx2" if int(openai.__version__.split(".")[0]) >= 3 else "httpx"
)

COHERE = "cohere.command-r-plus"
LLAMA = "meta.llama-3.3-70b-instruct"
CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
COHERE_WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameterDefinitions": {"city": {"description": "A city", "type": "str", "isRequired": True}},
}
GENERIC_WEATHER = {
    "type": "FUNCTION",
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": CITY,
}


def on_demand(model: str) -> dict[str, Any]:
    return {"servingType": "ON_DEMAND", "modelId": model}


def dedicated(endpoint: str) -> dict[str, Any]:
    return {"servingType": "DEDICATED", "endpointId": endpoint}


def cohere_request(message: str = "hello", **fields: Any) -> dict[str, Any]:
    return {"apiFormat": "COHERE", "message": message, **fields}


def generic_request(*texts: str, **fields: Any) -> dict[str, Any]:
    content = [{"type": "TEXT", "text": text} for text in texts or ("hello",)]
    return {"apiFormat": "GENERIC", "messages": [{"role": "USER", "content": content}], **fields}


def details(
    emu: OCIEmulator, chat_request: dict[str, Any], serving: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A ``ChatDetails`` body (on demand Cohere R+ unless ``serving`` says otherwise)."""
    return {
        "compartmentId": emu.compartment_id,
        "servingMode": serving or on_demand(COHERE),
        "chatRequest": chat_request,
    }


def post(
    emu: OCIEmulator,
    body: Any,
    *,
    signer: Any = None,
    headers: dict[str, str] | None = None,
    unsigned: bool = False,
) -> requests.Response:
    """POST to the native chat API, signed with the API key profile unless told otherwise."""
    auth = None if unsigned else signer or emu.credentials.api_key_signer()
    return requests.post(
        emu.native_chat_url, json=body, auth=auth, headers=headers or {}, timeout=10
    )


async def post_in_process(emu: OCIEmulator, body: Any) -> Any:
    """POST ``body`` signed to the native API of the real OCI host, through the ASGI app."""
    url = emu.inprocess_root_url + "/20231130/actions/chat"
    prepared = requests.Request("POST", url, json=body).prepare()
    emu.credentials.api_key_signer()(prepared)
    async with HTTP.AsyncClient(transport=HTTP.ASGITransport(app=emu.app)) as client:
        return await client.post(url, content=prepared.body, headers=dict(prepared.headers))


def events(response: requests.Response, *, done: bool | None = None) -> list[dict[str, Any]]:
    """The JSON ``data:`` payloads of an SSE response; ``done``: whether ``[DONE]`` ends it.

    Decoded as UTF-8 by hand: without a charset, ``requests`` guesses ISO-8859-1.
    """
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/event-stream"  # exactly, as OCI sends it
    blocks = [b for b in response.content.decode("utf-8").split("\n\n") if b.strip()]
    assert all(block.startswith("data: ") for block in blocks), blocks
    if done is not None:
        assert (blocks[-1] == "data: [DONE]") is done, blocks[-1]
    return [json.loads(b[len("data: ") :]) for b in blocks if b != "data: [DONE]"]


def streamed_text(payloads: list[dict[str, Any]]) -> str:
    """The text deltas of a stream of either format (not the final events, which repeat it)."""
    pieces = []
    for event in payloads:
        if "finishReason" in event:
            continue
        if event.get("apiFormat") == "COHERE":
            pieces.append(event.get("text", ""))
        for part in event.get("message", {}).get("content") or []:
            pieces.append(part["text"])
    return "".join(pieces)
