"""Ray for real: a local cluster on loopback, providers pickled into tasks and actors.

A provider travels to Ray workers as its keywords only (``__reduce__``): each
worker process resolves settings, loads credentials and signs itself. The
cluster binds loopback only (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0: measured,
without it the GCS, raylets and workers listen on every interface and the
runtime-env agent on the machine's address) and reports no usage stats.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents_oci import OCIProvider
from agents_oci.testing import OCIEmulator

from .conftest import require

# Read by Ray when it is imported: set before the import.
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")

pytestmark = pytest.mark.ray
ray = require("ray", "'ray>=2.60,<3'")

MODEL = "meta.llama-3.3-70b-instruct"


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    yield
    ray.shutdown()


@ray.remote
def agent_task(provider: OCIProvider, prompt: str) -> tuple[int, str]:
    """A Ray task: run an agent with the provider it received (unpickled in this worker)."""
    from agents import Agent, RunConfig, Runner

    async def run() -> str:
        try:
            result = await Runner.run(Agent(name="a", model=MODEL), prompt, run_config=RunConfig(model_provider=provider))
            return str(result.final_output)
        finally:
            await provider.aclose()

    return os.getpid(), asyncio.run(run())


@ray.remote
class AgentActor:
    """An async actor: one provider, many concurrent runs on the actor's event loop."""

    def __init__(self, provider: OCIProvider) -> None:
        self.provider = provider

    async def run(self, prompt: str) -> str:
        from agents import Agent, RunConfig, Runner

        result = await Runner.run(Agent(name="a", model=MODEL), prompt, run_config=RunConfig(model_provider=self.provider))
        return str(result.final_output)

    def pid(self) -> int:
        return os.getpid()


def provider_for(emu: OCIEmulator, profile: str = "DEFAULT") -> OCIProvider:
    return OCIProvider(config_file=emu.config_file, profile=profile, base_url=emu.base_url)


def test_tasks_receive_a_pickled_provider(cluster: None, emu: OCIEmulator) -> None:
    provider = provider_for(emu)
    results = ray.get([agent_task.remote(provider, f"task {i}") for i in range(8)])
    assert [output for _, output in results] == [f"You said: task {i}" for i in range(8)]
    assert len({pid for pid, _ in results} - {os.getpid()}) >= 1  # ran in worker processes
    entries = emu.journal.entries
    assert len(entries) == 8 and all(e.principal and e.principal.startswith("api_key:") for e in entries)


def test_an_async_actor_serves_200_concurrent_runs(cluster: None, emu: OCIEmulator) -> None:
    actor = AgentActor.options(max_concurrency=200).remote(provider_for(emu))
    emu.faults.set_latency(first_byte=0.2)  # every run is in flight at once
    try:
        outputs = ray.get([actor.run.remote(f"run {i}") for i in range(200)], timeout=120)
    finally:
        emu.faults.clear()
    assert outputs == [f"You said: run {i}" for i in range(200)]
    assert len(emu.journal.entries) == 200 and all(e.status == 200 for e in emu.journal.entries)
    ray.kill(actor)


def test_each_worker_refreshes_after_a_rotation(cluster: None, emu: OCIEmulator) -> None:
    provider = provider_for(emu, "SESSION")
    actors = [AgentActor.remote(provider) for _ in range(2)]
    assert len(set(ray.get([a.pid.remote() for a in actors]))) == 2  # two worker processes
    assert ray.get([a.run.remote("before") for a in actors]) == ["You said: before"] * 2
    emu.credentials.revoke_tokens()  # OCI no longer accepts the old token...
    emu.credentials.rotate_session_token()  # ...and `oci session refresh` wrote a new one
    emu.reset()
    assert ray.get([a.run.remote("after") for a in actors]) == ["You said: after"] * 2
    # Each worker met the 401 once, re-read the token file itself, and retried.
    assert Counter(e.status for e in emu.journal.entries) == {401: 2, 200: 2}
    for actor in actors:
        ray.kill(actor)


def secrets(emu: OCIEmulator) -> list[str]:
    """Texts that must never leave the process that read them."""
    found = [emu.credentials.session_token]
    for profile in ("DEFAULT", "SESSION", "ENCRYPTED"):
        values = emu.credentials.config(profile)
        key = Path(values["key_file"]).read_text()
        found += [line for line in key.splitlines() if line and not line.startswith("-----")][:3]
        if values.get("pass_phrase"):
            found.append(values["pass_phrase"])
    return found


def test_nothing_secret_goes_into_the_object_store(cluster: None, emu: OCIEmulator) -> None:
    from ray import cloudpickle

    for profile in ("DEFAULT", "SESSION", "ENCRYPTED"):
        provider = provider_for(emu, profile)
        blob = cloudpickle.dumps(provider)  # what ray.put stores, and what a task argument carries
        for secret in secrets(emu):
            assert secret.encode() not in blob, profile
        restored: Any = ray.get(ray.put(provider))
        assert isinstance(restored, OCIProvider)
