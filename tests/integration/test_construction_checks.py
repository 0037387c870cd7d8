"""Bad values refused at construction, before any request; no OpenAI account setting leaks in."""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from typing import Any

import pytest

from agents_oci import (
    InvalidConfigValueError,
    OCIChatCompletionsModel,
    OCINativeModel,
    OCIProvider,
    OCIResponsesModel,
)
from agents_oci.testing import OCIEmulator

from .conftest import auth_for

MODEL_CLASSES = [OCIChatCompletionsModel, OCIResponsesModel, OCINativeModel]


@pytest.mark.parametrize("value", [-1, 0, "abc", math.nan, math.inf, None, True])
def test_a_bad_request_timeout_is_refused_by_the_provider(emu: OCIEmulator, value: Any) -> None:
    with pytest.raises(InvalidConfigValueError, match=r"request_timeout=.*seconds above 0"):
        OCIProvider(request_timeout=value, **auth_for(emu, "api_key").keywords)
    assert not emu.journal.entries


@pytest.mark.parametrize("model_class", MODEL_CLASSES)
@pytest.mark.parametrize("value", [-1, "abc", math.nan])
def test_a_bad_request_timeout_is_refused_by_every_model(emu: OCIEmulator, model_class: type[Any], value: Any) -> None:
    with pytest.raises(InvalidConfigValueError, match="request_timeout="):
        model_class("m", request_timeout=value, **auth_for(emu, "api_key").keywords)


def test_a_good_request_timeout_is_kept_and_pickled(emu: OCIEmulator) -> None:
    provider = OCIProvider(request_timeout=12, **auth_for(emu, "api_key").keywords)
    assert pickle.loads(pickle.dumps(provider)).client().timeout.read == 12.0


@pytest.mark.parametrize(
    "fingerprint",
    [
        "aa:bb",  # too short
        "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",  # upper case: oci's pattern refuses it
        "aabbccddeeff00112233445566778899",  # no colons
        "zz:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99",  # not hex
        "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:00",  # 17 pairs
    ],
)
def test_a_malformed_fingerprint_is_a_configuration_error(emu: OCIEmulator, tmp_path: Path, fingerprint: str) -> None:
    real = emu.credentials.fingerprints["DEFAULT"]
    text = Path(emu.config_file).read_text().replace(real, fingerprint, 1)
    config = tmp_path / "config"
    config.write_text(text)
    config.chmod(0o600)
    with pytest.raises(InvalidConfigValueError, match="fingerprint") as caught:
        OCIProvider(config_file=str(config), profile="DEFAULT", base_url=emu.base_url)
    assert "16 lower-case hex pairs" in str(caught.value) and "Fix:" in str(caught.value)
    assert not emu.journal.entries  # before any request (it used to fail with a 401)


def test_a_well_formed_fingerprint_passes(emu: OCIEmulator) -> None:
    OCIProvider(**auth_for(emu, "api_key").keywords)


@pytest.mark.parametrize("kind", ["api_key", "session"])
def test_openai_account_variables_do_not_reach_the_client(emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_users_openai_project")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-users-openai-org")
    provider = OCIProvider(**auth_for(emu, kind).keywords)
    for client in (provider.client(), provider.client().copy(), provider.client().with_options(timeout=5)):
        # The client's project is the OCI project the keywords name (the
        # emulator's), never the user's OpenAI project.
        assert not client.organization and client.project == emu.project_id, (client.organization, client.project)


def test_the_oci_project_is_the_clients_project(emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_users_openai_project")
    project = "ocid1.generativeaiproject.oc1.us-chicago-1.amaaaaaaexample"
    provider = OCIProvider(**{**auth_for(emu, "api_key").keywords, "project_id": project})
    assert provider.client().project == project and provider.client().copy().project == project
