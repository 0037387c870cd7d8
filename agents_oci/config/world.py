"""Where resolve() looks: keywords, the environment and the profile, read lazily.

A :class:`World` answers "the first source of this setting that has a value",
walking one row of :data:`~agents_oci.config.precedence.PRECEDENCE`; the profile
is read only when a row reaches it, so principals never open a config file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from .endpoints import inference_base_url, realm_of
from .file import Profile, load_profile
from .precedence import PRINCIPALS, ROWS, SIGNER_AUTH, AuthType, Source, auth_key
from .sourced import Sourced


class World:
    """Everything resolve() may read; sources are looked up here, lazily."""

    def __init__(self, args: Mapping[str, str], environ: Mapping[str, str],
                 principal_region: Callable[[AuthType], str | None] | None,
                 signer_supplied: bool = False) -> None:
        self.args, self.environ, self.principal_region = args, environ, principal_region
        self.signer_supplied = signer_supplied
        self.found: dict[str, Sourced[str]] = {}
        self.auth: AuthType | None = None  # known after the auth_type row
        self._profile: Profile | None = None
        self.overridden: list[str] = []
        """Environment auth sources skipped because a profile keyword was passed."""

    @property
    def principal(self) -> bool:
        """Principals read no config file and no profile."""
        return self.auth in PRINCIPALS

    def profile(self) -> Profile:
        if self.principal:
            return Profile()
        if self._profile is None:  # read the file once, on first need
            self._profile = load_profile(self.found["config_file"], self.found["profile"],
                                         file_chain=ROWS["config_file"].chain(),
                                         profile_chain=ROWS["profile"].chain())
        return self._profile

    def first(self, setting: str) -> Sourced[str] | None:
        """The botocore-style chain: the first source of the row that has a value."""
        for source in ROWS[setting].sources:
            hit = self._lookup(source)
            if hit is not None:
                return hit
        return None

    def must(self, setting: str) -> Sourced[str]:
        hit = self.first(setting)
        assert hit is not None, f"row {setting} ends with a source that always answers"
        return hit

    @property
    def explicit_profile(self) -> list[str]:
        """``config_file=`` and ``profile=``, when passed: the caller named a profile."""
        return [f"{k}=" for k in ("config_file", "profile") if k in self.args]

    def _lookup(self, source: Source) -> Sourced[str] | None:
        hit = self._lookup_any(source)
        if hit is not None and self._beaten(source, hit):
            self.overridden.append(str(source))
            return None
        return hit

    def _beaten(self, source: Source, hit: Sourced[str]) -> bool:
        """An environment auth mode that reads no profile, against a profile keyword.

        An explicit keyword names the caller's intent; a variable may be left
        over in the shell. As botocore skips environment credentials when a
        profile is named explicitly, ``profile=`` (or ``config_file=``) wins over
        ``OCI_GENAI_API_KEY``, a principal ``OCI_CLI_AUTH`` and the resource
        principal detection. Two explicit keywords that disagree still conflict.
        """
        if not self.explicit_profile or source.kind not in (
            "environment", "bearer_environment", "detected"
        ):
            return False
        if source.kind == "environment" and source.name != "OCI_CLI_AUTH":
            return False
        return auth_key(hit.value.strip()) in PRINCIPALS

    def _lookup_any(self, source: Source) -> Sourced[str] | None:
        name = source.name or ""
        if source.kind in ("argument", "environment"):
            table = self.args if source.kind == "argument" else self.environ
            value = table.get(name) or None
            if source.kind == "environment" and value is not None and not value.strip():
                value = None  # an empty or whitespace-only variable counts as unset
            return None if value is None else Sourced(value, str(source))
        if source.kind == "profile":
            return self.profile().get(name)
        if source.kind == "signer":
            return Sourced("signer", str(source)) if self.signer_supplied else None
        if source.kind == "bearer_argument":
            return Sourced("genai_api_key", str(source)) if name in self.args else None
        if source.kind == "bearer_environment":
            key = self.environ.get(name, "").strip()  # whitespace only: unset, as above
            return Sourced("genai_api_key", str(source)) if key else None
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


