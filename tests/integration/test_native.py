"""OCI's native chat API: Cohere R-series and dedicated endpoints behind the same agents."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from agents import Agent, ModelSettings, RunConfig, Runner, function_tool
from openai.types.responses import ResponseTextDeltaEvent
from pydantic import BaseModel

from agents_oci import (
    AuthenticationFailedError,
    NotAuthorizedOrNotFoundError,
    OCIChatCompletionsModel,
    OCINativeModel,
    OCIProvider,
)
from agents_oci.testing import OCIEmulator

from .conftest import auth_for

COHERE = "cohere.command-r-plus-08-2024"
LLAMA = "meta.llama-3.3-70b-instruct"


@function_tool
def get_weather(city: str) -> str:
    """Report the weather in a city."""
    return f"Sunny and 21C in {city}"


class Report(BaseModel):
    city: str
    temperature_c: int


def weather_agent(model: Any) -> Agent[Any]:
    return Agent(name="Weather agent", instructions="Use get_weather.", model=model, tools=[get_weather],
                 model_settings=ModelSettings(temperature=0.3, max_tokens=200))


def native_bodies(emu: OCIEmulator) -> list[dict[str, Any]]:
    entries = emu.journal.entries
    for entry in entries:
        assert entry.path == "/20231130/actions/chat" and entry.status == 200, (entry.path, entry.status)
        assert entry.auth_error is None and entry.principal is not None
    return [e.body for e in entries]


@pytest.fixture(params=["cohere", "generic", "cohere-dedicated", "generic-dedicated"])
def target(request: pytest.FixtureRequest, emu: OCIEmulator) -> tuple[str, str, Any]:
    """(format, serving type, model name for the provider or a model object)."""
    kind = str(request.param)
    if kind == "cohere":
        return "COHERE", "ON_DEMAND", COHERE
    if kind == "generic":
        return "GENERIC", "ON_DEMAND", f"native:{LLAMA}"
    if kind == "cohere-dedicated":
        return "COHERE", "DEDICATED", emu.add_dedicated_endpoint(COHERE)
    endpoint = emu.add_dedicated_endpoint(LLAMA)
    return "GENERIC", "DEDICATED", OCINativeModel(endpoint, api_format="GENERIC", **auth_for(emu, "api_key").keywords)


async def test_tool_round_trip(emu: OCIEmulator, target: tuple[str, str, Any]) -> None:
    api_format, serving, model = target
    oci = OCIProvider(**auth_for(emu, "session").keywords)
    result = await Runner.run(weather_agent(model), "Use get_weather for Lima", run_config=RunConfig(model_provider=oci))
    assert "Sunny and 21C in Lima" in result.final_output
    bodies = native_bodies(emu)
    assert len(bodies) == 2
    for body in bodies:
        assert body["chatRequest"]["apiFormat"] == api_format
        assert body["servingMode"]["servingType"] == serving
        assert body["compartmentId"] == emu.compartment_id
        assert body["chatRequest"]["temperature"] == 0.3 and body["chatRequest"]["maxTokens"] == 200
    second = bodies[1]["chatRequest"]
    assert "Sunny and 21C in Lima" in str(second.get("toolResults") or second.get("messages"))
    await oci.aclose()


async def test_streaming_token_by_token_with_usage(emu: OCIEmulator, target: tuple[str, str, Any]) -> None:
    _, _, model = target
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    run = Runner.run_streamed(weather_agent(model), "Use get_weather for Quito", run_config=RunConfig(model_provider=oci))
    deltas = [e.data.delta async for e in run.stream_events()
              if e.type == "raw_response_event" and isinstance(e.data, ResponseTextDeltaEvent)]
    assert "Sunny and 21C in Quito" in run.final_output
    assert len(deltas) > 3 and "".join(deltas) == run.final_output
    assert run.context_wrapper.usage.total_tokens > 0
    assert all(e.streamed for e in emu.journal.entries)
    native_bodies(emu)
    await oci.aclose()


@pytest.mark.parametrize("model", [COHERE, f"native:{LLAMA}"])
async def test_handoff(emu: OCIEmulator, model: str) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    triage = Agent(name="Triage agent", model=model, handoffs=[weather_agent(model)])
    result = await Runner.run(triage, "Please transfer me to the weather agent about Oslo",
                              run_config=RunConfig(model_provider=oci))
    assert result.last_agent.name == "Weather agent" and "Sunny and 21C in" in result.final_output
    native_bodies(emu)
    await oci.aclose()


@pytest.mark.parametrize("model", [COHERE, f"native:{LLAMA}"])
async def test_structured_output(emu: OCIEmulator, model: str) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    agent = Agent(name="Reporter", model=model, output_type=Report)
    result = await Runner.run(agent, "Weather report for Lima", run_config=RunConfig(model_provider=oci))
    assert isinstance(result.final_output, Report)
    (body,) = native_bodies(emu)
    expected = "JSON_OBJECT" if model == COHERE else "JSON_SCHEMA"
    assert body["chatRequest"]["responseFormat"]["type"] == expected
    await oci.aclose()


def test_provider_routes_native_names(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    endpoint = emu.add_dedicated_endpoint(COHERE)
    for name in (COHERE, "cohere.command-r-16k", endpoint, f"native:{LLAMA}"):
        assert isinstance(oci.get_model(name), OCINativeModel), name
    assert isinstance(oci.get_model("cohere.command-a-03-2025"), OCIChatCompletionsModel)
    assert oci.get_model(f"native:{LLAMA}").api_format == "GENERIC"  # type: ignore[attr-defined]
    assert oci.get_model(endpoint).api_format == "COHERE"  # type: ignore[attr-defined]


async def test_native_errors_are_typed(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    with pytest.raises(NotAuthorizedOrNotFoundError) as caught:
        await Runner.run(Agent(name="a", model="cohere.command-r-imaginary"), "hi", run_config=RunConfig(model_provider=oci))
    assert "cohere.command-r-imaginary" in caught.value.hint
    assert caught.value.opc_request_id == emu.journal.last.request_id
    emu.faults.fail_next(2, status=401, body={"code": "NotAuthenticated", "message": "no"})
    with pytest.raises(AuthenticationFailedError):
        await Runner.run(Agent(name="a", model=COHERE), "hi", run_config=RunConfig(model_provider=oci))
    assert [e.status for e in emu.journal.entries][-1] == 401
    await oci.aclose()


async def test_native_retries_429_then_succeeds(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.faults.fail_next(1, status=429, headers={"retry-after": "0.1"})
    result = await Runner.run(Agent(name="a", model=COHERE), "patience", run_config=RunConfig(model_provider=oci))
    assert "patience" in result.final_output
    assert [e.status for e in emu.journal.entries] == [429, 200]
    await oci.aclose()


async def test_session_token_401_is_refreshed_on_the_native_route_too(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "session").keywords)
    emu.credentials.revoke_tokens()
    emu.credentials.rotate_session_token()
    result = await Runner.run(Agent(name="a", model=COHERE), "again", run_config=RunConfig(model_provider=oci))
    assert "again" in result.final_output
    assert [e.status for e in emu.journal.entries] == [401, 200]
    await oci.aclose()


def test_native_model_pickles_its_keywords(emu: OCIEmulator) -> None:
    model = OCINativeModel(COHERE, **auth_for(emu, "encrypted").keywords)
    data = pickle.dumps(model)
    assert emu.credentials.pass_phrase.encode() not in data
    copy = pickle.loads(data)
    assert isinstance(copy, OCINativeModel) and copy.model == COHERE and copy.api_format == "COHERE"


@pytest.mark.parametrize("stream", [False, True])
async def test_two_identical_cohere_tool_calls_run_twice(emu: OCIEmulator, stream: bool) -> None:
    from agents_oci.testing import Reply, ToolCall

    rolls: list[int] = []

    @function_tool
    def roll_die() -> int:
        """Roll a die."""
        rolls.append(4)
        return 4

    emu.queue_reply(Reply(tool_calls=(ToolCall("roll_die", "{}"), ToolCall("roll_die", "{}"))))
    emu.queue_text("You rolled 4 and 4.")
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    agent = Agent(name="dice", model=COHERE, tools=[roll_die])
    if stream:
        run = Runner.run_streamed(agent, "roll twice", run_config=RunConfig(model_provider=oci))
        async for _ in run.stream_events():
            pass
    else:
        await Runner.run(agent, "roll twice", run_config=RunConfig(model_provider=oci))
    assert rolls == [4, 4]
    await oci.aclose()


def test_provider_pickle_keeps_the_native_api_format(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords, native_api_format="GENERIC")
    endpoint = emu.add_dedicated_endpoint(LLAMA)
    copy = pickle.loads(pickle.dumps(oci))
    assert copy.get_model(endpoint).api_format == "GENERIC"  # type: ignore[attr-defined]


async def test_unreadable_retry_after_falls_back_to_backoff(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.faults.fail_next(1, status=503, headers={"retry-after": "soon"})
    result = await Runner.run(Agent(name="a", model=COHERE), "later", run_config=RunConfig(model_provider=oci))
    assert "later" in result.final_output
    assert [e.status for e in emu.journal.entries] == [503, 200]
    await oci.aclose()


async def test_unreachable_native_endpoint_is_an_openai_connection_error() -> None:
    import openai

    from agents_oci.testing import OCIEmulator as Emulator

    with Emulator() as gone:
        config, url = gone.config_file, gone.base_url
        model = OCINativeModel(COHERE, config_file=config, base_url=url)
    # The emulator has stopped: nothing listens on that port any more.
    with pytest.raises(openai.APIConnectionError):
        await Runner.run(Agent(name="a", model=model), "hello?")
