"""Clients nobody on this project wrote, against one emulator: it must not drift from them.

Each test builds its client exactly as that client's documentation says,
pointed at the emulator's loopback URL, with the emulator's throwaway
credentials, compartment and project.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator

import pytest

from agents_oci.testing import OCIEmulator


@pytest.fixture(scope="session")
def emu() -> Iterator[OCIEmulator]:
    with OCIEmulator() as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def clean(emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("OCI_", "OPENAI_")):
            monkeypatch.delenv(name)
    emu.reset()
    rules = copy.deepcopy(vars(emu.rules))
    yield
    for name, value in rules.items():
        setattr(emu.rules, name, value)
