"""One connection pool per event loop, closed with its loop, dropped in a forked child.

An HTTP connection belongs to the event loop that opened it. A provider or
model is often created once and used from several loops: a script calling
``asyncio.run()`` twice, pytest-asyncio's loop per test, a worker that starts
a loop per job. With a single pool the second loop fails with "Event loop is
closed". :class:`LoopLocal` keeps one pool per loop; the HTTP client, the
``AsyncOpenAI`` object and the signing Auth stay shared.

A pool must not outlive its loop: its sockets keep the loop alive (each
socket's transport holds it), so one ``asyncio.run()`` per job with a shared
provider leaked a socket, a dead loop and a pool per job (measured on main:
about 4 fds per job; with a 256-fd limit every job failed from the 247th).
Nor should it die before its loop: ``Runner.run_sync`` runs every call on
the thread's one default loop and calls ``shutdown_asyncgens()`` after each,
so a pool closed at that point costs every ``run_sync`` a new connection (a
TCP and TLS handshake to OCI; measured: 10 calls, 10 connections). So each
loop's pool is closed:

- when its loop closes: ``loop.close`` is wrapped, on the loop object itself,
  the first time the loop makes a pool, and closes the loop's pools on it
  (gracefully: the loop is stopped but not yet closed) before closing it.
  ``asyncio.run()``, ``asyncio.Runner`` (and so pytest-asyncio) all end with
  ``loop.close()``. A main-thread loop keeps its pool across
  ``shutdown_asyncgens()`` for that reason;
- when a loop of another thread shuts its async generators down: such a
  thread may end without ever closing its loop (``run_sync`` in a thread per
  request: measured, 40 threads left 200 fds open when their pools waited for
  ``loop.close()``), so its pool closes then, as every pool did before;
- for a loop whose ``close`` cannot be wrapped (a compiled loop such as
  uvloop's): when the loop shuts its async generators down, likewise (each
  pool comes with one, whose ``finally`` closes the pool on its loop);
- when a loop is found closed without either (closed through its class):
  on the next new loop, its pool is dropped and its sockets closed directly;
- at interpreter exit, for loops still open (a ``run_sync`` thread's default
  loop): on the loop, which is not running then;
- by :meth:`LoopLocal.close_all` (``aclose()``): every pool, each on its own
  loop if that loop is running, else directly;
- in a forked child: every inherited pool is dropped and the child's copies
  of its sockets closed (``close()``, never ``shutdown()``: the parent keeps
  using the same connections), so a child never writes on the parent's
  keep-alive connection.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import threading
import weakref
from collections.abc import AsyncGenerator, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from ..forks import reset_in_child

__all__ = ["LoopLocal", "close_sockets"]

T = TypeVar("T")

_OTHER_LOOP_TIMEOUT: Final = 10.0
"""Seconds to wait for a pool to close on another thread's loop."""


@dataclass
class _Entry(Generic[T]):
    value: T
    closer: AsyncGenerator[None, None] | None
    """Closes the value at ``shutdown_asyncgens()``; None once spent."""
    keep: bool = False
    """Kept across ``shutdown_asyncgens()``: a main-thread loop whose ``close`` is wrapped."""


class LoopLocal(Generic[T]):
    """A value per event loop, made on first use in that loop and closed with it."""

    def __init__(
        self,
        factory: Callable[[], T],
        *,
        close: Callable[[T], Coroutine[Any, Any, None]],
        close_directly: Callable[[T], None],
    ) -> None:
        self._factory = factory
        self._close = close
        self._close_directly = close_directly
        self._values: dict[asyncio.AbstractEventLoop, _Entry[T]] = {}
        self._lock = threading.Lock()  # loops in several threads may share us
        _INSTANCES.add(self)
        reset_in_child(self)

    async def get(self) -> T:
        loop = asyncio.get_running_loop()
        entry = self._values.get(loop)  # the fast path: one dict lookup, no lock
        if entry is not None:
            return entry.value
        with self._lock:
            entry = self._values.get(loop)
            stale = [] if entry is not None else self._pop_closed()
            if entry is None:
                keep = _close_with(loop) and threading.current_thread() is threading.main_thread()
                entry = self._values[loop] = _Entry(self._factory(), self._closer(loop), keep)
                fresh = True
            else:
                fresh = False
        for old in stale:
            self._discard(old)
        if fresh and entry.closer is not None:
            # Started on this loop, so the loop's shutdown_asyncgens() closes it.
            await entry.closer.asend(None)
        return entry.value

    def _take(self, loop: asyncio.AbstractEventLoop) -> _Entry[T] | None:
        with self._lock:
            return self._values.pop(loop, None)

    def _close_on(self, loop: asyncio.AbstractEventLoop) -> None:
        """Close ``loop``'s value on ``loop``, which is open and not running."""
        entry = self._take(loop)
        if entry is None:
            return
        _finish(entry.closer)
        closing = self._close(entry.value)
        try:
            loop.run_until_complete(closing)
        except Exception:  # another loop runs in this thread, or the close failed
            closing.close()  # never started: no "coroutine was never awaited"
            self._close_directly(entry.value)

    async def _closer(self, loop: asyncio.AbstractEventLoop) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            # Still ours only at the loop's shutdown: otherwise the entry was
            # already taken (and closed) by whoever took it.
            with self._lock:
                entry = self._values.get(loop)
                if entry is not None and entry.keep and not loop.is_closed():
                    entry.closer = None  # spent; loop.close() (or the exit) closes the pool
                    entry = None
                elif entry is not None:
                    del self._values[loop]
            if entry is not None:
                await self._close(entry.value)

    def _pop_closed(self) -> list[_Entry[T]]:
        closed = [loop for loop in self._values if loop.is_closed()]
        return [self._values.pop(loop) for loop in closed]

    def _discard(self, entry: _Entry[T]) -> None:
        """Close ``entry`` without its loop: its closer returns at once, the sockets close."""
        _finish(entry.closer)
        self._close_directly(entry.value)

    async def close_all(self) -> None:
        """Close every loop's value: on its own loop where it runs, else directly."""
        with self._lock:
            entries, self._values = self._values, {}
        current = asyncio.get_running_loop()
        for loop, entry in entries.items():
            _finish(entry.closer)
            if loop is current:
                await self._close(entry.value)
            elif loop.is_running():
                future = asyncio.run_coroutine_threadsafe(self._close(entry.value), loop)
                try:
                    await asyncio.wait_for(asyncio.wrap_future(future), _OTHER_LOOP_TIMEOUT)
                except (asyncio.TimeoutError, RuntimeError, concurrent.futures.CancelledError):
                    self._close_directly(entry.value)  # that loop stopped or is stuck
            else:
                self._close_directly(entry.value)

    def _after_fork(self) -> None:
        """In a forked child: drop every inherited value, closing the child's copies."""
        global _wrap_lock
        _wrap_lock = threading.Lock()  # the module's, too: any instance may reset it
        self._lock = threading.Lock()  # another parent thread may have held it at fork
        entries, self._values = self._values, {}
        for entry in entries.values():
            self._discard(entry)


def _finish(closer: AsyncGenerator[None, None] | None) -> None:
    """End a closer whose entry is already taken: its ``finally`` has nothing to await."""
    if closer is None:
        return
    with contextlib.suppress(StopIteration, RuntimeError):  # RuntimeError: it already ended
        closer.aclose().send(None)


def close_sockets(pool: Any) -> None:
    """Close the sockets of an httpx/httpx2 transport's pool without its event loop.

    Best effort, for pools whose loop is gone or not running (and in a forked
    child): it reaches into httpcore's connection objects (the same layout in
    httpcore 1.x and httpcore2). Where the layout differs, the pool is only
    dropped, and its sockets close when it is collected.
    """
    connections = getattr(getattr(pool, "_pool", None), "connections", ())
    for connection in list(connections):
        stream = getattr(getattr(connection, "_connection", None), "_network_stream", None)
        try:
            sock = stream.get_extra_info("socket") if stream is not None else None
        except Exception:
            continue
        raw = getattr(sock, "_sock", sock)  # asyncio's TransportSocket wraps the socket
        close = getattr(raw, "close", None)
        if callable(close):
            close()


_INSTANCES: Final[weakref.WeakSet[LoopLocal[Any]]] = weakref.WeakSet()
# Every instance, for closing a loop's pools when the loop closes.

_WRAPPED: Final = "_agents_oci_closes_pools"
_OPEN_LOOPS: Final[weakref.WeakSet[asyncio.AbstractEventLoop]] = weakref.WeakSet()
_wrap_lock = threading.Lock()  # replaced in a forked child (a parent thread may hold it)


def _close_with(loop: asyncio.AbstractEventLoop) -> bool:
    """Make ``loop.close()`` close the loop's pools first; False where it cannot be wrapped."""
    with _wrap_lock:
        if loop.__dict__.get(_WRAPPED) if hasattr(loop, "__dict__") else False:
            return True
        # Only a weak reference to the loop: the wrapper lives on the loop, and a
        # cycle would keep a dropped loop (and its selector's fds) until the next
        # garbage collection instead of freeing it when its last user lets go.
        own = loop.__dict__.get("close") if hasattr(loop, "__dict__") else None
        closing = type(loop).close
        target = weakref.ref(loop)

        def close() -> None:
            current = target()
            if current is None:
                return
            try:
                _close_pools(current)
            finally:  # a Ctrl-C during the pools' close still closes the loop
                if own is not None:
                    own()
                else:
                    closing(current)

        try:
            loop.close = close  # type: ignore[method-assign]
            setattr(loop, _WRAPPED, True)
        except AttributeError:  # no instance attributes (a compiled loop)
            return False
        _OPEN_LOOPS.add(loop)
        return True


def _close_pools(loop: asyncio.AbstractEventLoop) -> None:
    """Every pool of ``loop``, closed on it; nothing when it is running (close() refuses then)."""
    if loop.is_closed() or loop.is_running():
        return
    for instance in list(_INSTANCES):
        instance._close_on(loop)
    _OPEN_LOOPS.discard(loop)


@atexit.register
def _close_at_exit() -> None:
    for loop in list(_OPEN_LOOPS):
        _close_pools(loop)


