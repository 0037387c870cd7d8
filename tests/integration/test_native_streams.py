"""Native streams in every shape we know of, read by OCINativeModel under the real Runner.

GENERIC, recorded (the service, as other OCI integrations recorded it): a
call's id and name on its first event only, bare ``{"type": "FUNCTION",
"arguments"}`` pieces after it, the next call starting with its own id,
``pad`` on every event, a finish event with ``finishReason`` and the whole
message, ``data: [DONE]``. GENERIC, whole: every piece carries index and id
(the emulator's older shape). COHERE: text deltas, tool calls whole in one
or several events, a final event repeating everything.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from agents import Agent, RunConfig, Runner, function_tool

from agents_oci import OCINativeModel
from agents_oci.testing import OCIEmulator, RawEvents, Reply, ToolCall

from .conftest import auth_for

LLAMA = "meta.llama-3.3-70b-instruct"
COHERE = "cohere.command-r-plus-08-2024"
CALLED: list[str] = []


@function_tool
def get_weather(city: str) -> str:
    """Report the weather in a city."""
    CALLED.append(f"weather:{city}")
    return f"Sunny in {city}"


@function_tool
def get_time(zone: str) -> str:
    """Report the time in a zone."""
    CALLED.append(f"time:{zone}")
    return f"12:00 {zone}"


def model(emu: OCIEmulator, name: str) -> OCINativeModel:
    return OCINativeModel(name, **auth_for(emu, "api_key").keywords)


async def run_streamed(emu: OCIEmulator, name: str, text: str = "go") -> Any:
    CALLED.clear()
    native = model(emu, name)
    agent = Agent(name="a", instructions="Use the tools.", model=native,
                  tools=[get_weather, get_time])
    result = Runner.run_streamed(agent, text, run_config=RunConfig(tracing_disabled=True))
    async for _ in result.stream_events():
        pass
    await native.close()
    return result


TWO_CALLS = Reply(tool_calls=(
    ToolCall("get_weather", json.dumps({"city": "Paris"}), "call_a"),
    ToolCall("get_time", json.dumps({"zone": "CET"}), "call_b"),
))


def second_request_calls(emu: OCIEmulator) -> list[dict[str, Any]]:
    """The assistant tool calls the run sent back to OCI on its second request."""
    body = emu.journal.entries[1].body
    messages = body["chatRequest"]["messages"]
    return [call for m in messages for call in m.get("toolCalls") or []]


@pytest.mark.parametrize("shape", ["recorded", "whole"])
async def test_parallel_generic_tool_calls_each_run(emu: OCIEmulator, shape: str) -> None:
    emu.rules.generic_stream = shape  # type: ignore[assignment]
    emu.queue_reply(TWO_CALLS, Reply(text="Paris is sunny; it is noon."))
    result = await run_streamed(emu, LLAMA)
    assert CALLED == ["weather:Paris", "time:CET"]
    assert result.final_output == "Paris is sunny; it is noon."
    sent = second_request_calls(emu)
    assert [json.loads(c["arguments"]) for c in sent] == [{"city": "Paris"}, {"zone": "CET"}]


async def test_recorded_generic_lines_verbatim(emu: OCIEmulator) -> None:
    """Raw events in the recorded shape, pieces split mid-JSON, as the service sends them."""
    def piece(call: dict[str, Any], pad: str = "xyz") -> dict[str, Any]:
        return {"index": 0, "message": {"role": "ASSISTANT", "toolCalls": [call]}, "pad": pad}

    events: list[Any] = [
        piece({"type": "FUNCTION", "id": "call_1", "name": "get_weather", "arguments": ""}),
        piece({"type": "FUNCTION", "arguments": '{"city": '}),
        piece({"type": "FUNCTION", "arguments": '"Paris"}'}),
        piece({"type": "FUNCTION", "id": "call_2", "name": "get_time", "arguments": '{"zo'}),
        piece({"type": "FUNCTION", "arguments": 'ne": "CET"}'}),
        {"index": 0, "finishReason": "tool_calls", "pad": "ab", "message": {
            "role": "ASSISTANT", "toolCalls": [
                {"type": "FUNCTION", "id": "call_1", "name": "get_weather",
                 "arguments": '{"city": "Paris"}'},
                {"type": "FUNCTION", "id": "call_2", "name": "get_time",
                 "arguments": '{"zone": "CET"}'}]}},
        "[DONE]",
    ]
    emu.queue_raw(RawEvents(events))
    emu.queue_text("done")
    result = await run_streamed(emu, LLAMA)
    assert CALLED == ["weather:Paris", "time:CET"]
    assert result.final_output == "done"
    assert [c["id"] for c in second_request_calls(emu)] == ["call_1", "call_2"]


async def test_generic_finish_event_does_not_repeat_text(emu: OCIEmulator) -> None:
    emu.queue_text("Hello there, traveller")
    result = await run_streamed(emu, LLAMA, "hi")
    assert result.final_output == "Hello there, traveller"


async def test_cohere_tool_calls_in_several_events(emu: OCIEmulator) -> None:
    weather = {"name": "get_weather", "parameters": {"city": "Paris"}}
    time = {"name": "get_time", "parameters": {"zone": "CET"}}
    emu.queue_raw(RawEvents([
        {"apiFormat": "COHERE", "toolCalls": [weather]},
        {"apiFormat": "COHERE", "toolCalls": [time]},
        {"apiFormat": "COHERE", "text": "", "finishReason": "COMPLETE",
         "toolCalls": [weather, time]},
    ]))
    emu.queue_text("both done")
    result = await run_streamed(emu, COHERE)
    assert CALLED == ["weather:Paris", "time:CET"]
    assert result.final_output == "both done"


async def test_cohere_parallel_calls_in_one_event(emu: OCIEmulator) -> None:
    emu.queue_reply(TWO_CALLS, Reply(text="ok"))
    result = await run_streamed(emu, COHERE)
    assert CALLED == ["weather:Paris", "time:CET"] and result.final_output == "ok"


@pytest.mark.parametrize("name", [LLAMA, COHERE])
async def test_non_ascii_text_survives_both_formats(emu: OCIEmulator, name: str) -> None:
    text = "Zürich: 20°C, café ☕, 東京"
    emu.queue_text(text)
    result = await run_streamed(emu, name, "hi")
    assert result.final_output == text


COMMAND_A = "cohere.command-a-03-2025"


@pytest.mark.parametrize("streamed", [False, True])
async def test_coherev2_runs_parallel_tools_with_their_ids(emu: OCIEmulator, streamed: bool) -> None:
    emu.queue_reply(TWO_CALLS, Reply(text="Grüße: both done"))
    CALLED.clear()
    native = OCINativeModel(COMMAND_A, api_format="COHEREV2", **auth_for(emu, "api_key").keywords)
    agent = Agent(name="a", instructions="Use the tools.", model=native, tools=[get_weather, get_time])
    config = RunConfig(tracing_disabled=True)
    if streamed:
        result: Any = Runner.run_streamed(agent, "go", run_config=config)
        async for _ in result.stream_events():
            pass
    else:
        result = await Runner.run(agent, "go", run_config=config)
    await native.close()
    assert CALLED == ["weather:Paris", "time:CET"]
    assert result.final_output == "Grüße: both done"
    first, second = (e.body["chatRequest"] for e in emu.journal.entries)
    assert first["apiFormat"] == second["apiFormat"] == "COHEREV2"
    assert first["tools"][0] == {"type": "FUNCTION", "function": {
        "name": "get_weather", "description": "Report the weather in a city.",
        "parameters": first["tools"][0]["function"]["parameters"]}}
    assistant = next(m for m in second["messages"] if m.get("toolCalls"))
    assert [c["id"] for c in assistant["toolCalls"]] == ["call_a", "call_b"]
    results = [m for m in second["messages"] if m["role"] == "TOOL"]
    assert [m["toolCallId"] for m in results] == ["call_a", "call_b"]


def test_unknown_api_format_names_the_three() -> None:
    from agents_oci.errors import InvalidConfigValueError

    with pytest.raises(InvalidConfigValueError, match="COHEREV2"):
        OCINativeModel(COMMAND_A, api_format="COHERE3", compartment_id="ocid1.tenancy.oc1..aa",  # type: ignore[arg-type]
                       api_key="sk-x", base_url="http://127.0.0.1:9")
