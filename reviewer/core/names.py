"""Names that become paths: annotators (``annotations/NAME.toml``) and recorded corpora.

Both come from input reviewer does not control (an import file, a planted annotation set), so
both are checked by one rule each, everywhere, before they touch the filesystem.
"""

from __future__ import annotations

import re
from pathlib import Path

from .printable import one_line

_ANNOTATOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# A corpus is recorded by its folder's name; several roots are joined with "+".
_CORPUS_PART = re.compile(r"[^/\\\x00]{1,255}")


class BadName(ValueError):
    """A name that cannot be used; the message is one line for the user."""


def check_annotator(name: str) -> str:
    """``name`` if it can name ``annotations/NAME.toml``; BadName otherwise."""
    if not isinstance(name, str) or _ANNOTATOR.fullmatch(name) is None:
        shown = one_line(str(name))[:80]
        raise BadName(
            f'annotator name "{shown}" must be 1-64 letters, digits, ".", "_" or "-", starting '
            "with a letter or digit (it names the file annotations/NAME.toml)"
        )
    return name


def is_annotator(name: object) -> bool:
    return isinstance(name, str) and _ANNOTATOR.fullmatch(name) is not None


def project_of(set_path: Path) -> Path:
    """The project a set belongs to: the folder that holds its folder (``annotations/``)."""
    return set_path.resolve().parent.parent


def corpus_parts(name: str) -> list[str] | None:
    """The folder names a recorded corpus stands for, or None if it is not a plain name (an
    absolute path, ``..``, a separator): those are never followed."""
    parts = name.split("+")
    for part in parts:
        if _CORPUS_PART.fullmatch(part) is None or part in (".", ".."):
            return None
    return parts


def corpus_folders(set_path: Path, name: str) -> list[Path] | None:
    """The folders of a set's recorded corpus inside its project, or None if the name is not a
    plain folder name or a folder is missing."""
    parts = corpus_parts(name) if name else None
    if not parts:
        return None
    project = project_of(set_path)
    folders = [project / part for part in parts]
    if not all(f.is_dir() for f in folders):
        return None
    return folders
