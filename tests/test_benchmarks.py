"""The transport benchmark keeps working: quick mode runs and reports every figure.

Timings depend on the machine and its load, so nothing here asserts on them;
``benchmarks/run.py`` reports them and checks the targets for people to read.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "run.py"

FIGURES = {
    "floor_ms": (),
    "floor": ("p50_ms", "p95_ms"),
    "per_request": (
        "overhead_p50_ms",
        "overhead_p95_ms",
        "overhead_x_floor",
        "signature_in_place_ms",
        "ours_beyond_signature_ms",
    ),
    "throughput": (
        "ours_rps",
        "baseline_rps",
        "ratio",
        "ours_loop_cpu_ms_per_request",
        "baseline_loop_cpu_ms_per_request",
        "loop_cpu_ratio",
    ),
    "ttft": ("overhead_p50_ms",),
    "wire_bytes": (
        "stored_turns_2_to_30_max_over_min",
        "turn_30_ratio",
        "turn_30_body_ratio",
    ),
    "loop_health": (
        "ours_one_run_stall_ms",
        "ours_one_run_worst_stall_ms",
        "baseline_one_run_stall_ms",
        "baseline_one_run_worst_stall_ms",
        "ours_concurrent_stall_ms",
        "baseline_concurrent_stall_ms",
    ),
    "imports": ("import_agents_ms", "import_agents_oci_over_agents_ms"),
    "cli": tuple(f"{name}_wall{kind}_ms" for name in ("help", "doctor_help", "chat_help",
                                                      "doctor_offline") for kind in ("", "_max")),
    "memory": ("shared_provider_mb", "separate_models_mb"),
}
CLIENTS = {
    "per_request": ("baseline", "baseline_plus_signature", "ours"),
    "ttft": ("baseline", "ours"),
}
TURNS = ("1", "10", "20", "30")
TARGETS = 9  # the seven of the transport issue; `--help` and offline `doctor` wall time (issue 15)


def number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "figures.json"
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    assert "per-request overhead" in completed.stdout  # the table was printed
    loaded: dict[str, Any] = json.loads(out.read_text())
    return loaded


def test_every_figure_is_reported(result: dict[str, Any]) -> None:
    figures = result["figures"]
    assert number(figures["floor_ms"])
    for section, names in FIGURES.items():
        for name in names:
            assert number(figures[section][name]), (section, name)
    for section, clients in CLIENTS.items():
        for client in clients:
            for q in ("p50_ms", "p95_ms"):
                assert number(figures[section]["clients"][client][q]), (section, client, q)
    wire = figures["wire_bytes"]
    for series in ("stored_total_bytes", "store_false_total_bytes", "stored_body_bytes"):
        assert all(isinstance(wire[series][turn], int) for turn in TURNS), series


def test_targets_and_machine_are_recorded(result: dict[str, Any]) -> None:
    assert result["mode"] == "quick"
    assert len(result["targets"]) == TARGETS
    for target in result["targets"]:
        assert number(target["value"]) and isinstance(target["met"], bool), target
    machine = result["machine"]
    assert machine["cpu"] and machine["cores"] and machine["python"]
    assert machine["packages"]["openai"] and machine["packages"]["openai-agents"]


def test_platform_bytes_benchmark_reports_every_mode(tmp_path: Path) -> None:
    out = tmp_path / "platform.json"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "platform_bytes.py"), "--turns", "10",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    modes = json.loads(out.read_text())["modes"]
    assert set(modes) == {
        "store_false", "conversation_id", "conversation_id_auto_compaction",
        "conversations_session", "store_false_compaction",
    }
    for figures in modes.values():
        assert all(isinstance(figures["bytes_sent"][t], int) for t in ("1", "10"))
        assert number(figures["mean_bytes_last_10_turns"])
