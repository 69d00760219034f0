"""The single-writer lock of an annotation file, held on a lock file beside it.

``annotations/.ana.toml.lock`` is locked with ``flock``: the kernel releases it when the holder
dies, it is shared by every process that sees the folder (other users, containers, ``sudo``,
and NFS clients, where Linux maps it to a POSIX lock), and it does not depend on any per-user
state folder. The lock file itself is never deleted: deleting it would let a second process
lock a new file while the first still holds the old one.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import socket
import time
from pathlib import Path

from .printable import one_line

# How long a held lock is tried again before it is reported in use (see SetLock.acquire).
WAIT = 0.5


def lock_path(annotation_file: Path) -> Path:
    return annotation_file.with_name(f".{annotation_file.name}.lock")


class SetLock:
    def __init__(self, annotation_file: Path) -> None:
        self.annotation_file = annotation_file
        self.path = lock_path(annotation_file)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float | None = None) -> str | None:
        """Take the lock; None on success, else why not, in words (the holder, if known).

        A lock found held is tried again for up to ``wait`` seconds: a reviewer that was just
        killed (or is quitting) can leave it held for a moment by a process it was starting,
        which keeps a copy of the lock's descriptor from the fork until its exec. The default is
        ``WAIT``.
        """
        if self._fd is not None:
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
            try:
                fd = os.open(self.path, os.O_RDWR | flags, 0o666)
            except PermissionError:
                # Another user's lock file: a read-only descriptor can still take the lock.
                fd = os.open(self.path, os.O_RDONLY | flags)
        except OSError as exc:
            return f"cannot create the lock file {self.path.name} ({exc.strerror or exc})"
        deadline = time.monotonic() + (WAIT if wait is None else wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(0.01)
                    continue
                holder = _holder(fd)
                os.close(fd)
                return "in use by another reviewer" + (f" ({holder})" if holder else "")
            except OSError as exc:
                os.close(fd)
                return f"cannot lock it here ({exc.strerror or exc})"
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, _me().encode("utf-8", "replace"), 0)
        self._fd = fd
        return None

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _me() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return f"{user}, pid {os.getpid()} on {socket.gethostname()}\n"


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        return one_line(os.pread(fd, 200, 0).decode("utf-8", "replace").strip())[:120]
    return ""
