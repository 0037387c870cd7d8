"""Production faults survived: token expiry mid-run, 401 storms, throttling, cut streams, slow models."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import Counter
from typing import Any

import openai
import pytest
from agents import Agent, ModelSettings, RunConfig, Runner, function_tool

from agents_oci import DEFAULT_REQUEST_TIMEOUT, OCIProvider, OCIServerError, RateLimitedError
from agents_oci.testing import OCIEmulator, RawEvents

from .conftest import CHAT_MODEL, RESPONSES_MODEL, auth_for

MODELS = {"chat": CHAT_MODEL, "responses": f"responses:{RESPONSES_MODEL}"}

BROKEN_STREAM = openai.APIConnectionError  # on both openai lines (issue 16, defect 2)


def chain(error: BaseException | None) -> str:
    """Every message in an exception's cause/context chain."""
    seen = []
    while error is not None and len(seen) < 10:
        seen.append(f"{type(error).__name__}: {error}")
        error = error.__cause__ or error.__context__
    return " <- ".join(seen)
NOT_AUTHENTICATED = {"code": "NotAuthenticated", "message": "The security token has expired."}


async def test_session_token_expires_mid_run_and_is_rotated_on_disk(emu: OCIEmulator) -> None:
    rotated: list[str] = []

    @function_tool
    def long_job(name: str) -> str:
        """A tool that runs long enough for the session token to expire."""
        emu.credentials.revoke_tokens()  # OCI now refuses the token the run started with
        rotated.append(emu.credentials.rotate_session_token())  # `oci session refresh`
        return f"job {name} finished"

    oci = OCIProvider(**auth_for(emu, "session").keywords)
    agent = Agent(name="worker", model=CHAT_MODEL, tools=[long_job])
    result = await Runner.run(agent, "Use long_job for nightly", run_config=RunConfig(model_provider=oci))
    assert "long_job returned" in result.final_output and "finished" in result.final_output
    statuses = [e.status for e in emu.journal.entries]
    assert statuses == [200, 401, 200]
    # Nothing was sent twice except the one re-send of the rejected body.
    bodies = Counter(e.raw_body for e in emu.journal.entries)
    assert sorted(bodies.values()) == [1, 2]
    assert bodies[emu.journal.entries[1].raw_body] == 2
    assert f"ST${rotated[0]}" in emu.journal.entries[2].headers["authorization"]
    await oci.aclose()


@pytest.fixture
def fair_gil() -> Any:
    """Hand the GIL over often: the emulator shares this process, OCI would not.

    With the default 5 ms switch interval the in-process emulator thread, busy
    answering 50 requests, holds the GIL long enough to show up as event-loop
    stalls that belong to the test setup, not to the client.
    """
    import sys

    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    yield
    sys.setswitchinterval(previous)


async def test_fifty_concurrent_401s_one_refresh_no_stall(emu: OCIEmulator, fair_gil: None) -> None:
    auth = auth_for(emu, "instance_principal")
    federation = auth.signer.federation_client
    federation.refresh_delay = 1.0  # a principal refresh is a network round trip
    window: list[float] = []
    original = federation.refresh_security_token

    def timed_refresh() -> str:
        window.append(time.perf_counter())
        try:
            return str(original())
        finally:
            window.append(time.perf_counter())

    federation.refresh_security_token = timed_refresh
    oci = OCIProvider(**auth.keywords)
    client = oci.client()
    ask = {"model": CHAT_MODEL, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 5}
    await client.chat.completions.create(**ask)  # warm: token loaded, connections open
    emu.reset()
    before = auth.signer.refresh_count
    emu.faults.fail_next(50, status=401, body=NOT_AUTHENTICATED)

    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.001)

    task = asyncio.ensure_future(ticker())
    answers = await asyncio.wait_for(
        asyncio.gather(*(client.chat.completions.create(**ask) for _ in range(50))), timeout=30
    )
    task.cancel()

    assert len(answers) == 50 and all(a.choices[0].message.content for a in answers)
    assert auth.signer.refresh_count - before == 1
    assert threading.main_thread() not in federation.refresh_threads
    assert [e.status for e in emu.journal.entries].count(401) == 50
    assert [e.status for e in emu.journal.entries].count(200) == 50
    start, end = window
    assert end - start >= 1.0
    # The refresh starts at the first 401, while the loop is still signing and
    # sending the rest of the burst (50 RSA signatures, ~16 ms here): that
    # burst is measured by the benchmark. From 100 ms on, every request is
    # waiting for the refresh and the loop has nothing else to do: a refresh
    # running on the loop would show up here as one stall of about a second.
    during = [t for t in ticks if start + 0.1 <= t <= end]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    assert len(during) >= 10, "the loop did not run while the refresh ran"  # ~900 when idle
    # Structural, not a latency bound: a refresh on the loop would stall it for
    # the whole refresh (1 s). Scheduling noise under a loaded machine (measured
    # 24-33 ms on 2 shared CPUs, up to 550 ms for other tests under pytest -n auto
    # beside a pip install) stays below it; the loop's latency
    # itself is measured by the benchmarks.
    assert max(gaps) < 0.9, f"the loop stalled {max(gaps) * 1000:.0f} ms: the refresh ran on it"
    await oci.aclose()


async def test_429_with_retry_after_is_retried_and_counted(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.faults.fail_next(1, status=429, headers={"retry-after": "0.3"})
    started = time.perf_counter()
    reply = await oci.client().chat.completions.create(model=CHAT_MODEL, messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content
    assert time.perf_counter() - started >= 0.3  # the server's retry-after was honoured
    counts = [e.headers.get("x-stainless-retry-count") for e in emu.journal.entries]
    assert [e.status for e in emu.journal.entries] == [429, 200] and counts == ["0", "1"]
    await oci.aclose()


@pytest.mark.parametrize(("status", "kind"), [(429, RateLimitedError), (503, OCIServerError), (500, OCIServerError)])
async def test_retry_budget_spent_gives_a_typed_error(emu: OCIEmulator, status: int, kind: type[Any]) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.faults.fail_next(3, status=status, headers={"retry-after": "0.05"})
    with pytest.raises(kind) as caught:
        await Runner.run(Agent(name="a", model=CHAT_MODEL), "hi", run_config=RunConfig(model_provider=oci))
    assert caught.value.retries == 2 and "after 2 retries" in str(caught.value)
    assert [e.status for e in emu.journal.entries] == [status] * 3
    assert isinstance(caught.value, openai.APIStatusError)
    await oci.aclose()


async def streamed(oci: OCIProvider, model: str) -> Any:
    agent = Agent(name="a", model=model, model_settings=ModelSettings(include_usage=True))
    result = Runner.run_streamed(agent, "tell me a long story about a lighthouse keeper", run_config=RunConfig(model_provider=oci))
    async for _ in result.stream_events():
        pass
    return result


@pytest.mark.parametrize("api", sorted(MODELS))
@pytest.mark.parametrize("after", [1, 4, 8])
async def test_a_stream_cut_mid_way_fails_the_run(emu: OCIEmulator, api: str, after: int) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.faults.cut_stream(after_events=after)
    with pytest.raises(BROKEN_STREAM):
        await streamed(oci, MODELS[api])
    assert emu.journal.entries[0].completed is False
    await oci.aclose()


def chat_chunk(text: str, first: bool = False) -> dict[str, Any]:
    delta: dict[str, Any] = {"content": text, **({"role": "assistant"} if first else {})}
    return {"id": "chatcmpl-t", "object": "chat.completion.chunk", "created": 1, "model": CHAT_MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}


async def test_a_stream_that_ends_without_its_final_event_is_not_an_answer(emu: OCIEmulator) -> None:
    """A clean end of body with no [DONE] or finish_reason: the SDK alone would accept it."""
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.queue_raw(RawEvents(events=(chat_chunk("The answer is ", first=True), chat_chunk("forty"))))
    with pytest.raises(BROKEN_STREAM) as caught:
        await streamed(oci, CHAT_MODEL)
    assert "ended the event stream before its final event" in chain(caught.value)
    await oci.aclose()


async def test_slow_first_byte_is_waited_for_by_default(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    client = oci.client()
    assert DEFAULT_REQUEST_TIMEOUT >= 600
    assert client.timeout.read == DEFAULT_REQUEST_TIMEOUT  # a 60 s think is far inside it
    emu.faults.set_latency(first_byte=1.5)
    result = await Runner.run(Agent(name="a", model=CHAT_MODEL), "think hard", run_config=RunConfig(model_provider=oci))
    assert "think hard" in result.final_output
    await oci.aclose()


async def test_a_user_timeout_is_honoured(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords, request_timeout=0.3)
    emu.faults.set_latency(first_byte=2.0)
    started = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        await oci.client().with_options(max_retries=0).chat.completions.create(
            model=CHAT_MODEL, messages=[{"role": "user", "content": "hi"}]
        )
    assert time.perf_counter() - started < 1.5
    await oci.aclose()
