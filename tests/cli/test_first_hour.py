"""Issue 15: the command paths a new user touches in the first hour, one test per defect.

Every test drives ``agents-oci`` in a subprocess, as a user would.
"""

from __future__ import annotations

import configparser
import fcntl
import json
import os
import queue
import re
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents_oci.cli.emulator_cmd import READY
from agents_oci.testing import OCIEmulator

from .conftest import Run, clean_env, command, run, run_all
from .test_emulator_command import pump

COHERE = "cohere.command-r-plus-08-2024"


def _imported(stderr: str) -> set[str]:
    """Module names from ``PYTHONPROFILEIMPORTTIME`` output."""
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines()
            if line.startswith("import time:")}


def test_help_and_version_import_neither_the_agents_sdk_nor_openai() -> None:
    # Defect 13: --help took 2.4 s, importing the whole Agents SDK first.
    for args in (("--help",), ("--version",), ("doctor", "--help"), ("chat", "--help")):
        done = run(command(*args, script=True), clean_env(PYTHONPROFILEIMPORTTIME="1"))
        assert done.returncode == 0, done.stderr
        imported = _imported(done.stderr)
        assert "agents_oci.cli" in imported, args
        assert not {"agents", "openai"} & imported, args


def test_doctor_offline_checks_import_neither_the_agents_sdk_nor_openai(
    emu: OCIEmulator, tmp_path: Path
) -> None:
    # Defect 13, the rest: doctor's offline checks, passing and failing, load
    # a real key and resolve every setting without the Agents SDK.
    missing = tmp_path / "no-such-config"
    for args, status in ((("--config-file", emu.config_file), 0),
                         (("--config-file", str(missing)), 1),
                         (("--config-file", emu.config_file, "--profile", "NOPE"), 1)):
        done = run(command("doctor", *args, script=True), clean_env(PYTHONPROFILEIMPORTTIME="1"))
        assert done.returncode == status, done.output
        imported = _imported(done.stderr)
        assert "agents_oci.config.resolve" in imported, args
        assert not {"agents", "openai", "oci"} & imported, args  # oci: 0.39 s of 0.83 s


@pytest.fixture(scope="module")
def native_runs(emu: OCIEmulator) -> dict[str, Run]:
    connection = ["--config-file", emu.config_file, "--base-url", emu.base_url]
    return run_all({
        # Defect 2: chat built OCIProvider(openai_client=...) and could not reach native models.
        "chat_cohere": (command("chat", COHERE, "hello there", *connection, script=True), None),
        "chat_native": (command("chat", "native:meta.llama-3.3-70b-instruct", "hi native",
                                "--no-stream", *connection), None),
        # Defect 3: --live sent Cohere R to chat completions and native:NAME as a model name.
        "live_cohere": (command("doctor", *connection, "--live", COHERE), None),
        "live_native": (command("doctor", *connection, "--live", "native:meta.llama-3.3-70b-instruct"),
                        None),
        "live_chat": (command("doctor", *connection, "--live", "meta.llama-3.3-70b-instruct"), None),
    })


def test_chat_reaches_native_api_models(native_runs: dict[str, Run], emu: OCIEmulator) -> None:
    for job, said in (("chat_cohere", "hello there"), ("chat_native", "hi native")):
        done = native_runs[job]
        assert done.returncode == 0, done.output
        assert said in done.stdout
        assert "openai_client" not in done.output
    native = [e for e in emu.journal.entries if e.target.startswith("/20231130/actions/chat")]
    assert len(native) >= 2 and all(e.principal for e in native)


@pytest.mark.parametrize(("job", "api"), [("live_cohere", "OCI's native chat API"),
                                          ("live_native", "OCI's native chat API"),
                                          ("live_chat", "chat completions")])
def test_doctor_live_routes_as_the_provider_and_names_the_api(
    native_runs: dict[str, Run], job: str, api: str
) -> None:
    done = native_runs[job]
    assert done.returncode == 0, done.output
    assert f"answered over {api}" in done.stdout


@pytest.fixture(scope="module")
def refused_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    with OCIEmulator() as emu:
        emu.credentials.revoke_tokens()  # OCI no longer accepts the session token
        text = Path(emu.config_file).read_text(encoding="utf-8")
        wrong = re.sub(r"fingerprint\s*=\s*\S+", "fingerprint=" + ":".join(["ab"] * 16), text)
        config = tmp_path_factory.mktemp("wrong") / "config"
        config.write_text(wrong, encoding="utf-8")
        config.chmod(0o600)
        url = ["--base-url", emu.base_url]
        chat = ("chat", "meta.llama-3.3-70b-instruct", "hi")
        yield run_all({
            "fingerprint": (command(*chat, "--config-file", str(config), *url), None),
            "session": (command(*chat, "--config-file", emu.config_file, "--profile", "SESSION",
                                *url), None),
            "api_key": (command(*chat, *url, "--region", emu.region),
                        clean_env(OCI_GENAI_API_KEY="sk-not-a-key-of-this-tenancy")),
        })


@pytest.mark.parametrize(("job", "fix"), [
    ("fingerprint", "Check that the fingerprint in profile [DEFAULT]"),
    ("session", "oci session refresh --profile SESSION"),
    ("api_key", "The Generative AI API key was refused"),
])
def test_chat_gives_the_specific_401_fix_and_points_to_doctor(
    refused_runs: dict[str, Run], job: str, fix: str
) -> None:
    # Defect 4: one generic 401 hint for three different causes.
    done = refused_runs[job]
    assert done.returncode == 1, done.output
    assert "HTTP 401" in done.stderr or "401" in done.stderr, done.stderr
    assert fix in done.stderr, done.stderr
    assert "agents-oci doctor" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def doctor_runs(emu: OCIEmulator, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    url = ["--base-url", emu.base_url]
    return run_all({
        "json": (command("doctor", "--config-file", emu.config_file, *url, "--json"), None),
        "text": (command("doctor", "--config-file", emu.config_file, *url), None),
        "no_profile": (command("doctor", "--config-file", emu.config_file, "--profile", "NOPE"),
                       None),
        "chat_no_profile": (command("chat", "m", "hi", "--config-file", emu.config_file,
                                    "--profile", "NOPE"), None),
    })


def test_doctor_json_writes_null_for_no_value(doctor_runs: dict[str, Run]) -> None:
    # Defect 12: "(none)" where JSON has null.
    done = doctor_runs["json"]
    assert done.returncode == 0, done.output
    rows = {row["name"]: row for row in json.loads(done.stdout)["settings"]}
    assert rows["project_id"]["value"] is None
    assert "(none)" not in done.stdout


def test_cli_messages_name_flags_not_keywords(doctor_runs: dict[str, Run]) -> None:
    # Defect 9: "pass profile=", "argument config_file" on the command line.
    for job in ("no_profile", "chat_no_profile", "text", "json"):
        out = doctor_runs[job].output
        assert "--profile" in out or "--config-file" in out, out
        assert not re.search(r"\b(profile|config_file|auth_type|base_url)=", out), out
        assert not re.search(r"\bargument (profile|config_file|base_url|api_key)\b", out), out
    assert "pass --profile or set OCI_CLI_PROFILE" in doctor_runs["no_profile"].stdout


def _on_terminal(args: list[str], columns: int) -> Run:
    """``args`` with stdout on a pseudo-terminal ``columns`` wide."""
    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    with subprocess.Popen(args, stdout=child, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          env=clean_env(COLUMNS=str(columns))) as process:
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        stderr = process.stderr.read().decode() if process.stderr else ""
    os.close(main)
    return Run(args, process.returncode, b"".join(chunks).decode().replace("\r\n", "\n"), stderr)


@pytest.mark.parametrize("job", ["text", "tty80"])
def test_doctor_never_breaks_an_identifier_nor_pads_lines(
    doctor_runs: dict[str, Run], emu: OCIEmulator, job: str
) -> None:
    # Defect 11: OCIDs and fingerprints wrapped mid-token at 80 columns; piped lines padded.
    if job == "tty80":
        args = command("doctor", "--config-file", emu.config_file, "--base-url", emu.base_url)
        done = _on_terminal(args, 80)
    else:
        done = doctor_runs[job]
    assert done.returncode == 0, done.output
    lines = done.stdout.splitlines()
    assert all(line == line.rstrip() for line in lines), [ln for ln in lines if ln != ln.rstrip()]
    plain = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)
    for token in (emu.compartment_id, emu.credentials.fingerprints["DEFAULT"], emu.config_file):
        assert token in plain


def test_base_url_query_string_secrets_are_hidden(emu: OCIEmulator) -> None:
    # Defect 15: base_url redaction hid user:password@ but not ?token=.
    # A query string is now refused outright (openai appends paths after it).
    secret = "s3cret-query-token"
    jobs = {}
    for name, url in (("userinfo", f"http://user:pw-secret@127.0.0.1:9/openai/v1?token={secret}"),
                      ("query", f"{emu.base_url}?token={secret}")):
        jobs[f"doctor_{name}"] = (command("doctor", "--config-file", emu.config_file,
                                          "--base-url", url), None)
        jobs[f"json_{name}"] = (command("doctor", "--config-file", emu.config_file,
                                        "--base-url", url, "--json"), None)
        jobs[f"chat_{name}"] = (command("chat", "meta.llama-3.3-70b-instruct", "hi",
                                        "--config-file", emu.config_file, "--base-url", url), None)
    sent = len(emu.journal.entries)  # the module's emulator: other tests' requests stay
    results = run_all(jobs)
    for job, done in results.items():
        assert done.returncode == 1, (job, done.output)
        assert "token=***" in done.output, (job, done.output)
        assert secret not in done.output and "pw-secret" not in done.output, (job, done.output)
        if job.endswith("_query"):
            assert "query string" in done.output, (job, done.output)
    assert len(emu.journal.entries) == sent  # refused before any request


_DENY = """
import errno, os, sys
from agents_oci.cli import main
target, how, real_open, real_access = os.path.abspath(sys.argv[1]), sys.argv[2], os.open, os.access
closed = os.path.dirname(target)
def denied(path, *args, **kwargs):
    path = os.path.abspath(os.fsdecode(path))
    if path == target or (how == "dir" and path.startswith(closed + os.sep)):
        raise PermissionError(errno.EACCES, "Permission denied", path)
    return real_open(path, *args, **kwargs)
def access(path, mode, *args, **kwargs):
    if how == "dir" and os.path.abspath(os.fsdecode(path)) == closed and mode & os.X_OK:
        return False
    return real_access(path, mode, *args, **kwargs)
os.open, os.access = denied, access  # root reads any file: the kernel's answer to another user
raise SystemExit(main(sys.argv[3:]))
"""


def _denied(target: Path, how: str, *args: str) -> Run:
    return run([sys.executable, "-c", _DENY, str(target), how, *args])


def test_unreadable_config_file_says_fix_the_permissions(tmp_path: Path) -> None:
    # Defect 10: a config file this user may not read got the missing-file fix.
    config = tmp_path / "config"
    config.write_text("[DEFAULT]\nregion=us-chicago-1\n", encoding="utf-8")
    args = ["doctor", "--config-file", str(config)]
    if os.geteuid() != 0:
        config.chmod(0)
        done = run(command(*args))
    else:
        done = _denied(config, "file", *args)
    assert done.returncode == 1, done.output
    assert "permission denied" in done.stdout
    assert f"chmod 600 {config}" in done.stdout
    assert "oci setup config" not in done.stdout


def test_unreadable_key_token_and_directory_say_fix_the_permissions(emu: OCIEmulator) -> None:
    # Defect 10, the rest: an unreadable key_file was told to point elsewhere or
    # make a new key, an unreadable token file to start a new session, and a
    # file in a directory this user cannot enter to chmod the file.
    profiles = configparser.ConfigParser()
    profiles.read(emu.config_file)
    key = Path(profiles["DEFAULT"]["key_file"])
    token = Path(profiles["SESSION"]["security_token_file"])
    config = ["doctor", "--config-file", emu.config_file]
    results = {
        "key": _denied(key, "file", *config),
        "token": _denied(token, "file", *config, "--profile", "SESSION"),
        "directory": _denied(key, "dir", *config),
    }
    for job, done in results.items():
        assert done.returncode == 1, (job, done.output)
        assert "permission denied" in done.stdout, (job, done.stdout)
        assert "oci setup config" not in done.stdout, (job, done.stdout)
        assert "oci session authenticate" not in done.stdout, (job, done.stdout)
    assert f"chmod 600 {key}" in results["key"].stdout
    assert f"chmod 600 {token}" in results["token"].stdout
    assert f"chmod u+rx {key.parent}" in results["directory"].stdout
    assert "chmod 600" not in results["directory"].stdout


def test_fixes_that_run_oci_commands_say_where_they_come_from(tmp_path: Path) -> None:
    # Defect 10: `oci setup config` comes with the OCI CLI, which this package does not install.
    results = run_all({
        "missing": (command("doctor", "--config-file", str(tmp_path / "nope")), None),
        "profile": (command("doctor", "--config-file", str(_config(tmp_path)), "--profile", "X"),
                    None),
    })
    for job, done in results.items():
        assert done.returncode == 1, (job, done.output)
        assert "oci setup config" in done.stdout, (job, done.stdout)
        assert "pip install oci-cli" in done.stdout, (job, done.stdout)


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    config.write_text("[DEFAULT]\nregion=us-chicago-1\n", encoding="utf-8")
    config.chmod(0o600)
    return config


def test_shared_key_file_is_reported_once_not_as_a_raw_warning() -> None:
    # Defect 8: doctor printed a raw InsecureKeyFileWarning (internal path, source line).
    with OCIEmulator() as emu:
        key_file = Path(emu.credentials.config("DEFAULT")["key_file"])
        key_file.chmod(0o644)
        connection = ["--config-file", emu.config_file, "--base-url", emu.base_url]
        results = run_all({
            "doctor": (command("doctor", *connection), None),
            "chat": (command("chat", "meta.llama-3.3-70b-instruct", "hi", *connection), None),
        })
    doctor, chat = results["doctor"], results["chat"]
    assert doctor.returncode == 0, doctor.output
    assert "WARN private key:" in doctor.stdout and f"chmod 600 {key_file}" in doctor.stdout
    assert chat.returncode == 0, chat.output
    assert f"warning: The key_file '{key_file}'" in chat.stderr
    for done in (doctor, chat):
        assert "InsecureKeyFileWarning" not in done.output
        assert "warnings.warn" not in done.output and ".py:" not in done.output


def test_explicit_profile_flag_beats_an_api_key_in_the_environment(emu: OCIEmulator) -> None:
    # Defect 14: --profile / --config-file with OCI_GENAI_API_KEY set raised a conflict.
    connection = ["--config-file", emu.config_file, "--base-url", emu.base_url]
    leftover = clean_env(OCI_GENAI_API_KEY="sk-left-over-in-the-shell")
    results = run_all({
        "doctor": (command("doctor", *connection, "--profile", "DEFAULT", "--json"), leftover),
        "chat": (command("chat", "meta.llama-3.3-70b-instruct", "hello", *connection), leftover),
        "conflict": (command("doctor", *connection, "--auth-type", "instance_principal",
                             "--compartment-id", emu.compartment_id), None),
    })
    doctor = results["doctor"]
    assert doctor.returncode == 0, doctor.output
    rows = {row["name"]: row for row in json.loads(doctor.stdout)["settings"]}
    assert rows["auth_type"]["value"] == "api_key"
    assert ("--config-file and --profile passed, so environment OCI_GENAI_API_KEY ignored"
            in rows["auth_type"]["source"])
    assert results["chat"].returncode == 0, results["chat"].output
    assert results["chat"].stdout == "You said: hello\n"
    conflict = results["conflict"]  # two explicit flags that disagree: still refused
    assert conflict.returncode == 1
    assert "--config-file would be ignored" in conflict.stdout, conflict.stdout


def _readme_emulator_sample() -> list[str]:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n\$ agents-oci emulator [^\n]*\n(.*?)```", readme, re.S)
    assert block, "the README's sample `agents-oci emulator` output is missing"
    return block.group(1).splitlines()


def test_readme_sample_of_the_emulator_output_is_what_it_prints() -> None:
    # Defect 15: the README's sample lacked lines the command prints (OCI_PROJECT_ID among them).
    lines: queue.Queue[str] = queue.Queue()
    process = subprocess.Popen(command("emulator", script=True), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True,
                               env=clean_env())
    threading.Thread(target=pump, args=(process.stdout, lines), daemon=True).start()
    printed: list[str] = []
    try:
        while READY not in printed:
            printed.append(lines.get(timeout=60).rstrip("\n"))
    finally:
        process.terminate()
        process.wait(timeout=30)
    variable = {  # the parts that differ per run, as the README writes them
        "/tmp/agents-oci-emulator-abc123/config": r"\S+",
        "8080": r"\d+",
        "ocid1.generativeaiproject.oc1.us-chicago-1.amaaaaaaexample": r"ocid1\.generativeaiproject\.\S+",
    }
    sample = _readme_emulator_sample()
    assert len(sample) == len(printed), (sample, printed)
    for expected, line in zip(sample, printed, strict=True):
        pattern = re.escape(expected)
        for shown, regex in variable.items():
            pattern = pattern.replace(re.escape(shown), regex)
        assert re.fullmatch(pattern, line), (expected, line)
