"""Annotation sets in and out: JSONL, CSV, Prodigy, Label Studio and FEVER, and imports back.

Every exporter takes loaded sets (``store.AnnotationSet``) and returns plain Python data or text;
the CLI decides where it goes. ``jsonl`` carries every TOML field, so ``import`` of an export gives
back the same TOML.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .corpus import Corpus
from .files import kind_of
from .jsonlines import jsonl_line
from .printable import repair_surrogates, shown_path
from .store import LABELS, Annotation, AnnotationSet, StoreError, annotation_from_dict, load

FORMATS = ("jsonl", "csv", "prodigy", "labelstudio", "fever")
IMPORT_FORMATS = ("jsonl", "prodigy")
FEVER_LABEL = {"supported": "SUPPORTS", "contradicted": "REFUTES", "fabricated": "NOT ENOUGH INFO"}


class ExportError(Exception):
    """Input the exporters cannot use; the message is one line for the user."""


# --------------------------------------------------------------------------------------------
# Loading several sets


def load_sets(
    paths: Sequence[str | Path], warn: Callable[[str], object] | None = None
) -> list[AnnotationSet]:
    """Sets from files and folders of ``*.toml``.

    A file named explicitly must be a usable set (StoreError/ExportError otherwise). In a
    folder, a file that is not one (a link, a pipe, another kind of TOML, a broken file) is
    skipped with one line to ``warn``, so one stray file does not stop every command.
    """
    sets: list[AnnotationSet] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            before = len(sets)
            for f in sorted(p.glob("*.toml")):
                if f.name.startswith("."):
                    continue
                try:
                    if f.is_symlink() or not f.is_file():
                        kind = "a link" if f.is_symlink() else kind_of(f.lstat().st_mode)
                        raise StoreError(f"{shown_path(f)}: {kind}, not an annotation set")
                    sets.append(load(f))
                except StoreError as exc:
                    if warn is not None:
                        warn(f"{exc}; skipped")
            if len(sets) == before:
                raise ExportError(f"{shown_path(p)}: no annotation sets (*.toml) in this folder")
        elif p.exists() or p.is_symlink():
            sets.append(load(p))
        else:
            raise ExportError(f"{shown_path(p)}: no such file or folder")
    return sets


def check_same_corpus(sets: Sequence[AnnotationSet]) -> str:
    """The corpus the sets share; ExportError when they were made on different corpora."""
    names = {s.corpus for s in sets}
    if len(names) > 1:
        listed = ", ".join(f"{s.path} ({s.corpus!r})" for s in sets)
        raise ExportError(f"annotation files come from different corpora: {listed}")
    return names.pop() if names else ""


def group_of(doc_id: str, corpus: Corpus | None) -> str:
    """A document's group: from the corpus when known, else from its id's first folder."""
    if corpus is not None:
        doc = corpus.get(doc_id)
        if doc is not None:
            return doc.group
    return doc_id.split("/", 1)[0] if "/" in doc_id else ""


def _stamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    if value.tzinfo is not None and value.utcoffset() == timedelta(0):
        text = text.replace("+00:00", "Z")
    return text


def _plain(value: Any) -> Any:
    """TOML values as JSON values (date-times as ISO strings; TOML's nan and inf, which JSON
    cannot hold, as the strings "nan", "inf" and "-inf")."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, datetime):
        return _stamp(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _rows(sets: Sequence[AnnotationSet]) -> Iterator[tuple[AnnotationSet, Annotation]]:
    for s in sets:
        for a in sorted(s.annotations, key=lambda a: (a.doc, a.start, a.end)):
            yield s, a


# --------------------------------------------------------------------------------------------
# Exporters


def jsonl_records(sets: Sequence[AnnotationSet], corpus: Corpus | None) -> list[dict[str, Any]]:
    out = []
    for s, a in _rows(sets):
        record: dict[str, Any] = {
            "annotator": s.annotator,
            "corpus": s.corpus,
            "group": group_of(a.doc, corpus),
            "doc": a.doc,
            "start": a.start,
            "end": a.end,
            "quote": a.quote,
            "label": a.label,
            "note": a.note,
            "suspicion": a.suspicion,
            "created": _stamp(a.created),
            "updated": _stamp(a.updated),
            "evidence": [
                {"doc": e.doc, "start": e.start, "end": e.end, "quote": e.quote} for e in a.evidence
            ],
        }
        for k, v in a.extra.items():
            record.setdefault(k, _plain(v))
        out.append(record)
    return out


_CSV_FIELDS = [
    "annotator", "corpus", "group", "doc", "start", "end", "quote", "label", "note", "suspicion",
    "created", "updated", "evidence_count", "evidence",
]  # fmt: skip
# What a spreadsheet may take as the start of a formula, ASCII and full-width (OWASP's list).
_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# Characters a spreadsheet may skip before the formula character: whitespace (newlines and the
# no-break space included, str.isspace) and the zero-width ones, which isspace does not cover.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e")


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (OWASP: prefix with a quote), also
    when invisible characters come before the formula character."""
    if not isinstance(value, str):
        return value
    for ch in value:
        if ch in _FORMULA_START:
            return "'" + value
        if not (ch.isspace() or ch in _ZERO_WIDTH):
            break
    return value


def to_csv(sets: Sequence[AnnotationSet], corpus: Corpus | None) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=_CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for r in jsonl_records(sets, corpus):
        row = {k: r.get(k) for k in _CSV_FIELDS if k not in ("evidence", "evidence_count")}
        row["evidence_count"] = len(r["evidence"])
        row["evidence"] = " | ".join(
            f"{e['doc']}[{e['start']}:{e['end']}] {e['quote']}" for e in r["evidence"]
        )
        writer.writerow({k: safe_cell("" if v is None else v) for k, v in row.items()})
    return buf.getvalue()


def prodigy_records(sets: Sequence[AnnotationSet], corpus: Corpus | None) -> list[dict[str, Any]]:
    """Prodigy's task format for a choice interface: one task per tagged claim."""
    out = []
    for r in jsonl_records(sets, corpus):
        out.append(
            {
                "text": r["quote"],
                "meta": {
                    "doc": r["doc"],
                    "start": r["start"],
                    "end": r["end"],
                    "group": r["group"],
                    "corpus": r["corpus"],
                    "suspicion": r["suspicion"],
                },
                "options": [{"id": label, "text": label} for label in LABELS],
                "accept": [r["label"]],
                "answer": "accept",
                "_annotator_id": r["annotator"],
                "_timestamp": _epoch(r["updated"]),
                "note": r["note"],
                "evidence": r["evidence"],
            }
        )
    return out


def _epoch(stamp: str | None) -> int | None:
    if not stamp:
        return None
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def labelstudio_tasks(sets: Sequence[AnnotationSet], corpus: Corpus) -> list[dict[str, Any]]:
    """Label Studio's JSON export: one task per document (its full text), one annotation per
    annotator, a ``labels`` region per tagged sentence (start, end, text, labels); notes and
    evidence go in the region's ``meta``."""
    by_doc: dict[str, dict[str, list[Annotation]]] = {}
    stamps: dict[tuple[str, str], list[str]] = {}
    for s, a in _rows(sets):
        by_doc.setdefault(a.doc, {}).setdefault(s.annotator, []).append(a)
        stamps.setdefault((a.doc, s.annotator), []).extend(
            x for x in (_stamp(a.created), _stamp(a.updated)) if x
        )
    tasks = []
    region_id = 0
    for task_id, doc_id in enumerate(sorted(by_doc), start=1):
        doc = corpus.get(doc_id)
        if doc is None:
            raise ExportError(f"{doc_id}: not in the corpus; pass the corpus the tags were made on")
        annotations = []
        for ann_id, (annotator, items) in enumerate(sorted(by_doc[doc_id].items()), start=1):
            result = []
            for a in items:
                region_id += 1
                meta: dict[str, Any] = {}
                if a.note:
                    meta["text"] = [a.note]
                if a.evidence:
                    meta["evidence"] = [
                        {"doc": e.doc, "start": e.start, "end": e.end, "quote": e.quote}
                        for e in a.evidence
                    ]
                region: dict[str, Any] = {
                    "id": f"r{region_id}",
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "origin": "manual",
                    "value": {"start": a.start, "end": a.end, "text": a.quote, "labels": [a.label]},
                }
                if meta:
                    region["meta"] = meta
                result.append(region)
            times = sorted(stamps.get((doc_id, annotator), []))
            annotations.append(
                {
                    "id": task_id * 1000 + ann_id,
                    "completed_by": annotator,
                    "result": result,
                    "was_cancelled": False,
                    "ground_truth": False,
                    "created_at": times[0] if times else None,
                    "updated_at": times[-1] if times else None,
                }
            )
        tasks.append(
            {
                "id": task_id,
                "data": {"text": doc.text, "doc": doc_id, "group": doc.group},
                "annotations": annotations,
                "predictions": [],
            }
        )
    return tasks


def fever_records(sets: Sequence[AnnotationSet], corpus: Corpus | None) -> list[dict[str, Any]]:
    """FEVER-style claims. "fabricated" maps to NOT ENOUGH INFO (no document supports it);
    ``original_label`` keeps ours. Evidence sets hold [annotation id, evidence id, document,
    sentence start], as FEVER holds [annotation id, evidence id, page, sentence id]."""
    out = []
    for n, r in enumerate(jsonl_records(sets, corpus), start=1):
        label = FEVER_LABEL[r["label"]]
        if r["evidence"] and label != "NOT ENOUGH INFO":
            evidence = [[[n, k, e["doc"], e["start"]] for k, e in enumerate(r["evidence"], 1)]]
        else:
            evidence = [[[n, None, None, None]]]
        out.append(
            {
                "id": n,
                "verifiable": "NOT VERIFIABLE" if label == "NOT ENOUGH INFO" else "VERIFIABLE",
                "label": label,
                "claim": r["quote"],
                "evidence": evidence,
                "original_label": r["label"],
                "doc": r["doc"],
                "start": r["start"],
                "end": r["end"],
                "group": r["group"],
                "annotator": r["annotator"],
                "note": r["note"],
                "evidence_text": [e["quote"] for e in r["evidence"]],
            }
        )
    return out


def export(fmt: str, sets: Sequence[AnnotationSet], corpus: Corpus | None) -> str:
    """The whole export as text in ``fmt``."""
    if fmt == "csv":
        return to_csv(sets, corpus)
    if fmt == "labelstudio":
        if corpus is None:
            raise ExportError("labelstudio export needs the documents' text: pass --corpus PATH")
        return json.dumps(labelstudio_tasks(sets, corpus), ensure_ascii=False, indent=2) + "\n"
    makers = {"jsonl": jsonl_records, "prodigy": prodigy_records, "fever": fever_records}
    if fmt not in makers:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return "".join(jsonl_line(r) for r in makers[fmt](sets, corpus))


# --------------------------------------------------------------------------------------------
# Import


def _parse_stamp(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ExportError(f"{where}: date-time must be a string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"{where}: not an ISO date-time: {value!r}") from None
    return parsed


def _record_to_annotation(r: Mapping[str, Any], where: str) -> Annotation:
    table = {k: v for k, v in r.items() if k not in ("annotator", "corpus", "group")}
    for key in ("created", "updated"):
        table[key] = _parse_stamp(table.get(key), where)
    if table.get("note") in (None, ""):
        table.pop("note", None)
    if table.get("suspicion") is None:
        table.pop("suspicion", None)
    for key in ("created", "updated"):
        if table[key] is None:
            table.pop(key)
    try:
        return annotation_from_dict(table)
    except ValueError as exc:
        raise ExportError(f"{where}: {exc}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number reviewer accepts")


def _json_record(line: str, where: str) -> dict[str, Any]:
    try:
        r = json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ExportError(f"{where}: not valid JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:  # NaN, a 5000-digit number, deep nesting
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(":")[0]
        raise ExportError(f"{where}: not usable JSON ({why})") from None
    if not isinstance(r, dict):
        raise ExportError(f"{where}: expected a JSON object")
    return r


def _prodigy_table(r: Mapping[str, Any], where: str) -> dict[str, Any] | None:
    """The TOML table of one Prodigy task, None for a task that carries no label."""
    if r.get("answer") != "accept":
        return None  # rejected or skipped tasks carry no label
    meta = r.get("meta")
    accept = r.get("accept")
    if not isinstance(meta, dict):
        raise ExportError(f"{where}: a Prodigy task needs a meta object (doc, start, end)")
    if not isinstance(accept, list) or len(accept) != 1 or not isinstance(accept[0], str):
        raise ExportError(f'{where}: "accept" must be a list holding one label')
    table = {
        "doc": meta.get("doc"),
        "start": meta.get("start"),
        "end": meta.get("end"),
        "quote": r.get("text"),
        "label": accept[0],
        "note": r.get("note") or "",
        "suspicion": meta.get("suspicion"),
        "evidence": r.get("evidence") or [],
    }
    stamp = r.get("_timestamp")
    if stamp is not None:
        if isinstance(stamp, bool) or not isinstance(stamp, int | float):
            raise ExportError(f'{where}: "_timestamp" must be a number of seconds')
        try:
            when = datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, OSError, ValueError):
            raise ExportError(f'{where}: "_timestamp" {stamp!r} is out of range') from None
        table["created"] = table["updated"] = when
    return table


def import_records(
    lines: Iterable[str], fmt: str, source: str
) -> list[tuple[str, str, Annotation]]:
    """(annotator, corpus, annotation) per record; ExportError names the line at fault.

    Every record is checked before anything is written: a value TOML cannot hold (a null, NaN,
    a lone surrogate, nesting deeper than the limit) is refused with its line.
    """
    if fmt not in IMPORT_FORMATS:
        raise ExportError(f"cannot import {fmt!r} (choose from {', '.join(IMPORT_FORMATS)})")
    out = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        r = _json_record(line, where)
        if fmt == "prodigy":
            table = _prodigy_table(r, where)
            if table is None:
                continue
            annotation = _record_to_annotation(table, where)
            meta = r["meta"]
            who, corpus = r.get("_annotator_id"), meta.get("corpus")
        else:
            annotation = _record_to_annotation(r, where)
            who, corpus = r.get("annotator"), r.get("corpus")
        for name, value in (("annotator", who), ("corpus", corpus)):
            if value is not None and not isinstance(value, str):
                raise ExportError(f'{where}: "{name}" must be a string')
        out.append((repair_surrogates(who or ""), repair_surrogates(corpus or ""), annotation))
    return out


__all__ = [
    "FORMATS",
    "IMPORT_FORMATS",
    "ExportError",
    "StoreError",
    "check_same_corpus",
    "export",
    "import_records",
    "load_sets",
]
