"""What ``/responses`` shares with the agent platform: conversations and compaction.

A Responses request naming ``conversation`` continues the stored
conversation's items and appends its input and output to it (OpenAI's
reference; Oracle's examples pass ``conversation=<id>`` to
``responses.create``). ``context_management`` with a ``compaction`` entry
compacts server-side once the model's input passes ``compact_threshold``
tokens: the output then starts with a ``compaction`` item, and a
conversation's stored items are replaced by the compacted ones, so the next
turn's model input is smaller (see :mod:`.compaction`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .compaction import compact_items, expand_compaction, threshold_of
from .conversations import ConversationStore
from .documents import DocumentStore
from .hosted import HostedOutcome, check_tool_types, run_hosted
from .replies import Message, Turn
from .turns import as_mapping, as_mappings, items_messages

__all__ = ["PlatformState", "conversation_id", "input_items"]


def conversation_id(body: Mapping[str, Any]) -> str | None:
    """The conversation a Responses request continues (a string or ``{"id": ...}``)."""
    value = body.get("conversation")
    if isinstance(value, str) and value:
        return value
    found = as_mapping(value).get("id")
    return str(found) if found else None


def input_items(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The request's ``input`` as items (a string is one user message)."""
    raw = body.get("input")
    if isinstance(raw, str):
        return [{"type": "message", "role": "user", "content": raw}]
    return as_mappings(raw)


@dataclass
class PlatformState:
    """The platform's stores, owned by the emulator."""

    conversations: ConversationStore = field(default_factory=ConversationStore)
    documents: DocumentStore = field(default_factory=DocumentStore)

    def hosted(self, body: Mapping[str, Any], turn: Turn) -> tuple[Turn, HostedOutcome]:
        """Run the hosted tools of a request; the model reads their results."""
        check_tool_types(body)
        user = next((m.text for m in reversed(turn.messages) if m.role == "user"), "")
        outcome = run_hosted(body, user, self.documents)
        if outcome.messages:
            turn = replace(turn, messages=(*turn.messages, *outcome.messages))
        return turn, outcome

    def prepared(self, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` with compaction items in ``input`` made readable for the model."""
        raw = body.get("input")
        if not isinstance(raw, list) or not any(
            isinstance(i, Mapping) and i.get("type") == "compaction" for i in raw
        ):
            return body
        return {**body, "input": expand_compaction(as_mappings(raw))}

    def history(self, body: Mapping[str, Any], project: str | None) -> tuple[Message, ...]:
        """The stored conversation before this request (empty without ``conversation``)."""
        cid = conversation_id(body)
        if cid is None:
            return ()
        stored = self.conversations.get(cid, project)
        return items_messages(expand_compaction(list(stored.items)))

    def compaction_due(self, body: Mapping[str, Any], input_tokens: int) -> bool:
        """Whether ``context_management`` asks to compact a request this large."""
        threshold = threshold_of(body)
        return threshold is not None and input_tokens > threshold

    def record(
        self, body: Mapping[str, Any], final: dict[str, Any], project: str | None, compact: bool
    ) -> None:
        """Append the request's input and the response's output to its conversation.

        With ``compact``, the conversation's items are compacted first and the
        response's output starts with the compaction item (as on OpenAI).
        """
        cid = conversation_id(body)
        items: list[Mapping[str, Any]] = list(input_items(body))
        if cid is not None:
            stored = self.conversations.get(cid, project)
            items = [*stored.items, *items]
        if compact:
            compacted = compact_items(items)
            final["output"] = [compacted[0], *final["output"]]
            if cid is not None:
                self.conversations.replace_items(cid, project, [*compacted, *final["output"][1:]])
            return
        if cid is not None:
            self.conversations.append(cid, project, [*input_items(body), *final["output"]])

    def clear(self) -> None:
        """Forget conversations, files and vector stores."""
        self.conversations.clear()
        self.documents.clear()
