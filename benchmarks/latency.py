"""Figures 1 and 3: per-request latency, the signature floor, time to first token.

Clients are measured interleaved (A B C, B C A, C A B, ...) so that drift in
the machine's load hits all of them alike; only medians and p95 are reported.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import openai
from emulator_process import EmulatorProcess
from workload import CHAT_MODEL, Clients, chat_body, chat_messages, signature_work

__all__ = ["measure_floor", "measure_latency", "measure_ttft", "percentile"]

_RESET_EVERY = 250  # keep the emulator's journal small: its size must not drift the figures


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def measure_floor(clients: Clients, iterations: int) -> dict[str, float]:
    """SHA-256 of the 4 KB body plus one RSA-2048 PKCS#1 v1.5 signature, in a tight loop."""
    work = signature_work(clients.key)
    body = chat_body()
    for _ in range(min(50, iterations)):
        work(body)
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        work(body)
        samples.append(time.perf_counter() - start)
    return {"p50_ms": percentile(samples, 50) * 1e3, "p95_ms": percentile(samples, 95) * 1e3}


async def _interleaved(
    emu: EmulatorProcess,
    calls: dict[str, Callable[[], Awaitable[float]]],
    iterations: int,
    warmup: int,
) -> dict[str, list[float]]:
    names = list(calls)
    for name in names:
        for _ in range(warmup):
            await calls[name]()
    emu.call("reset")
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(iterations):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(await calls[name]())
        if i % _RESET_EVERY == _RESET_EVERY - 1:
            emu.call("reset")
    return samples


def _summary(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        name: {"p50_ms": percentile(v, 50) * 1e3, "p95_ms": percentile(v, 95) * 1e3}
        for name, v in samples.items()
    }


async def measure_latency(
    emu: EmulatorProcess, clients: Clients, iterations: int, warmup: int
) -> dict[str, Any]:
    """N sequential non-streaming chat completions with a 4 KB body, per client."""
    messages = chat_messages()
    with_signature = clients.baseline_with_signature()

    def timed(client: openai.AsyncOpenAI) -> Callable[[], Awaitable[float]]:
        async def call() -> float:
            start = time.perf_counter()
            await client.chat.completions.create(model=CHAT_MODEL, messages=messages)  # type: ignore[arg-type]
            return time.perf_counter() - start

        return call

    calls = {
        "baseline": timed(clients.baseline),
        "baseline_plus_signature": timed(with_signature),
        "ours": timed(clients.ours),
    }
    try:
        samples = await _interleaved(emu, calls, iterations, warmup)
    finally:
        await with_signature.close()
    return {"iterations": iterations, "clients": _summary(samples)}


async def measure_ttft(
    emu: EmulatorProcess, clients: Clients, iterations: int, warmup: int
) -> dict[str, Any]:
    """Time from the call to the first content token of a streamed chat completion."""
    messages = chat_messages()

    def timed(client: openai.AsyncOpenAI) -> Callable[[], Awaitable[float]]:
        async def call() -> float:
            start = time.perf_counter()
            first = None
            stream = await client.chat.completions.create(
                model=CHAT_MODEL,
                messages=messages,  # type: ignore[arg-type]
                stream=True,
            )
            async for chunk in stream:
                if first is None and chunk.choices and chunk.choices[0].delta.content:
                    first = time.perf_counter() - start
            if first is None:
                raise RuntimeError("the stream carried no content")
            return first

        return call

    calls = {"baseline": timed(clients.baseline), "ours": timed(clients.ours)}
    samples = await _interleaved(emu, calls, iterations, warmup)
    return {"iterations": iterations, "clients": _summary(samples)}
