"""Loaded keys are cached per process: a second unpickle does not load the key again."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from agents_oci import KeyPassphraseError, OCIProvider

TENANCY = "ocid1.tenancy.oc1..aaaaaaaatenancy"
USER = "ocid1.user.oc1..aaaaaaaauser"
FINGERPRINT = "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99"


def write_key(path: Path, key: rsa.RSAPrivateKey, passphrase: str | None = None) -> None:
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))


def write_config(tmp_path: Path, key_file: Path, extra: str = "") -> str:
    path = tmp_path / "config"
    path.write_text(
        f"[DEFAULT]\nuser={USER}\nfingerprint={FINGERPRINT}\ntenancy={TENANCY}\n"
        f"region=us-chicago-1\nkey_file={key_file}\n{extra}"
    )
    return str(path)


def signing_key(provider: OCIProvider) -> Any:
    connection: Any = provider._connection
    return connection.refresher.current_sync().private_key


@pytest.fixture(autouse=True)
def private_files(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("OCI_CLI_AUTH", "OCI_CLI_PROFILE", "OCI_REGION", "OCI_CONFIG_FILE", "OCI_CLI_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    previous = os.umask(0o077)
    yield
    os.umask(previous)


def test_a_second_unpickle_reuses_the_loaded_key(tmp_path: Path) -> None:
    key_file = tmp_path / "key.pem"
    write_key(key_file, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    provider = OCIProvider(config_file=write_config(tmp_path, key_file))
    blob = pickle.dumps(provider)
    first, second = pickle.loads(blob), pickle.loads(blob)
    # The same key object: loaded (and RSA-validated, ~32 ms) once per process.
    assert signing_key(first) is signing_key(second) is signing_key(provider)
    assert b"PRIVATE" not in blob


def test_a_rotated_key_file_is_loaded_again(tmp_path: Path) -> None:
    key_file = tmp_path / "key.pem"
    old, new = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    write_key(key_file, old)
    config = write_config(tmp_path, key_file)
    before = OCIProvider(config_file=config)
    write_key(key_file, new)
    stat = os.stat(key_file)
    os.utime(key_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later mtime, surely
    after = pickle.loads(pickle.dumps(before))
    assert signing_key(before).private_numbers() == old.private_numbers()
    assert signing_key(after).private_numbers() == new.private_numbers()


def test_a_wrong_pass_phrase_is_not_served_from_the_cache(tmp_path: Path) -> None:
    key_file = tmp_path / "key.pem"
    write_key(key_file, rsa.generate_private_key(public_exponent=65537, key_size=2048), "right")
    OCIProvider(config_file=write_config(tmp_path, key_file, "pass_phrase=right\n"))
    with pytest.raises(KeyPassphraseError):
        OCIProvider(config_file=write_config(tmp_path, key_file, "pass_phrase=wrong\n"))


def test_the_unpickle_benchmark_runs(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "figures.json"
    subprocess.run(
        [sys.executable, str(root / "benchmarks" / "unpickle.py"), "--tasks", "2", "--workers", "1", "--json", str(out)],
        check=True, timeout=300, capture_output=True,
    )
    figures = json.loads(out.read_text())
    assert {"ratio_unpickle", "ratio_unpickle_and_request", "cached_unpickle_ms", "uncached_unpickle_ms"} <= set(figures)
