"""OCI conversations through the real Runner: conversation_id=, and the session object."""

from __future__ import annotations

import re
from typing import Any

import pytest
from agents import Agent, RunConfig, Runner, function_tool

from agents_oci import (
    ConflictingArgumentsError,
    OCIConversationsSession,
    OCIProvider,
    ZeroDataRetentionError,
)
from agents_oci.testing import OCIEmulator, Reply, Turn, default_responder

from .conftest import RESPONSES_MODEL, auth_for

MODEL = f"responses:{RESPONSES_MODEL}"


@function_tool
def lookup_order(order_id: str) -> str:
    """Look up an order."""
    return f"Order {order_id} shipped"


def remembers(turn: Turn) -> Reply:
    """The default model, which also answers "what is my name?" from anything it was sent."""
    last = next((m.text for m in reversed(turn.messages) if m.role == "user"), "")
    if "what is my name" in last.lower():
        for message in turn.messages:
            found = re.search(r"my name is (\w+)", message.text, re.I)
            if found:
                return Reply(text=f"Your name is {found.group(1)}.")
        return Reply(text="I do not know your name.")
    return default_responder(turn)


def provider(emu: OCIEmulator) -> OCIProvider:
    return OCIProvider(**auth_for(emu, "api_key", project_id=emu.project_id).keywords)


def agents() -> tuple[Agent[Any], Agent[Any]]:
    plain = Agent(name="Support", model=MODEL)
    with_tool = Agent(name="Support", model=MODEL, tools=[lookup_order])
    return plain, with_tool


async def test_three_turns_via_conversation_id(emu: OCIEmulator) -> None:
    emu.set_handler(remembers)
    oci = provider(emu)
    config = RunConfig(model_provider=oci)
    conversation = await oci.client().conversations.create()
    plain, with_tool = agents()
    await Runner.run(plain, "My name is Ada.", run_config=config, conversation_id=conversation.id)
    second = await Runner.run(
        with_tool, "Use lookup_order for A-17", run_config=config, conversation_id=conversation.id
    )
    assert "Order A-17 shipped" in second.final_output
    third = await Runner.run(
        plain, "What is my name?", run_config=config, conversation_id=conversation.id
    )
    assert third.final_output == "Your name is Ada."
    responses = emu.requests("/responses", method="POST")
    assert len(responses) == 4  # turn 2 is a tool call and its answer
    for entry in responses:
        assert entry.body["conversation"] == conversation.id
        assert entry.headers["openai-project"] == emu.project_id
        assert entry.principal is not None  # signed and verified
    # Only the new items travel: the last request carries one user message.
    assert len(responses[-1].body["input"]) == 1
    items = [i async for i in oci.client().conversations.items.list(conversation.id, order="asc")]
    kinds = [i.type for i in items]
    assert kinds.count("function_call") == 1 and kinds.count("function_call_output") == 1
    await oci.aclose()


async def test_three_turns_via_the_session(emu: OCIEmulator) -> None:
    emu.set_handler(remembers)
    oci = provider(emu)
    config = RunConfig(model_provider=oci)
    session = oci.conversations_session()
    plain, with_tool = agents()
    await Runner.run(plain, "My name is Ada.", run_config=config, session=session)
    second = await Runner.run(
        with_tool, "Use lookup_order for A-17", run_config=config, session=session
    )
    assert "Order A-17 shipped" in second.final_output
    third = Runner.run_streamed(plain, "What is my name?", run_config=config, session=session)
    async for _ in third.stream_events():
        pass
    assert third.final_output == "Your name is Ada."
    assert session.session_id.startswith("conv_")
    items = await session.get_items()
    assert [i.get("role") for i in items if i.get("type") == "message"] == [
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
    ]
    assert len(await session.get_items(limit=2)) == 2
    popped = await session.pop_item()
    assert popped is not None and popped.get("role") == "assistant"
    assert len(await session.get_items()) == len(items) - 1
    conversation_id = session.session_id
    await session.clear_session()
    assert conversation_id not in emu.platform.conversations.ids()
    # Every platform call was signed and carried the project.
    for entry in emu.requests("/items") + emu.requests(conversation_id, method="DELETE"):
        assert entry.principal is not None and entry.headers["openai-project"] == emu.project_id
    await oci.aclose()


async def test_conversations_are_scoped_per_project(emu: OCIEmulator) -> None:
    oci = provider(emu)
    other = OCIProvider(**auth_for(emu, "api_key", project_id=emu.add_project()).keywords)
    conversation = await oci.client().conversations.create()
    with pytest.raises(Exception, match="not found"):
        await other.client().conversations.retrieve(conversation.id)
    await oci.aclose()
    await other.aclose()


async def test_zero_data_retention_says_what_to_use(emu: OCIEmulator) -> None:
    emu.rules.zdr = True
    session = provider(emu).conversations_session()
    with pytest.raises(ZeroDataRetentionError, match="SQLiteSession"):
        await session.get_items()


def test_the_session_never_falls_back_to_openai() -> None:
    with pytest.raises(ConflictingArgumentsError, match="default OpenAI client"):
        OCIConversationsSession()


async def test_platform_routes_require_the_project(emu: OCIEmulator) -> None:
    no_project = OCIProvider(**auth_for(emu, "api_key", project_id=None).keywords)
    client = no_project.client()
    for call in (
        client.conversations.create(),
        client.files.create(file=("a.txt", b"x"), purpose="assistants"),
        client.vector_stores.create(name="docs"),
    ):
        with pytest.raises(Exception, match=r"(?i)project"):
            await call
    await no_project.aclose()


async def test_handoffs_and_streams_in_a_conversation(emu: OCIEmulator) -> None:
    oci = provider(emu)
    config = RunConfig(model_provider=oci)
    billing = Agent(
        name="Billing agent",
        model=MODEL,
        tools=[lookup_order],
        handoff_description="Handles orders.",
    )
    triage = Agent(name="Triage", model=MODEL, handoffs=[billing])
    conversation = await oci.client().conversations.create()
    streamed = Runner.run_streamed(
        triage,
        "Transfer me to the billing agent for order A-9",
        run_config=config,
        conversation_id=conversation.id,
    )
    async for _ in streamed.stream_events():
        pass
    assert streamed.last_agent.name == "Billing agent"
    assert "Order A-9 shipped" in str(streamed.final_output)
    items = [i async for i in oci.client().conversations.items.list(conversation.id, order="asc")]
    names = [getattr(i, "name", None) for i in items if i.type == "function_call"]
    assert names == ["transfer_to_billing_agent", "lookup_order"]
    await oci.aclose()
