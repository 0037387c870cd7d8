"""Reading the small files a user points at: regular files only, size-capped.

The config file, a ``key_file`` and a ``security_token_file`` are paths the
user (or their environment) chooses, and the token file is re-read on every
refresh. A plain ``open().read()`` hangs forever on a FIFO and reads
``/dev/zero`` until ``MemoryError``; it reports a symlink loop, a directory
or a device as "does not exist" when checked with ``os.path.isfile``. Here:

- the file is opened non-blocking (a FIFO without a writer does not block
  the open) and refused unless ``fstat`` says it is a regular file;
- at most :data:`FILE_LIMIT` bytes are read, and a longer file is refused;
- every failure is returned as an :class:`Unreadable` with a precise reason
  ("is a FIFO (named pipe)", "is a symbolic link loop", ...), never raised:
  callers raise their own configuration error outside any ``except`` block,
  so no OS error (or file text) hangs on its ``__context__``.
"""

from __future__ import annotations

import errno
import os
import shlex
import stat
from dataclasses import dataclass
from typing import Final

__all__ = ["FILE_LIMIT", "Unreadable", "denied_fix", "read_regular_file"]

FILE_LIMIT: Final = 256 * 1024
"""Bytes read at most from a config, key or token file: 256 KiB.

Measured: an encrypted 4096-bit PKCS#8 PEM key is 3,446 bytes, the
emulator's session token (shaped like ``oci session authenticate``'s) 1,455
bytes, its three-profile config file 984 bytes. 256 KiB is some 70 times the
largest of them (room for dozens of profiles with ``key_content`` inline), and
reading it takes well under a millisecond: the cap only stops a device or a
runaway file from filling memory."""

_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)  # absent on Windows, which has no FIFOs
_FLAGS: Final = os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
_KINDS: Final = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a FIFO (named pipe), not a regular file"),
    (stat.S_ISCHR, "is a character device (such as /dev/zero), not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)
_REASONS: Final = {
    errno.ENOENT: "does not exist",
    errno.ELOOP: "is a symbolic link loop (too many levels of symbolic links)",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "does not exist (a part of the path is a file, not a directory)",
    errno.EACCES: "cannot be read (permission denied)",
    errno.EPERM: "cannot be read (operation not permitted)",
    errno.ENXIO: "is a socket or a device that cannot be opened as a file",
    errno.ENAMETOOLONG: "is not a usable path (it is too long)",
}


@dataclass(frozen=True)
class Unreadable:
    """Why a file could not be used: a phrase that follows the file's name."""

    reason: str
    missing: bool = False
    """True when nothing is at the path: the config file's "run oci setup config" case."""
    denied: bool = False
    """True when the file is there but this user may not read it: fix the permissions."""


def read_regular_file(path: str, limit: int = FILE_LIMIT) -> bytes | Unreadable:
    """The bytes of the regular file at ``path``, or why they cannot be had.

    Never blocks on a FIFO, never reads more than ``limit + 1`` bytes, never raises.
    """
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        return _os_problem(path, exc)
    except ValueError:  # a NUL character in the path
        return Unreadable("is not a usable path (it contains a NUL character)")
    try:
        mode = os.fstat(fd).st_mode
        for test, kind in _KINDS:
            if test(mode):
                return Unreadable(kind)
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        return _os_problem(path, exc)
    finally:
        os.close(fd)
    if len(data) > limit:
        return Unreadable(
            f"is larger than {limit // 1024} KiB, far more than a config, key or token "
            "file holds (a few KB): check that the path names the right file"
        )
    return data


def _read_at_most(fd: int, count: int) -> bytes:
    parts: list[bytes] = []
    left = count
    while left > 0:
        piece = os.read(fd, left)
        if not piece:
            break
        parts.append(piece)
        left -= len(piece)
    return b"".join(parts)


def _os_problem(path: str, exc: OSError) -> Unreadable:
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return Unreadable("is a symbolic link to a file that does not exist", missing=True)
    reason = _REASONS.get(exc.errno or 0) or f"cannot be read ({exc.strerror or exc})"
    return Unreadable(reason, missing=exc.errno == errno.ENOENT,
                      denied=exc.errno in (errno.EACCES, errno.EPERM))


def denied_fix(path: str) -> str:
    """The fix for a file this user may not read: a directory above it, or the file itself.

    A file inside a directory this user cannot enter is refused just the same
    (EACCES), and ``chmod`` on the file would not help there.
    """
    blocked = _first_closed_directory(os.path.dirname(os.path.abspath(path)))
    if blocked is not None:
        return (
            f"Fix: let this user enter the directory {blocked}: `chmod u+rx "
            f"{shlex.quote(blocked)}` as its owner (the file itself may be fine)."
        )
    quoted = shlex.quote(path)  # a path with a space is still one argument
    return (
        f"Fix: let this user read it: `chmod 600 {quoted}` as its owner, or "
        f"`sudo chown $(id -un) {quoted}` if another user owns it."
    )


def _first_closed_directory(directory: str) -> str | None:
    """The outermost directory on the way to ``directory`` this user cannot enter."""
    parts = directory.split(os.sep)
    for end in range(2, len(parts) + 1):
        step = os.sep.join(parts[:end]) or os.sep
        if os.path.isdir(step) and not os.access(step, os.X_OK):
            return step
    return None
