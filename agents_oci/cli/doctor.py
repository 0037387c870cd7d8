"""``agents-oci doctor``: every setting with its source, and what is wrong with the setup.

The settings are resolved with :func:`agents_oci.config.resolve.resolve` and the
arguments ``OCIConnection`` passes it, so the doctor sees what a model built
with the same keywords would see; the credentials are loaded with the same
calls. Exit status: 0 when no check failed, 1 otherwise.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any

import click
from rich.console import Console

from ..auth.credentials import InsecureKeyFileWarning
from ..config.settings import Settings
from ..connection import ConnectionOptions, resolve_connection
from ..errors import OCIConfigurationError
from . import COMMANDS
from .credential_checks import credential_checks
from .options import (
    check_native_format,
    connection_flags,
    connection_options,
    native_format_option,
)
from .output import err_console, out_console, progress
from .report import Check, Report, render_json, render_text
from .settings_checks import (
    STAGES,
    auth_check,
    compartment_check,
    config_file_check,
    failure_check,
    profile_check,
    project_check,
    region_check,
    setting_rows,
    tracing_check,
)

__all__ = ["doctor", "examine", "resolve_as_models_do"]


@click.command(short_help=COMMANDS["doctor"][1])
@connection_options
@click.option("--live", "live_model", metavar="MODEL",
              help="Also send one tiny signed request to MODEL (responses:NAME for the "
                   "Responses API) and diagnose the answer.")
@native_format_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor(live_model: str | None, as_json: bool, native_api_format: str | None,
           **connection: str | None) -> int:
    """Check your OCI setup: settings and their sources, key, token, region, tracing.

    Exits 0 when every check passes (warnings allowed) and 1 otherwise.
    Secrets (pass phrases, keys, tokens) are never printed.
    """
    check_native_format(live_model, native_api_format)
    report = examine(connection_flags(connection), live_model, os.environ, err_console(),
                     native_api_format=native_api_format)
    if as_json:
        click.echo(render_json(report))
    else:
        render_text(report, out_console())
    return 0 if report.ok else 1


def resolve_as_models_do(options: ConnectionOptions) -> tuple[Settings, Any | None]:
    """Resolve exactly as the models do: the same function they call."""
    return resolve_connection(options)


def examine(
    options: ConnectionOptions,
    live_model: str | None,
    environ: Mapping[str, str],
    console: Console,
    *,
    native_api_format: str | None = None,
) -> Report:
    """Run every check; the live request only when nothing failed before it."""
    report = Report()
    with progress(console, "Checking the OCI setup..."), warnings.catch_warnings():
        # The private key check reports a shared key file as its own WARN line;
        # the library's warning would repeat it raw, with an internal path.
        warnings.simplefilter("ignore", InsecureKeyFileWarning)
        try:
            settings, signer = resolve_as_models_do(options)
        except OCIConfigurationError as exc:
            _unresolved(report, failure_check(exc), environ, live_model)
            return report
        report.settings = setting_rows(settings)
        report.add([config_file_check(settings), profile_check(settings), auth_check(settings)])
        report.add(credential_checks(settings, signer))
        report.add([region_check(settings), compartment_check(settings),
                    project_check(settings), tracing_check(environ)])
    if live_model is not None:
        report.add([_live(options, settings, live_model, report, console, native_api_format)])
    return report


def _unresolved(
    report: Report, failed: Check, environ: Mapping[str, str], live_model: str | None
) -> None:
    """The settings did not resolve: that failure, the other checks skipped, tracing."""
    reason = "not checked: the settings did not resolve"
    names = STAGES if failed.name in STAGES else (failed.name, *STAGES)
    report.add([failed if name == failed.name else Check(name, "skip", reason) for name in names])
    report.add([tracing_check(environ)])
    if live_model is not None:
        report.add([Check("live request", "skip", reason)])


def _live(
    options: ConnectionOptions, settings: Settings, model: str, report: Report, console: Console,
    native_api_format: str | None,
) -> Check:
    if not report.ok:
        return Check("live request", "skip", "not sent: fix the failed checks above first")
    from .live import live_check  # openai and the models: only for a live request

    with progress(console, f"Sending one request to {model}..."):
        return live_check(options, settings, model, native_api_format=native_api_format)
