"""Compaction: ``responses.compact`` and ``context_management`` on create.

Oracle's docs list ``/responses/compact`` (explicit compaction) and
automatic compaction for Responses and Conversations ("short-term memory
compaction", ``responses-api.htm``). The shapes are the ``openai`` SDK's:
``CompactedResponse`` (``object: "response.compaction"``, output = every
user message then one ``compaction`` item) and ``ResponseCompactionItem``
(``encrypted_content``). OCI's real encrypted content is opaque; the
emulator's is a readable, deterministic summary (``ocicmp1:`` + base64 JSON
of the user texts and tool outputs, assistant text dropped) so that a later
request can still use early facts while sending fewer bytes. Whether OCI
keeps the user messages beside the compaction item is not documented;
OpenAI's reference says it does, and so does the emulator.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Final

from .turns import as_mapping, as_mappings

__all__ = ["compact_items", "expand_compaction", "summary_of", "threshold_of"]

_PREFIX: Final = "ocicmp1:"


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return " ".join(
        str(p.get("text")) for p in as_mappings(content) if isinstance(p.get("text"), str)
    )


def summary_of(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """What compaction keeps of ``items``: user texts, tool outputs, earlier summaries."""
    kept: list[str] = []
    for item in items:
        kind = item.get("type")
        if kind == "compaction":
            kept.extend(decode(str(item.get("encrypted_content", ""))))
        elif kind in (None, "message") and item.get("role") in ("user", "system", "developer"):
            kept.append(_text(item.get("content")))
        elif kind == "function_call_output":
            kept.append(_text(item.get("output")))
    return [k for k in kept if k]


def encode(summary: list[str]) -> str:
    """The ``encrypted_content`` of a compaction item holding ``summary``."""
    return _PREFIX + base64.b64encode(json.dumps(summary).encode()).decode()


def decode(content: str) -> list[str]:
    """The summary in an emulator compaction item (empty for foreign content)."""
    if not content.startswith(_PREFIX):
        return []
    try:
        value = json.loads(base64.b64decode(content[len(_PREFIX) :]))
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def compaction_item(items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """One ``compaction`` item summarising ``items``."""
    return {
        "type": "compaction",
        "id": f"cmp_{uuid.uuid4().hex}",
        "encrypted_content": encode(summary_of(items)),
    }


def compact_items(items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``responses.compact`` output: one compaction item, then the latest user message.

    OpenAI keeps every user message; keeping only the last one (the rest live
    in the summary) is what makes the next request smaller here.
    """
    users = [
        i
        for i, item in enumerate(items)
        if item.get("type") in (None, "message") and item.get("role") == "user"
    ]
    if not users:
        return [compaction_item(items)]
    last = users[-1]
    kept = {
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": _text(items[last].get("content"))}],
    }
    return [compaction_item([*items[:last], *items[last + 1 :]]), kept]


def expand_compaction(items: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Input items with each compaction item replaced by a system note the model reads."""
    out: list[Mapping[str, Any]] = []
    for item in items:
        if item.get("type") == "compaction":
            facts = decode(str(item.get("encrypted_content", "")))
            note = "Earlier in this conversation (compacted): " + " | ".join(facts)
            out.append({"type": "message", "role": "system", "content": note})
        else:
            out.append(item)
    return out


def threshold_of(body: Mapping[str, Any]) -> int | None:
    """``compact_threshold`` of a ``context_management`` compaction entry, if any."""
    for entry in as_mappings(body.get("context_management")):
        if entry.get("type") == "compaction":
            value = as_mapping(entry).get("compact_threshold")
            return int(value) if isinstance(value, int) else 0
    return None
