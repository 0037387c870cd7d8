"""Wire formats: what the openai SDK parses and the Agents SDK consumes.

Every body and event is validated by the openai SDK's own pydantic types;
streams are reassembled (by the SDK's stream accumulators and by hand) and
must agree with the JSON body. The last section drives the Agents SDK
Runner through a real ``openai.AsyncOpenAI`` client whose HTTP transport
calls the responder and the wire functions directly (no server), on both
APIs, JSON and streaming: tool loops, handoffs, structured output and
``previous_response_id`` continuation all terminate with the expected output.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
from agents import (
    Agent,
    ModelSettings,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    RunConfig,
    Runner,
    function_tool,
)
from agents.models.chatcmpl_stream_handler import ChatCmplStreamHandler
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import BaseModel, TypeAdapter

from agents_oci.testing.replies import Message, Reply, ToolCall, Usage
from agents_oci.testing.responder import (
    default_responder,
    estimate_usage,
    stored_conversation,
)
from agents_oci.testing.responses_wire import response_body, response_events
from agents_oci.testing.turns import chat_turn, responses_turn
from agents_oci.testing.wire import (
    argument_deltas,
    chat_completion_body,
    chat_completion_chunks,
    fill_call_ids,
    text_deltas,
)

if int(openai.__version__.split(".")[0]) >= 3:
    import httpx2 as http
else:  # openai 2.x (openai-agents <= 0.20) is built on httpx
    import httpx as http  # type: ignore[no-redef]

USAGE = Usage(input_tokens=12, output_tokens=5)
EVENTS: TypeAdapter[Any] = TypeAdapter(ResponseStreamEvent)
REQUEST = {
    "model": "openai.gpt-5",
    "instructions": "Be brief.",
    "input": "hi",
    "tools": [
        {
            "type": "function",
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {}},
            "strict": True,
        }
    ],
    "text": {"format": {"type": "json_schema", "name": "final_output", "schema": {}}},
    "store": False,
    "previous_response_id": "resp_0",
    "parallel_tool_calls": False,
    "temperature": 0.2,
    "tool_choice": {"type": "function", "name": "get_weather"},
    "conversation": "conv_1",
}

REPLIES = {
    "text": Reply(text="Hello there, this is a streamed answer."),
    "tool": Reply(tool_calls=(ToolCall("get_weather", '{"city": "Paris, France"}'),)),
    "text+tools": Reply(
        text="Checking both.",
        tool_calls=(
            ToolCall("get_weather", '{"city": "Paris"}', call_id="call_given"),
            ToolCall("get_time", "{}"),
        ),
    ),
    "empty": Reply(),
    "unicode+long": Reply(text="Ünïcødé 東京 " + "x" * 40 + "\n  end "),
}


def chat_body(reply: Reply) -> dict[str, Any]:
    return chat_completion_body(
        reply, model="m", completion_id="chatcmpl-1", created=1, usage=USAGE
    )


def chat_chunks(reply: Reply, include_usage: bool = True) -> list[dict[str, Any]]:
    return chat_completion_chunks(
        reply,
        model="m",
        completion_id="chatcmpl-1",
        created=1,
        usage=USAGE,
        include_usage=include_usage,
    )


def resp_body(reply: Reply, request: dict[str, Any] = REQUEST) -> dict[str, Any]:
    return response_body(
        reply, model="m", response_id="resp_1", created=1, usage=USAGE, request=request
    )


def resp_events(reply: Reply, request: dict[str, Any] = REQUEST) -> list[dict[str, Any]]:
    return response_events(
        reply, model="m", response_id="resp_1", created=1, usage=USAGE, request=request
    )


# --- pieces and ids ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "a", "two words", "  lead and trail  ", "x" * 50, "a\nb"])
def test_text_deltas_reassemble(text: str) -> None:
    pieces = text_deltas(text)
    assert "".join(pieces) == text
    assert all(pieces) and all(len(p) <= 16 for p in pieces)


def test_words_stream_as_several_deltas() -> None:
    assert text_deltas("You said: hi there") == ["You ", "said: ", "hi ", "there"]
    assert "".join(argument_deltas('{"city": "Paris, France"}')) == '{"city": "Paris, France"}'


def test_call_ids_are_deterministic_and_kept_when_given() -> None:
    reply = REPLIES["text+tools"]
    filled = fill_call_ids(reply, "resp_1")
    assert filled.tool_calls[0].call_id == "call_given"
    assert filled.tool_calls[1].call_id.startswith("call_")
    assert fill_call_ids(reply, "resp_1") == filled == fill_call_ids(filled, "other")
    assert fill_call_ids(reply, "resp_2").tool_calls[1].call_id != filled.tool_calls[1].call_id


# --- chat completions ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(REPLIES))
def test_chat_body_parses(name: str) -> None:
    reply = REPLIES[name]
    completion = ChatCompletion.model_validate(chat_body(reply))
    choice = completion.choices[0]
    assert choice.finish_reason == ("tool_calls" if reply.tool_calls else "stop")
    expected_content = reply.text if reply.text is not None else None if reply.tool_calls else ""
    assert choice.message.content == expected_content
    calls = choice.message.tool_calls or []
    assert [(c.function.name, c.function.arguments) for c in calls] == [  # type: ignore[union-attr]
        (c.name, c.arguments) for c in reply.tool_calls
    ]
    assert all(c.type == "function" and c.id.startswith("call_") for c in calls)
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.total_tokens) == (12, 17)


@pytest.mark.parametrize("name", list(REPLIES))
@pytest.mark.parametrize("include_usage", [True, False])
def test_chat_chunks_parse_and_reassemble_to_the_body(name: str, include_usage: bool) -> None:
    reply = REPLIES[name]
    chunks = [ChatCompletionChunk.model_validate(c) for c in chat_chunks(reply, include_usage)]
    state: ChatCompletionStreamState[Any] = ChatCompletionStreamState()
    for chunk in chunks:
        state.handle_chunk(chunk)
    streamed = state.get_final_completion().choices[0]
    body = ChatCompletion.model_validate(chat_body(reply)).choices[0]
    assert streamed.finish_reason == body.finish_reason
    assert (streamed.message.content or "") == (body.message.content or "")
    assert call_triples(streamed.message.tool_calls) == call_triples(body.message.tool_calls)
    assert chunks[0].choices[0].delta.role == "assistant"
    if include_usage:
        assert chunks[-1].choices == [] and chunks[-1].usage is not None
        assert chunks[-1].usage.completion_tokens == 5
        assert all(c.usage is None for c in chunks[:-1])
    else:
        assert all(c.usage is None for c in chunks)
    if reply.text and len(reply.text.split()) > 2:
        assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) > 2


def test_tool_call_deltas_start_with_id_type_and_name() -> None:
    chunks = chat_chunks(REPLIES["tool"])
    header = chunks[1]["choices"][0]["delta"]["tool_calls"][0]
    assert header["index"] == 0 and header["type"] == "function"
    assert header["id"].startswith("call_") and header["function"]["name"] == "get_weather"
    pieces = [c["choices"][0]["delta"]["tool_calls"][0] for c in chunks[2:-2]]
    assert len(pieces) > 1 and all(set(p) == {"index", "function"} for p in pieces)


def call_triples(calls: Any) -> list[tuple[str, str, str]]:
    return [(c.id, c.function.name, c.function.arguments) for c in calls or []]


async def _aiter(items: list[ChatCompletionChunk]) -> AsyncIterator[ChatCompletionChunk]:
    for item in items:
        yield item


@pytest.mark.parametrize("name", ["text", "tool", "text+tools"])
async def test_agents_chat_stream_handler_builds_the_same_output(name: str) -> None:
    reply = REPLIES[name]
    chunks = [ChatCompletionChunk.model_validate(c) for c in chat_chunks(reply)]
    shell = Response(
        id="x",
        created_at=0,
        model="m",
        object="response",
        output=[],
        tool_choice="auto",
        tools=[],
        parallel_tool_calls=False,
    )
    final = None
    async for event in ChatCmplStreamHandler.handle_stream(shell, _aiter(chunks)):  # type: ignore[arg-type]
        if event.type == "response.completed":
            final = event.response
    assert final is not None and final.usage is not None and final.usage.output_tokens == 5
    texts = [c.text for item in final.output if item.type == "message" for c in item.content]  # type: ignore[union-attr]
    calls = [(i.name, i.arguments, i.call_id) for i in final.output if i.type == "function_call"]
    assert "".join(texts) == (reply.text or "")
    assert calls == [
        (c.name, c.arguments, c.call_id) for c in fill_call_ids(reply, "chatcmpl-1").tool_calls
    ]


# --- Responses --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(REPLIES))
def test_response_body_parses_and_echoes_the_request(name: str) -> None:
    reply = REPLIES[name]
    response = Response.model_validate(resp_body(reply))
    assert response.status == "completed" and response.object == "response"
    assert response.instructions == "Be brief." and response.previous_response_id == "resp_0"
    assert response.parallel_tool_calls is False and response.temperature == 0.2
    assert [t.name for t in response.tools] == ["get_weather"]  # type: ignore[union-attr]
    assert response.text is not None and response.text.format is not None
    assert response.text.format.type == "json_schema"
    assert response.conversation is not None and response.conversation.id == "conv_1"
    assert response.model_extra is not None and response.model_extra["store"] is False
    assert response.usage is not None and response.usage.total_tokens == 17
    assert response.usage.input_tokens_details.cached_tokens == 0
    assert response.usage.output_tokens_details.reasoning_tokens == 0
    calls = [i for i in response.output if i.type == "function_call"]
    assert [(c.name, c.arguments) for c in calls] == [
        (c.name, c.arguments) for c in reply.tool_calls
    ]
    assert all(c.status == "completed" and c.id and c.call_id.startswith("call_") for c in calls)
    assert response.output_text == (reply.text or "")


def test_response_defaults_without_request_settings() -> None:
    response = Response.model_validate(resp_body(REPLIES["text"], request={}))
    assert response.tools == [] and response.tool_choice == "auto"
    assert response.text is not None and response.text.format is not None
    assert response.text.format.type == "text"


@pytest.mark.parametrize("name", list(REPLIES))
def test_response_events_parse_in_order(name: str) -> None:
    events = resp_events(REPLIES[name])
    parsed = [EVENTS.validate_python(e) for e in events]
    assert [e.sequence_number for e in parsed] == list(range(len(events)))
    assert [type(e).__name__ for e in parsed][:2] == [
        "ResponseCreatedEvent",
        "ResponseInProgressEvent",
    ]
    assert parsed[0].response.status == "in_progress" and parsed[0].response.output == []
    assert parsed[-1].type == "response.completed"
    assert parsed[-1].response == Response.model_validate(resp_body(REPLIES[name]))
    for event in events:
        assert type(EVENTS.validate_python(event)).model_fields["type"].annotation is not None
        if "delta" in event["type"] or "content_part" in event["type"]:
            assert {"item_id", "output_index"} <= set(event)


def test_function_call_events_carry_the_name_for_openai_2() -> None:
    events = resp_events(REPLIES["tool"])
    done = [e for e in events if e["type"] == "response.function_call_arguments.done"]
    assert done[0]["name"] == "get_weather" and done[0]["arguments"] == '{"city": "Paris, France"}'
    deltas = [e for e in events if e["type"] == "response.function_call_arguments.delta"]
    assert len(deltas) > 1


@pytest.mark.parametrize("name", list(REPLIES))
def test_response_events_reassemble_to_the_body(name: str) -> None:
    events = resp_events(REPLIES[name])
    body = resp_body(REPLIES[name])
    texts: dict[str, str] = {}
    arguments: dict[str, str] = {}
    done_items = []
    for event in events:
        if event["type"] == "response.output_text.delta":
            texts[event["item_id"]] = texts.get(event["item_id"], "") + event["delta"]
        elif event["type"] == "response.function_call_arguments.delta":
            arguments[event["item_id"]] = arguments.get(event["item_id"], "") + event["delta"]
        elif event["type"] == "response.output_item.done":
            done_items.append(event["item"])
    assert done_items == body["output"]
    for item in body["output"]:
        if item["type"] == "message":
            assert texts.get(item["id"], "") == item["content"][0]["text"]
        else:
            assert arguments[item["id"]] == item["arguments"]


@pytest.mark.parametrize("name", list(REPLIES))
def test_openai_responses_stream_accumulator_accepts_the_events(name: str) -> None:
    """``client.responses.stream()`` folds events with this state machine."""
    from openai.lib.streaming.responses._responses import ResponseStreamState

    state: Any = ResponseStreamState(input_tools=openai.omit, text_format=openai.omit)
    for event in resp_events(REPLIES[name], request={}):
        state.handle_event(EVENTS.validate_python(event))
    final = state._completed_response
    assert final is not None and final.output_text == (REPLIES[name].text or "")


# --- the Agents SDK Runner, end to end through the openai client --------------------------

BASE_URL = "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1"


class FakeModelService:
    """The model side of the emulator without its server: routes to responder and wire."""

    def __init__(self) -> None:
        self.turns: list[Any] = []
        self._stored: dict[str, tuple[Message, ...]] = {}
        self._ids = itertools.count(1)

    def handle(self, request: Any) -> Any:
        body = json.loads(request.content)
        number = next(self._ids)
        if request.url.path.endswith("/chat/completions"):
            return self._chat(body, f"chatcmpl-{number}")
        return self._responses(body, f"resp_{number}")

    def _chat(self, body: dict[str, Any], completion_id: str) -> Any:
        turn = chat_turn(body)
        reply = default_responder(turn)
        self.turns.append(turn)
        ids: dict[str, Any] = {"model": turn.model, "completion_id": completion_id, "created": 1}
        usage = estimate_usage(turn, reply)
        if not body.get("stream"):
            return http.Response(200, json=chat_completion_body(reply, usage=usage, **ids))
        include = bool((body.get("stream_options") or {}).get("include_usage"))
        chunks = chat_completion_chunks(reply, usage=usage, include_usage=include, **ids)
        data = [f"data: {json.dumps(c)}\n\n" for c in chunks] + ["data: [DONE]\n\n"]
        return self._sse(data)

    def _responses(self, body: dict[str, Any], response_id: str) -> Any:
        history = self._stored.get(body.get("previous_response_id") or "", ())
        turn = responses_turn(body, history)
        reply = fill_call_ids(default_responder(turn), response_id)
        self.turns.append(turn)
        self._stored[response_id] = stored_conversation(turn, reply)
        ids: dict[str, Any] = {
            "model": turn.model,
            "response_id": response_id,
            "created": 1,
            "request": body,
        }
        usage = estimate_usage(turn, reply)
        if not body.get("stream"):
            return http.Response(200, json=response_body(reply, usage=usage, **ids))
        events = response_events(reply, usage=usage, **ids)
        return self._sse([f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events])

    @staticmethod
    def _sse(parts: list[str]) -> Any:
        headers = {"content-type": "text/event-stream"}
        return http.Response(200, headers=headers, content="".join(parts).encode())


@function_tool
def get_weather(city: str) -> str:
    """Look up the weather."""
    return f"Sunny in {city}"


class Forecast(BaseModel):
    city: str
    summary: str
    days: int


@pytest.fixture
def service() -> FakeModelService:
    return FakeModelService()


def model_for(api: str, service: FakeModelService) -> Any:
    transport = http.MockTransport(service.handle)
    client = openai.AsyncOpenAI(
        base_url=BASE_URL, api_key="unused", http_client=http.AsyncClient(transport=transport)
    )
    if api == "chat":
        return OpenAIChatCompletionsModel("meta.llama-3.3-70b-instruct", openai_client=client)
    return OpenAIResponsesModel("openai.gpt-5", openai_client=client)


async def run(agent: Agent[Any], text: str, *, stream: bool, **kwargs: Any) -> Any:
    config = RunConfig(tracing_disabled=True)
    if not stream:
        return await Runner.run(agent, text, run_config=config, **kwargs)
    result = Runner.run_streamed(agent, text, run_config=config, **kwargs)
    async for _ in result.stream_events():
        pass
    return result


API_AND_STREAM = pytest.mark.parametrize(
    ("api", "stream"), [("chat", False), ("chat", True), ("responses", False), ("responses", True)]
)


@API_AND_STREAM
async def test_runner_tool_loop(api: str, stream: bool, service: FakeModelService) -> None:
    agent = Agent(
        name="Assistant",
        model=model_for(api, service),
        tools=[get_weather],
        model_settings=ModelSettings(include_usage=True),
    )
    result = await run(agent, "What's the weather in Paris?", stream=stream)
    assert result.final_output == "Tool get_weather returned: Sunny in Paris"
    assert len(service.turns) == 2
    usage = result.context_wrapper.usage
    assert usage.requests == 2 and usage.input_tokens > 0 and usage.output_tokens > 0


@API_AND_STREAM
async def test_runner_handoff_terminates(api: str, stream: bool, service: FakeModelService) -> None:
    model = model_for(api, service)
    weather = Agent(name="Weather agent", model=model, tools=[get_weather])
    triage = Agent(name="Triage", model=model, handoffs=[weather])
    weather.handoffs = [triage]  # a way back must not make them bounce
    result = await run(
        triage, "Transfer me to the weather agent: is it sunny in Oslo?", stream=stream
    )
    assert result.last_agent is weather
    assert result.final_output == "Tool get_weather returned: Sunny in Oslo"
    assert [t.tools[0].name for t in service.turns] == [
        "transfer_to_weather_agent",
        "get_weather",
        "get_weather",
    ]


@API_AND_STREAM
async def test_runner_structured_output(api: str, stream: bool, service: FakeModelService) -> None:
    agent = Agent(
        name="Forecaster", model=model_for(api, service), tools=[get_weather], output_type=Forecast
    )
    result = await run(agent, "Forecast for Lima", stream=stream)
    assert isinstance(result.final_output, Forecast)
    assert result.final_output.summary == "Sunny in Lima"


@pytest.mark.parametrize("stream", [False, True])
async def test_runner_continues_with_previous_response_id(
    stream: bool, service: FakeModelService
) -> None:
    agent = Agent(name="Assistant", model=model_for("responses", service), tools=[get_weather])
    first = await run(agent, "Weather in Quito?", stream=stream)
    second = await run(
        agent, "And in Lima?", stream=stream, previous_response_id=first.last_response_id
    )
    assert second.final_output == "Tool get_weather returned: Sunny in Lima"
    last = service.turns[-1]
    # The client sent only the new tool output; the history came from the store.
    assert [item["type"] for item in last.body["input"]] == ["function_call_output"]
    assert [m.role for m in last.messages] == [
        *("user", "assistant", "tool", "assistant"),
        *("user", "assistant", "tool"),
    ]
    assert last.messages[2].text == "Sunny in Quito"
