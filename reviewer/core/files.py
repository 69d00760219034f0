"""Files read and written safely: regular files only, bounded reads, atomic replacement that keeps
the old file's mode, exclusive creation, and writing to devices without replacing them.

Every reader of user input goes through ``read_regular``: a named pipe, a device or a folder is
refused at once (opening with O_NONBLOCK never waits for a writer), and a file larger than the
caller's limit is refused before it is read into memory.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from pathlib import Path

MIB = 1024 * 1024


class FileRefused(ValueError):
    """A path that is not something reviewer reads (a pipe, a device, too large...)."""


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def size_text(n: int) -> str:
    if n >= MIB:
        return f"{n / MIB:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} bytes"


_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    FileRefused for anything else (with a message naming what it is), OSError when reading fails.
    """
    return read_regular_stat(path, limit)[0]


def read_regular_stat(path: str | os.PathLike[str], limit: int) -> tuple[bytes, os.stat_result]:
    """``read_regular``, with the file's status as it was opened."""
    fd = os.open(path, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused(f"{kind_of(st.st_mode)}, not a regular file")
        if st.st_size > limit:
            size, most = size_text(st.st_size), size_text(limit)
            raise FileRefused(f"too large ({size}; the limit is {most})")
        chunks: list[bytes] = []
        total = 0
        while True:
            block = os.read(fd, min(4 * MIB, limit + 1 - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
            if total > limit:  # the file grew while we read it
                raise FileRefused(f"too large (more than {size_text(limit)})")
        return b"".join(chunks), st
    finally:
        os.close(fd)


Sig = tuple[int, int, int, int]  # see signature_of


def signature_of(st: os.stat_result) -> Sig:
    """(device, inode, size, modification time in ns): how a saved file is recognised later. A
    rename keeps all four, so the temporary file's signature is the renamed file's."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def fsync_folder(folder: Path) -> None:
    """Make a rename or link in ``folder`` durable; best effort (not every filesystem can)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _temp_name(path: Path) -> Path:
    """Unique per writer, threads of one process included (two racing ``write_new`` calls
    must never share a temporary file)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _write_temp(
    path: Path, data: bytes | memoryview, like: os.stat_result | None
) -> tuple[Path, os.stat_result]:
    """Write ``data`` to a fresh temporary file beside ``path``, fsynced; returns its path.

    The temporary file is created exclusively and never through a symbolic link, so a planted
    link cannot redirect the write. With ``like``, it gets that file's mode (and owner, where the
    process may set it), so saving never widens a 0600 file to 0644.
    """
    tmp = _temp_name(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags | getattr(os, "O_CLOEXEC", 0), 0o666)  # the umask applies
    try:
        if like is not None:
            with contextlib.suppress(OSError):
                os.fchmod(fd, stat.S_IMODE(like.st_mode))
            if hasattr(os, "fchown") and (like.st_uid, like.st_gid) != _owner(fd):
                with contextlib.suppress(OSError):
                    os.fchown(fd, like.st_uid, like.st_gid)
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
        written = os.fstat(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp, written


def _owner(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_uid, st.st_gid


def write_atomic(path: Path, data: bytes | memoryview) -> os.stat_result:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file.

    The old file's mode and owner are kept. Returns the new file's status (a rename keeps it).
    Raises OSError; nothing is left behind on failure.
    """
    tmp, written = write_beside(path, data)
    put_in_place(tmp, path)
    return written


def write_beside(path: Path, data: bytes | memoryview) -> tuple[Path, os.stat_result]:
    """The first half of ``write_atomic``: ``data`` in a fresh temporary file beside ``path``
    (named ``.NAME.PID.TOKEN.tmp``), fsynced, with ``path``'s mode and owner; its path and
    status. ``path`` itself is not touched."""
    try:
        like: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        like = None
    return _write_temp(path, data, like)


def put_in_place(tmp: Path, path: Path) -> None:
    """The second half of ``write_atomic``: rename ``tmp`` over ``path`` and make it durable.
    On failure ``tmp`` is removed and the OSError raised; ``path`` is as it was."""
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(path.parent)


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data``; FileExistsError if it exists, even if another process
    creates it at the same moment (the file appears complete, by a hard link, or not at all)."""
    tmp, _ = _write_temp(path, data, None)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
                raise
            # No hard links here (some network and FUSE filesystems): O_EXCL is still exclusive,
            # though a crash mid-write could leave a partial file.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    fsync_folder(path.parent)


def write_output(target: str, data: bytes) -> str:
    """Write an export where the user asked; returns how to name it in messages.

    ``-`` is standard output. An existing device or pipe (``/dev/stdout``, ``/dev/full``) is
    written to directly, never replaced by a regular file. A symbolic link to a regular file is
    followed, so the link survives; a regular file is replaced atomically with its mode kept.
    """
    if target == "-":
        if sys.stdout.isatty():
            # Data written to a file keeps every byte; on a terminal, controls would act on it.
            from .printable import visible

            shown = visible(data.decode("utf-8", "replace").replace("\r\n", "\n"))
            sys.stdout.write(shown)
        elif hasattr(sys.stdout, "buffer"):
            sys.stdout.buffer.write(data)
        else:  # a replaced stdout (tests, embedding) takes text
            sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return "standard output"
    path = Path(target)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise FileRefused("is a folder; name a file")
    if st is not None and not stat.S_ISREG(st.st_mode):
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        return str(path)
    write_atomic(Path(os.path.realpath(path)) if st is not None else path, data)
    return str(path)


def remove_stale_temps(path: Path) -> int:
    """Delete temporary files a killed writer of ``path`` left behind; call with the lock held,
    when no other writer of this file can be running. Returns how many were removed."""
    removed = 0
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if tmp.is_symlink() or tmp.is_file():
                tmp.unlink()
                removed += 1
    return removed
