"""Fixtures for the emulator's own tests.

One real server is shared by the whole session (starting one costs key
generation and a thread); ``emu`` hands it to each test with the journal,
store, faults, replies and rules reset. Tests that change credentials for
good (revocation, expiry) use ``fresh_emu`` instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from agents_oci.testing import OCIEmulator, ServiceRules


@pytest.fixture(scope="session")
def shared_emu() -> Iterator[OCIEmulator]:
    with OCIEmulator() as emu:
        yield emu


@pytest.fixture
def emu(shared_emu: OCIEmulator) -> Iterator[OCIEmulator]:
    shared_emu.reset()
    yield shared_emu
    shared_emu.reset()
    # The app holds this very object: restore it in place.
    for spec in dataclasses.fields(ServiceRules):
        setattr(shared_emu.rules, spec.name, spec.default)


@pytest.fixture
def fresh_emu() -> Iterator[OCIEmulator]:
    with OCIEmulator() as emu:
        yield emu


@pytest.fixture
def bearer_key(emu: OCIEmulator) -> str:
    return emu.register_bearer_key()
