"""Resource principal v2.2 as OCI Functions provides it: environment variables and files.

Under ``OCI_RESOURCE_PRINCIPAL_VERSION=2.2`` the ``oci`` SDK's
``get_resource_principals_signer()`` builds an ``EphemeralResourcePrincipalSigner``
from ``OCI_RESOURCE_PRINCIPAL_RPST`` (the session token),
``OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM`` (its session key) and
``OCI_RESOURCE_PRINCIPAL_REGION``, with no network access. The token and key
variables hold either the values or absolute paths; with paths, the signer's
``refresh_security_token()`` re-reads both files, which is how a platform
hands a running function a renewed token. The files here are such paths, so
:meth:`ResourcePrincipalFiles.rotate` plays the platform.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from .files import write_private
from .principals import principal_claims, principal_subject
from .tokens import TokenIssuer, new_rsa_key, private_pem

__all__ = ["SUPPORTED_VERSIONS", "ResourcePrincipalFiles"]

SUPPORTED_VERSIONS: Final = ("2.2",)
"""Versions that work offline: 1.1 and 2.1.x fetch their tokens from OCI endpoints."""


class ResourcePrincipalFiles:
    """The session token and key files of one emulated function.

    The function (``subject``, an ``ocid1.fnfunc...``) stays the same for the
    life of the kit; each :meth:`environment` call gives it a fresh session
    key, each :meth:`rotate` a fresh token.
    """

    def __init__(
        self,
        *,
        directory: Path,
        issuer: TokenIssuer,
        tenancy_id: str,
        region: str,
    ) -> None:
        self.directory = directory
        self.token_file = directory / "rpst"
        self.key_file = directory / "private.pem"
        self.region = region
        self.tenancy_id = tenancy_id
        self.subject = principal_subject("resource", region)
        self._issuer = issuer
        self._key: RSAPrivateKey | None = None
        self._ttl = 3600.0

    @property
    def token(self) -> str:
        """The token currently in :attr:`token_file` (``RuntimeError`` before setup)."""
        self._require()
        return self.token_file.read_text().strip()

    def environment(self, *, version: str, ttl: float) -> dict[str, str]:
        """Write a fresh key and token; return the variables that point at them."""
        if version not in SUPPORTED_VERSIONS:
            raise ValueError(
                f"resource principal version {version!r} is not emulated: only "
                f"{', '.join(SUPPORTED_VERSIONS)} works offline (versions 1.1 and 2.1.x "
                "fetch tokens from OCI endpoints)"
            )
        # mkdir, not the kit's mkdtemp: the kit's directory is already private (0700).
        self.directory.mkdir(mode=0o700, exist_ok=True)
        self._ttl = ttl
        self._new_key()
        self.rotate()
        return {
            "OCI_RESOURCE_PRINCIPAL_VERSION": version,
            "OCI_RESOURCE_PRINCIPAL_RPST": str(self.token_file),
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": str(self.key_file),
            "OCI_RESOURCE_PRINCIPAL_REGION": self.region,
        }

    def rotate(self, *, ttl: float | None = None, new_key: bool = False) -> str:
        """Write a new token (a negative ``ttl``: already expired); return it.

        With ``new_key`` the session key file is replaced too, as a platform
        may do; the SDK re-reads both on ``refresh_security_token()``.
        """
        key = self._require()
        if new_key:
            key = self._new_key()
        token = self._issuer.mint(
            subject=self.subject,
            tenant=self.tenancy_id,
            session_key=key.public_key(),
            ttl=self._ttl if ttl is None else ttl,
            extra_claims=principal_claims("resource", self.subject, self.tenancy_id),
        )
        write_private(self.token_file, token.encode())
        return token

    def _new_key(self) -> RSAPrivateKey:
        # Unencrypted on purpose: with a path in OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM
        # the SDK takes the passphrase variable for a file path too.
        self._key = new_rsa_key()
        write_private(self.key_file, private_pem(self._key))
        return self._key

    def _require(self) -> RSAPrivateKey:
        if self._key is None:
            raise RuntimeError(
                "no resource principal files yet: call resource_principal_environment() first"
            )
        return self._key
