"""One test's clean slate on a shared emulator, for every suite's ``clean`` fixture.

Imported by the conftests of ``integration``, ``crossclient`` and ``engines``
(pytest puts ``tests/`` on ``sys.path``: it holds no ``__init__.py``).
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator

import pytest

from agents_oci.testing import OCIEmulator

__all__ = ["clean_slate"]


@contextlib.contextmanager
def clean_slate(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch, *, fresh_session_token: bool = False
) -> Iterator[None]:
    """No OCI_/OPENAI_ variables of the host, an empty journal, no faults; rules restored after.

    ``fresh_session_token``: a test may have revoked every token issued so far,
    so the SESSION profile gets a fresh one for the next test.
    """
    for name in list(os.environ):
        if name.startswith(("OCI_", "OPENAI_")):
            monkeypatch.delenv(name)
    emu.reset()
    rules = copy.deepcopy(vars(emu.rules))
    try:
        yield
    finally:
        for name, value in rules.items():
            setattr(emu.rules, name, value)
        emu.faults.clear()
        if fresh_session_token:
            emu.credentials.rotate_session_token()
