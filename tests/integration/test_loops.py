"""Connection pools per event loop: closed with their loop, all closed by aclose(), never shared with a fork.

Sockets are counted from ``/proc`` (this process's file descriptors joined
with the kernel's TCP table): the client's connections to the emulator, by
their local port, whatever the HTTP library keeps inside.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from agents import Agent, RunConfig, Runner

from agents_oci import OCIProvider
from agents_oci.http import loops
from agents_oci.testing import OCIEmulator

from .conftest import CHAT_MODEL, auth_for

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/fd"), reason="counts sockets in /proc")

ASK: dict[str, Any] = {"model": CHAT_MODEL, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 5}


def client_ports(server_port: int) -> set[int]:
    """Local ports of this process's open TCP connections to ``server_port``."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
                if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == server_port and state == "01":
                    ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


async def ask(oci: OCIProvider) -> str:
    reply = await oci.client().chat.completions.create(**ASK)
    return str(reply.choices[0].message.content)


# -- defect 4: one asyncio.run() per job


def test_soak_a_thousand_jobs_each_with_its_own_loop_hold_fds_and_threads_flat(emu: OCIEmulator) -> None:
    # A Generative AI API key: no RSA signature per job (measured: 8 ms a job
    # instead of 17 under load), the same client, transport and pools.
    oci = OCIProvider(base_url=emu.base_url, api_key=emu.register_bearer_key(), compartment_id=emu.compartment_id)
    for _ in range(20):  # warm: credentials, TLS context, imports, the emulator's own pools
        asyncio.run(ask(oci))
    fds, threads = fd_count(), threading.active_count()
    for _ in range(1000):
        assert asyncio.run(ask(oci))
    # Main leaked about 4 fds per job (a socket each side, a loop's selector
    # and self-pipe): 1,000 jobs ended some 4,000 fds up. A few may be in flight.
    assert fd_count() - fds <= 8, (fds, fd_count())
    assert threading.active_count() - threads <= 2
    assert len(client_ports(emu.port)) <= 1
    assert len(emu.journal.entries) >= 1000


def test_a_loop_closed_by_hand_has_its_pool_dropped_and_closed_by_the_next_loop(emu: OCIEmulator) -> None:
    """No asyncio.run(), so no shutdown of async generators: the next new loop sweeps."""
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    asyncio.run(ask(oci))
    fds = fd_count()
    for _ in range(50):
        loop = asyncio.new_event_loop()
        assert loop.run_until_complete(ask(oci))
        loop.close()
    assert fd_count() - fds <= 8, (fds, fd_count())
    assert len(client_ports(emu.port)) <= 1


# -- keep-alive across Runner.run_sync, pools closed with loop.close()


_RUN_SYNC_TIMES = """
import json, socket, sys
from agents import Agent, RunConfig, Runner, set_tracing_disabled
from agents_oci import OCIProvider
set_tracing_disabled(True)
opened = 0
connect = socket.socket.connect
def counting(self, address):  # asyncio's sock_connect starts every connection here
    global opened
    opened += 1
    return connect(self, address)
socket.socket.connect = counting
config_file, base_url, model = sys.argv[1:4]
oci = OCIProvider(config_file=config_file, base_url=base_url)
config = RunConfig(model_provider=oci)
for _ in range(5):
    assert Runner.run_sync(Agent(name="again", model=model), "hi", run_config=config).final_output
print(json.dumps({"runs": 5, "connections": opened}))
"""


def test_consecutive_run_sync_calls_on_the_main_thread_reuse_one_connection(
    emu: OCIEmulator,
) -> None:
    # run_sync runs every call on the thread's default loop and shuts its async
    # generators down after each: a pool closed then cost each call a new
    # connection (10 calls, 10 connections; on OCI a TLS handshake each).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-c", _RUN_SYNC_TIMES, emu.config_file, emu.base_url,
         CHAT_MODEL], capture_output=True, text=True, timeout=120, env=env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"runs": 5, "connections": 1}
    assert "unclosed transport" not in done.stderr, done.stderr  # closed at exit
    assert len(emu.journal.entries) == 5


def test_run_sync_in_a_thread_per_job_leaves_no_connection_behind(emu: OCIEmulator) -> None:
    # A thread's default loop is never closed by run_sync: its pool closes when
    # the run shuts the loop's async generators down (40 threads left 200 fds
    # open while the pools waited for a loop.close() that never came).
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    agent = Agent(name="threaded", model=CHAT_MODEL)
    config = RunConfig(model_provider=oci)
    before, fds = client_ports(emu.port), fd_count()

    def job() -> None:
        assert Runner.run_sync(agent, "hi", run_config=config).final_output

    for _ in range(40):
        thread = threading.Thread(target=job)
        thread.start()
        thread.join(60)
    gc.collect()
    assert not client_ports(emu.port) - before
    assert fd_count() - fds <= 8, (fds, fd_count())
    assert len(emu.journal.entries) == 40


def test_a_loop_closed_inside_another_running_loop_closes_its_pool_without_warnings(
    emu: OCIEmulator,
) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    before = client_ports(emu.port)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(ask(oci))

    async def close_it() -> None:  # this loop runs: the other cannot run its pool's close
        loop.close()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(close_it())
        gc.collect()
    assert loop.is_closed()
    assert not client_ports(emu.port) - before  # closed directly
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], caught


def test_a_loop_closed_by_asyncio_run_closes_its_pool_gracefully(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    before = client_ports(emu.port)
    inside: list[set[int]] = []

    async def job() -> None:
        await ask(oci)
        inside.append(client_ports(emu.port) - before)

    asyncio.run(job())
    assert len(inside[0]) == 1
    assert not client_ports(emu.port) & inside[0]


def test_a_loop_whose_close_cannot_be_wrapped_closes_its_pool_at_shutdown_asyncgens(
    emu: OCIEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A compiled loop (uvloop) takes no instance attributes: the pool then
    # closes when the loop shuts its async generators down.
    monkeypatch.setattr(loops, "_close_with", lambda loop: False)
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    before = client_ports(emu.port)
    inside: list[set[int]] = []
    after_shutdown: list[set[int]] = []

    async def job() -> None:
        await ask(oci)
        inside.append(client_ports(emu.port) - before)

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(job())
        loop.run_until_complete(loop.shutdown_asyncgens())
        after_shutdown.append(client_ports(emu.port) - before)
    finally:
        loop.close()
    assert len(inside[0]) == 1
    assert after_shutdown == [set()]


def test_a_run_sync_script_that_never_closes_its_loop_exits_without_resource_warnings(
    emu: OCIEmulator, tmp_path: Path
) -> None:
    # The thread's default loop is never closed; the pool is closed on it at exit.
    script = tmp_path / "once.py"
    script.write_text(textwrap.dedent(f"""
        from agents import Agent, RunConfig, Runner, set_tracing_disabled
        from agents_oci import OCIProvider
        set_tracing_disabled(True)
        oci = OCIProvider(config_file={emu.config_file!r}, base_url={emu.base_url!r},
                          project_id={emu.project_id!r})
        agent = Agent(name="once", model={CHAT_MODEL!r})
        print(Runner.run_sync(agent, "hi", run_config=RunConfig(model_provider=oci)).final_output)
    """))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "OPENAI_"))}
    done = subprocess.run([sys.executable, "-X", "dev", str(script)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert "ResourceWarning" not in done.stderr, done.stderr


# -- defect 6: aclose() closes every loop's pool


async def test_aclose_closes_the_pools_of_every_loop(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    before = client_ports(emu.port)
    await ask(oci)  # this loop's pool

    running = asyncio.new_event_loop()  # another thread's loop, still running
    thread = threading.Thread(target=running.run_forever, daemon=True)
    thread.start()
    assert asyncio.run_coroutine_threadsafe(ask(oci), running).result(30)

    stopped = asyncio.new_event_loop()  # a loop that ran and stopped, not closed

    def run_stopped() -> None:
        stopped.run_until_complete(ask(oci))

    other = threading.Thread(target=run_stopped)
    other.start()
    other.join(30)

    opened = client_ports(emu.port) - before
    assert len(opened) == 3, opened
    await oci.aclose()
    assert not client_ports(emu.port) & opened  # all three, not only this loop's
    assert running.is_running()  # closed on its own loop, which goes on
    running.call_soon_threadsafe(running.stop)
    thread.join(10)
    running.close()
    stopped.close()
    assert await ask(oci)  # the provider builds a new client after aclose()
    await oci.aclose()


# -- defect 5: a forked child never shares the parent's connections


def _child(oci: OCIProvider, parent_ports: set[int], emu_port: int, write: int) -> None:
    """Runs in the forked child: report 'ok' or what went wrong, then _exit."""
    try:
        agent = Agent(name="child", model=CHAT_MODEL)
        result = Runner.run_sync(agent, "from the child", run_config=RunConfig(model_provider=oci))
        mine = client_ports(emu_port)
        shared = mine & parent_ports
        report = "ok" if "from the child" in str(result.final_output) and not shared else f"shared {shared}"
    except BaseException as exc:
        report = f"{type(exc).__name__}: {exc}"
    os.write(write, report.encode()[:4000])
    os._exit(0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_does_not_use_the_parents_keep_alive_connection(emu: OCIEmulator) -> None:
    oci = OCIProvider(**auth_for(emu, "api_key").keywords)
    agent = Agent(name="parent", model=CHAT_MODEL)
    config = RunConfig(model_provider=oci)
    # The parent runs on a loop of its own that stays open and keeps its pool
    # (not the default loop, which pytest's own loop handling may close), so a
    # keep-alive connection is there for the child to inherit.
    loop = asyncio.new_event_loop()
    try:
        _fork_after_a_run(loop, emu, oci, agent, config)
    finally:
        loop.run_until_complete(oci.aclose())
        loop.close()


def _fork_after_a_run(
    loop: asyncio.AbstractEventLoop, emu: OCIEmulator, oci: OCIProvider, agent: Agent[Any], config: RunConfig
) -> None:
    assert loop.run_until_complete(Runner.run(agent, "from the parent", run_config=config)).final_output
    parent_ports = client_ports(emu.port)
    assert parent_ports  # the keep-alive connection the child inherits

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        _child(oci, parent_ports, emu.port, write)
    os.close(write)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung")
    report = os.read(read, 4096).decode()
    os.close(read)
    assert report == "ok", report
    # The parent's connection survived the child (closed there, never shut down).
    assert loop.run_until_complete(Runner.run(agent, "parent again", run_config=config)).final_output
    assert client_ports(emu.port) & parent_ports
    entries = emu.journal.entries
    assert [e.status for e in entries] == [200, 200, 200]
    assert all(e.auth_error is None for e in entries)


if sys.platform == "win32":  # pragma: no cover
    pytest.skip("POSIX only", allow_module_level=True)
