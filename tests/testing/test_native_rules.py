"""The native chat API's rules, credentials, faults, scripting, and the real ``oci`` SDK."""

from __future__ import annotations

import json
from typing import Any

import oci
import pytest
import requests
from native_helpers import (
    COHERE,
    COHERE_WEATHER,
    LLAMA,
    cohere_request,
    dedicated,
    details,
    generic_request,
    on_demand,
    post,
    post_in_process,
)

from agents_oci.testing import OCIEmulator, RawEvents, StreamCut
from agents_oci.testing.native import BEARER_REFUSED
from agents_oci.testing.native_turn import cohere_parameters_schema

# --- the rules -------------------------------------------------------------------------


def refused(response: requests.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message"} and body["code"] == code
    assert response.headers["opc-request-id"]
    return str(body["message"])


@pytest.mark.parametrize(
    ("model", "request_", "expected"),
    [
        (COHERE, generic_request(), "COHERE"),
        ("cohere.command-a-03-2025", generic_request(), "COHERE"),
        (LLAMA, cohere_request(), "GENERIC"),
    ],
)
def test_format_mismatch(
    emu: OCIEmulator, model: str, request_: dict[str, Any], expected: str
) -> None:
    message = refused(post(emu, details(emu, request_, on_demand(model))), 400, "InvalidParameter")
    assert f"{model} takes chatRequest.apiFormat {expected}" in message


def test_format_mismatch_on_a_dedicated_endpoint(emu: OCIEmulator) -> None:
    endpoint = emu.add_dedicated_endpoint()
    response = post(emu, details(emu, generic_request(), dedicated(endpoint)))
    message = refused(response, 400, "InvalidParameter")
    assert "takes chatRequest.apiFormat COHERE" in message and endpoint in message


def test_unknown_or_missing_api_format(emu: OCIEmulator) -> None:
    for api_format in ("COHEREV3", None):
        request = {**cohere_request(), "apiFormat": api_format}
        message = refused(post(emu, details(emu, request)), 400, "InvalidParameter")
        assert "COHERE, COHEREV2 or GENERIC" in message


def test_coherev2_is_accepted_for_cohere_models_only(emu: OCIEmulator) -> None:
    v2 = {"apiFormat": "COHEREV2",
          "messages": [{"role": "USER", "content": [{"type": "TEXT", "text": "hi"}]}]}
    answer = post(emu, details(emu, v2)).json()["chatResponse"]
    assert answer["apiFormat"] == "COHEREV2" and answer["finishReason"] == "COMPLETE"
    assert answer["message"]["content"] == [{"type": "TEXT", "text": "You said: hi"}]
    llama = {"servingType": "ON_DEMAND", "modelId": "meta.llama-3.3-70b-instruct"}
    message = refused(post(emu, details(emu, v2, llama)), 400, "InvalidParameter")
    assert "GENERIC" in message


def test_compartment_is_required_in_the_body(emu: OCIEmulator) -> None:
    body = details(emu, cohere_request())
    del body["compartmentId"]
    headers = {"opc-compartment-id": emu.compartment_id}  # a header does not replace it
    message = refused(post(emu, body, headers=headers), 400, "MissingParameter")
    assert "compartmentId" in message


def test_serving_mode_and_request_are_required(emu: OCIEmulator) -> None:
    body = details(emu, cohere_request())
    assert "servingMode" in refused(
        post(emu, {**body, "servingMode": None}), 400, "MissingParameter"
    )
    assert "chatRequest" in refused(
        post(emu, {**body, "chatRequest": None}), 400, "MissingParameter"
    )
    odd = {"servingType": "BATCH", "modelId": COHERE}
    assert "ON_DEMAND or DEDICATED" in refused(
        post(emu, {**body, "servingMode": odd}), 400, "InvalidParameter"
    )
    assert "modelId" in refused(
        post(emu, {**body, "servingMode": {"servingType": "ON_DEMAND"}}), 400, "MissingParameter"
    )
    assert refused(post(emu, [1, 2]), 400, "InvalidParameter")


def test_unknown_model_and_endpoint(emu: OCIEmulator) -> None:
    # A name of its own: the session's shared emulator keeps added models.
    unknown = details(emu, generic_request(), on_demand("acme.native-probe"))
    assert "acme.native-probe" in refused(post(emu, unknown), 404, "NotAuthorizedOrNotFound")
    emu.add_model("acme.native-probe")
    assert post(emu, unknown).status_code == 200
    endpoint = "ocid1.generativeaiendpoint.oc1.us-chicago-1.amaaaaaaunknown"
    response = post(emu, details(emu, cohere_request(), dedicated(endpoint)))
    assert endpoint in refused(response, 404, "NotAuthorizedOrNotFound")
    responses_only = details(emu, generic_request(), on_demand("openai.gpt-5.5-pro"))
    assert "Responses API" in refused(post(emu, responses_only), 400, "InvalidParameter")


@pytest.mark.parametrize("model", ["cohere.command-r-plus", "cohere.command-r-16k"])
def test_cohere_r_stays_refused_on_openai_routes(
    emu: OCIEmulator, bearer_key: str, model: str
) -> None:
    response = requests.post(
        f"{emu.base_url}/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": "hi"}]},
        headers={"authorization": f"Bearer {bearer_key}"},
        timeout=10,
    )
    assert response.json()["message"].startswith("Unsupported OpenAI operation")


def test_native_only_models_are_not_listed(emu: OCIEmulator, bearer_key: str) -> None:
    listed = requests.get(
        f"{emu.base_url}/models", headers={"authorization": f"Bearer {bearer_key}"}, timeout=10
    ).json()
    assert "cohere.command-r-16k" not in {model["id"] for model in listed["data"]}


# --- credentials ------------------------------------------------------------------------


def test_bearer_keys_are_refused(emu: OCIEmulator, bearer_key: str) -> None:
    headers = {"authorization": f"Bearer {bearer_key}"}
    response = post(emu, details(emu, cohere_request()), headers=headers, unsigned=True)
    refused(response, 401, "NotAuthenticated")
    entry = emu.journal.last
    assert entry.auth_scheme == "bearer" and entry.principal is None
    assert entry.auth_error == BEARER_REFUSED


def test_signatures_are_verified(emu: OCIEmulator) -> None:
    refused(post(emu, details(emu, cohere_request()), unsigned=True), 401, "NotAuthenticated")
    assert emu.journal.last.auth_error == "missing Authorization header"
    body = details(emu, cohere_request("signed"))
    prepared = requests.Request("POST", emu.native_chat_url, json=body).prepare()
    emu.credentials.api_key_signer()(prepared)
    prepared.body = json.dumps(details(emu, cohere_request("tampered"))).encode()
    prepared.headers["content-length"] = str(len(prepared.body))
    refused(requests.Session().send(prepared, timeout=10), 401, "NotAuthenticated")
    assert emu.journal.last.auth_error == "x-content-sha256 does not match the body"


@pytest.mark.parametrize("kind", ["user", "workload", "instance"])
def test_other_principals(emu: OCIEmulator, kind: str) -> None:
    kit = emu.credentials
    signer = {
        "user": kit.session_token_signer,  # a session token's principal type is "user"
        "workload": kit.oke_workload_identity_signer,
        "instance": kit.instance_principal_signer,
    }[kind]()
    assert post(emu, details(emu, cohere_request()), signer=signer).status_code == 200
    assert emu.journal.last.principal_type == kind


async def test_in_process(emu: OCIEmulator) -> None:
    response = await post_in_process(emu, details(emu, cohere_request("inside")))
    assert response.json()["chatResponse"]["text"] == "You said: inside"
    assert emu.journal.last.headers["host"].startswith("inference.generativeai.us-chicago-1.")


# --- faults and scripting ---------------------------------------------------------------


def test_faults_apply(emu: OCIEmulator) -> None:
    emu.faults.fail_next(status=429, path_suffix="/actions/chat")
    refused(post(emu, details(emu, cohere_request())), 429, "TooManyRequests")
    emu.queue_text("one two three four five six")
    emu.faults.cut_stream(after_events=2)
    body = details(emu, generic_request(isStream=True), on_demand(LLAMA))
    received = b""
    with (
        pytest.raises(requests.exceptions.ChunkedEncodingError),
        requests.post(
            emu.native_chat_url,
            json=body,
            auth=emu.credentials.api_key_signer(),
            stream=True,
            timeout=10,
        ) as response,
    ):
        for piece in response.iter_content(chunk_size=None):
            received += piece
    assert received.count(b"data: ") == 2
    assert emu.journal.last.fault == "stream cut after 2 events"


async def test_in_process_cut_raises(emu: OCIEmulator) -> None:
    # The ASGI transport has no socket to drop: it raises the app's exception.
    emu.faults.cut_stream(after_events=1)
    with pytest.raises(StreamCut):
        await post_in_process(emu, details(emu, cohere_request(isStream=True)))


def test_scripted_replies(emu: OCIEmulator) -> None:
    emu.queue_tool_call("get_weather", {"city": "Bern"}, call_id="call_given")
    request = generic_request(tools=[], isStream=False)
    message = post(emu, details(emu, request, on_demand(LLAMA))).json()["chatResponse"]
    assert message["choices"][0]["message"]["toolCalls"][0]["id"] == "call_given"
    raw_event = {"apiFormat": "COHERE", "text": "exact"}
    emu.queue_raw(RawEvents(events=(raw_event, "not json")), RawEvents(body={"exact": True}))
    response = post(emu, details(emu, cohere_request(isStream=True)))
    assert response.text == 'data: {"apiFormat":"COHERE","text":"exact"}\n\ndata: not json\n\n'
    assert post(emu, details(emu, cohere_request())).json() == {"exact": True}
    emu.queue_tool_call("get_weather", "not an object")
    message = refused(post(emu, details(emu, cohere_request())), 500, "InternalServerError")
    assert "COHERE format needs a JSON object" in message


def test_cohere_parameter_types() -> None:
    definitions = {
        "s": {"type": "str"},
        "i": {"type": "int", "isRequired": True},
        "f": {"type": "float"},
        "b": {"type": "bool"},
        "l": {"type": "List[int]"},
        "d": {"type": "Dict"},
        "j": {"type": "number"},
        "u": {"type": "Weird"},
        "n": {},
    }
    schema = cohere_parameters_schema(definitions)
    assert schema["required"] == ["i"]
    assert {k: v["type"] for k, v in schema["properties"].items()} == {
        "s": "string",
        "i": "integer",
        "f": "number",
        "b": "boolean",
        "l": "array",
        "d": "object",
        "j": "number",
        "u": "string",
        "n": "string",
    }
    assert schema["properties"]["l"]["items"] == {"type": "integer"}
    assert cohere_parameters_schema(None) == {"type": "object", "properties": {}, "required": []}


# --- the real oci SDK client ------------------------------------------------------------


def sdk_client(emu: OCIEmulator) -> Any:
    from oci.generative_ai_inference import GenerativeAiInferenceClient

    assert emu.root_url.startswith("http://127.0.0.1:")  # loopback only
    config = oci.config.from_file(emu.config_file, "DEFAULT")
    return GenerativeAiInferenceClient(
        config, service_endpoint=emu.root_url, retry_strategy=oci.retry.NoneRetryStrategy()
    )


def test_oci_sdk_cohere(emu: OCIEmulator) -> None:
    from oci.generative_ai_inference import models as m

    client = sdk_client(emu)
    weather = m.CohereTool(
        name="get_weather",
        description=COHERE_WEATHER["description"],
        parameter_definitions={
            "city": m.CohereParameterDefinition(type="str", description="A city", is_required=True)
        },
    )
    request = m.CohereChatRequest(
        message="Weather in Paris?", preamble_override="Be brief.", tools=[weather]
    )
    mode = m.OnDemandServingMode(model_id=COHERE)
    chat_details = m.ChatDetails(
        compartment_id=emu.compartment_id, serving_mode=mode, chat_request=request
    )
    result = client.chat(chat_details)
    assert result.status == 200 and result.headers["opc-request-id"]
    response = result.data.chat_response
    assert isinstance(result.data, m.ChatResult) and result.data.model_id == COHERE
    assert isinstance(response, m.CohereChatResponse) and response.finish_reason == "COMPLETE"
    (call,) = response.tool_calls
    assert isinstance(call, m.CohereToolCall) and call.parameters == {"city": "Paris"}
    user, bot = response.chat_history
    assert isinstance(user, m.CohereUserMessage) and isinstance(bot, m.CohereChatBotMessage)
    assert isinstance(response.usage, m.Usage) and response.usage.total_tokens > 0
    sent = emu.journal.last.body
    assert sent["chatRequest"]["tools"][0]["parameterDefinitions"]["city"]["isRequired"] is True
    request = m.CohereChatRequest(
        message="",
        chat_history=response.chat_history,
        tools=[weather],
        tool_results=[m.CohereToolResult(call=call, outputs=[{"output": "Sunny"}])],
    )
    endpoint = emu.add_dedicated_endpoint()
    chat_details.chat_request = request
    chat_details.serving_mode = m.DedicatedServingMode(endpoint_id=endpoint)
    response = client.chat(chat_details).data.chat_response
    assert response.text == "Tool get_weather returned: Sunny"
    assert isinstance(response.chat_history[2], m.CohereToolMessage)


def test_oci_sdk_generic(emu: OCIEmulator) -> None:
    from oci.generative_ai_inference import models as m

    client = sdk_client(emu)
    messages: list[Any] = [
        m.SystemMessage(content=[m.TextContent(text="Be brief.")]),
        m.UserMessage(content=[m.TextContent(text="Weather in Paris?")]),
    ]
    tool = m.FunctionDefinition(
        name="get_weather",
        parameters={"type": "object", "properties": {"city": {"type": "string"}}},
    )
    request = m.GenericChatRequest(messages=messages, tools=[tool])
    chat_details = m.ChatDetails(
        compartment_id=emu.compartment_id,
        serving_mode=m.OnDemandServingMode(model_id=LLAMA),
        chat_request=request,
    )
    response = client.chat(chat_details).data.chat_response
    assert isinstance(response, m.GenericChatResponse) and response.time_created is not None
    (choice,) = response.choices
    assert isinstance(choice, m.ChatChoice) and choice.finish_reason == "tool_calls"
    assert isinstance(choice.message, m.AssistantMessage) and choice.message.content is None
    (call,) = choice.message.tool_calls
    assert isinstance(call, m.FunctionCall) and json.loads(call.arguments) == {"city": "Paris"}
    messages += [
        m.AssistantMessage(tool_calls=[call]),
        m.ToolMessage(tool_call_id=call.id, content=[m.TextContent(text="Windy")]),
    ]
    response = client.chat(chat_details).data.chat_response
    (part,) = response.choices[0].message.content
    assert isinstance(part, m.TextContent) and part.text == "Tool get_weather returned: Windy"
    assert response.usage.prompt_tokens > 0
