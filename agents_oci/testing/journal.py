"""The journal: every request the emulator received, for tests to assert on.

It is test-only, so it keeps raw header values (including ``Authorization``):
tests check exactly what a client sent. Entries are immutable snapshots; the
server replaces an entry as the response progresses (status, completion).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["HeaderView", "Journal", "JournalEntry"]


class HeaderView(Mapping[str, str]):
    """Read-only headers as received; names are case-insensitive.

    ``view["X"]`` joins repeated headers with ``", "``; :meth:`getlist` keeps
    them apart; :attr:`raw` keeps the original pairs and order.
    """

    def __init__(self, raw: Iterable[tuple[str, str]]) -> None:
        self.raw: tuple[tuple[str, str], ...] = tuple(raw)

    def getlist(self, name: str) -> tuple[str, ...]:
        """Every value of ``name``, in the order received."""
        wanted = name.lower()
        return tuple(value for key, value in self.raw if key.lower() == wanted)

    def __getitem__(self, name: str) -> str:
        values = self.getlist(name)
        if not values:
            raise KeyError(name)
        return ", ".join(values)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(key.lower() for key, _ in self.raw))

    def __len__(self) -> int:
        return len({key.lower() for key, _ in self.raw})

    def __repr__(self) -> str:
        return f"HeaderView({list(self.raw)!r})"


@dataclass(frozen=True)
class JournalEntry:
    """One request and what the emulator did with it."""

    seq: int
    request_id: str
    method: str
    target: str
    """Raw path and ``?query`` exactly as received."""
    path: str
    headers: HeaderView
    body: Any
    """The parsed JSON body, or ``None`` when empty or not JSON."""
    raw_body: bytes = b""
    principal: str | None = None
    """``api_key:<user>``, ``session:<sub>`` or ``bearer`` when verified."""
    auth_scheme: str | None = None
    """The ``Authorization`` scheme sent, lowercase: ``signature``, ``bearer``, ...

    ``None`` when no ``Authorization`` header came (recorded even when
    verification is off or fails).
    """
    token_claims: Mapping[str, Any] | None = None
    """The verified security token's claims (``ST$`` key ids only, else ``None``).

    ``ptype`` tells principals apart: ``user`` (session token), ``instance``,
    ``resource``, ``workload`` (OKE); see :attr:`principal_type`.
    """
    auth_error: str | None = None
    """Why verification failed (the client only sees OCI's generic 401)."""
    status: int | None = None
    streamed: bool = False
    completed: bool = False
    """The whole response was sent (false while in flight or after a cut)."""
    fault: str | None = None
    """The injected fault that shaped the response, if any."""
    error: str | None = None
    """An unexpected server-side exception (the client got a 500)."""

    @property
    def principal_type(self) -> str | None:
        """``api_key``, ``bearer``, or a token's ``ptype`` (``user``, ``instance``,
        ``resource``, ``workload``); ``None`` when not verified."""
        if self.principal is None:
            return None
        if self.token_claims is not None:
            return str(self.token_claims.get("ptype", "session"))
        return self.principal.split(":", 1)[0]


class Journal:
    """A thread-safe, append-only record of requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[JournalEntry] = []
        self._positions: dict[int, int] = {}  # seq -> index in _entries
        self._next = 0

    def add(self, **fields: Any) -> JournalEntry:
        """Record a new request; returns the entry with its ``seq``."""
        with self._lock:
            entry = JournalEntry(seq=self._next, **fields)
            self._next += 1
            self._positions[entry.seq] = len(self._entries)
            self._entries.append(entry)
            return entry

    def update(self, seq: int, **changes: Any) -> None:
        """Replace fields of entry ``seq`` (ignored if the journal was cleared since)."""
        with self._lock:
            index = self._positions.get(seq)
            if index is not None:
                self._entries[index] = replace(self._entries[index], **changes)

    @property
    def entries(self) -> tuple[JournalEntry, ...]:
        """A snapshot of all entries, oldest first."""
        with self._lock:
            return tuple(self._entries)

    @property
    def last(self) -> JournalEntry:
        """The most recent entry (``IndexError`` when empty)."""
        with self._lock:
            return self._entries[-1]

    def find(self, *, path_suffix: str = "", method: str | None = None) -> tuple[JournalEntry, ...]:
        """Entries whose path ends with ``path_suffix`` (and method matches, if given)."""
        return tuple(
            entry
            for entry in self.entries
            if entry.path.endswith(path_suffix)
            and (method is None or entry.method.upper() == method.upper())
        )

    def clear(self) -> None:
        """Forget all entries."""
        with self._lock:
            self._entries.clear()
            self._positions.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
