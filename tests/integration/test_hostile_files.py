"""Hostile files never hang or exhaust memory: each ends in a configuration error at once.

``config_file``, ``key_file`` and ``security_token_file`` pointing at
``/dev/zero``, a FIFO, a symlink loop, a directory, a non-UTF-8 file or a file
far too large for its job. Each setting runs in a child process with a
memory limit (its size after imports plus 256 MiB), an alarm per case and a
timeout for the whole child.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]

REASONS = {
    "dev_zero": "character device",
    "fifo": "FIFO (named pipe)",
    "symlink_loop": "symbolic link loop",
    "directory": "is a directory",
    "too_large": "larger than 256 KiB",
}
NOT_UTF8 = {
    "config_file": "not UTF-8 text (line 2",
    "security_token_file": "not UTF-8 text",
    "key_file": "not a PEM private key",
}
ERRORS = {
    "config_file": {"ConfigFileNotFoundError", "InvalidConfigValueError"},
    "key_file": {"KeyFileError"},
    "security_token_file": {"CredentialsError"},
}


def _run_child(setting: str, tmp_path: Path) -> dict[str, dict[str, Any]]:
    key = tmp_path / "key.pem"
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key.write_bytes(private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    key.chmod(0o600)
    workdir = tmp_path / "hostile"
    workdir.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
    environment["PYTHONPATH"] = os.pathsep.join([str(ROOT), environment.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration._hostile_child", setting, str(workdir), str(key)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {line["case"]: line for line in lines}


@pytest.mark.parametrize("setting", ["config_file", "key_file", "security_token_file"])
def test_hostile_files_end_in_a_configuration_error(setting: str, tmp_path: Path) -> None:
    outcomes = _run_child(setting, tmp_path)
    assert set(outcomes) == {*REASONS, "not_utf8"}
    for case, outcome in outcomes.items():
        expected = REASONS.get(case) or NOT_UTF8[setting]
        assert outcome.get("configuration"), (case, outcome)  # not MemoryError, not a hang
        assert outcome["error"] in ERRORS[setting], (case, outcome)
        assert expected in outcome["message"], (case, outcome["message"])
        assert setting in outcome["message"] or setting == "config_file", outcome["message"]
        # Seconds of the construction, printed for the record: a hang shows as an
        # alarm after 10 s, not as a slow pass; a loaded machine must not flake this.
        print(f"{setting} {case}: {outcome['seconds'] * 1000:.1f} ms")
        assert outcome["seconds"] < 5, (case, outcome["seconds"])
