"""Data Science model deployments: signed OpenAI-style routes under a deployment OCID."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import openai
import pytest
import requests
from agents import Agent, RunConfig, Runner
from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
from agents.models.openai_responses import OpenAIResponsesModel

from agents_oci.testing import OCIEmulator
from agents_oci.testing.deployments import BEARER_REFUSED

MODEL = "meta.llama-3.3-70b-instruct"
OCID = re.compile(r"^ocid1\.datasciencemodeldeployment\.oc1\.ord\.amaaaaaa[a-z2-7]{52}$")
MESSAGES: Any = [{"role": "user", "content": "hello deployment"}]
SignedOpenAI = Callable[..., openai.AsyncOpenAI]


def post(url: str, auth: Any, headers: dict[str, str] | None = None) -> requests.Response:
    body = {"model": "odsc-llm", "messages": MESSAGES}
    return requests.post(url, json=body, headers=headers or {}, auth=auth, timeout=10)


@pytest.fixture(scope="module")
def deployment(shared_emu: OCIEmulator) -> str:
    return shared_emu.add_model_deployment()


def test_deployment_ocids_and_urls(emu: OCIEmulator, deployment: str) -> None:
    assert OCID.match(deployment), deployment
    assert emu.add_model_deployment("my-finetune") != deployment
    assert emu.deployments.model(deployment) == MODEL
    assert emu.model_deployment_url(deployment) == (
        f"http://127.0.0.1:{emu.port}/{deployment}/predict/v1"
    )
    assert emu.inprocess_model_deployment_url(deployment) == (
        f"https://modeldeployment.us-chicago-1.oci.customer-oci.com/{deployment}/predict/v1"
    )


@pytest.mark.parametrize("in_process", [False, True], ids=["socket", "asgi"])
async def test_signed_chat_without_compartment(
    emu: OCIEmulator, deployment: str, signed_openai: SignedOpenAI, in_process: bool
) -> None:
    url = (emu.inprocess_model_deployment_url if in_process else emu.model_deployment_url)(
        deployment
    )
    client = signed_openai(url, emu.credentials.api_key_signer(), in_process=in_process)
    completion = await client.chat.completions.create(model="odsc-llm", messages=MESSAGES)
    assert completion.choices[0].message.content == "You said: hello deployment"
    assert completion.model == MODEL  # the deployment's model, whatever the body said
    entry = emu.journal.last
    assert entry.status == 200 and entry.path == f"/{deployment}/predict/v1/chat/completions"
    assert entry.principal == f"api_key:{emu.credentials.user_id}"
    assert entry.body["model"] == "odsc-llm"  # the journal keeps what was sent
    assert "opc-compartment-id" not in entry.headers
    assert entry.headers["host"].startswith("modeldeployment." if in_process else "127.0.0.1:")


async def test_streams_and_responses(
    emu: OCIEmulator, deployment: str, signed_openai: SignedOpenAI
) -> None:
    signer = emu.credentials.oke_workload_identity_signer()
    client = signed_openai(emu.model_deployment_url(deployment), signer)
    stream = await client.chat.completions.create(model="anything", messages=MESSAGES, stream=True)
    chunks = [chunk async for chunk in stream]
    assert {chunk.model for chunk in chunks} == {MODEL}
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: hello deployment"
    response = await client.responses.create(model="anything", input="hi")
    assert response.output_text == "You said: hi" and response.model == MODEL
    events = [e async for e in await client.responses.create(model="x", input="hi", stream=True)]
    assert events[-1].type == "response.completed"
    assert events[-1].response.model == MODEL
    entries = emu.journal.entries
    assert [e.streamed for e in entries] == [True, False, True]
    assert {e.principal_type for e in entries} == {"workload"}


async def test_compartment_header_is_accepted_and_recorded(
    emu: OCIEmulator, deployment: str, signed_openai: SignedOpenAI
) -> None:
    headers = {"opc-compartment-id": emu.compartment_id}
    url = emu.model_deployment_url(deployment)
    client = signed_openai(url, emu.credentials.session_token_signer(), headers=headers)
    await client.chat.completions.create(model="odsc-llm", messages=MESSAGES)
    assert emu.journal.last.headers["opc-compartment-id"] == emu.compartment_id


def test_the_other_base_path_serves_too(emu: OCIEmulator, deployment: str) -> None:
    base = emu.model_deployment_url(deployment).replace("/predict/", "/predictWithResponseStream/")
    response = post(f"{base}/chat/completions", emu.credentials.api_key_signer())
    assert response.status_code == 200 and response.json()["model"] == MODEL


def test_bearer_keys_are_refused(emu: OCIEmulator, deployment: str, bearer_key: str) -> None:
    url = f"{emu.model_deployment_url(deployment)}/chat/completions"
    response = post(url, None, {"authorization": f"Bearer {bearer_key}"})
    assert response.status_code == 401
    assert response.json()["code"] == "NotAuthenticated"
    entry = emu.journal.last
    assert entry.auth_scheme == "bearer" and entry.principal is None
    assert entry.auth_error == BEARER_REFUSED


def test_unknown_deployment_is_not_found(emu: OCIEmulator) -> None:
    ocid = "ocid1.datasciencemodeldeployment.oc1.ord.amaaaaaaunknown"
    response = post(
        f"{emu.model_deployment_url(ocid)}/chat/completions", emu.credentials.api_key_signer()
    )
    assert response.status_code == 404
    assert response.json()["code"] == "NotAuthorizedOrNotFound"
    assert ocid in response.json()["message"]


def test_signatures_are_verified(emu: OCIEmulator, deployment: str) -> None:
    url = f"{emu.model_deployment_url(deployment)}/responses"
    assert post(url, None).status_code == 401
    assert emu.journal.last.auth_error == "missing Authorization header"
    prepared = requests.Request("POST", url, json={"model": "m", "input": "signed"}).prepare()
    emu.credentials.api_key_signer()(prepared)
    prepared.body = b'{"model": "m", "input": "tampered"}'
    prepared.headers["content-length"] = str(len(prepared.body))
    assert requests.Session().send(prepared, timeout=10).status_code == 401
    assert emu.journal.last.auth_error == "x-content-sha256 does not match the body"


@pytest.mark.parametrize("api", ["chat", "responses"])
async def test_agent_runs_against_a_deployment(
    emu: OCIEmulator, deployment: str, signed_openai: SignedOpenAI, api: str
) -> None:
    client = signed_openai(emu.model_deployment_url(deployment), emu.credentials.api_key_signer())
    model = (
        OpenAIChatCompletionsModel("odsc-llm", client)
        if api == "chat"
        else OpenAIResponsesModel("odsc-llm", client)
    )
    agent = Agent(name="deployed", instructions="Be brief.", model=model)
    result = await Runner.run(agent, "ping", run_config=RunConfig(tracing_disabled=True))
    assert result.final_output == "You said: ping"
    assert all(e.path.startswith(f"/{deployment}/predict/v1/") for e in emu.journal.entries)


def test_bad_json_body(emu: OCIEmulator, deployment: str) -> None:
    prepared = requests.Request(
        "POST",
        f"{emu.model_deployment_url(deployment)}/chat/completions",
        data=b"[1, 2]",
        headers={"content-type": "application/json"},
    ).prepare()
    emu.credentials.api_key_signer()(prepared)
    response = requests.Session().send(prepared, timeout=10)
    assert response.status_code == 400 and response.json()["code"] == "InvalidParameter"


def test_openai_error_style_applies(emu: OCIEmulator) -> None:
    emu.rules.error_style = "openai"
    ocid = "ocid1.datasciencemodeldeployment.oc1.ord.amaaaaaamissing"
    response = post(
        f"{emu.model_deployment_url(ocid)}/chat/completions", emu.credentials.api_key_signer()
    )
    assert response.status_code == 404 and "error" in response.json()


def test_openai_sdk_error_for_bearer(emu: OCIEmulator, deployment: str, bearer_key: str) -> None:
    client = openai.OpenAI(
        base_url=emu.model_deployment_url(deployment), api_key=bearer_key, max_retries=0
    )
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="odsc-llm", messages=MESSAGES)
