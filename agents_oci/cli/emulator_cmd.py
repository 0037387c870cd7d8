"""``agents-oci emulator``: the offline OCI emulator, served for your own programs.

Prints the environment that points an unmodified OCI program at it (config
file and profile) and the base URL to pass, logs each request with the
verified principal or why its signature was refused, and runs until Ctrl-C or
SIGTERM. The throwaway credentials are deleted on exit.
"""

from __future__ import annotations

import shlex
import signal
import threading
from typing import TYPE_CHECKING, Final

import click
from rich.console import Console

from ..config.precedence import PRECEDENCE
from . import COMMANDS
from .output import err_console, progress

if TYPE_CHECKING:
    from ..testing import OCIEmulator

__all__ = ["READY", "base_url_variables", "emulator"]

_POLL: Final = 0.2
"""Seconds between looks at the journal for new requests to log."""
READY: Final = "# serving until Ctrl-C or SIGTERM"
"""The last line printed on stdout: everything above it is the environment to use."""


@click.command(short_help=COMMANDS["emulator"][1])
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--zdr", is_flag=True,
              help="Behave as a zero-data-retention tenancy (no stored Responses state).")
@click.option("--require-project", is_flag=True,
              help="Refuse every request without an OpenAI-Project header (by default only "
                   "the agent-platform routes, Responses and the like, need one).")
def emulator(port: int, zdr: bool, require_project: bool) -> int:
    """Serve the OCI Generative AI emulator on 127.0.0.1 until interrupted."""
    err = err_console()
    try:
        from ..testing import OCIEmulator
        from .serve import LoopbackServer
    except ImportError as exc:  # the emulator's server packages are missing
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        return 1
    emu = OCIEmulator(zdr=zdr, require_project=True if require_project else None)
    try:
        server = LoopbackServer(emu.app, port)
    except OSError as exc:
        emu.close()
        err.print(f"error: cannot listen on 127.0.0.1:{port} ({exc.strerror})", markup=False)
        return 1
    try:
        with progress(err, "Starting the OCI emulator..."):
            server.start()
        _announce(emu, f"{server.url}/openai/v1", require_project, err)
        _serve_until_stopped(emu, err)
    finally:
        server.stop()
        emu.close()
    err.print("Emulator stopped; its throwaway credentials are deleted.")
    return 0


def base_url_variables() -> list[str]:
    """The environment variables that set ``base_url``, read from the precedence table."""
    row = next(row for row in PRECEDENCE if row.setting == "base_url")
    return [s.name for s in row.sources if s.kind == "environment" and s.name]


def _announce(emu: OCIEmulator, base_url: str, require_project: bool, err: Console) -> None:
    """The shell lines for stdout (each a comment or an export); the rest to stderr."""
    lines = [
        f"# OCI emulator (region {emu.region}) serving {base_url}",
        "# profiles: DEFAULT (API key), SESSION (session token), ENCRYPTED (passphrase key)",
        f"export OCI_CLI_CONFIG_FILE={shlex.quote(emu.config_file)}",
        "export OCI_CLI_PROFILE=DEFAULT",
        # The emulator's project: the only one it knows (others get OCI's 404).
        f"export OCI_PROJECT_ID={emu.project_id}",
    ]
    variables = base_url_variables()
    if variables:
        lines.append(f"export {variables[0]}={shlex.quote(base_url)}")
    else:  # no variable selects the endpoint: the program must pass it
        lines.append(f'# pass the endpoint: OCIProvider(base_url="{base_url}")')
    lines.append(READY)
    for line in lines:
        click.echo(line)
    err.print("Press Ctrl-C to stop.")


def _serve_until_stopped(emu: OCIEmulator, err: Console) -> None:
    """Log requests until Ctrl-C (KeyboardInterrupt) or SIGTERM."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    logged = 0
    try:
        while not stop.wait(_POLL):
            logged = _log_requests(emu, logged, err)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        _log_requests(emu, logged, err)


def _log_requests(emu: OCIEmulator, logged: int, err: Console) -> int:
    """Print the requests answered since the last call; returns how many are printed in all."""
    for entry in emu.journal.entries[logged:]:
        if entry.status is None:  # still in flight: print it next time, in order
            break
        if entry.principal:
            who = f"signed by {entry.principal}"
        else:
            who = f"signature refused: {entry.auth_error or 'not signed'}"
        fault = f" ({entry.fault})" if entry.fault else ""
        err.print(f"{entry.method} {entry.target} -> {entry.status}{fault}, {who}",
                  markup=False, soft_wrap=True)
        logged += 1
    return logged
