"""Responses: OCI holds the thread (store on), or zero data retention (store=False)."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from agents import Agent, ModelSettings, RunConfig, Runner, function_tool

from agents_oci import OCIProvider
from agents_oci.testing import OCIEmulator

from .conftest import RESPONSES_MODEL, assert_all_verified, auth_for


@function_tool
def lookup_order(order_id: str) -> str:
    """Look up an order."""
    return f"Order {order_id} shipped"


def agent(settings: ModelSettings | None = None) -> Agent[Any]:
    return Agent(
        name="Support",
        instructions="Use lookup_order for order questions.",
        model=f"responses:{RESPONSES_MODEL}",
        tools=[lookup_order],
        model_settings=settings or ModelSettings(),
    )


def input_items(body: dict[str, Any]) -> list[Any]:
    value = body["input"]
    return [value] if isinstance(value, str) else list(value)


async def test_stored_state_sends_only_new_items(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "session").keywords)
    config = RunConfig(model_provider=oci)
    first = await Runner.run(
        agent(), "Use lookup_order for A-17", run_config=config, auto_previous_response_id=True
    )
    assert "Order A-17 shipped" in first.final_output
    second = await Runner.run(
        agent(),
        "Use lookup_order for B-2",
        run_config=config,
        previous_response_id=first.last_response_id,
        auto_previous_response_id=True,
    )
    assert "Order B-2 shipped" in second.final_output
    assert_all_verified(emu, path="/responses", count=4)

    bodies = [entry.body for entry in emu.journal.entries]
    assert "previous_response_id" not in bodies[0] or bodies[0]["previous_response_id"] is None
    for body in bodies[1:]:
        assert body.get("previous_response_id", "").startswith("resp")
        # Only what is new since the previous response goes on the wire.
        assert len(input_items(body)) == 1, body["input"]
    assert bodies[2]["previous_response_id"] == first.last_response_id
    # The emulator rebuilt the thread server-side: the answer used the stored tool result.
    assert [item["type"] for item in input_items(bodies[1])] == ["function_call_output"]
    await oci.aclose()


async def test_zero_data_retention_sends_full_history(emu: OCIEmulator) -> None:
    emu.rules.zdr = True
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    result = await Runner.run(
        agent(ModelSettings(store=False)),
        "Use lookup_order for C-3",
        run_config=RunConfig(model_provider=oci),
    )
    assert "Order C-3 shipped" in result.final_output
    assert_all_verified(emu, path="/responses", count=2)
    first, second = (entry.body for entry in emu.journal.entries)
    for body in (first, second):
        assert body["store"] is False
        assert body.get("previous_response_id") is None
    # Turn two carries the whole conversation: user message, the call, its output.
    types = [item.get("type", "message") for item in input_items(second)]
    assert types == ["message", "function_call", "function_call_output"]
    assert json.dumps(second["input"]).count("C-3") >= 2
    await oci.aclose()


async def test_zero_data_retention_tenancy_refuses_stored_state(emu: OCIEmulator) -> None:
    emu.rules.zdr = True
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    with pytest.raises(openai.APIStatusError) as caught:
        await Runner.run(
            agent(ModelSettings(store=True)),
            "Use lookup_order for D-4",
            run_config=RunConfig(model_provider=oci),
        )
    assert "Zero Data Retention" in str(caught.value)
    await oci.aclose()
