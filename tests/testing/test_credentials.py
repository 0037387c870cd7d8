"""The credentials kit: config file, key files, session tokens, fake principals."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import stat
import subprocess
import threading
import time

import oci
import pytest
import requests
from oci.auth.signers import X509FederationClientBasedSecurityTokenSigner
from oci.exceptions import InvalidPrivateKey
from oci.signer import load_private_key_from_file

from agents_oci.testing import FakeFederationClient, OCIEmulator
from agents_oci.testing.tokens import TokenIssuer

CHAT = {"model": "openai.gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}


def claims_of(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=="))
    return decoded


def post(emu: OCIEmulator, signer: object) -> requests.Response:
    return requests.post(
        f"{emu.base_url}/chat/completions",
        json=CHAT,
        headers={"opc-compartment-id": emu.compartment_id},
        auth=signer,  # type: ignore[arg-type]
        timeout=10,
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


# --- the config file ---------------------------------------------------------------


def test_profiles_are_read_by_the_oci_sdk(emu: OCIEmulator) -> None:
    kit = emu.credentials
    default = oci.config.from_file(emu.config_file, "DEFAULT")
    oci.config.validate_config(default)
    assert default["tenancy"] == emu.compartment_id == kit.tenancy_id
    assert default["region"] == "us-chicago-1"
    assert default["user"] == kit.user_id
    session = oci.config.from_file(emu.config_file, "SESSION")
    assert session["security_token_file"] == str(kit.security_token_file)
    assert session["key_file"] == str(kit.session_key_file)
    encrypted = oci.config.from_file(emu.config_file, "ENCRYPTED")
    oci.config.validate_config(encrypted)
    assert encrypted["pass_phrase"] == kit.pass_phrase


def test_files_are_private(emu: OCIEmulator) -> None:
    kit = emu.credentials
    for path in (
        kit.api_key_file,
        kit.encrypted_key_file,
        kit.session_key_file,
        kit.security_token_file,
        kit.config_file,
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(kit.directory.stat().st_mode) == 0o700


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
@pytest.mark.parametrize("profile", ["DEFAULT", "SESSION"])
def test_fingerprint_matches_openssl(emu: OCIEmulator, profile: str) -> None:
    # OCI's documented recipe: openssl rsa -pubout -outform DER | openssl md5 -c
    key_file = oci.config.from_file(emu.config_file, profile)["key_file"]
    der = subprocess.run(
        ["openssl", "rsa", "-pubout", "-outform", "DER", "-in", key_file],
        capture_output=True,
        check=True,
    ).stdout
    digest = subprocess.run(
        ["openssl", "md5", "-c"], input=der, capture_output=True, check=True
    ).stdout.decode()
    assert digest.split()[-1] == emu.credentials.fingerprints[profile]


def test_encrypted_key_needs_its_pass_phrase(emu: OCIEmulator) -> None:
    key_file = str(emu.credentials.encrypted_key_file)
    assert b"ENCRYPTED" in emu.credentials.encrypted_key_file.read_bytes()
    with pytest.raises(InvalidPrivateKey):
        load_private_key_from_file(key_file, None)
    load_private_key_from_file(key_file, emu.credentials.pass_phrase)


def test_temp_files_are_removed_on_exit() -> None:
    with OCIEmulator() as emu:
        directory = emu.credentials.directory
        assert os.path.exists(emu.config_file)
    assert not directory.exists()


# --- session tokens on disk ----------------------------------------------------------


def test_session_token_claims(emu: OCIEmulator) -> None:
    claims = claims_of(emu.credentials.session_token)
    assert claims["sub"] == emu.credentials.user_id
    assert claims["tenant"] == emu.compartment_id
    assert claims["iss"] == emu.credentials.issuer.name
    exp, iat = claims["exp"], claims["iat"]
    assert isinstance(exp, int) and isinstance(iat, int) and exp - iat == 3600


def test_rotate_keeps_the_session_key(fresh_emu: OCIEmulator) -> None:
    kit = fresh_emu.credentials
    before = kit.session_token
    after = kit.rotate_session_token()
    assert after != before and kit.session_token == after
    modulus = [json.loads(str(claims_of(token)["jwk"]))["n"] for token in (before, after)]
    assert modulus[0] == modulus[1]
    assert post(fresh_emu, kit.session_token_signer()).status_code == 200


def test_expire_then_rotate(fresh_emu: OCIEmulator) -> None:
    kit = fresh_emu.credentials
    kit.expire_session_token()
    assert post(fresh_emu, kit.session_token_signer()).status_code == 401
    assert "expired" in str(fresh_emu.journal.last.auth_error)
    kit.rotate_session_token()
    assert post(fresh_emu, kit.session_token_signer()).status_code == 200


# --- fake principals ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["instance", "resource"])
def test_principal_signers_are_the_sdks_signer(emu: OCIEmulator, kind: str) -> None:
    kit = emu.credentials
    make = kit.instance_principal_signer if kind == "instance" else kit.resource_principal_signer
    signer = make()
    assert isinstance(signer, X509FederationClientBasedSecurityTokenSigner)
    assert signer.region == "us-chicago-1" and signer.tenancy_id == emu.compartment_id
    assert signer.api_key.startswith("ST$")
    assert claims_of(signer.api_key[3:])["ptype"] == kind
    assert post(emu, signer).status_code == 200
    assert emu.journal.last.principal is not None
    assert emu.journal.last.principal.startswith("session:ocid1.")
    assert signer.refresh_count == 0


def test_revoked_principal_recovers_after_refresh(fresh_emu: OCIEmulator) -> None:
    signer = fresh_emu.credentials.instance_principal_signer()
    assert post(fresh_emu, signer).status_code == 200
    fresh_emu.credentials.revoke_tokens()
    assert post(fresh_emu, signer).status_code == 401
    assert fresh_emu.journal.last.auth_error == "security token revoked"
    signer.refresh_security_token()  # what a client does after a 401
    assert post(fresh_emu, signer).status_code == 200
    assert signer.refresh_count == 1


def test_federation_client_refreshes_when_expired() -> None:
    clock = FakeClock()
    client = FakeFederationClient(
        issuer=TokenIssuer(clock=clock),
        subject="ocid1.instance.x",
        tenancy_id="ocid1.tenancy.x",
        ttl=600,
        expiry_jitter=60,
        clock=clock,
    )
    first = client.get_security_token()
    clock.now += 500  # still 100 s left: outside the 60 s jitter
    assert client.get_security_token() == first and client.refresh_count == 0
    clock.now += 50  # 50 s left: inside the jitter, so refreshed as the real client does
    second = client.get_security_token()
    assert second != first and client.refresh_count == 1
    assert claims_of(second)["exp"] == int(clock.now + 600)


def test_sdk_signer_refreshes_an_expired_token_when_signing(emu: OCIEmulator) -> None:
    signer = emu.credentials.instance_principal_signer(ttl=30, expiry_jitter=60)
    # ttl < jitter: every signing finds the token expired and refreshes (SDK __call__).
    assert post(emu, signer).status_code == 200
    assert post(emu, signer).status_code == 200
    assert signer.refresh_count >= 2


def test_session_key_rotates_with_the_token(emu: OCIEmulator) -> None:
    client = emu.credentials.instance_principal_signer().federation_client
    before = client.session_key_supplier.get_key_pair()["public"].public_numbers()
    client.refresh_security_token()
    after = client.session_key_supplier.get_key_pair()["public"].public_numbers()
    assert before != after


async def test_refresh_blocks_for_the_delay_on_the_calling_thread(emu: OCIEmulator) -> None:
    signer = emu.credentials.instance_principal_signer(refresh_delay=0.2)
    started = time.perf_counter()
    await asyncio.to_thread(signer.refresh_security_token)
    assert time.perf_counter() - started >= 0.2
    (thread,) = signer.federation_client.refresh_threads
    assert thread is not threading.current_thread()  # ran in the worker, not on the loop


def test_refresh_count_is_thread_safe(emu: OCIEmulator) -> None:
    client = emu.credentials.resource_principal_signer().federation_client
    threads = [threading.Thread(target=client.refresh_security_token) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.refresh_count == 8
    assert set(client.refresh_threads) == set(threads)
