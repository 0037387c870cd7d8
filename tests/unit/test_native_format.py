"""SDK items -> native requests, and native answers -> what the SDK understands."""

from __future__ import annotations

import json
from typing import Any

from agents import ModelSettings
from agents.models.chatcmpl_converter import Converter
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage

from agents_oci.native.answer import completion_from_native
from agents_oci.native.format import request_body
from agents_oci.native.stream import ChunkTranslator

ITEMS: list[Any] = [
    {"role": "developer", "content": "Be brief."},
    {"role": "user", "content": "What is the weather?"},
    {"role": "user", "content": [{"type": "input_text", "text": "In Paris, "}, {"type": "input_text", "text": "please."}]},
    {"type": "message", "role": "assistant", "id": "msg_1", "status": "completed",
     "content": [{"type": "output_text", "text": "Let me check.", "annotations": []}]},
    {"type": "function_call", "call_id": "call_a", "name": "get_weather",
     "arguments": json.dumps({"city": "Paris", "days": 2, "units": {"temp": "C"}})},
    {"type": "function_call_output", "call_id": "call_a", "output": "Sunny, 21C"},
    {"role": "user", "content": "And tomorrow?"},
]
TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather in a city",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "the city"},
        "days": {"type": "integer"}, "detailed": {"type": "boolean"},
        "units": {"type": "object"}, "tags": {"type": "array"}, "ratio": {"type": "number"},
    }, "required": ["city"]},
}}
SCHEMA_FORMAT = {"type": "json_schema", "json_schema": {"name": "final_output", "strict": True,
                                                         "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}


def messages(items: list[Any] = ITEMS) -> list[Any]:
    return [{"role": "system", "content": "You help."}, *Converter.items_to_messages(items)]


def test_generic_request_keeps_roles_parts_calls_and_results() -> None:
    settings = ModelSettings(temperature=0.2, top_p=0.9, max_tokens=50, tool_choice="required", parallel_tool_calls=False)
    body = request_body("GENERIC", messages(), [TOOL], settings, SCHEMA_FORMAT, stream=False)
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["SYSTEM", "SYSTEM", "USER", "USER", "ASSISTANT", "TOOL", "USER"]
    texts = ["".join(p["text"] for p in m.get("content", [])) for m in body["messages"]]
    assert texts[3] == "In Paris, please." and texts[4] == "Let me check."
    (call,) = body["messages"][4]["toolCalls"]
    assert call == {"id": "call_a", "type": "FUNCTION", "name": "get_weather", "arguments": ITEMS[4]["arguments"]}
    assert json.loads(call["arguments"])["units"] == {"temp": "C"}
    assert body["messages"][5]["toolCallId"] == "call_a" and texts[5] == "Sunny, 21C"
    assert body["tools"] == [{"type": "FUNCTION", "name": "get_weather", "description": "Weather in a city",
                              "parameters": TOOL["function"]["parameters"]}]
    assert body["responseFormat"] == {"type": "JSON_SCHEMA", "jsonSchema": {
        "name": "final_output", "schema": SCHEMA_FORMAT["json_schema"]["schema"], "isStrict": True}}
    assert (body["temperature"], body["topP"], body["maxTokens"]) == (0.2, 0.9, 50)
    assert body["toolChoice"] == {"type": "REQUIRED"} and body["isParallelToolCalls"] is False
    assert body["apiFormat"] == "GENERIC" and body["isStream"] is False


def test_cohere_request_history_message_preamble_and_tools() -> None:
    body = request_body("COHERE", messages(), [TOOL], ModelSettings(), SCHEMA_FORMAT, stream=True)
    assert body["apiFormat"] == "COHERE" and body["isStream"] is True
    assert body["streamOptions"] == {"isIncludeUsage": True}
    assert body["preambleOverride"] == "You help.\n\nBe brief."
    assert body["message"] == "And tomorrow?"
    history = body["chatHistory"]
    assert [h["role"] for h in history] == ["USER", "USER", "CHATBOT", "TOOL"]
    assert history[1]["message"] == "In Paris, please."
    assert history[2]["toolCalls"] == [{"name": "get_weather", "parameters": {"city": "Paris", "days": 2, "units": {"temp": "C"}}}]
    assert history[3]["toolResults"] == [{"call": {"name": "get_weather", "parameters": {"city": "Paris", "days": 2, "units": {"temp": "C"}}},
                                          "outputs": [{"output": "Sunny, 21C"}]}]
    (tool,) = body["tools"]
    defs = tool["parameterDefinitions"]
    assert defs["city"] == {"description": "the city", "type": "str", "isRequired": True}
    assert [defs[k]["type"] for k in ("days", "detailed", "units", "tags", "ratio")] == ["int", "bool", "dict", "list", "float"]
    assert body["responseFormat"] == {"type": "JSON_OBJECT", "schema": SCHEMA_FORMAT["json_schema"]["schema"]}


def test_cohere_trailing_tool_results_go_in_tool_results() -> None:
    body = request_body("COHERE", messages(ITEMS[:6]), [TOOL], ModelSettings(), None, stream=False)
    assert body["message"] == ""
    assert body["toolResults"][0]["outputs"] == [{"output": "Sunny, 21C"}]
    assert [h["role"] for h in body["chatHistory"]] == ["USER", "USER", "CHATBOT"]
    assert "responseFormat" not in body


def output_items(result: dict[str, Any], model: str = "m") -> list[Any]:
    completion = ChatCompletion.model_validate(completion_from_native(result, model, "seed"))
    return Converter.message_to_output_items(completion.choices[0].message)


def test_cohere_answer_with_tool_calls_becomes_function_call_items() -> None:
    items = output_items({"modelId": "cohere.command-r-plus", "chatResponse": {
        "apiFormat": "COHERE", "text": "", "finishReason": "COMPLETE",
        "toolCalls": [{"name": "get_weather", "parameters": {"city": "Oslo"}}],
        "usage": {"promptTokens": 10, "completionTokens": 5, "totalTokens": 15}}})
    (call,) = items
    assert isinstance(call, ResponseFunctionToolCall)
    assert call.name == "get_weather" and json.loads(call.arguments) == {"city": "Oslo"} and call.call_id


def test_generic_answer_text_and_usage() -> None:
    result = {"modelId": "meta.llama", "chatResponse": {"apiFormat": "GENERIC", "choices": [{
        "index": 0, "finishReason": "stop",
        "message": {"role": "ASSISTANT", "content": [{"type": "TEXT", "text": "Hello "}, {"type": "TEXT", "text": "there"}]}}],
        "usage": {"promptTokens": 3, "completionTokens": 2, "totalTokens": 5}}}
    (message,) = output_items(result)
    assert isinstance(message, ResponseOutputMessage) and message.content[0].text == "Hello there"  # type: ignore[union-attr]
    completion = completion_from_native(result, "m", "s")
    assert completion["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


def chunks(api_format: Any, events: list[dict[str, Any]]) -> list[ChatCompletionChunk]:
    translator = ChunkTranslator(api_format, "m", "seed")
    return [ChatCompletionChunk.model_validate(c) for e in events for c in translator.translate(e)]


def test_cohere_stream_does_not_repeat_the_final_text() -> None:
    out = chunks("COHERE", [{"apiFormat": "COHERE", "text": "Hel"}, {"apiFormat": "COHERE", "text": "lo"},
                            {"apiFormat": "COHERE", "text": "Hello", "finishReason": "COMPLETE",
                             "usage": {"promptTokens": 4, "completionTokens": 2, "totalTokens": 6}}])
    text = "".join(c.choices[0].delta.content or "" for c in out if c.choices)
    assert text == "Hello"
    assert [c.choices[0].finish_reason for c in out if c.choices][-1] == "stop"
    assert out[-1].usage is not None and out[-1].usage.total_tokens == 6


def test_generic_stream_tool_call_pieces_share_one_index() -> None:
    out = chunks("GENERIC", [
        {"index": 0, "message": {"role": "ASSISTANT", "toolCalls": [{"id": "c1", "type": "FUNCTION", "name": "f", "arguments": '{"ci'}]}},
        {"index": 0, "message": {"role": "ASSISTANT", "toolCalls": [{"id": "c1", "arguments": 'ty": "Rome"}'}]}},
        {"index": 0, "finishReason": "tool_calls"},
        {"usage": {"promptTokens": 1, "completionTokens": 1, "totalTokens": 2}},
    ])
    deltas = [d for c in out if c.choices for d in (c.choices[0].delta.tool_calls or [])]
    assert {d.index for d in deltas} == {0}
    assert deltas[0].id == "c1" and deltas[0].function and deltas[0].function.name == "f"
    assert json.loads("".join(d.function.arguments or "" for d in deltas if d.function)) == {"city": "Rome"}
    assert [c.choices[0].finish_reason for c in out if c.choices][-1] == "tool_calls"


IMAGE_ITEMS: list[Any] = [{"role": "user", "content": [
    {"type": "input_text", "text": "What is this?"},
    {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "auto"},
]}]


def test_generic_images_travel_and_cohere_refuses_them() -> None:
    import pytest

    from agents_oci.native.format import UnsupportedContentError

    body = request_body("GENERIC", messages(IMAGE_ITEMS), [], ModelSettings(), None, stream=False)
    parts = body["messages"][1]["content"]
    assert parts[0] == {"type": "TEXT", "text": "What is this?"}
    assert parts[1] == {"type": "IMAGE", "imageUrl": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    with pytest.raises(UnsupportedContentError, match="text only"):
        request_body("COHERE", messages(IMAGE_ITEMS), [], ModelSettings(), None, stream=False)
