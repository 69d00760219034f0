"""Reading back the TOML this app writes, about five times faster than a general parser.

A set of 100k annotations is 33 MB of TOML, and tomli (compiled) takes 3.1-3.5 s to parse it:
most of what ``validate`` and ``stats`` cost, and of opening such a set in the app. Every set
the app writes has one shape (``store.header`` and ``store._chunk``): ``key = value`` lines with
bare keys and one-line values, ``[[annotation]]`` and ``[[annotation.evidence]]`` headers, blank
lines between tables. ``loads`` reads exactly that shape with a few regular expressions and
returns what ``tomli.loads`` returns for it.

For anything else (a comment, an aligned ``=``, an inline table or array, CRLF line ends, a
literal or multi-line string, an escape or a date it does not build, a key given twice) it
returns None, and the caller parses the text with tomli, which also words any error. It never
accepts text tomli refuses nor answers differently: tests/core/test_canonical_toml.py holds it to
tomli's answers on random sets and on random edits of them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

# A basic string's body: any character but the quote, the backslash and the controls other than
# tab (TOML 1.0), and the escapes tomli-w writes. Possessive runs: no backtracking per character.
_PLAIN = r'[^"\\\x00-\x08\x0a-\x1f\x7f]*+'
_BODY = rf"{_PLAIN}(?:\\(?:[btnfr\"\\]|u[0-9A-Fa-f]{{4}}|U[0-9A-Fa-f]{{8}}){_PLAIN})*+"
_INT = r"-?(?:0|[1-9][0-9]{0,17})"
_FLOAT = rf"{_INT}(?:\.[0-9]+(?:[eE][+-]?[0-9]{{1,3}})?|[eE][+-]?[0-9]{{1,3}})"
_STAMP = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"
# Captured, for the values read; the evidence inside _BLOCK is matched whole, uncaptured.
_S, _I, _F, _D = (f'"({_BODY})"', f"({_INT})", f"({_FLOAT})", f"({_STAMP})")
_ANY_STR = f'"{_BODY}"'

# Any one key-value line: bare key, one space either side of "=", a value, the line's end.
_LINE = re.compile(rf"([A-Za-z0-9_-]+) = (?:{_S}|{_F}|{_I}|{_D}|(true|false))\n")


def _evidence(s: str, i: str) -> str:
    return rf"\n\[\[annotation\.evidence\]\]\ndoc = {s}\nstart = {i}\nend = {i}\nquote = {s}\n"


_EVIDENCE = re.compile(_evidence(_S, _I))
# One annotation as ``store._chunk`` writes it without unknown keys: its keys in that order, then
# its evidence tables (read again by _EVIDENCE); complete only if a blank line or the
# end of the text follows.
_BLOCK = re.compile(
    rf"\[\[annotation\]\]\ndoc = {_S}\nstart = {_I}\nend = {_I}\nquote = {_S}\n"
    rf"(?:label = {_S}\n)?(?:note = {_S}\n)?(?:suspicion = {_F}\n)?"
    rf"(?:created = {_D}\n)?(?:updated = {_D}\n)?(?:anchor = {_S}\nanchor_quote = {_S}\n)?"
    rf"((?:{_evidence(_ANY_STR, _INT)})*+)(?=\n|\Z)"
)
_ESCAPE = re.compile(r"\\(?:([btnfr\"\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")
_COMPACT = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_ANNOTATION = "[[annotation]]\n"
_EVIDENCE_HEADER = "[[annotation.evidence]]\n"


class _Decline(Exception):
    """The text is not in the app's shape (or needs tomli to say what is wrong with it)."""


def loads(text: str) -> dict[str, Any] | None:
    """``tomli.loads(text)`` for a set in the shape the app writes; None for any other text."""
    try:
        return _parse(text)
    except _Decline:
        return None


def _parse(text: str) -> dict[str, Any]:
    top: dict[str, Any] = {}
    stamps: dict[str, datetime] = {}
    pos = _lines(text, 0, top, stamps)
    if "annotation" in top:
        raise _Decline
    annotations: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    n = len(text)
    block = _BLOCK.match
    while True:
        while pos < n and text[pos] == "\n":
            pos += 1
        if pos == n:
            break
        m = block(text, pos)
        if m is not None:
            current = _annotation(text, m, stamps)
            annotations.append(current)
            pos = m.end()
        elif text.startswith(_ANNOTATION, pos):
            current = {}
            annotations.append(current)
            pos = _lines(text, pos + len(_ANNOTATION), current, stamps)
        elif text.startswith(_EVIDENCE_HEADER, pos) and current is not None:
            # The table's own keys are scalars (_lines reads no other kind): a list here is
            # the evidence tables so far, anything else a key, then a table of the same name.
            evidence = current.setdefault("evidence", [])
            if not isinstance(evidence, list):
                raise _Decline
            table: dict[str, Any] = {}
            evidence.append(table)
            pos = _lines(text, pos + len(_EVIDENCE_HEADER), table, stamps)
        else:
            raise _Decline
    if annotations:
        top["annotation"] = annotations
    return top


def _annotation(text: str, m: re.Match[str], stamps: dict[str, datetime]) -> dict[str, Any]:
    doc, start, end, quote, label, note, suspicion, created, updated, anchor, anchor_quote = (
        m.group(*range(1, 12))
    )
    table: dict[str, Any] = {
        "doc": _string(doc),
        "start": int(start),
        "end": int(end),
        "quote": _string(quote),
    }
    if label is not None:
        table["label"] = _string(label)
    if note is not None:
        table["note"] = _string(note)
    if suspicion is not None:
        table["suspicion"] = float(suspicion)
    if created is not None:
        table["created"] = _stamp(created, stamps)
    if updated is not None:
        table["updated"] = _stamp(updated, stamps)
    if anchor is not None:
        table["anchor"] = _string(anchor)
        table["anchor_quote"] = _string(anchor_quote)
    lo, hi = m.span(12)
    if lo < hi:
        table["evidence"] = [
            {"doc": _string(d), "start": int(s), "end": int(e), "quote": _string(q)}
            for d, s, e, q in _EVIDENCE.findall(text, lo, hi)
        ]
    return table


def _lines(text: str, pos: int, table: dict[str, Any], stamps: dict[str, datetime]) -> int:
    """Key-value lines (and blank lines) from ``pos`` into ``table``; where they stop."""
    line = _LINE.match
    n = len(text)
    while pos < n:
        if text[pos] == "\n":
            pos += 1
            continue
        m = line(text, pos)
        if m is None:
            break
        key, string, real, integer, stamp, boolean = m.groups()
        if key in table:
            raise _Decline  # tomli: "Cannot overwrite a value"
        if string is not None:
            table[key] = _string(string)
        elif real is not None:
            table[key] = float(real)
        elif integer is not None:
            table[key] = int(integer)
        elif stamp is not None:
            table[key] = _stamp(stamp, stamps)
        else:
            table[key] = boolean == "true"
        pos = m.end()
    return pos  # at a table's header, the end, or text that is not a key-value line


def _string(body: str) -> str:
    return body if "\\" not in body else _ESCAPE.sub(_unescape, body)


def _unescape(m: re.Match[str]) -> str:
    compact, short, long = m.groups()
    if compact is not None:
        return _COMPACT[compact]
    code = int(short or long, 16)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise _Decline  # tomli: "Escaped character is not a Unicode scalar value"
    return chr(code)


def _stamp(text: str, seen: dict[str, datetime]) -> datetime:
    """An offset date-time in UTC ("2026-11-22T10:00:00Z"); one object per distinct text (they
    are immutable, and most of a set's stamps repeat)."""
    value = seen.get(text)
    if value is None:
        try:
            value = datetime(
                int(text[0:4]),
                int(text[5:7]),
                int(text[8:10]),
                int(text[11:13]),
                int(text[14:16]),
                int(text[17:19]),
                tzinfo=UTC,
            )
        except ValueError:
            raise _Decline from None  # tomli: "Invalid date or datetime"
        seen[text] = value
    return value
