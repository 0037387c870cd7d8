"""Oracle's auth objects passed as ``auth=``: oci-openai and oci-genai-auth, through the Runner.

Each auth object is Oracle's real class. Three of the four are constructed for
real against the emulator's credentials (its config file, its resource
principal environment). ``OciInstancePrincipalAuth`` would call the instance
metadata service (169.254.169.254) from its constructor, so the ``oci`` SDK
class it builds is replaced, for that construction only, by the emulator's
fake instance principal signer (the SDK's own X509 federation signer over a
fake federation client).

Every auth object here has its ``auth_flow`` replaced by one that fails the
test: agents_oci must only borrow the signer.
"""

from __future__ import annotations

import asyncio
import importlib
import pickle
import threading
from types import ModuleType
from typing import Any

import oci
import openai
import pytest
from agents import Agent, RunConfig, Runner

from agents_oci import (
    ConflictingArgumentsError,
    CredentialsError,
    MissingCompartmentError,
    OCIChatCompletionsModel,
    OCINativeModel,
    OCIProvider,
    OCIResponsesModel,
    UnsupportedClientError,
)
from agents_oci.testing import OCIEmulator

from .conftest import CHAT_MODEL, RESPONSES_MODEL

NOT_AUTHENTICATED = {"code": "NotAuthenticated", "message": "The security token has expired."}
KINDS = ("user", "session", "instance", "resource")
CLASSES = {
    "user": "OciUserPrincipalAuth",
    "session": "OciSessionAuth",
    "instance": "OciInstancePrincipalAuth",
    "resource": "OciResourcePrincipalAuth",
}
PTYPES = {"user": "api_key", "session": "user", "instance": "instance", "resource": "resource"}


def _package(name: str) -> Any:
    if name == "oci_genai_auth":
        return pytest.param(name, marks=pytest.mark.skipif(
            importlib.util.find_spec(name) is None,
            reason="oci-genai-auth is not installed (it is in the dev extra)",
        ))
    return name


PACKAGES = [_package("oci_openai"), _package("oci_genai_auth")]


def key_id(entry: Any) -> str:
    header = entry.headers["authorization"]
    return str(header.split('keyId="', 1)[1].split('"', 1)[0])


def forbid_auth_flow(auth: Any) -> Any:
    """Make the object's own httpx flow (and its on-loop refresh) fail if anything runs it."""

    def boom(*args: object, **kwargs: object) -> Any:
        raise AssertionError(f"{type(auth).__name__}'s own auth flow ran")

    for name in ("auth_flow", "sync_auth_flow", "async_auth_flow", "_refresh_if_needed"):
        setattr(auth, name, boom)
    return auth


def make_auth(
    package: str, kind: str, emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, **signer: Any
) -> Any:
    """One of Oracle's four auth classes, built by its own constructor."""
    module: ModuleType = importlib.import_module(package)
    cls = getattr(module, CLASSES[kind])
    if kind in ("user", "session"):
        profile = "DEFAULT" if kind == "user" else "SESSION"
        return forbid_auth_flow(cls(config_file=str(emu.config_file), profile_name=profile))
    if kind == "resource":
        for name, value in emu.credentials.resource_principal_environment().items():
            monkeypatch.setenv(name, value)
        return forbid_auth_flow(cls())
    fake = emu.credentials.instance_principal_signer(**signer)
    with monkeypatch.context() as patch:
        # Only for the constructor: the real class would ask 169.254.169.254.
        patch.setattr(oci.auth.signers, "InstancePrincipalsSecurityTokenSigner", lambda **kw: fake)
        auth = cls()
    assert auth.signer is fake
    return forbid_auth_flow(auth)


def provider(emu: OCIEmulator, auth: Any) -> OCIProvider:
    return OCIProvider(
        auth=auth, base_url=emu.base_url, compartment_id=emu.compartment_id, project_id=emu.project_id
    )


async def ask(oci_provider: OCIProvider, text: str, model: str = CHAT_MODEL) -> str:
    agent = Agent(name="assistant", model=model)
    result = await Runner.run(agent, text, run_config=RunConfig(model_provider=oci_provider))
    return str(result.final_output)


# --- each class, each package ----------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("kind", KINDS)
async def test_each_auth_class_signs_every_request_with_its_own_signer(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str, kind: str
) -> None:
    auth = make_auth(package, kind, emu, monkeypatch)
    oci_provider = provider(emu, auth)
    assert "chat hello" in await ask(oci_provider, "chat hello")
    assert "responses hello" in await ask(oci_provider, "responses hello", f"responses:{RESPONSES_MODEL}")
    for entry in emu.journal.entries:
        assert entry.status == 200 and entry.auth_error is None, entry.auth_error
        assert entry.principal_type == PTYPES[kind]
        assert key_id(entry) == auth.signer.api_key  # the auth object's own credential
        assert entry.headers["opc-compartment-id"] == emu.compartment_id
    assert len(emu.journal.entries) == 2
    settings = oci_provider._connection.settings  # type: ignore[union-attr]
    label = f"auth= ({package}.{CLASSES[kind]})"
    assert settings.auth_type.source == label
    assert f"auth={package}.{CLASSES[kind]}" in repr(oci_provider._connection.options)  # type: ignore[union-attr]
    if kind in ("user", "session"):
        # Where the auth object read its profile, and the region it holds.
        assert settings.profile.value == auth.profile_name and settings.profile.source == label
        assert settings.region.value == emu.region and settings.region.source == label
    await oci_provider.aclose()


@pytest.mark.parametrize("package", PACKAGES)
async def test_models_take_auth_too_and_stream(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    auth = make_auth(package, "session", emu, monkeypatch)
    keywords = {"auth": auth, "base_url": emu.base_url, "compartment_id": emu.compartment_id,
                "project_id": emu.project_id}
    models = [
        OCIChatCompletionsModel(CHAT_MODEL, **keywords),
        OCIResponsesModel(RESPONSES_MODEL, **keywords),
        OCINativeModel("cohere.command-r-plus-08-2024", **keywords),
    ]
    for model in models:
        result = Runner.run_streamed(Agent(name="a", model=model), f"streamed {type(model).__name__}")
        async for _ in result.stream_events():
            pass
        assert f"streamed {type(model).__name__}" in str(result.final_output)
        await model.close()
    assert [e.status for e in emu.journal.entries] == [200, 200, 200]
    assert {key_id(e) for e in emu.journal.entries} == {auth.signer.api_key}


# --- refresh ------------------------------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
async def test_instance_principal_keeps_refreshing_off_the_loop(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    # A token with 100 s left is inside the 300 s advisory window: the first
    # request starts a background refresh and is signed with the current token;
    # once the refresh is done, requests carry the new one. The federation
    # client renews whenever asked (jitter above the lifetime).
    auth = make_auth(package, "instance", emu, monkeypatch, ttl=100.0, expiry_jitter=200.0, refresh_delay=0.05)
    oci_provider = provider(emu, auth)
    client = auth.signer.federation_client
    refresher = oci_provider._connection.refresher  # type: ignore[union-attr]
    assert refresher is not None and refresher.refresh_count == 0
    built = client.refresh_count  # loading the first key at construction renews too
    assert "first" in await ask(oci_provider, "first")
    for _ in range(300):
        if refresher.refresh_count:
            break
        await asyncio.sleep(0.01)
    assert refresher.refresh_count == 1 and client.refresh_count > built
    assert "second" in await ask(oci_provider, "second")
    first, second = (key_id(e) for e in emu.journal.entries)
    assert first != second and second == auth.signer.api_key
    assert threading.main_thread() not in client.refresh_threads[built:]
    await oci_provider.aclose()


@pytest.mark.parametrize("package", PACKAGES)
async def test_concurrent_runs_on_one_auth_object_survive_a_401(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    """The case Oracle's own auth_flow deadlocks on: many requests, one 401, one refresh."""
    auth = make_auth(package, "instance", emu, monkeypatch, refresh_delay=0.3)
    oci_provider = provider(emu, auth)
    await ask(oci_provider, "warm up")
    emu.reset()
    emu.faults.fail_next(1, status=401, body=NOT_AUTHENTICATED)
    before = auth.signer.refresh_count
    answers = await asyncio.wait_for(
        asyncio.gather(*(ask(oci_provider, f"question {i}") for i in range(10))), timeout=30
    )
    assert all(f"question {i}" in a for i, a in enumerate(answers))
    assert auth.signer.refresh_count - before == 1
    assert sorted(e.status for e in emu.journal.entries) == [200] * 10 + [401]
    rejected = next(e for e in emu.journal.entries if e.status == 401)
    resent = [e for e in emu.journal.entries if e.raw_body == rejected.raw_body and e.status == 200]
    assert len(resent) == 1 and key_id(resent[0]) != key_id(rejected)
    await oci_provider.aclose()


@pytest.mark.parametrize("package", PACKAGES)
async def test_session_401_re_signs_with_the_token_refreshed_on_disk(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    auth = make_auth(package, "session", emu, monkeypatch)
    first_signer = auth.signer
    oci_provider = provider(emu, auth)
    await ask(oci_provider, "before")
    old = emu.credentials.session_token
    emu.credentials.revoke_tokens()
    new = emu.credentials.rotate_session_token()  # `oci session refresh` in another shell
    assert "after" in await ask(oci_provider, "after")
    first, rejected, resent = emu.journal.entries
    assert (first.status, rejected.status, resent.status) == (200, 401, 200)
    assert key_id(rejected) == f"ST${old}" and key_id(resent) == f"ST${new}"
    assert resent.raw_body == rejected.raw_body
    # The auth object refreshed itself (its own _refresh_signer), and holds the new token.
    assert auth.signer is not first_signer and auth.signer.api_key == f"ST${new}"
    await oci_provider.aclose()


@pytest.mark.parametrize("package", PACKAGES)
async def test_resource_principal_401_re_signs_after_rotation(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    auth = make_auth(package, "resource", emu, monkeypatch)
    oci_provider = provider(emu, auth)
    await ask(oci_provider, "before")
    emu.credentials.revoke_tokens()
    emu.credentials.rotate_resource_principal_token()
    assert "after" in await ask(oci_provider, "after")
    first, rejected, resent = emu.journal.entries
    assert (first.status, rejected.status, resent.status) == (200, 401, 200)
    assert key_id(resent) != key_id(first) and key_id(resent) == auth.signer.api_key
    await oci_provider.aclose()


@pytest.mark.parametrize("package", PACKAGES)
async def test_api_key_auth_401_is_not_retried(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    oci_provider = provider(emu, make_auth(package, "user", emu, monkeypatch))
    emu.faults.fail_next(1, status=401, body=NOT_AUTHENTICATED)
    with pytest.raises(openai.AuthenticationError):
        await ask(oci_provider, "hi")
    assert [e.status for e in emu.journal.entries] == [401]
    await oci_provider.aclose()


# --- pickling, conflicts, bad input ------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_pickling_is_refused_with_the_keywords_to_pass_instead(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str, kind: str
) -> None:
    auth = make_auth(package, kind, emu, monkeypatch)
    instead = {
        "user": "profile='DEFAULT'",
        "session": "profile='SESSION'",
        "instance": "auth_type='instance_principal'",
        "resource": "auth_type='resource_principal'",
    }[kind]
    keywords = {"auth": auth, "base_url": emu.base_url, "compartment_id": emu.compartment_id}
    for thing in (OCIProvider(**keywords), OCIChatCompletionsModel(CHAT_MODEL, **keywords)):
        with pytest.raises(TypeError, match="cannot be pickled") as caught:
            pickle.dumps(thing)
        message = str(caught.value)
        assert instead in message and "auth=" in message and "private key" in message
        assert auth.signer.api_key not in message


@pytest.mark.parametrize(
    "keyword",
    ["signer", "api_key", "auth_type", "profile", "config_file"],
)
def test_auth_with_another_auth_keyword_is_a_conflict(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, keyword: str
) -> None:
    auth = make_auth("oci_openai", "session", emu, monkeypatch)
    value = {
        "signer": emu.credentials.api_key_signer(),
        "api_key": "sk-x",
        "auth_type": "security_token",
        "profile": "SESSION",
        "config_file": str(emu.config_file),
    }[keyword]
    extra = {keyword: value}
    for build in (
        lambda: OCIProvider(auth=auth, base_url=emu.base_url, **extra),
        lambda: OCIResponsesModel(RESPONSES_MODEL, auth=auth, base_url=emu.base_url, **extra),
        lambda: OCINativeModel(CHAT_MODEL, auth=auth, base_url=emu.base_url, **extra),
    ):
        with pytest.raises(ConflictingArgumentsError, match=f"auth= cannot be combined with {keyword}="):
            build()
    assert not emu.journal.entries


def test_auth_with_openai_client_is_a_conflict(emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    auth = make_auth("oci_openai", "user", emu, monkeypatch)
    client = openai.AsyncOpenAI(base_url=emu.base_url, api_key="x")
    with pytest.raises(ConflictingArgumentsError, match="openai_client= cannot be combined with auth"):
        OCIProvider(auth=auth, openai_client=client)


def test_auth_without_a_compartment_names_the_fix(emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    auth = make_auth("oci_openai", "instance", emu, monkeypatch)
    with pytest.raises(MissingCompartmentError, match=r"auth= \(oci_openai.OciInstancePrincipalAuth\).*compartment_id="):
        OCIProvider(auth=auth, base_url=emu.base_url)
    monkeypatch.setenv("OCI_COMPARTMENT_ID", emu.compartment_id)
    settings = OCIProvider(auth=auth, base_url=emu.base_url)._connection.settings  # type: ignore[union-attr]
    assert settings.compartment_id.source == "environment OCI_COMPARTMENT_ID"
    assert settings.region.value == auth.signer.region  # the principal's region


@pytest.mark.parametrize("value", [object(), "OciSessionAuth", oci.signer])
def test_auth_that_is_not_an_auth_object_is_refused(emu: OCIEmulator, value: object) -> None:
    with pytest.raises(CredentialsError, match="not one of Oracle's auth objects"):
        OCIProvider(auth=value, base_url=emu.base_url, compartment_id=emu.compartment_id)


# --- Oracle's own client as openai_client= --------------------------------------------


OPENAI_3 = int(openai.__version__.split(".", 1)[0]) >= 3
needs_openai_2 = pytest.mark.skipif(
    OPENAI_3,
    reason="openai 3.x: AsyncOciOpenAI cannot even be constructed (it hands an httpx.Auth to "
    "an httpx2 client: TypeError 'Invalid \"auth\" argument'), so there is nothing to refuse",
)


@needs_openai_2
def test_async_oci_openai_as_openai_client_is_refused_with_the_fix(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oci_openai import AsyncOciOpenAI

    auth = make_auth("oci_openai", "session", emu, monkeypatch)
    client = AsyncOciOpenAI(auth=auth, base_url=emu.base_url, compartment_id=emu.compartment_id)
    with pytest.raises(TypeError):
        client.with_options(max_retries=0)  # what the Runner does for its own retries
    for build in (
        lambda: OCIProvider(openai_client=client),
        lambda: OCIChatCompletionsModel(CHAT_MODEL, openai_client=client),
        lambda: OCIResponsesModel(RESPONSES_MODEL, openai_client=client),
    ):
        with pytest.raises(UnsupportedClientError) as caught:
            build()
        message = str(caught.value)
        assert "with_options()" in message and "deadlock" in message
        assert "auth=<oci_openai.OciSessionAuth>" in message
    # And what the message says to do instead works.
    oci_provider = OCIProvider(auth=auth, base_url=emu.base_url, compartment_id=emu.compartment_id)
    assert "instead" in asyncio.run(ask(oci_provider, "instead"))


@pytest.mark.skipif(
    OPENAI_3,
    reason="openai 3.x: its httpx2 client refuses Oracle's httpx.Auth objects (TypeError "
    "'Invalid \"auth\" argument'), so no such client can be built",
)
@pytest.mark.parametrize("package", PACKAGES)
def test_a_plain_client_over_oracle_auth_flow_is_refused(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    import httpx

    auth = make_auth(package, "user", emu, monkeypatch)
    client = openai.AsyncOpenAI(
        base_url=emu.base_url, api_key="x", http_client=httpx.AsyncClient(auth=auth)
    )
    with pytest.raises(UnsupportedClientError, match="deadlock") as caught:
        OCIProvider(openai_client=client)
    assert "with_options" not in str(caught.value)  # that one works on a plain client
    assert f"auth=<{package}.OciUserPrincipalAuth>" in str(caught.value)


@pytest.mark.parametrize("package", PACKAGES)
def test_a_session_token_that_cannot_be_reread_names_the_fix(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    from agents_oci.auth.oracle import OracleAuthSource

    source = OracleAuthSource(make_auth(package, "session", emu, monkeypatch))
    assert source.can_refresh and source.load(force=False).key_id.startswith("ST$")
    emu.credentials.security_token_file.unlink()
    with pytest.raises(CredentialsError, match=r"oci session refresh --profile SESSION") as caught:
        source.load(force=True)
    assert f"auth= ({package}.OciSessionAuth)" in str(caught.value)
