"""Per-user state that is not annotation data: the resume cursor and the single-writer lock.

Both live in the user's state folder (``$XDG_STATE_HOME/reviewer``), not in ``annotations/``,
so the annotation files stay pure data that diff and merge cleanly between reviewers.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "reviewer"


def _key(path: Path) -> str:
    return hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Cursor:
    doc: str
    offset: int


def load_cursor(annotation_file: Path) -> Cursor | None:
    try:
        raw = json.loads((state_dir() / "cursors" / f"{_key(annotation_file)}.json").read_text())
        return Cursor(str(raw["doc"]), int(raw["offset"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_cursor(annotation_file: Path, cursor: Cursor) -> None:
    """Best effort: a lost cursor costs a keypress, so failures here are not reported."""
    folder = state_dir() / "cursors"
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{_key(annotation_file)}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"doc": cursor.doc, "offset": cursor.offset}))
        os.replace(tmp, folder / f"{_key(annotation_file)}.json")


class FileLock:
    """An advisory lock on one annotation file, released by the kernel if the process dies."""

    def __init__(self, annotation_file: Path) -> None:
        self.annotation_file = annotation_file
        self._fh: IO[str] | None = None

    def acquire(self) -> bool:
        folder = state_dir() / "locks"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fh = open(folder / f"{_key(self.annotation_file)}.lock", "a+")  # noqa: SIM115
        except OSError:
            return True  # no state folder: cannot lock, do not refuse to work
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()} {self.annotation_file.resolve()}\n")
        fh.flush()
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
