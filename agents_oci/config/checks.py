"""The checks resolve() runs on the values it keeps: each failure names its fix.

Auth mode, OCIDs, region, the profile's required entries, compartment,
``base_url``, and the keyword combinations that contradict each other.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final
from urllib.parse import urlsplit

from ..errors import (
    OCI_CLI_NOTE,
    ConflictingArgumentsError,
    InvalidConfigValueError,
    InvalidOCIDError,
    MissingCompartmentError,
    UnknownAuthTypeError,
    UnknownRegionError,
)
from .endpoints import canonical_region
from .file import Profile
from .precedence import (
    AUTH_TYPES,
    KEYWORD_AUTH_SOURCES,
    REQUIRED_ENTRIES,
    ROWS,
    AuthType,
    auth_key,
)
from .settings import safe_url
from .sourced import Sourced
from .world import World

_OCID: Final = re.compile(
    r"ocid1\.(?P<type>[a-z0-9]+)\.[a-z0-9]+\.[a-z0-9-]*(?:\.[a-z0-9-]+)?\.[A-Za-z0-9_-]+"
)
_COMPARTMENT_TYPES: Final = ("compartment", "tenancy")
_OCID_EXAMPLES: Final[Mapping[str, str]] = MappingProxyType({
    "compartment": "ocid1.compartment.oc1..aaaaaaaaexample",
    "generativeaiproject": "ocid1.generativeaiproject.oc1.us-chicago-1.amaaaaaaexample",
})
_CLI_ONLY_AUTH: Final = ("instance_obo_user",)
_FINGERPRINT: Final = re.compile(r"^([0-9a-f]{2}:){15}[0-9a-f]{2}$")
# The oci SDK's own pattern (oci.config.PATTERNS["fingerprint"], which its
# validate_config applies): 16 lower-case hex pairs separated by colons.
_MODEL_DEPLOYMENT: Final = re.compile(r"/ocid1\.datasciencemodeldeployment\.[^/]+/predict(/|$)")


def auth_mode(hit: Sourced[str], signer_supplied: bool) -> Sourced[AuthType]:
    if hit.source in KEYWORD_AUTH_SOURCES:  # signer= or api_key=, not a typed auth_type
        return Sourced("signer" if hit.value == "signer" else "genai_api_key", hit.source)
    key = auth_key(hit.value)
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
        f"{ROWS['auth_type'].chain()}). Valid auth types: {valid}.{hint} Fix: pass "
        "auth_type= or set OCI_CLI_AUTH to one of those (case and -/_ do not matter)."
    )


def ocid_setting(hit: Sourced[str], setting: str, types: tuple[str, ...]) -> Sourced[str | None]:
    match = _OCID.fullmatch(hit.value)
    if match is not None and match["type"] in types:
        return hit
    got = f" (its type is {match['type']!r})" if match else ""
    shapes = " or ".join(f"ocid1.{t}.<realm>.[region].<unique id>" for t in types)
    env = ROWS[setting].sources[1].name
    entry = " (or correct that profile entry)" if hit.source.startswith("profile") else ""
    raise InvalidOCIDError(
        f"{setting} {hit.value!r} (from {hit.source}) is not a {' or '.join(types)} "
        f"OCID{got}. Expected: {shapes}, e.g. {_OCID_EXAMPLES[types[0]]}. Sources in order: "
        f"{ROWS[setting].chain()}. Fix: copy the OCID from the OCI console and pass "
        f"{setting}= or set {env}{entry}."
    )


def region_setting(world: World) -> Sourced[str]:
    hit = world.must("region")
    try:
        return Sourced(canonical_region(hit.value, source=hit.source), hit.source)
    except UnknownRegionError as exc:
        chain = ROWS["region"].chain()
        raise UnknownRegionError(f"{exc} Region sources, in order: {chain}.") from exc


def check_required(profile: Profile, auth: AuthType) -> None:
    for keys in REQUIRED_ENTRIES.get(auth, ()):
        if not any(profile.get(key) for key in keys):
            entry = " or ".join(keys)
            raise InvalidConfigValueError(
                f"Profile {profile.name} of OCI config file {profile.file} has no {entry} "
                f"entry (checked the profile and its DEFAULT section), which {auth} auth "
                f"needs. Fix: add `{keys[0]} = ...` under [{profile.name}], regenerate the "
                "profile with `oci setup config` or `oci session authenticate`, or choose "
                f"another profile with profile= or OCI_CLI_PROFILE. {OCI_CLI_NOTE}"
            )
    fingerprint = profile.get("fingerprint") if auth == "api_key" else None
    if fingerprint is not None and not _FINGERPRINT.match(fingerprint.value.strip()):
        # Sent as is, it fails only at the first request, with a 401.
        raise InvalidConfigValueError(
            f"The fingerprint of profile {profile.name} in OCI config file {profile.file} is "
            "malformed: it must be 16 lower-case hex pairs separated by colons "
            "(aa:bb:...:ff, 47 characters). Fix: copy it from the console (Identity > Users > "
            "API keys), or print it with `openssl rsa -pubout -outform DER -in KEY_FILE | "
            "openssl md5 -c`."
        )


def compartment_setting(world: World, auth: AuthType, base_url: str) -> Sourced[str | None]:
    if _MODEL_DEPLOYMENT.search(urlsplit(base_url).path):
        # A deployment is addressed by its own OCID; OCI wants no compartment header there.
        return Sourced(None, "not sent to a Data Science model deployment")
    hit = world.first("compartment_id")
    if hit is not None:
        return ocid_setting(hit, "compartment_id", _COMPARTMENT_TYPES)
    if auth == "genai_api_key":
        return Sourced(None, "not needed with a Generative AI API key")
    chain = ROWS["compartment_id"].chain()
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


def base_url_setting(world: World) -> Sourced[str]:
    hit = world.must("base_url")
    problem = _url_problem(hit.value)
    if problem is None:
        return hit
    shown, source = safe_url(hit.value), hit.source
    del hit  # URL credentials stay out of this frame's locals (error reporters capture them)
    if problem == "userinfo":
        raise InvalidConfigValueError(
            f"base_url {shown!r} (from {source}) carries credentials "
            "(`user:password@` before the host). They are never sent: every request's "
            "Authorization header carries the OCI signature or the API key instead. But "
            "the HTTP library writes each request's URL, credentials included, to its INFO "
            "log. Fix: remove `user:password@` from base_url; a gateway that needs its own "
            "credentials must take them in a header of its own, on a client you build "
            "(openai_client=)."
        )
    if problem == "query":
        raise InvalidConfigValueError(
            f"base_url {shown!r} (from {source}) has a query string or a fragment. The "
            "openai SDK appends each API path after base_url, so every request would go to "
            "a wrong URL (`...?token=...chat/completions`), and the HTTP library writes each "
            "request's URL, query included, to its INFO log. Fix: remove everything from `?` "
            "(or `#`) on; a gateway that needs a token must take it in a header of its own, "
            "on a client you build (openai_client=)."
        )
    raise InvalidConfigValueError(
        f"base_url {shown!r} (from {source}) is not an http(s) URL with a "
        "host. Fix: pass a full URL such as base_url='https://inference.generativeai."
        "us-chicago-1.oci.oraclecloud.com/openai/v1', or leave it out to derive it from "
        "the region."
    )


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return "not a url"
    if "@" in parts.netloc:
        return "userinfo"
    if not ok:
        return "not a url"
    return "query" if "?" in url or "#" in url else None


def bearer_conflict(args: Mapping[str, str], signer_supplied: bool) -> None:
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


def principal_conflict(args: Mapping[str, str], auth: Sourced[AuthType]) -> None:
    passed = [k for k in ("config_file", "profile") if k in args]
    if passed:
        keywords = " and ".join(f"{k}=" for k in passed)
        raise ConflictingArgumentsError(
            f"auth_type {auth.value!r} (from {auth.source}) reads no config file or profile, "
            f"so {keywords} would be ignored. Fix: drop {keywords}, or use "
            "auth_type='api_key' or auth_type='security_token' to sign with a profile."
        )


