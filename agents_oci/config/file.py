"""Reading the OCI config file: INI parsing, profiles, ``[DEFAULT]`` inheritance.

Every failure becomes an :class:`~agents_oci.errors.OCIConfigurationError`
that names the file, the line and the fix. configparser quotes offending
lines in its own messages, and a config file line can hold key material, so
its exceptions are never chained, not even as ``__context__``, and the
frames that raise hold no file text.
"""

from __future__ import annotations

import configparser
import contextlib
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from ..errors import (
    OCI_CLI_NOTE,
    ConfigFileNotFoundError,
    InvalidConfigValueError,
    ProfileNotFoundError,
)
from .reading import Unreadable, denied_fix, read_regular_file
from .sourced import Sourced

__all__ = ["DEFAULT_PROFILE", "FILE_FIX", "Profile", "expand", "load_profile"]

DEFAULT_PROFILE: Final = "DEFAULT"


def expand(path: str, home: str | None) -> str:
    """``~`` expansion with an injectable home, then an absolute path."""
    if home is not None and (path == "~" or path.startswith(("~/", "~" + os.sep))):
        path = home + path[1:]
    else:
        with contextlib.suppress(ValueError, OSError):  # "~user" with odd characters
            path = os.path.expanduser(path)
    return os.path.abspath(path)


@dataclass(frozen=True)
class Profile:
    """One profile of a config file, with its DEFAULT inheritance applied."""

    file: str | None = None
    name: str = DEFAULT_PROFILE
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    inherited: frozenset[str] = frozenset()

    def get(self, key: str) -> Sourced[str] | None:
        value = self.values.get(key, "")
        if not value:
            return None
        note = ", inherited from DEFAULT" if key in self.inherited else ""
        return Sourced(value, f"profile {self.name} of {self.file} (key {key}{note})")

    def __repr__(self) -> str:
        # Keys only: values hold pass_phrase and key_content, and error reporters
        # repr the locals of the frames a check raised in.
        return f"Profile(file={self.file!r}, name={self.name!r}, keys={sorted(self.values)!r})"


FILE_FIX: Final = (
    "Fix: run `oci setup config` (API key) or `oci session authenticate` (session token), "
    "or pass config_file='/path/to/config' or set OCI_CLI_CONFIG_FILE; on OCI compute or "
    "functions, use auth_type='instance_principal' or 'resource_principal' instead. "
    + OCI_CLI_NOTE
)


def _read_config(file: Sourced[str], chain: str) -> configparser.ConfigParser:
    """Parse the config file; every failure becomes an OCIConfigurationError.

    Raised here, outside any ``except``, with no file text in this frame:
    configparser quotes the offending line (a pasted ``pass_phrase``) and
    error reporters walk ``__context__`` and capture the locals of each frame.
    """
    where = f"OCI config file {file.value} (from {file.source}; sources in order: " \
        f"{chain})"
    parsed = _parse(file.value)
    if isinstance(parsed, configparser.ConfigParser):
        return parsed
    if isinstance(parsed, _IniProblem):
        raise InvalidConfigValueError(f"{where} is not valid INI: {parsed.what}. "
                                      "Fix: edit that line (entries are `key = value` under "
                                      "a `[PROFILE]` header) or regenerate the file with "
                                      f"`oci setup config`. {OCI_CLI_NOTE}") from None
    if parsed.missing:
        raise ConfigFileNotFoundError(f"{where} {parsed.reason}. {FILE_FIX}") from None
    if parsed.reason.startswith(_NOT_UTF8):
        raise InvalidConfigValueError(
            f"{where} {parsed.reason}. Fix: save it as UTF-8 or regenerate it with "
            f"`oci setup config`. {OCI_CLI_NOTE}"
        ) from None
    if parsed.denied:  # it is there: a missing-file fix would mislead
        fix = denied_fix(file.value)
        raise ConfigFileNotFoundError(f"{where} {parsed.reason}. {fix}") from None
    raise ConfigFileNotFoundError(
        f"{where} cannot be read: it {parsed.reason}. Point config_file= (or "
        "OCI_CLI_CONFIG_FILE) at the INI file itself. " + FILE_FIX
    ) from None


@dataclass(frozen=True)
class _IniProblem:
    what: str  # names a key, a profile and a line number; never a value


_NOT_UTF8: Final = "is not UTF-8 text"


def _parse(path: str) -> configparser.ConfigParser | Unreadable | _IniProblem:
    """The parsed file, or what was wrong; returns (never raises) so no chain survives."""
    data = read_regular_file(path)
    if isinstance(data, Unreadable):
        return data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Unreadable(f"{_NOT_UTF8} (line {line} holds a byte that is not UTF-8)")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        return _IniProblem(_ini_problem(exc))
    return parser


def _ini_problem(exc: configparser.Error) -> str:
    errors = getattr(exc, "errors", None)
    line = errors[0][0] if errors else getattr(exc, "lineno", None)
    if isinstance(exc, configparser.DuplicateOptionError):
        what = f"duplicate key {exc.option!r} in [{exc.section}]"
    elif isinstance(exc, configparser.DuplicateSectionError):
        what = f"duplicate profile [{exc.section}]"
    elif isinstance(exc, configparser.MissingSectionHeaderError):
        what = "an entry before any [PROFILE] header"
    else:
        what = "a line that is not `key = value`"
    return f"{what} at line {line}" if line is not None else what


def load_profile(
    file: Sourced[str], profile: Sourced[str], *, file_chain: str, profile_chain: str
) -> Profile:
    """The profile ``profile`` of config file ``file`` (chains name the sources for errors)."""
    parser = _read_config(file, file_chain)
    # No profile values in this frame's locals before the check below raises.
    names = ([DEFAULT_PROFILE] if parser.defaults() else []) + parser.sections()
    name = profile.value
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1) or [
            n for n in names if n.lower() == name.lower()]
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ProfileNotFoundError(
            f"Profile {name!r} (from {profile.source}; sources in order: "
            f"{profile_chain}) is not in OCI config file {file.value}, whose "
            f"profiles are: {', '.join(names) or '(none)'}.{hint} Fix: pass profile= or set "
            "OCI_CLI_PROFILE to one of those, or create it with `oci setup config` or "
            f"`oci session authenticate --profile-name {name}`. {OCI_CLI_NOTE}"
        )
    defaults = parser.defaults()
    values = dict(defaults if name == DEFAULT_PROFILE else parser[name])
    inherited = frozenset(k for k, v in defaults.items() if name != DEFAULT_PROFILE
                          and values.get(k) == v)
    return Profile(file.value, name, MappingProxyType(values), inherited)
