"""The resolution table: one test per row and per source, and every bad input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents_oci.config.precedence import AUTH_TYPES, PRECEDENCE, UNSET
from agents_oci.config.resolve import resolve
from agents_oci.config.settings import Settings
from agents_oci.config.sourced import Sourced
from agents_oci.errors import (
    ConfigFileNotFoundError,
    ConflictingArgumentsError,
    InvalidConfigValueError,
    InvalidOCIDError,
    MissingCompartmentError,
    OCIConfigurationError,
    ProfileNotFoundError,
    UnknownAuthTypeError,
    UnknownRegionError,
)

TENANCY = "ocid1.tenancy.oc1..aaaaaaaatenancy"
USER = "ocid1.user.oc1..aaaaaaaauser"
COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaacompartment"
PROJECT = "ocid1.generativeaiproject.oc1.us-chicago-1.amaaaaaaproject"
FINGERPRINT = ":".join(["ab"] * 16)
API_KEY = f"user = {USER}\nfingerprint = {FINGERPRINT}\ntenancy = {TENANCY}\nkey_file = ~/k.pem\n"
SESSION = f"security_token_file = ~/token\nkey_file = ~/k.pem\ntenancy = {TENANCY}\n"
CHICAGO = "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1"


class Env:
    """A home directory with a config file, and a resolve() bound to it."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.config = home / ".oci" / "config"
        self.config.parent.mkdir()

    def write(self, text: str, path: Path | None = None) -> str:
        target = path or self.config
        target.write_text(text, encoding="utf-8")
        return str(target)

    def resolve(self, environ: Mapping[str, str] | None = None, **kwargs: Any) -> Settings:
        return resolve(environ=environ or {}, home=str(self.home), **kwargs)

    def profile_source(self, key: str, profile: str = "DEFAULT") -> str:
        return f"profile {profile} of {self.config} (key {key})"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return Env(tmp_path)


@pytest.fixture
def api_key(env: Env) -> Env:
    env.write(f"[DEFAULT]\n{API_KEY}region = eu-frankfurt-1\n")
    return env


def test_the_table_is_the_issue_table() -> None:
    chains = {row.setting: row.chain() for row in PRECEDENCE}
    assert chains == {
        "config_file": "argument config_file, environment OCI_CLI_CONFIG_FILE, "
        "environment OCI_CONFIG_FILE, default ~/.oci/config",
        "profile": "argument profile, environment OCI_CLI_PROFILE, environment OCI_PROFILE, "
        "default DEFAULT",
        "api_key": "argument api_key, environment OCI_GENAI_API_KEY, none",
        "auth_type": "argument auth_type, argument signer, argument api_key, environment OCI_CLI_AUTH, "
        "environment OCI_GENAI_API_KEY, environment OCI_RESOURCE_PRINCIPAL_VERSION (with no config file), "
        "inferred from profile key security_token_file",
        "region": "argument region, environment OCI_REGION, environment OCI_CLI_REGION, "
        "profile key region, principal signer, default us-chicago-1",
        "compartment_id": "argument compartment_id, environment OCI_COMPARTMENT_ID, "
        "profile key tenancy",
        "project_id": "argument project_id, environment OCI_PROJECT_ID, none",
        "base_url": "argument base_url, environment OCI_GENAI_BASE_URL, derived from region",
    }


# --- config file -------------------------------------------------------------


def test_config_file_argument_wins_over_environment(api_key: Env) -> None:
    other = api_key.write(api_key.config.read_text(), api_key.home / "arg")
    s = api_key.resolve({"OCI_CLI_CONFIG_FILE": "/nope"}, config_file=other)
    assert s.config_file == Sourced(other, "argument config_file")


def test_oci_cli_config_file_wins_over_oci_config_file(api_key: Env) -> None:
    cli = api_key.write(api_key.config.read_text(), api_key.home / "cli")
    s = api_key.resolve({"OCI_CLI_CONFIG_FILE": cli, "OCI_CONFIG_FILE": "/nope"})
    assert s.config_file == Sourced(cli, "environment OCI_CLI_CONFIG_FILE")


def test_oci_config_file_wins_over_default(api_key: Env) -> None:
    sdk = api_key.write(api_key.config.read_text(), api_key.home / "sdk")
    s = api_key.resolve({"OCI_CONFIG_FILE": sdk})
    assert s.config_file == Sourced(sdk, "environment OCI_CONFIG_FILE")


def test_config_file_default_is_under_home(api_key: Env) -> None:
    assert api_key.resolve().config_file == Sourced(str(api_key.config), "default")


def test_config_file_tilde_is_expanded_with_home_and_paths_are_accepted(api_key: Env) -> None:
    s = api_key.resolve({"OCI_CLI_CONFIG_FILE": "~/.oci/config"})
    assert s.config_file.value == str(api_key.config)
    assert api_key.resolve(config_file=api_key.config).config_file.value == str(api_key.config)


def test_missing_config_file_names_path_sources_and_fix(env: Env) -> None:
    with pytest.raises(ConfigFileNotFoundError) as info:
        env.resolve({"OCI_CLI_CONFIG_FILE": "~/missing"})
    message = str(info.value)
    assert str(env.home / "missing") in message and "does not exist" in message
    assert "from environment OCI_CLI_CONFIG_FILE" in message
    assert "argument config_file, environment OCI_CLI_CONFIG_FILE, environment " \
        "OCI_CONFIG_FILE, default ~/.oci/config" in message
    assert "oci setup config" in message and "oci session authenticate" in message
    assert "config_file=" in message


def test_unreadable_config_file(env: Env) -> None:
    with pytest.raises(ConfigFileNotFoundError, match=r"cannot be read.*oci setup config"):
        env.resolve(config_file=str(env.home))  # a directory


# --- profile -----------------------------------------------------------------

PROFILES = f"[DEFAULT]\n{API_KEY}\n[arg]\n[cli]\n[sdk]\n"


@pytest.mark.parametrize(
    ("kwargs", "environ", "expected"),
    [
        ({"profile": "arg"}, {"OCI_CLI_PROFILE": "cli"}, Sourced("arg", "argument profile")),
        ({}, {"OCI_CLI_PROFILE": "cli", "OCI_PROFILE": "sdk"},
         Sourced("cli", "environment OCI_CLI_PROFILE")),
        ({}, {"OCI_PROFILE": "sdk"}, Sourced("sdk", "environment OCI_PROFILE")),
        ({}, {}, Sourced("DEFAULT", "default")),
    ],
)
def test_profile_precedence(
    env: Env, kwargs: dict[str, str], environ: dict[str, str], expected: Sourced[str]
) -> None:
    env.write(PROFILES)
    assert env.resolve(environ, **kwargs).profile == expected


def test_unknown_profile_lists_the_profiles_that_exist(env: Env) -> None:
    env.write(PROFILES)
    with pytest.raises(ProfileNotFoundError) as info:
        env.resolve(profile="clj")
    message = str(info.value)
    assert "'clj'" in message and str(env.config) in message
    assert "DEFAULT, arg, cli, sdk" in message and "Did you mean 'cli'?" in message
    assert "OCI_CLI_PROFILE" in message and "oci session authenticate" in message


def test_default_profile_must_exist_as_a_section(env: Env) -> None:
    env.write(f"[work]\n{API_KEY}")
    with pytest.raises(ProfileNotFoundError, match=r"'DEFAULT'.*profiles are: work\."):
        env.resolve()


def test_named_profile_inherits_from_default(env: Env) -> None:
    env.write(f"[DEFAULT]\ntenancy = {TENANCY}\nregion = ord\nkey_file = ~/d.pem\n"
              f"[work]\nuser = {USER}\nfingerprint = {FINGERPRINT}\nkey_file = ~/w.pem\n")
    s = env.resolve(profile="work")
    assert s.region == Sourced(
        "us-chicago-1", f"profile work of {env.config} (key region, inherited from DEFAULT)"
    )
    assert s.compartment_id.source.endswith("(key tenancy, inherited from DEFAULT)")
    assert s.profile_values["key_file"] == "~/w.pem"  # the section overrides DEFAULT
    assert s.profile_path("key_file") == str(env.home / "w.pem")
    assert s.profile_path("pass_phrase") is None


# --- auth type ---------------------------------------------------------------


def test_auth_argument_wins_over_environment(env: Env) -> None:
    env.write(f"[DEFAULT]\n{SESSION}")
    s = env.resolve({"OCI_CLI_AUTH": "api_key"}, auth_type="security_token")
    assert s.auth_type == Sourced("security_token", "argument auth_type; environment OCI_CLI_AUTH set but not used")
    same = env.resolve({"OCI_CLI_AUTH": "security_token"}, auth_type="security_token")
    assert same.auth_type == Sourced("security_token", "argument auth_type")  # agreed: no note


def test_auth_environment_wins_over_inference(api_key: Env) -> None:
    api_key.write(f"[DEFAULT]\n{API_KEY}security_token_file = ~/token\n")
    s = api_key.resolve({"OCI_CLI_AUTH": "api_key"})
    assert s.auth_type == Sourced("api_key", "environment OCI_CLI_AUTH")


def test_auth_inferred_security_token(env: Env) -> None:
    env.write(f"[DEFAULT]\n{SESSION}")
    s = env.resolve()
    assert s.auth_type == Sourced("security_token", env.profile_source("security_token_file"))


def test_auth_inferred_api_key(api_key: Env) -> None:
    assert api_key.resolve().auth_type == Sourced(
        "api_key", f"default (profile DEFAULT of {api_key.config} has no security_token_file)"
    )


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [("API_KEY", "api_key"), ("api-key", "api_key"), ("Security-Token", "security_token"),
     ("INSTANCE_PRINCIPAL", "instance_principal"), ("resource-principal", "resource_principal")],
)
def test_auth_spellings(env: Env, spelling: str, expected: str) -> None:
    env.write(f"[DEFAULT]\n{API_KEY}security_token_file = ~/token\n")
    s = env.resolve({"OCI_COMPARTMENT_ID": COMPARTMENT}, auth_type=spelling)
    assert s.auth_type.value == expected


@pytest.mark.parametrize(
    ("value", "hint"),
    [("magic", "Valid auth types: api_key, security_token, instance_principal, "
      "resource_principal, oke_workload_identity"),
     ("session_token", "Did you mean 'security_token'"),
     ("instance_obo_user", "signer="),
     ("signer", "Valid auth types"),
     ("genai_api_key", "Valid auth types")],
)
def test_unknown_auth_type(api_key: Env, value: str, hint: str) -> None:
    with pytest.raises(UnknownAuthTypeError) as info:
        api_key.resolve({"OCI_CLI_AUTH": value})
    message = str(info.value)
    assert hint in message and "from environment OCI_CLI_AUTH" in message
    assert "set OCI_CLI_AUTH" in message


# --- region ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "environ", "expected"),
    [
        ({"region": "iad"}, {"OCI_REGION": "phx"}, Sourced("us-ashburn-1", "argument region")),
        ({}, {"OCI_REGION": "PHX", "OCI_CLI_REGION": "iad"},
         Sourced("us-phoenix-1", "environment OCI_REGION")),
        ({}, {"OCI_CLI_REGION": "iad"}, Sourced("us-ashburn-1", "environment OCI_CLI_REGION")),
        ({}, {"OCI_REGION": ""}, None),  # an empty variable is unset: the profile answers
    ],
)
def test_region_precedence(
    api_key: Env, kwargs: dict[str, str], environ: dict[str, str], expected: Sourced[str] | None
) -> None:
    profile = Sourced("eu-frankfurt-1", api_key.profile_source("region"))
    assert api_key.resolve(environ, **kwargs).region == (expected or profile)


def test_region_default(env: Env) -> None:
    env.write(f"[DEFAULT]\n{API_KEY}")
    calls: list[str] = []

    def principal_region(auth: str) -> str:
        calls.append(auth)
        return "iad"

    s = env.resolve(principal_region=principal_region)
    assert s.region == Sourced("us-chicago-1", "default")
    assert calls == []  # only principals ask the signer
    assert s.base_url == Sourced(CHICAGO, "derived from region us-chicago-1 (realm oc1)")


def test_region_from_principal_is_lazy(env: Env) -> None:
    calls: list[str] = []

    def principal_region(auth: str) -> str:
        calls.append(auth)
        return "fra"

    base = {"OCI_COMPARTMENT_ID": COMPARTMENT}
    s = env.resolve({**base, "OCI_REGION": "ord"}, auth_type="instance_principal",
                    principal_region=principal_region)
    assert s.region.value == "us-chicago-1" and calls == []
    s = env.resolve(base, auth_type="instance_principal", principal_region=principal_region)
    assert s.region == Sourced("eu-frankfurt-1", "principal signer")
    assert calls == ["instance_principal"]
    s = env.resolve(base, auth_type="resource_principal", principal_region=lambda auth: None)
    assert s.region == Sourced("us-chicago-1", "default")


@pytest.mark.parametrize(
    ("region", "realm", "url"),
    [
        ("eu-frankfurt-2", "oc19", "https://inference.generativeai.eu-frankfurt-2.oci."
         "oraclecloud.eu/openai/v1"),
        ("uk-gov-london-1", "oc4", "https://inference.generativeai.uk-gov-london-1.oci."
         "oraclegovcloud.uk/openai/v1"),
        ("us-langley-1", "oc2", "https://inference.generativeai.us-langley-1.oci."
         "oraclegovcloud.com/openai/v1"),
        ("ord", "oc1", CHICAGO),
    ],
)
def test_realm_and_endpoint_from_region(api_key: Env, region: str, realm: str, url: str) -> None:
    s = api_key.resolve(region=region)
    assert (s.realm, s.base_url.value) == (realm, url)


@pytest.mark.parametrize(
    ("kwargs", "environ", "source"),
    [({"region": "mars-1"}, {}, "argument region"),
     ({}, {"OCI_CLI_REGION": "mars-1"}, "environment OCI_CLI_REGION")],
)
def test_unknown_region_names_source_and_fix(
    api_key: Env, kwargs: dict[str, str], environ: dict[str, str], source: str
) -> None:
    with pytest.raises(UnknownRegionError) as info:
        api_key.resolve(environ, **kwargs)
    message = str(info.value)
    assert f"from {source}" in message and "set OCI_REGION" in message
    assert "Region sources, in order: argument region" in message


def test_unknown_region_from_profile_and_principal(env: Env) -> None:
    env.write(f"[DEFAULT]\n{API_KEY}region = us-chicgo-1\n")
    with pytest.raises(UnknownRegionError, match=r"key region\).*Did you mean: us-chicago-1"):
        env.resolve()
    with pytest.raises(UnknownRegionError, match="from principal signer"):
        env.resolve({"OCI_COMPARTMENT_ID": COMPARTMENT}, auth_type="instance_principal",
                    principal_region=lambda auth: "mars-1")


# --- compartment and project -------------------------------------------------


def test_compartment_precedence(api_key: Env) -> None:
    environ = {"OCI_COMPARTMENT_ID": TENANCY}
    s = api_key.resolve(environ, compartment_id=COMPARTMENT)
    assert s.compartment_id == Sourced(COMPARTMENT, "argument compartment_id")
    s = api_key.resolve(environ)
    assert s.compartment_id == Sourced(TENANCY, "environment OCI_COMPARTMENT_ID")
    s = api_key.resolve()
    assert s.compartment_id == Sourced(TENANCY, api_key.profile_source("tenancy"))


def test_principal_without_compartment(env: Env) -> None:
    with pytest.raises(MissingCompartmentError) as info:
        env.resolve(auth_type="resource_principal")
    message = str(info.value)
    assert "compartment_id=" in message and "OCI_COMPARTMENT_ID" in message


def test_session_profile_needs_tenancy_only_without_compartment(env: Env) -> None:
    env.write("[DEFAULT]\nsecurity_token_file = ~/t\nkey_file = ~/k.pem\n")
    with pytest.raises(InvalidConfigValueError) as info:
        env.resolve()
    message = str(info.value)
    assert "tenancy" in message and str(env.config) in message
    assert "compartment_id=" in message and "OCI_COMPARTMENT_ID" in message
    s = env.resolve({"OCI_COMPARTMENT_ID": COMPARTMENT})
    assert s.compartment_id.value == COMPARTMENT


def test_project_precedence(api_key: Env) -> None:
    other = PROJECT.replace("amaaaaaaproject", "env")
    s = api_key.resolve({"OCI_PROJECT_ID": other}, project_id=PROJECT)
    assert s.project_id == Sourced(PROJECT, "argument project_id")
    s = api_key.resolve({"OCI_PROJECT_ID": other})
    assert s.project_id == Sourced(other, "environment OCI_PROJECT_ID")
    assert api_key.resolve().project_id == Sourced(None, "default")


@pytest.mark.parametrize(
    ("kwargs", "environ", "source", "detail"),
    [
        ({"compartment_id": "my-compartment"}, {}, "argument compartment_id", "Expected"),
        ({}, {"OCI_COMPARTMENT_ID": USER}, "environment OCI_COMPARTMENT_ID", "type is 'user'"),
        ({"project_id": COMPARTMENT}, {}, "argument project_id", "type is 'compartment'"),
        ({}, {"OCI_PROJECT_ID": "ocid1.generativeaiproject"}, "environment OCI_PROJECT_ID",
         "ocid1.generativeaiproject.<realm>.[region].<unique id>"),
    ],
)
def test_malformed_ocids(
    api_key: Env, kwargs: dict[str, str], environ: dict[str, str], source: str, detail: str
) -> None:
    with pytest.raises(InvalidOCIDError) as info:
        api_key.resolve(environ, **kwargs)
    message = str(info.value)
    assert f"from {source}" in message and detail in message and "Fix:" in message


def test_malformed_tenancy_names_the_profile(env: Env) -> None:
    env.write(f"[DEFAULT]\n{API_KEY.replace(TENANCY, 'mytenancy')}")
    with pytest.raises(InvalidOCIDError, match=r"from profile DEFAULT of .*\(key tenancy\)"):
        env.resolve()


# --- base URL ----------------------------------------------------------------


def test_base_url_argument_wins(api_key: Env) -> None:
    s = api_key.resolve(base_url="http://127.0.0.1:8080/openai/v1")
    assert s.base_url == Sourced("http://127.0.0.1:8080/openai/v1", "argument base_url")


@pytest.mark.parametrize("url", ["ftp://host/x", "not a url", "https://", "http://[::1"])
def test_bad_base_url(api_key: Env, url: str) -> None:
    with pytest.raises(InvalidConfigValueError, match=r"base_url=.*leave it out"):
        api_key.resolve(base_url=url)


def test_bad_base_url_hides_credentials(api_key: Env) -> None:
    with pytest.raises(InvalidConfigValueError) as info:
        api_key.resolve(base_url="ftp://me:hunter2@host/")
    assert "hunter2" not in str(info.value)


# --- principals --------------------------------------------------------------


def test_principals_read_no_config_file(env: Env) -> None:
    s = env.resolve({"OCI_CLI_PROFILE": "nope", "OCI_COMPARTMENT_ID": COMPARTMENT},
                    auth_type="instance_principal", principal_region=lambda auth: "iad")
    assert s.config_file == Sourced(None, "not used by instance_principal auth")
    assert s.profile_values == {}
    assert s.region == Sourced("us-ashburn-1", "principal signer")


@pytest.mark.parametrize("keyword", ["profile", "config_file"])
def test_principals_refuse_file_arguments(env: Env, keyword: str) -> None:
    # Two explicit keywords that disagree: a conflict, never a guess.
    with pytest.raises(ConflictingArgumentsError, match=f"{keyword}=.*auth_type='api_key'"):
        env.resolve(auth_type="instance_principal", compartment_id=COMPARTMENT,
                    **{keyword: "x"})


@pytest.mark.parametrize("variables", [
    {"OCI_CLI_AUTH": "instance_principal"},
    {"OCI_CLI_AUTH": "Resource-Principal"},
    {"OCI_GENAI_API_KEY": "sk-left-over-in-the-shell"},
])
@pytest.mark.parametrize("keyword", ["profile", "config_file"])
def test_an_explicit_profile_keyword_beats_an_environment_auth_mode(
    env: Env, keyword: str, variables: dict[str, str]
) -> None:
    # Issue 15 defect 14: explicit intent wins over the environment (as botocore does),
    # and the source says which won, over what.
    env.write("[DEFAULT]\n" + API_KEY)
    value = "DEFAULT" if keyword == "profile" else str(env.config)
    s = env.resolve(variables, **{keyword: value})
    assert s.auth_type.value == "api_key"
    (name,) = variables
    assert f"{keyword}= passed, so environment {name} ignored" in s.auth_type.source
    assert s.api_key.value is None


@pytest.mark.parametrize("variables", [
    {"OCI_GENAI_API_KEY": "sk-left-over-in-the-shell"},
    {"OCI_CLI_AUTH": "instance_principal", "OCI_GENAI_API_KEY": "sk-left-over-in-the-shell"},
])
def test_an_explicit_auth_type_says_which_environment_sources_it_beat(
    env: Env, variables: dict[str, str]
) -> None:
    env.write("[DEFAULT]\n" + API_KEY)
    s = env.resolve(variables, auth_type="api_key")
    assert s.auth_type.value == "api_key" and s.api_key.value is None
    unused = " and ".join(f"environment {n}" for n in ("OCI_CLI_AUTH", "OCI_GENAI_API_KEY")
                          if n in variables)
    assert s.auth_type.source == f"argument auth_type; {unused} set but not used"
    assert "sk-left-over" not in repr(s)
    assert env.resolve({}, auth_type="api_key").auth_type.source == "argument auth_type"


# --- required entries, malformed files ---------------------------------------


@pytest.mark.parametrize("key", ["user", "fingerprint", "tenancy", "key_file"])
def test_api_key_profile_needs_entry(env: Env, key: str) -> None:
    lines = [line for line in API_KEY.splitlines() if not line.startswith(key)]
    env.write("[DEFAULT]\n" + "\n".join(lines) + f"\n{key} =\n")  # empty counts as missing
    with pytest.raises(InvalidConfigValueError) as info:
        env.resolve(compartment_id=COMPARTMENT)
    message = str(info.value)
    assert f"no {key}" in message and "Profile DEFAULT" in message and str(env.config) in message
    assert "api_key auth" in message and "oci setup config" in message


def test_key_content_replaces_key_file(env: Env) -> None:
    env.write(f"[DEFAULT]\n{API_KEY.replace('key_file = ~/k.pem', 'key_content = SECRET')}")
    assert env.resolve().auth_type.value == "api_key"


@pytest.mark.parametrize("key", ["security_token_file", "key_file"])
def test_session_profile_needs_entry(env: Env, key: str) -> None:
    env.write("[DEFAULT]\n" + SESSION.replace(f"{key} =", "other ="))
    with pytest.raises(InvalidConfigValueError, match=f"no {key} .*security_token auth"):
        env.resolve(auth_type="security_token")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("user = x\n", "an entry before any [PROFILE] header at line 1"),
        ("[DEFAULT]\nuser = x\n[a]\n[a]\n", "duplicate profile [a] at line 4"),
        ("[DEFAULT]\nuser = x\nuser = y\n", "duplicate key 'user' in [DEFAULT] at line 3"),
        ("[DEFAULT]\nuser = x\npass_phrase hunter2\n", "not `key = value` at line 3"),
    ],
)
def test_malformed_ini_names_file_and_line_but_not_the_line(
    env: Env, text: str, problem: str
) -> None:
    env.write(text)
    with pytest.raises(InvalidConfigValueError) as info:
        env.resolve()
    message = str(info.value)
    assert problem in message and str(env.config) in message and "Fix:" in message
    assert "hunter2" not in message
    assert info.value.__suppress_context__  # configparser's message quotes the line


def test_non_utf8_config_file(env: Env) -> None:
    env.config.write_bytes(b"[DEFAULT]\nuser = \xff\n")
    with pytest.raises(InvalidConfigValueError, match="not UTF-8"):
        env.resolve()


def test_byte_order_mark_is_accepted(env: Env) -> None:
    env.config.write_bytes(f"\ufeff[DEFAULT]\n{API_KEY}".encode())
    assert env.resolve().profile_values["user"] == USER


# --- arguments ---------------------------------------------------------------


@pytest.mark.parametrize("keyword", [row.setting for row in PRECEDENCE])
def test_empty_string_argument_is_an_error(api_key: Env, keyword: str) -> None:
    with pytest.raises(InvalidConfigValueError) as info:
        kwargs: dict[str, Any] = {keyword: ""}
        api_key.resolve(**kwargs)
    message = str(info.value)
    assert f"{keyword}= is an empty string" in message and "leave it out to fall back" in message


def test_non_string_argument_is_an_error(api_key: Env) -> None:
    with pytest.raises(InvalidConfigValueError, match="region= is of type int"):
        api_key.resolve(region=1)


def test_none_and_unset_mean_not_passed(api_key: Env) -> None:
    kwargs = {row.setting: None for row in PRECEDENCE}
    assert api_key.resolve(**kwargs) == api_key.resolve() == api_key.resolve(region=UNSET)


# --- repr and describe -------------------------------------------------------


def test_repr_and_describe_redact_secrets(env: Env) -> None:
    env.write(f"[DEFAULT]\n{API_KEY}pass_phrase = hunter2\nkey_content = PEMSECRET\n")
    s = env.resolve()
    with pytest.raises(InvalidConfigValueError) as refused:  # a query string is refused,
        env.resolve(base_url="https://example.com/v1?token=pw123")  # its values hidden
    assert "token=***" in str(refused.value) and "pw123" not in str(refused.value)
    shown = [repr(s), str(s), repr(s.describe())]
    for text in shown:
        assert "hunter2" not in text and "PEMSECRET" not in text and "pw123" not in text
        assert "<redacted>" in text
    assert USER in repr(s) and "realm='oc1'" in repr(s)


def test_describe_rows(api_key: Env) -> None:
    rows = {name: (value, source) for name, value, source in api_key.resolve().describe()}
    assert rows["region"] == ("eu-frankfurt-1", api_key.profile_source("region"))
    assert rows["realm"] == ("oc1", "region eu-frankfurt-1")
    assert rows["project_id"] == ("(none)", "default")
    assert rows["profile.user"] == (USER, f"profile DEFAULT of {api_key.config}")


# --- never anything but an OCIConfigurationError ------------------------------

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
_GOOD: dict[str, list[str]] = {
    "auth_type": ["API-KEY", *AUTH_TYPES], "profile": ["DEFAULT", "p"],
    "region": ["ord", "eu-frankfurt-2"], "compartment_id": [COMPARTMENT],
    "project_id": [PROJECT], "base_url": [CHICAGO],
    # Only paths under the temporary home: never open arbitrary files (FIFOs block).
    "config_file": ["~/.oci/config", "~/nope", "~"],
}
_ENV_VARS: dict[str, str] = {
    "OCI_CLI_PROFILE": "profile", "OCI_CLI_AUTH": "auth_type", "OCI_REGION": "region",
    "OCI_CLI_REGION": "region", "OCI_COMPARTMENT_ID": "compartment_id",
    "OCI_PROJECT_ID": "project_id",
}


def _value(setting: str, *, empty: bool = True) -> st.SearchStrategy[str | None]:
    good = st.sampled_from(_GOOD[setting])
    if setting == "config_file":
        return st.one_of(st.none(), good, st.just(""))
    garbage = _TEXT if empty else _TEXT.filter(bool)
    return st.one_of(st.none(), good, good, garbage)


_INI = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(["[DEFAULT]", "[p]", API_KEY, SESSION, "region = ord",
                              "security_token_file = t", "x", " cont", "tenancy = t",
                              "pass_phrase = secret", "[p]\nuser = u"]),
             max_size=8).map("\n".join),
    st.just(f"[DEFAULT]\n{API_KEY}"),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ini=_INI,
       environ=st.fixed_dictionaries(
           {}, optional={var: _value(setting, empty=False) for var, setting in _ENV_VARS.items()}
       ).map(lambda env: {k: v for k, v in env.items() if v is not None}),
       kwargs=st.fixed_dictionaries({}, optional={k: _value(k) for k in _GOOD}),
       principal=st.sampled_from([None, "ord", "bogus"]))
def test_resolve_only_raises_configuration_errors(
    ini: str, environ: dict[str, str], kwargs: dict[str, Any], principal: str | None
) -> None:
    principal_region: Callable[[str], str | None] = lambda auth: principal  # noqa: E731
    with tempfile.TemporaryDirectory() as home:
        os.mkdir(os.path.join(home, ".oci"))
        with open(os.path.join(home, ".oci", "config"), "w", encoding="utf-8") as f:
            f.write(ini)
        try:
            s = resolve(environ=environ, home=home, principal_region=principal_region, **kwargs)
        except OCIConfigurationError as exc:
            assert str(exc).strip()
        else:
            assert isinstance(s, Settings) and s.base_url.value.startswith("http")


# --- a caller's signer ---------------------------------------------------------


def test_signer_reads_no_profile_and_reports_itself() -> None:
    s = resolve(
        signer_supplied=True,
        environ={"OCI_CLI_AUTH": "api_key", "OCI_COMPARTMENT_ID": "ocid1.compartment.oc1..aa"},
        principal_region=lambda auth: "eu-frankfurt-1" if auth == "signer" else None,
    )
    assert s.auth_type == Sourced("signer", "argument signer; environment OCI_CLI_AUTH set but not used")
    assert s.region == Sourced("eu-frankfurt-1", "principal signer")
    assert s.config_file.value is None
    assert s.compartment_id == Sourced("ocid1.compartment.oc1..aa", "environment OCI_COMPARTMENT_ID")


def test_signer_with_a_principal_auth_type_keeps_the_auth_type() -> None:
    s = resolve(
        signer_supplied=True,
        auth_type="instance_principal",
        compartment_id="ocid1.compartment.oc1..aa",
        environ={},
    )
    assert s.auth_type == Sourced("instance_principal", "argument auth_type")


def test_signer_with_a_profile_auth_type_is_a_conflict() -> None:
    with pytest.raises(ConflictingArgumentsError, match="drop auth_type="):
        resolve(signer_supplied=True, auth_type="api_key", environ={})


# --- Generative AI API keys, OKE, resource principal detection, model deployments ----

KEY = "sk-genai-secret-value"
DEPLOYMENT_URL = (
    "https://modeldeployment.us-ashburn-1.oci.customer-oci.com/"
    "ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaaexample/predict/v1"
)


def test_genai_api_key_argument_reads_no_profile_and_needs_no_compartment() -> None:
    s = resolve(api_key=KEY, region="us-ashburn-1", environ={"OCI_CLI_AUTH": "api_key"},
                home="/nonexistent")
    assert s.auth_type == Sourced("genai_api_key", "argument api_key; environment OCI_CLI_AUTH set but not used")
    assert s.api_key == Sourced(KEY, "argument api_key")
    assert s.compartment_id.value is None and s.config_file.value is None
    assert KEY not in repr(s) and KEY not in str(s.describe())


def test_genai_api_key_environment_ranks_below_oci_cli_auth(api_key: Env) -> None:
    s = resolve(environ={"OCI_GENAI_API_KEY": KEY}, home="/nonexistent")
    assert s.auth_type == Sourced("genai_api_key", "environment OCI_GENAI_API_KEY")
    assert s.api_key.source == "environment OCI_GENAI_API_KEY"
    # An explicit signing mode in the environment wins over a key in the environment.
    s = api_key.resolve({"OCI_GENAI_API_KEY": KEY, "OCI_CLI_AUTH": "api_key"})
    assert s.auth_type.value == "api_key" and s.api_key.value is None


@pytest.mark.parametrize("other", [{"auth_type": "api_key"}, {"signer_supplied": True}])
def test_genai_api_key_with_a_signing_mode_is_a_conflict(other: dict[str, Any]) -> None:
    with pytest.raises(ConflictingArgumentsError, match="bearer token") as info:
        resolve(api_key=KEY, environ={}, **other)
    assert KEY not in str(info.value)


def test_oke_workload_identity_is_a_principal() -> None:
    s = resolve(auth_type="OKE-Workload-Identity", compartment_id=COMPARTMENT, environ={},
                principal_region=lambda auth: "us-phoenix-1" if auth == "oke_workload_identity" else None)
    assert s.auth_type == Sourced("oke_workload_identity", "argument auth_type")
    assert s.region == Sourced("us-phoenix-1", "principal signer")


def test_resource_principal_detected_without_a_config_file(tmp_path: Path) -> None:
    env = {"OCI_RESOURCE_PRINCIPAL_VERSION": "2.2", "OCI_COMPARTMENT_ID": COMPARTMENT}
    s = resolve(environ=env, home=str(tmp_path))
    assert s.auth_type == Sourced(
        "resource_principal",
        "environment OCI_RESOURCE_PRINCIPAL_VERSION (with no config file)",
    )


def test_a_config_file_beats_resource_principal_detection(api_key: Env) -> None:
    s = api_key.resolve({"OCI_RESOURCE_PRINCIPAL_VERSION": "2.2"})
    assert s.auth_type.value == "api_key"


def test_model_deployment_gets_no_compartment(api_key: Env) -> None:
    s = api_key.resolve({}, base_url=DEPLOYMENT_URL, compartment_id=COMPARTMENT)
    assert s.compartment_id == Sourced(None, "not sent to a Data Science model deployment")
    s = resolve(auth_type="instance_principal", base_url=DEPLOYMENT_URL, environ={})
    assert s.compartment_id.value is None  # principals need none there either


def test_base_url_from_the_environment(api_key: Env) -> None:
    s = api_key.resolve({"OCI_GENAI_BASE_URL": "http://127.0.0.1:8080/openai/v1"})
    assert s.base_url == Sourced("http://127.0.0.1:8080/openai/v1", "environment OCI_GENAI_BASE_URL")
    s = api_key.resolve({"OCI_GENAI_BASE_URL": "http://127.0.0.1:8080/openai/v1"}, base_url="https://h/openai/v1")
    assert s.base_url.source == "argument base_url"
