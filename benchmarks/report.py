"""The machine the figures come from, the targets of issue 5, and the table."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Final

__all__ = ["Target", "machine", "render", "targets"]

_PACKAGES: Final = (
    "openai-agents-oci",
    "openai-agents",
    "openai",
    "httpx2",
    "httpx",
    "cryptography",
    "oci",
    "uvicorn",
    "starlette",
)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    """CPU, cores, OS, Python and the versions of everything on the request path."""
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cpus_available": affinity,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "packages": {name: _version(name) for name in _PACKAGES},
    }


@dataclass(frozen=True)
class Target:
    """One target of the issue, checked against a figure."""

    name: str
    value: float
    unit: str
    goal: str
    met: bool


def targets(f: dict[str, Any]) -> list[Target]:
    """Each target of the issue, checked against the figures."""
    per, wire, loop = f["per_request"], f["wire_bytes"], f["loop_health"]
    stall = loop["ours_one_run_stall_ms"]
    flat = wire["stored_turns_2_to_30_max_over_min"]
    imports = f["imports"]["import_agents_oci_over_agents_ms"]
    help_ms = f["cli"]["help_wall_ms"]
    doctor_ms = f["cli"]["doctor_offline_wall_ms"]
    return [
        Target(
            "per-request overhead, p50",
            per["overhead_x_floor"],
            "x floor",
            "<= 1.5",
            per["overhead_x_floor"] <= 1.5,
        ),
        Target(
            "throughput, 64 streamed runs",
            f["throughput"]["ratio"],
            "x baseline",
            ">= 0.9",
            f["throughput"]["ratio"] >= 0.9,
        ),
        Target(
            "time to first token overhead",
            f["ttft"]["overhead_p50_ms"],
            "ms",
            "< 1",
            f["ttft"]["overhead_p50_ms"] < 1.0,
        ),
        Target("stored state: turn 2..30 max/min", flat, "x", "<= 1.1 (flat)", flat <= 1.1),
        Target(
            "stored state: turn 30 vs store=False",
            wire["turn_30_ratio"],
            "x fewer bytes",
            ">= 10",
            wire["turn_30_ratio"] >= 10,
        ),
        Target("longest loop stall, 1 s refresh", stall, "ms", "< 20", stall < 20.0),
        Target("import agents_oci over agents", imports, "ms", "< 100", imports < 100.0),
        Target("agents-oci --help, wall", help_ms, "ms", "< 500", help_ms < 500.0),
        Target("agents-oci doctor (offline), wall", doctor_ms, "ms", "< 500", doctor_ms < 500.0),
    ]


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [_row(rows[0], widths), _row(["-" * w for w in widths], widths)]
    lines += [_row(row, widths) for row in rows[1:]]
    return "\n".join(lines)


def _ms(value: float) -> str:
    return f"{value:.3f} ms"


def _figure_rows(f: dict[str, Any]) -> list[list[str]]:
    per, c = f["per_request"], f["per_request"]["clients"]
    ttft, tp = f["ttft"], f["throughput"]
    wire, loop, mem = f["wire_bytes"], f["loop_health"], f["memory"]
    rows = [["figure", "ours", "baseline", "difference"]]
    rows.append(["signature floor (RSA-2048 + SHA-256 of 4 KB), p50", _ms(f["floor_ms"]), "", ""])
    for q in ("p50", "p95"):
        rows.append(
            [
                f"1. chat completion, 4 KB body, {q}",
                _ms(c["ours"][f"{q}_ms"]),
                _ms(c["baseline"][f"{q}_ms"]),
                _ms(c["ours"][f"{q}_ms"] - c["baseline"][f"{q}_ms"]),
            ]
        )
    rows.append(["   overhead / floor (p50)", f"{per['overhead_x_floor']:.2f}x", "", ""])
    rows.append(
        [
            "   baseline + signature work in a hook, p50",
            "",
            _ms(c["baseline_plus_signature"]["p50_ms"]),
            _ms(per["signature_in_place_ms"]),
        ]
    )
    rows.append(
        ["   ours beyond the signature in place, p50", _ms(per["ours_beyond_signature_ms"]), "", ""]
    )
    rows.append(
        [
            f"2. {tp['concurrency']} concurrent streamed runs, req/s",
            f"{tp['ours_rps']:.0f}",
            f"{tp['baseline_rps']:.0f}",
            f"{tp['ratio']:.2f}x",
        ]
    )
    rows.append(
        [
            "   event-loop CPU per request (baseline/ours)",
            _ms(tp["ours_loop_cpu_ms_per_request"]),
            _ms(tp["baseline_loop_cpu_ms_per_request"]),
            f"{tp['loop_cpu_ratio']:.2f}x",
        ]
    )
    rows.append(
        [
            "3. time to first token, p50",
            _ms(ttft["clients"]["ours"]["p50_ms"]),
            _ms(ttft["clients"]["baseline"]["p50_ms"]),
            _ms(ttft["overhead_p50_ms"]),
        ]
    )
    for turn in ("1", "10", "20", "30"):
        rows.append(
            [
                f"4. bytes sent on turn {turn}: stored vs store=False",
                str(wire["stored_total_bytes"][turn]),
                str(wire["store_false_total_bytes"][turn]),
                f"{wire['store_false_total_bytes'][turn] / wire['stored_total_bytes'][turn]:.1f}x",
            ]
        )
    rows.append(
        [
            "5. longest loop stall, 1 s refresh after a 401, one run",
            _ms(loop["ours_one_run_stall_ms"]),
            _ms(loop["baseline_one_run_stall_ms"]),
            "(baseline: no refresh)",
        ]
    )
    rows.append(
        [
            f"   worst of {loop['repeats']}",
            _ms(loop["ours_one_run_worst_stall_ms"]),
            _ms(loop["baseline_one_run_worst_stall_ms"]),
            "",
        ]
    )
    rows.append(
        [
            f"   ... {loop['concurrent_runs']} concurrent runs",
            _ms(loop["ours_concurrent_stall_ms"]),
            _ms(loop["baseline_concurrent_stall_ms"]),
            "",
        ]
    )
    rows.append(
        [
            "6. import agents_oci over import agents",
            _ms(f["imports"]["import_agents_oci_over_agents_ms"]),
            f"agents: {f['imports']['import_agents_ms']:.0f} ms",
            "",
        ]
    )
    cli = f["cli"]
    paths = (("help", "--help"), ("doctor_help", "doctor --help"), ("chat_help", "chat --help"),
             ("doctor_offline", "doctor (offline checks)"))
    for name, words in paths:
        rows.append(
            [
                f"   {cli['command']} {words}, wall",
                _ms(cli[f"{name}_wall_ms"]),
                f"worst of {cli['samples']}: {_ms(cli[f'{name}_wall_max_ms'])}",
                "",
            ]
        )
    rows.append(
        [
            f"   RSS of {mem['agents']} agents: one provider vs a model each",
            f"{mem['shared_provider_mb']:.1f} MB",
            f"{mem['separate_models_mb']:.1f} MB",
            "",
        ]
    )
    return rows


def render(result: dict[str, Any], checked: list[Target]) -> str:
    """The stdout report: machine, figures, targets."""
    m = result["machine"]
    head = (
        f"{m['cpu']}, {m['cores']} cores, Python {m['python']}, "
        f"openai {m['packages']['openai']}, openai-agents {m['packages']['openai-agents']}, "
        f"cryptography {m['packages']['cryptography']} ({result['mode']} run, "
        f"{result['duration_seconds']:.0f} s, load average before {result['load_average_before']})"
    )
    target_rows = [["target", "value", "goal", "met"]]
    target_rows += [
        [t.name, f"{t.value:.2f} {t.unit}", t.goal, "yes" if t.met else "NO"] for t in checked
    ]
    return "\n\n".join([head, _table(_figure_rows(result["figures"])), _table(target_rows)])
