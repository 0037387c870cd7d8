"""OCIProvider routing, sharing, ownership, and use under MultiProvider."""

from __future__ import annotations

import openai
import pytest
from agents import Agent, RunConfig, Runner
from agents.exceptions import UserError
from agents.models.multi_provider import MultiProvider, MultiProviderMap

from agents_oci import (
    ConflictingArgumentsError,
    InvalidModelNameError,
    OCIChatCompletionsModel,
    OCIProvider,
    OCIResponsesModel,
)
from agents_oci.testing import OCIEmulator

from .conftest import CHAT_MODEL, RESPONSES_MODEL, assert_all_verified, auth_for


def test_routes_by_prefix_over_one_shared_client(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    chat = oci.get_model(CHAT_MODEL)
    responses = oci.get_model(f"responses:{RESPONSES_MODEL}")
    assert isinstance(chat, OCIChatCompletionsModel) and chat.model == CHAT_MODEL
    assert isinstance(responses, OCIResponsesModel) and responses.model == RESPONSES_MODEL
    assert chat._client is responses._client is oci.client()
    assert str(oci.client().base_url).rstrip("/") == emu.base_url


def test_default_model_and_its_absence(emu: OCIEmulator) -> None:
    with_default = OCIProvider(**auth_for(emu, "api_key").keywords, default_model=CHAT_MODEL)
    model = with_default.get_model(None)
    assert isinstance(model, OCIChatCompletionsModel) and model.model == CHAT_MODEL
    without = OCIProvider(**auth_for(emu, "api_key").keywords)
    with pytest.raises(UserError, match="default_model"):
        without.get_model(None)


@pytest.mark.parametrize("name", ["", "   ", "responses:", "responses:  "])
def test_empty_names_are_refused(emu: OCIEmulator, name: str) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    with pytest.raises(InvalidModelNameError) as caught:
        oci.get_model(name)
    message = str(caught.value)
    assert "meta.llama-3.3-70b-instruct" in message or "responses:openai.gpt-5.5-pro" in message


def test_client_with_connection_keywords_is_a_conflict(emu: OCIEmulator) -> None:
    client = openai.AsyncOpenAI(base_url=emu.base_url, api_key="x")
    with pytest.raises(ConflictingArgumentsError, match="profile, region"):
        OCIProvider(openai_client=client, profile="DEFAULT", region="us-chicago-1")
    with pytest.raises(ConflictingArgumentsError):
        OCIChatCompletionsModel(CHAT_MODEL, openai_client=client, compartment_id="ocid1.tenancy.oc1..a")


async def test_runs_under_multiprovider_with_an_oci_prefix(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    provider_map = MultiProviderMap()
    provider_map.add_provider("oci", oci)
    multi = MultiProvider(provider_map=provider_map)
    agent = Agent(name="assistant", model=f"oci/{CHAT_MODEL}")
    result = await Runner.run(agent, "hello there", run_config=RunConfig(model_provider=multi))
    assert "hello there" in result.final_output
    agent = Agent(name="assistant", model=f"oci/responses:{RESPONSES_MODEL}")
    result = await Runner.run(agent, "hello again", run_config=RunConfig(model_provider=multi))
    assert "hello again" in result.final_output
    assert [e.path for e in emu.journal.entries] == ["/openai/v1/chat/completions", "/openai/v1/responses"]
    await oci.aclose()


async def test_provider_aclose_releases_its_client_and_can_rebuild(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    first = oci.client()
    await oci.aclose()
    assert first._client.is_closed
    second = oci.client()
    assert second is not first
    await Runner.run(Agent(name="a", model=CHAT_MODEL), "hi", run_config=RunConfig(model_provider=oci))
    assert_all_verified(emu, path="/chat/completions", count=1)
    await oci.aclose()


async def test_a_model_closes_only_a_client_it_built(emu: OCIEmulator) -> None:
    built = OCIChatCompletionsModel(CHAT_MODEL, **auth_for(emu, "api_key").keywords)
    own_client = built._client
    await built.close()
    assert own_client._client.is_closed

    theirs = openai.AsyncOpenAI(base_url=emu.base_url, api_key="x")
    for model in (OCIChatCompletionsModel(CHAT_MODEL, openai_client=theirs), OCIResponsesModel(RESPONSES_MODEL, openai_client=theirs)):
        assert model._client is theirs
        await model.close()
    assert not theirs._client.is_closed
    await theirs.close()


async def test_provider_with_a_caller_client_uses_it_and_leaves_it_open(emu: OCIEmulator) -> None:
    key = emu.register_bearer_key()
    theirs = openai.AsyncOpenAI(base_url=emu.base_url, api_key=key)
    oci = OCIProvider(openai_client=theirs, default_model=CHAT_MODEL)
    result = await Runner.run(Agent(name="a"), "bearer hi", run_config=RunConfig(model_provider=oci))
    assert "bearer hi" in result.final_output
    assert emu.journal.last.principal == "bearer"
    await oci.aclose()
    assert not theirs._client.is_closed
    await theirs.close()


def test_reprs_name_the_connection_not_the_secrets(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "encrypted").keywords, default_model=CHAT_MODEL)
    model = oci.get_model(None)
    for text in (repr(oci), repr(model), repr(oci._connection), repr(oci._connection.settings)):
        assert emu.credentials.pass_phrase not in text
        assert "PRIVATE KEY" not in text
    assert "api_key" in repr(oci)


def test_one_provider_serves_several_event_loops(emu: OCIEmulator) -> None:
    """asyncio.run() twice (scripts, pytest loops, workers) must not hit 'Event loop is closed'."""
    import asyncio

    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    agent = Agent(name="a", model=CHAT_MODEL)
    for i in range(3):
        result = asyncio.run(Runner.run(agent, f"loop {i}", run_config=RunConfig(model_provider=oci)))
        assert f"loop {i}" in result.final_output
    assert Runner.run_sync(agent, "sync", run_config=RunConfig(model_provider=oci)).final_output
    asyncio.run(oci.aclose())
    assert_all_verified(emu, path="/chat/completions", count=4)
