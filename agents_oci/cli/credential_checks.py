"""Checks of the credentials, loaded exactly as the models load them.

:func:`agents_oci.auth.credentials.build_source` and its ``load()`` are the calls
``OCIConnection`` makes; on top of them the doctor compares the profile's
fingerprint with the key's and reads the session token's expiry. Nothing
here prints key material, a pass phrase or a token: only paths, sizes,
fingerprints (public) and times.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from ..auth.credentials import SigningKey, build_source, principal_signer
from ..auth.refresher import ADVISORY_WINDOW
from ..config.precedence import PRINCIPALS
from ..config.settings import Settings
from ..errors import OCI_CLI_NOTE, CredentialsError, OCIConfigurationError
from .report import Check
from .settings_checks import failure_check, file_exposure

__all__ = ["credential_checks", "key_fingerprint"]

_CONSOLE_KEYS: Final = "the console (Identity > Domains > Users > your user > API keys)"


def key_fingerprint(key: RSAPrivateKey) -> str:
    """OCI's fingerprint of a key: MD5 of the DER SubjectPublicKeyInfo, colon-separated hex."""
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.md5(der, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def credential_checks(
    settings: Settings, signer: Any | None, *, clock: Callable[[], float] = time.time
) -> list[Check]:
    """Private key, then fingerprint (API keys) or session token; principals get one check."""
    if settings.auth_type.value == "genai_api_key":
        return [_bearer_check(settings)]
    if settings.auth_type.value in PRINCIPALS:
        return [_principal_check(settings, signer, clock())]
    try:
        source = build_source(settings)
    except OCIConfigurationError as exc:
        return [failure_check(exc, "private key")]
    except (ValueError, TypeError) as exc:  # not a configuration error: a bug to report
        # Only the type: such messages may quote characters of the pass phrase.
        return [Check("private key", "fail", f"{_key_origin(settings)} could not be loaded "
                      f"({type(exc).__name__})", "please report this as a bug of agents_oci")]
    try:
        key = source.load(force=False)
    except CredentialsError as exc:  # the token file: the key itself loaded fine
        return [Check("private key", "pass", f"{_key_origin(settings)} loaded"),
                failure_check(exc, "session token")]
    checks = [_key_check(settings, key.private_key)]
    if settings.auth_type.value == "api_key":
        checks.append(_fingerprint_check(settings, key.private_key))
    else:
        checks.append(_token_check(settings, key, clock()))
    return checks


def _key_origin(settings: Settings) -> str:
    if settings.profile_values.get("key_content"):
        return f"key_content of profile [{settings.profile.value}]"
    return f"key_file {settings.profile_path('key_file')}"


def _key_check(settings: Settings, key: RSAPrivateKey) -> Check:
    detail = f"{_key_origin(settings)} is an RSA-{key.key_size} private key"
    if settings.profile_values.get("pass_phrase"):
        detail += "; its pass_phrase is right"
    path = None if settings.profile_values.get("key_content") else settings.profile_path("key_file")
    exposed = file_exposure(path) if path else None
    if exposed:
        return Check("private key", "warn", f"{detail}, but group or others may read it "
                     f"({exposed})", f"chmod 600 {path}")
    return Check("private key", "pass", detail)


def _fingerprint_check(settings: Settings, key: RSAPrivateKey) -> Check:
    actual = key_fingerprint(key)
    configured = settings.profile_values.get("fingerprint", "").strip()
    if configured.lower() == actual:
        return Check("fingerprint", "pass", f"{actual} matches the private key")
    profile = settings.profile.value
    return Check(
        "fingerprint", "fail",
        f"profile [{profile}] says fingerprint {configured or '(empty)'}, but its private key's "
        f"public key has fingerprint {actual}: OCI would answer 401 NotAuthenticated",
        f"update fingerprint in the profile to {actual} or upload the public key in "
        f"{_CONSOLE_KEYS} (`openssl rsa -pubout -in {settings.profile_path('key_file')}` "
        "prints it)",
    )


def _token_check(settings: Settings, key: SigningKey, now: float) -> Check:
    profile = settings.profile.value
    refresh = f"oci session refresh --profile {profile}"
    where = f"token in {settings.profile_path('security_token_file')}"
    if key.expires_at is None:
        return Check("session token", "warn", f"the {where} has no expiry (exp) claim",
                     f"run `oci session authenticate --profile-name {profile}` {OCI_CLI_NOTE}")
    left = key.expires_at - now
    when = _utc(key.expires_at)
    if left <= 0:
        return Check(
            "session token", "fail", f"the {where} expired at {when} ({_span(-left)} ago)",
            f"run `{refresh}`; once the session can no longer be refreshed, run "
            f"`oci session authenticate --profile-name {profile}` {OCI_CLI_NOTE}",
        )
    if left < ADVISORY_WINDOW:
        return Check("session token", "warn", f"the {where} expires at {when} "
                     f"(in {_span(left)})", f"run `{refresh}`")
    return Check("session token", "pass", f"the {where} is valid until {when} "
                 f"(in {_span(left)}); renew it with `{refresh}`")


def _principal_check(settings: Settings, signer: Any | None, now: float) -> Check:
    auth = settings.auth_type.value
    try:
        key = build_source(settings, signer or principal_signer(auth)).load(force=False)
    except OCIConfigurationError as exc:
        return failure_check(exc, "credentials")
    until = f", valid until {_utc(key.expires_at)}" if key.expires_at else ""
    return Check("credentials", "pass", f"{auth} token obtained{until}")


def _bearer_check(settings: Settings) -> Check:
    """A Generative AI API key: nothing to load or sign with; the key itself stays hidden."""
    return Check("credentials", "pass", f"a Generative AI API key (from "
                 f"{settings.api_key.source}; not shown), sent as a bearer token instead of a "
                 f"signature; such a key works only in the region it was created in "
                 f"({settings.region.value} here)")


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _span(seconds: float) -> str:
    """``"42 s"``, ``"17 min"``, ``"3 h 5 min"``: how far an expiry is, roughly."""
    if seconds < 60:
        return f"{int(seconds)} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
