"""Throwaway RSA keys and the emulator's fake identity issuer (RS256 JWTs).

Security tokens are minted here with ``cryptography`` directly: the verifier
in :mod:`agents_oci.testing.signatures` decodes them with its own code, so a
bug on one side cannot hide a bug on the other.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

__all__ = [
    "DEFAULT_ISSUER",
    "TokenIssuer",
    "fingerprint",
    "mint_jwt",
    "new_rsa_key",
    "private_pem",
    "public_jwk",
]

DEFAULT_ISSUER: Final = "authService.emulator.invalid"


def new_rsa_key() -> RSAPrivateKey:
    """A fresh RSA-2048 key, as ``oci setup keys`` makes."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: RSAPrivateKey, pass_phrase: str | None = None) -> bytes:
    """PEM text of ``key``; encrypted (traditional OpenSSL format) with a pass phrase."""
    if pass_phrase is None:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(pass_phrase.encode()),
    )


def fingerprint(public_key: RSAPublicKey) -> str:
    """OCI's key fingerprint: colon-separated MD5 of the DER SubjectPublicKeyInfo."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.md5(der, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def public_jwk(public_key: RSAPublicKey, *, kid: str = "") -> dict[str, str]:
    """An RSA JWK (``kty``, ``n``, ``e``, ...) for ``public_key``."""
    numbers = public_key.public_numbers()
    return {
        "kid": kid,
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "n": _b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
        "e": _b64url(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
    }


def mint_jwt(private_key: RSAPrivateKey, claims: Mapping[str, Any]) -> str:
    """An RS256 JWT carrying ``claims``, signed with ``private_key``."""
    header = _b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(dict(claims)).encode())
    signed = f"{header}.{payload}".encode()
    signature = private_key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{payload}.{_b64url(signature)}"


class TokenIssuer:
    """The emulator's identity service: mints security tokens for session keys.

    Remembers the ids (``jti``) of the tokens it issued so they can all be
    revoked at once.
    """

    def __init__(self, *, clock: Callable[[], float], name: str = DEFAULT_ISSUER) -> None:
        self.name = name
        self._key = new_rsa_key()
        self._clock = clock
        self._lock = threading.Lock()
        self._issued: list[str] = []

    @property
    def public_key(self) -> RSAPublicKey:
        """The key the verifier checks token signatures with."""
        return self._key.public_key()

    def issued_ids(self) -> tuple[str, ...]:
        """The ``jti`` of every token minted so far."""
        with self._lock:
            return tuple(self._issued)

    def mint(
        self,
        *,
        subject: str,
        tenant: str,
        session_key: RSAPublicKey,
        ttl: float,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A token for ``subject`` binding ``session_key``, valid for ``ttl`` seconds.

        A negative ``ttl`` gives a token that is already expired.
        """
        now = self._clock()
        token_id = uuid.uuid4().hex
        claims: dict[str, Any] = {
            "sub": subject,
            "tenant": tenant,
            "iss": self.name,
            "iat": int(now),
            "exp": int(now + ttl),
            "jti": token_id,
            "jwk": json.dumps(public_jwk(session_key, kid=token_id)),
            **(extra_claims or {}),
        }
        with self._lock:
            self._issued.append(token_id)
        return mint_jwt(self._key, claims)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
