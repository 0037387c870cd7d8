"""OCI's native chat API (/20231130/actions/chat): both formats, JSON and streaming."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest
from native_helpers import (
    CITY,
    COHERE,
    COHERE_WEATHER,
    GENERIC_WEATHER,
    LLAMA,
    cohere_request,
    dedicated,
    details,
    events,
    generic_request,
    on_demand,
    post,
    streamed_text,
)

from agents_oci.testing import Message, OCIEmulator, Reply, ToolCall, Turn, default_responder

ENDPOINT = re.compile(r"^ocid1\.generativeaiendpoint\.oc1\.us-chicago-1\.amaaaaaa[a-z2-7]{52}$")


# --- plain text -----------------------------------------------------------------------


def test_cohere_json(emu: OCIEmulator) -> None:
    history = [{"role": "USER", "message": "earlier"}, {"role": "CHATBOT", "message": "ok"}]
    request = cohere_request("hello there", chatHistory=history, preambleOverride="Be brief.")
    response = post(emu, details(emu, request))
    assert response.status_code == 200, response.text
    assert response.headers["opc-request-id"]
    result = response.json()
    assert result["modelId"] == COHERE and result["modelVersion"] == "1.0"
    chat = result["chatResponse"]
    assert chat["apiFormat"] == "COHERE" and chat["finishReason"] == "COMPLETE"
    assert chat["text"] == "You said: hello there" and "toolCalls" not in chat
    assert chat["chatHistory"] == [
        *history,
        {"role": "USER", "message": "hello there"},
        {"role": "CHATBOT", "message": "You said: hello there"},
    ]
    usage = chat["usage"]
    assert usage["totalTokens"] == usage["promptTokens"] + usage["completionTokens"] > 0
    entry = emu.journal.last
    assert entry.path == "/20231130/actions/chat" and entry.status == 200
    assert entry.principal == f"api_key:{emu.credentials.user_id}"
    assert "opc-compartment-id" not in entry.headers  # the body names the compartment


def test_generic_json(emu: OCIEmulator) -> None:
    request = generic_request("first part", "second part")
    request["messages"].insert(0, {"role": "SYSTEM", "content": [{"type": "TEXT", "text": "Hi"}]})
    result = post(emu, details(emu, request, on_demand(LLAMA))).json()
    assert result["modelId"] == LLAMA and result["modelVersion"] == "1.0"
    chat = result["chatResponse"]
    assert chat["apiFormat"] == "GENERIC"
    datetime.fromisoformat(chat["timeCreated"].replace("Z", "+00:00"))
    assert chat["choices"] == [
        {
            "index": 0,
            "message": {
                "role": "ASSISTANT",
                "content": [{"type": "TEXT", "text": "You said: first part\nsecond part"}],
            },
            "finishReason": "stop",
        }
    ]
    assert set(chat["usage"]) == {"promptTokens", "completionTokens", "totalTokens"}


@pytest.mark.parametrize("include_usage", [True, False])
def test_cohere_stream(emu: OCIEmulator, include_usage: bool) -> None:
    emu.queue_text("one two three four")
    request = cohere_request(isStream=True, streamOptions={"isIncludeUsage": include_usage})
    payloads = events(post(emu, details(emu, request)))
    assert payloads[:4] == [
        {"apiFormat": "COHERE", "text": piece} for piece in ("one ", "two ", "three ", "four")
    ]
    final = payloads[-1]
    assert len(payloads) == 5 and final["finishReason"] == "COMPLETE"
    assert final["text"] == "one two three four"
    assert ("usage" in final) is include_usage
    assert final["chatHistory"][-1] == {"role": "CHATBOT", "message": "one two three four"}
    assert emu.journal.last.streamed and emu.journal.last.completed


@pytest.mark.parametrize("include_usage", [True, False])
def test_generic_stream(emu: OCIEmulator, include_usage: bool) -> None:
    emu.queue_text("alpha beta gamma")
    request = generic_request(isStream=True, streamOptions={"isIncludeUsage": include_usage})
    payloads = events(post(emu, details(emu, request, on_demand("xai.grok-4"))), done=True)
    first = payloads[0]
    assert first["pad"] and {k: v for k, v in first.items() if k != "pad"} == {
        "index": 0,
        "message": {"role": "ASSISTANT", "content": [{"type": "TEXT", "text": "alpha "}]},
    }
    assert all(p.get("pad") for p in payloads if "usage" not in p)
    assert streamed_text(payloads) == "alpha beta gamma"
    if include_usage:
        assert set(payloads[-1]) == {"usage"}
    finish = payloads[-2] if include_usage else payloads[-1]
    assert finish["finishReason"] == "stop"
    assert finish["message"]["content"] == [{"type": "TEXT", "text": "alpha beta gamma"}]
    assert len(payloads) == 4 + include_usage


def test_generic_stream_in_the_whole_shape(emu: OCIEmulator) -> None:
    emu.rules.generic_stream = "whole"
    emu.queue_text("alpha beta")
    payloads = events(post(emu, details(emu, generic_request(isStream=True), on_demand(LLAMA))),
                      done=False)
    assert payloads[0] == {
        "index": 0,
        "message": {"role": "ASSISTANT", "content": [{"type": "TEXT", "text": "alpha "}]},
    }
    assert payloads[-1] == {"index": 0, "finishReason": "stop"}


def test_streams_carry_non_ascii_text_as_utf8(emu: OCIEmulator) -> None:
    text = "Zürich: 20°C, café ☕, 東京"
    for request, model in ((generic_request(isStream=True), LLAMA),
                           (cohere_request(isStream=True), "cohere.command-r-08-2024")):
        emu.queue_text(text)
        response = post(emu, details(emu, request, on_demand(model)))
        assert text.encode() in response.content  # raw UTF-8, not \u escapes
        assert streamed_text(events(response)) == text


# --- tools: two turns by hand ---------------------------------------------------------


def test_cohere_tool_round_trip(emu: OCIEmulator) -> None:
    tools = [COHERE_WEATHER]
    first = post(emu, details(emu, cohere_request("Weather in Paris?", tools=tools))).json()
    chat = first["chatResponse"]
    call = {"name": "get_weather", "parameters": {"city": "Paris"}}
    assert chat["toolCalls"] == [call] and chat["text"] == ""
    assert chat["chatHistory"][-1] == {"role": "CHATBOT", "message": "", "toolCalls": [call]}
    results = [{"call": call, "outputs": [{"output": "Sunny, 20C"}]}]
    second = cohere_request("", tools=tools, chatHistory=chat["chatHistory"], toolResults=results)
    chat = post(emu, details(emu, second)).json()["chatResponse"]
    assert chat["text"] == "Tool get_weather returned: Sunny, 20C" and "toolCalls" not in chat
    assert [m["role"] for m in chat["chatHistory"]] == ["USER", "CHATBOT", "TOOL", "CHATBOT"]
    assert chat["chatHistory"][2] == {"role": "TOOL", "toolResults": results}


def test_generic_tool_round_trip(emu: OCIEmulator) -> None:
    request = generic_request("Weather in Paris?", tools=[GENERIC_WEATHER])
    chat = post(emu, details(emu, request, on_demand(LLAMA))).json()["chatResponse"]
    choice = chat["choices"][0]
    assert choice["finishReason"] == "tool_calls" and choice["message"]["content"] is None
    (call,) = choice["message"]["toolCalls"]
    assert call["type"] == "FUNCTION" and call["name"] == "get_weather"
    assert json.loads(call["arguments"]) == {"city": "Paris"}
    assert re.fullmatch(r"call_[0-9a-f]{24}", call["id"])
    again = post(emu, details(emu, request, on_demand(LLAMA))).json()["chatResponse"]
    assert again["choices"][0]["message"]["toolCalls"][0]["id"] != call["id"]  # fresh per reply
    request["messages"] += [
        {"role": "ASSISTANT", "toolCalls": [call]},
        {"role": "TOOL", "toolCallId": call["id"], "content": [{"type": "TEXT", "text": "Rain"}]},
    ]
    chat = post(emu, details(emu, request, on_demand(LLAMA))).json()["chatResponse"]
    message = chat["choices"][0]["message"]
    assert message["content"] == [{"type": "TEXT", "text": "Tool get_weather returned: Rain"}]
    assert "toolCalls" not in message and chat["choices"][0]["finishReason"] == "stop"


def test_cohere_tool_call_stream(emu: OCIEmulator) -> None:
    emu.queue_reply(
        Reply(text="Checking.", tool_calls=(ToolCall("get_weather", '{"city":"Oslo"}'),))
    )
    request = cohere_request("Oslo?", tools=[COHERE_WEATHER], isStream=True)
    payloads = events(post(emu, details(emu, request)))
    call = {"name": "get_weather", "parameters": {"city": "Oslo"}}
    assert payloads[0] == {"apiFormat": "COHERE", "text": "Checking."}
    assert payloads[1] == {"apiFormat": "COHERE", "toolCalls": [call]}
    final = payloads[2]
    assert final["text"] == "Checking." and final["toolCalls"] == [call]
    assert final["finishReason"] == "COMPLETE" and len(payloads) == 3


def test_generic_tool_call_stream(emu: OCIEmulator) -> None:
    """The recorded shape: id and name first, bare argument pieces, the next call's id."""
    arguments = json.dumps({"city": "A city with a rather long name"})
    emu.queue_reply(Reply(tool_calls=(ToolCall("get_weather", arguments), ToolCall("noop"))))
    request = generic_request(tools=[GENERIC_WEATHER], isStream=True)
    request["streamOptions"] = {"isIncludeUsage": True}
    payloads = events(post(emu, details(emu, request, on_demand(LLAMA))), done=True)
    pieces = [p for p in payloads if "message" in p and "finishReason" not in p]
    calls = [p["message"]["toolCalls"][0] for p in pieces]
    assert all(p["message"]["role"] == "ASSISTANT" and p["pad"] for p in pieces)
    heads = [i for i, c in enumerate(calls) if "id" in c]
    assert len(heads) == 2 and heads[0] == 0
    first, *more = calls[: heads[1]]
    assert first["name"] == "get_weather" and re.fullmatch(r"call_[0-9a-f]{24}", first["id"])
    assert more and all(c == {"type": "FUNCTION", "arguments": c["arguments"]} for c in more)
    assert "".join(c["arguments"] for c in [first, *more]) == arguments
    second = calls[heads[1]]
    assert second["name"] == "noop" and second["arguments"] == "{}"
    assert second["id"] != first["id"]
    finish, usage = payloads[-2:]
    assert finish["finishReason"] == "tool_calls"
    assert [c["id"] for c in finish["message"]["toolCalls"]] == [first["id"], second["id"]]
    assert set(usage) == {"usage"}


def test_generic_tool_call_stream_in_the_whole_shape(emu: OCIEmulator) -> None:
    emu.rules.generic_stream = "whole"
    arguments = json.dumps({"city": "A city with a rather long name"})
    emu.queue_reply(Reply(tool_calls=(ToolCall("get_weather", arguments), ToolCall("noop"))))
    request = generic_request(tools=[GENERIC_WEATHER], isStream=True)
    payloads = events(post(emu, details(emu, request, on_demand(LLAMA))), done=False)
    calls = [p["message"]["toolCalls"][0] for p in payloads if "message" in p]
    first, *more = [c for c in calls if c["index"] == 0]
    assert more and all("name" not in c and c["id"] == first["id"] for c in more)
    (second,) = [c for c in calls if c["index"] == 1]
    assert second["name"] == "noop" and second["id"] != first["id"]
    assert payloads[-1] == {"index": 0, "finishReason": "tool_calls"}


def test_what_the_responder_hears(emu: OCIEmulator) -> None:
    turns: list[Turn] = []

    def handler(turn: Turn) -> Reply:
        turns.append(turn)
        return default_responder(turn)

    emu.set_handler(handler)
    call = {"name": "get_weather", "parameters": {"city": "Rome"}}
    results = [{"call": call, "outputs": [{"output": "Hot"}, {"temp": 30}]}]
    request = cohere_request(
        "Rome?",
        preambleOverride="Be brief.",
        chatHistory=[{"role": "SYSTEM", "message": "Use tools."}],
        tools=[COHERE_WEATHER],
        toolResults=results,
    )
    post(emu, details(emu, request))
    (turn,) = turns
    assert turn.api == "native" and turn.model == COHERE
    assert turn.body["chatRequest"] == request  # the whole ChatDetails, as sent
    (tool_message,) = [m for m in turn.messages if m.role == "tool"]
    assert [m.role for m in turn.messages] == ["system", "system", "user", "assistant", "tool"]
    assert turn.messages[3].tool_calls[0].call_id == tool_message.tool_call_id
    assert tool_message == Message(
        "tool", 'Hot\n{"temp": 30}', tool_call_id=tool_message.tool_call_id
    )
    assert turn.tools[0].parameters == {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "A city"}},
        "required": ["city"],
    }


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({"type": "NONE"}, None),
        ({"type": "AUTO"}, "get_weather"),
        ({"type": "REQUIRED"}, "get_weather"),
        ({"type": "FUNCTION", "name": "get_time"}, "get_time"),
    ],
)
def test_generic_tool_choice(
    emu: OCIEmulator, choice: dict[str, Any], expected: str | None
) -> None:
    time_tool = {**GENERIC_WEATHER, "name": "get_time", "description": "The time."}
    request = generic_request("Weather?", tools=[GENERIC_WEATHER, time_tool], toolChoice=choice)
    message = post(emu, details(emu, request, on_demand(LLAMA))).json()["chatResponse"]
    calls = message["choices"][0]["message"].get("toolCalls") or []
    assert [c["name"] for c in calls] == ([expected] if expected else [])


# --- structured output ---------------------------------------------------------------


def test_cohere_json_object_schema(emu: OCIEmulator) -> None:
    schema = {**CITY, "properties": {"city": {"type": "string"}, "rain": {"type": "boolean"}}}
    request = cohere_request(
        'Forecast for "Lyon"', responseFormat={"type": "JSON_OBJECT", "schema": schema}
    )
    text = post(emu, details(emu, request)).json()["chatResponse"]["text"]
    assert json.loads(text)["city"] == "Lyon"
    plain = cohere_request("x", responseFormat={"type": "JSON_OBJECT"})
    assert isinstance(
        json.loads(post(emu, details(emu, plain)).json()["chatResponse"]["text"]), dict
    )
    text_format = cohere_request("x", responseFormat={"type": "TEXT"})
    assert post(emu, details(emu, text_format)).json()["chatResponse"]["text"] == "You said: x"


def test_generic_json_schema(emu: OCIEmulator) -> None:
    response_format = {
        "type": "JSON_SCHEMA",
        "jsonSchema": {"name": "weather", "schema": CITY, "isStrict": True},
    }
    request = generic_request('About "Nice"', responseFormat=response_format)
    chat = post(emu, details(emu, request, on_demand(LLAMA))).json()["chatResponse"]
    assert json.loads(chat["choices"][0]["message"]["content"][0]["text"]) == {"city": "Nice"}
    request["responseFormat"] = {"type": "JSON_OBJECT"}
    chat = post(emu, details(emu, request, on_demand(LLAMA))).json()["chatResponse"]
    assert isinstance(json.loads(chat["choices"][0]["message"]["content"][0]["text"]), dict)


# --- serving modes -------------------------------------------------------------------


def test_dedicated_endpoints(emu: OCIEmulator) -> None:
    cohere_endpoint = emu.add_dedicated_endpoint()
    custom = emu.add_dedicated_endpoint("acme.finetuned-llama")  # not in the catalogue
    assert ENDPOINT.match(cohere_endpoint) and ENDPOINT.match(custom)
    assert emu.endpoints.model(cohere_endpoint) == "cohere.command-r-plus-08-2024"
    result = post(emu, details(emu, cohere_request("hi"), dedicated(cohere_endpoint))).json()
    assert result["modelId"] == "cohere.command-r-plus-08-2024"
    assert result["chatResponse"]["text"] == "You said: hi"
    result = post(emu, details(emu, generic_request("yo"), dedicated(custom))).json()
    assert result["modelId"] == "acme.finetuned-llama"
    assert result["chatResponse"]["choices"][0]["message"]["content"][0]["text"] == "You said: yo"
    stream = cohere_request("streamed", isStream=True)
    payloads = events(post(emu, details(emu, stream, dedicated(cohere_endpoint))))
    assert streamed_text(payloads) == "You said: streamed"
    stream = generic_request("streamed", isStream=True)
    assert streamed_text(events(post(emu, details(emu, stream, dedicated(custom))))) == (
        "You said: streamed"
    )


@pytest.mark.parametrize(
    "model",
    [
        "cohere.command-r-plus",
        "cohere.command-r-plus-08-2024",
        "cohere.command-r-08-2024",
        "cohere.command-r-16k",
        "cohere.command-a-03-2025",
    ],
)
def test_on_demand_cohere_models(emu: OCIEmulator, model: str) -> None:
    result = post(emu, details(emu, cohere_request(), on_demand(model))).json()
    assert result["modelId"] == model and result["chatResponse"]["apiFormat"] == "COHERE"


@pytest.mark.parametrize("model", [LLAMA, "xai.grok-4", "openai.gpt-4.1", "google.gemini-2.5-pro"])
def test_on_demand_generic_models(emu: OCIEmulator, model: str) -> None:
    result = post(emu, details(emu, generic_request(), on_demand(model))).json()
    assert result["modelId"] == model and result["chatResponse"]["apiFormat"] == "GENERIC"
