"""The signature matches the oci SDK's reference signer byte for byte.

RSASSA-PKCS1-v1_5 is deterministic: with the same date, headers and key, our
signature must equal the one ``oci.signer.Signer`` computes.
"""

from __future__ import annotations

import re
from pathlib import Path

import oci
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from agents_oci.auth.signing import sign

DATE = "Sat, 21 Nov 2026 10:00:00 GMT"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def oci_signer(
    key: rsa.RSAPrivateKey, tmp_path_factory: pytest.TempPathFactory
) -> oci.signer.Signer:
    path = Path(tmp_path_factory.mktemp("k")) / "key.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return oci.signer.Signer("ocid1.tenancy.oc1..t", "ocid1.user.oc1..u", "aa:bb", str(path))


def params(header: str) -> dict[str, str]:
    assert header.startswith("Signature ")
    return dict(re.findall(r'(\w+)="([^"]*)"', header))


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        (
            "POST",
            "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1/chat/completions",
            b'{"model":"m"}',
        ),
        (
            "POST",
            "http://127.0.0.1:8123/openai/v1/responses?x=a%20b&y=1",
            b'{"input":"hi \xc3\xa9"}',
        ),
        (
            "GET",
            "https://inference.generativeai.eu-frankfurt-2.oci.oraclecloud.eu/openai/v1/models?limit=5",
            b"",
        ),
        ("DELETE", "https://h.example/openai/v1/responses/resp_1", b""),
    ],
)
def test_signature_equals_oci_reference_signer(
    key: rsa.RSAPrivateKey, oci_signer: oci.signer.Signer, method: str, url: str, body: bytes
) -> None:
    prepared = requests.Request(
        method, url, data=body or None, headers={"date": DATE, "content-type": "application/json"}
    ).prepare()
    oci_signer(prepared)
    expected = params(prepared.headers["authorization"])

    host = url.split("/")[2]
    target = "/" + url.split("/", 3)[3]
    ours = sign(
        method=method,
        target=target,
        host=host,
        body=body,
        content_type="application/json",
        key_id=oci_signer.api_key,
        private_key=key,
        date=DATE,
    )
    got = params(ours["authorization"])
    assert got["headers"] == expected["headers"]
    assert got["keyId"] == expected["keyId"] == "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb"
    assert got["signature"] == expected["signature"]
    assert got["algorithm"] == "rsa-sha256" and got["version"] == "1"
    if method == "POST":
        assert ours["x-content-sha256"] == prepared.headers["x-content-sha256"]
        assert ours["content-length"] == str(len(body))


def test_get_signs_no_body_headers(key: rsa.RSAPrivateKey) -> None:
    headers = sign(
        method="get",
        target="/a",
        host="h",
        body=b"",
        content_type=None,
        key_id="k",
        private_key=key,
    )
    assert params(headers["authorization"])["headers"] == "date (request-target) host"
    assert "x-content-sha256" not in headers


def test_empty_post_body_hash(key: rsa.RSAPrivateKey) -> None:
    headers = sign(
        method="POST",
        target="/a",
        host="h",
        body=b"",
        content_type=None,
        key_id="k",
        private_key=key,
    )
    assert headers["x-content-sha256"] == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == "0"
