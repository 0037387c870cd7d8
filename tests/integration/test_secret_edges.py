"""The edges where a secret slipped out (issue 17): stray newlines, config-file chains, base_url.

Each secret is searched in str(), repr(), the whole ``__cause__`` /
``__context__`` chain, tracebacks formatted with locals, and the DEBUG logs of
openai, httpx/httpx2, httpcore/httpcore2, agents and agents_oci.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from agents import Agent, RunConfig, Runner

from agents_oci import (
    CredentialsError,
    InvalidConfigValueError,
    KeyPassphraseError,
    OCIConfigurationError,
    OCIProvider,
    ProfileNotFoundError,
)
from agents_oci.auth.credentials import SessionTokenSource, load_private_key
from agents_oci.testing import OCIEmulator

from ._leaks import assert_absent, chain_of, debug_logs, error_surfaces
from .conftest import CHAT_MODEL

SECRET = "hunter2-pasted-secret"


async def run_once(provider: OCIProvider) -> str:
    agent = Agent(name="a", model=CHAT_MODEL)
    result = await Runner.run(agent, "hi", run_config=RunConfig(model_provider=provider))
    await provider.aclose()
    return str(result.final_output)


# --- defect 1: a stray newline in a key or token ------------------------------------------


@pytest.mark.parametrize("ending", ["\n", "\r\n", "  \t\n"])
@pytest.mark.parametrize("where", ["argument", "environment"])
async def test_api_key_with_surrounding_whitespace_is_stripped(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, where: str, ending: str
) -> None:
    key = emu.register_bearer_key()
    if where == "argument":
        provider = OCIProvider(api_key=key + ending, base_url=emu.base_url)
    else:
        monkeypatch.setenv("OCI_GENAI_API_KEY", key + ending)
        provider = OCIProvider(base_url=emu.base_url)
    emu.queue_text("ok")
    assert await run_once(provider) == "ok"
    assert emu.journal.last.principal == "bearer"
    assert emu.journal.last.headers["authorization"] == f"Bearer {key}"


@pytest.mark.parametrize("inner", ["\n", "\r\n", "\x00", "\x7f", " ", "é"])
@pytest.mark.parametrize("where", ["argument", "environment"])
def test_api_key_with_a_character_inside_that_breaks_the_header_is_refused(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    where: str, inner: str,
) -> None:
    halves = ("sk-first-half-of-a-key-0123456789", "second-half-of-the-key-abcdefghij")
    key = inner.join(halves)
    if where == "environment":
        if inner == "\x00":
            pytest.skip("an environment variable cannot hold a NUL character")
        monkeypatch.setenv("OCI_GENAI_API_KEY", key)
    with debug_logs(caplog), pytest.raises(InvalidConfigValueError) as caught:
        if where == "argument":
            OCIProvider(api_key=key, base_url=emu.base_url)
        else:
            OCIProvider(base_url=emu.base_url)
    message = str(caught.value)
    setting = "argument api_key" if where == "argument" else "environment OCI_GENAI_API_KEY"
    assert setting in message and "character 34 of" in message and "Fix:" in message
    assert not chain_of(caught.value)
    passed_as = ("api_key",) if where == "argument" else ()
    assert_absent([*halves, key], error_surfaces(caught.value, passed_as=passed_as), caplog.text)
    assert not emu.journal.entries  # refused before any request


def test_whitespace_only_api_key_variable_counts_as_unset(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCI_GENAI_API_KEY", " \r\n")
    provider = OCIProvider(config_file=emu.config_file, base_url=emu.base_url)
    assert provider._connection is not None
    assert provider._connection.settings.auth_type.value == "api_key"  # the profile signs


def test_whitespace_only_api_key_argument_is_an_error(emu: OCIEmulator) -> None:
    with pytest.raises(InvalidConfigValueError, match="only whitespace"):
        OCIProvider(api_key=" \n", base_url=emu.base_url)


def _session_config(emu: OCIEmulator, tmp_path: Path, token: str) -> str:
    token_file = tmp_path / "token"
    token_file.write_text(token)
    original = str(emu.credentials.security_token_file)
    config = tmp_path / "config"
    config.write_text(Path(emu.config_file).read_text().replace(original, str(token_file)))
    return str(config)


def test_session_token_with_a_newline_inside_is_refused(
    emu: OCIEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    token = emu.credentials.session_token
    pieces = [token[:60], token[61:140], token[-60:]]
    broken = token[:60] + "\n" + token[60:] + "\n"  # a line break inside, one at the end
    config = _session_config(emu, tmp_path, broken)
    with debug_logs(caplog), pytest.raises(CredentialsError) as caught:
        OCIProvider(config_file=config, profile="SESSION", base_url=emu.base_url)
    message = str(caught.value)
    assert "security_token_file" in message and "[SESSION]" in message
    assert "line break (LF) at character 61" in message
    assert not chain_of(caught.value)
    assert_absent(pieces, error_surfaces(caught.value), caplog.text)


def test_session_token_broken_on_disk_is_refused_at_reread(emu: OCIEmulator, tmp_path: Path) -> None:
    token = emu.credentials.session_token
    config = _session_config(emu, tmp_path, token + "\n")  # a trailing newline is fine
    provider = OCIProvider(config_file=config, profile="SESSION", base_url=emu.base_url)
    (tmp_path / "token").write_text(token[:100] + "\r\n" + token[100:])  # a bad refresh
    key = load_private_key(str(emu.credentials.session_key_file), None, profile="SESSION")
    source = SessionTokenSource(str(tmp_path / "token"), key, profile="SESSION")
    with pytest.raises(CredentialsError, match="carriage return") as caught:
        source.load(force=True)
    assert_absent([token[:60], token[102:160]], error_surfaces(caught.value))
    assert repr(provider)


# --- defect 2: config-file errors keep no secret reachable -------------------------------


def _write(tmp_path: Path, text: str | bytes) -> str:
    config = tmp_path / "config"
    if isinstance(text, bytes):
        config.write_bytes(text)
    else:
        config.write_text(text)
    return str(config)


CONFIG_ERRORS = {
    "bad line": f"[DEFAULT]\npass_phrase = {SECRET}\nthis line holds {SECRET} but no equals sign\n",
    "duplicate key": f"[DEFAULT]\npass_phrase = {SECRET}\npass_phrase = {SECRET}\n",
    "not utf-8": f"[DEFAULT]\npass_phrase = {SECRET}\nuser = ".encode() + b"\xff\n",
    "unknown profile": f"[DEFAULT]\npass_phrase = {SECRET}\nkey_content = {SECRET}\n",
    "missing entry": f"[DEFAULT]\npass_phrase = {SECRET}\nkey_content = {SECRET}\nuser = u\n",
}


@pytest.mark.parametrize("case", CONFIG_ERRORS)
def test_config_file_errors_keep_no_file_text_reachable(
    tmp_path: Path, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = _write(tmp_path, CONFIG_ERRORS[case])
    profile = "NOPE" if case == "unknown profile" else None
    expected = ProfileNotFoundError if case == "unknown profile" else InvalidConfigValueError
    with debug_logs(caplog), pytest.raises(expected) as caught:
        OCIProvider(config_file=config, profile=profile, region="us-chicago-1")
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert_absent([SECRET], error_surfaces(caught.value), caplog.text)


def test_wrong_key_passphrase_keeps_key_and_passphrase_unreachable(
    emu: OCIEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kit = emu.credentials
    text = Path(emu.config_file).read_text().replace(kit.pass_phrase, SECRET)
    config = _write(tmp_path, text)
    key_lines = [line for line in Path(kit.encrypted_key_file).read_text().splitlines()[1:-1]
                 if len(line) > 40]
    with debug_logs(caplog), pytest.raises(KeyPassphraseError) as caught:
        OCIProvider(config_file=config, profile="ENCRYPTED", base_url=emu.base_url)
    assert caught.value.__context__ is None
    assert_absent([SECRET, kit.pass_phrase, *key_lines], error_surfaces(caught.value),
                  caplog.text)


# --- defect 5: base_url credentials --------------------------------------------------------


def _refused_base_url(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    where: str, url: str,
) -> pytest.ExceptionInfo[InvalidConfigValueError]:
    """``url`` as an argument or from OCI_GENAI_BASE_URL: refused, and nothing sent."""
    with debug_logs(caplog), pytest.raises(InvalidConfigValueError) as caught:
        if where == "argument":
            OCIProvider(config_file=emu.config_file, base_url=url)
        else:
            monkeypatch.setenv("OCI_GENAI_BASE_URL", url)
            OCIProvider(config_file=emu.config_file)
    assert not emu.journal.entries
    return caught


@pytest.mark.parametrize("where", ["argument", "environment"])
def test_base_url_with_userinfo_is_refused_with_the_fix(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    where: str,
) -> None:
    url = emu.base_url.replace("http://", f"http://gateway-user:{SECRET}@")
    caught = _refused_base_url(emu, monkeypatch, caplog, where, url)
    message = str(caught.value)
    assert "***@" in message and "user:password@" in message and "Fix:" in message
    passed_as = ("base_url",) if where == "argument" else ()
    assert_absent([SECRET], error_surfaces(caught.value, passed_as=passed_as), caplog.text)


@pytest.mark.parametrize("where", ["argument", "environment"])
@pytest.mark.parametrize("tail", [f"?token={SECRET}", f"/?{SECRET}", f"#{SECRET}"])
def test_base_url_with_a_query_or_fragment_is_refused_and_its_secret_hidden(
    emu: OCIEmulator, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
    where: str, tail: str,
) -> None:
    # openai appends each path after base_url: `/v1?token=Xchat/completions`, a 404 on
    # every request, with the token in httpx's INFO log line of each.
    url = f"{emu.base_url}{tail}"
    caught = _refused_base_url(emu, monkeypatch, caplog, where, url)
    message = str(caught.value)
    assert "query string" in message and "Fix: remove everything from `?`" in message
    passed_as = ("base_url",) if where == "argument" else ()
    assert_absent([SECRET], error_surfaces(caught.value, passed_as=passed_as), caplog.text)


def test_the_searcher_finds_a_secret_held_in_a_local() -> None:
    """A sanity check of error_surfaces: a secret in a frame's locals is found."""
    def holds_it(value: str) -> None:
        raise OCIConfigurationError("no secret in the message")

    with pytest.raises(OCIConfigurationError) as caught:
        holds_it(SECRET)
    assert SECRET in error_surfaces(caught.value)


def test_an_empty_keyword_beside_an_api_key_keeps_the_key_unreachable(
    emu: OCIEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    key = "sk-a-key-passed-beside-an-empty-region"
    with debug_logs(caplog), pytest.raises(InvalidConfigValueError, match="region=") as caught:
        OCIProvider(api_key=key, region="", base_url=emu.base_url)
    assert_absent([key], error_surfaces(caught.value, passed_as=("api_key",)), caplog.text)
