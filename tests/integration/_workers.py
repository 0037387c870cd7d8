"""Functions run in worker processes (importable by name, as spawn requires)."""

from __future__ import annotations

import asyncio
from typing import Any

from agents import Agent, RunConfig, Runner

from agents_oci import OCIProvider

MODEL = "meta.llama-3.3-70b-instruct"
_provider: OCIProvider | None = None


def run_with(provider: OCIProvider, prompt: str) -> dict[str, Any]:
    """A whole agent run in this process, with a provider that was pickled to it."""
    result = asyncio.run(_run(provider, prompt))
    return {"output": result}


async def _run(provider: OCIProvider, prompt: str) -> str:
    agent = Agent(name="worker", model=MODEL)
    result = await Runner.run(agent, prompt, run_config=RunConfig(model_provider=provider))
    await provider.aclose()
    return str(result.final_output)


def init_worker(config_file: str, base_url: str) -> None:
    """The worker-style pattern: each worker builds its own provider once."""
    global _provider
    _provider = OCIProvider(config_file=config_file, base_url=base_url, default_model=MODEL)


def run_in_worker(prompt: str) -> str:
    assert _provider is not None, "init_worker did not run"
    agent = Agent(name="worker")  # no model: the provider's default_model
    result = Runner.run_sync(agent, prompt, run_config=RunConfig(model_provider=_provider))
    return str(result.final_output)
