"""Serve an ASGI app on a chosen (or free) port of 127.0.0.1, in a background thread.

The emulator's own server always takes a free port; the ``emulator`` command
also honours ``--port``. Uvicorn runs in a worker thread, where it installs
no signal handlers, so the main thread owns Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Final

import uvicorn
from starlette.types import ASGIApp

__all__ = ["LoopbackServer"]

HOST: Final = "127.0.0.1"
_START_TIMEOUT: Final = 10.0
_STOP_TIMEOUT: Final = 10.0


class LoopbackServer:
    """``app`` on ``127.0.0.1:port`` (0: a free port); :attr:`port` is known once built."""

    def __init__(self, app: ASGIApp, port: int = 0) -> None:
        # Binding here, not in uvicorn, gives the port before the thread starts.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        # IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only for
        # sockets made with it; without it every response waits ~40 ms for a delayed ACK.
        if os.name == "posix":  # restart on the same port while old connections linger
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((HOST, port))
        except OSError:
            self._socket.close()
            raise
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(app, lifespan="off", http="h11", ws="none", log_config=None,
                                access_log=False, timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        daemon=True, name=f"agents-oci-emulator-{self.port}")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the emulator's server did not start on {self.url}")
            time.sleep(0.005)

    def stop(self) -> None:
        """Stop serving and wait for in-flight requests (idempotent)."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(_STOP_TIMEOUT)
        self._socket.close()
