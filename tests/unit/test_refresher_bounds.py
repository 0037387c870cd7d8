"""Waits on a refresh are bounded, and a fork during a refresh does not hang the child (issue 17, defect 6)."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

import pytest

from agents_oci.auth.credentials import SigningKey
from agents_oci.auth.refresher import Refresher, RefreshTimeoutError
from agents_oci.errors import CredentialsError

from .fakes import KEY, Clock


class GatedSource:
    """A token source whose refreshes block, in this process only, until ``gate`` opens."""

    def __init__(self, clock: Clock, *, ttl: float = 3600) -> None:
        self.clock = clock
        self.ttl = ttl
        self.can_refresh = True
        self.gate = threading.Event()
        self.started = threading.Event()
        self.pid = os.getpid()
        self.loads = 0

    def load(self, *, force: bool) -> SigningKey:
        self.loads += 1
        n = self.loads
        if n > 1 and os.getpid() == self.pid:  # the first load is the one at construction
            self.started.set()
            self.gate.wait()
        return SigningKey(f"ST$token-{os.getpid()}-{n}", KEY, self.clock() + self.ttl)


def make(timeout: float = 120.0) -> tuple[Refresher, GatedSource, Clock]:
    clock = Clock()
    source = GatedSource(clock)
    refresher = Refresher(source, clock=clock, refresh_timeout=timeout)
    refresher.load_now()
    return refresher, source, clock


def wait_child(pid: int, seconds: float) -> int | None:
    """The child's exit code, or None (and the child killed) when it hangs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("caller", ["sync", "async"])
def test_a_fork_during_a_refresh_does_not_hang_the_child(caller: str) -> None:
    refresher, source, clock = make()
    clock.now += 3600  # expired: every caller must wait for the refresh
    waiter = threading.Thread(target=refresher.current_sync, daemon=True)
    waiter.start()
    assert source.started.wait(5)  # a refresh is in flight, on a worker thread
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child, which has no worker thread
        try:
            key = refresher.current_sync() if caller == "sync" else asyncio.run(refresher.current())
            os._exit(0 if key.key_id.startswith(f"ST$token-{os.getpid()}-") else 3)
        except BaseException:
            os._exit(4)
    try:
        assert wait_child(pid, 10) == 0, "the child hung (or failed) on the parent's refresh"
    finally:
        source.gate.set()
        waiter.join(5)
    assert refresher.current_sync().key_id.startswith(f"ST$token-{os.getpid()}-")


def test_a_wait_on_a_hung_refresh_ends_with_a_clear_error() -> None:
    refresher, source, _ = make(timeout=0.3)
    rejected = refresher.current_sync()
    started = time.monotonic()
    with pytest.raises(RefreshTimeoutError) as caught:
        refresher.renew_after_rejection_sync(rejected)  # strict: no key to fall back on
    assert time.monotonic() - started < 5
    assert isinstance(caught.value, CredentialsError)
    assert "did not finish within 0.3 s" in str(caught.value) and "Fix:" in str(caught.value)
    source.gate.set()


async def test_an_async_wait_on_a_hung_refresh_ends_with_a_clear_error() -> None:
    refresher, source, clock = make(timeout=0.3)
    clock.now += 3600  # expired: no valid key to fall back on
    with pytest.raises(RefreshTimeoutError):
        await refresher.current()
    source.gate.set()


def test_after_a_stuck_refresh_times_out_the_next_caller_starts_a_new_one() -> None:
    refresher, source, clock = make(timeout=0.2)
    clock.now += 3600
    with pytest.raises(RefreshTimeoutError):
        refresher.current_sync()
    assert source.loads == 2
    source.pid = -1  # from now on refreshes do not block
    clock.now += 10  # past the pause between attempts (5 s)
    assert refresher.current_sync().key_id.endswith("-3")  # a new refresh, not the stuck one
    source.gate.set()
