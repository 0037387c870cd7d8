"""The ``oci`` SDK's ``GenerativeAiInferenceClient.chat``, as Oracle's docs use it.

COHERE and GENERIC, on demand and dedicated, JSON and streaming through
``response.data.events()`` (the SDK returns an ``SSEClient`` only for a
``text/event-stream`` content type with no parameters), tool calls, and the
answers parsed into the SDK's own model classes.
"""

from __future__ import annotations

import json
from typing import Any

import oci
import pytest
from oci.generative_ai_inference import GenerativeAiInferenceClient
from oci.generative_ai_inference import models as m

from agents_oci.testing import OCIEmulator, Reply, ToolCall

COHERE = "cohere.command-r-plus-08-2024"
LLAMA = "meta.llama-3.3-70b-instruct"


def client(emu: OCIEmulator) -> GenerativeAiInferenceClient:
    config = oci.config.from_file(emu.config_file, "DEFAULT")
    return GenerativeAiInferenceClient(
        config, service_endpoint=emu.root_url, retry_strategy=oci.retry.NoneRetryStrategy()
    )


def chat(emu: OCIEmulator, request: Any, serving: Any) -> Any:
    details = m.ChatDetails(
        compartment_id=emu.compartment_id, serving_mode=serving, chat_request=request
    )
    return client(emu).chat(details)


def servings(emu: OCIEmulator, model: str) -> list[Any]:
    return [
        m.OnDemandServingMode(model_id=model),
        m.DedicatedServingMode(endpoint_id=emu.add_dedicated_endpoint(model)),
    ]


def events(response: Any) -> list[dict[str, Any]]:
    """The JSON events of ``response.data.events()``; ``[DONE]`` (GENERIC) is not JSON."""
    return [json.loads(e.data) for e in response.data.events() if e.data != "[DONE]"]


WEATHER_GENERIC = m.FunctionDefinition(
    name="get_weather",
    description="Weather for a city.",
    parameters={"type": "object", "properties": {"city": {"type": "string"}},
                "required": ["city"]},
)
WEATHER_COHERE = m.CohereTool(
    name="get_weather",
    description="Weather for a city.",
    parameter_definitions={
        "city": m.CohereParameterDefinition(type="str", description="City", is_required=True)
    },
)


@pytest.mark.parametrize("dedicated", [False, True])
def test_cohere_json(emu: OCIEmulator, dedicated: bool) -> None:
    serving = servings(emu, COHERE)[dedicated]
    response = chat(emu, m.CohereChatRequest(message="Zürich?", max_tokens=50), serving)
    assert response.status == 200 and response.headers["opc-request-id"]
    result = response.data
    assert isinstance(result, m.ChatResult)
    assert isinstance(result.chat_response, m.CohereChatResponse)
    assert result.chat_response.text == "You said: Zürich?"
    assert result.chat_response.finish_reason == "COMPLETE"


@pytest.mark.parametrize("dedicated", [False, True])
def test_generic_json(emu: OCIEmulator, dedicated: bool) -> None:
    serving = servings(emu, LLAMA)[dedicated]
    request = m.GenericChatRequest(
        messages=[m.UserMessage(content=[m.TextContent(text="hello")])], max_tokens=50
    )
    result = chat(emu, request, serving).data
    assert isinstance(result.chat_response, m.GenericChatResponse)
    choice = result.chat_response.choices[0]
    assert isinstance(choice.message, m.AssistantMessage)
    assert isinstance(choice.message.content[0], m.TextContent)
    assert choice.message.content[0].text == "You said: hello"


@pytest.mark.parametrize("dedicated", [False, True])
def test_cohere_stream_through_sse_client(emu: OCIEmulator, dedicated: bool) -> None:
    serving = servings(emu, COHERE)[dedicated]
    response = chat(emu, m.CohereChatRequest(message="café ☕", is_stream=True), serving)
    assert response.headers["content-type"] == "text/event-stream"
    payloads = events(response)
    deltas = "".join(p["text"] for p in payloads if "finishReason" not in p)
    assert deltas == "You said: café ☕"
    assert payloads[-1]["finishReason"] == "COMPLETE"


@pytest.mark.parametrize("dedicated", [False, True])
def test_generic_stream_through_sse_client(emu: OCIEmulator, dedicated: bool) -> None:
    serving = servings(emu, LLAMA)[dedicated]
    request = m.GenericChatRequest(
        messages=[m.UserMessage(content=[m.TextContent(text="東京")])], is_stream=True,
        stream_options=m.StreamOptions(is_include_usage=True),
    )
    payloads = events(chat(emu, request, serving))
    text = "".join(
        part["text"]
        for p in payloads if "finishReason" not in p
        for part in p.get("message", {}).get("content") or []
    )
    assert text == "You said: 東京"
    assert any(p.get("finishReason") == "stop" for p in payloads)
    assert "usage" in payloads[-1]


def test_cohere_tool_call_parsed(emu: OCIEmulator) -> None:
    request = m.CohereChatRequest(message="Weather in Paris?", tools=[WEATHER_COHERE])
    chat_response = chat(emu, request, m.OnDemandServingMode(model_id=COHERE)).data.chat_response
    (call,) = chat_response.tool_calls
    assert isinstance(call, m.CohereToolCall)
    assert call.name == "get_weather" and call.parameters == {"city": "Paris"}


def test_generic_parallel_tool_calls_parsed_and_streamed(emu: OCIEmulator) -> None:
    calls = (ToolCall("get_weather", '{"city": "Paris"}'), ToolCall("get_weather", '{"city": "Rome"}'))
    emu.queue_reply(Reply(tool_calls=calls), Reply(tool_calls=calls))
    request = m.GenericChatRequest(
        messages=[m.UserMessage(content=[m.TextContent(text="Paris and Rome?")])],
        tools=[WEATHER_GENERIC],
    )
    serving = m.OnDemandServingMode(model_id=LLAMA)
    message = chat(emu, request, serving).data.chat_response.choices[0].message
    assert all(isinstance(c, m.FunctionCall) for c in message.tool_calls)
    assert [json.loads(c.arguments) for c in message.tool_calls] == [{"city": "Paris"}, {"city": "Rome"}]
    request.is_stream = True
    # What a reader of the recorded shape must do: a piece without an id continues the last call.
    assembled: list[dict[str, str]] = []
    for payload in events(chat(emu, request, serving)):
        if "finishReason" in payload:
            continue
        for piece in payload.get("message", {}).get("toolCalls") or []:
            if piece.get("id"):
                assembled.append({"name": piece["name"], "arguments": ""})
            assembled[-1]["arguments"] += piece.get("arguments", "")
    assert [(c["name"], json.loads(c["arguments"])) for c in assembled] == [
        ("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Rome"})
    ]


def test_sdk_errors_carry_oci_codes(emu: OCIEmulator) -> None:
    details = m.ChatDetails(
        compartment_id="ocid1.compartment.oc1..aaaaaaaaelsewhere",
        serving_mode=m.OnDemandServingMode(model_id=COHERE),
        chat_request=m.CohereChatRequest(message="hi"),
    )
    with pytest.raises(oci.exceptions.ServiceError) as caught:
        client(emu).chat(details)
    assert caught.value.status == 404 and caught.value.code == "NotAuthorizedOrNotFound"
    assert caught.value.request_id


COMMAND_A = "cohere.command-a-03-2025"


def test_coherev2_json_tool_call_and_stream(emu: OCIEmulator) -> None:
    """``CohereChatRequestV2`` (Command A's format in the SDK) is accepted and parsed."""
    serving = m.OnDemandServingMode(model_id=COMMAND_A)
    request = m.CohereChatRequestV2(
        messages=[m.CohereUserMessageV2(content=[m.CohereTextContentV2(text="Grüezi")])]
    )
    chat_response = chat(emu, request, serving).data.chat_response
    assert isinstance(chat_response, m.CohereChatResponseV2)
    assert isinstance(chat_response.message, m.CohereAssistantMessageV2)
    assert chat_response.message.content[0].text == "You said: Grüezi"
    assert chat_response.finish_reason == "COMPLETE"

    tool = m.CohereToolV2(type="FUNCTION", function=m.Function(
        name="get_weather", description="Weather for a city.",
        parameters=WEATHER_GENERIC.parameters))
    request = m.CohereChatRequestV2(
        messages=[m.CohereUserMessageV2(content=[m.CohereTextContentV2(text="Weather in Oslo?")])],
        tools=[tool],
    )
    chat_response = chat(emu, request, serving).data.chat_response
    (call,) = chat_response.message.tool_calls
    assert isinstance(call, m.CohereToolCallV2) and chat_response.finish_reason == "TOOL_CALL"
    assert call.function["name"] == "get_weather"
    assert json.loads(call.function["arguments"]) == {"city": "Oslo"}
    result = m.CohereToolMessageV2(tool_call_id=call.id,
                                   content=[m.CohereTextContentV2(text="Cold")])
    request.messages += [m.CohereAssistantMessageV2(tool_calls=[call]), result]
    chat_response = chat(emu, request, serving).data.chat_response
    assert chat_response.message.content[0].text == "Tool get_weather returned: Cold"

    request = m.CohereChatRequestV2(
        messages=[m.CohereUserMessageV2(content=[m.CohereTextContentV2(text="hi")])],
        is_stream=True,
    )
    payloads = events(chat(emu, request, serving))
    assert payloads[-1]["finishReason"] == "COMPLETE"


def test_model_ocid_as_model_id(emu: OCIEmulator) -> None:
    """Imported and fine-tuned models are named by their model OCID."""
    ocid = emu.add_model_ocid(LLAMA)
    request = m.GenericChatRequest(messages=[m.UserMessage(content=[m.TextContent(text="yo")])])
    result = chat(emu, request, m.OnDemandServingMode(model_id=ocid)).data
    assert result.chat_response.choices[0].message.content[0].text == "You said: yo"
    with pytest.raises(oci.exceptions.ServiceError) as caught:
        chat(emu, request, m.OnDemandServingMode(model_id=ocid[:-4] + "zzzz"))
    assert caught.value.status == 404
