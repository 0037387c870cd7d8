"""In-process tests of the CLI's parts that no subprocess test reaches cheaply."""

from __future__ import annotations

import io

import openai
from rich.console import Console

from agents_oci.cli.credential_checks import credential_checks, key_fingerprint
from agents_oci.cli.explain import diagnose
from agents_oci.cli.output import Waiting, progress
from agents_oci.cli.report import Check, Report, render_text
from agents_oci.cli.wording import for_cli
from agents_oci.config.resolve import resolve
from agents_oci.http.library import http_library
from agents_oci.service_errors import ErrorContext
from agents_oci.testing import OCIEmulator
from agents_oci.testing.tokens import fingerprint, new_rsa_key


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=100), buffer


def test_spinners_only_on_a_terminal() -> None:
    for terminal in (True, False):
        out, buffer = console(terminal)
        with progress(out, "Working hard"):
            pass
        with Waiting(out, "Waiting long") as waiting:
            waiting.stop()
            waiting.stop()  # idempotent
        shown = buffer.getvalue()
        assert ("Working hard" in shown and "Waiting long" in shown) is terminal, shown
        assert (shown == "") is not terminal


def test_fingerprint_is_ocis() -> None:
    key = new_rsa_key()
    assert key_fingerprint(key) == fingerprint(key.public_key())


def test_skipped_checks_share_a_line_and_only_failures_fail() -> None:
    report = Report(checks=[
        Check("config file", "fail", "missing", "create it"),
        Check("profile", "skip", "not checked"),
        Check("region", "skip", "not checked"),
        Check("tracing", "warn", "uploads traces"),
    ])
    out, buffer = console(False)
    render_text(report, out)
    text = buffer.getvalue()
    assert "SKIP profile, region: not checked" in text
    assert "fix: create it" in text and "1 check(s) failed." in text
    assert not report.ok
    assert Report(checks=[Check("tracing", "warn", "uploads traces")]).ok


def test_principal_credentials_are_obtained_from_the_signer(emu: OCIEmulator) -> None:
    settings = resolve(auth_type="instance_principal", compartment_id=emu.compartment_id,
                       region=emu.region, environ={})
    checks = credential_checks(settings, emu.credentials.instance_principal_signer())
    assert [(c.name, c.status) for c in checks] == [("credentials", "pass")]
    assert "instance_principal token obtained, valid until" in checks[0].detail


def test_for_cli_renames_keywords_but_not_quoted_paths_or_apostrophes() -> None:
    # Defect 9: one message, two renderings; a user's path that happens to
    # contain `profile=` is the user's, not a keyword.
    said = for_cli("Config file '/tmp/a profile=x/config' is unreadable. Fix: pass "
                   "config_file='/tmp/c' or set OCI_CLI_CONFIG_FILE (source: argument config_file).")
    assert said == ("Config file '/tmp/a profile=x/config' is unreadable. Fix: pass "
                    "--config-file /tmp/c or set OCI_CLI_CONFIG_FILE (source: flag --config-file).")
    assert for_cli("The profile's key_file: pass profile='OTHER'.") == (
        "The profile's key_file: pass --profile OTHER.")
    assert for_cli("set api_key= (argument api_key)") == (
        "set OCI_GENAI_API_KEY (environment OCI_GENAI_API_KEY)")


def test_ocis_own_message_is_quoted_and_left_alone_on_the_command_line() -> None:
    library = http_library()
    request = library.Request("POST", "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/x")
    for status, code in ((400, "InvalidParameter"), (418, "Teapot")):  # a rule's kind, and none
        body = {"code": code, "message": "Unknown value region=us-nowhere-1 in the request."}
        response = library.Response(status, json=body, request=request)
        exc = openai.APIStatusError(f"Error code: {status}", response=response, body=body)
        found = diagnose(exc, ErrorContext(model="m", region="us-chicago-1"), "https://x")
        assert found is not None
        shown = for_cli(found.detail)
        assert "'Unknown value region=us-nowhere-1 in the request.'" in shown, shown
        assert "--region" not in shown
