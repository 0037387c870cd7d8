"""Refresh rules: fast path, windows, one shared refresh, never on the loop."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

from agents_oci.auth.credentials import SigningKey
from agents_oci.auth.refresher import Refresher

from .fakes import KEY, Clock, FakeSource


def make(ttl: float = 3600, delay: float = 0.0) -> tuple[Refresher, FakeSource, Clock]:
    clock = Clock()
    source = FakeSource(clock, ttl=ttl, delay=delay)
    refresher = Refresher(source, clock=clock, advisory_window=300, mandatory_window=30)
    refresher.load_now()
    return refresher, source, clock


async def test_fast_path_does_no_io() -> None:
    refresher, source, _ = make()
    keys = [await refresher.current() for _ in range(100)]
    assert {k.key_id for k in keys} == {"ST$token-1"}
    assert source.loads == [False]  # only the initial load


async def test_advisory_window_refreshes_in_background_and_keeps_signing() -> None:
    refresher, source, clock = make(delay=0.2)
    clock.now += 3600 - 200  # inside advisory (300 s), outside mandatory (30 s)
    started = time.perf_counter()
    key = await refresher.current()
    assert time.perf_counter() - started < 0.15  # did not wait for the 0.2 s refresh
    assert key.key_id == "ST$token-1"
    for _ in range(50):
        await asyncio.sleep(0.01)
        if refresher.refresh_count:
            break
    assert (await refresher.current()).key_id == "ST$token-2"
    assert source.threads[1] == "agents-oci-refresh"


async def test_mandatory_window_waits_off_the_loop() -> None:
    refresher, source, clock = make(delay=0.1)
    clock.now += 3600 - 10
    key = await refresher.current()
    assert key.key_id == "ST$token-2" and key.generation == 1
    assert source.threads[-1] != threading.current_thread().name


async def test_many_rejections_share_one_refresh() -> None:
    refresher, source, _ = make(delay=0.2)
    rejected = await refresher.current()
    keys = await asyncio.gather(*(refresher.renew_after_rejection(rejected) for _ in range(50)))
    assert source.loads == [False, True]  # exactly one forced refresh
    assert {k.generation for k in keys} == {1}
    # A request that saw the old key and is rejected later does not refresh again.
    late = await refresher.renew_after_rejection(rejected)
    assert late.generation == 1 and source.loads == [False, True]


async def test_cancelled_waiter_does_not_cancel_the_shared_refresh() -> None:
    refresher, _source, _ = make(delay=0.2)
    rejected = await refresher.current()
    first = asyncio.ensure_future(refresher.renew_after_rejection(rejected))
    second = asyncio.ensure_future(refresher.renew_after_rejection(rejected))
    await asyncio.sleep(0.05)
    first.cancel()
    key = await second
    assert key.generation == 1
    assert first.cancelled()


async def test_event_loop_keeps_ticking_during_a_slow_refresh() -> None:
    refresher, _, _ = make(delay=1.0)
    rejected = await refresher.current()
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.ensure_future(ticker())
    await asyncio.gather(*(refresher.renew_after_rejection(rejected) for _ in range(20)))
    task.cancel()
    assert len(gaps) > 100
    # A refresh on the loop would stall it for the whole second; the bound
    # leaves room for a loaded 2-core machine (CI runs beside nothing, but
    # developers' machines do not).
    assert max(gaps) < 0.25, f"event loop stalled {max(gaps) * 1000:.1f} ms"


class Recorder(logging.Handler):
    """Records what the ``agents_oci`` logger emits, from any thread."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def test_failed_advisory_refresh_keeps_old_key() -> None:
    # A handler on the logger itself: the warning comes from the refresh thread.
    recorder = Recorder()
    logger = logging.getLogger("agents_oci")
    logger.addHandler(recorder)
    try:
        refresher, source, clock = make()
        clock.now += 3600 - 10  # mandatory window, but the key is still valid
        source.fail = RuntimeError("metadata service down: secret-token-xyz")
        key = await refresher.current()
    finally:
        logger.removeHandler(recorder)
    assert key.key_id == "ST$token-1"
    text = "\n".join(recorder.messages)
    assert "refresh failed (RuntimeError)" in text
    assert "secret-token-xyz" not in text and "ST$" not in text


async def test_failed_refresh_of_expired_key_raises() -> None:
    refresher, source, clock = make()
    clock.now += 3600 + 1
    source.fail = RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        await refresher.current()


async def test_failed_forced_refresh_raises() -> None:
    refresher, source, _ = make()
    rejected = await refresher.current()
    source.fail = RuntimeError("boom")
    with pytest.raises(RuntimeError):
        await refresher.renew_after_rejection(rejected)


def test_sync_callers_and_other_loops_share_the_same_refresh() -> None:
    refresher, source, _ = make(delay=0.2)
    rejected = refresher.current_sync()
    results: list[SigningKey] = []

    def in_thread() -> None:
        results.append(asyncio.run(refresher.renew_after_rejection(rejected)))

    threads = [threading.Thread(target=in_thread) for _ in range(3)]
    for t in threads:
        t.start()
    results.append(refresher.renew_after_rejection_sync(rejected))
    for t in threads:
        t.join()
    assert [k.generation for k in results] == [1, 1, 1, 1]
    assert source.loads == [False, True]


def test_key_repr_hides_the_token() -> None:
    key = SigningKey("ST$eyJsecret.payload.sig", KEY, 5.0)
    assert "eyJ" not in repr(key) and "secret" not in repr(key)


async def test_non_refreshable_source_never_refreshes() -> None:
    clock = Clock()
    source = FakeSource(clock)
    source.can_refresh = False
    refresher = Refresher(source, clock=clock)
    refresher.load_now()
    clock.now += 10**7
    await refresher.current()
    assert source.loads == [False]


class SameTokenUnlessForced(FakeSource):
    """Like a principal signer: a non-forced load keeps the token until it is due."""

    def load(self, *, force: bool) -> SigningKey:
        key = super().load(force=force)
        if not force and len(self.loads) > 1:
            return SigningKey("ST$token-1", KEY, key.expires_at)
        return key


async def test_a_rejected_token_is_never_handed_back_as_renewed() -> None:
    clock = Clock()
    source = SameTokenUnlessForced(clock, delay=0.2)
    refresher = Refresher(source, clock=clock, advisory_window=300, mandatory_window=30)
    rejected = refresher.load_now()
    clock.now += 3600 - 200  # advisory window: a background, non-forced refresh starts
    await refresher.current()
    renewed = await refresher.renew_after_rejection(rejected)  # joins it, then forces
    assert renewed.key_id != rejected.key_id
    assert source.loads == [False, False, True]


async def test_a_thread_that_cannot_start_does_not_hang_later_refreshes(monkeypatch: pytest.MonkeyPatch) -> None:
    refresher, _source, _ = make()
    rejected = await refresher.current()

    class NoThreads:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def start(self) -> None:
            raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading, "Thread", NoThreads)
    with pytest.raises(RuntimeError, match="can't start new thread"):
        await asyncio.wait_for(refresher.renew_after_rejection(rejected), 2)
    monkeypatch.undo()
    renewed = await asyncio.wait_for(refresher.renew_after_rejection(rejected), 2)
    assert renewed.key_id == "ST$token-2"


async def test_a_failing_source_is_not_hammered_by_a_401_storm() -> None:
    refresher, source, _ = make()
    rejected = await refresher.current()
    source.fail = RuntimeError("metadata service down")
    results = await asyncio.gather(
        *(refresher.renew_after_rejection(rejected) for _ in range(100)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    for _ in range(20):  # more 401s within the retry interval
        with pytest.raises(RuntimeError):
            await refresher.renew_after_rejection(rejected)
    assert len(source.loads) == 2  # the initial load and one failed refresh
