"""Keys, passphrases, tokens and signatures never reach messages, reprs or logs."""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import openai
import pytest
from agents import Agent, RunConfig, Runner

from agents_oci import OCIProvider, OCIResponsesModel
from agents_oci.auth.credentials import InsecureKeyFileWarning
from agents_oci.testing import OCIEmulator

from .conftest import CHAT_MODEL, RESPONSES_MODEL, auth_for


def secrets_of(emu: OCIEmulator) -> list[str]:
    kit = emu.credentials
    values = [kit.pass_phrase, kit.session_token, "PRIVATE KEY", "sk-secret-bearer-for-test"]
    for path in (kit.api_key_file, kit.session_key_file, kit.encrypted_key_file):
        body = Path(path).read_text().splitlines()
        values.extend(line for line in body[1:-1] if len(line) > 40)  # lines of key material
    return values


async def test_no_secret_in_logs_errors_or_reprs(
    emu: OCIEmulator, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-bearer-for-test")
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        for kind in ("encrypted", "session"):
            emu.faults.clear()  # an API key is not re-sent: a second injected 401 may be left
            oci = OCIProvider(**auth_for(emu, kind).keywords)
            await Runner.run(Agent(name="a", model=CHAT_MODEL), "hi", run_config=RunConfig(model_provider=oci))
            emu.faults.fail_next(2, status=401)
            with pytest.raises(openai.AuthenticationError) as caught:
                await Runner.run(Agent(name="a", model=CHAT_MODEL), "hi", run_config=RunConfig(model_provider=oci))
            texts += [str(caught.value), repr(caught.value), repr(oci), repr(oci.get_model(CHAT_MODEL))]
            texts += [repr(oci._connection.settings), str(oci._connection.settings.describe())]
            await oci.aclose()
        model = OCIResponsesModel(RESPONSES_MODEL, **auth_for(emu, "session").keywords)
        texts.append(repr(model))
    signatures = [e.headers["authorization"].split('signature="')[1][:40] for e in emu.journal.entries]
    haystack = caplog.text + "\n".join(texts)
    assert caplog.records, "DEBUG logging captured nothing: the test would prove nothing"
    for secret in secrets_of(emu) + signatures:
        assert secret not in haystack, f"leaked: {secret[:12]}..."


def test_key_file_readable_by_others_warns(emu: OCIEmulator, tmp_path: Path) -> None:
    key = tmp_path / "shared.pem"
    key.write_bytes(Path(emu.credentials.api_key_file).read_bytes())
    os.chmod(key, 0o644)
    config = tmp_path / "config"
    config.write_text(Path(emu.config_file).read_text().replace(str(emu.credentials.api_key_file), str(key)))
    with pytest.warns(InsecureKeyFileWarning, match="chmod 600"):
        OCIProvider(config_file=str(config), base_url=emu.base_url)
    os.chmod(key, 0o600)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InsecureKeyFileWarning)
        OCIProvider(config_file=str(config), base_url=emu.base_url)
