"""Resolved connection settings: each value beside the source it came from.

:class:`Settings` is what :func:`agents_oci.config.resolve.resolve` returns; its
``repr`` and :meth:`Settings.describe` hide secrets (:func:`safe_url`, profile
entries such as ``pass_phrase``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from .file import expand
from .precedence import AuthType
from .sourced import Sourced

REDACTED: Final = "<redacted>"
_SECRET_KEYS: Final = frozenset({"pass_phrase", "key_content", "security_token", "password"})


def safe_url(url: str) -> str:
    """Hide a URL's ``user:password@``, its query values and its fragment.

    >>> safe_url("https://user:pw@host/v1?token=abc&sk-bare#frag")
    'https://***@host/v1?token=***&***#***'
    """
    url = re.sub(r"(?<=//)[^/?#@]*@", "***@", url)
    url = re.sub(r"#.*", "#***", url, flags=re.DOTALL)
    return re.sub(r"\?[^#]*", _hide_query, url, count=1)


def _hide_query(match: re.Match[str]) -> str:
    # ?token=... and a bare ?<secret> alike: the names stay, every value goes.
    parts = match.group(0)[1:].split("&")
    return "?" + "&".join(
        f"{part.split('=', 1)[0]}=***" if "=" in part else "***" for part in parts if part
    )


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

