"""``agents-oci demo --platform``: OCI's agent platform end to end, with no OCI account.

On the built-in emulator: upload a document, create a vector store on the
control-plane host, attach the file, then an agent with File Search answers
from it inside an OCI conversation; the conversation compacts server-side
(``context_management``) and the agent still answers from the first turn.
Every request is signed with the emulator's API-key profile and verified.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from agents import Agent, FileSearchTool, ModelSettings, RunConfig, Runner
from rich.console import Console

from ..provider import OCIProvider
from ..routing import RESPONSES_PREFIX

if TYPE_CHECKING:
    from ..testing import OCIEmulator, Reply, Turn

__all__ = ["run_platform"]

MODEL: Final = "openai.gpt-oss-120b"  # Oracle's examples use it for Responses tools
DOCUMENT: Final = b"""Returns

Items can be returned within 30 days of delivery with the receipt.

Shipping

Orders ship from the Chicago warehouse within two business days.
"""
TURNS: Final = (
    "My name is Ada.",
    "How many days do I have to return items?",
    "Where do orders ship from?",
    "What is my name?",
)


def _model(turn: Turn) -> Reply:
    """The emulator's default model, which also recalls a name from anything it was sent."""
    from ..testing import Reply, default_responder

    last = next((m.text for m in reversed(turn.messages) if m.role == "user"), "")
    if "what is my name" in last.lower():
        for message in turn.messages:
            found = re.search(r"my name is (\w+)", message.text, re.I)
            if found:
                return Reply(text=f"Your name is {found.group(1)}.")
    return default_responder(turn)


async def run_platform(emu: OCIEmulator, out: Console) -> int:
    """Run the platform demo on a started emulator; 0 when everything checked out."""
    emu.set_handler(_model)
    provider = OCIProvider(
        auth_type="api_key", config_file=emu.config_file, profile="DEFAULT",
        region=emu.region, compartment_id=emu.compartment_id, base_url=emu.base_url,
        project_id=emu.project_id,
    )
    try:
        return await _story(emu, provider, out)
    finally:
        await provider.aclose()


async def _story(emu: OCIEmulator, provider: OCIProvider, out: Console) -> int:
    client = provider.client()
    say = _Say(out)
    uploaded = await client.files.create(file=("policy.txt", DOCUMENT), purpose="assistants")
    say("file", f"uploaded {uploaded.filename} ({uploaded.bytes} bytes) -> {uploaded.id}")
    store = await client.vector_stores.create(name="policies")
    host = emu.requests("/vector_stores", method="POST")[-1].path
    say("vector store", f"{store.id} created on the control plane ({host})")
    await client.vector_stores.files.create(store.id, file_id=uploaded.id)
    conversation = await client.conversations.create()
    say("conversation", conversation.id)
    settings = ModelSettings(context_management=[{"type": "compaction", "compact_threshold": 80}])
    agent = Agent(
        name="Policy agent", model=RESPONSES_PREFIX + MODEL, model_settings=settings,
        tools=[FileSearchTool(vector_store_ids=[store.id])],
    )
    config = RunConfig(model_provider=provider, tracing_disabled=True)
    answers: list[str] = []
    cited: set[str] = set()
    for text in TURNS:
        result = await Runner.run(agent, text, run_config=config, conversation_id=conversation.id)
        turn_cited: set[str] = set()
        answers.append(str(result.final_output))
        say("user", text)
        for item in result.new_items:
            raw: Any = item.raw_item
            kind = raw.get("type") if isinstance(raw, dict) else getattr(raw, "type", "")
            if kind == "file_search_call":
                say("file search", f"queries {list(raw.queries)}")
            elif kind == "compaction":
                say("compaction", "OCI compacted the conversation (context_management)")
            elif kind == "message":
                notes = [a for part in raw.content for a in getattr(part, "annotations", [])]
                turn_cited.update(a.filename for a in notes if a.type == "file_citation")
        cited |= turn_cited
        note = f"  [cites {', '.join(sorted(turn_cited))}]" if turn_cited else ""
        say("answer", answers[-1] + note)
    return _summary(emu, answers, "policy.txt" in cited, out)


class _Say:
    def __init__(self, out: Console) -> None:
        self.out = out

    def __call__(self, label: str, text: str) -> None:
        self.out.print(f"  [bold cyan]{label:>12}[/]  ", end="")
        self.out.print(text, markup=False, soft_wrap=True)


def _summary(emu: OCIEmulator, answers: list[str], cited: bool, out: Console) -> int:
    entries = emu.journal.entries
    verified = sum(1 for e in entries if e.principal and e.status == 200)
    compacted = any(e.path.endswith("/responses") and e.status == 200 for e in entries) and any(
        i.get("type") == "compaction"
        for cid in emu.platform.conversations.ids()
        for i in emu.platform.conversations.get(cid, _project(entries)).items
    )
    ok = (
        verified == len(entries) and "30 days" in answers[1] and "Chicago" in answers[2]
        and answers[3] == "Your name is Ada." and compacted and cited
    )
    out.print()
    out.print(f"Summary: {len(entries)} requests, {verified} signatures verified; File Search "
              f"cited policy.txt; compaction {'happened' if compacted else 'did not happen'}.",
              markup=False, soft_wrap=True)
    if not ok:
        out.print("[bold red]The platform demo did not complete as expected.[/]")
        return 1
    out.print("[bold green]Files, vector stores, File Search, conversations and compaction "
              "all worked on the emulator.[/]", soft_wrap=True)
    return 0


def _project(entries: Any) -> str | None:
    return next((e.headers.get("openai-project") for e in entries), None)
