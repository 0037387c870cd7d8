"""Compaction with OCI model names: explicit (responses.compact) and automatic (context_management)."""

from __future__ import annotations

import pytest
from agents import Agent, ModelSettings, RunConfig, Runner, SQLiteSession

from agents_oci import OCIProvider, OCIResponsesCompactionSession
from agents_oci.testing import OCIEmulator

from .conftest import RESPONSES_MODEL, auth_for
from .test_platform_conversations import remembers

MODEL = f"responses:{RESPONSES_MODEL}"
FILLER = ("Tell me about the weather.", "And the news?", "Any sports?")

if "context_management" not in ModelSettings.__dataclass_fields__:
    pytest.skip(
        "this openai-agents line has no ModelSettings.context_management", allow_module_level=True
    )


def provider(emu: OCIEmulator) -> OCIProvider:
    return OCIProvider(**auth_for(emu, "api_key", project_id=emu.project_id).keywords)


def test_the_sdk_refuses_oci_names_and_ours_accepts_them(emu: OCIEmulator) -> None:
    from agents.memory import OpenAIResponsesCompactionSession

    oci = provider(emu)
    with pytest.raises(ValueError, match="Unsupported model"):
        OpenAIResponsesCompactionSession("s", SQLiteSession("s"), model=RESPONSES_MODEL)
    session = oci.compaction_session(SQLiteSession("s"), model=MODEL)
    assert isinstance(session, OCIResponsesCompactionSession)
    assert session.model == RESPONSES_MODEL and session.client is oci.client()


async def test_explicit_compaction_shrinks_the_next_request(emu: OCIEmulator) -> None:
    emu.set_handler(remembers)
    oci = provider(emu)
    config = RunConfig(model_provider=oci)
    agent = Agent(name="a", model=MODEL, model_settings=ModelSettings(store=False))

    async def converse(session: object) -> int:
        await Runner.run(agent, "My name is Ada.", run_config=config, session=session)
        for text in FILLER:
            await Runner.run(agent, text, run_config=config, session=session)
        emu.journal.clear()
        last = await Runner.run(agent, "What is my name?", run_config=config, session=session)
        assert last.final_output == "Your name is Ada."
        return len(emu.requests("/responses", method="POST")[-1].raw_body)

    plain = await converse(SQLiteSession("plain"))
    compacting = oci.compaction_session(
        SQLiteSession("compacting"),
        model=MODEL,
        should_trigger_compaction=lambda context: len(context["compaction_candidate_items"]) >= 3,
    )
    compacted = await converse(compacting)
    print(f"last request: {plain} bytes without compaction, {compacted} with")
    assert compacted < plain
    items = await compacting.get_items()
    assert any(item.get("type") == "compaction" for item in items)
    await oci.aclose()


async def test_automatic_compaction_in_a_conversation(emu: OCIEmulator) -> None:
    emu.set_handler(remembers)
    oci = provider(emu)
    config = RunConfig(model_provider=oci)
    settings = ModelSettings(context_management=[{"type": "compaction", "compact_threshold": 60}])
    agent = Agent(name="a", model=MODEL, model_settings=settings)
    conversation = await oci.client().conversations.create()
    used: list[int] = []
    for text in ("My name is Ada.", *FILLER, "What is my name?"):
        result = await Runner.run(agent, text, run_config=config, conversation_id=conversation.id)
        used.append(result.context_wrapper.usage.input_tokens)
    assert result.final_output == "Your name is Ada."
    bodies = [e.body for e in emu.requests("/responses", method="POST")]
    assert all(b["context_management"][0]["type"] == "compaction" for b in bodies)
    # The model's input grew until the threshold, then compaction made it smaller.
    print(f"model input tokens per turn: {used}")
    peak = used.index(max(used))
    assert peak < len(used) - 1 and used[-1] < max(used)
    stored = emu.platform.conversations.get(conversation.id, emu.project_id).items
    assert stored[0]["type"] == "compaction"
    await oci.aclose()
