"""Credential sources: where the key id and private key of a signature come from.

A source turns resolved settings into :class:`SigningKey` snapshots. It does
blocking work (reading key and token files, asking the instance metadata
service) and is only ever called off the event loop, by the refresher.

- :class:`ApiKeySource`: a user's API key; never changes.
- :class:`SessionTokenSource`: ``oci session authenticate`` profiles; the
  token file is re-read on refresh, so ``oci session refresh`` on disk is
  picked up by a running process.
- :class:`SignerSource`: any ``oci`` SDK signer object (principals, OKE,
  delegation tokens, ...), refreshed through the signer's own methods so
  that the SDK's refresh logic is never bypassed.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from ..errors import CredentialsError, KeyFileError, KeyPassphraseError
from .keycache import cached_key, key_identity

if TYPE_CHECKING:
    from ..config.settings import Settings

__all__ = [
    "ApiKeySource",
    "InsecureKeyFileWarning",
    "CredentialSource",
    "SessionTokenSource",
    "SignerSource",
    "SigningKey",
    "build_source",
    "load_private_key",
    "principal_signer",
    "token_expiry",
]


@dataclass(frozen=True, repr=False)
class SigningKey:
    """An immutable snapshot of what one signature needs.

    ``generation`` grows with every refresh, so a request that saw key N can
    tell whether someone else already replaced it after a 401.
    """

    key_id: str
    private_key: RSAPrivateKey
    expires_at: float | None = None
    generation: int = 0

    def __repr__(self) -> str:
        # The key id of a token credential is the token itself: never shown.
        kind = "token" if self.key_id.startswith("ST$") else "api_key"
        return (
            f"SigningKey(kind={kind}, expires_at={self.expires_at}, generation={self.generation})"
        )


class CredentialSource(Protocol):
    """Produces signing keys. Both methods may block; callers run them in a thread."""

    can_refresh: bool
    """Whether :meth:`load` can ever return a different key."""

    def load(self, *, force: bool) -> SigningKey:
        """Return the current key; with ``force``, renew it even if it looks valid."""
        ...


def token_expiry(key_id: str) -> float | None:
    """The ``exp`` claim of a ``ST$<jwt>`` key id, or ``None`` if there is none.

    The token is only decoded, not verified: OCI verifies it; we only need to
    know when to renew it.
    """
    if not key_id.startswith("ST$"):
        return None
    parts = key_id[3:].split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, (int, float)) else None


def load_private_key(path: str, pass_phrase: str | None, *, profile: str) -> RSAPrivateKey:
    """Load a PEM private key, turning every failure into an error that names the fix."""
    from oci.exceptions import InvalidPrivateKey, MissingPrivateKeyPassphrase
    from oci.signer import load_private_key_from_file

    where = f"key_file {path!r} of profile [{profile}]"
    if not os.path.isfile(path):
        problem = "is a directory" if os.path.isdir(path) else "does not exist"
        raise KeyFileError(
            f"The {where} {problem}. Point key_file in the profile at the private key "
            "file, or run `oci setup config` to create a key."
        )
    _warn_if_shared(path, where)
    try:
        # Bytes: the oci SDK would encode a str passphrase as ASCII and crash on "é".
        key = load_private_key_from_file(path, _utf8(pass_phrase))
    except MissingPrivateKeyPassphrase:
        raise KeyPassphraseError(
            f"The {where} is encrypted and no passphrase was given. "
            f"Add `pass_phrase=...` to profile [{profile}]."
        ) from None
    except InvalidPrivateKey:
        if pass_phrase is not None:
            raise KeyPassphraseError(
                f"The {where} could not be decrypted: the pass_phrase of profile "
                f"[{profile}] is wrong, or the file is not a private key. "
                "Correct pass_phrase in the profile."
            ) from None
        raise KeyFileError(
            f"The {where} is not a PEM private key. Point key_file at the private key "
            "(not the public key) created by `oci setup config`."
        ) from None
    except OSError as exc:
        raise KeyFileError(
            f"The {where} cannot be read ({exc.strerror}). Check the file's permissions."
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise KeyFileError(f"The {where} is not an RSA key; OCI API keys are RSA keys.")
    return key


def _utf8(pass_phrase: str | None) -> bytes | None:
    return None if pass_phrase is None else pass_phrase.encode("utf-8")


class InsecureKeyFileWarning(UserWarning):
    """A private key file can be read by other users of this machine."""


def _warn_if_shared(path: str, where: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # the read below reports the problem
    if mode & 0o077:
        warnings.warn(
            f"The {where} can be read by other users (mode {mode & 0o777:o}). "
            f"Run `chmod 600 {path}`.",
            InsecureKeyFileWarning,
            stacklevel=4,
        )


def _key_from_content(content: str, pass_phrase: str | None, *, profile: str) -> RSAPrivateKey:
    from oci.exceptions import InvalidPrivateKey, MissingPrivateKeyPassphrase
    from oci.signer import load_private_key as oci_load_private_key

    try:
        key = oci_load_private_key(content.encode("utf-8"), _utf8(pass_phrase))
    except (MissingPrivateKeyPassphrase, InvalidPrivateKey, ValueError, TypeError):
        raise KeyFileError(
            f"The key_content of profile [{profile}] is not a usable PEM private key (or its "
            "pass_phrase is missing or wrong). Fix key_content, or use key_file= instead."
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise KeyFileError(f"The key_content of profile [{profile}] is not an RSA key.")
    return key


class ApiKeySource:
    """An API-key profile: ``tenancy/user/fingerprint`` and the user's private key."""

    can_refresh = False

    def __init__(self, key_id: str, private_key: RSAPrivateKey) -> None:
        self._key = SigningKey(key_id, private_key)

    def load(self, *, force: bool) -> SigningKey:
        return self._key


class SessionTokenSource:
    """A session-token profile: the token file is re-read on every refresh."""

    can_refresh = True

    def __init__(self, token_file: str, private_key: RSAPrivateKey, *, profile: str) -> None:
        self._token_file = token_file
        self._private_key = private_key
        self._profile = profile

    def load(self, *, force: bool) -> SigningKey:
        try:
            with open(self._token_file, encoding="utf-8") as handle:
                token = handle.read().strip()
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
            reason = exc.strerror if isinstance(exc, OSError) else "not a usable path"
            raise CredentialsError(
                f"The security_token_file {self._token_file!r} of profile [{self._profile}] "
                f"cannot be read ({reason}). Run "
                f"`oci session authenticate --profile-name {self._profile}`."
            ) from None
        if not token:
            raise CredentialsError(
                f"The security_token_file {self._token_file!r} of profile [{self._profile}] "
                f"is empty. Run `oci session refresh --profile {self._profile}`."
            )
        key_id = "ST$" + token
        return SigningKey(key_id, self._private_key, token_expiry(key_id))


class SignerSource:
    """Any ``oci`` SDK signer, used as is.

    Every ``oci`` signer exposes ``api_key`` (the key id) and ``private_key``.
    Token signers renew through their own methods, which this source calls in
    a worker thread, so the SDK's refresh logic is kept and its blocking I/O
    never reaches the event loop:

    - ``refresh_security_token()`` renews now (after a 401);
    - ``get_security_token()`` renews when the signer judges it due (resource
      principals and OKE workload identity: near expiry or at half-life);
    - ``_reset_signers()`` is what an instance principal signer's own
      ``__call__`` runs before each request: it asks the federation client for
      a token, which renews an expiring one, and installs it.
    """

    def __init__(self, signer: Any) -> None:
        if not hasattr(signer, "api_key") or not hasattr(signer, "private_key"):
            raise CredentialsError(
                f"signer={type(signer).__name__} is not an oci SDK signer: it has no "
                "`api_key` and `private_key`. Pass a signer from `oci.signer` or "
                "`oci.auth.signers`."
            )
        self._signer = signer
        self.can_refresh = any(
            callable(getattr(signer, name, None))
            for name in ("refresh_security_token", "get_security_token", "_reset_signers")
        )

    def load(self, *, force: bool) -> SigningKey:
        refresh: Callable[[], object] | None = getattr(self._signer, "refresh_security_token", None)
        due: Callable[[], object] | None = getattr(self._signer, "get_security_token", None)
        reset: Callable[[], object] | None = getattr(self._signer, "_reset_signers", None)
        if force and callable(refresh):
            refresh()
        elif callable(due):
            due()
        if callable(reset):
            reset()
        key_id = str(self._signer.api_key)
        private_key = self._signer.private_key
        if not isinstance(private_key, RSAPrivateKey):
            raise CredentialsError(
                f"signer={type(self._signer).__name__} holds no RSA private key; "
                "agents_oci signs with RSA keys as OCI requires."
            )
        return SigningKey(key_id, private_key, token_expiry(key_id))


def principal_signer(auth_type: str) -> Any:
    """Build the ``oci`` SDK's own signer for a principal auth type.

    This talks to the instance metadata service or reads the resource
    principal environment: it blocks, and off OCI it fails. Tests pass a fake
    through ``signer=`` instead.
    """
    from oci.auth import signers

    try:
        if auth_type == "instance_principal":
            return signers.InstancePrincipalsSecurityTokenSigner()
        if auth_type == "resource_principal":
            return signers.get_resource_principals_signer()
        if auth_type == "oke_workload_identity":
            return signers.get_oke_workload_identity_resource_principal_signer()
    except Exception as exc:
        raise CredentialsError(
            f"Could not obtain {auth_type} credentials from OCI ({type(exc).__name__}). "
            f"{auth_type} auth works only on OCI compute, OKE or Functions with a "
            "dynamic group (or workload identity) and a policy; elsewhere use "
            "auth_type='api_key' or 'security_token' with a ~/.oci/config profile."
        ) from exc
    raise CredentialsError(f"auth_type {auth_type!r} has no principal signer.")


def build_source(settings: Settings, signer: Any | None = None) -> CredentialSource:
    """Turn resolved settings (and an optional caller signer) into a source."""
    if signer is not None:
        return SignerSource(signer)
    auth_type = settings.auth_type.value
    if auth_type in ("instance_principal", "resource_principal", "oke_workload_identity"):
        return SignerSource(principal_signer(auth_type))
    private_key = _profile_key(settings)
    profile = settings.profile.value
    if auth_type == "security_token":
        token_file = settings.profile_path("security_token_file") or ""
        return SessionTokenSource(token_file, private_key, profile=profile)
    values = settings.profile_values
    key_id = f"{values.get('tenancy', '')}/{values.get('user', '')}/{values.get('fingerprint', '')}"
    return ApiKeySource(key_id, private_key)


def _profile_key(settings: Settings) -> RSAPrivateKey:
    # Cached per process (auth/keycache). Expressions, not locals: this frame
    # is in the traceback of every key error, and error reporters capture locals.
    return cached_key(
        lambda: _load_profile_key(settings),
        key_identity(
            profile=settings.profile.value,
            pass_phrase=settings.profile_values.get("pass_phrase") or None,
            key_content=settings.profile_values.get("key_content") or None,
            key_file=settings.profile_path("key_file"),
        ),
    )


def _load_profile_key(settings: Settings) -> RSAPrivateKey:
    if settings.profile_values.get("key_content"):
        return _key_from_content(settings.profile_values["key_content"],
                                 settings.profile_values.get("pass_phrase") or None,
                                 profile=settings.profile.value)
    return load_private_key(settings.profile_path("key_file") or "",
                            settings.profile_values.get("pass_phrase") or None,
                            profile=settings.profile.value)
