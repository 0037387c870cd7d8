"""Files and vector stores, and a search that really reads the uploaded text.

Oracle's docs (``use-vector-store.htm``, ``responses-api.htm``): files
(``/files``), vector-store files and search (``/vector_stores/{id}/files``,
``/vector_stores/{id}/search``) are on the inference host; vector store
CRUD is on the control-plane host (``generativeai.{region}.oci.{domain}/
20231130/openai/v1/vector_stores``), IAM only. Shapes are the ``openai``
SDK's ``FileObject``, ``VectorStore``, ``VectorStoreFile`` and
``VectorStoreSearchResponse``. OCI indexes files asynchronously; the
emulator indexes at once (status ``completed``), which a client polling
until ``completed`` also accepts. The ranking is deterministic and simple:
the share of the query's words found in a chunk (a chunk is a paragraph).
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from .errors import ServiceError

__all__ = ["DocumentStore", "Hit", "StoredFile", "StoredVectorStore"]

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
    ]
)


@dataclass
class StoredFile:
    """An uploaded file: its metadata and text."""

    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int
    project: str | None

    def body(self) -> dict[str, Any]:
        """The ``file`` object."""
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.data),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
        }

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


@dataclass
class StoredVectorStore:
    """A vector store and the files attached to it."""

    id: str
    name: str
    created_at: int
    compartment: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    file_ids: list[str] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """The ``vector_store`` object."""
        count = len(self.file_ids)
        return {
            "id": self.id,
            "object": "vector_store",
            "created_at": self.created_at,
            "name": self.name,
            "metadata": dict(self.metadata),
            "status": "completed",
            "usage_bytes": 0,
            "last_active_at": self.created_at,
            "file_counts": {
                "in_progress": 0,
                "completed": count,
                "failed": 0,
                "cancelled": 0,
                "total": count,
            },
        }


@dataclass(frozen=True)
class Hit:
    """One search result: a chunk of a file and its score in [0, 1]."""

    file_id: str
    filename: str
    score: float
    text: str


class DocumentStore:
    """Files and vector stores of one emulator (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.files: dict[str, StoredFile] = {}
        self.vector_stores: dict[str, StoredVectorStore] = {}

    def add_file(
        self, filename: str, purpose: str, data: bytes, created_at: int, project: str | None
    ) -> StoredFile:
        """Keep an uploaded file."""
        stored = StoredFile(
            f"file-{uuid.uuid4().hex}", filename, purpose, data, created_at, project
        )
        with self._lock:
            self.files[stored.id] = stored
        return stored

    def file(self, file_id: str) -> StoredFile:
        """An uploaded file, or OCI's 404."""
        with self._lock:
            found = self.files.get(file_id)
        if found is None:
            raise ServiceError(404, "NotAuthorizedOrNotFound", f"File '{file_id}' not found.")
        return found

    def delete_file(self, file_id: str) -> None:
        """Forget a file and detach it everywhere."""
        self.file(file_id)
        with self._lock:
            del self.files[file_id]
            for store in self.vector_stores.values():
                if file_id in store.file_ids:
                    store.file_ids.remove(file_id)

    def add_vector_store(
        self, name: str, created_at: int, compartment: str | None, metadata: dict[str, Any]
    ) -> StoredVectorStore:
        """A new, empty vector store."""
        store = StoredVectorStore(f"vs_{uuid.uuid4().hex}", name, created_at, compartment, metadata)
        with self._lock:
            self.vector_stores[store.id] = store
        return store

    def vector_store(self, store_id: str) -> StoredVectorStore:
        """A vector store, or OCI's 404."""
        with self._lock:
            found = self.vector_stores.get(store_id)
        if found is None:
            raise ServiceError(
                404, "NotAuthorizedOrNotFound", f"Vector store '{store_id}' not found."
            )
        return found

    def delete_vector_store(self, store_id: str) -> None:
        """Forget a vector store (its files stay uploaded)."""
        self.vector_store(store_id)
        with self._lock:
            del self.vector_stores[store_id]

    def attach(self, store_id: str, file_id: str) -> None:
        """Attach an uploaded file to a vector store (indexed at once)."""
        store, _ = self.vector_store(store_id), self.file(file_id)
        with self._lock:
            if file_id not in store.file_ids:
                store.file_ids.append(file_id)

    def search(self, store_ids: list[str], query: str, limit: int = 10) -> list[Hit]:
        """The best chunks of the stores' files for ``query``, best first (ties by order)."""
        wanted = {w for w in _WORD.findall(query.lower()) if w not in _STOP}
        hits: list[Hit] = []
        for store_id in store_ids:
            for file_id in list(self.vector_store(store_id).file_ids):
                stored = self.file(file_id)
                for chunk in _chunks(stored.text):
                    words = set(_WORD.findall(chunk.lower()))
                    score = len(wanted & words) / len(wanted) if wanted else 0.0
                    if score > 0:
                        hits.append(Hit(file_id, stored.filename, round(score, 4), chunk))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]

    def clear(self) -> None:
        """Forget every file and vector store."""
        with self._lock:
            self.files.clear()
            self.vector_stores.clear()


def _chunks(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"\n\s*\n", text) if c.strip()]
