"""The real Agents SDK Runner, every auth mode, both transports, three ways to run."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from agents import Agent, ModelSettings, RunConfig, Runner, function_tool
from openai.types.responses import ResponseTextDeltaEvent
from pydantic import BaseModel

from agents_oci import OCIProvider
from agents_oci.testing import OCIEmulator

from .conftest import AUTH_KINDS, TRANSPORTS, assert_all_verified, auth_for

PATHS = {"chat": "/chat/completions", "responses": "/responses"}


@function_tool
def get_weather(city: str) -> str:
    """Report the weather in a city."""
    return f"Sunny and 21C in {city}"


class WeatherReport(BaseModel):
    city: str
    temperature_c: int


def weather_agent(model: str) -> Agent[Any]:
    return Agent(
        name="Weather agent",
        instructions="Answer weather questions with the get_weather tool.",
        model=model,
        tools=[get_weather],
        model_settings=ModelSettings(include_usage=True),
    )


def provider(emu: OCIEmulator, auth: str) -> OCIProvider:
    return OCIProvider(**auth_for(emu, auth).keywords)


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
@pytest.mark.parametrize("auth", AUTH_KINDS)
async def test_multi_turn_tool_round_trip(emu: OCIEmulator, auth: str, transport: str) -> None:
    oci = provider(emu, auth)
    agent = weather_agent(TRANSPORTS[transport])
    config = RunConfig(model_provider=oci)

    first = await Runner.run(agent, "Use get_weather for Paris", run_config=config)
    assert "Sunny and 21C in Paris" in first.final_output
    follow_up = [*first.to_input_list(), {"role": "user", "content": "And use get_weather for Oslo"}]
    second = await Runner.run(agent, follow_up, run_config=config)
    assert "Sunny and 21C in Oslo" in second.final_output

    assert_all_verified(emu, path=PATHS[transport], count=4)
    tool_turn = emu.journal.entries[1].body
    # The tool result went back to the model on the wire.
    assert "Sunny and 21C in Paris" in str(tool_turn)
    await oci.aclose()


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
@pytest.mark.parametrize("auth", AUTH_KINDS)
async def test_streamed_run_yields_text_token_by_token(
    emu: OCIEmulator, auth: str, transport: str
) -> None:
    oci = provider(emu, auth)
    agent = weather_agent(TRANSPORTS[transport])
    result = Runner.run_streamed(agent, "Use get_weather for Rome", run_config=RunConfig(model_provider=oci))
    deltas: list[str] = []
    async for event in result.stream_events():
        if event.type == "raw_response_event" and isinstance(event.data, ResponseTextDeltaEvent):
            deltas.append(event.data.delta)
    assert "Sunny and 21C in Rome" in result.final_output
    assert len(deltas) > 3, deltas  # several pieces, not one blob
    assert "".join(deltas) == result.final_output
    usage = result.context_wrapper.usage
    assert usage.requests == 2 and usage.input_tokens > 0 and usage.output_tokens > 0
    assert all(entry.streamed for entry in emu.journal.entries)
    assert_all_verified(emu, path=PATHS[transport], count=2)
    await oci.aclose()


def scenario_agent(scenario: str, model: str) -> tuple[Agent[Any], str]:
    """An agent and a prompt for one of the three things every run mode must do."""
    if scenario == "tools":
        return weather_agent(model), "Use get_weather for Lima"
    if scenario == "handoff":
        triage = Agent(
            name="Triage agent",
            instructions="Hand weather questions to the weather agent.",
            model=model,
            handoffs=[weather_agent(model)],
        )
        return triage, "Please transfer me to the weather agent about Lima"
    reporter = Agent(
        name="Reporter", instructions="Report as JSON.", model=model, output_type=WeatherReport
    )
    return reporter, "Weather report for Lima"


def run_in_mode(mode: str, agent: Agent[Any], prompt: str, config: RunConfig) -> Any:
    if mode == "sync":
        return Runner.run_sync(agent, prompt, run_config=config)
    if mode == "run":
        return asyncio.run(Runner.run(agent, prompt, run_config=config))

    async def streamed() -> Any:
        result = Runner.run_streamed(agent, prompt, run_config=config)
        async for _ in result.stream_events():
            pass
        return result

    return asyncio.run(streamed())


@pytest.mark.parametrize("mode", ["run", "streamed", "sync"])
@pytest.mark.parametrize("scenario", ["tools", "handoff", "structured"])
@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_every_scenario_in_every_run_mode(
    emu: OCIEmulator, auth: str, transport: str, scenario: str, mode: str
) -> None:
    oci = provider(emu, auth)
    agent, prompt = scenario_agent(scenario, TRANSPORTS[transport])
    result = run_in_mode(mode, agent, prompt, RunConfig(model_provider=oci))
    if scenario == "structured":
        assert isinstance(result.final_output, WeatherReport)
    else:
        assert "Sunny and 21C in Lima" in result.final_output
    if scenario == "handoff":
        assert result.last_agent.name == "Weather agent"
        tools = emu.journal.entries[0].body["tools"]
        names = [t.get("name") or t.get("function", {}).get("name") for t in tools]
        assert "transfer_to_weather_agent" in names
    assert_all_verified(emu, path=PATHS[transport])
    assert all(e.streamed == (mode == "streamed") for e in emu.journal.entries)
    asyncio.run(oci.aclose())


async def test_passphrase_protected_key(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "encrypted").keywords)
    result = await Runner.run(
        weather_agent(TRANSPORTS["chat"]), "Use get_weather for Quito", run_config=RunConfig(model_provider=oci)
    )
    assert "Quito" in result.final_output
    assert_all_verified(emu, path="/chat/completions", count=2)
    assert all(e.principal and e.principal.startswith("api_key:") for e in emu.journal.entries)
    await oci.aclose()
