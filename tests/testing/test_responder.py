"""Request normalisation and the default responder's rules."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from agents.models.chatcmpl_converter import Converter

from agents_oci.testing.replies import Message, Reply, ToolCall, ToolSpec, Usage
from agents_oci.testing.responder import (
    default_responder,
    estimate_usage,
    reply_messages,
    stored_conversation,
)
from agents_oci.testing.turns import chat_turn, responses_turn
from agents_oci.testing.wire import fill_call_ids

CITY = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}
NO_ARGS = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}


def chat_tool(name: str, parameters: dict[str, Any] = CITY) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": name, "description": "", "parameters": parameters},
    }


WEATHER = chat_tool("get_weather")
TIME = chat_tool("get_time")
TO_BILLING = chat_tool("transfer_to_billing_agent", NO_ARGS)
TO_SALES = chat_tool("transfer_to_sales_agent", NO_ARGS)


def answer(*messages: dict[str, Any], tools: list[dict[str, Any]] = (), **body: Any) -> Reply:  # type: ignore[assignment]
    """The default responder's reply to a chat request."""
    return default_responder(
        chat_turn({"model": "m", "messages": list(messages), "tools": list(tools), **body})
    )


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def called(reply: Reply) -> tuple[str, dict[str, Any]]:
    """The one tool call of ``reply``: name and parsed arguments."""
    assert reply.text is None
    (call,) = reply.tool_calls
    return call.name, json.loads(call.arguments)


def after_calls(*results: tuple[str, str]) -> list[dict[str, Any]]:
    """An assistant tool-call message and the tool messages answering it."""
    calls = [
        {"id": f"{name}-{i}", "type": "function", "function": {"name": name, "arguments": "{}"}}
        for i, (name, _) in enumerate(results)
    ]
    outputs = [
        {"role": "tool", "tool_call_id": f"{name}-{i}", "content": output}
        for i, (name, output) in enumerate(results)
    ]
    return [{"role": "assistant", "content": None, "tool_calls": calls}, *outputs]


# --- chat normalisation -------------------------------------------------------------


def test_chat_messages_of_every_shape() -> None:
    body = {
        "model": "meta.llama",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": [{"type": "text", "text": "Dev note."}]},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Look"},
                    {"type": "image_url", "image_url": {"url": "data:,"}},
                    {"type": "text", "text": "here"},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": [{"type": "text", "text": "ok"}]},
            {"role": "assistant", "content": "Done."},
        ],
        "tools": [WEATHER, {"type": "custom", "custom": {"name": "ignored"}}],
    }
    turn = chat_turn(body)
    assert turn.api == "chat" and turn.model == "meta.llama" and turn.body is body
    assert turn.messages == (
        Message("system", "Be brief."),
        Message("developer", "Dev note."),
        Message("user", "Look\nhere"),
        Message("assistant", "", (ToolCall("f", "{}", "c1"),)),
        Message("tool", "ok", tool_call_id="c1"),
        Message("assistant", "Done."),
    )
    assert turn.tools == (ToolSpec("get_weather", "", CITY),)
    assert turn.output_schema is None


def test_chat_response_formats() -> None:
    schema = {"type": "object", "properties": {}}
    wrapped = {"type": "json_schema", "json_schema": {"name": "out", "schema": schema}}
    assert chat_turn({"messages": [], "response_format": wrapped}).output_schema == schema
    assert chat_turn({"messages": [], "response_format": {"type": "text"}}).output_schema is None
    json_object = chat_turn({"messages": [], "response_format": {"type": "json_object"}})
    assert json_object.output_schema is not None
    assert json_object.output_schema["type"] == "object"


# --- Responses normalisation ----------------------------------------------------------


def test_responses_input_items_of_every_shape() -> None:
    body = {
        "model": "openai.gpt-5",
        "instructions": "Be brief.",
        "input": [
            {"role": "user", "content": "Hi"},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "A"}]},
            {"type": "reasoning", "id": "rs_1", "summary": []},
            {
                "type": "message",
                "id": "msg_1",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": "Calling.", "annotations": []}],
            },
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": '{"a": 1}'},
            {"type": "function_call", "call_id": "c2", "name": "g", "arguments": ""},
            {"type": "function_call_output", "call_id": "c1", "output": "one"},
            {
                "type": "function_call_output",
                "call_id": "c2",
                "output": [{"type": "input_text", "text": "two"}],
            },
            {"type": "function_call", "call_id": "c3", "name": "h", "arguments": "{}"},
        ],
        "tools": [
            {"type": "function", "name": "f", "description": "F", "parameters": CITY},
            {"type": "web_search"},
        ],
        "text": {"format": {"type": "json_schema", "name": "final_output", "schema": NO_ARGS}},
    }
    turn = responses_turn(body, ())
    assert turn.api == "responses" and turn.model == "openai.gpt-5"
    assert turn.messages == (
        Message("system", "Be brief."),
        Message("user", "Hi"),
        Message("user", "A"),
        Message(
            "assistant", "Calling.", (ToolCall("f", '{"a": 1}', "c1"), ToolCall("g", "{}", "c2"))
        ),
        Message("tool", "one", tool_call_id="c1"),
        Message("tool", "two", tool_call_id="c2"),
        Message("assistant", "", (ToolCall("h", "{}", "c3"),)),
    )
    assert turn.tools == (ToolSpec("f", "F", CITY),)
    assert turn.output_schema == NO_ARGS


def test_responses_string_input_follows_history_and_new_instructions() -> None:
    history = (Message("user", "Earlier"), Message("assistant", "Reply"))
    turn = responses_turn({"instructions": "Now.", "input": "Next"}, history)
    assert turn.messages == (Message("system", "Now."), *history, Message("user", "Next"))
    json_object = responses_turn({"input": "x", "text": {"format": {"type": "json_object"}}}, ())
    assert json_object.output_schema is not None
    assert responses_turn({"input": "x", "text": {"verbosity": "low"}}, ()).output_schema is None


def test_both_apis_normalise_agents_sdk_history_alike() -> None:
    """The items the Runner sends agree with their Chat Completions conversion."""
    items: list[Any] = [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": "Checking.", "annotations": []}],
        },
        {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": "Sunny"},
        {"role": "user", "content": [{"type": "input_text", "text": "Thanks"}]},
    ]
    chat = chat_turn({"messages": Converter.items_to_messages(items)})
    responses = responses_turn({"input": items}, ())
    assert chat.messages == responses.messages
    assert chat.messages[1] == Message(
        "assistant", "Checking.", (ToolCall("get_weather", "{}", "c1"),)
    )


# --- the responder: tool choice ---------------------------------------------------------


def test_plain_conversation_echoes_the_user() -> None:
    reply = answer({"role": "system", "content": "x"}, user("Hello there, model"))
    assert reply == Reply(text="You said: Hello there, model")
    assert answer().text  # no user message at all still answers


def test_first_ordinary_tool_with_arguments_from_the_user_text() -> None:
    reply = answer(user("What's the weather in Paris today?"), tools=[TO_BILLING, WEATHER, TIME])
    assert called(reply) == ("get_weather", {"city": "Paris"})


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ('Use the city "New York" please', "New York"),
        ("Use `Oslo`", "Oslo"),
        ("It's 'Rome' I think", "Rome"),
        ("weather please", "weather please"),
        ("Berlin", "Berlin"),
        ("Hello. Is Lisbon warm?", "Lisbon"),
        ("Should I go to Madrid or Porto?", "Porto"),
    ],
)
def test_string_arguments_come_from_the_user_text(text: str, city: str) -> None:
    assert called(answer(user(text), tools=[WEATHER])) == ("get_weather", {"city": city})


@pytest.mark.parametrize("text", ["call get_time for Tokyo", "Please get time in Tokyo"])
def test_a_named_tool_is_chosen(text: str) -> None:
    assert called(answer(user(text), tools=[WEATHER, TIME])) == ("get_time", {"city": "Tokyo"})


def test_the_longest_named_tool_wins() -> None:
    tools = [chat_tool("weather"), WEATHER]
    assert called(answer(user("get weather now"), tools=tools))[0] == "get_weather"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please transfer me", "transfer_to_sales_agent"),
        ("Hand me over to the billing agent", "transfer_to_billing_agent"),
        ("handoff to billing_agent now", "transfer_to_billing_agent"),
        ("Can the billing agent look at my invoice?", "transfer_to_billing_agent"),
    ],
)
def test_handoffs_when_asked_or_named(text: str, expected: str) -> None:
    reply = answer(user(text), tools=[TO_SALES, WEATHER, TO_BILLING])
    assert called(reply) == (expected, {})


def test_a_named_tool_beats_a_transfer_request() -> None:
    tools = [TO_SALES, chat_tool("transfer_money")]
    assert called(answer(user("transfer money to 'Savings'"), tools=tools)) == (
        "transfer_money",
        {"city": "Savings"},
    )
    # "transferred" is not a request to transfer.
    assert called(answer(user("I transferred it"), tools=[TO_SALES, WEATHER]))[0] == "get_weather"


def test_only_handoffs_and_no_request_answers_in_text() -> None:
    assert answer(user("hi"), tools=[TO_SALES]) == Reply(text="You said: hi")


def test_tool_results_are_quoted_verbatim() -> None:
    history = after_calls(("get_weather", "Sunny, 20C."), ("get_time", "10:00"))
    reply = answer(user("Weather in Paris?"), *history, tools=[WEATHER, TIME])
    assert reply == Reply(
        text="Tool get_weather returned: Sunny, 20C.\nTool get_time returned: 10:00"
    )


def test_results_before_the_latest_user_message_do_not_count() -> None:
    history = after_calls(("get_weather", "Sunny"))
    reply = answer(
        user("Weather in Paris?"),
        *history,
        {"role": "assistant", "content": "Sunny"},
        user("And in Rome?"),
        tools=[WEATHER],
    )
    assert called(reply) == ("get_weather", {"city": "Rome"})


def test_after_a_handoff_the_new_agent_uses_its_own_tool_once() -> None:
    start = [user("Transfer me to the billing agent for invoice INV-7")]
    handed = after_calls(("transfer_to_billing_agent", '{"assistant": "Billing agent"}'))
    billing_tools = [TO_SALES, chat_tool("lookup_invoice"), TO_BILLING]
    first = answer(*start, *handed, tools=billing_tools)
    assert called(first) == ("lookup_invoice", {"city": "INV-7"})
    done = after_calls(("lookup_invoice", "paid"))
    reply = answer(*start, *handed, *done, tools=billing_tools)
    assert reply == Reply(text="Tool lookup_invoice returned: paid")
    # An agent with only handoffs answers instead of bouncing the user back.
    only_handoffs = answer(*start, *handed, tools=[TO_SALES, TO_BILLING])
    assert (
        only_handoffs.text
        == 'Tool transfer_to_billing_agent returned: {"assistant": "Billing agent"}'
    )


def test_tool_choice_is_honoured() -> None:
    ask = user("What's the weather in Paris?")
    assert answer(ask, tools=[WEATHER], tool_choice="none").text == (
        "You said: What's the weather in Paris?"
    )
    done = after_calls(("get_weather", "Sunny"))
    assert called(answer(ask, *done, tools=[WEATHER], tool_choice="required"))[0] == "get_weather"
    chat_named = {"type": "function", "function": {"name": "get_time"}}
    assert called(answer(ask, tools=[WEATHER, TIME], tool_choice=chat_named))[0] == "get_time"
    responses = responses_turn(
        {
            "input": "weather?",
            "tools": [{"type": "function", "name": n, "parameters": CITY} for n in ("a", "b")],
            "tool_choice": {"type": "function", "name": "b"},
        },
        (),
    )
    assert called(default_responder(responses))[0] == "b"


# --- the responder: structured output ---------------------------------------------------

REPORT = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "temperature": {"type": "integer", "minimum": -50},
        "unit": {"type": "string", "enum": ["C", "F"]},
    },
    "required": ["city", "temperature", "unit"],
    "additionalProperties": False,
}


def as_output(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": "final_output", "schema": schema}}


def test_structured_output_is_a_valid_instance_from_context() -> None:
    reply = answer(user("Report on Paris"), response_format=as_output(REPORT))
    assert reply.text is not None
    output = json.loads(reply.text)
    jsonschema.validate(output, REPORT)
    assert output["city"] == "Paris"


def test_structured_output_comes_after_tool_results_and_quotes_them() -> None:
    history = after_calls(("get_weather", "Sunny"))
    reply = answer(user("Paris?"), *history, tools=[WEATHER], response_format=as_output(REPORT))
    assert reply.text is not None
    assert json.loads(reply.text)["city"] == "Sunny"
    tool_first = answer(user("Paris?"), tools=[WEATHER], response_format=as_output(REPORT))
    assert called(tool_first)[0] == "get_weather"


def test_responses_structured_output() -> None:
    turn = responses_turn(
        {"input": "Report on Oslo", "text": {"format": {"type": "json_schema", "schema": REPORT}}},
        (),
    )
    reply = default_responder(turn)
    assert reply.text is not None and json.loads(reply.text)["city"] == "Oslo"


def test_the_responder_is_deterministic() -> None:
    turn = chat_turn({"messages": [user("Weather in Paris?")], "tools": [WEATHER, TIME]})
    assert default_responder(turn) == default_responder(turn)


# --- usage and stored history -----------------------------------------------------------


def test_usage_is_plausible() -> None:
    short = chat_turn({"messages": [user("hi")]})
    long = chat_turn({"messages": [user("hi " * 400)], "tools": [WEATHER]})
    small = estimate_usage(short, Reply(text=""))
    assert small.input_tokens >= 1 and small.output_tokens >= 1
    big = estimate_usage(long, Reply(text="word " * 100))
    assert 250 < big.input_tokens < 500 and 100 <= big.output_tokens <= 150
    assert big.total_tokens == big.input_tokens + big.output_tokens
    fixed = Usage(input_tokens=7, output_tokens=3)
    assert estimate_usage(short, Reply(text="x", usage=fixed)) == fixed


def test_reply_messages_need_call_ids() -> None:
    reply = Reply(text="Checking", tool_calls=(ToolCall("f", "{}"),))
    with pytest.raises(ValueError, match="fill_call_ids"):
        reply_messages(reply)
    filled = fill_call_ids(reply, "resp_1")
    (message,) = reply_messages(filled)
    assert message.role == "assistant" and message.text == "Checking"
    assert message.tool_calls == filled.tool_calls and filled.tool_calls[0].call_id


def test_stored_conversation_continues_without_old_instructions() -> None:
    first = responses_turn({"instructions": "Old.", "input": "Weather in Paris?"}, ())
    reply = fill_call_ids(Reply(tool_calls=(ToolCall("get_weather", "{}"),)), "resp_1")
    stored = stored_conversation(first, reply)
    call_id = reply.tool_calls[0].call_id
    second = responses_turn(
        {
            "instructions": "New.",
            "input": [{"type": "function_call_output", "call_id": call_id, "output": "Sunny"}],
        },
        stored,
    )
    assert [m.role for m in second.messages] == ["system", "user", "assistant", "tool"]
    assert second.messages[0].text == "New."
    assert default_responder(second).text == "Tool get_weather returned: Sunny"
