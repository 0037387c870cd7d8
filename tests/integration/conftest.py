"""Agent -> OCIProvider -> signed client -> emulator over loopback, with a clean environment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from emulator_state import clean_slate

from agents_oci.testing import OCIEmulator

AUTH_KINDS = ("api_key", "session", "instance_principal", "resource_principal")
CHAT_MODEL = "meta.llama-3.3-70b-instruct"
RESPONSES_MODEL = "openai.gpt-5.5"
TRANSPORTS = {"chat": CHAT_MODEL, "responses": f"responses:{RESPONSES_MODEL}"}


@pytest.fixture(scope="session")
def emu() -> Iterator[OCIEmulator]:
    with OCIEmulator() as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def clean(emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from a clean slate (see tests/emulator_state.py)."""
    with clean_slate(emu, monkeypatch, fresh_session_token=True):
        yield


@dataclass
class Auth:
    """Connection keywords for one auth mode, and the signer object when there is one."""

    kind: str
    keywords: dict[str, Any]
    signer: Any = None


def auth_for(emu: OCIEmulator, kind: str, **extra: Any) -> Auth:
    # The emulator's project: Responses (like OCI's agent platform) requires one.
    base: dict[str, Any] = {"base_url": emu.base_url, "project_id": emu.project_id, **extra}
    if kind == "api_key":
        return Auth(kind, {**base, "config_file": emu.config_file, "profile": "DEFAULT"})
    if kind == "session":
        return Auth(kind, {**base, "config_file": emu.config_file, "profile": "SESSION"})
    if kind == "encrypted":
        return Auth(kind, {**base, "config_file": emu.config_file, "profile": "ENCRYPTED"})
    if kind in ("instance_principal", "resource_principal"):
        make = (
            emu.credentials.instance_principal_signer
            if kind == "instance_principal"
            else emu.credentials.resource_principal_signer
        )
        signer = make()
        keywords = {
            **base,
            "auth_type": kind,
            "signer": signer,
            "compartment_id": emu.compartment_id,
        }
        return Auth(kind, keywords, signer)
    raise ValueError(kind)


def assert_all_verified(emu: OCIEmulator, *, path: str, count: int | None = None) -> None:
    """Every request reached the model through the signature check, and no other path was hit."""
    entries = emu.journal.entries
    assert entries, "no request reached the emulator"
    for entry in entries:
        assert entry.auth_error is None, entry.auth_error
        assert entry.principal is not None and entry.principal != "bearer"
        assert entry.status == 200, (entry.status, entry.body)
        assert entry.path.endswith(path), entry.path
        assert "Bearer" not in entry.headers.get("authorization", "")
    if count is not None:
        assert len(entries) == count
