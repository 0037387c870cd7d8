"""Stored responses, for ``previous_response_id`` and ``GET /responses/{id}``.

The real service keeps a response when ``store`` is true (the default) and
rebuilds the conversation server-side when a later request continues from
it; the emulator does the same with the normalised conversation.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .replies import Message

__all__ = ["ResponseStore", "StoredResponse"]


@dataclass(frozen=True)
class StoredResponse:
    """A kept response: its JSON body and the conversation up to and including it."""

    body: Mapping[str, Any]
    conversation: tuple[Message, ...]


class ResponseStore:
    """Responses by id (thread-safe: tests read it while the server writes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._responses: dict[str, StoredResponse] = {}

    def put(self, response_id: str, stored: StoredResponse) -> None:
        """Keep ``stored`` under ``response_id``."""
        with self._lock:
            self._responses[response_id] = stored

    def get(self, response_id: str) -> StoredResponse | None:
        """The response kept under ``response_id``, if any."""
        with self._lock:
            return self._responses.get(response_id)

    def ids(self) -> tuple[str, ...]:
        """Every stored id, oldest first."""
        with self._lock:
            return tuple(self._responses)

    def clear(self) -> None:
        """Forget every stored response (as if they expired)."""
        with self._lock:
            self._responses.clear()
