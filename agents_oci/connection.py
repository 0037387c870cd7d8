"""Connection keywords -> settings -> credentials -> a signed ``AsyncOpenAI``.

:class:`OCIConnection` is the one place where the pieces meet. It resolves
settings and loads credentials at construction, so every configuration
mistake surfaces before a request is sent; the HTTP client itself is built
lazily, on first use, and shared by every model built from the connection.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Final

from .auth.credentials import CredentialSource, build_source, principal_signer
from .auth.oracle import (
    OracleAuthSource,
    auth_label,
    auth_region,
    check_auth_conflict,
    check_client,
    check_oracle_auth,
    pickle_refusal,
)
from .auth.refresher import Refresher
from .config.resolve import resolve
from .config.settings import Settings, safe_url
from .config.sourced import Sourced
from .errors import ConflictingArgumentsError, MissingCompartmentError
from .http.core import BearerCore, SigningCore
from .http.library import (
    default_tls_context,
    http_library,
    make_auth,
    make_transport,
)
from .http.retries import DEFAULT_MAX_RETRIES, check_max_retries, check_request_timeout

if TYPE_CHECKING:
    # openai takes about 1 s to import; `agents-oci doctor` resolves a
    # connection without ever building the client.
    from openai import AsyncOpenAI

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_REQUEST_TIMEOUT",
    "ConnectionOptions",
    "OCIConnection",
    "resolve_connection",
]

DEFAULT_REQUEST_TIMEOUT: Final = 900.0
"""Seconds to wait for a response. Reasoning models can think for minutes
before the first byte, so this is far above openai's own default."""
DEFAULT_CONNECT_TIMEOUT: Final = 10.0
_PLACEHOLDER_API_KEY: Final = "unused-oci-requests-are-signed"
# AsyncOpenAI insists on an api_key; this one never leaves the process: the
# signing Auth replaces the Authorization header of every request.


@dataclass(frozen=True)
class ConnectionOptions:
    """The connection keywords shared by the models and the provider, as passed."""

    auth_type: str | None = None
    profile: str | None = None
    config_file: str | None = None
    region: str | None = None
    compartment_id: str | None = None
    project_id: str | None = None
    base_url: str | None = None
    signer: Any | None = None
    api_key: str | None = None
    auth: Any | None = None
    """One of Oracle's auth objects (``oci_openai`` / ``oci_genai_auth``)."""

    def keywords(self) -> dict[str, Any]:
        """The keywords to pass to a model or provider constructor."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def given(self) -> list[str]:
        """Names of the keywords the caller actually passed."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]

    def __repr__(self) -> str:
        return f"ConnectionOptions({', '.join(f'{k}={v}' for k, v in self._shown())})"

    def _shown(self) -> list[tuple[str, str]]:
        hidden = {
            "signer": type(self.signer).__name__,
            "auth": auth_label(self.auth),
            "api_key": "<redacted>",
            "base_url": repr(safe_url(self.base_url or "")),
        }
        return [(name, hidden.get(name) or repr(getattr(self, name))) for name in self.given()]

    def picklable(self, owner: str) -> ConnectionOptions:
        """These options, checked to be safe to send to another process.

        Only what the caller passed travels: names, paths, OCIDs. A signer
        object holds private key material and cannot be rebuilt elsewhere, so
        it is refused with the alternative, as is an auth object.
        """
        if self.auth is not None:
            raise pickle_refusal(owner, self.auth)
        if self.signer is not None:
            raise TypeError(
                f"{owner} built with signer= cannot be pickled: the signer holds private key "
                "material that must not travel between processes. Pass auth_type= (for "
                "example 'instance_principal' or 'oke_workload_identity') so that each process "
                "builds its own signer, or build the provider inside each worker."
            )
        return self


def check_no_conflict(options: ConnectionOptions, openai_client: object | None) -> None:
    """A caller's client already carries its connection: refuse keywords beside it.

    Also refuses a client that signs with Oracle's auth flow, and keywords that
    contradict ``auth=``.
    """
    given = options.given()
    if openai_client is not None:
        check_client(openai_client)
    check_auth_conflict(given)
    if openai_client is not None and given:
        names = ", ".join(given)
        raise ConflictingArgumentsError(
            f"openai_client= cannot be combined with {names}: a client you pass is used "
            "as is. Either drop openai_client= and let agents_oci build a signed client "
            f"from {names}, or configure your client yourself and pass only openai_client=."
        )


def resolve_connection(options: ConnectionOptions) -> tuple[Settings, Any | None]:
    """Settings for ``options``, and the principal signer built to learn the region, if any.

    The one place connection keywords meet :func:`~agents_oci.config.resolve.resolve`:
    the models, the provider and ``agents-oci doctor`` all resolve through it.
    """
    check_auth_conflict(options.given())
    if options.auth is not None:
        return _resolve_auth_object(options), None
    principal: list[Any] = [options.signer] if options.signer is not None else []

    def principal_region(auth_type: str) -> str | None:
        # Built at most once: the region comes from the same signer that signs.
        if not principal:
            principal.append(principal_signer(auth_type))
        region = getattr(principal[0], "region", None)
        return region if isinstance(region, str) and region else None

    settings = resolve(
        api_key=options.api_key,
        auth_type=options.auth_type,
        profile=options.profile,
        config_file=options.config_file,
        region=options.region,
        compartment_id=options.compartment_id,
        project_id=options.project_id,
        base_url=options.base_url,
        signer_supplied=options.signer is not None,
        principal_region=principal_region,
    )
    return settings, principal[0] if principal else None


def _resolve_auth_object(options: ConnectionOptions) -> Settings:
    """Settings for ``auth=``: resolved as for ``signer=``, its sources naming the auth object."""
    auth = options.auth
    check_oracle_auth(auth)
    label = f"auth= ({auth_label(auth)})"
    try:
        settings = resolve(
            region=options.region,
            compartment_id=options.compartment_id,
            project_id=options.project_id,
            base_url=options.base_url,
            signer_supplied=True,
            principal_region=lambda _: auth_region(auth),
        )
    except MissingCompartmentError:
        raise MissingCompartmentError(
            f"No compartment for {label}: an auth object carries credentials, not a "
            "compartment (sources in order: argument compartment_id, environment "
            "OCI_COMPARTMENT_ID). Fix: pass compartment_id='ocid1.compartment...' (as "
            "AsyncOciOpenAI(compartment_id=...) needed) or set OCI_COMPARTMENT_ID."
        ) from None
    region = settings.region
    if region.source == "principal signer":
        region = Sourced(region.value, label)
    settings = replace(settings, auth_type=Sourced("signer", label), region=region)
    profile, config_file = getattr(auth, "profile_name", None), getattr(auth, "config_file", None)
    if isinstance(profile, str) and isinstance(config_file, str):
        # Where the auth object read its credentials (agents_oci reads nothing there).
        settings = replace(
            settings,
            profile=Sourced(profile, label),
            config_file=Sourced(os.path.abspath(os.path.expanduser(config_file)), label),
        )
    return settings


class OCIConnection:
    """Resolved settings, their refreshing credentials, and one lazily built client."""

    def __init__(
        self,
        options: ConnectionOptions,
        *,
        request_timeout: float,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        self.options = options
        self.request_timeout = check_request_timeout(request_timeout)
        self.max_retries = check_max_retries(max_retries)
        self.settings, signer = resolve_connection(options)
        self._client: AsyncOpenAI | None = None
        self._http: Any | None = None
        # Blocking work belongs here, with the credential loading: the CA bundle
        # (once per process), so the first request does not load it on the loop.
        default_tls_context()
        self.refresher: Refresher | None = None
        if self.settings.auth_type.value == "genai_api_key":
            return  # a bearer key: nothing to load, nothing to refresh
        if signer is None and self.settings.auth_type.value in _PRINCIPALS:
            signer = principal_signer(self.settings.auth_type.value)
        source: CredentialSource = (
            OracleAuthSource(options.auth)
            if options.auth is not None
            else build_source(self.settings, signer)
        )
        self.refresher = Refresher(source)
        self.refresher.load_now()

    def client(self) -> AsyncOpenAI:
        """The signed ``AsyncOpenAI``; built on first call, then shared."""
        if self._client is None:
            from openai import AsyncOpenAI

            self._client = AsyncOpenAI(
                base_url=self.settings.base_url.value,
                api_key=_PLACEHOLDER_API_KEY,
                # Explicit, never None: openai would fill None from the user's
                # OPENAI_ORG_ID / OPENAI_PROJECT_ID (OpenAI account settings, which
                # mean nothing to OCI), and ``copy()`` keeps what is given here.
                organization="",
                project=self.settings.project_id.value or "",
                timeout=self._timeout(),
                max_retries=self.max_retries,
                http_client=self.http_client(),
            )
        return self._client

    def http_client(self) -> Any:
        """The signed HTTP client under it (``httpx2`` or ``httpx``), for the native API too."""
        if self._http is None:
            self._http = self._build_http_client()
        return self._http

    def _timeout(self) -> Any:
        return http_library().Timeout(self.request_timeout, connect=DEFAULT_CONNECT_TIMEOUT)

    def _build_http_client(self) -> Any:
        library = http_library()
        compartment = self.settings.compartment_id.value
        project = self.settings.project_id.value
        core: SigningCore | BearerCore
        if self.refresher is None:
            core = BearerCore(
                str(self.settings.api_key.value), compartment_id=compartment, project_id=project
            )
        else:
            core = SigningCore(self.refresher, compartment_id=compartment, project_id=project)
        limits = library.Limits(max_connections=1000, max_keepalive_connections=100)
        return library.AsyncClient(
            auth=make_auth(core),
            timeout=self._timeout(),
            transport=make_transport(limits=limits),
            follow_redirects=True,
        )

    async def aclose(self) -> None:
        """Close what was built; the connection can build it again later."""
        client, http, self._client, self._http = self._client, self._http, None, None
        if client is not None:
            await client.close()  # closes the HTTP client it was given
        elif http is not None:
            await http.aclose()

    def __repr__(self) -> str:
        # Never raise: a construction that failed half-way leaves no settings,
        # and error reporters repr the locals (``self``) of the frames it failed in.
        s: Settings | None = getattr(self, "settings", None)
        if s is None:
            return "OCIConnection(<not built>)"
        return (
            f"OCIConnection(auth_type={s.auth_type.value!r}, region={s.region.value!r}, "
            f"base_url={safe_url(s.base_url.value)!r})"
        )


_PRINCIPALS: Final = ("instance_principal", "resource_principal", "oke_workload_identity")
