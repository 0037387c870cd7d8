"""Where the emulated model's answers come from: a queue, a handler, or the default.

Scripted replies are used first, in order; then the installed handler; then
the deterministic default responder. Tests queue replies from their own
thread while the server answers on another, hence the lock.
"""

from __future__ import annotations

import threading
from collections import deque

from .replies import Handler, RawEvents, Reply, Turn

__all__ = ["ReplyScript"]


class ReplyScript:
    """The answer source of one emulator."""

    def __init__(self, default: Handler) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Reply | RawEvents] = deque()
        self._handler: Handler | None = None
        self._default = default

    def queue(self, *answers: Reply | RawEvents) -> None:
        """Answer the next requests with ``answers``, one each, in order."""
        with self._lock:
            self._queue.extend(answers)

    def set_handler(self, handler: Handler | None) -> None:
        """Answer with ``handler`` once the queue is empty (``None`` restores the default)."""
        with self._lock:
            self._handler = handler

    @property
    def pending(self) -> int:
        """How many queued answers are still unused."""
        with self._lock:
            return len(self._queue)

    def clear(self) -> None:
        """Drop queued answers and the handler."""
        with self._lock:
            self._queue.clear()
            self._handler = None

    def answer(self, turn: Turn) -> Reply | RawEvents:
        """The answer to ``turn``: queued, else the handler's, else the default's."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            handler = self._handler or self._default
        # Called outside the lock: a handler may block (tests hold requests in flight).
        return handler(turn)
