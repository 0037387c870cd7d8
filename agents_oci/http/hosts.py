"""Which OCI host serves a request: vector store CRUD goes to the control plane.

Oracle's docs (``use-vector-store.htm``) split the OpenAI-compatible API
across two hosts: the inference host
``inference.generativeai.{region}.oci.{domain}/openai/v1`` serves responses,
conversations, files, vector-store files and search; vector store CRUD
(``/vector_stores`` and ``/vector_stores/{id}``) is served only by the
control-plane host ``generativeai.{region}.oci.{domain}/20231130/openai/v1``,
to IAM-signed requests. The signed client rewrites those requests before
signing, so ``client.vector_stores.create()`` just works; any other base URL
(the emulator, a proxy) keeps its host and gets the control-plane path.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["control_plane_target"]

_CRUD: Final = re.compile(r"^(?P<base>.*?)/openai/v1(?P<rest>/vector_stores(?:/[^/]+)?)/?$")
_INFERENCE: Final = "inference.generativeai."
CONTROL_PLANE_PREFIX: Final = "/20231130/openai/v1"


def control_plane_target(host: str, path: str) -> tuple[str, str] | None:
    """``(host, path)`` on the control plane for vector store CRUD; ``None`` for the rest.

    >>> control_plane_target("inference.generativeai.us-chicago-1.oci.oraclecloud.com",
    ...                      "/openai/v1/vector_stores/vs_1")
    ('generativeai.us-chicago-1.oci.oraclecloud.com', '/20231130/openai/v1/vector_stores/vs_1')
    >>> control_plane_target("127.0.0.1:8080", "/openai/v1/vector_stores/vs_1/search") is None
    True
    """
    if "/vector_stores" not in path:  # every other request: no regex on the hot path
        return None
    match = _CRUD.match(path)
    if match is None or match.group("base").endswith("/20231130"):
        return None
    new_host = host[len("inference.") :] if host.startswith(_INFERENCE) else host
    return new_host, match.group("base") + CONTROL_PLANE_PREFIX + match.group("rest")
