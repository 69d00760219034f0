"""JSON Lines that every reader splits correctly."""

from __future__ import annotations

import json
import re
from typing import Any

# Python's str.splitlines() (and JavaScript) also break lines at these; inside a JSON string they
# are escaped so that a record always stays on one line. The result is still valid JSON.
_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def jsonl_line(obj: Any, separators: tuple[str, str] = (", ", ": ")) -> str:
    """One record as UTF-8-friendly JSON (non-ASCII kept), newline included."""
    text = json.dumps(obj, ensure_ascii=False, separators=separators)
    return _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
