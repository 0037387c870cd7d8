"""Fake instance, resource and OKE workload principals, without the network.

The signers are the ``oci`` SDK's real
``X509FederationClientBasedSecurityTokenSigner`` (what
``InstancePrincipalsSecurityTokenSigner`` is built on) over a fake federation
client that mints tokens from the emulator's issuer instead of calling the
auth service. So signing, key ids (``ST$<jwt>``) and the refresh-on-call
behaviour are the SDK's own; only the network is gone.

The OKE workload identity signer (:class:`FakeOkeSigner`) keeps the refresh
behaviour of the SDK's ``OkeWorkloadIdentityResourcePrincipalSigner``
instead: signing never renews the token; only ``get_security_token()`` (near
expiry) and ``refresh_security_token()`` do.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from oci.auth.signers import X509FederationClientBasedSecurityTokenSigner
from oci.auth.signers.security_token_signer import SECURITY_TOKEN_FORMAT_STRING

from .tokens import TokenIssuer, new_rsa_key

__all__ = [
    "FakeFederationClient",
    "FakeOkeSigner",
    "FakePrincipalSigner",
    "FakeSessionKeySupplier",
    "PrincipalType",
    "principal_claims",
    "principal_subject",
]

PrincipalType = Literal["instance", "resource", "oke"]
OKE_NAMESPACE: Final = "default"
OKE_SERVICE_ACCOUNT: Final = "agents"


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
    """An instance-, resource- or OKE-principal signer backed by a fake federation client.

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


class FakeOkeSigner(FakePrincipalSigner):
    """An OKE workload identity signer, refreshing like the SDK's own.

    ``OkeWorkloadIdentityResourcePrincipalSigner`` is a plain
    ``SecurityTokenSigner``: signing a request uses the token it holds, even
    an expired one (the SDK's service clients renew only after a 401).
    ``get_security_token()`` renews a token close to expiry (the SDK: once
    half its lifetime is gone; here: within ``expiry_jitter`` seconds) and
    ``refresh_security_token()`` renews it now; both return the new token.

    Unlike the SDK's signer it has ``tenancy_id`` (the SDK's has none) and
    always a ``region`` (the SDK's is ``OCI_RESOURCE_PRINCIPAL_REGION`` or
    ``None``): product code must not depend on either.
    """

    def get_security_token(self) -> str:
        """The current token, renewed first when it is close to expiry."""
        token = self.federation_client.get_security_token()
        self._reset_signers()
        return token

    def refresh_security_token(self) -> str:
        """Fetch a new token now (blocking for ``refresh_delay``) and sign with it."""
        token = self.federation_client.refresh_security_token()
        self._reset_signers()
        return token

    def _reset_signers(self) -> None:
        # Unlike the X509 base class, never renew here: this runs before every
        # signing (``__call__``), and the real OKE signer does not renew there.
        with self._reset_signers_lock:
            client = self.federation_client
            self.api_key = SECURITY_TOKEN_FORMAT_STRING.format(client.security_token)
            self.private_key = client.session_key_supplier.get_key_pair()["private"]
            self._basic_signer.reset_signer(self.api_key, self.private_key)
            self._body_signer.reset_signer(self.api_key, self.private_key)


def principal_subject(principal_type: PrincipalType, region: str) -> str:
    """A plausible OCID for the principal (an instance, a function or an OKE cluster)."""
    kind = {"instance": "instance", "resource": "fnfunc", "oke": "cluster"}[principal_type]
    return f"ocid1.{kind}.oc1.{region}.{uuid.uuid4().hex}"


def principal_claims(
    principal_type: PrincipalType, subject: str, tenancy_id: str
) -> dict[str, str]:
    """The extra token claims of each principal type (``ptype`` tells them apart).

    Resource and workload tokens carry ``res_tenant`` and ``res_compartment``:
    the SDK's resource principal signers read their ``tenancy_id`` and
    ``compartment_id`` from them. An OKE workload is identified by cluster,
    namespace and service account, the attributes IAM policies match on.
    """
    if principal_type == "instance":
        return {"ptype": "instance"}
    claims = {"res_tenant": tenancy_id, "res_compartment": tenancy_id, "res_id": subject}
    if principal_type == "resource":
        return {"ptype": "resource", "res_type": "function", **claims}
    return {
        "ptype": "workload",
        "res_type": "workload",
        **claims,
        "cluster_id": subject,
        "namespace": OKE_NAMESPACE,
        "service_account": OKE_SERVICE_ACCOUNT,
    }
