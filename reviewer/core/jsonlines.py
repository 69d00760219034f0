"""JSON Lines that every reader splits correctly and no terminal takes as commands."""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring as encode_string  # noqa: F401 - the C encoder
from typing import Any

# Python's str.splitlines() (and JavaScript) also break lines at U+0085, U+2028 and U+2029, and
# DEL and the C1 controls (U+009B is an 8-bit escape sequence) act on terminals; json.dumps
# with ensure_ascii=False leaves them raw. Escaped, a record stays on one line, prints safely,
# and is still valid JSON that decodes to the same text.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def _escaped(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), allow_nan=False)


def json_text(obj: Any, indent: int | None = None) -> str:
    """JSON with non-ASCII kept but nothing a terminal or a line splitter acts on."""
    return _UNSAFE.sub(_escaped, json.dumps(obj, ensure_ascii=False, indent=indent))


def jsonl_line(obj: Any) -> str:
    """One record as UTF-8-friendly JSON (non-ASCII kept), newline included."""
    return safe_json_line(_ENCODER.encode(obj))


def safe_json_line(text: str) -> str:
    """A JSON text as a line: the characters that split lines or act on terminals escaped."""
    if text.isascii() or _UNSAFE.search(text) is None:  # isascii: one fast pass, in C
        return text + "\n"
    return _UNSAFE.sub(_escaped, text) + "\n"
