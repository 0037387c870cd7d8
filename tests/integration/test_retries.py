"""max_retries= on every model and path, one retry-after policy, hints that state the real count."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from agents import Agent, RunConfig, Runner

from agents_oci import (
    OCIChatCompletionsModel,
    OCINativeModel,
    OCIProvider,
    OCIResponsesModel,
    OCIServerError,
    RateLimitedError,
)
from agents_oci.testing import OCIEmulator

from .conftest import CHAT_MODEL, RESPONSES_MODEL, auth_for

NATIVE_MODEL = "cohere.command-r-plus-08-2024"
MODELS = {"chat": CHAT_MODEL, "responses": f"responses:{RESPONSES_MODEL}", "native": f"native:{NATIVE_MODEL}"}
PATHS = {"chat": "/chat/completions", "responses": "/responses", "native": "/actions/chat"}


async def run(provider: OCIProvider, api: str) -> Any:
    agent = Agent(name="a", model=MODELS[api])
    return await Runner.run(agent, "hi", run_config=RunConfig(model_provider=provider))


@pytest.mark.parametrize("api", sorted(MODELS))
async def test_max_retries_0_makes_one_request_and_says_so(emu: OCIEmulator, api: str) -> None:
    provider = OCIProvider(max_retries=0, **auth_for(emu, "api_key").keywords)
    emu.faults.fail_next(3, status=429, headers={"retry-after": "0.05"})
    with pytest.raises(RateLimitedError) as caught:
        await run(provider, api)
    assert [e.status for e in emu.journal.entries] == [429]
    assert emu.journal.entries[0].path.endswith(PATHS[api])
    # Issue 17, defect 7: the hint states the retries really made (it said "already retried").
    assert caught.value.retries == 0
    assert "made no retry" in caught.value.hint and "already retried" not in str(caught.value)
    await provider.aclose()


@pytest.mark.parametrize("api", sorted(MODELS))
async def test_max_retries_1_retries_once_on_every_path(emu: OCIEmulator, api: str) -> None:
    provider = OCIProvider(max_retries=1, **auth_for(emu, "api_key").keywords)
    emu.faults.fail_next(3, status=503, headers={"retry-after": "0.05"})
    with pytest.raises(OCIServerError) as caught:
        await run(provider, api)
    assert [e.status for e in emu.journal.entries] == [503, 503]
    assert caught.value.retries == 1 and "made 1 retry" in caught.value.hint
    await provider.aclose()


@pytest.mark.parametrize(
    "model_class", [OCIChatCompletionsModel, OCIResponsesModel, OCINativeModel]
)
def test_max_retries_is_a_keyword_of_every_model_and_survives_pickling(
    emu: OCIEmulator, model_class: type[Any]
) -> None:
    model = model_class("m", max_retries=0, **auth_for(emu, "api_key").keywords)
    restored = pickle.loads(pickle.dumps(model))
    assert restored._connection.max_retries == 0
    if model_class is not OCINativeModel:
        assert restored._client.max_retries == 0


def test_a_pickled_provider_keeps_max_retries(emu: OCIEmulator) -> None:
    provider = OCIProvider(max_retries=5, **auth_for(emu, "api_key").keywords)
    restored = pickle.loads(pickle.dumps(provider))
    assert restored.client().max_retries == 5
    model = restored.get_model(MODELS["native"])
    assert model._connection.max_retries == 5


@pytest.mark.parametrize("value", [-1, 1.5, "2", None, True])
def test_a_bad_max_retries_is_refused_at_construction(emu: OCIEmulator, value: Any) -> None:
    from agents_oci import InvalidConfigValueError

    with pytest.raises(InvalidConfigValueError, match="max_retries="):
        OCIProvider(max_retries=value, **auth_for(emu, "api_key").keywords)


@pytest.mark.parametrize("api", sorted(MODELS))
async def test_a_retry_after_above_the_cap_fails_at_once_on_every_path(emu: OCIEmulator, api: str) -> None:
    provider = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.faults.fail_next(3, status=429, headers={"retry-after": "121"})
    with pytest.raises(RateLimitedError) as caught:
        await run(provider, api)
    # The native path retried with its own backoff here (it ignored retry-after past 60 s).
    assert [e.status for e in emu.journal.entries] == [429]
    assert "wait 121 s" in caught.value.hint and "did not retry" in caught.value.hint
    await provider.aclose()


async def test_native_honours_retry_after_and_counts_its_retries(emu: OCIEmulator) -> None:
    provider = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.faults.fail_next(3, status=429, headers={"retry-after": "0.05"})
    with pytest.raises(RateLimitedError) as caught:
        await run(provider, "native")
    counts = [e.headers.get("x-stainless-retry-count") for e in emu.journal.entries]
    assert counts == ["0", "1", "2"]
    assert caught.value.retries == 2 and "after 2 retries" in str(caught.value)
    await provider.aclose()
