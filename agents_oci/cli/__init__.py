"""The ``agents-oci`` command (also ``python -m agents_oci``).

``demo`` runs a real agent through the offline emulator, ``doctor`` explains
a setup, ``chat`` sends one prompt to a real model, ``emulator`` serves the
emulator for your own programs. The runtime package never imports this one::

    $ agents-oci demo
    $ agents-oci doctor --profile MY_PROFILE --live meta.llama-3.3-70b-instruct
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Final

import click

from .. import __version__

__all__ = ["COMMANDS", "cli", "main"]

COMMANDS: Final = {
    "demo": ("demo", "Run agents with a tool call and a handoff on the offline emulator."),
    "doctor": ("doctor", "Check your OCI setup and explain what is wrong."),
    "chat": ("chat", "Send one prompt to a model on OCI and stream the answer."),
    "emulator": ("emulator_cmd", "Serve the offline OCI emulator to your own programs."),
}
"""Command name -> (module of this package, one-line help).

Commands are imported when run, not listed: `--help` and `--version` then
cost click alone (the Agents SDK and openai take seconds to import).
"""


class _LazyGroup(click.Group):
    """A group whose commands are imported only when one of them runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f".{COMMANDS[cmd_name][0]}", __name__)
        command = getattr(module, cmd_name)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agents-oci")
def cli() -> None:
    """Run OpenAI Agents SDK agents on OCI Generative AI.

    Start with `agents-oci demo` (no OCI account needed); when your own
    setup fails, run `agents-oci doctor`.
    """


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None,
                          prog_name="agents-oci", standalone_mode=False)
    except click.ClickException as exc:  # bad usage: click's own message, status 2
        exc.show()
        return exc.exit_code
    except click.Abort:  # Ctrl-C
        click.echo("Aborted.", err=True)
        return 130
    return result if isinstance(result, int) else 0
