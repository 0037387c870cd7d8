"""Oracle's auth objects (``oci-openai``, ``oci-genai-auth``) as a credential source.

Users of Oracle's own client hold an ``OciUserPrincipalAuth``,
``OciSessionAuth``, ``OciInstancePrincipalAuth`` or ``OciResourcePrincipalAuth``
(the same four class names in ``oci_openai`` and its successor
``oci_genai_auth``). Passed as ``auth=``, such an object lends agents_oci its
``signer`` and its refresh; its ``httpx.Auth`` flow is never run. That flow
holds a ``threading.Lock`` across ``yield`` during its 401 retry (a second
request on the same object blocks the event loop thread: deadlock), refreshes
synchronously on the event loop, and signs through ``do_request_sign()``, which
skips the instance principal signer's own token renewal (see the team's
``oci-facts.md``, section 1, checked on oci-openai 1.1.0 and oci-genai-auth
1.1.1). Here the signer goes through agents_oci's refresher and signing
transport instead: refreshes in a worker thread, one per credential, one
re-send after a 401.

The objects are recognised by their shape (a ``signer`` holding ``api_key``
and ``private_key``), not their class, so neither package is imported, nor
needed, by agents_oci: whoever holds such an object has installed its package.

How each one refreshes:

- instance and resource principals: their signer is the ``oci`` SDK's token
  signer; it renews through its own methods (:class:`SignerSource`);
- session tokens: the signer is a plain ``SecurityTokenSigner``; the auth
  object's own ``_refresh_signer()`` re-reads the token file (after
  ``oci session refresh``) and builds a new signer, which is then read back;
- API keys never change: no refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from ..errors import ConflictingArgumentsError, CredentialsError, UnsupportedClientError
from .credentials import SignerSource, SigningKey

__all__ = [
    "AUTH_CONFLICTS",
    "OracleAuthSource",
    "auth_label",
    "auth_region",
    "check_auth_conflict",
    "check_client",
    "check_oracle_auth",
    "pickle_refusal",
]

AUTH_CONFLICTS: Final = ("signer", "api_key", "auth_type", "profile", "config_file")
"""Keywords that say how to authenticate, which the auth object already says."""
_TOKEN_REFRESH: Final = ("refresh_security_token", "get_security_token", "_reset_signers")
_ORACLE_CLIENTS: Final = ("AsyncOciOpenAI", "OciOpenAI")
_KEYWORDS: Final[Mapping[str, str]] = {
    # What to pass instead, for a process that must build its own credentials.
    "OciUserPrincipalAuth": "profile='{profile}'",
    "OciSessionAuth": "profile='{profile}'",
    "OciInstancePrincipalAuth": "auth_type='instance_principal'",
    "OciResourcePrincipalAuth": "auth_type='resource_principal'",
}


def auth_label(auth: object) -> str:
    """``package.ClassName`` of an auth object, e.g. ``oci_openai.OciSessionAuth``."""
    cls = type(auth)
    return f"{cls.__module__.split('.', 1)[0]}.{cls.__name__}"


def check_oracle_auth(auth: object) -> None:
    """Refuse an ``auth=`` value that holds no usable ``oci`` signer."""
    signer = getattr(auth, "signer", None)
    if signer is None or not hasattr(signer, "api_key") or not hasattr(signer, "private_key"):
        raise CredentialsError(
            f"auth={type(auth).__name__} is not one of Oracle's auth objects: it has no "
            "`signer` with `api_key` and `private_key`. Pass an auth object from oci_openai "
            "or oci_genai_auth (OciUserPrincipalAuth, OciSessionAuth, "
            "OciInstancePrincipalAuth, OciResourcePrincipalAuth), or an oci SDK signer as "
            "signer=."
        )


def check_auth_conflict(given: list[str]) -> None:
    """``auth=`` carries the credentials: refuse keywords that would choose others."""
    if "auth" not in given:
        return
    clashing = [name for name in AUTH_CONFLICTS if name in given]
    if clashing:
        named = ", ".join(f"{name}=" for name in clashing)
        raise ConflictingArgumentsError(
            f"auth= cannot be combined with {named}: the auth object already holds its "
            f"credentials (and its profile). Fix: drop {named} to sign with the auth object, "
            f"or drop auth= to let agents_oci build credentials from {named}."
        )


def auth_region(auth: Any) -> str | None:
    """The region the auth object knows: its principal signer's, or its profile's."""
    region = getattr(auth.signer, "region", None)
    if isinstance(region, str) and region:
        return region
    config = getattr(auth, "config", None)  # OciUserPrincipalAuth keeps its profile
    if not isinstance(config, Mapping):
        config = _profile_of(auth)
    region = config.get("region")
    return region if isinstance(region, str) and region else None


def _profile_of(auth: Any) -> Mapping[str, Any]:
    # OciSessionAuth keeps only where its profile is; it read the file once already.
    config_file, profile = getattr(auth, "config_file", None), getattr(auth, "profile_name", None)
    if not (isinstance(config_file, str) and isinstance(profile, str)):
        return {}
    from oci.config import from_file

    try:
        return dict(from_file(config_file, profile))
    except Exception:
        return {}  # the region then comes from the next source; signing does not need it


class OracleAuthSource:
    """Signing keys from an auth object's current ``signer``, refreshed its own way.

    ``auth.signer`` is read on every load, never cached: the auth object
    replaces its signer when it refreshes.
    """

    def __init__(self, auth: Any) -> None:
        check_oracle_auth(auth)
        self._auth = auth
        self._label = auth_label(auth)
        signer = auth.signer
        self._token_signer = any(callable(getattr(signer, n, None)) for n in _TOKEN_REFRESH)
        rebuild: Callable[[], object] | None = getattr(auth, "_refresh_signer", None)
        session = str(getattr(signer, "api_key", "")).startswith("ST$")
        self._rebuild = rebuild if callable(rebuild) and session else None
        self.can_refresh = self._token_signer or self._rebuild is not None
        self._loaded = False

    def load(self, *, force: bool) -> SigningKey:
        if self._token_signer:
            return SignerSource(self._auth.signer).load(force=force)
        if self._rebuild is not None and self._loaded:
            # The refresher calls again only when the token is due or was
            # rejected: re-read it. Not under the auth object's own lock: its
            # auth_flow may hold that lock across a yield that never resumes.
            try:
                self._rebuild()
            except Exception as exc:
                profile = getattr(self._auth, "profile_name", None)
                fix = (
                    f"Run `oci session refresh --profile {profile}`."
                    if isinstance(profile, str)
                    else "Renew the session token."
                )
                raise CredentialsError(
                    f"auth= ({self._label}) could not re-read its session token "
                    f"({type(exc).__name__}). {fix}"
                ) from None
        self._loaded = True
        return SignerSource(self._auth.signer).load(force=False)

    def __repr__(self) -> str:
        return f"OracleAuthSource({self._label})"


def pickle_refusal(owner: str, auth: object) -> TypeError:
    """The error for pickling something built with ``auth=``, naming what to pass instead."""
    name = type(auth).__name__
    instead = _KEYWORDS.get(name)
    if instead is not None:
        profile = getattr(auth, "profile_name", None) or "DEFAULT"
        config_file = getattr(auth, "config_file", None)
        instead = instead.format(profile=profile)
        if name in ("OciUserPrincipalAuth", "OciSessionAuth") and isinstance(config_file, str):
            instead += f", config_file={config_file!r}"
        hint = f"Pass {instead} instead (the same credentials, built in each process)"
    else:
        hint = "Pass profile= or auth_type= instead, so that each process builds its own"
    return TypeError(
        f"{owner} built with auth= ({auth_label(auth)}) cannot be pickled: the auth object "
        f"holds private key material and a lock, neither of which may travel between "
        f"processes. {hint}, or build the provider inside each worker."
    )


def check_client(client: object) -> None:
    """Refuse Oracle's own OpenAI client, or a client signing with Oracle's auth flow."""
    names = {cls.__name__ for cls in type(client).__mro__}
    auth = getattr(getattr(client, "_client", None), "auth", None)
    oracle_auth = auth is not None and hasattr(auth, "signer") and hasattr(auth, "auth_flow")
    if not (names & set(_ORACLE_CLIENTS) or oracle_auth):
        return
    label = auth_label(auth) if oracle_auth else "your auth object"
    retries = (
        f"{type(client).__name__}.with_options() fails (its auth= argument is required), and "
        "the Agents SDK calls with_options(max_retries=0) for runner-managed retries, so "
        "those retries break; also, "
        if names & set(_ORACLE_CLIENTS)
        else ""
    )
    raise UnsupportedClientError(
        f"openai_client={type(client).__name__} signs with Oracle's HttpxOciAuth.auth_flow: "
        f"{retries}that flow holds a lock across its 401 retry (two concurrent requests "
        "deadlock the event loop) and refreshes tokens on the event loop. Pass the auth "
        f"object itself instead: OCIProvider(auth=<{label}>, compartment_id=..., "
        "region=... or base_url=...); agents_oci signs with its signer and refreshes it "
        "off the loop."
    )
