"""Fault injection: failed requests, cut streams, latency.

Tests arm faults from their own thread while the server consumes them on its
event loop thread, so every operation takes the lock.

Example::

    emu.faults.fail_next(2, status=429, headers={"retry-after": "1"})
    emu.faults.fail_next(status=401)          # OCI's NotAuthenticated body
    emu.faults.cut_stream(after_events=3)     # next stream dies mid-way
    emu.faults.set_latency(first_byte=0.2, between_events=0.05)
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Failure", "Faults", "Latency", "StreamCut"]


@dataclass(frozen=True)
class Failure:
    """One injected error response.

    ``body`` ``None`` means OCI's usual body for ``status`` (in the emulator's
    error style). ``path_suffix`` limits the failure to matching paths.
    """

    status: int
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    path_suffix: str = ""


@dataclass(frozen=True)
class Latency:
    """Seconds to wait before the first byte and between stream events."""

    first_byte: float = 0.0
    between_events: float = 0.0


class StreamCut(Exception):
    """Raised inside the app to drop the connection mid-stream.

    A real server closes the socket when the app fails after the response
    started; the client sees an incomplete body. In process, the ASGI
    transport raises this exception to the caller instead.
    """


class Faults:
    """The faults armed for the next requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: deque[Failure] = deque()
        self._cuts: deque[int] = deque()
        self._latency = Latency()

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 500,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        path_suffix: str = "",
    ) -> None:
        """Answer the next ``count`` (matching) requests with an error.

        The request is still journalled and its signature still verified.
        """
        if count < 1 or not 400 <= status <= 599:
            raise ValueError(f"need count >= 1 and a 4xx/5xx status, got {count=}, {status=}")
        failure = Failure(status, body, dict(headers or {}), path_suffix)
        with self._lock:
            self._failures.extend([failure] * count)

    def cut_stream(self, after_events: int, *, count: int = 1) -> None:
        """Close the connection of the next ``count`` streams after ``after_events`` events.

        Events are SSE messages (``[DONE]`` included); a stream shorter than
        that ends normally.
        """
        if after_events < 0 or count < 1:
            raise ValueError(f"need after_events >= 0 and count >= 1, got {after_events}, {count}")
        with self._lock:
            self._cuts.extend([after_events] * count)

    def set_latency(self, *, first_byte: float = 0.0, between_events: float = 0.0) -> None:
        """Delay every response's first byte, and every stream event after the first."""
        if first_byte < 0 or between_events < 0:
            raise ValueError("latency cannot be negative")
        with self._lock:
            self._latency = Latency(first_byte, between_events)

    @property
    def latency(self) -> Latency:
        """The current latency settings."""
        with self._lock:
            return self._latency

    def take_failure(self, path: str) -> Failure | None:
        """Consume the first armed failure that applies to ``path``."""
        with self._lock:
            for failure in self._failures:
                if path.endswith(failure.path_suffix):
                    self._failures.remove(failure)
                    return failure
        return None

    def take_cut(self) -> int | None:
        """Consume the next stream cut, if one is armed."""
        with self._lock:
            return self._cuts.popleft() if self._cuts else None

    def clear(self) -> None:
        """Disarm everything and remove latency."""
        with self._lock:
            self._failures.clear()
            self._cuts.clear()
            self._latency = Latency()
