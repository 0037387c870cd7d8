"""Which HTTP library the installed ``openai`` uses, and its Auth and transport.

openai 3.x runs on ``httpx2`` and openai 2.x on ``httpx``; the twin classes
in ``_httpx2`` and ``_httpx`` are imported only here and only for the installed
openai (importing ``httpx`` alone takes about 40 ms). Kept apart from
:mod:`.core` so that the twins import the core and nothing imports back:
core <- twins <- library, no cycle.
"""

from __future__ import annotations

import functools
import importlib
import os
import ssl
from typing import Any

from .core import BearerCore, SigningCore

__all__ = ["default_tls_context", "http_library", "make_auth", "make_transport"]


def http_library() -> Any:
    """The module (``httpx2`` or ``httpx``) whose clients the installed openai accepts.

    Decided by openai's major version: both libraries may be installed at once.
    """
    import openai

    if int(openai.__version__.split(".", 1)[0]) >= 3:
        import httpx2

        return httpx2
    import httpx

    return httpx


def make_auth(core: SigningCore | BearerCore) -> Any:
    """An ``Auth`` instance for the HTTP library the installed openai uses."""
    if http_library().__name__ == "httpx":
        from ._httpx import HttpxOCIAuth

        return HttpxOCIAuth(core)
    from ._httpx2 import Httpx2OCIAuth

    return Httpx2OCIAuth(core)


def default_tls_context() -> ssl.SSLContext:
    """The HTTP library's default TLS context, built once per process and shared.

    It is what the library would build for each transport itself (its CA
    bundle, ``SSL_CERT_FILE``/``SSL_CERT_DIR`` honoured), but building one
    loads the whole CA bundle: about 45 ms and 0.8 MB each time. Shared, a new
    event loop's pool costs microseconds instead of stalling that loop on its
    first request, and a hundred separately built models do not hold a hundred
    copies of the bundle. Keyed by the two variables, so changing them takes
    effect for clients built afterwards.
    """
    return _tls_context(
        http_library().__name__,
        os.environ.get("SSL_CERT_FILE") or None,
        os.environ.get("SSL_CERT_DIR") or None,
    )


@functools.cache
def _tls_context(library: str, cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    context: ssl.SSLContext = importlib.import_module(library).create_ssl_context()
    return context


def make_transport(**options: Any) -> Any:
    """A loop-local transport for the HTTP library the installed openai uses.

    Unless ``verify`` is given, every per-loop pool uses :func:`default_tls_context`.
    """
    options.setdefault("verify", default_tls_context())
    if http_library().__name__ == "httpx":
        from ._httpx import HttpxLoopLocalTransport

        return HttpxLoopLocalTransport(**options)
    from ._httpx2 import Httpx2LoopLocalTransport

    return Httpx2LoopLocalTransport(**options)
