"""OKE workload identity, resource principal v2.2 through the real SDK, bearer keys.

And the journal fields that tell them apart: ``principal`` (``session:<sub>``),
``principal_type`` (the token's ``ptype``), ``token_claims`` and ``auth_scheme``.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import stat
from pathlib import Path
from typing import Any
from unittest import mock

import oci
import pytest
import requests
from oci.auth.signers import (
    EphemeralResourcePrincipalSigner,
    X509FederationClientBasedSecurityTokenSigner,
)

from agents_oci.testing import FakeOkeSigner, FakePrincipalSigner, OCIEmulator
from agents_oci.testing.credentials import CredentialsKit
from agents_oci.testing.signatures import TrustStore

CHAT = {"model": "openai.gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}
RP_VARIABLES = {
    "OCI_RESOURCE_PRINCIPAL_VERSION",
    "OCI_RESOURCE_PRINCIPAL_RPST",
    "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM",
    "OCI_RESOURCE_PRINCIPAL_REGION",
}


def claims_of(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    return decoded


def post(emu: OCIEmulator, auth: Any, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(
        f"{emu.base_url}/chat/completions",
        json=CHAT,
        headers={"opc-compartment-id": emu.compartment_id} if headers is None else headers,
        auth=auth,
        timeout=10,
    )


def no_network(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"network access attempted: {args[1:]}")


def real_rp_signer(env: dict[str, str]) -> Any:
    """The SDK's own resource principal signer, built with every socket connect refused."""
    with mock.patch.dict(os.environ, env), mock.patch.object(socket.socket, "connect", no_network):
        return oci.auth.signers.get_resource_principals_signer()


# --- OKE workload identity ---------------------------------------------------------


def test_oke_signer_looks_like_a_workload(emu: OCIEmulator) -> None:
    signer = emu.credentials.oke_workload_identity_signer()
    assert isinstance(signer, FakeOkeSigner) and isinstance(signer, FakePrincipalSigner)
    assert isinstance(signer, X509FederationClientBasedSecurityTokenSigner)
    assert signer.principal_type == "oke"
    assert signer.region == "us-chicago-1" and signer.tenancy_id == emu.compartment_id
    claims = claims_of(signer.api_key.removeprefix("ST$"))
    cluster = signer.federation_client.subject
    assert cluster.startswith("ocid1.cluster.oc1.us-chicago-1.")
    assert claims["sub"] == claims["cluster_id"] == claims["res_id"] == cluster
    assert (claims["ptype"], claims["res_type"]) == ("workload", "workload")
    assert claims["res_tenant"] == claims["res_compartment"] == emu.compartment_id
    assert claims["namespace"] and claims["service_account"]


def test_oke_signed_request_is_journaled_as_a_workload(emu: OCIEmulator) -> None:
    signer = emu.credentials.oke_workload_identity_signer()
    assert post(emu, signer).status_code == 200
    entry = emu.journal.last
    assert entry.principal == f"session:{signer.federation_client.subject}"
    assert entry.principal_type == "workload" and entry.auth_scheme == "signature"
    assert entry.token_claims is not None and entry.token_claims["ptype"] == "workload"


def test_oke_signing_never_refreshes_like_the_sdk(emu: OCIEmulator) -> None:
    # ttl < jitter: the token is always "due"; the SDK's OKE signer still signs with it.
    signer = emu.credentials.oke_workload_identity_signer(ttl=30, expiry_jitter=60)
    first, refreshes = signer.api_key, signer.refresh_count
    assert post(emu, signer).status_code == 200
    assert post(emu, signer).status_code == 200
    assert signer.refresh_count == refreshes and signer.api_key == first
    renewed = signer.get_security_token()  # renews a token close to expiry
    assert signer.refresh_count == refreshes + 1
    assert signer.api_key == f"ST${renewed}" != first
    assert post(emu, signer).status_code == 200
    assert emu.journal.last.token_claims == claims_of(renewed)


def test_oke_expired_token_fails_until_refreshed(emu: OCIEmulator) -> None:
    signer = emu.credentials.oke_workload_identity_signer(ttl=-60)
    assert post(emu, signer).status_code == 401
    assert "expired" in str(emu.journal.last.auth_error)
    assert emu.journal.last.principal_type is None
    signer.federation_client.ttl = 3600  # the proxymux hands out a valid token again
    token = signer.refresh_security_token()  # what the SDK's clients do after a 401
    assert signer.api_key == f"ST${token}"
    assert post(emu, signer).status_code == 200


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("api_key", "api_key"),
        ("session", "user"),
        ("instance", "instance"),
        ("resource", "resource"),
        ("oke", "workload"),
    ],
)
def test_principal_types_are_told_apart(emu: OCIEmulator, kind: str, expected: str) -> None:
    kit = emu.credentials
    signer = {
        "api_key": kit.api_key_signer,
        "session": kit.session_token_signer,
        "instance": kit.instance_principal_signer,
        "resource": kit.resource_principal_signer,
        "oke": kit.oke_workload_identity_signer,
    }[kind]()
    assert post(emu, signer).status_code == 200
    entry = emu.journal.last
    assert entry.principal_type == expected and entry.auth_scheme == "signature"
    assert (entry.token_claims is None) == (kind == "api_key")


# --- resource principal v2.2 with the SDK's own signer ---------------------------


def test_resource_principal_environment(emu: OCIEmulator) -> None:
    kit = emu.credentials
    env = kit.resource_principal_environment()
    assert set(env) == RP_VARIABLES
    assert env["OCI_RESOURCE_PRINCIPAL_VERSION"] == "2.2"
    assert env["OCI_RESOURCE_PRINCIPAL_REGION"] == emu.region
    for name in ("OCI_RESOURCE_PRINCIPAL_RPST", "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"):
        path = Path(env[name])
        assert path.is_absolute() and kit.directory in path.parents
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    claims = claims_of(kit.resource_principal.token)
    assert claims["sub"] == kit.resource_principal.subject
    assert claims["sub"].startswith("ocid1.fnfunc.oc1.us-chicago-1.")
    assert claims["ptype"] == "resource" and claims["res_tenant"] == emu.compartment_id


def test_unsupported_resource_principal_versions(emu: OCIEmulator) -> None:
    for version in ("1.1", "2.1", "3.0"):
        with pytest.raises(ValueError, match=r"only 2\.2 works offline"):
            emu.credentials.resource_principal_environment(version=version)


def test_rotating_needs_an_environment_first() -> None:
    kit = CredentialsKit(trust=TrustStore(), region="us-chicago-1")
    try:
        with pytest.raises(RuntimeError, match="resource_principal_environment"):
            kit.rotate_resource_principal_token()
    finally:
        kit.close()


def test_sdk_resource_principal_signer_is_accepted(emu: OCIEmulator) -> None:
    kit = emu.credentials
    signer = real_rp_signer(kit.resource_principal_environment())
    assert isinstance(signer, EphemeralResourcePrincipalSigner)
    assert signer.region == emu.region
    assert signer.tenancy_id == signer.compartment_id == emu.compartment_id
    assert signer.api_key == f"ST${kit.resource_principal.token}"
    assert post(emu, signer).status_code == 200
    entry = emu.journal.last
    assert entry.principal == f"session:{kit.resource_principal.subject}"
    assert entry.principal_type == "resource"


@pytest.mark.parametrize("new_key", [False, True], ids=["same-key", "new-key"])
def test_sdk_signer_refresh_rereads_the_files(emu: OCIEmulator, new_key: bool) -> None:
    kit = emu.credentials
    signer = real_rp_signer(kit.resource_principal_environment())
    before = signer.api_key
    rotated = kit.rotate_resource_principal_token(new_key=new_key)
    assert signer.api_key == before  # the SDK reads the files on refresh only
    with mock.patch.object(socket.socket, "connect", no_network):
        assert signer.refresh_security_token() == rotated
    assert signer.api_key == f"ST${rotated}"
    assert post(emu, signer).status_code == 200
    assert emu.journal.last.token_claims == claims_of(rotated)


def test_sdk_signer_recovers_from_an_expired_token(emu: OCIEmulator) -> None:
    kit = emu.credentials
    env = kit.resource_principal_environment()
    kit.rotate_resource_principal_token(ttl=-60)
    signer = real_rp_signer(env)
    assert post(emu, signer).status_code == 401
    assert "expired" in str(emu.journal.last.auth_error)
    kit.rotate_resource_principal_token()  # the platform renews the token on disk
    signer.refresh_security_token()  # the SDK's clients do this after a 401
    assert post(emu, signer).status_code == 200


# --- Generative AI API keys (bearer) ----------------------------------------------


@pytest.mark.parametrize("compartment", [False, True], ids=["no-compartment", "compartment"])
def test_bearer_needs_no_compartment_and_tolerates_one(
    emu: OCIEmulator, bearer_key: str, compartment: bool
) -> None:
    headers = {"authorization": f"Bearer {bearer_key}"}
    if compartment:
        headers["opc-compartment-id"] = emu.compartment_id
    assert post(emu, None, headers).status_code == 200
    entry = emu.journal.last
    assert entry.principal == entry.principal_type == entry.auth_scheme == "bearer"
    assert entry.token_claims is None
    assert entry.headers.getlist("authorization") == (f"Bearer {bearer_key}",)
    assert entry.headers.get("opc-compartment-id") == (emu.compartment_id if compartment else None)


def test_auth_scheme_is_recorded_even_when_refused(emu: OCIEmulator) -> None:
    assert post(emu, None, {"authorization": "Bearer sk-unknown"}).status_code == 401
    assert emu.journal.last.auth_scheme == "bearer" and emu.journal.last.principal is None
    assert post(emu, None, {}).status_code == 401
    assert emu.journal.last.auth_scheme is None
