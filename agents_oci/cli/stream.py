"""Reading the Agents SDK's stream events: the few shapes the CLI prints."""

from __future__ import annotations

from typing import Any

__all__ = ["text_delta"]


def text_delta(event: Any) -> str:
    """The text a raw response event adds to the answer ('' for any other event).

    Both model classes stream Responses-API events (the SDK converts chat
    completion chunks), so one event type covers chat and Responses.
    """
    if getattr(event, "type", None) != "raw_response_event":
        return ""
    data = event.data
    if getattr(data, "type", None) != "response.output_text.delta":
        return ""
    delta = getattr(data, "delta", "")
    return delta if isinstance(delta, str) else ""
