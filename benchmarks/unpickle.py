"""Unpickle-and-first-request cost per worker task: the key cache on and off, side by side.

    python benchmarks/unpickle.py [--tasks N] [--json PATH]

Ray, multiprocessing and durable-execution workers receive a provider
pickled: each task unpickles it (settings resolved and credentials loaded in
the worker) and sends its first request. Before the per-process key cache,
every unpickle loaded and RSA-validated the private key again (~32 ms on an
idle machine). This runs both ways in the same worker processes, alternating
task by task, so machine load hits both alike:

- ``uncached``: the key cache is cleared before each unpickle (main before the
  cache: every task pays the key load);
- ``cached``: the worker's first task loads the key, the later ones reuse it.

Prints medians per task (unpickle alone, and unpickle + first chat completion
against the emulator on loopback) and the ratio uncached / cached.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import pickle
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from agents_oci import OCIProvider
from agents_oci.auth import keycache
from agents_oci.testing import OCIEmulator

MODEL = "meta.llama-3.3-70b-instruct"


def task(blob: bytes, cached: bool) -> tuple[float, float]:
    """One worker task: unpickle the provider, send one request. Returns both times (s)."""
    if not cached:
        keycache.clear()
    started = time.perf_counter()
    provider = pickle.loads(blob)
    unpickled = time.perf_counter()

    async def first_request() -> None:
        await provider.client().chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "hi"}]
        )
        await provider.aclose()

    asyncio.run(first_request())
    return unpickled - started, time.perf_counter() - started


def warm(_: int) -> None:
    """Import everything in the worker, so the first measured task is not an import."""
    import agents  # noqa: F401


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=60, help="tasks per mode (default 60)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    with OCIEmulator() as emu:
        provider = OCIProvider(
            config_file=emu.config_file, profile="DEFAULT", base_url=emu.base_url
        )
        blob = pickle.dumps(provider)
        modes = [index % 2 == 1 for index in range(2 * args.tasks)]  # alternate, side by side
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(args.workers, mp_context=context) as pool:
            list(pool.map(warm, range(args.workers * 4)))
            results = list(pool.map(task, [blob] * len(modes), modes))
    figures: dict[str, Any] = {"tasks_per_mode": args.tasks, "workers": args.workers}
    for cached in (False, True):
        mine = [r for r, c in zip(results, modes, strict=True) if c is cached]
        name = "cached" if cached else "uncached"
        figures[f"{name}_unpickle_ms"] = statistics.median(r[0] for r in mine) * 1000
        figures[f"{name}_unpickle_and_request_ms"] = statistics.median(r[1] for r in mine) * 1000
    figures["ratio_unpickle"] = figures["uncached_unpickle_ms"] / figures["cached_unpickle_ms"]
    figures["ratio_unpickle_and_request"] = (
        figures["uncached_unpickle_and_request_ms"] / figures["cached_unpickle_and_request_ms"]
    )
    print(f"{'median per task':<34}{'uncached':>10}{'cached':>10}{'ratio':>8}")
    for what in ("unpickle", "unpickle_and_request"):
        print(
            f"{what.replace('_', ' ') + ' (ms)':<34}{figures[f'uncached_{what}_ms']:>10.2f}"
            f"{figures[f'cached_{what}_ms']:>10.2f}{figures[f'ratio_{what}']:>8.1f}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=2)


if __name__ == "__main__":
    main()
