"""Figures 2, 4 and 5: concurrent agent runs, wire bytes per turn, event-loop health."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any, Final

from agents import Agent, ModelSettings, RunConfig, Runner, function_tool
from emulator_process import TOOL_NAME, EmulatorProcess
from workload import RESPONSES_MODEL, Clients, Ticker, tool_agent

from agents_oci import OCIProvider

__all__ = ["measure_loop_health", "measure_throughput", "measure_wire_bytes"]

CONCURRENCY: Final = 64
WIRE_TURNS: Final = 30
WIRE_SAMPLES: Final = (1, 10, 20, 30)
REFRESH_DELAY: Final = 1.0


# --- 2. throughput ---------------------------------------------------------------


async def _wave(agent: Agent[Any], config: RunConfig, runs: int) -> None:
    async def one(i: int) -> None:
        result = Runner.run_streamed(agent, f"Use get_weather for City{i}", run_config=config)
        async for _ in result.stream_events():
            pass
        if f"City{i}" not in str(result.final_output):
            raise RuntimeError(f"unexpected answer: {result.final_output!r}")

    await asyncio.gather(*(one(i) for i in range(runs)))


async def _round(
    emu: EmulatorProcess, agent: Agent[Any], config: RunConfig, waves: int
) -> tuple[float, float]:
    """Requests per second, and CPU ms of the event-loop thread per request."""
    emu.call("reset")
    start, cpu = time.perf_counter(), time.thread_time()
    for _ in range(waves):
        await _wave(agent, config, CONCURRENCY)
    elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
    journal = emu.call("journal")
    if any(entry["status"] != 200 for entry in journal):
        raise RuntimeError("a request failed during the throughput run")
    return len(journal) / elapsed, cpu * 1e3 / len(journal)


async def measure_throughput(
    emu: EmulatorProcess, clients: Clients, rounds: int, waves: int
) -> dict[str, Any]:
    """64 concurrent ``Runner.run_streamed`` runs (tool call, then answer), requests/s.

    Rounds alternate ours/baseline in ABBA order; each round is ``waves``
    back-to-back waves of 64 concurrent runs. The client, not the emulator,
    is the bottleneck, and its event loop is where: so the loop thread's CPU
    time per request is reported too. Unlike requests/s it is not inflated
    when other processes take the CPU, so it is the steadier figure on a
    shared machine.
    """
    agent = tool_agent()
    configs = {"ours": clients.run_config("ours"), "baseline": clients.run_config("baseline")}
    for config in configs.values():  # connections open, code paths warm
        await _wave(agent, config, CONCURRENCY)
    rps: dict[str, list[float]] = {"ours": [], "baseline": []}
    cpu: dict[str, list[float]] = {"ours": [], "baseline": []}
    for r in range(rounds):
        order = ("ours", "baseline") if r % 2 == 0 else ("baseline", "ours")
        for name in order:
            per_second, cpu_ms = await _round(emu, agent, configs[name], waves)
            rps[name].append(per_second)
            cpu[name].append(cpu_ms)
    ours, base = statistics.median(rps["ours"]), statistics.median(rps["baseline"])
    ours_cpu, base_cpu = statistics.median(cpu["ours"]), statistics.median(cpu["baseline"])
    return {
        "concurrency": CONCURRENCY,
        "rounds": rounds,
        "runs_per_round": waves * CONCURRENCY,
        "ours_rps": ours,
        "baseline_rps": base,
        "ratio": ours / base,
        "ratio_per_round": [o / b for o, b in zip(rps["ours"], rps["baseline"], strict=True)],
        "ours_loop_cpu_ms_per_request": ours_cpu,
        "baseline_loop_cpu_ms_per_request": base_cpu,
        "loop_cpu_ratio": base_cpu / ours_cpu,
    }


# --- 4. wire bytes ------------------------------------------------------------------


RECORD_BYTES: Final = 1024


@function_tool(name_override=TOOL_NAME)
def lookup(item: str) -> str:
    """Look up an item of the catalogue."""
    record = {
        "item": item,
        "title": f"Catalogue entry {item}",
        "status": "in stock",
        "warehouse": "central",
        "description": "",
    }
    # A 1 KB JSON record, the size of a typical API or search result.
    missing = RECORD_BYTES - len(json.dumps(record))
    record["description"] = ("Ships within two working days. " * 40)[:missing]
    return json.dumps(record)


async def _conversation_bytes(
    emu: EmulatorProcess, provider: OCIProvider, store: bool
) -> list[dict[str, int]]:
    settings = ModelSettings() if store else ModelSettings(store=False)
    agent = Agent(
        name="researcher",
        instructions="Look up every item you are asked about, one at a time.",
        model=f"responses:{RESPONSES_MODEL}",
        tools=[lookup],
        model_settings=settings,
    )
    emu.call("reset")
    emu.call("tool_loop", turns=WIRE_TURNS)
    try:
        await Runner.run(
            agent,
            f"Look up items i0 to i{WIRE_TURNS - 2}.",
            run_config=RunConfig(model_provider=provider, tracing_disabled=True),
            max_turns=WIRE_TURNS + 5,
            auto_previous_response_id=store,
        )
    finally:
        emu.call("default_handler")
    journal = emu.call("journal")
    if len(journal) != WIRE_TURNS or any(e["status"] != 200 for e in journal):
        raise RuntimeError(f"expected {WIRE_TURNS} successful turns, got {journal}")
    return [
        {
            "body": e["body_bytes"],
            "total": e["body_bytes"] + e["header_bytes"] + e["request_line_bytes"],
        }
        for e in journal
    ]


async def measure_wire_bytes(emu: EmulatorProcess, clients: Clients) -> dict[str, Any]:
    """Bytes sent per turn of a 30-turn tool conversation on the Responses API."""
    stored = await _conversation_bytes(emu, clients.provider, store=True)
    zdr = await _conversation_bytes(emu, clients.provider, store=False)
    later = [turn["total"] for turn in stored[1:]]  # turn 1 carries the user's question
    return {
        "turns": WIRE_TURNS,
        "tool_result_bytes": RECORD_BYTES,
        "stored_total_bytes": {str(n): stored[n - 1]["total"] for n in WIRE_SAMPLES},
        "stored_body_bytes": {str(n): stored[n - 1]["body"] for n in WIRE_SAMPLES},
        "store_false_total_bytes": {str(n): zdr[n - 1]["total"] for n in WIRE_SAMPLES},
        "store_false_body_bytes": {str(n): zdr[n - 1]["body"] for n in WIRE_SAMPLES},
        "stored_turns_2_to_30_max_over_min": max(later) / min(later),
        "turn_30_ratio": zdr[-1]["total"] / stored[-1]["total"],
        "turn_30_body_ratio": zdr[-1]["body"] / stored[-1]["body"],
    }


# --- 5. event-loop health -------------------------------------------------------------


async def _stall_during(runs: int, agent: Agent[Any], config: RunConfig) -> tuple[float, float]:
    ticker = Ticker()
    start = time.perf_counter()
    with ticker.running():
        await asyncio.gather(
            *(
                Runner.run(agent, f"Use get_weather for City{i}", run_config=config)
                for i in range(runs)
            )
        )
    return ticker.longest * 1e3, time.perf_counter() - start


def _principal_provider(clients: Clients) -> tuple[OCIProvider, Any]:
    from agents_oci.testing.credentials import CredentialsKit
    from agents_oci.testing.signatures import TrustStore

    # Verification is off at the emulator: any well-formed principal will do.
    kit = CredentialsKit(trust=TrustStore(), region="us-chicago-1")
    signer = kit.instance_principal_signer(refresh_delay=REFRESH_DELAY)
    from oci.config import from_file

    # The emulator checks the compartment by value: use its tenancy, not the kit's.
    tenancy = from_file(clients.config_file)["tenancy"]
    provider = OCIProvider(
        auth_type="instance_principal",
        signer=signer,
        compartment_id=tenancy,
        base_url=clients.base_url,
    )
    kit.close()
    return provider, signer


async def _refresh_scenario(emu: EmulatorProcess, clients: Clients, runs: int) -> float:
    """``runs`` concurrent runs while OCI rejects the token once: a forced 1 s refresh."""
    provider, signer = _principal_provider(clients)
    agent = tool_agent()
    config = RunConfig(model_provider=provider, tracing_disabled=True)
    await Runner.run(agent, "Use get_weather for Warmup", run_config=config)
    emu.call("fail_next", status=401)
    before = signer.refresh_count
    stall_ms, elapsed = await _stall_during(runs, agent, config)
    await provider.aclose()
    if signer.refresh_count - before != 1 or elapsed < REFRESH_DELAY:
        raise RuntimeError("the scenario did not wait for exactly one slow refresh")
    return stall_ms


async def measure_loop_health(
    emu: EmulatorProcess, clients: Clients, repeats: int, concurrent_runs: int
) -> dict[str, Any]:
    """Longest gap of a 1 ms ticker while a 1 s signer refresh is in progress.

    A refresh is forced by one 401 (the request waits for it, the others go
    on). The longest gap of one scenario is an extreme, and another process
    taking the CPU at that moment shows up in it, so each scenario runs
    ``repeats`` times: the median of the longest gaps, and the worst.
    """
    agent = tool_agent()
    baseline = clients.run_config("baseline")
    await Runner.run(agent, "Use get_weather for Warmup", run_config=baseline)
    ours = [await _refresh_scenario(emu, clients, 1) for _ in range(repeats)]
    base = [(await _stall_during(1, agent, baseline))[0] for _ in range(repeats)]
    ours_many = [await _refresh_scenario(emu, clients, concurrent_runs) for _ in range(repeats)]
    base_many = [(await _stall_during(concurrent_runs, agent, baseline))[0] for _ in range(repeats)]
    return {
        "refresh_seconds": REFRESH_DELAY,
        "repeats": repeats,
        "concurrent_runs": concurrent_runs,
        "ours_one_run_stall_ms": statistics.median(ours),
        "ours_one_run_worst_stall_ms": max(ours),
        "baseline_one_run_stall_ms": statistics.median(base),
        "baseline_one_run_worst_stall_ms": max(base),
        "ours_concurrent_stall_ms": statistics.median(ours_many),
        "baseline_concurrent_stall_ms": statistics.median(base_many),
    }
