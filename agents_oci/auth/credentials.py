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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from ..config.reading import Unreadable, denied_fix, read_regular_file
from ..config.secret_values import header_problem
from ..errors import OCI_CLI_NOTE, CredentialsError
from .keycache import cached_key, key_identity
from .keys import InsecureKeyFileWarning, key_from_content, load_private_key

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
        token = _read_token(self._token_file)
        if isinstance(token, str):
            key_id = "ST$" + token
            return SigningKey(key_id, self._private_key, token_expiry(key_id))
        # Raised outside any except block, from a frame that holds no token text.
        where = f"The security_token_file {self._token_file!r} of profile [{self._profile}]"
        if token.denied:  # it is there: a new session would not make it readable
            raise CredentialsError(f"{where} {token.reason}. {denied_fix(self._token_file)}")
        if token.reason == _EMPTY:
            fix = f"Run `oci session refresh --profile {self._profile}`."
        else:
            fix = f"Run `oci session authenticate --profile-name {self._profile}`."
        if token.reason.startswith("holds"):
            fix = f"The file must hold the token alone, on one line. {fix}"
        raise CredentialsError(f"{where} {token.reason}. {fix} {OCI_CLI_NOTE}")


_EMPTY: Final = "is empty"


def _read_token(path: str) -> str | Unreadable:
    """The token, stripped as ``oci_openai`` and the ``oci`` SDK strip files, or the problem."""
    data = read_regular_file(path)
    if isinstance(data, Unreadable):
        return data
    try:
        token = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        return Unreadable("is not UTF-8 text (a session token is ASCII)")
    if not token:
        return Unreadable(_EMPTY)
    problem = header_problem(token)  # it goes into the Authorization header's keyId
    return token if problem is None else Unreadable(problem)


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
            "auth_type='api_key' or auth_type='security_token' with a ~/.oci/config profile."
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
        return key_from_content(settings.profile_values["key_content"],
                                settings.profile_values.get("pass_phrase") or None,
                                profile=settings.profile.value)
    return load_private_key(settings.profile_path("key_file") or "",
                            settings.profile_values.get("pass_phrase") or None,
                            profile=settings.profile.value)
