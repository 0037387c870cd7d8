"""OCI failures come out typed, with the request id and the fix; unknown ones pass through."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from agents import Agent, ModelSettings, RunConfig, Runner

from agents_oci import (
    AuthenticationFailedError,
    NotAuthorizedOrNotFoundError,
    OCIProvider,
    OCIServiceError,
    ProjectRequiredError,
    ResponsesOnlyModelError,
    ResponsesStateLostError,
    UnsupportedOperationError,
    ZeroDataRetentionError,
)
from agents_oci.testing import OCIEmulator

from .conftest import CHAT_MODEL, RESPONSES_MODEL, auth_for

NOT_AUTHENTICATED = {"code": "NotAuthenticated", "message": "The required information to complete authentication was not provided or was incorrect."}


async def run(oci: OCIProvider, model: Any, *, stream: bool, **kwargs: Any) -> Any:
    settings = kwargs.pop("model_settings", ModelSettings())
    agent = Agent(name="a", model=model, model_settings=settings)
    config = RunConfig(model_provider=oci)
    if not stream:
        return await Runner.run(agent, "hello", run_config=config, **kwargs)
    result = Runner.run_streamed(agent, "hello", run_config=config, **kwargs)
    async for _ in result.stream_events():
        pass
    return result


def check(error: BaseException, kind: type[Any], openai_class: type[Any], emu: OCIEmulator, *fixes: str) -> None:
    assert isinstance(error, kind) and isinstance(error, OCIServiceError)
    assert isinstance(error, openai_class) and isinstance(error, openai.APIStatusError)
    request_id = emu.journal.last.request_id
    assert error.opc_request_id == request_id and request_id in str(error)
    for fix in fixes:
        assert fix in error.hint and fix in str(error), (fix, error.hint)


@pytest.fixture(params=["json", "stream"])
def stream(request: pytest.FixtureRequest) -> bool:
    return bool(request.param == "stream")


@pytest.fixture(params=["oci", "openai"])
def error_style(request: pytest.FixtureRequest, emu: OCIEmulator) -> str:
    emu.rules.error_style = request.param
    return str(request.param)


async def test_unknown_model_names_region_compartment_and_model(
    emu: OCIEmulator, stream: bool, error_style: str
) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    with pytest.raises(NotAuthorizedOrNotFoundError) as caught:
        await run(oci, "meta.llama-9-imaginary", stream=stream)
    check(caught.value, NotAuthorizedOrNotFoundError, openai.NotFoundError, emu,
          "meta.llama-9-imaginary", "us-chicago-1", emu.compartment_id)
    if error_style == "oci":
        assert caught.value.oci_code == "NotAuthorizedOrNotFound"
    await oci.aclose()


async def test_project_required(emu: OCIEmulator, stream: bool, error_style: str) -> None:
    emu.rules.require_project = True
    keywords = auth_for(emu, "api_key").keywords
    del keywords["project_id"]  # the emulator's project would satisfy the rule
    oci = OCIProvider(**keywords)
    with pytest.raises(ProjectRequiredError) as caught:
        await run(oci, CHAT_MODEL, stream=stream)
    check(caught.value, ProjectRequiredError, openai.NotFoundError, emu, "OCI_PROJECT_ID", "project_id=")
    await oci.aclose()


async def test_responses_state_lost(emu: OCIEmulator, stream: bool, error_style: str) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    with pytest.raises(ResponsesStateLostError) as caught:
        await run(oci, f"responses:{RESPONSES_MODEL}", stream=stream, previous_response_id="resp_gone")
    check(caught.value, ResponsesStateLostError, openai.NotFoundError, emu, "store=False")
    await oci.aclose()


async def test_zero_data_retention(emu: OCIEmulator, stream: bool, error_style: str) -> None:
    emu.rules.zdr = True
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    with pytest.raises(ZeroDataRetentionError) as caught:
        await run(oci, f"responses:{RESPONSES_MODEL}", stream=stream, model_settings=ModelSettings(store=True))
    check(caught.value, ZeroDataRetentionError, openai.BadRequestError, emu, "ModelSettings(store=False)")
    await oci.aclose()


async def test_cohere_r_needs_the_native_api(emu: OCIEmulator, stream: bool) -> None:
    # The provider routes cohere.command-r* to the native API; a chat model built
    # by hand still reaches /openai/v1, where OCI refuses it.
    from agents_oci import OCIChatCompletionsModel

    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    model = OCIChatCompletionsModel("cohere.command-r-plus", **auth_for(emu, "api_key").keywords)
    with pytest.raises(UnsupportedOperationError) as caught:
        await run(oci, model, stream=stream)  # type: ignore[arg-type]
    check(caught.value, UnsupportedOperationError, openai.BadRequestError, emu, "native chat API")
    await oci.aclose()


async def test_responses_only_model_on_chat(emu: OCIEmulator, stream: bool) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    with pytest.raises(ResponsesOnlyModelError) as caught:
        await run(oci, "openai.gpt-5.5-pro", stream=stream)
    check(caught.value, ResponsesOnlyModelError, openai.BadRequestError, emu,
          "responses:openai.gpt-5.5-pro", "OCIResponsesModel")
    await oci.aclose()


@pytest.mark.parametrize(
    ("auth", "fix"),
    [
        ("api_key", "fingerprint in profile [DEFAULT]"),
        ("session", "oci session refresh --profile SESSION"),
        ("instance_principal", "dynamic group"),
        ("resource_principal", "dynamic group"),
    ],
)
async def test_authentication_hint_depends_on_the_auth_mode(emu: OCIEmulator, auth: str, fix: str) -> None:
    oci = OCIProvider(**auth_for(emu, auth).keywords)
    emu.faults.fail_next(2, status=401, body=NOT_AUTHENTICATED)  # survives the one refresh
    with pytest.raises(AuthenticationFailedError) as caught:
        await run(oci, CHAT_MODEL, stream=False)
    check(caught.value, AuthenticationFailedError, openai.AuthenticationError, emu, fix, "clock")
    statuses = [e.status for e in emu.journal.entries]
    # One re-send, and only with a new credential: principals mint a new token;
    # an API key cannot change, and a session token nobody refreshed on disk is
    # the same token (sending it again would only earn the same 401).
    assert statuses == ([401, 401] if auth.endswith("principal") else [401])
    await oci.aclose()


async def test_unknown_errors_pass_through_unchanged(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    emu.faults.fail_next(1, status=422, body={"code": "Odd", "message": "something new"})
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        await run(oci, CHAT_MODEL, stream=False)
    assert not isinstance(caught.value, OCIServiceError)
    assert caught.value.__cause__ is None
    await oci.aclose()


async def test_a_callers_client_gets_typed_errors_too(emu: OCIEmulator) -> None:
    key = emu.register_bearer_key()
    from agents_oci import OCIChatCompletionsModel

    model = OCIChatCompletionsModel("meta.llama-9-imaginary", openai_client=openai.AsyncOpenAI(base_url=emu.base_url, api_key=key))
    agent = Agent(name="a", model=model)
    with pytest.raises(NotAuthorizedOrNotFoundError) as caught:
        await Runner.run(agent, "hi")
    assert "meta.llama-9-imaginary" in caught.value.hint


async def test_typed_errors_survive_pickling(emu: OCIEmulator) -> None:
    """Worker processes send errors back pickled; plain openai errors cannot make the trip."""
    import pickle

    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    with pytest.raises(NotAuthorizedOrNotFoundError) as caught:
        await run(oci, "meta.llama-9-imaginary", stream=False)
    error = caught.value
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and isinstance(copy, openai.NotFoundError)
    assert (copy.opc_request_id, copy.oci_code, copy.hint, copy.status_code) == (
        error.opc_request_id, error.oci_code, error.hint, error.status_code
    )
    assert str(copy) == str(error) and copy.body == error.body
    assert copy.response.headers["opc-request-id"] == error.opc_request_id
    await oci.aclose()


def _failure(status: int, message: str, **context: Any) -> Any:
    import httpx2

    from agents_oci.service_errors import ErrorContext, openai_class, translate

    request = httpx2.Request("POST", "https://inference.example/openai/v1/chat/completions")
    response = httpx2.Response(status, request=request, headers={"opc-request-id": "rid"})
    body = {"code": "X", "message": message}
    error = openai_class(status)(f"Error code: {status} - {message}", response=response, body=body)
    return translate(error, ErrorContext(**context))


def test_classification_edges() -> None:
    import httpx2  # noqa: F401  (openai 3.x line; the 2.x line runs the same rules via the models)

    given = _failure(404, "Project not found", project_id="ocid1.generativeaiproject.oc1.x.y", region="us-chicago-1")
    assert isinstance(given, ProjectRequiredError) and "refused project" in given.hint
    missing = _failure(404, "A project is required for this operation", region="us-chicago-1")
    assert isinstance(missing, ProjectRequiredError) and "OCI_PROJECT_ID" in missing.hint
    reasoning = _failure(400, "Parameter 'reasoning.summary' is only supported by the Responses API", api="chat")
    assert not isinstance(reasoning, ResponsesOnlyModelError)
    pro = _failure(400, "Model openai.gpt-5.5-pro is only supported by the Responses API", api="chat", model="openai.gpt-5.5-pro")
    assert isinstance(pro, ResponsesOnlyModelError)
    key = _failure(401, "NotAuthenticated", auth_type="genai_api_key", region="eu-frankfurt-1")
    assert isinstance(key, AuthenticationFailedError) and "region=" in key.hint and "eu-frankfurt-1" in key.hint
