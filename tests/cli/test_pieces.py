"""In-process tests of the CLI's parts that no subprocess test reaches cheaply."""

from __future__ import annotations

import io

from rich.console import Console

from agents_oci.cli.credential_checks import credential_checks, key_fingerprint
from agents_oci.cli.output import Waiting, progress
from agents_oci.cli.report import Check, Report, render_text
from agents_oci.config.resolve import resolve
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
