"""The ``agents-oci`` command (also ``python -m agents_oci``).

``demo`` runs a real agent through the offline emulator, ``doctor`` explains
a setup, ``chat`` sends one prompt to a real model, ``emulator`` serves the
emulator for your own programs. The runtime package never imports this one::

    $ agents-oci demo
    $ agents-oci doctor --profile MY_PROFILE --live meta.llama-3.3-70b-instruct
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from .. import __version__
from .chat import chat
from .demo import demo
from .doctor import doctor
from .emulator_cmd import emulator

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agents-oci")
def cli() -> None:
    """Run OpenAI Agents SDK agents on OCI Generative AI.

    Start with `agents-oci demo` (no OCI account needed); when your own
    setup fails, run `agents-oci doctor`.
    """


for _command in (demo, doctor, chat, emulator):
    cli.add_command(_command)


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
