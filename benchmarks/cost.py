"""Figure 6: what using the package costs: import time, resident memory, CLI start-up.

Each sample runs in a fresh interpreter (imports are cached per process).
Run as a script, this file is that child: ``cost.py imports`` or
``cost.py memory shared|separate BASE_URL CONFIG_FILE COUNT``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any, Final

__all__ = ["measure_cli_help", "measure_imports", "measure_memory"]

_CHILD_TIMEOUT: Final = 300.0


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=_CHILD_TIMEOUT,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def measure_imports(samples: int) -> dict[str, Any]:
    """``import agents``, then ``import agents_oci``: median of fresh interpreters."""
    runs = [_child("imports") for _ in range(samples)]
    return {
        "samples": samples,
        "import_agents_ms": statistics.median(r["agents_ms"] for r in runs),
        "import_agents_oci_over_agents_ms": statistics.median(r["agents_oci_ms"] for r in runs),
    }


def measure_cli_help(samples: int, config_file: str) -> dict[str, Any]:
    """Wall times of the CLI paths that must not import the Agents SDK: median of runs.

    ``--help``, ``doctor --help``, ``chat --help``, and ``doctor``'s offline
    checks against ``config_file`` (a real key is loaded and checked).
    """
    script = shutil.which("agents-oci", path=os.path.dirname(sys.executable))
    args = [script] if script else [sys.executable, "-m", "agents_oci"]
    paths = {
        "help": ["--help"],
        "doctor_help": ["doctor", "--help"],
        "chat_help": ["chat", "--help"],
        "doctor_offline": ["doctor", "--config-file", config_file],
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCI_")}
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(samples):
        for name, extra in paths.items():
            start = time.perf_counter()
            # doctor exits 1 on a failed check; the time counts all the same
            subprocess.run([*args, *extra], check=name != "doctor_offline", capture_output=True,
                           timeout=_CHILD_TIMEOUT, env=env)
            times[name].append(time.perf_counter() - start)
    figures: dict[str, Any] = {
        "samples": samples,
        "command": "agents-oci" if script else "python -m agents_oci",
    }
    for name, taken in times.items():
        figures[f"{name}_wall_ms"] = statistics.median(taken) * 1e3
        figures[f"{name}_wall_max_ms"] = max(taken) * 1e3
    return figures


def measure_memory(base_url: str, config_file: str, count: int) -> dict[str, Any]:
    """Resident memory added by ``count`` agents, one shared provider vs one model each."""
    shared = _child("memory", "shared", base_url, config_file, str(count))
    separate = _child("memory", "separate", base_url, config_file, str(count))
    return {
        "agents": count,
        "shared_provider_mb": shared["delta_mb"],
        "separate_models_mb": separate["delta_mb"],
        "process_rss_after_shared_mb": shared["after_mb"],
        "process_rss_after_separate_mb": separate["after_mb"],
    }


# --- the children ---------------------------------------------------------------


def _imports() -> dict[str, float]:
    start = time.perf_counter()
    import agents  # noqa: F401

    middle = time.perf_counter()
    # The package root imports its names on first use: ask for one, as user code does.
    from agents_oci import OCIProvider  # noqa: F401

    end = time.perf_counter()
    return {"agents_ms": (middle - start) * 1e3, "agents_oci_ms": (end - middle) * 1e3}


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: the peak is the best we have
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def _memory(kind: str, base_url: str, config_file: str, count: int) -> dict[str, float]:
    import asyncio
    import gc

    from agents import Agent, RunConfig, Runner, set_tracing_disabled

    from agents_oci import OCIChatCompletionsModel, OCIProvider

    set_tracing_disabled(True)
    model = "meta.llama-3.3-70b-instruct"
    keywords = {"config_file": config_file, "base_url": base_url}

    async def main() -> dict[str, float]:
        # One run through a throwaway provider first, so that code loaded lazily
        # on first use is counted in neither figure.
        warm = OCIProvider(**keywords)
        await Runner.run(
            Agent(name="warm", model=model), "hi", run_config=RunConfig(model_provider=warm)
        )
        await warm.aclose()
        del warm
        gc.collect()
        before = _rss_mb()
        if kind == "shared":
            provider = OCIProvider(**keywords)
            config = RunConfig(model_provider=provider)
            team = [Agent(name=f"agent{i}", model=model) for i in range(count)]
            for agent in team:
                await Runner.run(agent, "hi", run_config=config)
        else:
            models = [OCIChatCompletionsModel(model, **keywords) for _ in range(count)]
            team = [Agent(name=f"agent{i}", model=m) for i, m in enumerate(models)]
            for agent in team:
                await Runner.run(agent, "hi")
        gc.collect()
        after = _rss_mb()
        return {"before_mb": before, "after_mb": after, "delta_mb": after - before}

    return asyncio.run(main())


if __name__ == "__main__":
    if sys.argv[1] == "imports":
        print(json.dumps(_imports()))
    elif sys.argv[1] == "memory":
        print(json.dumps(_memory(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))))
    else:
        raise SystemExit(f"unknown child {sys.argv[1]!r}")
