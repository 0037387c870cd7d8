"""Conversations and their items, as OCI's Conversations API keeps them.

Oracle's docs (``responses-api.htm``, "Agent Memory") place the
Conversations API on the inference host under ``/openai/v1/conversations``
with create, retrieve, update, delete and items; conversations are scoped by
the Generative AI project (``OpenAI-Project``), so one project never sees
another's. Shapes are the ``openai`` SDK's ``Conversation``,
``ConversationItemList`` and ``ConversationDeletedResource`` models. Items
are stored as the API lists them: every item has an ``id``; easy input
messages (``{"role", "content": str}``) become ``message`` items with
``input_text`` / ``output_text`` parts. Live behaviour not documented by
Oracle (page sizes, item id prefixes) follows OpenAI's reference.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ServiceError

__all__ = ["ConversationStore", "StoredConversation", "as_item"]

_ID_PREFIX = {
    "message": "msg_",
    "function_call": "fc_",
    "function_call_output": "fco_",
    "compaction": "cmp_",
}


@dataclass
class StoredConversation:
    """One conversation: its metadata and items, oldest first."""

    id: str
    created_at: int
    project: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """The ``conversation`` object."""
        return {
            "id": self.id,
            "object": "conversation",
            "created_at": self.created_at,
            "metadata": dict(self.metadata),
        }


def as_item(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A Responses input or output item as a stored conversation item (with an ``id``)."""
    item = {k: v for k, v in raw.items() if v is not None}
    kind = item.get("type") or ("message" if "role" in item else "item")
    item["type"] = kind
    if kind == "message":
        role = str(item.get("role", "user"))
        part = "output_text" if role == "assistant" else "input_text"
        content = item.get("content")
        if isinstance(content, str):
            item["content"] = [{"type": part, "text": content}]
        elif isinstance(content, list):
            item["content"] = [
                {**p, "type": part}
                if isinstance(p, Mapping) and p.get("type") in (None, "text")
                else p
                for p in content
            ]
        item.setdefault("status", "completed")
    if kind in ("function_call", "function_call_output"):
        item.setdefault("status", "completed")
    if not item.get("id"):
        item["id"] = _ID_PREFIX.get(str(kind), "item_") + uuid.uuid4().hex
    return item


class ConversationStore:
    """Conversations by id, each visible only from the project that created it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conversations: dict[str, StoredConversation] = {}

    def create(
        self,
        project: str | None,
        created_at: int,
        items: Iterable[Mapping[str, Any]] = (),
        metadata: Mapping[str, Any] | None = None,
    ) -> StoredConversation:
        """A new conversation holding ``items``."""
        conversation = StoredConversation(
            id=f"conv_{uuid.uuid4().hex}",
            created_at=created_at,
            project=project,
            metadata=dict(metadata or {}),
            items=[as_item(i) for i in items],
        )
        with self._lock:
            self._conversations[conversation.id] = conversation
        return conversation

    def get(self, conversation_id: str, project: str | None) -> StoredConversation:
        """The conversation, or OCI's 404 (also for another project's conversation)."""
        with self._lock:
            found = self._conversations.get(conversation_id)
        if found is None or found.project != project:
            raise ServiceError(
                404,
                "NotAuthorizedOrNotFound",
                f"Conversation with id '{conversation_id}' not found.",
                param="conversation",
            )
        return found

    def append(self, conversation_id: str, project: str | None, items: Iterable[Any]) -> list[Any]:
        """Append items (as stored) to a conversation; returns them."""
        conversation = self.get(conversation_id, project)
        added = [as_item(i) for i in items if isinstance(i, Mapping)]
        with self._lock:
            conversation.items.extend(added)
        return added

    def replace_items(
        self, conversation_id: str, project: str | None, items: Iterable[Mapping[str, Any]]
    ) -> None:
        """Replace every item (server-side compaction of a conversation)."""
        conversation = self.get(conversation_id, project)
        with self._lock:
            conversation.items[:] = [as_item(i) for i in items]

    def delete(self, conversation_id: str, project: str | None) -> None:
        """Forget a conversation."""
        self.get(conversation_id, project)
        with self._lock:
            self._conversations.pop(conversation_id, None)

    def delete_item(self, conversation_id: str, project: str | None, item_id: str) -> None:
        """Remove one item (404 when absent)."""
        conversation = self.get(conversation_id, project)
        with self._lock:
            before = len(conversation.items)
            conversation.items[:] = [i for i in conversation.items if i.get("id") != item_id]
            removed = before != len(conversation.items)
        if not removed:
            raise ServiceError(
                404, "NotAuthorizedOrNotFound", f"Item with id '{item_id}' not found."
            )

    def ids(self) -> tuple[str, ...]:
        """Every conversation id, oldest first."""
        with self._lock:
            return tuple(self._conversations)

    def clear(self) -> None:
        """Forget every conversation."""
        with self._lock:
            self._conversations.clear()


def item_page(
    items: list[dict[str, Any]], *, order: str, after: str | None, limit: int
) -> dict[str, Any]:
    """One page of ``ConversationItemList`` (``order`` asc or desc, cursor ``after``)."""
    ordered = items if order == "asc" else list(reversed(items))
    if after:
        ids = [i["id"] for i in ordered]
        ordered = ordered[ids.index(after) + 1 :] if after in ids else []
    page = ordered[:limit]
    return {
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else "",
        "last_id": page[-1]["id"] if page else "",
        "has_more": len(ordered) > limit,
    }
