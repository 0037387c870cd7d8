"""Bytes sent per user turn of a 30-turn chat: OCI conversations and compaction vs store=False.

    python benchmarks/platform_bytes.py [--turns 30] [--json PATH]

Each mode runs the same chat through the real Runner and ``OCIProvider``
against the emulator (in this process, on 127.0.0.1; bytes do not depend on
timing): one ``Runner.run`` per user turn, every user message about 200
bytes, the emulator's deterministic model answering. For every turn it sums
what the client sent (request line, headers and body of every request of
that turn, session calls included) and reports turns 1, 10, 20 and 30, and
the mean of the last ten turns (a turn that compacts also sends the history
to ``responses.compact``, so one turn alone can mislead):

* ``store_false``: ``ModelSettings(store=False)`` with a client-side
  ``SQLiteSession``: the whole history goes with every request;
* ``conversation_id``: ``Runner.run(..., conversation_id=...)``: OCI keeps the
  history, only the new message is sent;
* ``conversation_id_auto_compaction``: the same with
  ``context_management`` (server-side compaction: the request bytes stay the
  same, the model's input stops growing; ``model_input_tokens`` shows it);
* ``conversations_session``: ``provider.conversations_session()`` (the SDK's
  conversations session sends the history it reads back as input, and
  writes the new items with a second call);
* ``store_false_compaction``: ``store=False`` and a ``SQLiteSession`` wrapped in
  ``provider.compaction_session(...)`` (explicit ``responses.compact`` every
  10 candidate items, the SDK's default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, Final

from agents import Agent, ModelSettings, RunConfig, Runner, SQLiteSession, set_tracing_disabled

from agents_oci import OCIProvider
from agents_oci.testing import OCIEmulator

MODEL: Final = "responses:openai.gpt-5.5"
SAMPLES: Final = (1, 10, 20, 30)
MESSAGE: Final = "Turn {n}: " + "please keep this detail in mind for later. " * 4
AUTO: Final = [{"type": "compaction", "compact_threshold": 2000}]

Turn = Callable[[int], Awaitable[Any]]


def _sent(emu: OCIEmulator) -> int:
    total = 0
    for entry in emu.journal.entries:
        headers = sum(len(k) + len(v) + 4 for k, v in entry.headers.raw)
        total += len(entry.method) + len(entry.target) + 11 + headers + len(entry.raw_body)
    return total


async def _mode(emu: OCIEmulator, provider: OCIProvider, name: str, turns: int) -> dict[str, Any]:
    config = RunConfig(model_provider=provider, tracing_disabled=True)
    settings = ModelSettings(store=False) if name.startswith("store_false") else ModelSettings()
    if name == "conversation_id_auto_compaction":
        settings = ModelSettings(context_management=AUTO)
    agent = Agent(name="chat", model=MODEL, model_settings=settings)
    kwargs: dict[str, Any] = {}
    if name.startswith("conversation_id"):
        kwargs["conversation_id"] = (await provider.client().conversations.create()).id
    elif name == "conversations_session":
        kwargs["session"] = provider.conversations_session()
    elif name == "store_false":
        kwargs["session"] = SQLiteSession(name)
    else:
        kwargs["session"] = provider.compaction_session(SQLiteSession(name), model=MODEL)
    sent: list[int] = []
    tokens: list[int] = []
    for n in range(1, turns + 1):
        emu.journal.clear()
        result = await Runner.run(agent, MESSAGE.format(n=n), run_config=config, **kwargs)
        sent.append(_sent(emu))
        tokens.append(result.context_wrapper.usage.input_tokens)
    window = sent[-10:]
    return {
        "bytes_sent": {str(n): sent[n - 1] for n in SAMPLES if n <= turns},
        # A compaction turn also sends the history to responses.compact; the
        # mean of the last ten turns shows the steady state around it.
        "mean_bytes_last_10_turns": round(sum(window) / len(window)),
        "model_input_tokens": {str(n): tokens[n - 1] for n in SAMPLES if n <= turns},
    }


MODES: Final = (
    "store_false",
    "conversation_id",
    "conversation_id_auto_compaction",
    "conversations_session",
    "store_false_compaction",
)


async def measure(turns: int) -> dict[str, Any]:
    """Every mode's bytes sent and model input tokens at the sampled turns."""
    set_tracing_disabled(True)
    with OCIEmulator() as emu:
        provider = OCIProvider(
            config_file=emu.config_file, base_url=emu.base_url, project_id=emu.project_id
        )
        try:
            figures = {name: await _mode(emu, provider, name, turns) for name in MODES}
        finally:
            await provider.aclose()
    last = str(max(n for n in SAMPLES if n <= turns))
    base = figures["store_false"]["bytes_sent"][last]
    for name in MODES:
        figures[name]["store_false_over_this_at_last_turn"] = round(
            base / figures[name]["bytes_sent"][last], 2
        )
    return {"turns": turns, "last_turn": int(last), "modes": figures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    result = asyncio.run(measure(args.turns))
    last = str(result["last_turn"])
    print(f"bytes sent per user turn (turn {last}), {args.turns}-turn chat")
    for name, figures in result["modes"].items():
        print(
            f"  {name:<34} {figures['bytes_sent'][last]:>8} B "
            f"(last-10 mean {figures['mean_bytes_last_10_turns']:>6} B)   "
            f"model input {figures['model_input_tokens'][last]:>6} tokens   "
            f"store=False / this: {figures['store_false_over_this_at_last_turn']:.2f}x"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
