"""The TOML annotation store: one human-readable file per annotator, rewritten atomically.

The file is the source of truth. Each write goes to a temporary file in the same folder, is
fsynced and renamed over the old one, so a kill at any instant leaves the old or the new file.
Each annotation's TOML text is cached, so a write after one change serialises one annotation,
not all of them; the rest is string concatenation and the disk.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import tomli_w

SCHEMA = 1
LABELS = ("supported", "contradicted", "fabricated")
_KNOWN_KEYS = {
    "doc",
    "start",
    "end",
    "quote",
    "label",
    "note",
    "suspicion",
    "created",
    "updated",
    "evidence",
}


class StoreError(Exception):
    """An annotation file that cannot be used; the message names the file (and line)."""


class StoreWriteError(StoreError):
    """Writing failed (disk full, read-only folder...); the old file is untouched."""


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
    label: str
    note: str = ""
    suspicion: float | None = None
    created: datetime | None = None
    updated: datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    # Keys this version does not know, kept verbatim so that nothing a user wrote is dropped.
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.doc, self.start, self.end)

    def with_changes(self, **changes: Any) -> Annotation:
        return replace(self, **changes)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def sort_key(a: Annotation) -> tuple[str, int, int]:
    return (a.doc, a.start, a.end)


# --------------------------------------------------------------------------------------------
# Serialisation


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
        "label": a.label,
    }
    if a.note:
        d["note"] = a.note
    if a.suspicion is not None:
        d["suspicion"] = round(float(a.suspicion), 4)
    if a.created is not None:
        d["created"] = a.created
    if a.updated is not None:
        d["updated"] = a.updated
    for k, v in a.extra.items():
        if k not in d and k != "evidence":
            d[k] = v
    if a.evidence:
        d["evidence"] = [
            {"doc": e.doc, "start": e.start, "end": e.end, "quote": e.quote} for e in a.evidence
        ]
    return d


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
    parts.extend(_chunk(a) for a in sorted(annotations, key=sort_key))
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# Parsing


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _parse_evidence(raw: Any) -> Evidence:
    if not isinstance(raw, dict):
        raise ValueError("evidence entry is not a table")
    doc, start, end, quote = raw.get("doc"), raw.get("start"), raw.get("end"), raw.get("quote")
    if not (isinstance(doc, str) and isinstance(quote, str) and _int(start) and _int(end)):
        raise ValueError("evidence needs doc (string), start and end (integers), quote (string)")
    return Evidence(doc, int(start), int(end), quote)  # type: ignore[arg-type]


def annotation_from_dict(raw: Any) -> Annotation:
    """Build an annotation from its TOML table; ValueError names the first problem."""
    if not isinstance(raw, dict):
        raise ValueError("annotation is not a table")
    for key, kind in (("doc", str), ("quote", str), ("label", str)):
        if not isinstance(raw.get(key), kind):
            raise ValueError(f'"{key}" is missing or not a string')
    for key in ("start", "end"):
        if not _int(raw.get(key)):
            raise ValueError(f'"{key}" is missing or not an integer')
    if raw["label"] not in LABELS:
        raise ValueError(f'unknown label "{raw["label"]}" (expected {", ".join(LABELS)})')
    if not 0 <= raw["start"] <= raw["end"]:
        raise ValueError(f"bad span start={raw['start']} end={raw['end']}")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise ValueError('"note" is not a string')
    suspicion = raw.get("suspicion")
    if suspicion is not None and (
        isinstance(suspicion, bool) or not isinstance(suspicion, int | float)
    ):
        raise ValueError('"suspicion" is not a number')
    stamps = {}
    for key in ("created", "updated"):
        v = raw.get(key)
        if v is not None and not isinstance(v, datetime):
            raise ValueError(f'"{key}" is not a date-time')
        stamps[key] = v
    evidence = raw.get("evidence", [])
    if not isinstance(evidence, list):
        raise ValueError('"evidence" is not an array of tables')
    return Annotation(
        doc=raw["doc"],
        start=raw["start"],
        end=raw["end"],
        quote=raw["quote"],
        label=raw["label"],
        note=note,
        suspicion=None if suspicion is None else float(suspicion),
        created=stamps["created"],
        updated=stamps["updated"],
        evidence=tuple(_parse_evidence(e) for e in evidence),
        extra={k: v for k, v in raw.items() if k not in _KNOWN_KEYS},
    )


@dataclass(frozen=True)
class AnnotationSet:
    path: Path
    annotator: str
    corpus: str
    annotations: tuple[Annotation, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown top-level keys, kept


def table_line(text: str, n: int) -> int:
    """1-based line of the n-th ``[[annotation]]`` header (0-based n), for error messages."""
    count = -1
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip().replace(" ", "") == "[[annotation]]":
            count += 1
            if count == n:
                return lineno
    return 0


def loads(text: str, path: Path) -> AnnotationSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(f"{path}: not valid TOML ({exc})") from None
    schema = data.get("schema")
    if schema != SCHEMA:
        where = next(
            (i for i, ln in enumerate(text.splitlines(), 1) if ln.strip().startswith("schema")), 1
        )
        what = "no schema" if schema is None else f"unknown schema {schema!r}"
        raise StoreError(f"{path}:{where}: {what} (this reviewer reads schema = {SCHEMA})")
    annotator = data.get("annotator", "")
    corpus = data.get("corpus", "")
    if not isinstance(annotator, str) or not isinstance(corpus, str):
        raise StoreError(f"{path}: annotator and corpus must be strings")
    raw = data.get("annotation", [])
    if not isinstance(raw, list):
        raise StoreError(f"{path}: annotation must be an array of tables ([[annotation]])")
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(annotation_from_dict(item))
        except ValueError as exc:
            raise StoreError(f"{path}:{table_line(text, i)}: annotation {i + 1}: {exc}") from None
    extra = {k: v for k, v in data.items() if k not in _TOP_KEYS}
    return AnnotationSet(path, annotator, corpus, tuple(out), extra)


def load(path: Path) -> AnnotationSet:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StoreError(f"{path}: not UTF-8 text") from None
    return loads(text, path)


# --------------------------------------------------------------------------------------------
# Writing


def write_atomic(path: Path, data: str) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data.encode("utf-8"))
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreWriteError(f"{path}: cannot save ({exc.strerror or exc})") from exc
    # The rename is durable only once the folder's entry is on disk too.
    with contextlib.suppress(OSError):
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def remove_stale_temps(path: Path) -> int:
    """Delete temporary files a killed writer of ``path`` left behind; call with the lock held,
    when no other writer of this file can be running. Returns how many were removed."""
    removed = 0
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed += 1
    return removed


class Store:
    """Writes one annotator's set; keeps each annotation's TOML text to avoid re-serialising."""

    def __init__(
        self, path: Path, annotator: str, corpus: str, extra: Mapping[str, Any] | None = None
    ) -> None:
        self.path = path
        self.annotator = annotator
        self.corpus = corpus
        self.extra = dict(extra or {})
        self._chunks: dict[int, tuple[Annotation, str]] = {}
        self.writes = 0

    def render(self, annotations: Iterable[Annotation]) -> str:
        chunks: dict[int, tuple[Annotation, str]] = {}
        parts = [header(self.annotator, self.corpus, self.extra)]
        for a in sorted(annotations, key=sort_key):
            cached = self._chunks.get(id(a))
            text = cached[1] if cached is not None and cached[0] is a else _chunk(a)
            chunks[id(a)] = (a, text)
            parts.append(text)
        self._chunks = chunks
        return "\n".join(parts)

    def save(self, annotations: Iterable[Annotation]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, self.render(annotations))
        self.writes += 1


# --------------------------------------------------------------------------------------------
# Re-anchoring


@dataclass(frozen=True)
class AnchorResult:
    anchored: tuple[Annotation, ...]
    orphans: tuple[Annotation, ...]
    moved: int  # anchored, but at new offsets


def _snap(a: Annotation, text: str, start: int, end: int) -> Annotation:
    return a.with_changes(start=start, end=end, quote=text[start:end])


def reanchor(a: Annotation, text: str, spans: list[tuple[int, int]]) -> Annotation | None:
    """Find ``a`` in a document that changed: exact quote first, then fuzzy; None if lost.

    ``spans`` are the document's sentence spans; a fuzzy hit is snapped to the sentence it
    overlaps most, since tags belong to sentences.
    """
    from rapidfuzz import fuzz

    if text[a.start : a.end] == a.quote:
        return a
    hits = [m.start() for m in re.finditer(re.escape(a.quote), text)] if a.quote else []
    if hits:
        best = min(hits, key=lambda h: abs(h - a.start))
        return _snap(a, text, best, best + len(a.quote))
    if not a.quote.strip() or not spans:
        return None
    best_span, best_score = None, 0.0
    for s, e in spans:
        score = fuzz.ratio(a.quote, text[s:e])
        if score > best_score:
            best_span, best_score = (s, e), score
    if best_span is None or best_score < 85:
        return None
    return _snap(a, text, *best_span)


def anchor_all(
    annotations: Iterable[Annotation], texts: Mapping[str, tuple[str, list[tuple[int, int]]]]
) -> AnchorResult:
    anchored, orphans, moved = [], [], 0
    for a in annotations:
        doc = texts.get(a.doc)
        found = reanchor(a, *doc) if doc is not None else None
        if found is None:
            orphans.append(a)
            continue
        if found is not a:
            moved += 1
        anchored.append(found)
    return AnchorResult(tuple(anchored), tuple(orphans), moved)
