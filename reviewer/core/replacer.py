"""Replacing the annotation file from a helper process, so the disk's system calls never wait for
the UI thread.

The app saves from a writer thread, and the interpreter lock is shared with the UI thread. A save
is a dozen system calls (open, write, fsync, rename, fsync the folder); each releases the lock,
and each must take it back before the next can start. While the UI thread draws the frame after
a tag (7-10 ms of Python), every one of them waits: measured in tmux with 10,000 annotations,
the temporary file's write and fsync took 9 ms at the median and up to 23 ms, against 4.3 ms for
the same calls in a process of their own.

``Replacer`` hands the bytes to a helper process that writes and fsyncs the temporary file (the
first half of ``write_atomic``, the slow half) with an interpreter of its own. The bytes go
through shared memory (a memfd both processes map; the parent copies them in, a few hundred
microseconds of memcpy), the request and the answer through a pipe as one short JSON line each.
One request is outstanding at a time. A save of a few changed entries need not copy the whole
file again: handed over as ``Edited`` (edits to the bytes of the previous save), it is applied to
the shared memory in place, which still holds those bytes (a memmove of the rest of the file
and the new entry), where joining and copying 3 MB took 2 ms of the UI thread per tag.

The app renames the temporary file over the set itself (``put_in_place``: the rename and the
folder's fsync). A rename is one system call: an app killed before it leaves the old file and a
temporary file (the next session removes it), an app killed in it dies once it is done, so no
save can land after the app is dead, perhaps after the reviewer opened the file again and saved
newer tags. A helper cannot promise that by checking its parent before renaming: the app can
die while the helper's rename is under way, and a rename can be held up in the kernel for as
long as the scheduler likes (the kill test caught one that landed after the app was reaped).

Nothing can be lost by it: the parent keeps what it hands over (bytes, or the entries an Edited
joins into them). If the helper cannot be started (no memfd on this system, no interpreter to
run), dies, answers nonsense or does not answer within ``timeout`` seconds, it is stopped and
this save and every later one are written in this process, exactly as before. A disk error in
the helper (a full disk, a read-only folder) comes back as the same OSError the parent would
have met.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .files import MIB, Sig, put_in_place, signature_of, write_atomic, write_beside

# The helper runs isolated (-I: no PYTHON* variables, no user site, not the current folder on its
# path) and imports this module from where the parent did.
_ROOT = Path(__file__).resolve().parents[2]
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); from reviewer.core.replacer import main; main()"
)


Edit = tuple[int, int, bytes]  # at this offset, this many bytes replaced by these


@dataclass(frozen=True, slots=True)
class Edited:
    """A file's new bytes, as edits to the bytes of an earlier write (``base``): each edit in
    turn, at its offset in the bytes as the edits before it left them. ``whole`` gives the same
    bytes in full: for a replacer that does not hold ``base`` (another write came between, a
    new helper), and for a write done here. ``token`` names the result, the next save's base.
    The caller must not change what ``whole`` reads until the write is finished."""

    base: object | None
    token: object
    size: int
    edits: Sequence[Edit]
    whole: Callable[[], bytes]


def whole(data: bytes | Edited) -> bytes:
    return data.whole() if isinstance(data, Edited) else data


class HelperFailed(Exception):
    """The helper process could not do the write; the caller writes in its own process."""


def replace_here(path: Path, data: bytes | Edited) -> Sig:
    """Replace ``path`` with ``data`` in this process (``write_atomic``); its signature."""
    return signature_of(write_atomic(path, whole(data)))


class _Helper:
    """The parent's end of one helper process."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._memfd = os.memfd_create("reviewer-save", getattr(os, "MFD_CLOEXEC", 0))
        self._mem: mmap.mmap | None = None
        self._capacity = 0
        # What the shared memory holds: the token and size of the last Edited handed over
        # (None: something else, or nothing yet). Counts of whole copies and of edits applied.
        self._image: object | None = None
        self._image_size = 0
        self.copies = self.patches = 0
        self._buffer = b""
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-c",
                    _CHILD,
                    str(_ROOT),
                    str(os.getpid()),
                    str(self._memfd),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # a traceback must never reach the app's screen
                pass_fds=(self._memfd,),
                close_fds=True,
                cwd="/",  # paths are absolute; the project folder is never on its import path
                # Not in the terminal's process group: a hangup or ^C meant for the app does not
                # stop a write half way (the app decides when to stop it).
                start_new_session=True,
            )
        except BaseException:
            os.close(self._memfd)
            raise
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._to = self.proc.stdin.fileno()
        self._from = self.proc.stdout.fileno()
        self._ready = False
        self._poll = select.poll()
        self._poll.register(self._from, select.POLLIN)

    def _reserve(self, size: int) -> mmap.mmap:
        if self._mem is None or size > self._capacity:
            capacity = max(MIB, size + size // 2)
            capacity = -(-capacity // mmap.PAGESIZE) * mmap.PAGESIZE
            os.ftruncate(self._memfd, capacity)
            if self._mem is not None:
                self._mem.close()
            self._mem = mmap.mmap(self._memfd, capacity)
            self._capacity = capacity
        return self._mem

    def _patch(self, data: Edited) -> bool:
        """Apply ``data``'s edits to the shared memory, which holds its base; False (nothing
        touched) when they do not fit: the bytes are then copied whole."""
        mem, size = self._mem, self._image_size
        if mem is None or data.base is None:
            return False
        for offset, old, new in data.edits:
            if not 0 <= offset <= offset + old <= size:
                return False  # not edits of the bytes held: never guess
            size += len(new) - old
            if size > self._capacity:
                return False
        if size != data.size:
            return False
        size = self._image_size
        for offset, old, new in data.edits:
            end = offset + len(new)
            if len(new) != old:
                mem.move(end, offset + old, size - offset - old)
            mem[offset:end] = new
            size += len(new) - old
        self.patches += 1
        return True

    def ready(self) -> bool:
        """Whether the helper has started and said so (never waits: until then the app writes
        itself, so a save right after opening does not wait for an interpreter to start)."""
        if not self._ready and self._poll.poll(0):
            if self._answer() != {"ready": True}:
                raise HelperFailed("the helper did not start")
            self._ready = True
        return self._ready

    def start(self, path: Path, data: bytes | Edited) -> None:
        """Hand one write over; ``finish`` waits for it. HelperFailed if the helper is gone."""
        image, self._image = self._image, None  # until the shared memory holds the new bytes
        try:
            if isinstance(data, Edited) and data.base is image and self._patch(data):
                size = data.size  # _patch checked it against the edits of the bytes held
            else:
                content = whole(data)
                size = len(content)
                self._reserve(size)[:size] = content
                self.copies += 1
        except (OSError, ValueError) as exc:  # no memory for the shared buffer
            raise HelperFailed(f"cannot share the bytes with the helper ({exc})") from exc
        if isinstance(data, Edited) and size == data.size:
            self._image, self._image_size = data.token, size
        request = {"path": os.path.abspath(path), "size": size, "capacity": self._capacity}
        try:
            os.write(self._to, json.dumps(request).encode("utf-8") + b"\n")
        except OSError as exc:  # the helper is gone (EPIPE)
            raise HelperFailed(f"cannot reach the helper ({exc})") from exc

    def finish(self, path: Path) -> Sig:
        """Wait for the helper's temporary file and rename it over ``path`` here; the new file's
        signature. OSError as the disk gave it; HelperFailed if the helper did not write it."""
        reply = self._answer()
        if "temp" in reply:
            try:
                temp = Path(reply["temp"])
                dev, ino, size, mtime = (int(n) for n in reply["signature"])
            except (KeyError, TypeError, ValueError) as exc:
                raise HelperFailed(f"unreadable answer from the helper: {reply!r:.200}") from exc
            if temp.parent != Path(os.path.abspath(path)).parent or not _temporary_of(
                temp.name, path, self.proc.pid
            ):
                raise HelperFailed(f"the helper wrote an unexpected file: {str(temp)[:200]!r}")
            put_in_place(temp, path)
            return (dev, ino, size, mtime)
        if "errno" in reply:
            raise OSError(int(reply["errno"]), str(reply["strerror"]))
        raise HelperFailed(f"the helper failed: {reply.get('failed', reply)!r}")

    def _answer(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise HelperFailed(f"no answer from the helper in {self.timeout:g} s")
            if not self._poll.poll(left * 1000):
                continue
            chunk = os.read(self._from, 65536)
            if not chunk:
                raise HelperFailed("the helper exited")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            reply = json.loads(line)
        except ValueError as exc:
            raise HelperFailed(f"unreadable answer from the helper: {line[:80]!r}") from exc
        if not isinstance(reply, dict):
            raise HelperFailed(f"unreadable answer from the helper: {line[:80]!r}")
        return reply

    def close(self, wait: float = 1.0) -> None:
        """Let the helper finish and exit (it stops on end of input); killed after ``wait``."""
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(wait)
        except subprocess.TimeoutExpired:
            self.kill()
        self._release()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        self._release()

    def _release(self) -> None:
        with contextlib.suppress(OSError):
            assert self.proc.stdout is not None
            self.proc.stdout.close()
        if self._mem is not None:
            self._mem.close()
            self._mem = None
        with contextlib.suppress(OSError):
            os.close(self._memfd)
        self._memfd = -1


class Replacer:
    """Replaces files through a helper process while it works, in this process otherwise.

    Not thread-safe: one thread at a time (the session's writer hands it over under its lock)."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.helper: _Helper | None = None
        self.failure = ""  # why the helper was given up, if it was
        self._started: tuple[Path, bytes | Edited] | None = None
        try:
            self.helper = _Helper(timeout)
        except (OSError, AttributeError, ValueError, subprocess.SubprocessError) as exc:
            # No memfd_create (not Linux), no interpreter to start, no processes left...
            self.failure = f"helper not started ({exc})"

    @property
    def available(self) -> bool:
        """A helper is up and takes writes (see ``_Helper.ready``)."""
        helper = self.helper
        if helper is None:
            return False
        try:
            return helper.ready()
        except HelperFailed as exc:
            self.failure = str(exc)
            self.helper = None
            helper.kill()
            return False

    def start(self, path: Path, data: bytes | Edited) -> bool:
        """Hand the write of ``data`` to ``path`` to the helper and return at once (``finish``
        completes it); False if there is no helper (nothing was started: write it yourself)."""
        assert self._started is None, "one write at a time"
        if not self.available:
            return False
        helper = self.helper
        assert helper is not None
        try:
            helper.start(path, data)
        except HelperFailed as exc:
            self._give_up(helper, path, exc)
            return False
        self._started = (path, data)
        return True

    def finish(self) -> Sig:
        """Wait for the started write and put it in place; its signature, or OSError as
        ``write_atomic`` raises it. If the helper fails meanwhile, the same bytes are written
        here."""
        assert self._started is not None, "nothing started"
        (path, data), self._started = self._started, None
        helper = self.helper
        if helper is not None:
            try:
                return helper.finish(path)
            except HelperFailed as exc:
                self._give_up(helper, path, exc)
        return replace_here(path, data)

    def replace(self, path: Path, data: bytes | Edited) -> Sig:
        """Replace ``path`` with ``data`` atomically and wait; its new signature. OSError as
        ``write_atomic`` raises it."""
        if self.start(path, data):
            return self.finish()
        return replace_here(path, data)

    def _give_up(self, helper: _Helper, path: Path, exc: HelperFailed) -> None:
        """Stop the helper for good: this save and every later one are written here."""
        self.failure = str(exc)
        self.helper = None
        helper.kill()  # it must not rename anything after this process has written
        _remove_temporaries(path, helper.proc.pid)

    def close(self) -> None:
        helper, self.helper = self.helper, None
        if helper is not None:
            helper.close()


def _remove_temporaries(path: Path, pid: int) -> None:
    """A helper stopped half way, or one whose file is not renamed, may leave its temporary
    file; nothing else in the folder is touched."""
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if _temporary_of(entry.name, path, pid):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _temporary_of(name: str, path: Path, pid: int) -> bool:
    """``name`` is a temporary file that process ``pid`` wrote for ``path`` (``write_beside``
    names them ``.NAME.PID.TOKEN.tmp``)."""
    return name.startswith(f".{path.name}.{pid}.") and name.endswith(".tmp")


def serve(memfd: int, requests, answers) -> None:
    """The helper's loop: one JSON request per line, the bytes in the shared memory; one JSON
    answer per line, naming the temporary file written (never renamed: the app does that). Ends
    at the end of its input (the parent closed it, or exited)."""
    mem: mmap.mmap | None = None
    capacity = 0
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in requests:
        try:
            request = json.loads(line)
            if request["capacity"] != capacity:
                if mem is not None:
                    mem.close()
                mem = mmap.mmap(memfd, request["capacity"], access=mmap.ACCESS_READ)
                capacity = request["capacity"]
            assert mem is not None
            with memoryview(mem) as view, view[: request["size"]] as data:
                temp, st = write_beside(Path(request["path"]), data)
            answer: dict[str, object] = {"temp": str(temp), "signature": list(signature_of(st))}
        except OSError as exc:
            answer = {"errno": exc.errno or 0, "strerror": exc.strerror or str(exc)}
        except Exception as exc:  # reported; the parent then writes in its own process
            answer = {"failed": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def _die_with_parent() -> None:
    """Linux: the kernel kills this process the moment the thread that started it ends (the app
    killed, or its writer gone), so it does not go on writing a file nobody will rename. Best
    effort: where it is missing, the helper ends at the end of its input."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def main() -> None:
    parent, memfd = int(sys.argv[-2]), int(sys.argv[-1])
    _die_with_parent()
    if os.getppid() != parent:
        return  # the app is already gone
    serve(memfd, sys.stdin.buffer, sys.stdout)
