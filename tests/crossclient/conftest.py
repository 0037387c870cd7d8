"""Clients nobody on this project wrote, against one emulator: it must not drift from them.

Each test builds its client exactly as that client's documentation says,
pointed at the emulator's loopback URL, with the emulator's throwaway
credentials, compartment and project.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator_state import clean_slate

from agents_oci.testing import OCIEmulator


@pytest.fixture(scope="session")
def emu() -> Iterator[OCIEmulator]:
    with OCIEmulator() as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def clean(emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from a clean slate (see tests/emulator_state.py)."""
    with clean_slate(emu, monkeypatch):
        yield
