"""Every way OCI users authenticate and deploy: GenAI API keys, OKE, Functions, model deployments, many processes."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import openai
import pytest
from agents import Agent, RunConfig, Runner

from agents_oci import CredentialsError, OCIChatCompletionsModel, OCIProvider, OCIResponsesModel
from agents_oci.testing import OCIEmulator

from . import _workers
from .conftest import CHAT_MODEL, RESPONSES_MODEL, assert_all_verified, auth_for


async def ask(oci: OCIProvider | None, model: object = CHAT_MODEL, text: str = "hello") -> str:
    agent = Agent(name="a", model=model)  # type: ignore[arg-type]
    config = RunConfig(model_provider=oci) if oci is not None else None
    result = await Runner.run(agent, text, run_config=config)
    return str(result.final_output)


# --- Generative AI API keys ----------------------------------------------------------


@pytest.mark.parametrize("where", ["argument", "environment"])
async def test_genai_api_key_sends_a_bearer_and_no_signature(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    key = emu.register_bearer_key()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-must-not-be-used")
    if where == "argument":
        oci = OCIProvider(api_key=key, base_url=emu.base_url, project_id=emu.project_id)
    else:
        monkeypatch.setenv("OCI_PROJECT_ID", emu.project_id)
        monkeypatch.setenv("OCI_GENAI_API_KEY", key)
        monkeypatch.setenv("OCI_CLI_CONFIG_FILE", "/nonexistent/config")  # no profile needed
        oci = OCIProvider(base_url=emu.base_url)
    assert "bearer key" in await ask(oci, text="bearer key")
    assert "bearer" in await ask(oci, f"responses:{RESPONSES_MODEL}", "bearer")
    for entry in emu.journal.entries:
        assert entry.status == 200 and entry.principal == entry.auth_scheme == "bearer"
        assert entry.headers.getlist("authorization") == (f"Bearer {key}",)
        assert "opc-compartment-id" not in entry.headers
    assert key not in repr(oci) and key not in repr(oci.get_model(CHAT_MODEL))
    await oci.aclose()


async def test_unknown_genai_api_key_is_a_typed_401(emu: OCIEmulator) -> None:
    from agents_oci import AuthenticationFailedError

    oci = OCIProvider(api_key="sk-not-registered", base_url=emu.base_url)
    with pytest.raises(AuthenticationFailedError):
        await ask(oci)
    await oci.aclose()


# --- OKE workload identity, resource principals ------------------------------------


async def test_oke_workload_identity(emu: OCIEmulator) -> None:
    signer = emu.credentials.oke_workload_identity_signer()
    oci = OCIProvider(
        auth_type="oke_workload_identity", signer=signer, compartment_id=emu.compartment_id,
        base_url=emu.base_url,
    )
    assert oci._connection is not None
    assert oci._connection.settings.auth_type.value == "oke_workload_identity"
    assert oci._connection.settings.region.value == signer.region
    assert "hello" in await ask(oci)
    assert_all_verified(emu, path="/chat/completions", count=1)
    entry = emu.journal.last
    assert entry.principal_type == "workload" and entry.token_claims["ptype"] == "workload"
    assert entry.principal == f"session:{signer.federation_client.subject}"
    await oci.aclose()


def test_oke_workload_identity_off_oke_says_where_it_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(CredentialsError, match="oke_workload_identity auth works only on OCI"):
        OCIProvider(auth_type="oke_workload_identity", compartment_id="ocid1.tenancy.oc1..aaaa")


async def test_resource_principal_is_detected_as_in_oci_functions(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No auth keyword, no config file, the Functions environment: the SDK's real RP signer."""
    for name, value in emu.credentials.resource_principal_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OCI_COMPARTMENT_ID", emu.compartment_id)
    monkeypatch.setenv("HOME", str(tmp_path))  # so ~/.oci/config does not exist
    oci = OCIProvider(base_url=emu.base_url)
    assert oci._connection is not None
    settings = oci._connection.settings
    assert settings.auth_type.value == "resource_principal"
    assert "OCI_RESOURCE_PRINCIPAL_VERSION" in settings.auth_type.source
    assert settings.region.value == emu.region
    assert "from a function" in await ask(oci, text="from a function")
    assert_all_verified(emu, path="/chat/completions", count=1)
    await oci.aclose()


async def test_real_resource_principal_signer_recovers_after_rotation(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The SDK's RP signer re-reads its token file only when asked: a 401 must ask it."""
    for name, value in emu.credentials.resource_principal_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    oci = OCIProvider(base_url=emu.base_url, compartment_id=emu.compartment_id)
    await ask(oci, text="before")
    emu.credentials.revoke_tokens()
    emu.credentials.rotate_resource_principal_token()
    assert "after" in await ask(oci, text="after")
    first, rejected, resent = emu.journal.entries
    assert (first.status, rejected.status, resent.status) == (200, 401, 200)
    assert first.principal_type == resent.principal_type == "resource"
    assert resent.token_claims is not None and first.token_claims is not None
    assert resent.token_claims["jti"] != first.token_claims["jti"]
    await oci.aclose()


# --- Data Science model deployments ------------------------------------------------


@pytest.mark.parametrize("api", ["chat", "responses"])
async def test_model_deployment_is_signed_without_a_compartment(emu: OCIEmulator, api: str) -> None:
    deployment = emu.add_model_deployment()
    url = emu.model_deployment_url(deployment)
    keywords = {"config_file": emu.config_file, "profile": "DEFAULT", "base_url": url}
    model = OCIChatCompletionsModel("odsc-llm", **keywords) if api == "chat" else OCIResponsesModel("odsc-llm", **keywords)
    assert "deployed" in await ask(None, model, "deployed")
    entry = emu.journal.last
    assert entry.status == 200 and entry.principal and entry.principal.startswith("api_key:")
    assert entry.path.startswith(f"/{deployment}/predict/v1/")
    assert "opc-compartment-id" not in entry.headers
    await model.close()


# --- many processes -----------------------------------------------------------------


def test_provider_and_models_pickle_only_their_keywords(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "encrypted").keywords, default_model=CHAT_MODEL)
    chat = oci.get_model(CHAT_MODEL)
    responses = OCIResponsesModel(RESPONSES_MODEL, **auth_for(emu, "session").keywords)
    for thing in (oci, chat, responses):
        data = pickle.dumps(thing)
        for secret in (emu.credentials.pass_phrase, emu.credentials.session_token, "PRIVATE KEY"):
            assert secret.encode() not in data
        assert b"AsyncOpenAI" not in data and b"httpx" not in data
        copy = pickle.loads(data)
        assert type(copy) is type(thing) and copy is not thing
    copy = pickle.loads(pickle.dumps(chat))
    assert copy.model == CHAT_MODEL and copy._client is not chat._client


def test_what_cannot_travel_says_what_to_do_instead(emu: OCIEmulator) -> None:
    with_signer = OCIProvider(**auth_for(emu, "instance_principal").keywords)
    with pytest.raises(TypeError, match="auth_type="):
        pickle.dumps(with_signer)
    client = openai.AsyncOpenAI(base_url=emu.base_url, api_key="x")
    for thing in (OCIProvider(openai_client=client), OCIChatCompletionsModel(CHAT_MODEL, openai_client=client)):
        with pytest.raises(TypeError, match="openai_client="):
            pickle.dumps(thing)


def test_spawned_pool_runs_agents_with_a_pickled_provider(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "session").keywords)
    prompts = [f"from worker {i}" for i in range(4)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.starmap(_workers.run_with, [(oci, p) for p in prompts])
    assert [p in r["output"] for p, r in zip(prompts, results, strict=True)] == [True] * 4
    assert_all_verified(emu, path="/chat/completions", count=4)
    assert {e.principal for e in emu.journal.entries} == {emu.journal.entries[0].principal}


def test_worker_style_pool_builds_a_provider_per_worker(emu: OCIEmulator) -> None:
    prompts = [f"job {i}" for i in range(4)]
    with multiprocessing.get_context("spawn").Pool(
        2, initializer=_workers.init_worker, initargs=(emu.config_file, emu.base_url)
    ) as pool:
        outputs = pool.map(_workers.run_in_worker, prompts)
    assert [p in o for p, o in zip(prompts, outputs, strict=True)] == [True] * 4
    assert_all_verified(emu, path="/chat/completions", count=4)
