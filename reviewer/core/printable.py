"""Text from documents, annotation files and file names, made safe to print or draw.

A document can hold terminal escape sequences (ESC, the 8-bit CSI U+009B...): printed as they
are, they recolour, retitle or rewrite the user's terminal. Every control character except tab
and newline is replaced by a visible stand-in of the same length (one character for one), so
offsets into the text stay valid for drawing.
"""

from __future__ import annotations

import os
import re

# C0 controls but tab and newline, DEL, and the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f]")


def _picture(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c < 0x20:
        return chr(0x2400 + c)  # the Unicode "control pictures": ␛ for ESC, ␍ for CR
    if c == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls have no pictures; the replacement character marks them


def visible(text: str) -> str:
    """``text`` with every control character but tab and newline made visible."""
    return _CONTROL.sub(_picture, text)


def one_line(text: str) -> str:
    """``visible`` for a single line: tabs and newlines become visible too."""
    return _CONTROL_OR_BREAK.sub(_picture, text)


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path for a message: undecodable bytes of a file name shown as ``\\xe9``, controls made
    visible, so a hostile file name cannot write to the terminal."""
    raw = os.fsencode(path)
    return one_line(raw.decode("utf-8", "backslashreplace"))


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """True if ``text`` cannot be written as UTF-8 (a Python string holds surrogates only alone)."""
    return _SURROGATE.search(text) is not None


def repair_surrogates(text: str) -> str:
    """Lone surrogates (from a JSON ``"\\ud83d"`` escape) cannot be saved as UTF-8: each becomes
    U+FFFD, one character for one, so offsets stay valid."""
    return _SURROGATE.sub("\ufffd", text)
