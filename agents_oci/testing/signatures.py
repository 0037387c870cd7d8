"""The signature verifier: an independent witness of OCI request signing.

It checks a request the way OCI's front door does (HTTP signature version 1,
RSASSA-PKCS1-v1_5 over SHA-256) and shares no code with any signing code of
this project: it is proven against the ``oci`` SDK's own signers, so a client
that passes here signs like the SDK. Every failure carries a specific reason
for the journal; the client only ever sees OCI's generic 401 message.

Over 300 lines on purpose: the verifier stays one piece, a witness that reads
on its own and shares no code with the project's signing code.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey, RSAPublicNumbers

__all__ = [
    "MAX_CLOCK_SKEW",
    "AuthFailure",
    "IncomingRequest",
    "Principal",
    "TrustStore",
    "Verifier",
    "parse_signature_params",
]

MAX_CLOCK_SKEW: Final = 300.0
"""OCI rejects requests whose date is more than five minutes off."""

_BODY_METHODS: Final = frozenset({"post", "put", "patch"})
_GENERIC_HEADERS: Final = ("(request-target)", "host")
_BODY_HEADERS: Final = ("content-length", "content-type", "x-content-sha256")
_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')
_TOKEN_PREFIX: Final = "ST$"


class AuthFailure(Exception):
    """Why a request failed authentication (for the journal, not the client)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Principal:
    """Who a verified request came from.

    ``kind`` is ``api_key`` (subject: the user OCID), ``session`` (any ``ST$``
    security token: session, instance, resource or OKE workload principal;
    subject: the token's ``sub``; its ``ptype`` claim tells which) or
    ``bearer`` (a GenAI API key; no subject recorded).
    """

    kind: Literal["api_key", "session", "bearer"]
    subject: str = ""
    claims: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """The security token's claims (empty for API and bearer keys)."""

    def __str__(self) -> str:
        return self.kind if self.kind == "bearer" else f"{self.kind}:{self.subject}"


@dataclass(frozen=True)
class IncomingRequest:
    """A request as received: raw target, header pairs (names any case), body."""

    method: str
    target: str
    """Raw path plus ``?query`` exactly as sent (never decoded)."""
    headers: Sequence[tuple[str, str]]
    body: bytes = b""

    def values(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in order."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]


class TrustStore:
    """What the verifier trusts: API keys, bearer keys, the token issuer.

    Written by the credentials kit and by tests while the server thread
    reads it, hence the lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._api_keys: dict[str, RSAPublicKey] = {}
        self._bearer_keys: set[str] = set()
        self._issuers: dict[str, RSAPublicKey] = {}
        self._revoked: set[str] = set()

    def add_api_key(self, key_id: str, public_key: RSAPublicKey) -> None:
        """Trust ``tenancy/user/fingerprint`` signed with ``public_key``."""
        with self._lock:
            self._api_keys[key_id] = public_key

    def add_bearer_key(self, key: str) -> None:
        """Accept ``Authorization: Bearer <key>``."""
        with self._lock:
            self._bearer_keys.add(key)

    def add_issuer(self, name: str, public_key: RSAPublicKey) -> None:
        """Trust security tokens whose ``iss`` is ``name`` signed by ``public_key``."""
        with self._lock:
            self._issuers[name] = public_key

    def revoke(self, token_ids: Iterable[str]) -> None:
        """Reject tokens with these ``jti`` claims from now on."""
        with self._lock:
            self._revoked.update(token_ids)

    def api_key(self, key_id: str) -> RSAPublicKey | None:
        with self._lock:
            return self._api_keys.get(key_id)

    def has_bearer_key(self, key: str) -> bool:
        with self._lock:
            return key in self._bearer_keys

    def issuer_key(self, name: str) -> RSAPublicKey | None:
        with self._lock:
            return self._issuers.get(name)

    def is_revoked(self, token_id: str) -> bool:
        with self._lock:
            return token_id in self._revoked


def parse_signature_params(value: str) -> dict[str, str]:
    """Parse the parameters of ``Signature k="v",...`` by name (order varies)."""
    rest = value[len("signature") :].strip()
    params: dict[str, str] = {}
    pos = 0
    while pos < len(rest):
        match = _PARAM.match(rest, pos)
        if match is None:
            raise AuthFailure(f"malformed Signature parameters near {rest[pos : pos + 20]!r}")
        if match.group(1) in params:
            raise AuthFailure(f"duplicate Signature parameter {match.group(1)!r}")
        params[match.group(1)] = match.group(2)
        pos = match.end()
    return params


class Verifier:
    """Checks OCI signatures and bearer keys against a :class:`TrustStore`."""

    def __init__(
        self,
        trust: TrustStore,
        *,
        clock: Callable[[], float],
        max_clock_skew: float = MAX_CLOCK_SKEW,
    ) -> None:
        self._trust = trust
        self._clock = clock
        self._max_skew = max_clock_skew

    def verify(self, request: IncomingRequest) -> Principal:
        """Return the request's principal or raise :class:`AuthFailure`."""
        values = request.values("authorization")
        if not values:
            raise AuthFailure("missing Authorization header")
        schemes = {value.strip().split(" ", 1)[0].lower() for value in values}
        if {"bearer", "signature"} <= schemes:
            raise AuthFailure("request carries both a bearer key and a signature")
        if len(values) > 1:
            raise AuthFailure("more than one Authorization header")
        scheme = schemes.pop()
        if scheme == "bearer":
            return self._verify_bearer(values[0])
        if scheme == "signature":
            return self._verify_signature(request, parse_signature_params(values[0].strip()))
        raise AuthFailure(f"unsupported Authorization scheme {scheme!r}")

    def _verify_bearer(self, value: str) -> Principal:
        key = value.strip()[len("bearer") :].strip()
        if not self._trust.has_bearer_key(key):
            raise AuthFailure("unknown bearer key")
        return Principal("bearer")

    def _verify_signature(self, request: IncomingRequest, params: Mapping[str, str]) -> Principal:
        for name in ("keyId", "signature", "headers"):
            if name not in params:
                raise AuthFailure(f"Signature parameter {name!r} missing")
        if params.get("algorithm", "").lower() != "rsa-sha256":
            raise AuthFailure(f"unsupported algorithm {params.get('algorithm')!r}")
        if params.get("version", "1") != "1":
            raise AuthFailure(f"unsupported signature version {params['version']!r}")
        signed = params["headers"].lower().split()
        method = request.method.lower()
        _check_required(method, signed)
        present = _signed_values(request, signed)
        _check_body(request.body, present)
        self._check_date(present)
        public_key, principal = self._resolve_key(params["keyId"])
        signing_string = "\n".join(f"{name}: {present[name]}" for name in signed).encode()
        try:
            signature = base64.b64decode(params["signature"], validate=True)
            public_key.verify(signature, signing_string, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, binascii.Error, ValueError):
            raise AuthFailure("signature does not verify with the key named by keyId") from None
        return principal

    def _check_date(self, present: Mapping[str, str]) -> None:
        # x-date replaces date for clients that cannot set Date themselves.
        value = present.get("x-date", present.get("date", ""))
        try:
            sent = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            raise AuthFailure(f"unparseable date {value!r}") from None
        skew = abs(self._clock() - sent)
        if skew > self._max_skew:
            raise AuthFailure(f"date skew {skew:.0f}s exceeds {self._max_skew:.0f}s")

    def _resolve_key(self, key_id: str) -> tuple[RSAPublicKey, Principal]:
        if key_id.startswith(_TOKEN_PREFIX):
            claims = self._verify_token(key_id[len(_TOKEN_PREFIX) :])
            return _jwk_public_key(claims), Principal("session", str(claims.get("sub", "")), claims)
        public_key = self._trust.api_key(key_id)
        parts = key_id.split("/")
        if public_key is None or len(parts) != 3:
            raise AuthFailure(f"unknown keyId {key_id!r} (expected tenancy/user/fingerprint)")
        return public_key, Principal("api_key", parts[1])

    def _verify_token(self, token: str) -> dict[str, Any]:
        try:
            header_b64, claims_b64, signature_b64 = token.split(".")
            header = json.loads(_b64url(header_b64))
            claims = json.loads(_b64url(claims_b64))
            signature = _b64url(signature_b64)
        except (ValueError, binascii.Error):
            raise AuthFailure("security token is not a well-formed JWT") from None
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise AuthFailure("security token is not a well-formed JWT")
        if header.get("alg") != "RS256":
            raise AuthFailure(f"security token algorithm {header.get('alg')!r} is not RS256")
        issuer_key = self._trust.issuer_key(str(claims.get("iss", "")))
        if issuer_key is None:
            raise AuthFailure(f"security token issuer {claims.get('iss')!r} is not trusted")
        try:
            issuer_key.verify(
                signature,
                f"{header_b64}.{claims_b64}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            raise AuthFailure("security token signature is not the issuer's") from None
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)) or exp <= self._clock():
            raise AuthFailure(f"security token expired (exp={exp!r})")
        if self._trust.is_revoked(str(claims.get("jti", ""))):
            raise AuthFailure("security token revoked")
        return claims


def _check_required(method: str, signed: Sequence[str]) -> None:
    required = list(_GENERIC_HEADERS)
    if method in _BODY_METHODS:
        required.extend(_BODY_HEADERS)
    missing = [name for name in required if name not in signed]
    if "date" not in signed and "x-date" not in signed:
        missing.insert(0, "date")
    if missing:
        raise AuthFailure(f"{method.upper()} must sign {', '.join(missing)} (signed: {signed})")


def _signed_values(request: IncomingRequest, signed: Sequence[str]) -> dict[str, str]:
    present: dict[str, str] = {}
    for name in signed:
        if name == "(request-target)":
            present[name] = f"{request.method.lower()} {request.target}"
            continue
        values = request.values(name)
        if not values:
            raise AuthFailure(f"signed header {name!r} is absent from the request")
        present[name] = ", ".join(values)
    return present


def _check_body(body: bytes, present: Mapping[str, str]) -> None:
    if "x-content-sha256" in present:
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        if present["x-content-sha256"] != digest:
            raise AuthFailure("x-content-sha256 does not match the body")
    if "content-length" in present and present["content-length"] != str(len(body)):
        raise AuthFailure(
            f"content-length {present['content-length']!r} does not match the body ({len(body)})"
        )


def _jwk_public_key(claims: Mapping[str, Any]) -> RSAPublicKey:
    try:
        jwk = json.loads(claims["jwk"])
        n = int.from_bytes(_b64url(jwk["n"]), "big")
        e = int.from_bytes(_b64url(jwk["e"]), "big")
        return RSAPublicNumbers(e, n).public_key()
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise AuthFailure("security token has no usable RSA jwk claim") from None


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
