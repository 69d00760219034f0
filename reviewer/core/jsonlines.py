"""JSON Lines that every reader splits correctly and no terminal takes as commands."""

from __future__ import annotations

import json
import re
from typing import Any

# Python's str.splitlines() (and JavaScript) also break lines at U+0085, U+2028 and U+2029, and
# DEL and the C1 controls (U+009B is an 8-bit escape sequence) act on terminals; json.dumps
# with ensure_ascii=False leaves them raw. Escaped, a record stays on one line, prints safely,
# and is still valid JSON that decodes to the same text.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def _escaped(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def json_text(obj: Any, indent: int | None = None) -> str:
    """JSON with non-ASCII kept but nothing a terminal or a line splitter acts on."""
    return _UNSAFE.sub(_escaped, json.dumps(obj, ensure_ascii=False, indent=indent))


def jsonl_line(obj: Any, separators: tuple[str, str] = (", ", ": ")) -> str:
    """One record as UTF-8-friendly JSON (non-ASCII kept), newline included."""
    text = json.dumps(obj, ensure_ascii=False, separators=separators, allow_nan=False)
    return _UNSAFE.sub(_escaped, text) + "\n"
