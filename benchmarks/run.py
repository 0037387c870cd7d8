"""The transport benchmark: our signed client against an unsigned baseline.

    python benchmarks/run.py [--quick] [--json PATH]

Starts the OCI emulator in its own process on 127.0.0.1 (signature checks
off, zero latency, so both clients cost the server the same), then measures
in this process, in one run:

1. per-request latency (p50/p95) of sequential 4 KB chat completions, ours vs
   the baseline, against the signature floor (RSA-2048 + SHA-256, timed here
   in a tight loop) and against the baseline doing that same work, with the
   same headers, in a request hook (the signature's cost in place);
2. requests/s of 64 concurrent streamed agent runs (tool call, then answer),
   and the event loop's CPU time per request (steadier on a busy machine);
3. time to first token of a streamed chat completion;
4. wire bytes per turn of a 30-turn tool conversation on Responses, stored
   state vs ``store=False``;
5. the longest stall of a 1 ms ticker while a signer refresh takes 1 s;
6. import time over ``import agents``, resident memory of 100 agents, and the
   wall time of ``agents-oci --help`` (start-up of the command).

Prints a table and writes every figure, plus the machine, to a JSON file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

import agent_runs
import cost
import latency
from agents import set_tracing_disabled
from emulator_process import EmulatorProcess
from report import Target, machine, render, targets
from workload import Clients

DEFAULT_JSON = "benchmark-results.json"


@dataclass(frozen=True)
class Plan:
    """How much of everything to do."""

    floor_iterations: int
    latency_iterations: int
    ttft_iterations: int
    warmup: int
    throughput_rounds: int
    throughput_waves: int
    stall_repeats: int
    concurrent_runs: int
    import_samples: int
    memory_agents: int


QUICK = Plan(200, 60, 40, 10, 2, 1, 3, 16, 3, 100)
FULL = Plan(5000, 2000, 1000, 100, 12, 2, 5, 16, 10, 100)


async def _client_figures(emu: EmulatorProcess, plan: Plan) -> dict[str, Any]:
    clients = Clients(base_url=emu.base_url, config_file=emu.config_file, bearer_key=emu.bearer_key)
    figures: dict[str, Any] = {}
    try:
        figures["floor"] = latency.measure_floor(clients, plan.floor_iterations)
        figures["per_request"] = await latency.measure_latency(
            emu, clients, plan.latency_iterations, plan.warmup
        )
        figures["floor_after"] = latency.measure_floor(clients, plan.floor_iterations)
        figures["ttft"] = await latency.measure_ttft(
            emu, clients, plan.ttft_iterations, plan.warmup
        )
        figures["throughput"] = await agent_runs.measure_throughput(
            emu, clients, plan.throughput_rounds, plan.throughput_waves
        )
        figures["wire_bytes"] = await agent_runs.measure_wire_bytes(emu, clients)
        figures["loop_health"] = await agent_runs.measure_loop_health(
            emu, clients, plan.stall_repeats, plan.concurrent_runs
        )
    finally:
        await clients.aclose()
    return figures


def _derive(figures: dict[str, Any]) -> None:
    """The differences and multiples the targets are stated in."""
    floor = (figures["floor"]["p50_ms"] + figures["floor_after"]["p50_ms"]) / 2
    figures["floor_ms"] = floor
    per = figures["per_request"]
    c = per["clients"]
    per["overhead_p50_ms"] = c["ours"]["p50_ms"] - c["baseline"]["p50_ms"]
    per["overhead_p95_ms"] = c["ours"]["p95_ms"] - c["baseline"]["p95_ms"]
    per["overhead_x_floor"] = per["overhead_p50_ms"] / floor
    per["signature_in_place_ms"] = c["baseline_plus_signature"]["p50_ms"] - c["baseline"]["p50_ms"]
    per["ours_beyond_signature_ms"] = c["ours"]["p50_ms"] - c["baseline_plus_signature"]["p50_ms"]
    ttft = figures["ttft"]
    ttft["overhead_p50_ms"] = (
        ttft["clients"]["ours"]["p50_ms"] - ttft["clients"]["baseline"]["p50_ms"]
    )


def _pin(enabled: bool) -> int | None:
    """Give the emulator a CPU of its own: the last one (Linux, 2+ CPUs).

    The client keeps every CPU, as a client machine would; the emulator
    needs under a tenth of its CPU here, so it rarely disturbs the client.
    """
    if not enabled or not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return cpus[-1] if len(cpus) >= 2 else None


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="few iterations (CI); well under a minute"
    )
    parser.add_argument(
        "--json",
        default=DEFAULT_JSON,
        metavar="PATH",
        help=f"where to write the figures (default {DEFAULT_JSON})",
    )
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="do not pin the emulator to a CPU of its own",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    plan = QUICK if args.quick else FULL
    set_tracing_disabled(True)  # both clients alike; no export attempts in the figures
    started = time.time()
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    host = machine()
    server_cpu = _pin(args.pin)
    with EmulatorProcess(cpu=server_cpu) as emu:
        figures = asyncio.run(_client_figures(emu, plan))
        figures["memory"] = cost.measure_memory(emu.base_url, emu.config_file, plan.memory_agents)
        figures["cli"] = cost.measure_cli_help(plan.import_samples, emu.config_file)
    figures["imports"] = cost.measure_imports(plan.import_samples)
    _derive(figures)
    checked: list[Target] = targets(figures)
    given = argv if argv is not None else sys.argv[1:]
    result = {
        "mode": "quick" if args.quick else "full",
        "command": " ".join(["python", "benchmarks/run.py", *given]),
        "machine": host,
        "plan": asdict(plan),
        "server_cpu": server_cpu,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "duration_seconds": time.time() - started,
        "figures": figures,
        "targets": [asdict(t) for t in checked],
    }
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
        handle.write("\n")
    print(render(result, checked))
    print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
