"""Annotation sets in and out: JSONL, CSV, Prodigy, Label Studio and FEVER, and imports back.

Every exporter takes loaded sets (``store.AnnotationSet``) and returns plain Python data or text;
the CLI decides where it goes. ``jsonl`` carries every TOML field, so ``import`` of an export gives
back the same TOML.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .corpus import Corpus
from .files import kind_of
from .jsonlines import jsonl_line
from .printable import repair_surrogates, shown_path
from .store import LABELS, Annotation, AnnotationSet, StoreError, annotation_from_dict, load

FORMATS = ("jsonl", "csv", "prodigy", "prodigy-spans", "labelstudio", "fever")
IMPORT_FORMATS = ("jsonl", "prodigy", "labelstudio")

# The labeling config a Label Studio project needs for the export (``export --config``): the
# control and object names must be these, or Label Studio imports the regions and shows none.
LABELSTUDIO_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="supported" background="#2e9e5b"/>
    <Label value="contradicted" background="#c0392b"/>
    <Label value="fabricated" background="#7b2cbf"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>
"""
ENGINE_MODEL = "reviewer-engine"


def stable_id(*parts: object, bits: int = 52) -> int:
    """A positive integer from ``parts`` that is the same in every export (JSON-safe: below
    2**53), for ids other tools keep: FEVER claim ids, Label Studio annotation ids."""
    digest = hashlib.sha1("\0".join(map(str, parts)).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - bits)


def prodigy_hash(*parts: object) -> int:
    """A signed 32-bit hash, the kind Prodigy uses for ``_input_hash`` and ``_task_hash``."""
    value = stable_id(*parts, bits=32)
    return value - (1 << 32) if value >= (1 << 31) else value


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
        for a in sorted(s.tags, key=lambda a: (a.doc, a.start, a.end)):
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
        # A JSON list, not joined text: a quote may hold any separator.
        row["evidence"] = json.dumps(r["evidence"], ensure_ascii=False) if r["evidence"] else ""
        writer.writerow({k: safe_cell("" if v is None else v) for k, v in row.items()})
    return buf.getvalue()


@dataclass
class ExportOptions:
    """Choices of the export command. ``users``: annotator name -> Label Studio member (an
    email, or a numeric member id); ``as_predictions``: annotators' tags go to Label Studio as
    predictions (``model_version`` = the annotator) instead of annotations; ``engine``: the
    engine's suspects per document (start, end, label, score), exported as predictions of
    ``reviewer-engine``; ``notes``: lines the export wants the user to read (what it left out).
    """

    users: dict[str, str | int] = field(default_factory=dict)
    bom: bool = False  # csv: a UTF-8 byte order mark first, for spreadsheets on Windows
    as_predictions: bool = False
    engine: dict[str, list[tuple[int, int, str, float]]] | None = None
    notes: list[str] = field(default_factory=list)


def prodigy_records(sets: Sequence[AnnotationSet], corpus: Corpus | None) -> list[dict[str, Any]]:
    """Prodigy's task format for a choice interface (``_view_id: choice``, single choice): one
    task per tagged claim. The hashes depend on the sentence (input) and on it plus the options
    (task), so they are the same in every export and match across annotators."""
    out = []
    for r in jsonl_records(sets, corpus):
        input_hash = prodigy_hash(r["doc"], r["start"], r["end"], r["quote"])
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
                "_input_hash": input_hash,
                "_task_hash": prodigy_hash(input_hash, *LABELS),
                "_view_id": "choice",
                "config": {"choice_style": "single"},
                "_annotator_id": r["annotator"],
                "_session_id": r["annotator"],
                "_timestamp": _epoch(r["updated"]),
                "note": r["note"],
                "evidence": r["evidence"],
            }
        )
    return out


_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def prodigy_spans_records(
    sets: Sequence[AnnotationSet], corpus: Corpus | None
) -> list[dict[str, Any]]:
    """Prodigy's span format (``spans.manual``, span categoriser training): one task per
    document and annotator, the whole text tokenised, a span per tagged sentence."""
    if corpus is None:
        raise ExportError("prodigy-spans export needs the documents' text: pass --corpus PATH")
    by_doc: dict[tuple[str, str], list[Annotation]] = {}
    for s, a in _rows(sets):
        by_doc.setdefault((a.doc, s.annotator), []).append(a)
    out = []
    for (doc_id, annotator), items in sorted(by_doc.items()):
        doc = corpus.get(doc_id)
        if doc is None:
            raise ExportError(f"{doc_id}: not in the corpus; pass the corpus the tags were made on")
        tokens: list[dict[str, Any]] = []
        for i, m in enumerate(_TOKEN.finditer(doc.text)):
            ws = m.end() < len(doc.text) and doc.text[m.end()].isspace()
            tokens.append({"text": m.group(), "start": m.start(), "end": m.end(), "id": i,
                           "ws": ws})  # fmt: skip
        starts: list[int] = [t["start"] for t in tokens]
        spans = []
        for a in items:
            first = bisect_left(starts, a.start)
            last = bisect_left(starts, a.end) - 1
            if first > last:
                continue  # no token inside (an empty or whitespace span)
            spans.append(
                {
                    "start": tokens[first]["start"],
                    "end": tokens[last]["end"],
                    "token_start": first,
                    "token_end": last,
                    "label": a.label,
                }
            )
        input_hash = prodigy_hash(doc_id, doc.text)
        out.append(
            {
                "text": doc.text,
                "tokens": tokens,
                "spans": spans,
                "meta": {"doc": doc_id, "group": doc.group},
                "answer": "accept",
                "_input_hash": input_hash,
                "_task_hash": prodigy_hash(input_hash, "spans", *LABELS),
                "_view_id": "spans_manual",
                "_annotator_id": annotator,
                "_session_id": annotator,
            }
        )
    return out


def _epoch(stamp: str | None) -> int | None:
    if not stamp:
        return None
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def _ls_region(annotator: str, doc_id: str, start: int, end: int, text: str, label: str,
               origin: str) -> dict[str, Any]:  # fmt: skip
    return {
        "id": f"r{stable_id(annotator, doc_id, start, end, bits=40):x}",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": origin,
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }


def labelstudio_tasks(
    sets: Sequence[AnnotationSet], corpus: Corpus, options: ExportOptions | None = None
) -> list[dict[str, Any]]:
    """Label Studio's JSON import format: one task per document (its full text), one
    annotation per annotator (or a prediction, see ``ExportOptions``), a ``labels`` region per
    tagged sentence; notes and evidence go in the region's ``meta``.

    ``completed_by`` is written only for annotators mapped to a Label Studio member: Label
    Studio refuses any other value ("not a valid annotator's email or ID"); left out, the
    annotation belongs to the user who imports."""
    options = options or ExportOptions()
    by_doc: dict[str, dict[str, list[Annotation]]] = {}
    stamps: dict[tuple[str, str], list[str]] = {}
    for s, a in _rows(sets):
        by_doc.setdefault(a.doc, {}).setdefault(s.annotator, []).append(a)
        stamps.setdefault((a.doc, s.annotator), []).extend(
            x for x in (_stamp(a.created), _stamp(a.updated)) if x
        )
    doc_ids = set(by_doc) | set(options.engine or {})
    tasks = []
    for doc_id in sorted(doc_ids):
        doc = corpus.get(doc_id)
        if doc is None:
            raise ExportError(f"{doc_id}: not in the corpus; pass the corpus the tags were made on")
        annotations, predictions = [], []
        for annotator, items in sorted(by_doc.get(doc_id, {}).items()):
            result = []
            for a in items:
                origin = "prediction" if options.as_predictions else "manual"
                region = _ls_region(annotator, doc_id, a.start, a.end, a.quote, a.label, origin)
                meta: dict[str, Any] = {"annotator": annotator}
                if a.note:
                    meta["text"] = [a.note]
                if a.evidence:
                    meta["evidence"] = [
                        {"doc": e.doc, "start": e.start, "end": e.end, "quote": e.quote}
                        for e in a.evidence
                    ]
                region["meta"] = meta
                result.append(region)
            if options.as_predictions:
                predictions.append({"model_version": annotator, "result": result})
                continue
            times = sorted(stamps.get((doc_id, annotator), []))
            entry: dict[str, Any] = {
                "id": stable_id("labelstudio", annotator, doc_id),
                "result": result,
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": times[0] if times else None,
                "updated_at": times[-1] if times else None,
            }
            if annotator in options.users:
                member = options.users[annotator]
                entry["completed_by"] = member if isinstance(member, int) else {"email": member}
            annotations.append(entry)
        suspects = (options.engine or {}).get(doc_id)
        if suspects:
            result = []
            for start, end, label, score in suspects:
                region = _ls_region(ENGINE_MODEL, doc_id, start, end, doc.text[start:end], label,
                                    "prediction")  # fmt: skip
                region["score"] = round(float(score), 4)
                result.append(region)
            top: float = max(item[3] for item in suspects)
            engine: dict[str, Any] = {"model_version": ENGINE_MODEL, "result": result}
            engine["score"] = round(top, 4)
            predictions.append(engine)
        tasks.append(
            {
                "id": stable_id("task", doc_id),
                "data": {"text": doc.text, "doc": doc_id, "group": doc.group},
                "annotations": annotations,
                "predictions": predictions,
            }
        )
    return tasks


def fever_records(
    sets: Sequence[AnnotationSet], corpus: Corpus | None, options: ExportOptions | None = None
) -> list[dict[str, Any]]:
    """FEVER claims, one per tagged sentence, merged over the annotators.

    As FEVER defines them: SUPPORTS and REFUTES carry evidence, NOT ENOUGH INFO (our
    fabricated) none; each linked sentence is its own evidence set (any one of them proves
    the label); an evidence item is [annotation id, evidence id, page, sentence number], the
    page being the document id and the number the sentence's index in that document. Ids are
    stable (from the document and the span). A claim the annotators label differently, or a
    supported/contradicted tag without linked evidence, is left out, and ``options.notes``
    says how many."""
    if corpus is None:
        raise ExportError("fever export needs the documents for sentence numbers: pass --corpus")
    options = options or ExportOptions()
    merged: dict[tuple[str, int, int], list[tuple[str, Annotation]]] = {}
    for s, a in _rows(sets):
        merged.setdefault(a.key, []).append((s.annotator, a))
    out = []
    conflicting = unevidenced = 0
    for key in sorted(merged):
        tags = merged[key]
        labels = {a.label for _, a in tags}
        if len(labels) > 1:
            conflicting += 1
            continue
        first = tags[0][1]
        label = FEVER_LABEL[first.label]
        claim_id = stable_id("fever", *key)
        sets_: list[list[list[Any]]] = []
        if label != "NOT ENOUGH INFO":
            seen = set()
            for _, a in tags:
                for e in a.evidence:
                    doc = corpus.get(e.doc)
                    sentence = doc.sentence_at(e.start) if doc is not None else None
                    if sentence is None or (e.doc, sentence.index) in seen:
                        continue
                    seen.add((e.doc, sentence.index))
                    sets_.append([[claim_id, stable_id("evidence", e.doc, e.start, e.end),
                                   e.doc, sentence.index]])  # fmt: skip
            if not sets_:
                unevidenced += 1
                continue
        else:
            sets_ = [[[claim_id, None, None, None]]]
        out.append(
            {
                "id": claim_id,
                "verifiable": "NOT VERIFIABLE" if label == "NOT ENOUGH INFO" else "VERIFIABLE",
                "label": label,
                "claim": first.quote,
                "evidence": sets_,
                "original_label": first.label,
                "doc": first.doc,
                "start": first.start,
                "end": first.end,
                "group": group_of(first.doc, corpus),
                "annotators": sorted(who for who, _ in tags),
                "note": " | ".join(a.note for _, a in tags if a.note),
            }
        )
    if conflicting:
        options.notes.append(
            f"{conflicting} claim(s) left out: the annotators label them differently "
            "(adjudicate with review --compare, then export the adjudicated set)"
        )
    if unevidenced:
        options.notes.append(
            f"{unevidenced} supported/contradicted claim(s) left out: FEVER needs evidence for "
            "SUPPORTS and REFUTES (link it in the app with 1-9 or m/l)"
        )
    return out


def export(
    fmt: str,
    sets: Sequence[AnnotationSet],
    corpus: Corpus | None,
    options: ExportOptions | None = None,
) -> str:
    """The whole export as text in ``fmt``."""
    options = options or ExportOptions()
    if fmt == "csv":
        return ("\ufeff" if options.bom else "") + to_csv(sets, corpus)
    if fmt == "labelstudio":
        if corpus is None:
            raise ExportError("labelstudio export needs the documents' text: pass --corpus PATH")
        tasks = labelstudio_tasks(sets, corpus, options)
        return json.dumps(tasks, ensure_ascii=False, indent=2) + "\n"
    if fmt == "fever":
        return "".join(jsonl_line(r) for r in fever_records(sets, corpus, options))
    makers = {"jsonl": jsonl_records, "prodigy": prodigy_records,
              "prodigy-spans": prodigy_spans_records}  # fmt: skip
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
    if "answer" not in r:
        hint = " (it looks like reviewer's jsonl: --format jsonl)" if "label" in r else ""
        raise ExportError(
            f"{where}: wrong format: a Prodigy task has text, meta, accept and answer; "
            f"this record has no answer{hint}"
        )
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
    if fmt == "labelstudio":
        return labelstudio_records("\n".join(lines), source)
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
            if "label" not in r or "doc" not in r:
                hint = " (it looks like a Prodigy task: --format prodigy)" if "answer" in r else ""
                raise ExportError(
                    f"{where}: wrong format: reviewer's jsonl has doc, start, end, quote and "
                    f"label on each line{hint}"
                )
            annotation = _record_to_annotation(r, where)
            who, corpus = r.get("annotator"), r.get("corpus")
        for name, value in (("annotator", who), ("corpus", corpus)):
            if value is not None and not isinstance(value, str):
                raise ExportError(f'{where}: "{name}" must be a string')
        out.append((repair_surrogates(who or ""), repair_surrogates(corpus or ""), annotation))
    return out


def labelstudio_records(text: str, source: str) -> list[tuple[str, str, Annotation]]:
    """(annotator, corpus, annotation) from a Label Studio JSON export of a project set up with
    ``export --config``. The annotator is the region's ``meta.annotator`` (reviewer's own
    export), else the Label Studio member: ``email:...`` or ``id:N`` (map it to a name with
    ``--labelstudio-user``). Cancelled annotations and regions of other controls are skipped."""
    try:
        tasks = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ExportError(
            f"{source}: wrong format: a Label Studio export is one JSON list of tasks "
            f"({exc.msg} at line {exc.lineno})"
        ) from None
    except (ValueError, RecursionError):
        raise ExportError(f"{source}: not usable JSON") from None
    if not isinstance(tasks, list):
        raise ExportError(f"{source}: wrong format: a Label Studio export is a JSON list of tasks")
    out = []
    for n, task in enumerate(tasks, start=1):
        where = f"{source}: task {n}"
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ExportError(f"{where}: wrong format: no data.text (not a Label Studio export?)")
        doc = data.get("doc")
        if not isinstance(doc, str) or not doc:
            raise ExportError(
                f"{where}: no data.doc: reviewer needs the document id its export put there"
            )
        for ann in task.get("annotations") or []:
            if not isinstance(ann, dict) or ann.get("was_cancelled"):
                continue
            member = ann.get("completed_by")
            if isinstance(member, dict):
                member = member.get("email") or member.get("id")
            who_default = (
                f"email:{member}" if isinstance(member, str) and "@" in member
                else f"id:{member}" if member is not None else ""
            )  # fmt: skip
            for region in ann.get("result") or []:
                if not isinstance(region, dict) or region.get("type") != "labels":
                    continue
                value = region.get("value") or {}
                labels = value.get("labels") or []
                start, end = value.get("start"), value.get("end")
                if not isinstance(start, int) or not isinstance(end, int) or len(labels) != 1:
                    raise ExportError(f"{where}: a region needs start, end and one label")
                raw_meta = region.get("meta")
                meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
                notes = meta.get("text") or []
                table = {
                    "doc": doc,
                    "start": start,
                    "end": end,
                    "quote": value.get("text", data["text"][start:end]),
                    "label": labels[0],
                    "note": notes[0] if notes and isinstance(notes[0], str) else "",
                    "evidence": meta.get("evidence") or [],
                }
                for key in ("created_at", "updated_at"):
                    if isinstance(ann.get(key), str):
                        table[key.split("_")[0]] = ann[key]
                annotation = _record_to_annotation(table, where)
                who = meta.get("annotator") if isinstance(meta.get("annotator"), str) else ""
                out.append((repair_surrogates(who or who_default), "", annotation))
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
