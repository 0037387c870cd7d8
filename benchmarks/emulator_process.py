"""The emulator in its own process, driven over a line protocol on stdin/stdout.

An emulator thread inside the benchmark process would compete with the client
for the GIL and inflate every latency and loop-stall figure of both clients
alike. Here the server has an interpreter of its own; the benchmark talks to
it through :class:`EmulatorProcess` (JSON lines: one command, one answer).

Run as a script, this file is the server side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Final

__all__ = ["EmulatorProcess", "tool_loop_handler"]

_READY_TIMEOUT: Final = 30.0
TOOL_NAME: Final = "lookup"


class EmulatorProcess:
    """Starts ``OCIEmulator(verify_signatures=False)`` in a child process.

    ``cpu`` pins the child to one CPU (Linux only), leaving the others to the client.
    """

    def __init__(self, *, cpu: int | None = None) -> None:
        self._cpu = cpu
        self._proc: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> EmulatorProcess:
        argv = [sys.executable, os.path.abspath(__file__)]
        if self._cpu is not None:
            argv.append(str(self._cpu))
        self._proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self.info = self._read()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.poll() is None:
                assert proc.stdin is not None
                proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                proc.stdin.flush()
            proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()

    @property
    def base_url(self) -> str:
        return str(self.info["base_url"])

    @property
    def config_file(self) -> str:
        return str(self.info["config_file"])

    @property
    def bearer_key(self) -> str:
        return str(self.info["bearer_key"])

    @property
    def pid(self) -> int:
        return int(self.info["pid"])

    def call(self, cmd: str, **args: Any) -> Any:
        """Send one command and return its answer."""
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise RuntimeError("the emulator process is not running")
        proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        proc.stdin.flush()
        return self._read()["result"]

    def _read(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the emulator process exited ({self._proc.poll()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"emulator process: {answer['error']}")
        return answer


# --- the server side ----------------------------------------------------------


def tool_loop_handler(turns: int) -> Any:
    """A handler calling ``lookup`` until ``turns - 1`` results are in, then answering."""
    from agents_oci.testing import Reply, ToolCall

    def handler(turn: Any) -> Any:
        results = sum(1 for message in turn.messages if message.role == "tool")
        if results < turns - 1:
            return Reply(tool_calls=(ToolCall(TOOL_NAME, json.dumps({"item": f"i{results}"})),))
        return Reply(text=f"Done after {results} lookups.")

    return handler


def _journal(emu: Any) -> list[Mapping[str, Any]]:
    return [
        {
            "path": entry.path,
            "status": entry.status,
            "body_bytes": len(entry.raw_body),
            "header_bytes": sum(len(k) + len(v) + 4 for k, v in entry.headers.raw),
            "request_line_bytes": len(entry.method) + len(entry.target) + 11,
        }
        for entry in emu.journal.entries
    ]


def _handle(emu: Any, command: Mapping[str, Any]) -> Any:
    cmd = command["cmd"]
    if cmd == "reset":
        emu.reset()
        return None
    if cmd == "journal":
        return _journal(emu)
    if cmd == "latency":
        emu.faults.set_latency(first_byte=command.get("first_byte", 0.0))
        return None
    if cmd == "fail_next":
        emu.faults.fail_next(command.get("count", 1), status=command["status"])
        return None
    if cmd == "tool_loop":
        emu.set_handler(tool_loop_handler(int(command["turns"])))
        return None
    if cmd == "default_handler":
        emu.set_handler(None)
        return None
    raise ValueError(f"unknown command {cmd!r}")


def _listen() -> Any:
    """A loopback listening socket whose connections get ``TCP_NODELAY``.

    asyncio sets ``TCP_NODELAY`` only on sockets created with
    ``proto=IPPROTO_TCP``; without it every response (headers, then body)
    waits ~40 ms for the client's delayed ACK.
    """
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _start_server(app: Any) -> tuple[Any, int]:
    import threading
    import time

    import uvicorn

    sock = _listen()
    config = uvicorn.Config(
        app, lifespan="off", http="h11", ws="none", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    deadline = time.monotonic() + _READY_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the emulator's server did not start")
        time.sleep(0.005)
    return server, int(sock.getsockname()[1])


def _serve() -> None:
    if len(sys.argv) > 1 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {int(sys.argv[1])})
    from agents_oci.testing import OCIEmulator

    # Same work for both clients: no signature check, so a signed request costs
    # the server exactly what a bearer request does. No project rule either: the
    # figures compare clients, and the plain baseline sends no OpenAI-Project.
    emu = OCIEmulator(verify_signatures=False, require_project=False)
    server, port = _start_server(emu.app)
    info = {
        "base_url": f"http://127.0.0.1:{port}/openai/v1",
        "config_file": emu.config_file,
        "compartment_id": emu.compartment_id,
        "bearer_key": emu.register_bearer_key(),
        "pid": os.getpid(),
    }
    print(json.dumps(info), flush=True)
    try:
        for line in sys.stdin:
            command = json.loads(line)
            if command["cmd"] == "quit":
                break
            try:
                answer: dict[str, Any] = {"result": _handle(emu, command)}
            except Exception as exc:
                answer = {"error": repr(exc)}
            print(json.dumps(answer), flush=True)
    finally:
        server.should_exit = True
        emu.close()


if __name__ == "__main__":
    _serve()
