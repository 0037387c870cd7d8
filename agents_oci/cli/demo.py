"""``agents-oci demo``: a real agent run on OCI's wire protocol, with no OCI account.

The built-in emulator starts on 127.0.0.1 with throwaway credentials; two
agents run through ``OCIProvider`` exactly as they would against OCI: every
request is signed with the emulator's API-key profile and the emulator
verifies every signature. A triage agent hands off to a weather agent, which
calls a tool; the output is streamed as it arrives, then summarised.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import click
from agents import Agent, ModelSettings, RunConfig, Runner, function_tool
from rich.console import Console

from ..provider import OCIProvider
from ..routing import RESPONSES_PREFIX
from . import COMMANDS
from .output import err_console, out_console, progress
from .stream import text_delta

if TYPE_CHECKING:
    from ..testing import OCIEmulator

__all__ = ["demo"]

CHAT_MODEL: Final = "meta.llama-3.3-70b-instruct"
RESPONSES_MODEL: Final = "openai.gpt-5.5"
PROMPT: Final = "Please hand off to the weather agent: what is the weather in Paris?"


@function_tool
def get_weather(city: str) -> str:
    """Report the current weather in a city."""
    return f"Sunny, 21 degrees in {city}"


@click.command(short_help=COMMANDS["demo"][1])
@click.option("--responses", is_flag=True,
              help=f"Use the Responses API ({RESPONSES_MODEL}) instead of chat completions "
                   f"({CHAT_MODEL}).")
@click.option("--platform", is_flag=True,
              help="Show OCI's agent platform instead: files, a vector store, File Search in a "
                   "conversation, and compaction.")
def demo(responses: bool, platform: bool) -> int:
    """Run two agents (a handoff, a tool call) through the offline OCI emulator."""
    err = err_console()
    try:
        from ..testing import OCIEmulator
    except ImportError as exc:  # the emulator's server packages are missing
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        return 1
    model = RESPONSES_PREFIX + RESPONSES_MODEL if responses else CHAT_MODEL
    with progress(err, "Starting the OCI emulator with throwaway keys on 127.0.0.1..."):
        emu = OCIEmulator().start()
    try:
        if platform:
            from .platform_demo import run_platform

            return asyncio.run(run_platform(emu, out_console()))
        return asyncio.run(_run(emu, model, out_console()))
    finally:
        emu.close()


def build_agents(model: str) -> Agent[None]:
    """The triage agent, which hands weather questions to an agent with a tool."""
    # Usage in chat-completion streams only arrives when asked for (not api.openai.com).
    settings = ModelSettings(include_usage=True)
    weather: Agent[None] = Agent(
        name="Weather agent", instructions="Answer weather questions with get_weather.",
        handoff_description="Knows the weather anywhere.", model=model,
        tools=[get_weather], model_settings=settings,
    )
    return Agent(name="Triage agent", instructions="Hand weather questions to the weather agent.",
                 model=model, handoffs=[weather], model_settings=settings)


async def _run(emu: OCIEmulator, model: str, out: Console) -> int:
    provider = OCIProvider(
        # Every setting explicit: the user's OCI_* variables must not steer the demo.
        auth_type="api_key", config_file=emu.config_file, profile="DEFAULT",
        region=emu.region, compartment_id=emu.compartment_id, base_url=emu.base_url,
        project_id=emu.project_id,  # Responses, like OCI's agent platform, needs a project
    )
    out.print(f"OCI emulator on {emu.base_url}: every request is signed with a throwaway "
              "API key and its signature verified.", markup=False, soft_wrap=True)
    out.print(f"Model: {model}   Prompt: {PROMPT}", markup=False, soft_wrap=True)
    out.print()
    started = time.monotonic()
    run = Runner.run_streamed(build_agents(model), PROMPT, run_config=RunConfig(
        model_provider=provider, tracing_disabled=True))
    story = _Story(out)
    try:
        async for event in run.stream_events():
            story.show(event)
    finally:
        await provider.aclose()
    story.end_text()
    tokens = run.context_wrapper.usage.total_tokens
    return _summary(emu, story, tokens, time.monotonic() - started, out)


@dataclass
class _Story:
    """Prints the run as it happens: agents, handoffs, tool calls and streamed text."""

    out: Console
    handoffs: list[str] = field(default_factory=list)
    tool_results: list[str] = field(default_factory=list)
    _agent: str = ""
    _in_text: bool = False

    def show(self, event: Any) -> None:
        delta = text_delta(event)
        if delta:
            if not self._in_text:
                self._line("answer", f"{self._agent}: ", end="")
                self._in_text = True
            self.out.print(delta, end="", markup=False, soft_wrap=True)
        elif event.type == "agent_updated_stream_event":
            self._agent = event.new_agent.name
            self._line("agent", self._agent)
        elif event.type == "run_item_stream_event":
            self._item(event.name, event.item)

    def _item(self, name: str, item: Any) -> None:
        if name == "tool_called":
            raw = item.raw_item
            self._line("tool call", f"{getattr(raw, 'name', '?')}({getattr(raw, 'arguments', '')})")
        elif name == "tool_output":
            self.tool_results.append(str(item.output))
            self._line("tool result", str(item.output))
        elif name == "handoff_occured":  # sic: the SDK's spelling
            self.handoffs.append(f"{item.source_agent.name} -> {item.target_agent.name}")
            self._line("handoff", self.handoffs[-1])

    def _line(self, label: str, text: str, end: str = "\n") -> None:
        self.end_text()
        self.out.print(f"  [bold cyan]{label:>11}[/]  ", end="")
        self.out.print(text, end=end, markup=False, soft_wrap=True)

    def end_text(self) -> None:
        if self._in_text:
            self.out.print()
            self._in_text = False


def _summary(emu: OCIEmulator, story: _Story, tokens: int, took: float, out: Console) -> int:
    entries = emu.journal.entries
    verified = sum(1 for e in entries if e.principal and e.auth_error is None and e.status == 200)
    ok = bool(entries) and verified == len(entries) and story.handoffs and story.tool_results
    out.print()
    out.print(f"Summary: {len(entries)} requests sent, {verified} of {len(entries)} signatures "
              f"verified, {tokens} tokens used, {took:.1f} s.", markup=False, soft_wrap=True)
    if not ok:
        out.print("[bold red]The demo did not complete as expected.[/]")
        return 1
    out.print("[bold green]All requests were signed and verified.[/] Next: "
              "`agents-oci doctor` checks your own OCI setup; `agents-oci emulator` serves "
              "this emulator to your own programs.", soft_wrap=True)
    return 0
