"""Malformed configuration, environment and keywords: always an OCIConfigurationError, never a crash.

Runs the whole construction path (resolution, key and token loading, client
building) on generated input. Principal signers are replaced by one that
fails as it would off OCI, so no example can reach the metadata service.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from agents.exceptions import UserError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agents_oci import CredentialsError, OCIConfigurationError, OCIProvider

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KEYS = ("user", "fingerprint", "tenancy", "region", "key_file", "pass_phrase",
        "security_token_file", "key_content", "compartment")
ENV = ("OCI_CLI_CONFIG_FILE", "OCI_CONFIG_FILE", "OCI_CLI_PROFILE", "OCI_PROFILE", "OCI_CLI_AUTH",
       "OCI_REGION", "OCI_CLI_REGION", "OCI_COMPARTMENT_ID", "OCI_PROJECT_ID")
KEYWORDS = ("auth_type", "profile", "config_file", "region", "compartment_id", "project_id", "base_url")
EXAMPLES = 600


@pytest.fixture(scope="module")
def files() -> Iterator[dict[str, str]]:
    """Files a config may point at: good keys, bad keys, tokens, garbage."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        raw = serialization.NoEncryption()
        pkcs8 = serialization.PrivateFormat.PKCS8
        made = {
            "key": KEY.private_bytes(serialization.Encoding.PEM, pkcs8, raw),
            "encrypted": KEY.private_bytes(serialization.Encoding.PEM, pkcs8, serialization.BestAvailableEncryption(b"pw")),
            "public": KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
            "garbage": os.urandom(64),
            "empty": b"",
            "token": b"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE4OTk5OTk5OTl9.c2ln",
            "badtoken": b"not a jwt at all",
        }
        paths = {}
        for name, data in made.items():
            path = root / name
            path.write_bytes(data)
            path.chmod(0o600)
            paths[name] = str(path)
        paths["directory"] = str(root)
        paths["missing"] = str(root / "missing")
        yield paths


def values(files: dict[str, str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(list(files.values())),
        st.sampled_from([
            "us-chicago-1", "ord", "eu-frankfurt-2", "mars-north-1", "", " ", "~", "~/x",
            "ocid1.tenancy.oc1..aaaa", "ocid1.compartment.oc1..bbbb", "ocid1.user.oc1..cccc",
            "ocid1.generativeaiproject.oc1.us-chicago-1.dddd", "ocid1.bad", "api_key",
            "security_token", "instance_principal", "resource_principal", "Session-Token",
            "aa:bb:cc", "pw", "http://127.0.0.1:1/openai/v1", "ftp://x", "https://", "%(user)s",
            "DEFAULT", "SESSION", "nope",
        ]),
        st.text(max_size=30),
    )


@st.composite
def mutated_profile(draw: st.DrawFn, files: dict[str, str]) -> str:
    """A working profile with a few entries replaced or removed: reaches keys and tokens."""
    entries = {
        "user": "ocid1.user.oc1..aaaa", "fingerprint": "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99", "tenancy": "ocid1.tenancy.oc1..aaaa",
        "region": "us-chicago-1", "key_file": files["key"],
    }
    if draw(st.booleans()):
        entries["security_token_file"] = files["token"]
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=3)):
        if draw(st.integers(0, 4)) == 0:
            entries.pop(key, None)
        else:
            entries[key] = draw(values(files)).replace("\n", " ").replace("\r", " ")
    return "[DEFAULT]\n" + "\n".join(f"{k} = {v}" for k, v in entries.items())


@st.composite
def config_text(draw: st.DrawFn, files: dict[str, str]) -> str:
    choice = draw(st.integers(0, 3))
    if choice == 0:  # sometimes not INI at all
        return draw(st.text(max_size=200))
    if choice >= 2:
        return draw(mutated_profile(files))
    lines = []
    for section in draw(st.lists(st.sampled_from(["DEFAULT", "SESSION", "other", "DEFAULT"]), max_size=3)):
        lines.append(f"[{section}]")
        for key in draw(st.lists(st.sampled_from(KEYS), max_size=8)):
            value = draw(values(files)).replace("\n", " ").replace("\r", " ")
            lines.append(f"{key} = {value}")
    return "\n".join(lines)


def off_oci(auth_type: str) -> Any:
    raise CredentialsError(f"{auth_type} credentials need OCI (replaced in this test)")


def _check(text: str, env: dict[str, str], kwargs: dict[str, Any], tmp: Path) -> None:
    config = tmp / "config"
    config.write_text(text, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
    env = {k: v.replace("{config}", str(config)) for k, v in env.items() if "\x00" not in v}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True), mock.patch(
        "agents_oci.connection.principal_signer", off_oci
    ):
        try:
            OCIProvider(**kwargs)
        except OCIConfigurationError as exc:
            assert isinstance(exc, UserError) and str(exc).strip()
            event(f"refused: {type(exc).__name__}")
        else:
            event("constructed")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_construction_fails_only_with_configuration_errors(files: dict[str, str], data: st.DataObject) -> None:
    text = data.draw(config_text(files))
    env_names = data.draw(st.lists(st.sampled_from(ENV), max_size=data.draw(st.sampled_from([0, 0, 1, 4])), unique=True))
    env = {name: data.draw(st.one_of(values(files), st.just("{config}"))) for name in env_names}
    keywords = data.draw(st.lists(st.sampled_from(KEYWORDS), max_size=data.draw(st.sampled_from([0, 0, 1, 4])), unique=True))
    kwargs: dict[str, Any] = {k: data.draw(st.one_of(values(files), st.none(), st.just("{config}"))) for k in keywords}
    with tempfile.TemporaryDirectory() as tmp:
        kwargs = {k: (v.replace("{config}", str(Path(tmp) / "config")) if isinstance(v, str) else v) for k, v in kwargs.items()}
        if "config_file" not in kwargs and "OCI_CLI_CONFIG_FILE" not in env and "OCI_CONFIG_FILE" not in env:
            kwargs["config_file"] = str(Path(tmp) / "config")  # never the host's ~/.oci/config
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
        _check(text, env, kwargs, Path(tmp))
