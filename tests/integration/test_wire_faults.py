"""What something between the client and OCI may do to an answer, on all three models.

A loopback proxy (``_wire.WireProxy``) forwards each signed request to the
emulator and damages the answer on its way back: another Content-Type, a body
cut short (cleanly, by a close, by a reset), an HTML page, a redirect. One
error contract for chat completions, Responses and the native API, on both
SDK lines: every such answer is an ``openai.APIError`` subclass, never a
truncated success, a bare ``httpx``/``httpx2`` error or an ``AttributeError``.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from agents import Agent, ModelSettings, RunConfig, Runner

from agents_oci import OCIProvider, RedirectRefusedError, UnexpectedResponseError
from agents_oci.testing import OCIEmulator, RawEvents

from ._wire import Mangle, WireProxy, cut, cut_clean, gzipped, html_page, redirect, retyped
from .conftest import CHAT_MODEL, RESPONSES_MODEL, auth_for

MODELS = {
    "chat": CHAT_MODEL,
    "responses": f"responses:{RESPONSES_MODEL}",
    "native": "cohere.command-r-plus-08-2024",
}
ATTEMPTS = 3  # openai's (and the native model's) default: one try and two retries


@pytest.fixture
def proxy(emu: OCIEmulator) -> Iterator[WireProxy]:
    with WireProxy(("127.0.0.1", emu.port)) as wire:
        yield wire


@pytest.fixture
def oci(emu: OCIEmulator, proxy: WireProxy) -> Iterator[OCIProvider]:
    provider = OCIProvider(**auth_for(emu, "api_key", base_url=proxy.url("/openai/v1")).keywords)
    yield provider


async def run(oci: OCIProvider, model: str, *, stream: bool) -> str:
    agent = Agent(name="a", model=model, model_settings=ModelSettings(include_usage=True))
    config = RunConfig(model_provider=oci)
    prompt = "tell me a long story about a lighthouse keeper"
    if not stream:
        return str((await Runner.run(agent, prompt, run_config=config)).final_output)
    result = Runner.run_streamed(agent, prompt, run_config=config)
    async for _ in result.stream_events():
        pass
    return str(result.final_output)


async def fails(oci: OCIProvider, proxy: WireProxy, api: str, mangle: Mangle, *, stream: bool) -> Any:
    proxy.next(*[mangle] * ATTEMPTS)
    with pytest.raises(openai.APIError) as caught:
        await run(oci, MODELS[api], stream=stream)
    proxy.clear()
    await oci.aclose()
    return caught.value


# -- defect 1: an event stream is recognised by what was asked, not one header's spelling


@pytest.mark.parametrize("api", sorted(MODELS))
@pytest.mark.parametrize("content_type", ["Text/Event-Stream", "TEXT/EVENT-STREAM; Charset=UTF-8", None])
async def test_a_cleanly_cut_stream_is_an_error_whatever_its_content_type(
    oci: OCIProvider, proxy: WireProxy, api: str, content_type: str | None
) -> None:
    error = await fails(oci, proxy, api, retyped(content_type, keep=0.5), stream=True)
    assert type(error) is openai.APIConnectionError
    assert "ended the event stream before its final event" in str(error)


@pytest.mark.parametrize("api", sorted(MODELS))
async def test_a_whole_stream_with_an_odd_content_type_still_answers(
    oci: OCIProvider, proxy: WireProxy, api: str
) -> None:
    proxy.next(retyped("Text/Event-Stream"))
    assert "lighthouse keeper" in await run(oci, MODELS[api], stream=True)
    await oci.aclose()


@pytest.mark.parametrize("api", sorted(MODELS))
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
async def test_a_gzip_encoded_answer_is_checked_decoded(
    oci: OCIProvider, proxy: WireProxy, api: str, stream: bool
) -> None:
    """The transport sees bodies before the HTTP library decodes them: the checks decode too."""
    proxy.next(gzipped())
    assert "lighthouse keeper" in await run(oci, MODELS[api], stream=stream)
    await oci.aclose()


# -- defect 2: one error contract on every path


@pytest.mark.parametrize("api", sorted(MODELS))
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
async def test_an_html_page_instead_of_the_answer_is_a_typed_error(
    oci: OCIProvider, proxy: WireProxy, api: str, stream: bool
) -> None:
    error = await fails(oci, proxy, api, html_page(text="Proxy Login"), stream=stream)
    assert isinstance(error, UnexpectedResponseError) and isinstance(error, openai.APIError)
    assert "text/html" in str(error) and "Proxy Login" in str(error)
    assert error.content_type == "text/html; charset=utf-8" and error.status_code == 200
    assert "base_url" in error.hint
    assert len(proxy.seen) == 1  # a wrong kind of answer is not retried
    copy = pickle.loads(pickle.dumps(error))  # workers send errors back pickled
    assert type(copy) is type(error) and str(copy) == str(error)


@pytest.mark.parametrize("api", sorted(MODELS))
async def test_a_json_body_cut_short_and_ended_cleanly_is_a_typed_error(
    oci: OCIProvider, proxy: WireProxy, api: str
) -> None:
    error = await fails(oci, proxy, api, cut_clean(0.5), stream=False)
    assert isinstance(error, UnexpectedResponseError)
    assert "the JSON is incomplete or invalid" in str(error)


@pytest.mark.parametrize("api", sorted(MODELS))
async def test_a_json_body_cut_by_a_closed_connection_is_retried_then_a_connection_error(
    oci: OCIProvider, proxy: WireProxy, api: str
) -> None:
    error = await fails(oci, proxy, api, cut(0.5), stream=False)
    assert type(error) is openai.APIConnectionError
    assert len(proxy.seen) == ATTEMPTS


@pytest.mark.parametrize("api", sorted(MODELS))
@pytest.mark.parametrize("reset", [False, True], ids=["closed", "reset"])
async def test_a_stream_lost_mid_way_is_a_connection_error(
    oci: OCIProvider, proxy: WireProxy, api: str, reset: bool
) -> None:
    error = await fails(oci, proxy, api, cut(0.5, reset=reset), stream=True)
    assert type(error) is openai.APIConnectionError
    assert "lost mid-stream" in str(error) and "incomplete" in str(error)


# -- defect 3: a signing client never follows a redirect


@pytest.mark.parametrize("api", sorted(MODELS))
@pytest.mark.parametrize("status", [302, 307, 308])
async def test_a_redirect_is_refused_with_its_location(
    emu: OCIEmulator, oci: OCIProvider, proxy: WireProxy, api: str, status: int
) -> None:
    # Same origin: the case that used to be followed silently, freshly signed.
    target = proxy.url("/elsewhere")
    error = await fails(oci, proxy, api, redirect(target, status), stream=False)
    assert isinstance(error, RedirectRefusedError) and isinstance(error, openai.APIStatusError)
    assert error.status_code == status and error.location == target and target in str(error)
    assert "base_url" in str(error)
    assert len(proxy.seen) == 1 and not any(b"/elsewhere" in line for line in proxy.seen)
    assert len(emu.journal.entries) == 1
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is RedirectRefusedError and copy.location == target


async def test_a_native_stream_event_that_is_not_json_is_a_typed_error(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.queue_raw(RawEvents(events=({"apiFormat": "COHERE", "text": "Hel"}, "<html>gateway</html>")))
    with pytest.raises(UnexpectedResponseError) as caught:
        await run(oci, MODELS["native"], stream=True)
    assert "not JSON" in str(caught.value) and "<html>gateway" in str(caught.value)
    await oci.aclose()
