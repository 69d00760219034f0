"""The TOML annotation store: one human-readable file per annotator, rewritten atomically.

The file is the source of truth. Each write goes to a temporary file in the same folder, is
fsynced and renamed over the old one, so a kill at any instant leaves the old or the new file.
Each annotation's TOML text is cached, so a write after one change serialises one annotation,
not all of them; the rest is string concatenation and the disk.

A save never replaces a file that changed on disk since this store last read or wrote it (a
``git pull``, another tool): ``StoreChanged`` is raised instead, and the session merges first.
"""

from __future__ import annotations

import functools
import math
import operator
import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import tomli  # the standard library's tomllib, compiled: same answers, 3x faster
import tomli_w

from . import canonical_toml
from .files import FileRefused, Sig, read_regular_stat, signature_of, write_new
from .limits import MAX_LINE_CHARS, MAX_NESTING, MAX_NOTE_CHARS, MAX_SET_BYTES
from .memory import collector_paused
from .printable import has_lone_surrogate, one_line, shown_path
from .replacer import Edit, Edited, Replacer, replace_here

SCHEMA = 1
LABELS = ("supported", "contradicted", "fabricated")
FUZZY = "fuzzy"  # ``anchor`` of an annotation moved by an approximate match, until confirmed
_KNOWN_KEYS = frozenset(
    {
        "doc",
        "start",
        "end",
        "quote",
        "label",
        "note",
        "suspicion",
        "created",
        "updated",
        "anchor",
        "anchor_quote",
        "evidence",
    }
)


class StoreError(Exception):
    """An annotation file that cannot be used; the message names the file (and line)."""


class StoreWriteError(StoreError):
    """Writing failed (disk full, read-only folder...); the old file is untouched."""


class StoreChanged(StoreWriteError):
    """The file changed on disk since it was last read or written: merge before saving."""


# The file's signature (files.signature_of) as last read or written; None when there was no file.
Signature = Sig | None


def current_signature(path: Path) -> Signature:
    try:
        return signature_of(os.stat(path))
    except FileNotFoundError:
        return None


@dataclass(frozen=True, slots=True)
class Evidence:
    doc: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Annotation:
    doc: str
    start: int
    end: int
    quote: str
    label: str  # "": no tag, the entry holds a note on an untagged sentence
    note: str = ""
    suspicion: float | None = None
    created: datetime | None = None
    updated: datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    # Keys this version does not know, kept verbatim so that nothing a user wrote is dropped.
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # "fuzzy": moved to this sentence by an approximate match of ``anchor_quote`` (the quote it
    # had before); shown as unconfirmed until the reviewer confirms or re-tags it.
    anchor: str = ""
    anchor_quote: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.doc, self.start, self.end)

    @property
    def is_empty(self) -> bool:
        """A zero-width span marks nothing: never counted as a tag anywhere."""
        return self.start >= self.end

    @property
    def unconfirmed(self) -> bool:
        return self.anchor == FUZZY

    @property
    def is_tag(self) -> bool:
        """A label on a real span. An entry without a label holds only a note on an untagged
        sentence: kept, shown and re-anchored like a tag, never counted, exported or compared
        as one."""
        return bool(self.label) and self.start < self.end

    @property
    def is_note(self) -> bool:
        """No label: the entry holds a note on an untagged sentence."""
        return not self.label

    def with_changes(self, **changes: Any) -> Annotation:
        return replace(self, **changes)


def same(a: Annotation | None, b: Annotation | None) -> bool:
    """Equal in everything written to the file, unknown keys included."""
    if a is None or b is None:
        return a is b
    return a == b and dict(a.extra) == dict(b.extra)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


sort_key: Callable[[Annotation], tuple[str, int, int]] = operator.attrgetter("doc", "start", "end")


# --------------------------------------------------------------------------------------------
# Serialisation


@functools.lru_cache(maxsize=1024)
def _key(k: str) -> str:
    return tomli_w.dumps({k: 0}).split(" = ", 1)[0]


def _value(v: Any) -> str:
    """One TOML value on one line; strings are escaped by tomli-w."""
    if isinstance(v, datetime | date | time):
        # isoformat keeps microseconds and offsets a file may have; UTC is written as Z.
        text = v.isoformat()
        if isinstance(v, datetime) and v.tzinfo is not None and v.utcoffset() == timedelta(0):
            text = text.replace("+00:00", "Z")
        return text
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        if v and all(isinstance(x, dict) for x in v):
            # An array of tables at the top level: one table per line stays readable in diffs.
            return "[\n" + "".join(f"    {_value(x)},\n" for x in v) + "]"
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return tomli_w.dumps({"v": v}, multiline_strings=False)[4:].rstrip("\n")


def annotation_to_dict(a: Annotation) -> dict[str, Any]:
    d: dict[str, Any] = {
        "doc": a.doc,
        "start": a.start,
        "end": a.end,
        "quote": a.quote,
    }
    if a.label:
        d["label"] = a.label
    if a.note:
        d["note"] = a.note
    if a.suspicion is not None:
        d["suspicion"] = round(float(a.suspicion), 4)
    if a.created is not None:
        d["created"] = a.created
    if a.updated is not None:
        d["updated"] = a.updated
    if a.anchor:
        d["anchor"] = a.anchor
        d["anchor_quote"] = a.anchor_quote
    for k, v in a.extra.items():
        if k not in d and k not in _KNOWN_KEYS:
            d[k] = v
    if a.evidence:
        d["evidence"] = [
            {"doc": e.doc, "start": e.start, "end": e.end, "quote": e.quote} for e in a.evidence
        ]
    return d


def rendered(a: Annotation) -> str:
    """``_chunk(a)``, computed once per annotation object and kept in its ``__dict__`` (the
    dataclass is frozen; the cache is not a field, so equality and ``replace`` ignore it)."""
    cache = a.__dict__
    text = cache.get("_toml")
    if text is None:
        text = cache["_toml"] = _chunk(a)
    return text


def _chunk(a: Annotation) -> str:
    """The TOML text of one annotation. Tables are written as ``[[annotation]]`` and
    ``[[annotation.evidence]]`` whatever their length, so every entry looks the same in a diff.
    """
    d = annotation_to_dict(a)
    evidence = d.pop("evidence", [])
    lines = ["[[annotation]]"]
    lines += [f"{_key(k)} = {_value(v)}" for k, v in d.items()]
    for e in evidence:
        lines.append("")
        lines.append("[[annotation.evidence]]")
        lines += [f"{_key(k)} = {_value(v)}" for k, v in e.items()]
    return "\n".join(lines) + "\n"


_TOP_KEYS = ("schema", "annotator", "corpus", "annotation")


def header(annotator: str, corpus: str, extra: Mapping[str, Any] | None = None) -> str:
    """The top of the file; unknown top-level keys are kept here, before any table."""
    text = tomli_w.dumps({"schema": SCHEMA, "annotator": annotator, "corpus": corpus})
    for k, v in (extra or {}).items():
        if k not in _TOP_KEYS:
            text += f"{_key(k)} = {_value(v)}\n"
    return text


def dumps(
    annotator: str,
    corpus: str,
    annotations: Iterable[Annotation],
    extra: Mapping[str, Any] | None = None,
) -> str:
    parts = [header(annotator, corpus, extra)]
    parts.extend(map(rendered, sorted(annotations, key=sort_key)))
    return "\n".join(parts)


def _unsaveable(exc: BaseException) -> str:
    """Why a set could not be turned into TOML text, in words."""
    if isinstance(exc, UnicodeError):
        return "a text holds a character that cannot be written as UTF-8 (a lone surrogate)"
    if isinstance(exc, RecursionError):
        return "a value is nested too deeply to write"
    return f"a value TOML cannot hold ({one_line(str(exc))[:120]})"


# --------------------------------------------------------------------------------------------
# Parsing and checking values


def _int(v: Any) -> bool:
    return type(v) is int or isinstance(v, int) and not isinstance(v, bool)


_SCALARS = (str, bool, int, float, datetime, date, time)


def storable_problem(value: Any, name: str) -> str | None:
    """Why ``value`` (under key ``name``) cannot be kept in a TOML file, or None if it can:
    nesting deeper than MAX_NESTING, a null, a lone surrogate, a type TOML has no word for."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if depth > MAX_NESTING:
            return f'"{name}" is nested deeper than {MAX_NESTING} levels'
        if v is None:
            return f'"{name}" holds a null, which TOML cannot hold'
        if isinstance(v, str):
            if has_lone_surrogate(v):
                return f'"{name}" holds a lone surrogate, which cannot be written as UTF-8'
        elif isinstance(v, dict):
            for k, x in v.items():
                if not isinstance(k, str) or has_lone_surrogate(k):
                    return f'"{name}" has a key that cannot be written'
                stack.append((x, depth + 1))
        elif isinstance(v, list | tuple):
            stack.extend((x, depth + 1) for x in v)
        elif not isinstance(v, _SCALARS):
            return f'"{name}" holds a {type(v).__name__}, which TOML cannot hold'
    return None


def _parse_evidence(raw: Any, utf8: bool = False) -> Evidence:
    if not isinstance(raw, dict):
        raise ValueError("evidence entry is not a table")
    get: Callable[..., Any] = raw.get
    doc, start, end, quote = get("doc"), get("start"), get("end"), get("quote")
    if not (isinstance(doc, str) and isinstance(quote, str) and _int(start) and _int(end)):
        raise ValueError("evidence needs doc (string), start and end (integers), quote (string)")
    if not 0 <= start <= end:
        raise ValueError(f"evidence has a bad span start={start} end={end}")
    if not utf8:
        for key, value in (("doc", doc), ("quote", quote)):
            if has_lone_surrogate(value):
                raise ValueError(f'evidence "{key}" holds a lone surrogate, which cannot be saved')
    return Evidence(doc, int(start), int(end), quote)


def _suspicion(raw: Any) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError('"suspicion" is not a number')
    if _int(raw) and not 0 <= raw <= 1:
        raise ValueError('"suspicion" must be a number from 0 to 1')
    value = float(raw)
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ValueError('"suspicion" must be a number from 0 to 1')
    return value


def annotation_from_dict(raw: Any, utf8: bool = False) -> Annotation:
    """Build an annotation from its TOML table; ValueError names the first problem.

    ``utf8``: the table was parsed from text decoded as UTF-8 (a TOML file), where no string
    can hold a lone surrogate (the decoder and the TOML parser both refuse them), so the
    strings are not searched for one (a third of the time of reading 100k annotations)."""
    if not isinstance(raw, dict):
        raise ValueError("annotation is not a table")
    get: Callable[..., Any] = raw.get
    doc, start, end, quote = get("doc"), get("start"), get("end"), get("quote")
    for key, value in (("doc", doc), ("quote", quote)):
        if not isinstance(value, str):
            raise ValueError(f'"{key}" is missing or not a string')
    for key, value in (("start", start), ("end", end)):
        if not _int(value):
            raise ValueError(f'"{key}" is missing or not an integer')
    note = get("note", "")
    if not isinstance(note, str):
        raise ValueError('"note" is not a string')
    label = get("label", "")
    if not isinstance(label, str):
        raise ValueError('"label" is not a string')
    if not label and not note.strip():
        # Without a label an entry is a note on an untagged sentence: it needs the note.
        what = "empty" if "label" in raw else "missing"
        raise ValueError(f'"label" is {what} (an entry without a label must have a note)')
    if label and label not in LABELS:
        shown = one_line(label)[:40]
        raise ValueError(f'unknown label "{shown}" (expected {", ".join(LABELS)})')
    if not 0 <= start <= end:
        raise ValueError(f"bad span start={start} end={end}")
    if len(note) > MAX_NOTE_CHARS:
        raise ValueError(f'"note" has {len(note):,} characters; the limit is {MAX_NOTE_CHARS:,}')
    if not utf8:
        for key, value in (("doc", doc), ("quote", quote), ("note", note)):
            if has_lone_surrogate(value):
                raise ValueError(f'"{key}" holds a lone surrogate, which cannot be saved as UTF-8')
    suspicion = _suspicion(get("suspicion"))
    created, updated = get("created"), get("updated")
    for key, value in (("created", created), ("updated", updated)):
        if value is not None and not isinstance(value, datetime):
            raise ValueError(f'"{key}" is not a date-time')
    anchor = get("anchor", "")
    if anchor not in ("", FUZZY):
        raise ValueError(f'"anchor" must be "{FUZZY}" (or absent)')
    anchor_quote = get("anchor_quote", "")
    if not isinstance(anchor_quote, str) or not utf8 and has_lone_surrogate(anchor_quote):
        raise ValueError('"anchor_quote" is not a string')
    evidence = get("evidence", [])
    if not isinstance(evidence, list):
        raise ValueError('"evidence" is not an array of tables')
    extra = (
        {} if raw.keys() <= _KNOWN_KEYS else {k: v for k, v in raw.items() if k not in _KNOWN_KEYS}
    )
    for k, v in extra.items():
        problem = storable_problem(v, k)
        if problem:
            raise ValueError(problem)
    # Positional: a third faster than keywords for a frozen dataclass (100k per large set).
    return Annotation(
        doc,
        start,
        end,
        quote,
        label,
        note,
        suspicion,
        created,
        updated,
        tuple([_parse_evidence(e, utf8) for e in evidence]) if evidence else (),
        extra,
        anchor,
        anchor_quote,
    )


@dataclass(frozen=True)
class AnnotationSet:
    path: Path
    annotator: str
    corpus: str
    annotations: tuple[Annotation, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown top-level keys, kept
    signature: Signature = None  # of the file read, when read from disk

    @functools.cached_property
    def tags(self) -> tuple[Annotation, ...]:
        """The labelled entries: what exports, agreement, merges and statistics count (notes
        on untagged sentences are left out of all of them)."""
        return tuple(a for a in self.annotations if a.is_tag)


_TABLE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*annotation[ \t]*\]\]", re.MULTILINE)


def table_lines(text: str) -> list[int]:
    """1-based line of each ``[[annotation]]`` header, in order: one pass over the text."""
    lines = []
    line, pos = 1, 0
    for m in _TABLE_HEADER.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    return lines


def table_line(text: str, n: int) -> int:
    """1-based line of the n-th ``[[annotation]]`` header (0-based n), 0 if there is none."""
    lines = table_lines(text)
    return lines[n] if n < len(lines) else 0


def _long_line(text: str) -> int:
    """The 1-based number of the first line longer than MAX_LINE_CHARS, 0 if there is none
    (one split: a regex for a run of a million characters took 1.3 s on a 33 MB set)."""
    if len(text) <= MAX_LINE_CHARS:
        return 0
    # A line longer than MAX_LINE_CHARS holds a whole stretch of ``half`` characters starting
    # at a multiple of ``half``: a file with a line end in each such stretch has none (one find
    # per stretch, instead of splitting 33 MB into a million lines: 0.24 s).
    half = max(1, MAX_LINE_CHARS // 2)
    if all(text.find("\n", i, i + half) >= 0 for i in range(0, len(text) - half + 1, half)):
        return 0
    lines = text.split("\n")
    if max(map(len, lines)) <= MAX_LINE_CHARS:
        return 0
    return next(n for n, line in enumerate(lines, 1) if len(line) > MAX_LINE_CHARS)


def _toml(text: str, shown: str) -> dict[str, Any]:
    """Parse TOML; StoreError with a one-line reason for anything tomllib cannot take.

    tomli reads strings a character at a time (12 s for one 50 MB note), so a line longer
    than any limit allows is refused first, by a scan that takes milliseconds."""
    long_line = _long_line(text)
    if long_line:
        line = long_line
        raise StoreError(
            f"{shown}:{line}: a line longer than {MAX_LINE_CHARS:,} characters; notes hold at "
            f"most {MAX_NOTE_CHARS:,} (shorten it, or move the text to a file of its own)"
        )
    fast = canonical_toml.loads(text)  # the shape this app writes, read 4-5x faster
    if fast is not None:
        return fast
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        raise StoreError(f"{shown}: not valid TOML ({exc})") from None
    except RecursionError:
        # The parser gives no position: the deepest line is the one to look at.
        lines = text.split("\n")
        depth = [max(ln.count("["), ln.count("{"), ln.count(".")) for ln in lines]
        line = depth.index(max(depth)) + 1
        raise StoreError(f"{shown}:{line}: arrays, tables or keys are nested too deeply") from None
    except ValueError as exc:  # an integer longer than Python converts (4300 digits)
        m = re.search(r"\d{4000,}", text)
        where = f":{text.count(chr(10), 0, m.start()) + 1}" if m else ""
        why = "a number is too long" if "digits" in str(exc) else one_line(str(exc))[:120]
        raise StoreError(f"{shown}{where}: not usable TOML ({why})") from None


def parse_set(text: str, path: Path) -> tuple[dict[str, Any], list[Any]]:
    """The top-level table and the raw annotation tables of a set's text; StoreError names the
    file and line of the first problem of the file as a whole."""
    shown = shown_path(path)
    data = _toml(text, shown)
    schema = data.get("schema")
    if schema != SCHEMA:
        where = next(
            (i for i, ln in enumerate(text.splitlines(), 1) if ln.strip().startswith("schema")), 1
        )
        what = "no schema" if schema is None else f"unknown schema {one_line(repr(schema))[:40]}"
        raise StoreError(f"{shown}:{where}: {what} (this reviewer reads schema = {SCHEMA})")
    annotator = data.get("annotator", "")
    corpus = data.get("corpus", "")
    if not isinstance(annotator, str) or not isinstance(corpus, str):
        raise StoreError(f"{shown}: annotator and corpus must be strings")
    raw = data.get("annotation", [])
    if not isinstance(raw, list):
        raise StoreError(f"{shown}: annotation must be an array of tables ([[annotation]])")
    for k, v in data.items():
        if k not in _TOP_KEYS:
            problem = storable_problem(v, k)
            if problem:
                raise StoreError(f"{shown}: {problem}")
    return data, raw


_FIRST_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)


def set_header(text: str, path: Path) -> dict[str, Any]:
    """The top-level keys of a set (annotator, corpus...) without parsing its tables: they
    come before the first one. Parsed whole when the top alone is not valid TOML."""
    first = _FIRST_TABLE.search(text)
    if first is not None:
        try:
            return tomli.loads(text[: first.start()])
        except (tomli.TOMLDecodeError, RecursionError, ValueError):
            pass  # a "[" inside a multi-line string at the top: read it all
    return parse_set(text, path)[0]


def loads(text: str, path: Path, signature: Signature = None) -> AnnotationSet:
    """The annotation set in ``text`` (read from ``path``); StoreError names the file, the line
    and the first problem."""
    # A large set is a million small dicts, strings and annotations, and no reference cycles.
    with collector_paused():
        return _loads(text, path, signature)


def _loads(text: str, path: Path, signature: Signature) -> AnnotationSet:
    shown = shown_path(path)
    data, raw = parse_set(text, path)
    out = []
    first: dict[tuple[str, int, int, str], int] = {}
    for i, item in enumerate(raw):
        try:
            a = annotation_from_dict(item, utf8=True)
        except ValueError as exc:
            raise StoreError(f"{shown}:{table_line(text, i)}: annotation {i + 1}: {exc}") from None
        # The same span with the same quote twice: one would silently replace the other.
        ident = (a.doc, a.start, a.end, a.quote)
        if ident in first:
            # Line numbers are found only for a message (0.4 s over a 33 MB file).
            lines = table_lines(text)
            line, before = (lines[n] if n < len(lines) else 0 for n in (i, first[ident]))
            raise StoreError(
                f"{shown}:{line}: annotation {i + 1} is a second entry for the same sentence "
                f"as the one at line {before} ({one_line(a.doc)[:60]} "
                f"{a.start}:{a.end}); remove one of them"
            )
        first[ident] = i
        out.append(a)
    extra = {k: v for k, v in data.items() if k not in _TOP_KEYS}
    return AnnotationSet(
        path, data.get("annotator", ""), data.get("corpus", ""), tuple(out), extra, signature
    )


def read_set_text(path: Path) -> tuple[str, Signature]:
    """The text of an annotation file and its signature; StoreError for anything unusable."""
    shown = shown_path(path)
    try:
        raw, st = read_regular_stat(path, MAX_SET_BYTES)
    except FileRefused as exc:
        raise StoreError(f"{shown}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(f"{shown}: not UTF-8 text (byte offset {exc.start})") from None
    return text, signature_of(st)


def load(path: Path) -> AnnotationSet:
    text, signature = read_set_text(path)
    return loads(text, path, signature)


# --------------------------------------------------------------------------------------------
# Writing


Key = tuple[str, int, int]
Delta = Mapping[Key, "Annotation | None"]


class Store:
    """Writes one annotator's set.

    Each annotation's TOML text is rendered once and kept on the annotation (annotations are
    immutable: a change makes a new one). A save given the ``changed`` entries since the last
    save edits a sorted list of encoded entries in place (a bisect per change) and joins it:
    with 10,000 annotations that is a few milliseconds of C, where sorting and serialising the
    set held the GIL long enough to delay the keys that triggered it. Handed to the replacer's
    helper (``start_save``), it is not even joined: the same edits are applied to the bytes of
    the previous save, which the helper's shared memory still holds. The bytes are those a
    full serialisation gives (property tests compare both, in test_store and test_store_edits)."""

    def __init__(
        self,
        path: Path,
        annotator: str,
        corpus: str,
        extra: Mapping[str, Any] | None = None,
        signature: Signature = None,
    ) -> None:
        self.path = path
        self.annotator = annotator
        self.corpus = corpus
        self.extra = dict(extra or {})
        self.writes = 0
        # The file as this store last read or wrote it; a save refuses to replace anything else.
        self.signature = signature
        # What the last encode produced, entry by entry in file order; None: rebuild in full.
        self._keys: list[Key] | None = None
        self._blobs: list[bytes] = []
        # The last save handed to a replacer as Edited: its token, header and size. The next
        # one is handed over as edits of it, unless the entries changed some other way since.
        self._handed: object | None = None
        self._handed_head = b""
        self._handed_size = 0
        # How the file is replaced: here, or by the app's writer through a helper process
        # (replacer.Replacer), which keeps the disk's system calls clear of the UI thread.
        self.replace_file: Callable[[Path, bytes], Signature] = replace_here

    def render(self, annotations: Iterable[Annotation]) -> str:
        return dumps(self.annotator, self.corpus, annotations, self.extra)

    def prime(self, annotations: Iterable[Annotation]) -> None:
        """Order and encode ``annotations`` as this store's entries without writing: the set as
        it stands when the app opens it, so that the first save (given the changes since) edits
        them in place. On failure the next save encodes in full, and reports the problem."""
        try:
            self._rebuild(annotations)
        except BaseException:
            self._keys = None
            raise

    def _rebuild(self, annotations: Iterable[Annotation]) -> None:
        self._handed = None
        ordered = sorted(annotations, key=sort_key)
        blobs = [rendered(a).encode("utf-8") for a in ordered]
        keys = [(a.doc, a.start, a.end) for a in ordered]
        if len(set(keys)) != len(keys):
            self._keys = None  # two entries on one span (an orphan): no in-place edits
        else:
            self._keys = keys
        self._blobs = blobs

    def _apply(self, changed: Delta, edits: list[Edit] | None = None) -> None:
        """Edit the entries in place; with ``edits``, also list the same edits of the file's
        bytes (each entry is a line break and its text: at its offset, the old entry's bytes
        replaced by the new one's), headed by ``self._handed_head``."""
        keys, blobs = self._keys, self._blobs
        assert keys is not None
        size = self._handed_size  # of the bytes as the edits so far leave them
        for key, a in changed.items():
            i = bisect_left(keys, key)
            present = i < len(keys) and keys[i] == key
            if a is None:
                if present:
                    if edits is not None:
                        edits.append((self._offset(i, size), 1 + len(blobs[i]), b""))
                        size -= 1 + len(blobs[i])
                    del keys[i]
                    del blobs[i]
                continue
            blob = rendered(a).encode("utf-8")
            if edits is not None:
                old = 1 + len(blobs[i]) if present else 0
                edits.append((self._offset(i, size), old, b"\n" + blob))
                size += 1 + len(blob) - old
            if present:
                blobs[i] = blob
            else:
                keys.insert(i, key)
                blobs.insert(i, blob)

    def _offset(self, i: int, size: int) -> int:
        """Where entry ``i`` (its line break first) starts in the bytes of the entries as they
        stand (``size`` bytes, under ``self._handed_head``): counted from the nearer end."""
        blobs = self._blobs
        if i <= len(blobs) // 2:
            return len(self._handed_head) + i + sum(map(len, islice(blobs, i)))
        return size - (len(blobs) - i) - sum(map(len, islice(blobs, i, None)))

    def encode(self, annotations: Iterable[Annotation], changed: Delta | None = None) -> bytes:
        """The file's bytes. ``changed`` maps each key changed since the last call to its new
        annotation (None: removed); without it (or after a failure) the set is encoded in full.
        """
        self._handed = None  # these bytes are not handed over as edits
        try:
            if changed is None or self._keys is None:
                self._rebuild(annotations)
            else:
                self._apply(changed)
            head = header(self.annotator, self.corpus, self.extra).encode("utf-8")
        except (UnicodeError, RecursionError, TypeError, ValueError) as exc:
            raise self._unencodable(exc) from exc
        return self._joined(head, self._blobs)

    @staticmethod
    def _joined(head: bytes, blobs: list[bytes]) -> bytes:
        # One join: joining the entries, then adding the header, built the 3 MB twice (measured
        # alone, with other allocations between saves: 4.3 ms against 0.3 ms).
        return b"\n".join([head, *blobs])

    def _unencodable(self, exc: Exception) -> StoreWriteError:
        self._keys = None  # half applied: the next save starts over
        return StoreWriteError(f"{shown_path(self.path)}: cannot save ({_unsaveable(exc)})")

    def _edited(self, changed: Delta) -> Edited:
        """The entries edited by ``changed``, as edits of the bytes last handed over (or, when
        none can be trusted, as a whole). Keys must be in order (not after a failure)."""
        base, self._handed = self._handed, None
        try:
            head = header(self.annotator, self.corpus, self.extra).encode("utf-8")
            if base is not None and head != self._handed_head:
                base = None
            edits: list[Edit] | None = [] if base is not None else None
            self._apply(changed, edits)
        except (UnicodeError, RecursionError, TypeError, ValueError) as exc:
            raise self._unencodable(exc) from exc
        blobs = self._blobs
        if edits is not None:
            size = self._handed_size + sum(len(new) - old for _, old, new in edits)
        else:
            size = len(head) + len(blobs) + sum(map(len, blobs))  # a line break before each
        token = object()
        self._handed, self._handed_head, self._handed_size = token, head, size
        return Edited(base, token, size, edits or (), lambda: self._joined(head, blobs))

    def save(self, annotations: Iterable[Annotation], changed: Delta | None = None) -> None:
        """Replace the file with these annotations; StoreChanged if someone else changed it.
        ``changed``: see ``encode``."""
        shown = shown_path(self.path)
        if current_signature(self.path) != self.signature:
            self._keys = None  # the caller merges and saves again, in full
            raise StoreChanged(f"{shown}: changed on disk since reviewer last read it")
        data = self.encode(annotations, changed)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            signature = self.replace_file(self.path, data)
        except OSError as exc:
            raise self._write_error(exc) from exc
        self.signature = signature
        self.writes += 1

    def start_save(
        self, annotations: Iterable[Annotation], changed: Delta, replacer: Replacer
    ) -> bool:
        """Start a save through ``replacer``'s helper and return without waiting for the disk;
        ``finish_save`` completes it. False when nothing was started (a full encode is due, no
        helper, the file changed on disk, an entry cannot be encoded, anything unexpected):
        ``save`` then does it all, and says why. Never raises: it runs on the key's path."""
        if self._keys is None or not replacer.available:
            return False  # a full encode (first save, after a failure) is the writer's work
        started = False
        try:
            if current_signature(self.path) == self.signature:
                data = self._edited(changed)
                self.path.parent.mkdir(parents=True, exist_ok=True)
                started = replacer.start(self.path, data)
        except Exception:  # StoreWriteError, OSError, or a bug: the writer's full save reports it
            pass
        if not started:
            self._keys = None  # the changes may be in the entries already: encode in full
            self._handed = None
        return started

    def finish_save(self, replacer: Replacer) -> None:
        """Wait for the save ``start_save`` started; StoreWriteError if the disk refused it."""
        try:
            signature = replacer.finish()
        except OSError as exc:
            self._handed = None
            raise self._write_error(exc) from exc
        self.signature = signature
        self.writes += 1

    def _write_error(self, exc: OSError) -> StoreWriteError:
        return StoreWriteError(f"{shown_path(self.path)}: cannot save ({exc.strerror or exc})")

    def save_new(self, annotations: Iterable[Annotation]) -> None:
        """Create the file; StoreError if it exists (or another process creates it first)."""
        data = self.encode(annotations)
        shown = shown_path(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_new(self.path, data)
        except FileExistsError:
            raise StoreError(f"{shown}: already exists; reviewer will not overwrite it") from None
        except OSError as exc:
            raise StoreWriteError(f"{shown}: cannot save ({exc.strerror or exc})") from exc
        self.writes += 1


# --------------------------------------------------------------------------------------------
# Re-anchoring


@dataclass(frozen=True)
class AnchorResult:
    anchored: tuple[Annotation, ...]
    orphans: tuple[Annotation, ...]
    moved: int  # found by their exact quote at new offsets
    fuzzy: int = 0  # found only approximately: marked unconfirmed in the app and the file


Texts = Mapping[str, tuple[str, Sequence[tuple[int, int]]]]
FUZZY_THRESHOLD = 85.0  # rapidfuzz ratio of the old quote to a sentence, to move a tag there


class _Occupied:
    """What already holds an annotation in one document, bucketed by sentence so that a check
    costs the few annotations of one sentence, not all of the document's."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.buckets: dict[int, list[tuple[int, int]]] = {}

    def _sentences(self, start: int, end: int) -> list[int]:
        first = max(0, bisect_right(self.starts, start) - 1)
        if first < len(self.ends) and self.ends[first] <= start:
            first += 1
        found = list(range(first, bisect_left(self.starts, max(end, start + 1))))
        return found or [-1]  # -1: outside every sentence

    def holds(self, start: int, end: int) -> bool:
        return any((start, end) in self.buckets.get(i, ()) for i in self._sentences(start, end))

    def overlaps(self, start: int, end: int) -> bool:
        """Some annotation's span overlaps ``start:end``."""
        return any(
            s < end and start < e
            for i in self._sentences(start, end)
            for s, e in self.buckets.get(i, ())
        )

    def sentence_free(self, start: int, end: int) -> bool:
        """No annotation at all in the sentences ``start:end`` touches."""
        return not any(self.buckets.get(i) for i in self._sentences(start, end))

    def take(self, start: int, end: int) -> None:
        for i in self._sentences(start, end):
            self.buckets.setdefault(i, []).append((start, end))


def _occurrences(text: str, quote: str) -> list[int]:
    hits = []
    pos = text.find(quote)
    while pos >= 0:
        hits.append(pos)
        pos = text.find(quote, pos + 1)
    return hits


_WORDS = re.compile(r"\w+")
FACT_PENALTY = 4.0  # points off the similarity per number or name only one of two sentences has


def _facts(sentence: str) -> set[str]:
    """Words that carry the facts of a sentence: any with a digit, and capitalised words after
    the first (names, weekdays, months)."""
    words = _WORDS.findall(sentence)
    return {w for i, w in enumerate(words) if any(c.isdigit() for c in w) or (i and w[0].isupper())}


def _similar_sentences(
    a: Annotation, text: str, spans: Sequence[tuple[int, int]]
) -> list[tuple[float, int, int]]:
    """(score, start, end) of every sentence like ``a``'s quote enough to move it there.

    Characters alone would take "... on Monday, June 3." for an edit of "... on Tuesday,
    June 4." (a few letters differ), while it is another claim. So every number or name that
    only one of the two has costs FACT_PENALTY points: rewording around the same facts still
    matches, other facts do not.
    """
    from rapidfuzz import fuzz

    if not a.quote.strip():
        return []
    facts = _facts(a.quote)
    found = []
    for s, e in spans:
        ratio = fuzz.ratio(a.quote, text[s:e], score_cutoff=FUZZY_THRESHOLD)
        if not ratio:
            continue
        score = ratio - FACT_PENALTY * len(facts ^ _facts(text[s:e]))
        if score >= FUZZY_THRESHOLD:
            found.append((score, s, e))
    return found


def _fix_evidence(a: Annotation, texts: Texts) -> Annotation:
    """Evidence whose document changed follows its quote (exactly) when it can."""
    fixed = []
    changed = False
    for e in a.evidence:
        doc = texts.get(e.doc)
        if doc is not None and doc[0][e.start : e.end] != e.quote and e.quote:
            hits = _occurrences(doc[0], e.quote)
            if hits:
                h = min(hits, key=lambda h: (abs(h - e.start), h))
                e = Evidence(e.doc, h, h + len(e.quote), e.quote)
                changed = True
        fixed.append(e)
    return a.with_changes(evidence=tuple(fixed)) if changed else a


def anchor_all(annotations: Iterable[Annotation], texts: Texts) -> AnchorResult:
    """Re-anchor annotations to documents as they are now; nothing is ever dropped.

    1. An annotation whose quote is still exactly at its span stays there.
    2. The others take the nearest exact occurrence of their quote that overlaps no other
       annotation (in document order).
    3. The rest are matched to sentences like their quote (rapidfuzz ratio >= 85 after a
       penalty for each number or name not in both), the best pairs first, and marked fuzzy
       until the reviewer confirms. A sentence that already
       holds any annotation is never taken: the next best free one is, if it is similar
       enough.
    Whatever finds no free place becomes an orphan, kept in the file as it was.
    """
    items = list(annotations)
    occupied: dict[str, _Occupied] = {}

    def occ(doc_id: str) -> _Occupied:
        found = occupied.get(doc_id)
        if found is None:
            found = occupied[doc_id] = _Occupied(texts[doc_id][1])
        return found

    placed: dict[int, Annotation] = {}
    pending: list[int] = []
    for i, a in enumerate(items):
        doc = texts.get(a.doc)
        if doc is None or a.is_empty:
            continue
        if doc[0][a.start : a.end] == a.quote and not occ(a.doc).holds(a.start, a.end):
            occ(a.doc).take(a.start, a.end)
            placed[i] = a
        else:
            pending.append(i)
    moved = 0
    approximate: list[tuple[float, int, int, int]] = []  # (-score, item, start, end) pairs
    for i in sorted(pending, key=lambda i: (items[i].doc, items[i].start, items[i].end, i)):
        a = items[i]
        text, spans = texts[a.doc]
        hits = _occurrences(text, a.quote) if a.quote else []
        if hits:
            n = len(a.quote)
            for h in sorted(hits, key=lambda h: (abs(h - a.start), h)):
                if not occ(a.doc).overlaps(h, h + n):
                    occ(a.doc).take(h, h + n)
                    placed[i] = a.with_changes(start=h, end=h + n)
                    moved += 1
                    break
            continue  # the same words are there but all tagged already: an orphan
        approximate.extend((-score, i, s, e) for score, s, e in _similar_sentences(a, text, spans))
    fuzzy = 0
    for _, i, s, e in sorted(approximate):
        a = items[i]
        if i in placed or not occ(a.doc).sentence_free(s, e):
            continue
        occ(a.doc).take(s, e)
        text = texts[a.doc][0]
        placed[i] = a.with_changes(
            start=s, end=e, quote=text[s:e], anchor=FUZZY, anchor_quote=a.anchor_quote or a.quote
        )
        fuzzy += 1
    anchored = tuple(_fix_evidence(placed[i], texts) for i in range(len(items)) if i in placed)
    orphans = tuple(a for i, a in enumerate(items) if i not in placed)
    return AnchorResult(anchored, orphans, moved, fuzzy)
