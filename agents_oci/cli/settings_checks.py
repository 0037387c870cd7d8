"""Checks of the resolved settings: config file, profile, auth type, region, OCIDs, tracing.

The values themselves come from :func:`agents_oci.config.resolve.resolve`, which
has already refused anything malformed; these checks say what each value
means (realm, endpoint, OCID type) and look at what resolve does not
(file permissions, the other profiles, tracing).
"""

from __future__ import annotations

import configparser
import os
import stat
from collections.abc import Mapping
from typing import Final

from ..config.endpoints import inference_base_url, realm_domain
from ..config.settings import Settings
from ..errors import (
    ConfigFileNotFoundError,
    ConflictingArgumentsError,
    CredentialsError,
    InvalidConfigValueError,
    InvalidOCIDError,
    KeyFileError,
    KeyPassphraseError,
    MissingCompartmentError,
    OCIConfigurationError,
    ProfileNotFoundError,
    UnknownAuthTypeError,
    UnknownRegionError,
)
from .report import Check, SettingRow

__all__ = [
    "STAGES",
    "auth_check",
    "compartment_check",
    "config_file_check",
    "failure_check",
    "file_exposure",
    "profile_check",
    "project_check",
    "region_check",
    "setting_rows",
    "tracing_check",
]

STAGES: Final = (
    "config file", "profile", "auth type", "private key", "fingerprint", "session token",
    "region", "compartment", "project",
)
"""The checks that need resolved settings, in the order resolve() and the models meet them."""

_STAGE_OF: Final[tuple[tuple[type[OCIConfigurationError], str], ...]] = (
    (ConfigFileNotFoundError, "config file"),
    (ProfileNotFoundError, "profile"),
    (UnknownAuthTypeError, "auth type"),
    (ConflictingArgumentsError, "auth type"),
    (UnknownRegionError, "region"),
    (MissingCompartmentError, "compartment"),
    (KeyFileError, "private key"),
    (KeyPassphraseError, "private key"),
    (CredentialsError, "credentials"),
)
_TRACING_OFF: Final = ("true", "1")


def failure_check(exc: OCIConfigurationError, stage: str | None = None) -> Check:
    """The failed check a configuration error stands for, its message split at ``Fix:``."""
    message = str(exc)
    detail, _, fix = message.partition(" Fix: ")
    return Check(stage or _stage(exc, message), "fail", detail, fix or None)


def _stage(exc: OCIConfigurationError, message: str) -> str:
    if isinstance(exc, InvalidOCIDError):
        return "project" if message.startswith("project_id") else "compartment"
    if isinstance(exc, InvalidConfigValueError):
        # One class covers several settings; its messages start with the one at fault.
        for prefix, stage in (("OCI config file", "config file"), ("Profile ", "profile"),
                              ("base_url", "region")):
            if message.startswith(prefix):
                return stage
        return "arguments"
    return next((stage for kind, stage in _STAGE_OF if isinstance(exc, kind)), "settings")


def setting_rows(settings: Settings) -> list[SettingRow]:
    """Every resolved value with its source, secrets redacted by ``Settings.describe``."""
    return [
        # describe() writes "(none)" for a value no source had; JSON says null.
        SettingRow(name, None if value == "(none)" and "." not in name else value, source)
        for name, value, source in settings.describe()
    ]


def file_exposure(path: str) -> str | None:
    """``"mode 0644"`` when group or others may read ``path`` (POSIX only), else None."""
    if os.name != "posix":
        return None
    mode = stat.S_IMODE(os.stat(path).st_mode)
    return f"mode {mode:04o}" if mode & (stat.S_IRWXG | stat.S_IRWXO) else None


def config_file_check(settings: Settings) -> Check:
    path = settings.config_file.value
    if path is None:
        return Check("config file", "skip", f"not read by {settings.auth_type.value} auth")
    exposed = file_exposure(path)
    if exposed:
        return Check("config file", "warn", f"{path} is readable by group or others ({exposed})",
                     f"chmod 600 {path}")
    return Check("config file", "pass", f"{path} exists, readable by its owner only")


def profile_check(settings: Settings) -> Check:
    path = settings.config_file.value
    if path is None:
        return Check("profile", "skip", f"not read by {settings.auth_type.value} auth")
    name = settings.profile.value
    others = [p for p in _profile_names(path) if p != name]
    listed = ", ".join(others) if others else "none"
    return Check("profile", "pass", f"[{name}] found (other profiles in the file: {listed})")


def _profile_names(path: str) -> list[str]:
    """The profiles of the file; DEFAULT counts only if it has entries, as in resolve()."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8-sig")
    return (["DEFAULT"] if parser.defaults() else []) + parser.sections()


def auth_check(settings: Settings) -> Check:
    auth = settings.auth_type
    return Check("auth type", "pass", f"{auth.value}, from {auth.source}")


def region_check(settings: Settings) -> Check:
    region, realm = settings.region.value, settings.realm
    regional = inference_base_url(region)
    detail = f"{region} in realm {realm} ({realm_domain(realm)}), endpoint {regional}"
    if settings.base_url.value != regional:
        # describe() hides any user:password in the URL.
        shown = next(value for name, value, _ in settings.describe() if name == "base_url")
        detail += f"; requests go to base_url {shown} instead ({settings.base_url.source})"
    return Check("region", "pass", detail)


def compartment_check(settings: Settings) -> Check:
    value = settings.compartment_id.value
    if value is None:  # only where resolve() allows none, e.g. Generative AI API keys
        return Check("compartment", "pass", f"none ({settings.compartment_id.source})")
    kind = value.split(".")[1]
    root = " (the tenancy's root compartment)" if kind == "tenancy" else ""
    return Check("compartment", "pass", f"well-formed {kind} OCID{root}, sent as "
                 f"opc-compartment-id; from {settings.compartment_id.source}")


def project_check(settings: Settings) -> Check:
    if settings.project_id.value is None:
        return Check("project", "pass", "none: chat completions work without one; Responses "
                     "with stored state usually need one (--project-id or OCI_PROJECT_ID)")
    return Check("project", "pass", "well-formed generativeaiproject OCID, sent as "
                 f"OpenAI-Project; from {settings.project_id.source}")


def tracing_check(environ: Mapping[str, str]) -> Check:
    """Where the Agents SDK's traces would go; the key itself is never shown."""
    if environ.get("OPENAI_AGENTS_DISABLE_TRACING", "").lower() in _TRACING_OFF:
        return Check("tracing", "pass", "disabled by OPENAI_AGENTS_DISABLE_TRACING")
    if environ.get("OPENAI_API_KEY"):
        return Check(
            "tracing", "warn",
            "OPENAI_API_KEY is set: the Agents SDK uploads traces, including prompts and "
            "answers, to OpenAI (the key is never sent to OCI)",
            "to keep traces in-house use RunConfig(tracing_disabled=True), "
            "set_tracing_disabled(True) or OPENAI_AGENTS_DISABLE_TRACING=1",
        )
    return Check("tracing", "pass", "OPENAI_API_KEY is not set: runs work, and the Agents SDK "
                 "logs 'skipping trace export' warnings (RunConfig(tracing_disabled=True) "
                 "silences them)")
