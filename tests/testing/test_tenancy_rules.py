"""The tenancy checked by value, projects per route family, and OCI's strictness on bodies."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from agents_oci.testing import PROJECT_RULES, OCIEmulator
from agents_oci.testing.native import NATIVE_CHAT_PATH
from agents_oci.testing.rules import check_family

CHAT = {"model": "openai.gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}
RESPONSES = {"model": "openai.gpt-5.5", "input": "hi"}


def post(
    emu: OCIEmulator,
    path: str,
    body: Any = None,
    *,
    signer: Any = None,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    method: str = "POST",
) -> requests.Response:
    url = f"http://127.0.0.1:{emu.port}{path}"
    return requests.request(
        method, url, json=body, data=data, headers=headers or {}, auth=signer, timeout=10
    )


def signed(emu: OCIEmulator) -> Any:
    return emu.credentials.api_key_signer()


def not_found(response: requests.Response, *words: str) -> None:
    assert response.status_code == 404, response.text
    body = response.json()
    assert body["code"] == "NotAuthorizedOrNotFound"
    for word in words:
        assert word in body["message"]


# --- the compartment, by value --------------------------------------------------------


@pytest.mark.parametrize("kind", ["unknown", "malformed", "user"])
@pytest.mark.parametrize("header", ["opc-compartment-id", "CompartmentId"])
def test_openai_routes_refuse_a_compartment_the_tenancy_lacks(
    emu: OCIEmulator, kind: str, header: str
) -> None:
    compartment = {
        "unknown": "ocid1.compartment.oc1..aaaaaaaaotherone",
        "malformed": "my-compartment",
        "user": emu.credentials.user_id,
    }[kind]
    refused = post(emu, "/openai/v1/chat/completions", CHAT, signer=signed(emu),
                   headers={header: compartment})
    not_found(refused, compartment)
    assert set(refused.json()) == {"code", "message"}


def test_the_tenancy_and_added_compartments_are_accepted(emu: OCIEmulator) -> None:
    for compartment in (emu.compartment_id, emu.add_compartment()):
        accepted = post(emu, "/openai/v1/chat/completions", CHAT, signer=signed(emu),
                        headers={"opc-compartment-id": compartment})
        assert accepted.status_code == 200, accepted.text


def test_native_route_checks_compartment_id(emu: OCIEmulator) -> None:
    def native(compartment: str) -> requests.Response:
        details = {
            "compartmentId": compartment,
            "servingMode": {"servingType": "ON_DEMAND", "modelId": "cohere.command-r-08-2024"},
            "chatRequest": {"apiFormat": "COHERE", "message": "hi"},
        }
        return post(emu, NATIVE_CHAT_PATH, details, signer=signed(emu))

    not_found(native("ocid1.compartment.oc1..aaaaaaaaotherone"), "compartmentId")
    not_found(native(emu.credentials.user_id), "user")
    assert native(emu.add_compartment()).status_code == 200


def test_values_are_checked_without_signature_checks(emu: OCIEmulator) -> None:
    emu.verify_signatures = False
    refused = post(emu, "/openai/v1/chat/completions", CHAT,
                   headers={"opc-compartment-id": "ocid1.compartment.oc1..aaaaaaaaotherone"})
    not_found(refused)


# --- projects ---------------------------------------------------------------------------


def test_default_project_rules() -> None:
    required = {family for family, needed in PROJECT_RULES.items() if needed}
    assert required == {"responses", "conversations", "files", "vector_stores", "containers"}
    assert all(check_family(family) == family for family in PROJECT_RULES)


def test_responses_need_a_known_project(emu: OCIEmulator, bearer_key: str) -> None:
    key = {"authorization": f"Bearer {bearer_key}"}
    not_found(post(emu, "/openai/v1/responses", RESPONSES, headers=key), "project")
    other = {**key, "OpenAI-Project": "ocid1.generativeaiproject.oc1.us-chicago-1.aaaaaaaaother"}
    not_found(post(emu, "/openai/v1/responses", RESPONSES, headers=other), "aaaaaaaaother")
    ours = {**key, "OpenAI-Project": emu.project_id}
    assert post(emu, "/openai/v1/responses", RESPONSES, headers=ours).status_code == 200
    added = {**key, "OpenAI-Project": emu.add_project()}
    assert post(emu, "/openai/v1/responses", RESPONSES, headers=added).status_code == 200


def test_an_unknown_project_is_refused_even_where_none_is_needed(
    emu: OCIEmulator, bearer_key: str
) -> None:
    headers = {"authorization": f"Bearer {bearer_key}", "OpenAI-Project": "ocid1.nope"}
    not_found(post(emu, "/openai/v1/chat/completions", CHAT, headers=headers), "ocid1.nope")


def test_project_rules_are_switchable(emu: OCIEmulator, bearer_key: str) -> None:
    key = {"authorization": f"Bearer {bearer_key}"}
    emu.rules.projects["responses"] = False
    assert post(emu, "/openai/v1/responses", RESPONSES, headers=key).status_code == 200
    emu.rules.projects["responses"] = True
    emu.rules.require_project = False
    assert post(emu, "/openai/v1/responses", RESPONSES, headers=key).status_code == 200
    emu.rules.require_project = True
    not_found(post(emu, "/openai/v1/chat/completions", CHAT, headers=key), "project")
    not_found(post(emu, "/openai/v1/models", method="GET", headers=key), "project")


def test_require_project_keyword() -> None:
    with OCIEmulator(require_project=False) as emu:
        assert not emu.rules.project_required("responses")
    assert OCIEmulator.__init__.__kwdefaults__["require_project"] is None


# --- bodies, methods ---------------------------------------------------------------------


def test_store_on_chat_completions_is_refused(emu: OCIEmulator, bearer_key: str) -> None:
    key = {"authorization": f"Bearer {bearer_key}"}
    for store in (True, False):
        refused = post(emu, "/openai/v1/chat/completions", {**CHAT, "store": store}, headers=key)
        assert refused.status_code == 400
        assert refused.json()["code"] == "InvalidParameter"
        assert "store" in refused.json()["message"]
    emu.rules.strict_fields = False
    lenient = post(emu, "/openai/v1/chat/completions", {**CHAT, "store": False}, headers=key)
    assert lenient.status_code == 200


@pytest.mark.parametrize("path,body", [("/chat/completions", CHAT), ("/responses", RESPONSES)])
def test_unknown_top_level_fields_are_refused(
    emu: OCIEmulator, bearer_key: str, path: str, body: dict[str, Any]
) -> None:
    headers = {"authorization": f"Bearer {bearer_key}", "OpenAI-Project": emu.project_id}
    refused = post(emu, "/openai/v1" + path, {**body, "temprature": 0.2}, headers=headers)
    assert refused.status_code == 400
    assert refused.json()["code"] == "InvalidParameter"
    assert "temprature" in refused.json()["message"]
    ok = post(emu, "/openai/v1" + path, {**body, "temperature": 0.2, "stream": False},
              headers=headers)
    assert ok.status_code == 200


def test_malformed_json_is_cannot_parse_request(emu: OCIEmulator, bearer_key: str) -> None:
    headers = {"authorization": f"Bearer {bearer_key}", "content-type": "application/json"}
    refused = post(emu, "/openai/v1/chat/completions", data=b'{"model": ', headers=headers)
    assert refused.status_code == 400
    assert refused.json()["code"] == "CannotParseRequest"


def test_a_non_json_content_type_is_refused(emu: OCIEmulator, bearer_key: str) -> None:
    import json

    headers = {"authorization": f"Bearer {bearer_key}", "content-type": "text/plain"}
    refused = post(emu, "/openai/v1/chat/completions", data=json.dumps(CHAT).encode(),
                   headers=headers)
    assert refused.status_code == 400
    assert refused.json()["code"] == "InvalidParameter"
    assert "content type" in refused.json()["message"]


def test_a_wrong_method_is_an_oci_shaped_405(emu: OCIEmulator, bearer_key: str) -> None:
    headers = {"authorization": f"Bearer {bearer_key}"}
    refused = post(emu, "/openai/v1/chat/completions", method="GET", headers=headers)
    assert refused.status_code == 405
    assert refused.json()["code"] == "MethodNotAllowed"
    assert refused.headers["allow"] == "POST"
    assert refused.headers["opc-request-id"]


def test_unknown_routes_are_not_authorized_or_not_found(emu: OCIEmulator, bearer_key: str) -> None:
    headers = {"authorization": f"Bearer {bearer_key}"}
    not_found(post(emu, "/openai/v1/assistants", {}, headers=headers), "/openai/v1/assistants")
