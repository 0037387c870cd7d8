"""Terminal output: one place decides colours, widths and spinners.

On a terminal, rich draws colours, tables sized to the window and spinners.
Anywhere else (a pipe, a file, CI) output is plain text whose lines are never
cut or wrapped, so logs and ``grep`` see whole paths and messages, and there
is no spinner at all.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Final

from rich.console import Console

__all__ = ["Waiting", "err_console", "out_console", "progress"]

_PLAIN_WIDTH: Final = 10_000
# Wide enough that rich never wraps or crops a line of plain (non-terminal) output.


def _console(stderr: bool) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(stderr=stderr, highlight=False)
    return Console(stderr=stderr, highlight=False, width=_PLAIN_WIDTH, no_color=True)


def out_console() -> Console:
    """The console for results (stdout)."""
    return _console(stderr=False)


def err_console() -> Console:
    """The console for progress and problems (stderr), so stdout stays machine-readable."""
    return _console(stderr=True)


@contextlib.contextmanager
def progress(console: Console, message: str) -> Iterator[None]:
    """A spinner with ``message`` while the block runs, on a terminal only."""
    if not console.is_terminal:
        yield
        return
    with console.status(message):
        yield


class Waiting:
    """A spinner stopped at the first sign of life (e.g. the first streamed token).

    Nothing is shown when ``console`` is not a terminal; :meth:`stop` may be
    called any number of times.
    """

    def __init__(self, console: Console, message: str) -> None:
        self._status = console.status(message) if console.is_terminal else None

    def __enter__(self) -> Waiting:
        if self._status is not None:
            self._status.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._status is not None:
            self._status.stop()
