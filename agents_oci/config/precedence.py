"""The precedence table: for each connection setting, where it may come from, in order.

One piece of data (:data:`PRECEDENCE`), read by :func:`agents_oci.config.resolve.resolve`
and printed by ``agents-oci doctor`` and ``agents-oci emulator``; the auth modes and
the "not passed" marker live beside it because the table's rows are written in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Final, Literal

from .file import DEFAULT_PROFILE

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


def auth_key(value: str) -> str:
    """An auth type as the table spells it: case and ``-``/``_`` do not matter."""
    return value.lower().replace("-", "_")


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
ROWS: Final[Mapping[str, Row]] = MappingProxyType({row.setting: row for row in PRECEDENCE})
KEYWORD_AUTH_SOURCES: Final = frozenset(
    str(source) for source in ROWS["auth_type"].sources
    if source.kind in ("signer", "bearer_argument", "bearer_environment")
)
REQUIRED_ENTRIES: Final[Mapping[str, tuple[tuple[str, ...], ...]]] = MappingProxyType({
    "api_key": (("user",), ("fingerprint",), ("tenancy",), ("key_file", "key_content")),
    "security_token": (("security_token_file",), ("key_file",)),
})

