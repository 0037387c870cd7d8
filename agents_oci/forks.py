"""Objects that start afresh in a forked child: one registry, one ``os.register_at_fork``.

A fork copies the parent's memory into the child: its locks (perhaps held by a
parent thread that does not exist in the child, so never released there), its
counts of requests in flight, its connection pools and its worker threads'
bookkeeping. Each object that holds such state registers here, and its
``_after_fork()`` runs in the child right after the fork, before the child
can make a request. Registration is weak: a collected object is forgotten.
"""

from __future__ import annotations

import os
import weakref
from typing import Final, Protocol

__all__ = ["Forkable", "reset_in_child"]


class Forkable(Protocol):
    """An object with state a forked child must not inherit."""

    def _after_fork(self) -> None: ...


_REGISTERED: Final[weakref.WeakSet[Forkable]] = weakref.WeakSet()
# Process-wide on purpose: a fork copies every object, and each must reset in the child.


def reset_in_child(thing: Forkable) -> None:
    """Run ``thing._after_fork()`` in every child forked from now on."""
    _REGISTERED.add(thing)


def _reset_all() -> None:
    for thing in list(_REGISTERED):
        thing._after_fork()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_reset_all)
