"""Bad credentials fail at construction, before any request, with the fix in the message."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from agents.exceptions import UserError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from agents_oci import (
    CredentialsError,
    KeyFileError,
    KeyPassphraseError,
    OCIChatCompletionsModel,
    OCIProvider,
)
from agents_oci.auth.credentials import SignerSource, token_expiry

TENANCY = "ocid1.tenancy.oc1..aaaaaaaatenancy"
USER = "ocid1.user.oc1..aaaaaaaauser"
SECRET = "correct horse battery staple"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(passphrase: str | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def config(tmp_path: Path, *, key_file: str, extra: str = "") -> str:
    path = tmp_path / "config"
    path.write_text(
        f"[DEFAULT]\nuser={USER}\nfingerprint=aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99\ntenancy={TENANCY}\n"
        f"region=us-chicago-1\nkey_file={key_file}\n{extra}"
    )
    return str(path)


@pytest.fixture(autouse=True)
def private_files() -> Iterator[None]:
    """Key files written here are 0600, as `oci setup config` writes them."""
    previous = os.umask(0o077)
    yield
    os.umask(previous)


@pytest.fixture(autouse=True)
def no_oci_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OCI_CLI_AUTH", "OCI_CLI_PROFILE", "OCI_REGION", "OCI_RESOURCE_PRINCIPAL_VERSION"):
        monkeypatch.delenv(name, raising=False)


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError) as caught:
        OCIProvider(config_file=config(tmp_path, key_file=str(tmp_path / "nope.pem")))
    assert "nope.pem" in str(caught.value) and "oci setup config" in str(caught.value)


def test_public_key_instead_of_private(tmp_path: Path) -> None:
    public = tmp_path / "public.pem"
    public.write_bytes(
        KEY.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    with pytest.raises(KeyFileError, match="not the public key"):
        OCIChatCompletionsModel("m", config_file=config(tmp_path, key_file=str(public)))


def test_key_file_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="is a directory"):
        OCIProvider(config_file=config(tmp_path, key_file=str(tmp_path)))


def test_encrypted_key_without_passphrase(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(pem(SECRET))
    with pytest.raises(KeyPassphraseError, match="pass_phrase=") as caught:
        OCIProvider(config_file=config(tmp_path, key_file=str(key)))
    assert SECRET not in str(caught.value)


def test_encrypted_key_with_wrong_passphrase_never_shows_it(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(pem(SECRET))
    wrong = "not the right words"
    with pytest.raises(KeyPassphraseError, match="pass_phrase") as caught:
        OCIProvider(config_file=config(tmp_path, key_file=str(key), extra=f"pass_phrase={wrong}\n"))
    assert wrong not in str(caught.value) and SECRET not in str(caught.value)
    assert caught.value.__cause__ is None  # the oci exception (and its args) are not chained


def test_encrypted_key_with_the_right_passphrase(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(pem(SECRET))
    provider = OCIProvider(config_file=config(tmp_path, key_file=str(key), extra=f"pass_phrase={SECRET}\n"))
    assert SECRET not in repr(provider)


def test_key_content_in_the_profile(tmp_path: Path) -> None:
    content = pem().decode().replace("\n", "\n  ")  # INI continuation lines
    path = tmp_path / "config"
    path.write_text(
        f"[DEFAULT]\nuser={USER}\nfingerprint=aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99\ntenancy={TENANCY}\nkey_content={content}\n"
    )
    OCIProvider(config_file=str(path))


def test_session_token_file_missing(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(pem())
    cfg = config(tmp_path, key_file=str(key), extra=f"security_token_file={tmp_path / 'token'}\n")
    with pytest.raises(CredentialsError, match="oci session authenticate"):
        OCIProvider(config_file=cfg)


def test_session_token_file_empty(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(pem())
    (tmp_path / "token").write_text("\n")
    cfg = config(tmp_path, key_file=str(key), extra=f"security_token_file={tmp_path / 'token'}\n")
    with pytest.raises(CredentialsError, match="oci session refresh"):
        OCIProvider(config_file=cfg)


def test_resource_principal_off_oci_says_where_it_works() -> None:
    with pytest.raises(CredentialsError, match="resource_principal auth works only on OCI") as caught:
        OCIProvider(auth_type="resource_principal", compartment_id=TENANCY)
    assert isinstance(caught.value, UserError)


def test_signer_that_is_not_an_oci_signer() -> None:
    with pytest.raises(CredentialsError, match="not an oci SDK signer"):
        OCIProvider(signer=object(), compartment_id=TENANCY)
    with pytest.raises(CredentialsError):
        SignerSource(object())


def test_token_expiry_reads_exp_and_tolerates_garbage() -> None:
    import base64
    import json

    payload = base64.urlsafe_b64encode(json.dumps({"exp": 1234}).encode()).decode().rstrip("=")
    assert token_expiry(f"ST$h.{payload}.s") == 1234.0
    for garbage in ("a/b/c", "ST$", "ST$a.b", "ST$a.!!!.c", "ST$a.bnVsbA.c"):
        assert token_expiry(garbage) is None


def test_nothing_secret_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(pem(SECRET))
    with caplog.at_level(logging.DEBUG):
        OCIProvider(config_file=config(tmp_path, key_file=str(key), extra=f"pass_phrase={SECRET}\n"))
        with pytest.raises(KeyPassphraseError):
            OCIProvider(config_file=config(tmp_path, key_file=str(key), extra="pass_phrase=wrong\n"))
    assert SECRET not in caplog.text and "PRIVATE KEY" not in caplog.text


def test_non_ascii_passphrase(tmp_path: Path) -> None:
    """OpenSSL passphrases are bytes; a UTF-8 passphrase must work (the oci SDK alone crashes)."""
    key = tmp_path / "key.pem"
    key.write_bytes(pem("pässwörd-日本"))
    OCIProvider(config_file=config(tmp_path, key_file=str(key), extra="pass_phrase=pässwörd-日本\n"))
    with pytest.raises(KeyPassphraseError):
        OCIProvider(config_file=config(tmp_path, key_file=str(key), extra="pass_phrase=\x80\n"))
