"""Loaded private keys, cached per process: unpickling a provider must be cheap.

Loading a PEM key costs ~32 ms (``cryptography`` validates the RSA key on every
load), and every unpickle of a provider or model loads it again: at 400 Ray
tasks each receiving a pickled provider that was 1.6x slower than caching one
provider per worker. The cache is keyed by what decides the key's value: the
file (path, device, inode, size, mtime in ns) or a digest of ``key_content``, the
profile, and a digest of the pass phrase. A rotated key file has a new mtime
(or inode), so it is loaded again; nothing is ever served from a stale file.
Only successes are cached: a failed load raises every time.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Final

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = ["cached_key", "clear", "key_identity"]

_MAX_ENTRIES: Final = 64
_Key = tuple[object, ...]
_cache: OrderedDict[_Key, RSAPrivateKey] = OrderedDict()
_lock = threading.Lock()


def _digest(text: str | None) -> str | None:
    # Only a digest is kept in the cache key, never the pass phrase or key text.
    if text is None:
        return None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _file_identity(path: str) -> tuple[object, ...] | None:
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None  # the loader reports what is wrong with the path
    # The path as given plus the file's identity (no realpath: it costs as much
    # as the rest of a cache hit, and device + inode already name the file).
    return (path, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def key_identity(
    *,
    profile: str,
    pass_phrase: str | None,
    key_content: str | None = None,
    key_file: str | None = None,
) -> tuple[object, ...] | None:
    """What decides a profile's key, as digests and file identity; ``None``: do not cache."""
    if key_content is not None:
        identity: tuple[object, ...] | None = ("content", _digest(key_content))
    else:
        identity = _file_identity(key_file or "")
    return None if identity is None else (*identity, profile, _digest(pass_phrase))


def cached_key(
    load: Callable[[], RSAPrivateKey], identity: tuple[object, ...] | None
) -> RSAPrivateKey:
    """``load()``'s key, from this process's cache when a key of that identity was loaded.

    This frame holds no secret (only digests): it is in the traceback of every
    key error that ``load()`` raises.
    """
    if identity is None:
        return load()
    with _lock:
        key = _cache.get(identity)
        if key is not None:
            _cache.move_to_end(identity)
            return key
    key = load()  # outside the lock: two threads may both load once, never wait on each other
    with _lock:
        _cache[identity] = key
        while len(_cache) > _MAX_ENTRIES:
            _cache.popitem(last=False)
    return key


def clear() -> None:
    """Forget every cached key (tests and benchmarks measure the uncached cost with it)."""
    with _lock:
        _cache.clear()
