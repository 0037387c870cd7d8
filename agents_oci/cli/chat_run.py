"""The run behind ``agents-oci chat``: the provider from the flags, one agent, the answer.

Tracing is off for the run: a one-line check should not upload the prompt to
OpenAI.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any, cast

import click
from agents import Agent, RunConfig, Runner
from rich.console import Console

from ..auth.credentials import InsecureKeyFileWarning
from ..connection import DEFAULT_REQUEST_TIMEOUT, ConnectionOptions
from ..errors import OCIConfigurationError
from ..provider import OCIProvider
from ..service_errors import ErrorContext
from .explain import Diagnosis, diagnose, error_context
from .output import Waiting, err_console
from .stream import text_delta
from .wording import for_cli

__all__ = ["run_chat", "show_failure"]


def run_chat(model: str, prompt: str, options: ConnectionOptions, *, stream: bool,
             instructions: str, native_api_format: str | None = None) -> int:
    """Build the provider from the flags, run one agent on ``prompt``; the exit status."""
    err = err_console()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InsecureKeyFileWarning)
            # The provider itself, built from the flags as from keywords: it routes
            # the model name (chat, Responses, OCI's native API) as in a program.
            provider = OCIProvider(**options.keywords(), request_timeout=DEFAULT_REQUEST_TIMEOUT,
                                   native_api_format=cast(Any, native_api_format))
    except OCIConfigurationError as exc:
        show_failure(err, diagnose(exc, ErrorContext(), ""))
        return 1
    finally:
        _show_warnings(err, caught)
    agent = Agent(name="assistant", instructions=instructions, model=model)
    return asyncio.run(_run(provider, agent, prompt, stream=stream, err=err))


def _show_warnings(err: Console, caught: list[warnings.WarningMessage]) -> None:
    """A shared key file as one ``warning:`` line (not Python's traceback-like form)."""
    for found in caught:
        if issubclass(found.category, InsecureKeyFileWarning):
            err.print(f"warning: {for_cli(str(found.message))}", markup=False, soft_wrap=True)
        else:
            warnings.showwarning(found.message, found.category, found.filename, found.lineno)


def show_failure(err: Console, found: Diagnosis | None) -> None:
    """``error:`` and ``fix:`` lines, then where to look further."""
    if found is not None:
        err.print(f"error: {for_cli(found.detail)}", markup=False, soft_wrap=True)
        if found.fix:
            err.print(f"fix: {for_cli(found.fix)}", markup=False, soft_wrap=True)
    err.print("Run `agents-oci doctor` with the same flags for a full diagnosis.",
              markup=False, soft_wrap=True)


class _SaidByUs(logging.Filter):
    """Drops the Agents SDK's "Error getting/streaming response" line: ``error:`` says more."""

    def filter(self, record: logging.LogRecord) -> bool:
        said = record.getMessage()  # the SDK logs "%s" with the words as an argument
        return not said.startswith(("Error getting response", "Error streaming response"))


async def _run(provider: OCIProvider, agent: Agent[None], prompt: str, *, stream: bool,
               err: Console) -> int:
    config = RunConfig(model_provider=provider, tracing_disabled=True)
    logging.getLogger("openai.agents").addFilter(_SaidByUs())  # a one-shot command
    model = str(agent.model)
    settings = provider._connection.settings if provider._connection else None  # built from flags
    try:
        with Waiting(err, f"Waiting for {model}...") as waiting:
            if stream:
                await _stream(agent, prompt, config, waiting)
            else:
                result = await Runner.run(agent, prompt, run_config=config)
                waiting.stop()
                click.echo(str(result.final_output))
    except Exception as exc:
        assert settings is not None
        found = diagnose(exc, error_context(settings, model), settings.base_url.value)
        if found is None:
            raise
        show_failure(err, found)
        return 1
    finally:
        await provider.aclose()
    return 0


async def _stream(agent: Agent[None], prompt: str, config: RunConfig, waiting: Waiting) -> None:
    result = Runner.run_streamed(agent, prompt, run_config=config)
    async for event in result.stream_events():
        delta = text_delta(event)
        if delta:
            waiting.stop()
            click.echo(delta, nl=False)
    click.echo()
