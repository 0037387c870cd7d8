"""A Temporal workflow running an agent whose model calls go through OCIProvider.

Imported by the tests and by worker subprocesses under the same module name
(``engines.temporal_app``): Temporal's workflow sandbox re-imports the
workflow's module by name. ``python -c 'from engines.temporal_app import
main; main()' ADDRESS TASK_QUEUE BASE_URL CONFIG_FILE`` runs a worker.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner
    from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
    from temporalio.openai_agents.workflow import activity_as_tool

MARKERS_ENV = "AGENTS_OCI_TEMPORAL_MARKERS"


@activity.defn
async def lookup_order(order: str) -> str:
    """Look up an order's status."""
    info = activity.info()
    markers = Path(os.environ[MARKERS_ENV])
    (markers / f"attempt-{info.attempt}-pid-{os.getpid()}").touch()
    if info.attempt == 1 and (markers / "hold-first-attempt").exists():
        # The worker running this is killed here; heartbeats stop, so Temporal
        # retries the activity on another worker after the heartbeat timeout.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            activity.heartbeat()
            await asyncio.sleep(0.1)
    return f"order {order}: shipped"


@workflow.defn
class OrderWorkflow:
    @workflow.run
    async def run(self, model: str, prompt: str) -> str:
        tool = activity_as_tool(
            lookup_order,
            start_to_close_timeout=timedelta(seconds=90),
            heartbeat_timeout=timedelta(seconds=1),
        )
        agent = Agent(name="orders", model=model, instructions="Answer with the tool.", tools=[tool])
        result = await Runner.run(agent, prompt)
        return str(result.final_output)


def plugin(base_url: str, config_file: str) -> OpenAIAgentsPlugin:
    """The SDK's Temporal plugin with an OCIProvider; client retries off, as Temporal advises."""
    from agents_oci import OCIProvider

    provider = OCIProvider(
        config_file=config_file, profile="DEFAULT", base_url=base_url, max_retries=0
    )
    params = ModelActivityParameters(start_to_close_timeout=timedelta(seconds=30))
    return OpenAIAgentsPlugin(model_params=params, model_provider=provider)


async def run_worker(address: str, task_queue: str, base_url: str, config_file: str) -> None:
    from temporalio.client import Client
    from temporalio.worker import Worker

    client = await Client.connect(address, plugins=[plugin(base_url, config_file)])
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[OrderWorkflow],
        activities=[lookup_order],
        # Hand a killed worker's workflow to another one quickly.
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=1),
    )
    print("worker ready", flush=True)
    await worker.run()


def main() -> None:
    address, task_queue, base_url, config_file = sys.argv[1:5]
    asyncio.run(run_worker(address, task_queue, base_url, config_file))
