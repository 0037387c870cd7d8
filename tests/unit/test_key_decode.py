"""Our key decoder accepts and refuses exactly what ``oci.signer.load_private_key`` does.

agents_oci decodes keys without importing ``oci`` (388 ms); this holds the two
side by side over every kind of key file a profile can point at.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from oci.exceptions import InvalidPrivateKey, MissingPrivateKeyPassphrase
from oci.signer import load_private_key as oci_load

from agents_oci.auth.keys import _decode

RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC = ec.generate_private_key(ec.SECP256R1())


def _pem(key: object, password: bytes | None = None, fmt: str = "pkcs8") -> bytes:
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    form = (serialization.PrivateFormat.PKCS8 if fmt == "pkcs8"
            else serialization.PrivateFormat.TraditionalOpenSSL)
    return key.private_bytes(serialization.Encoding.PEM, form, encryption)  # type: ignore[attr-defined]


FILES = {
    "plain pkcs8": _pem(RSA),
    "plain traditional": _pem(RSA, fmt="traditional"),
    "encrypted": _pem(RSA, b"s3cret"),
    "encrypted traditional": _pem(RSA, b"s3cret", "traditional"),
    "ec": _pem(EC),
    "public": RSA.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo),
    "garbage": b"-----BEGIN " + b"PRIVATE KEY-----\nnot base64 at all\n-----END " + b"PRIVATE KEY-----",
    "empty": b"",
}


def _oci(pem: bytes, pass_phrase: str | None) -> str:
    """What the oci SDK makes of it, in our words."""
    secret = None if pass_phrase is None else pass_phrase.encode("utf-8")
    try:
        key = oci_load(pem, secret)
    except MissingPrivateKeyPassphrase:
        return "no passphrase"
    except (InvalidPrivateKey, ValueError, TypeError):
        return "not a key" if pass_phrase is None else "wrong passphrase"
    return "rsa" if isinstance(key, rsa.RSAPrivateKey) else "not rsa"


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("pass_phrase", [None, "s3cret", "wrong", "é-unicode"])
def test_same_verdict_as_the_oci_sdk(name: str, pass_phrase: str | None) -> None:
    ours = _decode(FILES[name], pass_phrase)
    verdict = "rsa" if isinstance(ours, rsa.RSAPrivateKey) else ours
    assert verdict == _oci(FILES[name], pass_phrase)
    if verdict == "rsa":
        assert isinstance(ours, rsa.RSAPrivateKey)
        assert ours.private_numbers() == RSA.private_numbers()
