"""Issue 15: the command paths a new user touches in the first hour, one test per defect.

Every test drives ``agents-oci`` in a subprocess, as a user would.
"""

from __future__ import annotations

from .conftest import clean_env, command, run


def _imported(stderr: str) -> set[str]:
    """Module names from ``PYTHONPROFILEIMPORTTIME`` output."""
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines()
            if line.startswith("import time:")}


def test_help_and_version_import_neither_the_agents_sdk_nor_openai() -> None:
    # Defect 13: --help took 2.4 s, importing the whole Agents SDK first.
    for args in (("--help",), ("--version",)):
        done = run(command(*args, script=True), clean_env(PYTHONPROFILEIMPORTTIME="1"))
        assert done.returncode == 0, done.stderr
        imported = _imported(done.stderr)
        assert "agents_oci.cli" in imported, args
        assert not {"agents", "openai"} & imported, args
