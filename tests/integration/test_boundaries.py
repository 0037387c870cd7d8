"""What crosses the wire to OCI, and what never does; retries; global SDK state."""

from __future__ import annotations

from typing import Any

import agents
import pytest
from agents import Agent, ModelSettings, RunConfig, Runner
from agents.retry import ModelRetrySettings, retry_policies

from agents_oci import OCIProvider
from agents_oci.testing import OCIEmulator

from .conftest import CHAT_MODEL, assert_all_verified, auth_for


async def run(oci: OCIProvider, text: str = "hello", **settings: Any) -> Any:
    agent = Agent(name="a", model=CHAT_MODEL, model_settings=ModelSettings(**settings))
    return await Runner.run(agent, text, run_config=RunConfig(model_provider=oci))


async def test_openai_account_settings_in_the_environment_never_reach_oci(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-openai-key-must-not-leak")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-must-not-leak")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-must-not-leak")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/not-here")
    monkeypatch.setenv("OCI_PROJECT_ID", emu.project_id)
    oci = OCIProvider(config_file=emu.config_file, base_url=emu.base_url)
    await run(oci)
    assert_all_verified(emu, path="/chat/completions", count=1)
    entry = emu.journal.last
    wire = " ".join(f"{k}: {v}" for k, v in entry.headers.items())
    for secret in ("sk-real-openai-key", "org-must-not-leak", "proj-must-not-leak"):
        assert secret not in wire
    assert entry.headers["openai-project"] == emu.project_id
    assert entry.headers["opc-compartment-id"] == emu.compartment_id
    assert "openai-organization" not in entry.headers
    await oci.aclose()


async def test_compartment_argument_is_sent(emu: OCIEmulator) -> None:
    compartment = emu.add_compartment()
    keywords = auth_for(emu, "api_key").keywords
    del keywords["project_id"]
    oci = OCIProvider(**keywords, compartment_id=compartment)
    await run(oci)
    assert emu.journal.last.headers["opc-compartment-id"] == compartment
    assert "openai-project" not in emu.journal.last.headers
    await oci.aclose()


async def test_runner_managed_retries_use_a_copy_of_the_signed_client(emu: OCIEmulator) -> None:
    """The runner calls with_options(max_retries=0); the copy must still sign."""
    oci = OCIProvider(**auth_for(emu, "session").keywords)
    emu.faults.fail_next(3, status=503, body={"code": "ServiceUnavailable", "message": "busy"})
    retry = ModelRetrySettings(
        max_retries=3,
        backoff={"initial_delay": 0.01, "max_delay": 0.02, "jitter": False},
        policy=retry_policies.http_status([503]),
    )
    result = await run(oci, "retried", retry=retry)
    assert "retried" in result.final_output
    # Three failures then success: four signed requests, none retried by openai itself.
    assert [e.status for e in emu.journal.entries] == [503, 503, 503, 200]
    assert all(e.principal is not None for e in emu.journal.entries)
    await oci.aclose()


def sdk_global_state() -> tuple[Any, ...]:
    """The SDK's process-wide switches a provider could be tempted to flip."""
    from agents.models import _openai_shared
    from agents.tracing import get_trace_provider

    provider = get_trace_provider()
    multi = getattr(provider, "_multi_processor", None)
    return (
        getattr(provider, "_disabled", None),
        getattr(provider, "_manual_disabled", None),
        tuple(id(p) for p in getattr(multi, "_processors", ())),
        _openai_shared.get_default_openai_key(),
        _openai_shared.get_default_openai_client(),
        _openai_shared.get_use_responses_by_default(),
    )


async def test_the_package_leaves_global_sdk_settings_alone(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    touched: list[str] = []
    for name in ("set_tracing_disabled", "set_tracing_export_api_key", "set_trace_processors",
                 "add_trace_processor", "set_default_openai_key", "set_default_openai_client"):
        monkeypatch.setattr(agents, name, lambda *a, _n=name, **k: touched.append(_n))
    before = sdk_global_state()
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    await run(oci)
    await oci.aclose()
    assert touched == []
    assert sdk_global_state() == before


async def test_request_id_reaches_openai_request_id(emu: OCIEmulator) -> None:
    """OCI sends only opc-request-id; the transport copies it to x-request-id for openai."""
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    client = oci.client()
    raw = await client.chat.completions.with_raw_response.create(
        model=CHAT_MODEL, messages=[{"role": "user", "content": "hi"}]
    )
    completion = raw.parse()
    assert completion._request_id == raw.headers["opc-request-id"] == emu.journal.last.request_id
    stream = await client.chat.completions.create(
        model=CHAT_MODEL, messages=[{"role": "user", "content": "hi"}], stream=True
    )
    async for _ in stream:
        pass
    assert stream.response.headers["x-request-id"] == emu.journal.last.request_id
    await oci.aclose()
