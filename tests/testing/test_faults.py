"""Fault injection: failed requests, cut streams, latency."""

from __future__ import annotations

import importlib
import itertools
import time
from typing import Any

import openai
import pytest
import requests

from agents_oci.testing import OCIEmulator, StreamCut

HTTP: Any = importlib.import_module(
    "httpx2" if int(openai.__version__.split(".")[0]) >= 3 else "httpx"
)
CHAT = {"model": "openai.gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}


def chat(emu: OCIEmulator, key: str, *, stream: bool = False) -> requests.Response:
    """POST a chat completion; with ``stream`` both the API and ``requests`` stream."""
    body = {**CHAT, "stream": True} if stream else CHAT
    return requests.post(
        f"{emu.base_url}/chat/completions",
        json=body,
        stream=stream,
        headers={"authorization": f"Bearer {key}"},
        timeout=10,
    )


def test_fail_next_n_then_recover(emu: OCIEmulator, bearer_key: str) -> None:
    emu.faults.fail_next(2, status=503)
    statuses = [chat(emu, bearer_key).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    first = emu.journal.entries[0]
    assert first.fault == "injected 503" and first.principal == "bearer"  # still verified
    assert chat(emu, bearer_key).status_code == 200


def test_default_bodies_follow_oci(emu: OCIEmulator, bearer_key: str) -> None:
    emu.faults.fail_next(status=401)
    emu.faults.fail_next(status=500)
    unauthorized, internal = chat(emu, bearer_key), chat(emu, bearer_key)
    assert unauthorized.json()["code"] == "NotAuthenticated"
    assert internal.json() == {"code": "InternalServerError", "message": "Internal server error."}


def test_429_with_retry_after_and_custom_body(emu: OCIEmulator, bearer_key: str) -> None:
    body = {"code": "TooManyRequests", "message": "slow down"}
    emu.faults.fail_next(status=429, body=body, headers={"retry-after": "2"})
    response = chat(emu, bearer_key)
    assert response.status_code == 429 and response.json() == body
    assert response.headers["retry-after"] == "2"
    assert response.headers["opc-request-id"]


def test_failures_can_target_a_path(emu: OCIEmulator, bearer_key: str) -> None:
    emu.faults.fail_next(status=500, path_suffix="/responses")
    assert chat(emu, bearer_key).status_code == 200
    response = requests.post(
        f"{emu.base_url}/responses",
        json={"model": "openai.gpt-5.5", "input": "x"},
        headers={"authorization": f"Bearer {bearer_key}"},
        timeout=10,
    )
    assert response.status_code == 500


async def test_openai_sdk_sees_the_injected_errors(emu: OCIEmulator, bearer_key: str) -> None:
    emu.faults.fail_next(status=429, headers={"retry-after-ms": "10", "retry-after": "1"})
    client = openai.AsyncOpenAI(base_url=emu.base_url, api_key=bearer_key, max_retries=1)
    completion = await client.chat.completions.create(
        model="openai.gpt-4.1", messages=[{"role": "user", "content": "hi"}]
    )
    assert completion.choices[0].message.content == "You said: hi"
    assert [entry.status for entry in emu.journal.entries] == [429, 200]


def test_cut_stream_drops_the_connection(emu: OCIEmulator, bearer_key: str) -> None:
    emu.queue_text("one two three four five six seven eight nine ten eleven twelve")
    emu.faults.cut_stream(after_events=2)
    received = b""
    with (
        pytest.raises(requests.exceptions.ChunkedEncodingError),
        chat(emu, bearer_key, stream=True) as response,
    ):
        for piece in response.iter_content(chunk_size=None):
            received += piece
    assert received.count(b"data: ") == 2 and b"[DONE]" not in received
    entry = emu.journal.last
    assert entry.streamed and not entry.completed
    assert entry.fault == "stream cut after 2 events"
    # The next stream is whole again.
    assert chat(emu, bearer_key, stream=True).text.endswith("data: [DONE]\n\n")


async def test_openai_sdk_stream_fails_on_a_cut(emu: OCIEmulator, bearer_key: str) -> None:
    emu.faults.cut_stream(after_events=3)
    client = openai.AsyncOpenAI(
        base_url=emu.base_url, api_key=bearer_key, project=emu.project_id, max_retries=0
    )
    stream = await client.responses.create(model="openai.gpt-5.5", input="hi", stream=True)
    seen: list[str] = []
    # openai 3.x wraps the dropped connection in APIConnectionError; openai 2.x
    # lets the transport's RemoteProtocolError escape from the iteration.
    with pytest.raises((openai.APIConnectionError, HTTP.RemoteProtocolError)):
        async for event in stream:
            seen.append(event.type)
    assert seen == ["response.created", "response.in_progress", "response.output_item.added"]


def test_latency_before_first_byte_and_between_events(emu: OCIEmulator, bearer_key: str) -> None:
    emu.faults.set_latency(first_byte=0.3)
    started = time.perf_counter()
    assert chat(emu, bearer_key).status_code == 200
    assert time.perf_counter() - started >= 0.3

    emu.faults.set_latency(between_events=0.05)
    emu.queue_text("a b c d e f g h")  # a handful of chunks, each 50 ms apart
    arrivals = []
    with chat(emu, bearer_key, stream=True) as response:
        for line in response.iter_lines():
            if line:
                arrivals.append(time.perf_counter())
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert len(gaps) >= 3 and min(gaps) >= 0.04


def test_fault_arguments_are_validated(emu: OCIEmulator) -> None:
    with pytest.raises(ValueError):
        emu.faults.fail_next(0)
    with pytest.raises(ValueError):
        emu.faults.fail_next(status=200)
    with pytest.raises(ValueError):
        emu.faults.cut_stream(-1)
    with pytest.raises(ValueError):
        emu.faults.set_latency(first_byte=-1)


async def test_in_process_cut_surfaces_as_stream_cut(emu: OCIEmulator, bearer_key: str) -> None:
    # The ASGI transport has no socket to drop: it raises the app's exception.
    emu.faults.cut_stream(after_events=1)
    transport = HTTP.ASGITransport(app=emu.app)
    async with HTTP.AsyncClient(transport=transport, base_url=emu.inprocess_base_url) as client:
        with pytest.raises(StreamCut):
            await client.post(
                "/chat/completions",
                json={**CHAT, "stream": True},
                headers={"authorization": f"Bearer {bearer_key}"},
            )
    assert emu.journal.last.fault == "stream cut after 1 events"
