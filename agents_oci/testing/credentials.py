"""The credentials kit: throwaway keys, a temporary OCI config file, signers.

Everything is generated at run time and lives in a private temporary
directory that :meth:`CredentialsKit.close` removes. The config file has the
profiles a user would have after ``oci setup config`` and
``oci session authenticate``:

- ``DEFAULT``: an API key (``user``, ``fingerprint``, ``tenancy``, ``region``,
  ``key_file``);
- ``SESSION``: a session token (``security_token_file`` holding a JWT from the
  emulator's issuer, ``key_file`` with the session key);
- ``ENCRYPTED``: an API key whose PEM file is passphrase-protected
  (``pass_phrase`` in the profile).

Principals without a config file: fake instance, resource and OKE workload
identity signers, and the resource principal v2.2 environment (variables and
files) under which the SDK's own ``get_resource_principals_signer()`` works.

The kit registers what it creates in the verifier's :class:`TrustStore`, so
the emulator accepts exactly these credentials.
"""

from __future__ import annotations

import base64
import secrets
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from oci.auth.signers import SecurityTokenSigner
from oci.config import from_file
from oci.signer import Signer, load_private_key_from_file

from .files import write_private
from .principals import (
    FakeFederationClient,
    FakeOkeSigner,
    FakePrincipalSigner,
    PrincipalType,
    principal_claims,
    principal_subject,
)
from .resource_principal import ResourcePrincipalFiles
from .signatures import TrustStore
from .tokens import TokenIssuer, fingerprint, new_rsa_key, private_pem

__all__ = ["PROFILES", "CredentialsKit", "new_ocid"]

PROFILES: Final = ("DEFAULT", "SESSION", "ENCRYPTED")
_SESSION_TTL: Final = 3600.0


def new_ocid(kind: str, region: str = "") -> str:
    """A random, well-formed OCID such as ``ocid1.tenancy.oc1..aaaa...``."""
    unique = base64.b32encode(secrets.token_bytes(32)).decode().lower().rstrip("=")
    return f"ocid1.{kind}.oc1.{region}.aaaaaaaa{unique[:52]}"


class CredentialsKit:
    """Throwaway OCI credentials trusted by one emulator.

    Example::

        kit = emu.credentials
        signer = kit.api_key_signer()                  # oci.signer.Signer
        kit.rotate_session_token()                     # like `oci session refresh`
        ip = kit.instance_principal_signer(refresh_delay=0.2)
        oke = kit.oke_workload_identity_signer()
        with mock.patch.dict(os.environ, kit.resource_principal_environment()):
            rp = oci.auth.signers.get_resource_principals_signer()
    """

    def __init__(
        self,
        *,
        trust: TrustStore,
        region: str,
        clock: Callable[[], float] = time.time,
        session_ttl: float = _SESSION_TTL,
    ) -> None:
        self.region = region
        self.tenancy_id = new_ocid("tenancy")
        self.user_id = new_ocid("user")
        self.pass_phrase = secrets.token_urlsafe(16)
        self.session_ttl = session_ttl
        self._trust = trust
        self._clock = clock
        self.issuer = TokenIssuer(clock=clock)
        trust.add_issuer(self.issuer.name, self.issuer.public_key)

        self.directory = Path(tempfile.mkdtemp(prefix="agents-oci-emulator-"))
        # Remove the keys even if the owner forgets close().
        self._finalizer = weakref.finalize(self, shutil.rmtree, self.directory, True)
        self.api_key_file = self.directory / "oci_api_key.pem"
        self.encrypted_key_file = self.directory / "oci_api_key_encrypted.pem"
        self.session_key_file = self.directory / "session_key.pem"
        self.security_token_file = self.directory / "token"
        self.config_file = self.directory / "config"

        api_key, encrypted_key, self._session_key = new_rsa_key(), new_rsa_key(), new_rsa_key()
        write_private(self.api_key_file, private_pem(api_key))
        write_private(self.encrypted_key_file, private_pem(encrypted_key, self.pass_phrase))
        write_private(self.session_key_file, private_pem(self._session_key))
        self.fingerprints = {
            "DEFAULT": fingerprint(api_key.public_key()),
            "ENCRYPTED": fingerprint(encrypted_key.public_key()),
            "SESSION": fingerprint(self._session_key.public_key()),
        }
        for profile, key in (("DEFAULT", api_key), ("ENCRYPTED", encrypted_key)):
            trust.add_api_key(self.key_id(profile), key.public_key())
        self.rotate_session_token()
        write_private(self.config_file, self._config_text().encode())
        self.resource_principal = ResourcePrincipalFiles(
            directory=self.directory / "resource-principal",
            issuer=self.issuer,
            tenancy_id=self.tenancy_id,
            region=region,
        )

    def key_id(self, profile: str = "DEFAULT") -> str:
        """The ``keyId`` of an API-key profile: ``tenancy/user/fingerprint``."""
        if profile not in ("DEFAULT", "ENCRYPTED"):
            raise ValueError(f"profile must be 'DEFAULT' or 'ENCRYPTED', got {profile!r}")
        return f"{self.tenancy_id}/{self.user_id}/{self.fingerprints[profile]}"

    @property
    def session_token(self) -> str:
        """The token currently in ``security_token_file``."""
        return self.security_token_file.read_text().strip()

    def rotate_session_token(self, *, ttl: float | None = None) -> str:
        """Write a new session token for the same session key, like ``oci session refresh``."""
        token = self.issuer.mint(
            subject=self.user_id,
            tenant=self.tenancy_id,
            session_key=self._session_key.public_key(),
            ttl=self.session_ttl if ttl is None else ttl,
            extra_claims={"ptype": "user"},
        )
        write_private(self.security_token_file, token.encode())
        return token

    def expire_session_token(self) -> str:
        """Write a session token whose ``exp`` is already in the past."""
        return self.rotate_session_token(ttl=-60.0)

    def revoke_tokens(self) -> None:
        """Make the emulator reject every security token issued so far."""
        self._trust.revoke(self.issuer.issued_ids())

    def config(self, profile: str = "DEFAULT") -> dict[str, Any]:
        """A profile as the ``oci`` SDK reads it (``oci.config.from_file``)."""
        return dict(from_file(str(self.config_file), profile))

    def api_key_signer(self, profile: str = "DEFAULT") -> Signer:
        """The ``oci`` SDK's reference signer for an API-key profile."""
        self.key_id(profile)  # validates the profile name
        return Signer.from_config(self.config(profile))

    def session_token_signer(self) -> SecurityTokenSigner:
        """The ``oci`` SDK's reference signer for the ``SESSION`` profile, as on disk now."""
        private_key = load_private_key_from_file(str(self.session_key_file))
        return SecurityTokenSigner(self.session_token, private_key)

    def instance_principal_signer(
        self,
        *,
        ttl: float = 3600.0,
        refresh_delay: float = 0.0,
        expiry_jitter: float = 60.0,
    ) -> FakePrincipalSigner:
        """A fake instance-principal signer (see :class:`FakeFederationClient`)."""
        return self._principal("instance", ttl, refresh_delay, expiry_jitter)

    def resource_principal_signer(
        self,
        *,
        ttl: float = 3600.0,
        refresh_delay: float = 0.0,
        expiry_jitter: float = 60.0,
    ) -> FakePrincipalSigner:
        """A fake resource-principal signer (see :class:`FakeFederationClient`)."""
        return self._principal("resource", ttl, refresh_delay, expiry_jitter)

    def oke_workload_identity_signer(
        self,
        *,
        ttl: float = 3600.0,
        refresh_delay: float = 0.0,
        expiry_jitter: float = 60.0,
    ) -> FakePrincipalSigner:
        """A fake OKE workload identity signer (a :class:`FakeOkeSigner`).

        Stands in for ``get_oke_workload_identity_resource_principal_signer()``,
        which needs a pod's service account token and the cluster's proxymux.
        Its token's ``sub`` is the cluster OCID and ``ptype`` is ``workload``.
        """
        return self._principal("oke", ttl, refresh_delay, expiry_jitter)

    def resource_principal_environment(
        self, *, version: str = "2.2", ttl: float = 3600.0
    ) -> dict[str, str]:
        """Variables under which the SDK's ``get_resource_principals_signer()`` works offline.

        Writes a fresh session key and a token for it (mode 0600, in the kit's
        directory) and returns ``OCI_RESOURCE_PRINCIPAL_VERSION``, ``_RPST``
        and ``_PRIVATE_PEM`` (absolute paths, so the SDK re-reads them on
        refresh) and ``_REGION``. Only version ``2.2`` works without a network.
        """
        return self.resource_principal.environment(version=version, ttl=ttl)

    def rotate_resource_principal_token(
        self, *, ttl: float | None = None, new_key: bool = False
    ) -> str:
        """Write a new resource principal token, as the platform does; return it.

        The SDK signer picks it up on ``refresh_security_token()`` (it re-reads
        the files), not before. A negative ``ttl`` writes an expired token.
        """
        return self.resource_principal.rotate(ttl=ttl, new_key=new_key)

    def close(self) -> None:
        """Delete the keys, tokens and config file."""
        self._finalizer()

    def _principal(
        self, kind: PrincipalType, ttl: float, refresh_delay: float, expiry_jitter: float
    ) -> FakePrincipalSigner:
        subject = principal_subject(kind, self.region)
        client = FakeFederationClient(
            issuer=self.issuer,
            subject=subject,
            tenancy_id=self.tenancy_id,
            ttl=ttl,
            refresh_delay=refresh_delay,
            expiry_jitter=expiry_jitter,
            claims=principal_claims(kind, subject, self.tenancy_id),
            clock=self._clock,
        )
        signer_class = FakeOkeSigner if kind == "oke" else FakePrincipalSigner
        return signer_class(client, region=self.region, principal_type=kind)

    def _config_text(self) -> str:
        common = f"tenancy={self.tenancy_id}\nregion={self.region}\n"
        return (
            f"[DEFAULT]\nuser={self.user_id}\nfingerprint={self.fingerprints['DEFAULT']}\n"
            f"key_file={self.api_key_file}\n{common}\n"
            f"[SESSION]\nfingerprint={self.fingerprints['SESSION']}\n"
            f"key_file={self.session_key_file}\n"
            f"security_token_file={self.security_token_file}\n{common}\n"
            f"[ENCRYPTED]\nuser={self.user_id}\nfingerprint={self.fingerprints['ENCRYPTED']}\n"
            f"key_file={self.encrypted_key_file}\npass_phrase={self.pass_phrase}\n{common}"
        )
