"""Where a secret could surface: an error, its whole chain, tracebacks with locals, DEBUG logs."""

from __future__ import annotations

import contextlib
import logging
import re
import traceback
from collections.abc import Iterator

import pytest

LOGGERS = ("openai", "httpx", "httpx2", "httpcore", "httpcore2", "agents", "agents_oci")


def error_surfaces(exc: BaseException, *, passed_as: tuple[str, ...] = ()) -> str:
    """str(), repr() and tracebacks with locals of ``exc`` and every exception chained to it.

    The whole chain: ``__cause__`` and ``__context__``, suppressed or not, as
    error reporters walk it. ``passed_as`` names keyword parameters that hold
    the secret because the caller passed it there (``api_key=``): the frame
    receiving a keyword holds it by definition, so those locals lines are left
    out; every other local of every frame is searched. The first frame of
    ``exc``'s traceback, the test's own (which holds the secret it passes), is
    skipped.
    """
    tb = exc.__traceback__
    if tb is not None:
        exc.with_traceback(tb.tb_next)
    texts: list[str] = []
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current)]
        texts += traceback.TracebackException.from_exception(current, capture_locals=True).format()
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    text = "".join(texts)
    for name in passed_as:
        text = re.sub(rf"(?m)^\s+{name} = .*$", "", text)
    return text


def chain_of(exc: BaseException) -> list[BaseException]:
    """Every exception reachable through ``__cause__`` / ``__context__`` (``exc`` excluded)."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None:
        nxt = current.__cause__ or current.__context__
        if nxt is not None:
            found.append(nxt)
        current = nxt
    return found


@contextlib.contextmanager
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """DEBUG logs of every library on the request path, captured."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(caplog.at_level(logging.DEBUG))
        for name in LOGGERS:
            stack.enter_context(caplog.at_level(logging.DEBUG, logger=name))
        yield


def assert_absent(secrets: list[str], *texts: str) -> None:
    haystack = "\n".join(texts)
    for secret in secrets:
        assert secret and secret not in haystack, f"leaked: {secret[:6]}..."
