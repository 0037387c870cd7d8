"""Fake instance and resource principals, without the metadata service.

The signers are the ``oci`` SDK's real
``X509FederationClientBasedSecurityTokenSigner`` (what
``InstancePrincipalsSecurityTokenSigner`` is built on) over a fake federation
client that mints tokens from the emulator's issuer instead of calling the
auth service. So signing, key ids (``ST$<jwt>``) and the refresh-on-call
behaviour are the SDK's own; only the network is gone.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from oci.auth.signers import X509FederationClientBasedSecurityTokenSigner

from .tokens import TokenIssuer, new_rsa_key

__all__ = [
    "FakeFederationClient",
    "FakePrincipalSigner",
    "FakeSessionKeySupplier",
    "PrincipalType",
    "principal_subject",
]

PrincipalType = Literal["instance", "resource"]


class FakeSessionKeySupplier:
    """Like ``oci.auth.session_key_supplier.SessionKeySupplier``: the session key pair.

    The real supplier makes a new key on every token refresh; so does this one
    unless ``rotate=False``, so clients that cache the private key apart from
    the token are caught.
    """

    def __init__(self, *, rotate: bool = True) -> None:
        self._rotate = rotate
        self._key: RSAPrivateKey = new_rsa_key()

    def get_key_pair(self) -> dict[str, Any]:
        """``{"private": ..., "public": ...}`` as the SDK's signer expects."""
        key = self._key
        return {"private": key, "public": key.public_key()}

    def refresh(self) -> None:
        """Make a new key pair (when rotating)."""
        if self._rotate:
            self._key = new_rsa_key()


class FakeFederationClient:
    """Stands in for ``oci.auth.federation_client.X509FederationClient``.

    ``get_security_token()`` returns the current token, refreshing first when
    it is within ``expiry_jitter`` seconds of expiry (the real client uses 60).
    ``refresh_security_token()`` sleeps ``refresh_delay`` seconds with
    :func:`time.sleep` before minting: the real call is blocking network I/O,
    and tests use the delay to prove a client never runs it on the event loop.
    Every refresh is counted and the thread it ran on is recorded. The first
    token is minted at construction and is not counted.
    """

    def __init__(
        self,
        *,
        issuer: TokenIssuer,
        subject: str,
        tenancy_id: str,
        ttl: float = 3600.0,
        refresh_delay: float = 0.0,
        expiry_jitter: float = 60.0,
        claims: Mapping[str, Any] | None = None,
        rotate_session_key: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.subject = subject
        self.tenancy_id = tenancy_id
        self.ttl = ttl
        self.refresh_delay = refresh_delay
        self.expiry_jitter = expiry_jitter
        self.session_key_supplier = FakeSessionKeySupplier(rotate=rotate_session_key)
        self._issuer = issuer
        self._claims = dict(claims or {})
        self._clock = clock
        # Held across the (blocking) refresh, as the real client holds its lock.
        self._refresh_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._refresh_threads: list[threading.Thread] = []
        self._token, self._expires_at = self._mint()

    @property
    def security_token(self) -> str:
        """The current token, without refreshing."""
        return self._token

    @property
    def refresh_count(self) -> int:
        """How many refreshes ran (explicit or on expiry)."""
        with self._count_lock:
            return len(self._refresh_threads)

    @property
    def refresh_threads(self) -> tuple[threading.Thread, ...]:
        """The thread each refresh ran on, in order."""
        with self._count_lock:
            return tuple(self._refresh_threads)

    def get_security_token(self) -> str:
        """The current token, refreshed first when (nearly) expired."""
        if self._clock() < self._expires_at - self.expiry_jitter:
            return self._token
        return self.refresh_security_token()

    def refresh_security_token(self) -> str:
        """Fetch a new token (blocking for ``refresh_delay`` seconds)."""
        with self._refresh_lock:
            time.sleep(self.refresh_delay)
            self.session_key_supplier.refresh()
            token, expires_at = self._mint()
            # Swap token and expiry together so readers never pair mismatched ones.
            self._token, self._expires_at = token, expires_at
            with self._count_lock:
                self._refresh_threads.append(threading.current_thread())
            return token

    def _mint(self) -> tuple[str, float]:
        public_key = self.session_key_supplier.get_key_pair()["public"]
        token = self._issuer.mint(
            subject=self.subject,
            tenant=self.tenancy_id,
            session_key=public_key,
            ttl=self.ttl,
            extra_claims=self._claims,
        )
        return token, self._clock() + self.ttl


class FakePrincipalSigner(X509FederationClientBasedSecurityTokenSigner):  # type: ignore[misc]
    """An instance- or resource-principal signer backed by a fake federation client.

    Shaped like ``oci.auth.signers.InstancePrincipalsSecurityTokenSigner``:
    ``region``, ``tenancy_id``, ``refresh_security_token()``, and signing via
    ``signer(request)`` refreshes an expired token first.
    """

    def __init__(
        self,
        federation_client: FakeFederationClient,
        *,
        region: str,
        principal_type: PrincipalType,
    ) -> None:
        super().__init__(federation_client)
        self.federation_client: FakeFederationClient = federation_client
        self.region = region
        self.tenancy_id = federation_client.tenancy_id
        self.principal_type = principal_type

    @property
    def refresh_count(self) -> int:
        """Refreshes performed by the federation client."""
        return self.federation_client.refresh_count

    def get_security_token(self) -> str:
        """The token the next request will carry (refreshed when expired)."""
        return self.federation_client.get_security_token()


def principal_subject(principal_type: PrincipalType, region: str) -> str:
    """A plausible OCID for the principal (an instance or a function)."""
    kind = "instance" if principal_type == "instance" else "fnfunc"
    return f"ocid1.{kind}.oc1.{region}.{uuid.uuid4().hex}"
