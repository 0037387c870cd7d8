"""The emulator driven by the real ``openai`` SDK: parsed objects come back.

Bearer keys give the simplest unsigned path. The signed path uses an HTTP
``Auth`` written here that calls the ``oci`` SDK's own signer, both in process
(ASGI transport, real OCI host name) and over a real socket.
"""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from agents import Agent, ModelSettings, RunConfig, Runner, function_tool
from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
from agents.models.openai_responses import OpenAIResponsesModel
from conftest import HTTP, SdkSignerAuth

from agents_oci.testing import OCIEmulator, RawEvents, Reply, ToolCall

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def bearer_client(emu: OCIEmulator, key: str) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        base_url=emu.base_url, api_key=key, project=emu.project_id, max_retries=0
    )


def signed_client(
    emu: OCIEmulator, signer: Any, *, in_process: bool, compartment: bool = True
) -> openai.AsyncOpenAI:
    transport = HTTP.ASGITransport(app=emu.app) if in_process else None
    http_client = HTTP.AsyncClient(
        transport=transport,
        auth=SdkSignerAuth(signer),
        headers={"opc-compartment-id": emu.compartment_id} if compartment else {},
    )
    return openai.AsyncOpenAI(
        base_url=emu.inprocess_base_url if in_process else emu.base_url,
        api_key="unused-the-request-is-signed",
        project=emu.project_id,
        http_client=http_client,
        max_retries=0,
    )


# --- chat completions --------------------------------------------------------------


async def test_chat_json(emu: OCIEmulator, bearer_key: str) -> None:
    emu.queue_text("Hello from OCI")
    client = bearer_client(emu, bearer_key)
    raw = await client.chat.completions.with_raw_response.create(
        model="openai.gpt-4.1", messages=[{"role": "user", "content": "hi"}]
    )
    completion = raw.parse()
    assert completion.choices[0].message.content == "Hello from OCI"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == "openai.gpt-4.1"
    assert completion.usage is not None and completion.usage.total_tokens > 0
    # OCI sends opc-request-id only: a plain openai client's `_request_id` is None.
    assert "x-request-id" not in raw.headers and completion._request_id is None
    assert emu.journal.last.request_id == raw.headers["opc-request-id"]


async def test_chat_stream_with_usage(emu: OCIEmulator, bearer_key: str) -> None:
    emu.queue_text("a fairly long answer that is cut into several deltas")
    stream = await bearer_client(emu, bearer_key).chat.completions.create(
        model="openai.gpt-4.1",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "a fairly long answer that is cut into several deltas"
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) > 2
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert emu.journal.last.streamed and emu.journal.last.completed


async def test_chat_tool_call_json_and_stream(emu: OCIEmulator, bearer_key: str) -> None:
    client = bearer_client(emu, bearer_key)
    messages: Any = [{"role": "user", "content": "weather in Paris?"}]
    emu.queue_tool_call("get_weather", {"city": "Paris"}, call_id="call_1")
    completion = await client.chat.completions.create(
        model="openai.gpt-4.1",
        messages=messages,
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    )
    (call,) = completion.choices[0].message.tool_calls or []
    assert call.id == "call_1" and call.function.name == "get_weather"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"city": "Paris"}  # type: ignore[union-attr]
    assert completion.choices[0].finish_reason == "tool_calls"

    emu.queue_tool_call("get_weather", {"city": "Oslo"})
    stream = await client.chat.completions.create(
        model="openai.gpt-4.1",
        messages=messages,
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
        stream=True,
    )
    arguments, names = "", []
    async for chunk in stream:
        for delta in chunk.choices[0].delta.tool_calls or [] if chunk.choices else []:
            names += [delta.function.name] if delta.function and delta.function.name else []
            arguments += delta.function.arguments or "" if delta.function else ""
    assert names == ["get_weather"] and json.loads(arguments) == {"city": "Oslo"}


async def test_default_responder_answers_after_the_tool(emu: OCIEmulator, bearer_key: str) -> None:
    client = bearer_client(emu, bearer_key)
    messages: Any = [{"role": "user", "content": "What is the weather in Paris?"}]
    first = await client.chat.completions.create(
        model="openai.gpt-4.1",
        messages=messages,
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    )
    (call,) = first.choices[0].message.tool_calls or []
    messages += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "Sunny, 21C"},
    ]
    second = await client.chat.completions.create(
        model="openai.gpt-4.1",
        messages=messages,
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    )
    assert "Sunny, 21C" in (second.choices[0].message.content or "")


# --- Responses ---------------------------------------------------------------------


async def test_responses_json_and_continuation(emu: OCIEmulator, bearer_key: str) -> None:
    client = bearer_client(emu, bearer_key)
    emu.queue_tool_call("get_weather", {"city": "Rome"})
    first = await client.responses.create(
        model="openai.gpt-5.5",
        input="weather in Rome?",
        tools=[{"type": "function", "name": "get_weather", "parameters": {}, "strict": False}],
    )
    (call,) = [item for item in first.output if item.type == "function_call"]
    assert call.name == "get_weather" and json.loads(call.arguments) == {"city": "Rome"}
    second = await client.responses.create(
        model="openai.gpt-5.5",
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "Rainy"}],
    )
    assert "Rainy" in second.output_text
    fetched = await client.responses.retrieve(second.id)
    assert fetched.id == second.id and fetched.output_text == second.output_text


async def test_responses_stream(emu: OCIEmulator, bearer_key: str) -> None:
    emu.queue_reply(
        Reply(
            text="streamed words arrive one by one", tool_calls=(ToolCall("lookup", '{"q": "x"}'),)
        )
    )
    client = bearer_client(emu, bearer_key)
    async with client.responses.stream(model="openai.gpt-5.5", input="go") as stream:
        types = [event.type async for event in stream]
        final = await stream.get_final_response()
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert "response.output_text.delta" in types
    assert "response.function_call_arguments.delta" in types
    assert final.output_text == "streamed words arrive one by one"
    assert [item.type for item in final.output] == ["message", "function_call"]


async def test_raw_events_are_sent_verbatim(emu: OCIEmulator, bearer_key: str) -> None:
    chunk = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "raw!"}, "finish_reason": None}],
    }
    emu.queue_raw(RawEvents(events=(chunk, "[DONE]")))
    stream = await bearer_client(emu, bearer_key).chat.completions.create(
        model="openai.gpt-4.1", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    assert [c.choices[0].delta.content async for c in stream] == ["raw!"]


# --- signed with the oci SDK's signers -------------------------------------------------


@pytest.mark.parametrize("in_process", [True, False], ids=["asgi", "socket"])
async def test_signed_chat_and_stream(emu: OCIEmulator, in_process: bool) -> None:
    client = signed_client(emu, emu.credentials.api_key_signer(), in_process=in_process)
    completion = await client.chat.completions.create(
        model="openai.gpt-4.1", messages=[{"role": "user", "content": "signed hello"}]
    )
    assert completion.choices[0].message.content == "You said: signed hello"
    stream = await client.responses.create(model="openai.gpt-5.5", input="more", stream=True)
    assert [e.type async for e in stream][-1] == "response.completed"
    for entry in emu.journal.entries:
        assert entry.principal == f"api_key:{emu.credentials.user_id}", entry.auth_error
    host = emu.journal.last.headers["host"]
    assert host == (
        "inference.generativeai.us-chicago-1.oci.oraclecloud.com"
        if in_process
        else f"127.0.0.1:{emu.port}"
    )


async def test_signed_by_a_fake_instance_principal(emu: OCIEmulator) -> None:
    signer = emu.credentials.instance_principal_signer()
    client = signed_client(emu, signer, in_process=True)
    response = await client.responses.create(model="openai.gpt-5.5", input="hi")
    assert response.output_text == "You said: hi"
    assert emu.journal.last.principal == f"session:{signer.federation_client.subject}"


async def test_signed_without_compartment_is_refused(emu: OCIEmulator) -> None:
    signer = emu.credentials.session_token_signer()
    client = signed_client(emu, signer, in_process=True, compartment=False)
    with pytest.raises(openai.BadRequestError) as caught:
        await client.chat.completions.create(
            model="openai.gpt-4.1", messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 400
    assert caught.value.body == {
        "code": "MissingParameter",
        "message": "Missing compartment: IAM-signed requests must send the opc-compartment-id "
        "header with a compartment OCID.",
    }


# --- an agent loop through the Agents SDK -----------------------------------------------


@function_tool
def get_weather(city: str) -> str:
    """Weather for a city."""
    return f"Sunny in {city}"


@pytest.mark.parametrize("api", ["chat", "responses"])
async def test_agent_runs_a_tool_loop(emu: OCIEmulator, bearer_key: str, api: str) -> None:
    client = bearer_client(emu, bearer_key)
    model = (
        OpenAIChatCompletionsModel("openai.gpt-4.1", client)
        if api == "chat"
        else OpenAIResponsesModel("openai.gpt-5.5", client)
    )
    agent = Agent(
        name="weather",
        instructions="Be brief.",
        tools=[get_weather],
        model=model,
        # OCI refuses `store` on chat completions (the OCI model drops store=False).
        model_settings=ModelSettings(store=False if api == "responses" else None),
    )
    result = await Runner.run(
        agent, "What is the weather in 'Lima'?", run_config=RunConfig(tracing_disabled=True)
    )
    assert "Sunny in Lima" in str(result.final_output)
    assert len(emu.journal.entries) == 2
