"""A real HTTP server for an ASGI app: uvicorn on 127.0.0.1 in a background thread."""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Final

import uvicorn
from starlette.types import ASGIApp

from .faults import StreamCut

__all__ = ["BackgroundServer"]

_START_TIMEOUT: Final = 10.0
_STOP_TIMEOUT: Final = 10.0


class _QuietStreamCuts(logging.Filter):
    """Drop uvicorn's traceback for an injected stream cut: it is the point, not a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], StreamCut))


class BackgroundServer:
    """Serves ``app`` on a free port of 127.0.0.1 until :meth:`stop`."""

    def __init__(self, app: ASGIApp, *, host: str = "127.0.0.1") -> None:
        self._app = app
        self._host = host
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._filter = _QuietStreamCuts()
        self.port: int | None = None

    @property
    def running(self) -> bool:
        """The server thread is up and accepting connections."""
        return self._server is not None and self._server.started

    def start(self) -> int:
        """Bind a free port, start serving, and return the port once ready."""
        if self._thread is not None:
            raise RuntimeError("the server is already running")
        # Binding here (not in uvicorn) gives the port before the thread starts
        # and leaves no window for another process to take it.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        # IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only for
        # sockets made with it; without it every response waits ~40 ms for a delayed ACK.
        sock.bind((self._host, 0))
        config = uvicorn.Config(
            self._app,
            lifespan="off",
            http="h11",
            ws="none",
            log_config=None,  # leave the process's logging configuration alone
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            daemon=True,
            name=f"oci-emulator-{sock.getsockname()[1]}",
        )
        logging.getLogger("uvicorn.error").addFilter(self._filter)
        self._server, self._thread, self._socket = server, thread, sock
        self.port = sock.getsockname()[1]
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the emulator's server did not start")
            time.sleep(0.002)
        return self.port

    def stop(self) -> None:
        """Stop serving and wait for the thread to end (idempotent)."""
        server, thread, sock = self._server, self._thread, self._socket
        self._server = self._thread = self._socket = None
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(_STOP_TIMEOUT)
        if sock is not None:
            sock.close()
        logging.getLogger("uvicorn.error").removeFilter(self._filter)
        self.port = None
