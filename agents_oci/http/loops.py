"""One connection pool per event loop, so a provider outlives ``asyncio.run()``.

An HTTP connection belongs to the event loop that opened it. A provider or
model is often created once and used from several loops: a script calling
``asyncio.run()`` twice, pytest-asyncio's loop per test, a worker that starts
a loop per job. With a single pool the second loop fails with "Event loop is
closed". :class:`LoopLocal` keeps one transport per running loop; the HTTP
client, the ``AsyncOpenAI`` object and the signing Auth stay shared.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["LoopLocal"]

T = TypeVar("T")


class LoopLocal(Generic[T]):
    """A value per running event loop, made on first use in that loop."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        # Weak keys: a finished loop's transport is dropped with the loop, and
        # its sockets are released when it is collected.
        self._values: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()  # loops in several threads may share us

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        value = self._values.get(loop)
        if value is None:
            with self._lock:
                value = self._values.get(loop)
                if value is None:
                    value = self._values[loop] = self._factory()
        return value

    def pop_current(self) -> T | None:
        """Forget and return the running loop's value (the caller closes it)."""
        with self._lock:
            return self._values.pop(asyncio.get_running_loop(), None)
