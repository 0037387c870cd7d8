"""A forked child signs even if a parent thread held the placement lock at the fork."""

from __future__ import annotations

import os
import threading

import pytest

from agents_oci.auth.signing import Placement


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_child_forked_while_the_lock_is_held_counts_requests_afresh() -> None:
    placement = Placement(workers=1)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with placement._lock:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(30)
    placement._in_flight = 3  # the parent's requests in flight at the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: without the reset, in_flight() waits forever on the lock
        try:
            finished = threading.Event()

            def use() -> None:
                with placement.in_flight():
                    finished.set()

            threading.Thread(target=use, daemon=True).start()
            ok = finished.wait(5) and placement._in_flight == 0 and placement._pool is None
            os.write(write, b"ok" if ok else b"stuck")
        finally:
            os._exit(0)
    os.close(write)
    try:
        said = os.read(read, 16)
    finally:
        os.close(read)
        release.set()
        holder.join()
        os.waitpid(pid, 0)
    assert said == b"ok"
    assert placement._in_flight == 3  # the parent's own count is untouched
