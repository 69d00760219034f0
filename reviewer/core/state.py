"""Per-user state that is not annotation data: the resume cursor and the preferences.

It lives in the user's state folder (``$XDG_STATE_HOME/reviewer``), not in ``annotations/``, so
the annotation files stay pure data that diff and merge cleanly between reviewers. (The
single-writer lock lives beside the annotation file instead: see ``lock.py``.)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .files import FileRefused, read_regular


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "reviewer"


def _key(path: Path) -> str:
    return hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]


@dataclass(frozen=True)
class Cursor:
    doc: str
    offset: int


def _cursor_file(annotation_file: Path) -> Path:
    return state_dir() / "cursors" / f"{_key(annotation_file)}.json"


def load_cursor(annotation_file: Path) -> Cursor | None:
    try:
        raw = json.loads(read_regular(_cursor_file(annotation_file), 64 * 1024))
        return Cursor(str(raw["doc"]), int(raw["offset"]))
    except (OSError, FileRefused, ValueError, KeyError, TypeError):
        return None


def save_cursor(annotation_file: Path, cursor: Cursor) -> None:
    """Best effort: a lost cursor costs a keypress, so failures here are not reported, and the
    file is renamed into place without fsync (it must never be torn, it need not be durable)."""
    target = _cursor_file(annotation_file)
    data = json.dumps({"doc": cursor.doc, "offset": cursor.offset}, ensure_ascii=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, data.encode("ascii"))
        finally:
            os.close(fd)
        os.replace(tmp, target)


# Preferences kept between sessions, per user (not per project: a reviewer's habits travel).
ADVANCE = ("off", "claim", "suspect")  # after a tag: stay, next untagged claim, next suspect
DEFAULT_SETTINGS: dict[str, object] = {"advance": "off"}


def _settings_file() -> Path:
    return state_dir() / "settings.json"


def load_settings() -> dict[str, object]:
    """The saved preferences, each checked; anything unreadable or unknown falls back to the
    default (a broken settings file must never stop the app)."""
    settings = dict(DEFAULT_SETTINGS)
    try:
        raw = json.loads(read_regular(_settings_file(), 64 * 1024))
    except (OSError, FileRefused, ValueError):
        return settings
    if isinstance(raw, dict) and raw.get("advance") in ADVANCE:
        settings["advance"] = raw["advance"]
    threshold = raw.get("threshold") if isinstance(raw, dict) else None
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        return settings
    if 0 < threshold <= 1:
        settings["threshold"] = float(threshold)
    return settings


def save_setting(name: str, value: object) -> bool:
    """Store one preference; False (and nothing raised) when the state folder is not writable."""
    settings = load_settings()
    settings[name] = value
    target = _settings_file()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, json.dumps(settings, indent=1, sort_keys=True).encode("ascii"))
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError:
        return False
    return True
