"""Service rules: compartment, project, store and ZDR, catalogue, error styles, ids."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from agents_oci.testing import OCIEmulator, Reply, Turn, default_responder
from agents_oci.testing.app import ZDR_PREVIOUS, ZDR_STORE

CHAT = {"model": "openai.gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}


def call(
    emu: OCIEmulator,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    key: str | None = None,
    signer: Any = None,
    headers: dict[str, str] | None = None,
    prefix: str = "/openai/v1",
    project: bool = True,
) -> requests.Response:
    """POST (or GET without body) with a bearer key or an oci SDK signer, in the project."""
    url = f"http://127.0.0.1:{emu.port}{prefix}{path}"
    all_headers = {"OpenAI-Project": emu.project_id} if project else {}
    all_headers.update(headers or {})
    if key is not None:
        all_headers["authorization"] = f"Bearer {key}"
    if body is None:
        return requests.get(url, headers=all_headers, auth=signer, timeout=10)
    return requests.post(url, json=body, headers=all_headers, auth=signer, timeout=10)


def responses(emu: OCIEmulator, key: str, **body: Any) -> requests.Response:
    return call(emu, "/responses", {"model": "openai.gpt-5.5", "input": "hi", **body}, key=key)


# --- compartment ------------------------------------------------------------------


@pytest.mark.parametrize("header", ["opc-compartment-id", "CompartmentId"])
def test_signed_inference_needs_a_compartment(emu: OCIEmulator, header: str) -> None:
    signer = emu.credentials.api_key_signer()
    refused = call(emu, "/chat/completions", CHAT, signer=signer)
    assert refused.status_code == 400
    assert refused.json()["code"] == "MissingParameter"
    accepted = call(
        emu, "/chat/completions", CHAT, signer=signer, headers={header: emu.compartment_id}
    )
    assert accepted.status_code == 200


def test_bearer_and_non_inference_calls_need_no_compartment(
    emu: OCIEmulator, bearer_key: str
) -> None:
    assert call(emu, "/chat/completions", CHAT, key=bearer_key).status_code == 200
    assert call(emu, "/models", signer=emu.credentials.api_key_signer()).status_code == 200


def test_compartment_rule_can_be_switched_off(emu: OCIEmulator) -> None:
    emu.rules.require_compartment = False
    signer = emu.credentials.api_key_signer()
    assert call(emu, "/chat/completions", CHAT, signer=signer).status_code == 200


# --- project ----------------------------------------------------------------------


def test_project_mode(emu: OCIEmulator, bearer_key: str) -> None:
    emu.rules.require_project = True
    refused = call(emu, "/chat/completions", CHAT, key=bearer_key, project=False)
    assert refused.status_code == 404
    assert "project" in refused.json()["message"].lower()
    assert call(emu, "/chat/completions", CHAT, key=bearer_key).status_code == 200
    assert emu.journal.last.headers["openai-project"] == emu.project_id


def test_project_is_not_required_by_default_on_chat(emu: OCIEmulator, bearer_key: str) -> None:
    assert call(emu, "/chat/completions", CHAT, key=bearer_key, project=False).status_code == 200
    assert call(emu, "/models", key=bearer_key, project=False).status_code == 200


# --- store and previous_response_id ------------------------------------------------------


def test_store_defaults_to_true(emu: OCIEmulator, bearer_key: str) -> None:
    first = responses(emu, bearer_key).json()
    assert first["id"] in emu.store.ids()
    fetched = call(emu, f"/responses/{first['id']}", key=bearer_key)
    assert fetched.status_code == 200 and fetched.json() == first


def test_store_false_keeps_nothing(emu: OCIEmulator, bearer_key: str) -> None:
    first = responses(emu, bearer_key, store=False).json()
    assert emu.store.ids() == ()
    missing = responses(emu, bearer_key, previous_response_id=first["id"])
    assert missing.status_code == 404
    assert "previous_response_id" in missing.json()["message"]
    assert call(emu, f"/responses/{first['id']}", key=bearer_key).status_code == 404


def test_previous_response_rebuilds_the_conversation(emu: OCIEmulator, bearer_key: str) -> None:
    seen: list[Turn] = []

    def recording(turn: Turn) -> Reply:
        seen.append(turn)
        return default_responder(turn)

    emu.set_handler(recording)
    first = responses(emu, bearer_key, input="my name is Ada").json()
    responses(emu, bearer_key, input="what is my name?", previous_response_id=first["id"])
    texts = [(m.role, m.text) for m in seen[1].messages]
    assert texts == [
        ("user", "my name is Ada"),
        ("assistant", "You said: my name is Ada"),
        ("user", "what is my name?"),
    ]


def test_unknown_previous_response_id(emu: OCIEmulator, bearer_key: str) -> None:
    response = responses(emu, bearer_key, previous_response_id="resp_nope")
    assert response.status_code == 404
    assert response.json() == {
        "code": "NotAuthorizedOrNotFound",
        "message": "Previous response with id 'resp_nope' not found (previous_response_id).",
    }


def test_zero_data_retention(emu: OCIEmulator, bearer_key: str) -> None:
    emu.rules.zdr = True
    previous = responses(emu, bearer_key, previous_response_id="resp_x", store=False)
    assert previous.status_code == 400 and previous.json()["message"] == ZDR_PREVIOUS
    stored = responses(emu, bearer_key, store=True)
    assert stored.status_code == 400 and stored.json()["message"] == ZDR_STORE
    # store=false with the full history is how ZDR tenancies work; absent store keeps nothing.
    assert responses(emu, bearer_key, store=False).status_code == 200
    assert responses(emu, bearer_key).status_code == 200
    assert emu.store.ids() == ()


# --- the model catalogue -------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/openai/v1", "/20231130/actions/v1"])
def test_cohere_r_series_is_not_openai_compatible(
    emu: OCIEmulator, bearer_key: str, prefix: str
) -> None:
    body = {**CHAT, "model": "cohere.command-r-plus-08-2024"}
    response = call(emu, "/chat/completions", body, key=bearer_key, prefix=prefix)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Unsupported OpenAI operation")


def test_responses_only_model_refused_by_chat(emu: OCIEmulator, bearer_key: str) -> None:
    body = {**CHAT, "model": "openai.gpt-5.5-pro"}
    refused = call(emu, "/chat/completions", body, key=bearer_key)
    assert refused.status_code == 400 and "Responses API" in refused.json()["message"]
    assert responses(emu, bearer_key, model="openai.gpt-5.5-pro").status_code == 200


def test_unknown_model_and_added_model(emu: OCIEmulator, bearer_key: str) -> None:
    body = {**CHAT, "model": "acme.frontier-9"}
    refused = call(emu, "/chat/completions", body, key=bearer_key)
    assert refused.status_code == 404 and refused.json()["code"] == "NotAuthorizedOrNotFound"
    emu.add_model("acme.frontier-9")
    assert call(emu, "/chat/completions", body, key=bearer_key).status_code == 200
    listed = call(emu, "/models", key=bearer_key).json()
    assert "acme.frontier-9" in [model["id"] for model in listed["data"]]


def test_default_catalogue(emu: OCIEmulator, bearer_key: str) -> None:
    names = {model["id"] for model in call(emu, "/models", key=bearer_key).json()["data"]}
    assert {
        "meta.llama-3.3-70b-instruct",
        "openai.gpt-4.1",
        "openai.gpt-5.5",
        "openai.gpt-5.5-pro",
        "xai.grok-4",
        "cohere.command-a-03-2025",
        "google.gemini-2.5-pro",
    } <= names


def test_both_api_prefixes_serve_both_apis(emu: OCIEmulator, bearer_key: str) -> None:
    for prefix in ("/openai/v1", "/20231130/actions/v1"):
        assert call(emu, "/chat/completions", CHAT, key=bearer_key, prefix=prefix).ok
        body = {"model": "openai.gpt-5.5", "input": "hi"}
        assert call(emu, "/responses", body, key=bearer_key, prefix=prefix).ok


# --- error styles, ids, bad requests --------------------------------------------------


def test_openai_error_style(emu: OCIEmulator, bearer_key: str) -> None:
    emu.rules.error_style = "openai"
    response = call(emu, "/chat/completions", {**CHAT, "model": "acme.none"}, key=bearer_key)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "NotAuthorizedOrNotFound"
    assert error["type"] == "not_found_error" and error["param"] == "model"
    assert "acme.none" in error["message"]


def test_error_style_is_validated() -> None:
    with pytest.raises(ValueError, match=r"error_style must be one of \('oci', 'openai'\)"):
        OCIEmulator(error_style="json")  # type: ignore[arg-type]


def test_every_response_has_request_ids(emu: OCIEmulator, bearer_key: str) -> None:
    outcomes = [
        call(emu, "/chat/completions", CHAT, key=bearer_key),  # 200
        call(emu, "/chat/completions", CHAT, key="sk-wrong"),  # 401
        call(emu, "/nowhere", CHAT, key=bearer_key),  # 404
        call(emu, "/chat/completions", {**CHAT, "model": "x.y"}, key=bearer_key),  # 404
    ]
    assert [r.status_code for r in outcomes] == [200, 401, 404, 404]
    for response, entry in zip(outcomes, emu.journal.entries, strict=True):
        assert "x-request-id" not in response.headers  # OCI sends opc-request-id only
        assert response.headers["opc-request-id"] == entry.request_id
    assert len({r.headers["opc-request-id"] for r in outcomes}) == 4


def test_client_request_id_prefixes_ours(emu: OCIEmulator, bearer_key: str) -> None:
    response = call(
        emu, "/chat/completions", CHAT, key=bearer_key, headers={"opc-request-id": "my-trace"}
    )
    assert response.headers["opc-request-id"].startswith("my-trace/")


def test_body_must_be_a_json_object(emu: OCIEmulator, bearer_key: str) -> None:
    response = requests.post(
        f"{emu.base_url}/chat/completions",
        data=b"[1, 2",
        headers={"authorization": f"Bearer {bearer_key}"},
        timeout=10,
    )
    assert response.status_code == 400 and response.json()["code"] == "InvalidParameter"


def test_handler_errors_become_500_in_the_journal(emu: OCIEmulator, bearer_key: str) -> None:
    def broken(turn: Any) -> Any:
        raise RuntimeError("handler bug")

    emu.set_handler(broken)
    response = call(emu, "/chat/completions", CHAT, key=bearer_key)
    assert response.status_code == 500 and "handler bug" in response.json()["message"]
    assert "handler bug" in str(emu.journal.last.error)


# --- the journal -----------------------------------------------------------------------


def test_journal_records_the_request(emu: OCIEmulator, bearer_key: str) -> None:
    call(
        emu,
        "/chat/completions",
        {**CHAT, "stream": True},
        key=bearer_key,
        headers={"X-Custom": "One"},
    )
    call(emu, "/models?limit=5", key=bearer_key)
    chat, models = emu.journal.entries
    assert chat.method == "POST" and chat.target == "/openai/v1/chat/completions"
    assert chat.body == {**CHAT, "stream": True}
    assert chat.headers["x-custom"] == chat.headers["X-CUSTOM"] == "One"
    assert chat.headers["Authorization"] == f"Bearer {bearer_key}"
    assert chat.status == 200 and chat.streamed and chat.completed and chat.principal == "bearer"
    assert models.method == "GET" and models.target == "/openai/v1/models?limit=5"
    assert models.body is None and not models.streamed
    assert emu.requests("/models") == (models,)
    assert emu.requests("/chat/completions", method="POST") == (chat,)
    emu.journal.clear()
    assert emu.journal.entries == ()
