"""``agents-oci chat MODEL PROMPT``: one agent run against real OCI, tokens streamed to stdout.

A quick manual check with the user's own settings: the same connection flags
as ``doctor``, one ``Agent`` with ``OCIProvider``, and on failure the same
diagnosis as ``doctor --live``. Only the command's flags live here: the run
itself (:mod:`.chat_run`) imports the Agents SDK, which ``chat --help`` must
not pay for (about 2.4 s).
"""

from __future__ import annotations

import click

from ..errors import InvalidModelNameError
from ..routing import RESPONSES_PREFIX, route
from . import COMMANDS
from .options import (
    check_native_format,
    connection_flags,
    connection_options,
    native_format_option,
)
from .wording import for_cli

__all__ = ["chat"]


@click.command(short_help=COMMANDS["chat"][1])
@click.argument("model")
@click.argument("prompt")
@click.option("--responses", is_flag=True,
              help="Use the Responses API (the same as MODEL written responses:NAME).")
@click.option("--no-stream", is_flag=True, help="Print the answer once it is complete.")
@click.option("--instructions", default="Be concise.", show_default=True,
              help="The agent's instructions (system prompt).")
@native_format_option
@connection_options
def chat(model: str, prompt: str, responses: bool, no_stream: bool, instructions: str,
         native_api_format: str | None, **connection: str | None) -> int:
    """Send PROMPT to MODEL on OCI Generative AI and print the answer as it streams."""
    if responses and not model.startswith(RESPONSES_PREFIX):
        model = RESPONSES_PREFIX + model
    try:
        route(model)  # as OCIProvider routes it
    except InvalidModelNameError as exc:  # refused before any request
        extra = " (--responses adds the responses: prefix: drop --responses)" if responses else ""
        raise click.UsageError(f"{for_cli(str(exc))}{extra}") from None
    check_native_format(model, native_api_format)
    from .chat_run import run_chat  # the Agents SDK: imported only to run

    return run_chat(model, prompt, connection_flags(connection), stream=not no_stream,
                    instructions=instructions, native_api_format=native_api_format)
