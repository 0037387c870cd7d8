"""``agents-oci doctor`` in a subprocess: good and broken setups, JSON, --live, no secrets."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from agents_oci.testing import OCIEmulator, mint_jwt
from agents_oci.testing.tokens import fingerprint, new_rsa_key, private_pem

from .conftest import Run, clean_env, command, run_all

MODEL = "meta.llama-3.3-70b-instruct"
WRONG_FINGERPRINT = "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"


def write(path: Path, text: str | bytes, mode: int = 0o600) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    os.chmod(path, mode)
    return path


def config_text(emu: OCIEmulator) -> str:
    return Path(emu.config_file).read_text()


def wrong_fingerprint(emu: OCIEmulator, where: Path) -> Path:
    real = emu.credentials.fingerprints["DEFAULT"]
    return write(where / "wrong-fingerprint", config_text(emu).replace(real, WRONG_FINGERPRINT, 1))


def expired_token(emu: OCIEmulator, where: Path) -> Path:
    # The doctor only decodes the token's payload, so any signer will do.
    token = mint_jwt(new_rsa_key(), {"sub": "user", "exp": int(time.time()) - 600})
    token_file = write(where / "expired-token", token)
    text = config_text(emu).replace(str(emu.credentials.security_token_file), str(token_file))
    return write(where / "expired", text)


def unregistered_key(emu: OCIEmulator, where: Path) -> Path:
    """A consistent profile (fingerprint matches key) whose key OCI has never seen: a 401."""
    key = new_rsa_key()
    key_file = write(where / "unknown.pem", private_pem(key))
    kit = emu.credentials
    return write(where / "unregistered", (
        f"[DEFAULT]\nuser={kit.user_id}\nfingerprint={fingerprint(key.public_key())}\n"
        f"key_file={key_file}\ntenancy={kit.tenancy_id}\nregion={kit.region}\n"
    ))


@pytest.fixture(scope="module")
def runs(emu: OCIEmulator, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    where = tmp_path_factory.mktemp("doctor")
    config, url = emu.config_file, emu.base_url

    def doctor(*args: str, script: bool = False, **env: str) -> tuple[list[str], dict[str, str]]:
        return command("doctor", *args, script=script), clean_env(**env)

    return run_all({
        "good": doctor("--config-file", config, "--base-url", url, "--live", MODEL, "--json"),
        "good_text": doctor(script=True, OCI_CLI_CONFIG_FILE=config, OCI_CLI_PROFILE="DEFAULT"),
        # Also a config file others may read: a warning, which does not fail the doctor.
        "encrypted": doctor("--config-file", str(write(where / "exposed", config_text(emu), 0o644)),
                            "--profile", "ENCRYPTED", "--base-url", url, "--live", MODEL),
        "session": doctor("--config-file", config, "--profile", "SESSION", "--base-url", url,
                          "--live", f"responses:{MODEL}", "--json",
                          OCI_PROJECT_ID=emu.project_id),  # Responses needs a project
        "missing_file": doctor("--config-file", str(where / "absent" / "config"), "--json"),
        "unknown_profile": doctor("--config-file", config, "--profile", "NOPE", "--json"),
        "wrong_fingerprint": doctor("--config-file", str(wrong_fingerprint(emu, where)), "--json"),
        "expired_token": doctor("--config-file", str(expired_token(emu, where)),
                                "--profile", "SESSION", "--json"),
        "bad_ocid": doctor("--config-file", config, "--json",
                           OCI_COMPARTMENT_ID="ocid1.compartment.oc1..not/an/ocid"),
        "live_401": doctor("--config-file", str(unregistered_key(emu, where)), "--base-url", url,
                           "--live", MODEL, "--json"),
        "live_404": doctor("--config-file", config, "--base-url", url,
                           "--live", "meta.llama-0-nonexistent", "--json"),
        "bearer": doctor("--base-url", url, "--live", MODEL, "--json",
                         OCI_GENAI_API_KEY=emu.register_bearer_key()),
    })


def report(result: Run) -> dict[str, Any]:
    assert result.stdout.strip(), result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def check(result: Run, name: str) -> dict[str, Any]:
    found = [c for c in report(result)["checks"] if c["name"] == name]
    assert len(found) == 1, report(result)["checks"]
    return found[0]


def test_good_config_passes_and_every_value_has_a_source(runs: dict[str, Run], emu: OCIEmulator) -> None:
    result = runs["good"]
    assert result.returncode == 0, result.output
    data = report(result)
    assert data["ok"] is True
    assert {c["status"] for c in data["checks"]} == {"pass"}, data["checks"]
    rows = {row["name"]: row for row in data["settings"]}
    assert all(row["source"] for row in data["settings"])
    assert rows["project_id"]["value"] is None  # JSON's null, not "(none)"
    assert all(row["value"] for name, row in rows.items() if name != "project_id")
    profile_origin = f"profile DEFAULT of {emu.config_file}"
    assert rows["config_file"]["source"] == "flag --config-file"  # the CLI names flags
    assert rows["profile"] == {"name": "profile", "value": "DEFAULT", "source": "default"}
    assert rows["region"]["source"] == f"{profile_origin} (key region)"
    assert rows["compartment_id"] == {"name": "compartment_id", "value": emu.compartment_id,
                                      "source": f"{profile_origin} (key tenancy)"}
    assert rows["base_url"] == {"name": "base_url", "value": emu.base_url, "source": "flag --base-url"}
    assert rows["realm"]["value"] == "oc1"
    live = check(result, "live request")
    assert MODEL in live["detail"] and "opc-request-id" in live["detail"]


def test_good_config_as_text_from_the_environment(runs: dict[str, Run], emu: OCIEmulator) -> None:
    result = runs["good_text"]
    assert result.returncode == 0, result.output
    assert "environment OCI_CLI_CONFIG_FILE" in result.stdout
    assert "environment OCI_CLI_PROFILE" in result.stdout
    assert "PASS fingerprint: " + emu.credentials.fingerprints["DEFAULT"] in result.stdout
    assert "realm oc1 (oraclecloud.com)" in result.stdout
    assert "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1" in result.stdout
    assert "All checks passed." in result.stdout
    assert "\x1b[" not in result.output  # not a terminal: no colours, no spinner


@pytest.mark.parametrize(("job", "name", "expected"), [
    ("missing_file", "config file", ["does not exist", "absent", "oci setup config"]),
    ("unknown_profile", "profile", ["'NOPE'", "DEFAULT, SESSION, ENCRYPTED"]),
    ("wrong_fingerprint", "fingerprint", [WRONG_FINGERPRINT, "update fingerprint in the profile to",
                                          "upload the public key in the console"]),
    ("expired_token", "session token", ["expired at", "ago", "oci session refresh --profile SESSION"]),
    ("bad_ocid", "compartment", ["ocid1.compartment.oc1..not/an/ocid", "environment OCI_COMPARTMENT_ID",
                                 "not a compartment or tenancy OCID"]),
])
def test_broken_config_fails_with_the_diagnosis(
    runs: dict[str, Run], job: str, name: str, expected: list[str]
) -> None:
    result = runs[job]
    assert result.returncode == 1, result.output
    assert report(result)["ok"] is False
    failed = check(result, name)
    assert failed["status"] == "fail"
    text = f"{failed['detail']} {failed['fix']}"
    for snippet in expected:
        assert snippet in text
    others = [c for c in report(result)["checks"] if c["status"] == "fail" and c["name"] != name]
    assert not others, others


def test_wrong_fingerprint_names_the_right_one(runs: dict[str, Run], emu: OCIEmulator) -> None:
    real = emu.credentials.fingerprints["DEFAULT"]
    assert f"update fingerprint in the profile to {real} " in check(runs["wrong_fingerprint"], "fingerprint")["fix"]


def test_warning_is_reported_but_does_not_fail(runs: dict[str, Run]) -> None:
    result = runs["encrypted"]
    assert result.returncode == 0, result.output
    assert "WARN config file:" in result.stdout and "mode 0644" in result.stdout
    assert "fix: chmod 600 " in result.stdout
    assert "All checks passed." in result.stdout


def test_live_diagnoses_a_401(runs: dict[str, Run]) -> None:
    result = runs["live_401"]
    assert result.returncode == 1, result.output
    offline = [c for c in report(result)["checks"] if c["name"] != "live request"]
    assert all(c["status"] == "pass" for c in offline), offline  # locally the key is consistent
    live = check(result, "live request")
    assert live["status"] == "fail"
    assert "HTTP 401" in live["detail"] and "NotAuthenticated" in live["detail"]
    assert "authentication failed" in live["detail"]
    assert "uploaded" in live["fix"]  # the API-key hint: is this key in the console?


def test_live_diagnoses_a_404(runs: dict[str, Run]) -> None:
    result = runs["live_404"]
    assert result.returncode == 1, result.output
    live = check(result, "live request")
    assert live["status"] == "fail"
    assert "HTTP 404" in live["detail"] and "NotAuthorizedOrNotFound" in live["detail"]
    assert "meta.llama-0-nonexistent is not offered in us-chicago-1" in live["fix"]


def test_session_and_encrypted_profiles_pass_live(runs: dict[str, Run]) -> None:
    assert runs["encrypted"].returncode == 0, runs["encrypted"].output
    assert "its pass_phrase is right" in runs["encrypted"].stdout
    assert "<redacted>" in runs["encrypted"].stdout
    session = report(runs["session"])
    assert session["ok"] is True, session["checks"]
    token = check(runs["session"], "session token")
    assert "valid until" in token["detail"] and "oci session refresh --profile SESSION" in token["detail"]
    assert "the Responses API" in check(runs["session"], "live request")["detail"]


def test_generative_ai_api_key(runs: dict[str, Run]) -> None:
    result = runs["bearer"]
    assert result.returncode == 0, result.output
    rows = {row["name"]: row for row in report(result)["settings"]}
    assert rows["api_key"] == {"name": "api_key", "value": "<redacted>",
                               "source": "environment OCI_GENAI_API_KEY"}
    assert "bearer token" in check(result, "credentials")["detail"]
    assert check(result, "live request")["status"] == "pass"


def test_no_secret_is_ever_printed(runs: dict[str, Run], emu: OCIEmulator) -> None:
    kit = emu.credentials
    token = kit.session_token
    bearer = runs["bearer"].args  # the key travels in the environment, never in args
    assert not any("sk-" in arg for arg in bearer)
    secrets = [kit.pass_phrase, token, token.split(".")[1], "PRIVATE KEY", "ST$", "Signature ",
               "sk-emulator-"]
    for name, result in runs.items():
        for secret in secrets:
            assert secret not in result.output, (name, secret)
