"""The engines (Temporal, Ray) run for real here, each against the emulator on loopback.

Their packages are heavy (~1 GB, ~4 min to install each) and pin an older
Agents SDK (temporalio-openai-agents 1.1.0 wants openai-agents>=0.22,<0.23), so
they run on their own CI line (.ci/run, "engines"). Elsewhere the tests skip
with the reason, unless AGENTS_OCI_REQUIRE_ENGINES=1 (set on that CI line):
then a missing package is a failure, so the line cannot pass by skipping.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from types import ModuleType

import pytest
from emulator_state import clean_slate

from agents_oci.testing import OCIEmulator

REQUIRE_ENV = "AGENTS_OCI_REQUIRE_ENGINES"


def require(module: str, install: str) -> ModuleType:
    """Import ``module``, or skip (fail when engines are required) naming the install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        reason = f"{module} is not installed ({exc}); pip install {install}"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}", pytrace=False)
        pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def emu() -> Iterator[OCIEmulator]:
    with OCIEmulator() as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def clean(emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from a clean slate (see tests/emulator_state.py)."""
    with clean_slate(emu, monkeypatch):
        yield
