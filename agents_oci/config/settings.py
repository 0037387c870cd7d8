"""Where every connection setting comes from: one table, one resolver.

Only this module reads the environment and the OCI config file, and both are
parameters of :func:`resolve`, so tests inject them. :data:`PRECEDENCE` is the
whole precedence table; :func:`resolve` walks each row and keeps the first
source that has a value, recording it in a :class:`Sourced`.

Conventions:

- A keyword left out, passed as ``None`` or as :data:`UNSET` means "not passed";
  an explicit empty string is an error naming the keyword.
- An empty environment variable or an empty profile entry (``region =``) counts
  as unset.
- ``auth_type`` is matched case-insensitively with ``-`` or ``_``
  (``"Instance-Principal"`` is ``instance_principal``), the spellings of
  ``OCI_CLI_AUTH``.
- Principals (``instance_principal``, ``resource_principal``) read no config
  file and no profile: their region comes from the signer, their compartment
  from ``compartment_id=`` or ``OCI_COMPARTMENT_ID``.
- Profiles inherit the ``[DEFAULT]`` section as configparser does; the profile
  ``DEFAULT`` exists only if that section has at least one entry.
- Key files and token files are not read here: only their entries are checked.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, Final, Literal
from urllib.parse import urlsplit

from ..errors import (
    ConflictingArgumentsError,
    InvalidConfigValueError,
    InvalidOCIDError,
    MissingCompartmentError,
    UnknownAuthTypeError,
    UnknownRegionError,
)
from .endpoints import canonical_region, inference_base_url, realm_of
from .file import DEFAULT_PROFILE, Profile, expand, load_profile
from .sourced import Sourced

__all__ = [
    "AUTH_TYPES",
    "AuthType",
    "DEFAULT_PROFILE",
    "DEFAULT_REGION",
    "PRECEDENCE",
    "PRINCIPALS",
    "Row",
    "Settings",
    "Source",
    "Sourced",
    "UNSET",
    "Unset",
    "resolve",
    "safe_url",
]

AuthType = Literal[
    "api_key", "security_token", "instance_principal", "resource_principal",
    "oke_workload_identity", "signer", "genai_api_key",
]
"""Resolved auth modes. ``signer`` (the caller's ``signer=`` object) and
``genai_api_key`` (a Generative AI API key, sent as a bearer token) come from
their own keywords, never from ``auth_type=``."""
AUTH_TYPES: Final[tuple[AuthType, ...]] = (
    "api_key", "security_token", "instance_principal", "resource_principal",
    "oke_workload_identity",
)
SIGNER_AUTH: Final[frozenset[str]] = frozenset(
    {"instance_principal", "resource_principal", "oke_workload_identity", "signer"}
)
# Auth modes whose signer carries identity and region.
PRINCIPALS: Final[frozenset[str]] = SIGNER_AUTH | {"genai_api_key"}
# Auth modes that read no config file or profile.
DEFAULT_REGION: Final = "us-chicago-1"
REDACTED: Final = "<redacted>"
_SECRET_KEYS: Final = frozenset({"pass_phrase", "key_content", "security_token", "password"})
_OCID: Final = re.compile(
    r"ocid1\.(?P<type>[a-z0-9]+)\.[a-z0-9]+\.[a-z0-9-]*(?:\.[a-z0-9-]+)?\.[A-Za-z0-9_-]+"
)
_COMPARTMENT_TYPES: Final = ("compartment", "tenancy")
_OCID_EXAMPLES: Final[Mapping[str, str]] = MappingProxyType({
    "compartment": "ocid1.compartment.oc1..aaaaaaaaexample",
    "generativeaiproject": "ocid1.generativeaiproject.oc1.us-chicago-1.amaaaaaaexample",
})
_CLI_ONLY_AUTH: Final = ("instance_obo_user",)
_MODEL_DEPLOYMENT: Final = re.compile(r"/ocid1\.datasciencemodeldeployment\.[^/]+/predict(/|$)")


class Unset:
    """The type of :data:`UNSET`, the marker for "this keyword was not passed".

    >>> UNSET is Unset()
    True
    """

    __slots__ = ()
    _instance: ClassVar[Unset | None] = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset()


SourceKind = Literal[
    "argument", "environment", "signer", "bearer_argument", "bearer_environment", "detected",
    "profile", "inferred", "principal", "derived", "default",
]


@dataclass(frozen=True)
class Source:
    """One place a setting can come from: a keyword, variable, profile key or default.

    >>> str(Source("environment", "OCI_REGION"))
    'environment OCI_REGION'
    """

    kind: SourceKind
    name: str | None = None  # for "default": the default value (None: no value)

    def __str__(self) -> str:
        if self.kind == "principal":
            return "principal signer"
        if self.kind == "signer":
            return "argument signer"
        if self.kind in ("bearer_argument", "bearer_environment"):
            return f"{self.kind.split('_')[1]} {self.name}"
        if self.kind == "detected":
            return f"environment {self.name} (with no config file)"
        if self.kind == "default" and self.name is None:
            return "none"
        prefix = {"profile": "profile key", "inferred": "inferred from profile key",
                  "derived": "derived from"}
        return f"{prefix.get(self.kind, self.kind)} {self.name}"


@dataclass(frozen=True)
class Row:
    """A setting and its sources, highest precedence first.

    >>> next(r for r in PRECEDENCE if r.setting == "project_id").chain()
    'argument project_id, environment OCI_PROJECT_ID, none'
    """

    setting: str
    sources: tuple[Source, ...]

    def chain(self) -> str:
        """The sources in order, for error messages and documentation."""
        return ", ".join(str(source) for source in self.sources)


def _arg(name: str) -> Source:
    return Source("argument", name)


def _env(name: str) -> Source:
    return Source("environment", name)


PRECEDENCE: Final[tuple[Row, ...]] = (
    Row("config_file", (_arg("config_file"), _env("OCI_CLI_CONFIG_FILE"),
                        _env("OCI_CONFIG_FILE"), Source("default", "~/.oci/config"))),
    Row("profile", (_arg("profile"), _env("OCI_CLI_PROFILE"), _env("OCI_PROFILE"),
                    Source("default", DEFAULT_PROFILE))),
    Row("api_key", (_arg("api_key"), _env("OCI_GENAI_API_KEY"), Source("default"))),
    Row("auth_type", (_arg("auth_type"), Source("signer"), Source("bearer_argument", "api_key"),
                      _env("OCI_CLI_AUTH"), Source("bearer_environment", "OCI_GENAI_API_KEY"),
                      Source("detected", "OCI_RESOURCE_PRINCIPAL_VERSION"),
                      Source("inferred", "security_token_file"))),
    Row("region", (_arg("region"), _env("OCI_REGION"), _env("OCI_CLI_REGION"),
                   Source("profile", "region"), Source("principal"),
                   Source("default", DEFAULT_REGION))),
    Row("compartment_id", (_arg("compartment_id"), _env("OCI_COMPARTMENT_ID"),
                           Source("profile", "tenancy"))),
    Row("project_id", (_arg("project_id"), _env("OCI_PROJECT_ID"), Source("default"))),
    Row("base_url", (_arg("base_url"), _env("OCI_GENAI_BASE_URL"), Source("derived", "region"))),
)
_ROWS: Final[Mapping[str, Row]] = MappingProxyType({row.setting: row for row in PRECEDENCE})
_KEYWORD_AUTH_SOURCES: Final = frozenset(
    str(source) for source in _ROWS["auth_type"].sources
    if source.kind in ("signer", "bearer_argument", "bearer_environment")
)
_REQUIRED: Final[Mapping[str, tuple[tuple[str, ...], ...]]] = MappingProxyType({
    "api_key": (("user",), ("fingerprint",), ("tenancy",), ("key_file", "key_content")),
    "security_token": (("security_token_file",), ("key_file",)),
})


def safe_url(url: str) -> str:
    """Hide any ``user:password@`` part of a URL."""
    return re.sub(r"(?<=//)[^/@]*@", "***@", url)


def _redact(key: str, value: str) -> str:
    return REDACTED if key in _SECRET_KEYS or key.endswith("_content") else value


@dataclass(frozen=True, repr=False)
class Settings:
    """Resolved connection settings; every value records its source.

    ``config_file`` is an absolute path, or None when no file is read
    (principals); ``region`` is the long name; ``realm`` its realm key.
    ``profile_values`` are the profile's entries as configparser gives them
    (``[DEFAULT]`` inherited, values raw: use :meth:`profile_path` for paths);
    empty for principals. ``home`` is what ``~`` means (None: the user's home).
    ``repr()``, ``str()`` and :meth:`describe` redact ``pass_phrase`` and
    ``key_content``; build Settings with :func:`resolve`.

    >>> s = resolve(auth_type="resource_principal", compartment_id="ocid1.tenancy.oc1..aa",
    ...             principal_region=lambda auth: "fra", environ={})
    >>> s.region, s.base_url.value
    (Sourced(value='eu-frankfurt-1', source='principal signer'), \
'https://inference.generativeai.eu-frankfurt-1.oci.oraclecloud.com/openai/v1')
    """

    config_file: Sourced[str | None]
    profile: Sourced[str]
    auth_type: Sourced[AuthType]
    region: Sourced[str]
    realm: str
    compartment_id: Sourced[str | None]
    project_id: Sourced[str | None]
    base_url: Sourced[str]
    profile_values: Mapping[str, str] = field(default_factory=dict, hash=False)
    home: str | None = None
    api_key: Sourced[str | None] = field(default=Sourced(None, "none"), hash=False)
    """A Generative AI API key (bearer); a secret: never shown by repr or describe()."""

    def profile_path(self, key: str) -> str | None:
        """The profile entry ``key`` (e.g. ``key_file``) as an absolute, ``~``-expanded path."""
        value = self.profile_values.get(key, "")
        return expand(value, self.home) if value else None

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, value, source) rows, secrets redacted, e.g. for a ``doctor`` command."""
        rows = [
            (name, "(none)" if sv.value is None else str(sv.value), sv.source)
            for name, sv in self._sourced()
        ]
        rows.insert(4, ("realm", self.realm, f"region {self.region.value}"))
        if self.api_key.value is not None:
            rows.insert(3, ("api_key", REDACTED, self.api_key.source))
        origin = f"profile {self.profile.value} of {self.config_file.value}"
        rows += [(f"profile.{k}", _redact(k, v), origin) for k, v in self.profile_values.items()]
        return rows

    def _sourced(self) -> list[tuple[str, Sourced[str | None]]]:
        url = Sourced(safe_url(self.base_url.value), self.base_url.source)
        return [
            ("config_file", self.config_file), ("profile", self.profile),
            ("auth_type", self.auth_type), ("region", self.region),
            ("compartment_id", self.compartment_id), ("project_id", self.project_id),
            ("base_url", url),
        ]

    def __repr__(self) -> str:
        parts = [f"{name}={sv!r}" for name, sv in self._sourced()]
        parts.insert(4, f"realm={self.realm!r}")
        values = {k: _redact(k, v) for k, v in self.profile_values.items()}
        return f"Settings({', '.join(parts)}, profile_values={values!r})"


class _World:
    """Everything resolve() may read; sources are looked up here, lazily."""

    def __init__(self, args: Mapping[str, str], environ: Mapping[str, str],
                 principal_region: Callable[[AuthType], str | None] | None,
                 signer_supplied: bool = False) -> None:
        self.args, self.environ, self.principal_region = args, environ, principal_region
        self.signer_supplied = signer_supplied
        self.found: dict[str, Sourced[str]] = {}
        self.auth: AuthType | None = None  # known after the auth_type row
        self._profile: Profile | None = None

    @property
    def principal(self) -> bool:
        """Principals read no config file and no profile."""
        return self.auth in PRINCIPALS

    def profile(self) -> Profile:
        if self.principal:
            return Profile()
        if self._profile is None:  # read the file once, on first need
            self._profile = load_profile(self.found["config_file"], self.found["profile"],
                                         file_chain=_ROWS["config_file"].chain(),
                                         profile_chain=_ROWS["profile"].chain())
        return self._profile

    def first(self, setting: str) -> Sourced[str] | None:
        """The botocore-style chain: the first source of the row that has a value."""
        for source in _ROWS[setting].sources:
            hit = self._lookup(source)
            if hit is not None:
                return hit
        return None

    def must(self, setting: str) -> Sourced[str]:
        hit = self.first(setting)
        assert hit is not None, f"row {setting} ends with a source that always answers"
        return hit

    def _lookup(self, source: Source) -> Sourced[str] | None:
        name = source.name or ""
        if source.kind in ("argument", "environment"):
            table = self.args if source.kind == "argument" else self.environ
            value = table.get(name) or None  # an empty variable counts as unset
            return None if value is None else Sourced(value, str(source))
        if source.kind == "profile":
            return self.profile().get(name)
        if source.kind == "signer":
            return Sourced("signer", str(source)) if self.signer_supplied else None
        if source.kind == "bearer_argument":
            return Sourced("genai_api_key", str(source)) if name in self.args else None
        if source.kind == "bearer_environment":
            return Sourced("genai_api_key", str(source)) if self.environ.get(name) else None
        if source.kind == "detected":
            # OCI Functions set this and ship no config file: resource principals.
            file = self.found["config_file"].value
            detected = self.environ.get(name) and not os.path.exists(file)
            return Sourced("resource_principal", str(source)) if detected else None
        if source.kind == "inferred":
            return self._infer_auth(name)
        if source.kind == "principal":
            # Lazy on purpose: asking a principal for its region may mean network I/O.
            if not (self.auth in SIGNER_AUTH and self.principal_region):
                return None
            region = self.principal_region(self.auth)
            return Sourced(region, str(source)) if region else None
        if source.kind == "derived":
            region = self.found[name].value
            url = inference_base_url(region)
            return Sourced(url, f"derived from region {region} (realm {realm_of(region)})")
        return None if source.name is None else Sourced(source.name, "default")

    def _infer_auth(self, key: str) -> Sourced[str]:
        profile = self.profile()
        token = profile.get(key)
        if token is not None:
            return Sourced("security_token", token.source)
        return Sourced("api_key", f"default (profile {profile.name} of {profile.file} "
                                  f"has no {key})")


def _arguments(values: Mapping[str, object]) -> dict[str, str]:
    """Keep the keywords that were passed; reject empty strings and non-strings."""
    passed: dict[str, str] = {}
    for keyword, value in values.items():
        if value is None or isinstance(value, Unset):
            continue
        if keyword == "config_file" and isinstance(value, os.PathLike):
            value = os.fspath(value)
        rest = _ROWS[keyword].chain().split(", ", 1)[1]
        if not isinstance(value, str) or not value:
            got = "an empty string" if value == "" else f"of type {type(value).__name__}"
            raise InvalidConfigValueError(
                f"{keyword}= is {got}, not a usable {keyword}. Fix: pass a non-empty string, "
                f"or leave it out (None) to fall back to: {rest}."
            )
        passed[keyword] = value
    return passed


def _auth_type(hit: Sourced[str], signer_supplied: bool) -> Sourced[AuthType]:
    if hit.source in _KEYWORD_AUTH_SOURCES:  # signer= or api_key=, not a typed auth_type
        return Sourced("signer" if hit.value == "signer" else "genai_api_key", hit.source)
    key = hit.value.lower().replace("-", "_")
    if signer_supplied and key in ("api_key", "security_token"):
        raise ConflictingArgumentsError(
            f"auth_type {hit.value!r} (from {hit.source}) reads credentials from a profile, "
            "but signer= was also passed. Fix: drop auth_type= to sign with your signer, or "
            "drop signer= to sign with the profile."
        )
    for auth in AUTH_TYPES:
        if key == auth:
            return Sourced(auth, hit.source)
    valid = ", ".join(AUTH_TYPES)
    if key in _CLI_ONLY_AUTH:
        hint = (f" agents_oci does not build {key} credentials itself; pass signer= with an "
                "oci SDK signer for it.")
    else:
        close = difflib.get_close_matches(key, [*AUTH_TYPES, "session_token"], n=1)
        hint = f" Did you mean {close[0].replace('session', 'security')!r}?" if close else ""
    raise UnknownAuthTypeError(
        f"Unknown auth type {hit.value!r} (from {hit.source}; sources in order: "
        f"{_ROWS['auth_type'].chain()}). Valid auth types: {valid}.{hint} Fix: pass "
        "auth_type= or set OCI_CLI_AUTH to one of those (case and -/_ do not matter)."
    )


def _ocid(hit: Sourced[str], setting: str, types: tuple[str, ...]) -> Sourced[str | None]:
    match = _OCID.fullmatch(hit.value)
    if match is not None and match["type"] in types:
        return hit
    got = f" (its type is {match['type']!r})" if match else ""
    shapes = " or ".join(f"ocid1.{t}.<realm>.[region].<unique id>" for t in types)
    env = _ROWS[setting].sources[1].name
    entry = " (or correct that profile entry)" if hit.source.startswith("profile") else ""
    raise InvalidOCIDError(
        f"{setting} {hit.value!r} (from {hit.source}) is not a {' or '.join(types)} "
        f"OCID{got}. Expected: {shapes}, e.g. {_OCID_EXAMPLES[types[0]]}. Sources in order: "
        f"{_ROWS[setting].chain()}. Fix: copy the OCID from the OCI console and pass "
        f"{setting}= or set {env}{entry}."
    )


def _region(world: _World) -> Sourced[str]:
    hit = world.must("region")
    try:
        return Sourced(canonical_region(hit.value, source=hit.source), hit.source)
    except UnknownRegionError as exc:
        chain = _ROWS["region"].chain()
        raise UnknownRegionError(f"{exc} Region sources, in order: {chain}.") from exc


def _check_required(profile: Profile, auth: AuthType) -> None:
    for keys in _REQUIRED.get(auth, ()):
        if not any(profile.get(key) for key in keys):
            entry = " or ".join(keys)
            raise InvalidConfigValueError(
                f"Profile {profile.name} of OCI config file {profile.file} has no {entry} "
                f"entry (checked the profile and its DEFAULT section), which {auth} auth "
                f"needs. Fix: add `{keys[0]} = ...` under [{profile.name}], regenerate the "
                "profile with `oci setup config` or `oci session authenticate`, or choose "
                "another profile with profile= or OCI_CLI_PROFILE."
            )


def _compartment(world: _World, auth: AuthType, base_url: str) -> Sourced[str | None]:
    if _MODEL_DEPLOYMENT.search(urlsplit(base_url).path):
        # A deployment is addressed by its own OCID; OCI wants no compartment header there.
        return Sourced(None, "not sent to a Data Science model deployment")
    hit = world.first("compartment_id")
    if hit is not None:
        return _ocid(hit, "compartment_id", _COMPARTMENT_TYPES)
    if auth == "genai_api_key":
        return Sourced(None, "not needed with a Generative AI API key")
    chain = _ROWS["compartment_id"].chain()
    if world.principal:
        raise MissingCompartmentError(
            f"No compartment for {auth} auth: principals have no profile tenancy to fall back "
            f"on (sources in order: {chain}). Fix: pass compartment_id='ocid1.compartment...' "
            "or set OCI_COMPARTMENT_ID."
        )
    profile = world.profile()
    raise InvalidConfigValueError(
        f"Profile {profile.name} of OCI config file {profile.file} has no tenancy entry and "
        f"no compartment was given (sources in order: {chain}). Fix: add `tenancy = ...` "
        "under the profile, or pass compartment_id= or set OCI_COMPARTMENT_ID."
    )


def _base_url(world: _World) -> Sourced[str]:
    hit = world.must("base_url")
    try:
        parts = urlsplit(hit.value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        ok = False
    if ok:
        return hit
    raise InvalidConfigValueError(
        f"base_url {safe_url(hit.value)!r} (from {hit.source}) is not an http(s) URL with a "
        "host. Fix: pass a full URL such as base_url='https://inference.generativeai."
        "us-chicago-1.oci.oraclecloud.com/openai/v1', or leave it out to derive it from "
        "the region."
    )


def _bearer_conflict(args: Mapping[str, str], signer_supplied: bool) -> None:
    """A GenAI API key and a signing auth mode, both as arguments: refuse to guess."""
    others = (["auth_type="] if "auth_type" in args else []) + (
        ["signer="] if signer_supplied else []
    )
    if "api_key" in args and others:
        named = " and ".join(others)
        raise ConflictingArgumentsError(
            f"api_key= (a Generative AI API key, sent as a bearer token) cannot be combined "
            f"with {named}, which sign requests with OCI IAM. Fix: drop api_key= to sign, or "
            f"drop {named} to use the API key."
        )


def _principal_conflict(args: Mapping[str, str], auth: Sourced[AuthType]) -> None:
    passed = [k for k in ("config_file", "profile") if k in args]
    if passed:
        keywords = " and ".join(f"{k}=" for k in passed)
        raise ConflictingArgumentsError(
            f"auth_type {auth.value!r} (from {auth.source}) reads no config file or profile, "
            f"so {keywords} would be ignored. Fix: drop {keywords}, or use "
            "auth_type='api_key' or 'security_token' to sign with a profile."
        )


def resolve(
    *,
    auth_type: str | Unset | None = UNSET,
    profile: str | Unset | None = UNSET,
    config_file: str | os.PathLike[str] | Unset | None = UNSET,
    region: str | Unset | None = UNSET,
    compartment_id: str | Unset | None = UNSET,
    project_id: str | Unset | None = UNSET,
    base_url: str | Unset | None = UNSET,
    environ: Mapping[str, str] | None = None,
    principal_region: Callable[[AuthType], str | None] | None = None,
    home: str | None = None,
    signer_supplied: bool = False,
    api_key: str | Unset | None = UNSET,
) -> Settings:
    """Resolve every connection setting by :data:`PRECEDENCE`; each remembers its source.

    ``environ`` defaults to ``os.environ``; ``home`` (what ``~`` means) to the
    current user's home. ``principal_region`` returns the principal signer's
    region; it is called only for principal auth, and only if no argument,
    variable or profile gave a region. ``signer_supplied`` says the caller
    passed its own ``oci`` signer: the auth mode becomes ``signer`` (unless a
    principal ``auth_type`` is given) and, as for principals, no config file
    or profile is read. ``api_key`` is a Generative AI API key (also read from
    ``OCI_GENAI_API_KEY``): requests then carry it as a bearer token, unsigned.

    >>> s = resolve(auth_type="instance_principal", environ={
    ...     "OCI_REGION": "ord", "OCI_COMPARTMENT_ID": "ocid1.compartment.oc1..aa"})
    >>> s.region
    Sourced(value='us-chicago-1', source='environment OCI_REGION')

    Raises:
        OCIConfigurationError: a subclass naming the setting, the sources
            checked in order, and the fix.
    """
    args = _arguments({"auth_type": auth_type, "profile": profile, "config_file": config_file,
                       "region": region, "compartment_id": compartment_id,
                       "project_id": project_id, "base_url": base_url, "api_key": api_key})
    _bearer_conflict(args, signer_supplied)
    world = _World(args, os.environ if environ is None else environ, principal_region,
                   signer_supplied)
    file = world.must("config_file")
    world.found["config_file"] = Sourced(expand(file.value, home), file.source)
    world.found["profile"] = world.must("profile")
    auth = _auth_type(world.must("auth_type"), signer_supplied)
    world.auth = auth.value
    if world.principal:
        _principal_conflict(args, auth)
    else:
        _check_required(world.profile(), auth.value)
    world.found["region"] = region_hit = _region(world)
    url = _base_url(world)
    compartment = _compartment(world, auth.value, url.value)
    project = world.first("project_id")
    key = world.first("api_key") if auth.value == "genai_api_key" else None
    return Settings(
        config_file=Sourced(None, f"not used by {auth.value} auth") if world.principal
        else world.found["config_file"],
        profile=world.found["profile"],
        auth_type=auth,
        region=region_hit,
        realm=realm_of(region_hit.value),
        compartment_id=compartment,
        project_id=Sourced(None, "default") if project is None
        else _ocid(project, "project_id", ("generativeaiproject",)),
        base_url=url,
        profile_values=world.profile().values,
        home=home,
        api_key=Sourced(None, f"not used by {auth.value} auth") if key is None else key,
    )
