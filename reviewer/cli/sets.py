"""Commands on annotation sets: stats, export, agree, validate, import, merge."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.cli import UserError, warn
from reviewer.core import agreement as agr
from reviewer.core import navigation as nav
from reviewer.core.corpus import Corpus, load_corpus
from reviewer.core.export import (
    FORMATS,
    LABELSTUDIO_CONFIG,
    ExportError,
    ExportOptions,
    check_same_corpus,
    export,
    import_records,
    load_sets,
)
from reviewer.core.files import FileRefused, read_regular, write_output
from reviewer.core.jsonlines import json_text
from reviewer.core.limits import MAX_SET_BYTES
from reviewer.core.lock import SetLock
from reviewer.core.memory import collector_paused
from reviewer.core.names import BadName, check_annotator, corpus_folders, corpus_parts
from reviewer.core.printable import one_line, shown_path
from reviewer.core.store import (
    LABELS,
    Annotation,
    AnnotationSet,
    Evidence,
    Store,
    StoreError,
    annotation_from_dict,
    parse_set,
    read_set_text,
    set_header,
    table_lines,
)

if TYPE_CHECKING:
    from reviewer.core.cache import Summary
    from reviewer.core.suspects import Compact, Scored

# --------------------------------------------------------------------------------------------
# Shared helpers


def _sets(paths: Sequence[str]) -> list[AnnotationSet]:
    try:
        return load_sets(list(paths) or ["annotations"], warn=warn)
    except (StoreError, ExportError) as exc:
        raise UserError(str(exc)) from None


def _load_corpus(paths: Sequence[str | Path], quiet: bool) -> Corpus | None:
    result = load_corpus(list(paths))
    if not quiet:
        for problem in result.problems:
            warn(str(problem))
    return result.corpus if result.corpus.documents else None


def _corpus_for(sets: Sequence[AnnotationSet], explicit: str | None, *, quiet: bool = False):
    """The corpus the sets were made on: ``--corpus``, else the folder the set records, looked
    up inside the set's project (the folder that holds its ``annotations/``). A recorded name
    is never used as a path of its own: ``corpus = "/etc"`` finds nothing."""
    if explicit:
        corpus = _load_corpus([explicit], quiet)
        if corpus is None:
            raise UserError(f"{shown_path(explicit)}: no documents to read")
        return corpus
    for s in sets:
        folders = corpus_folders(s.path, s.corpus)
        if folders:
            corpus = _load_corpus(folders, quiet)
            if corpus is not None:
                return corpus
        elif s.corpus and corpus_parts(s.corpus) is None and not quiet:
            warn(
                f'{shown_path(s.path)}: corpus "{s.corpus}" is not a folder name; '
                "reviewer only looks for the corpus inside the project (pass --corpus)"
            )
    return None


def _cell(value: Any) -> str:
    return "" if value is None else one_line(str(value))


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A rich table on a terminal; tab-separated lines (header first) when piped. Cells are
    text, never markup, and controls in them (a tab or newline in a quote included) are made
    visible, so no cell can break a TSV row or write to the terminal."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(one_line(title)))
        for i, c in enumerate(columns):
            table.add_column(Text(c), justify="left" if i < 2 else "right")
        for row in rows:
            table.add_row(*(Text(_cell(v)) for v in row))
        Console().print(table)
    else:
        print(f"# {one_line(title)}")
        print("\t".join(columns))
        for row in rows:
            print("\t".join(_cell(v) for v in row))


def _fmt(x: float | None, digits: int = 3) -> str:
    """None is a measure that is 0/0 here (one label throughout, a single item)."""
    return "undefined" if x is None else f"{x:.{digits}f}"


def _refuse_overwrite(out: Path, inputs: Sequence[Path] = ()) -> None:
    if out.exists() and out.suffix == ".toml":
        raise UserError(
            f"{shown_path(out)}: already exists; reviewer will not overwrite an annotation set"
        )
    for p in inputs:
        if out.resolve() == p.resolve():
            raise UserError(f"{shown_path(out)}: is one of the input files; choose another --out")


def _write_new_set(
    out: Path,
    annotator: str,
    corpus: str,
    annotations: Iterable[Annotation],
    extra: dict[str, Any] | None = None,
) -> None:
    """Create a set file that must not exist yet, holding its lock meanwhile: of two runs on
    one ``--out`` (or a run and an open reviewer window), exactly one succeeds."""
    _refuse_overwrite(out)
    lock = SetLock(out)
    why = lock.acquire()
    if why:
        raise UserError(f"{shown_path(out)}: {why}")
    try:
        Store(out, annotator, corpus, extra).save_new(annotations)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    finally:
        lock.release()


# --------------------------------------------------------------------------------------------
# stats


def run_stats(args: argparse.Namespace) -> int:
    sets = _sets(args.paths)
    corpus = _corpus_for(sets, args.corpus)
    # Claims and suspect sentences per document, from the score cache's summary: neither
    # every score (0.5 s for 100k claims) nor every document's sentences (0.65 s) is read.
    summary = _summary(corpus) if corpus is not None else None
    scored = summary is not None and bool(summary.claims)
    suspects = summary.suspect_spans() if summary is not None else {}
    columns = ["annotator", "document", "claims", "tagged", *LABELS, "suspects left", "progress",
               "unconfirmed"]  # fmt: skip
    rows = []
    for s in sets:
        by_doc: dict[str, list[Annotation]] = {}
        for a in s.tags:  # not empty spans, nor notes on untagged sentences
            by_doc.setdefault(a.doc, []).append(a)
        docs = [d.id for d in corpus.documents] if corpus is not None else sorted(by_doc)
        totals = [0, 0, 0, 0, 0, 0]
        unconfirmed_total = 0
        for doc_id in docs:
            tags = by_doc.get(doc_id, [])
            keys = {(a.start, a.end) for a in tags}
            claims = summary.claims.get(doc_id, 0) if summary is not None else None
            left = None
            if scored:
                left = sum(span not in keys for span in suspects.get(doc_id, ()))
            counts = [sum(a.label == label for a in tags) for label in LABELS]
            progress = f"{100 * len(tags) / claims:.0f}%" if claims else None
            # Tags a fuzzy match moved after the text changed, not yet confirmed (y in the app).
            unconfirmed = sum(a.unconfirmed for a in tags)
            unconfirmed_total += unconfirmed
            rows.append(
                [s.annotator, doc_id, claims, len(tags), *counts, left, progress, unconfirmed]
            )
            for i, v in enumerate([claims or 0, len(tags), *counts, left or 0]):
                totals[i] += v
        total_claims = totals[0] if corpus is not None else None
        progress = f"{100 * totals[1] / total_claims:.0f}%" if total_claims else None
        rows.append(
            [
                s.annotator,
                "TOTAL",
                total_claims,
                totals[1],
                *totals[2:5],
                totals[5] if scored else None,
                progress,
                unconfirmed_total,
            ]
        )
    title = "Annotation progress" + ("" if corpus else " (no corpus found: pass --corpus)")
    print_table(title, columns, rows)
    return 0


def _scores(corpus: Corpus) -> dict[tuple[str, int], Scored]:
    """Score and kind of every claim, by (document, start): from the cache when the corpus is
    unchanged (compact rows; reasons and evidence are never expanded here), else from the
    engine, which fills the cache."""
    from reviewer.core.cache import load_cached_compact
    from reviewer.core.suspects import Scored

    groups = load_cached_compact(corpus)
    if groups is None:
        groups = _score_and_store(corpus)
    return {(r[1], r[2]): Scored(r[4], r[5], r) for rows in groups for r in rows}


def _summary(corpus: Corpus) -> Summary:
    """Each document's claims and the scores of its sentences of a suspect kind: the score
    cache's first record when the corpus is unchanged, else the engine's, which fills it."""
    from reviewer.core.cache import read_summary, summarize

    found = read_summary(corpus)
    return found if found is not None else summarize(_score_and_store(corpus))


def _score_and_store(corpus: Corpus) -> list[list[Compact]]:
    from reviewer.core.cache import save_cached_compact
    from reviewer.core.suspects import assess_corpus_compact

    groups = list(assess_corpus_compact(corpus))
    save_cached_compact(corpus, groups)
    return groups


# --------------------------------------------------------------------------------------------
# export


def labelstudio_users(pairs: Sequence[str]) -> dict[str, str | int]:
    """``NAME=EMAIL`` or ``NAME=ID`` pairs of --labelstudio-user."""
    users: dict[str, str | int] = {}
    for pair in pairs:
        name, sep, member = pair.partition("=")
        name, member = name.strip(), member.strip()
        if not sep or not name or not member:
            raise UserError(f"--labelstudio-user {pair!r}: expected NAME=EMAIL or NAME=ID")
        if member.isdigit():
            users[name] = int(member)
        elif "@" in member:
            users[name] = member
        else:
            raise UserError(
                f"--labelstudio-user {pair!r}: {member!r} is neither an email nor a numeric id"
            )
    return users


def _engine_suspects(corpus: Corpus) -> dict[str, list[tuple[int, int, str, float]]]:
    """The engine's suspects per document, as the label a reviewer would likely give: a
    conflict is contradicted, an unsupported claim fabricated."""
    out: dict[str, list[tuple[int, int, str, float]]] = {}
    for (doc_id, _), a in sorted(_scores(corpus).items()):
        if nav.is_suspect(a):
            label = "contradicted" if a.kind == "conflict" else "fabricated"
            out.setdefault(doc_id, []).append((a.start, a.end, label, a.score))
    return out


def run_export(args: argparse.Namespace) -> int:
    if args.config:
        sys.stdout.write(LABELSTUDIO_CONFIG)
        return 0
    if not args.format:
        raise UserError(f"export: --format is required ({', '.join(FORMATS)})")
    if args.format != "labelstudio" and (args.labelstudio_user or args.as_predictions or
                                         args.engine):  # fmt: skip
        raise UserError("--labelstudio-user, --as-predictions and --engine are for "
                        "--format labelstudio")  # fmt: skip
    if args.bom and args.format != "csv":
        raise UserError("--bom is for --format csv")
    options = ExportOptions(users=labelstudio_users(args.labelstudio_user),
                            as_predictions=args.as_predictions, bom=args.bom)  # fmt: skip
    sets = _sets(args.paths)
    try:
        check_same_corpus(sets)
        corpus = _corpus_for(sets, args.corpus, quiet=True)
        if args.engine:
            if corpus is None:
                raise UserError("--engine needs the documents: pass --corpus PATH")
            options.engine = _engine_suspects(corpus)
        text = export(args.format, sets, corpus, options)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    for note in options.notes:
        warn(note)
    notes_only = sum(1 for s in sets for a in s.annotations if a.is_note)
    if notes_only:
        warn_plain(f"left out {notes_only} note(s) on untagged sentences: exports carry tags")
    if not args.out or args.out == "-":
        write_output("-", text.encode("utf-8"))
        return 0
    out = Path(args.out)
    _refuse_overwrite(out, [s.path for s in sets])
    if out.suffix.lower() == ".toml":
        raise UserError(
            f"{shown_path(out)}: a .toml name is kept for annotation sets; "
            f"name the {args.format} export otherwise"
        )
    try:
        shown = write_output(args.out, text.encode("utf-8"))
    except FileRefused as exc:
        raise UserError(f"{shown_path(out)}: {exc}") from None
    except OSError as exc:
        raise UserError(f"{shown_path(out)}: cannot write ({exc.strerror or exc})") from None
    n = sum(len(s.tags) for s in sets)
    warn_plain(f"wrote {n} annotations as {args.format} to {shown_path(shown)}")
    return 0


def warn_plain(message: str) -> None:
    """A progress line on stderr (not an error), controls made visible."""
    print(one_line(message), file=sys.stderr)


# --------------------------------------------------------------------------------------------
# agree


def items_by_sentence(sets: Sequence[AnnotationSet]) -> dict[tuple[str, int, int], dict[str, str]]:
    items: dict[tuple[str, int, int], dict[str, str]] = {}
    for s in sets:
        for a in s.tags:
            items.setdefault(a.key, {})[s.annotator] = a.label
    return items


def _distinct_annotators(sets: Sequence[AnnotationSet]) -> list[str]:
    names = [s.annotator for s in sets]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise UserError(f"the same annotator appears in several files: {', '.join(dupes)}")
    if len(names) < 2:
        raise UserError("agreement needs at least two annotation files")
    return names


def agreement_report(sets: Sequence[AnnotationSet]) -> dict[str, Any]:
    names = _distinct_annotators(sets)
    try:
        check_same_corpus(sets)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    items = items_by_sentence(sets)
    shared = {k: v for k, v in items.items() if len(v) >= 2}
    quotes = {a.key: a.quote for s in sets for a in s.tags}
    pairs = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            r = agr.pair_report(list(shared.values()), first, second, LABELS)
            pairs.append(
                {
                    "annotators": [first, second],
                    "items": r.items,
                    "agreement": r.agreement,
                    "cohen_kappa": r.kappa,
                    "confusion": r.confusion,
                }
            )
    disagreements = [
        {"doc": k[0], "start": k[1], "end": k[2], "quote": quotes[k], "labels": v}
        for k, v in sorted(shared.items())
        if len(set(v.values())) > 1
    ]
    values = list(shared.values())
    return {
        "annotators": names,
        "items": len(shared),
        "raw_agreement": agr.raw_agreement(values),
        "fleiss_kappa": agr.fleiss_kappa(values),
        "krippendorff_alpha": agr.krippendorff_alpha_nominal(values),
        "gwet_ac1": agr.gwet_ac1(values, LABELS),
        "pairs": pairs,
        "disagreements": disagreements,
    }


def is_adjudicated(s: AnnotationSet) -> bool:
    """A set made by adjudication or merge: its annotations record the reviewers' votes."""
    return s.annotator in ("adjudicated", "merged") or any(
        "votes" in a.extra for a in s.annotations
    )


def reviewer_sets(paths: Sequence[str]) -> list[AnnotationSet]:
    """The reviewers' own sets: as ``_sets``, but adjudicated and merged sets found in a folder
    are left out (with a line saying so); named explicitly, a file is always used."""
    sets = []
    for raw in paths or ["annotations"]:
        found = _sets([raw])
        if Path(raw).is_dir():
            # Agreement is between reviewers; an adjudicated set counts only when named.
            for s in found:
                if is_adjudicated(s):
                    warn_plain(f"{shown_path(s.path)}: adjudicated or merged set, left out "
                               "(name the file to include it)")  # fmt: skip
            found = [s for s in found if not is_adjudicated(s)]
        sets.extend(found)
    return sets


def run_agree(args: argparse.Namespace) -> int:
    report = agreement_report(reviewer_sets(args.paths))
    if args.json:
        print(json_text(report, indent=2))
        return 0
    print_table(
        f"Agreement on {report['items']} claims tagged by at least two of "
        + ", ".join(report["annotators"]),
        ["measure", "value"],
        [
            ["raw agreement", _fmt(report["raw_agreement"])],
            ["Fleiss' kappa", _fmt(report["fleiss_kappa"])],
            ["Krippendorff's alpha (nominal)", _fmt(report["krippendorff_alpha"])],
            ["Gwet's AC1", _fmt(report["gwet_ac1"])],
        ]
        + [
            [
                f"Cohen's kappa {p['annotators'][0]} / {p['annotators'][1]} ({p['items']} items)",
                _fmt(p["cohen_kappa"]),
            ]
            for p in report["pairs"]
        ],
    )
    for p in report["pairs"]:
        a, b = p["annotators"]
        print_table(
            f"Confusion: rows {a}, columns {b}",
            [f"{a} \\ {b}", *LABELS],
            [[label, *(p["confusion"][label][x] for x in LABELS)] for label in LABELS],
        )
    print_table(
        f"{len(report['disagreements'])} disagreements",
        ["document", "start", "labels", "sentence"],
        [
            [
                d["doc"],
                d["start"],
                ", ".join(f"{k}={v}" for k, v in d["labels"].items()),
                d["quote"][:80],
            ]
            for d in report["disagreements"]
        ],
    )
    return 0


# --------------------------------------------------------------------------------------------
# validate


def validate_file(path: Path, corpus: Corpus | None) -> list[str]:
    """Every problem of one annotation file, one line each, with file and line. Linear in the
    size of the file: line numbers are found in one pass."""
    with collector_paused():  # as store.loads: many small objects, no cycles
        return _validate_file(path, corpus)


def _validate_file(path: Path, corpus: Corpus | None) -> list[str]:
    try:
        text, _ = read_set_text(path)
        _, raw = parse_set(text, path)
    except StoreError as exc:
        return [str(exc)]
    shown = shown_path(path)
    headers: list[int] = []  # line of each [[annotation]], found at the first problem

    def line_of(i: int) -> int:
        if not headers:
            headers.extend(table_lines(text))
        return headers[i] if i < len(headers) else 0

    problems = []
    seen: dict[tuple[str, int, int, str], int] = {}
    for i, item in enumerate(raw):
        try:
            a = annotation_from_dict(item, utf8=True)
        except ValueError as exc:
            problems.append(f"{shown}:{line_of(i)}: {exc}")
            continue
        found = _annotation_problems(a, corpus)
        ident = (a.doc, a.start, a.end, a.quote)
        if ident in seen:
            found.insert(0, f"a second entry for the sentence at line {line_of(seen[ident])}")
        seen.setdefault(ident, i)
        problems.extend(f"{shown}:{line_of(i)}: {p}" for p in found)
    return problems


def _annotation_problems(a: Annotation, corpus: Corpus | None) -> list[str]:
    """What is wrong with one well-formed annotation (its span, quote and evidence)."""
    if a.is_empty:
        return [f"empty span (start = end = {a.start}): it marks nothing"]
    problems = []
    if a.unconfirmed:
        was = one_line(a.anchor_quote)[:60]
        problems.append(
            f'moved by a fuzzy match, not confirmed yet (it was "{was}"); '
            "confirm it in the app (y) or fix the quote"
        )
    if corpus is None:
        return problems
    problems.extend(_span_problems(corpus, a.doc, a.start, a.end, a.quote))
    for n, e in enumerate(a.evidence, 1):
        problems.extend(
            f"evidence {n}: {p}" for p in _span_problems(corpus, e.doc, e.start, e.end, e.quote)
        )
    return problems


def _span_problems(corpus: Corpus, doc_id: str, start: int, end: int, quote: str) -> list[str]:
    doc = corpus.get(doc_id)
    if doc is None:
        return [f'document "{one_line(doc_id)[:80]}" is not in the corpus']
    if not 0 <= start <= end <= len(doc.text):
        return [f"offsets {start}:{end} out of range (document has {len(doc.text)} characters)"]
    if doc.text[start:end] != quote:
        now = one_line(doc.text[start:end][:60])
        return [f'quote differs from the text at {start}:{end} ("{now}")']
    return []


def run_validate(args: argparse.Namespace) -> int:
    paths: list[Path] = []
    for raw in args.files or ["annotations"]:
        p = Path(raw)
        if p.is_dir() and not p.is_symlink():
            inside = sorted(f for f in p.glob("*.toml") if not f.name.startswith("."))
            if not inside:
                raise UserError(f"{shown_path(p)}: no annotation sets (*.toml) in this folder")
            paths.extend(inside)
        elif p.exists() or p.is_symlink():  # a pipe or a device: refused by name when read
            paths.append(p)
        else:
            raise UserError(f"{shown_path(p)}: no such file or folder")
    corpus = None
    if args.corpus:
        corpus = _corpus_for([], args.corpus, quiet=True)
    else:
        for p in paths:
            try:
                recorded = set_header(read_set_text(p)[0], p).get("corpus", "")
            except StoreError:
                continue
            folders = corpus_folders(p, recorded) if isinstance(recorded, str) else None
            if folders:
                corpus = _load_corpus(folders, quiet=True)
                break
    if corpus is None and not args.corpus:
        warn("no corpus found (pass --corpus): checked the schema only")
    problems = []
    for p in paths:
        found = validate_file(p, corpus)
        problems.extend(found)
        if not found:
            warn_plain(f"{shown_path(p)}: ok")
    for line in problems:
        print(one_line(line))
    return 1 if problems else 0


# --------------------------------------------------------------------------------------------
# import


def run_import(args: argparse.Namespace) -> int:
    source = Path(args.file)
    shown = shown_path(source)
    try:
        text = read_regular(source, MAX_SET_BYTES).decode("utf-8")
    except FileRefused as exc:
        raise UserError(f"{shown}: {exc}") from None
    except OSError as exc:
        raise UserError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{shown}: not UTF-8 (byte offset {exc.start})") from None
    try:
        records = import_records(text.split("\n"), args.format, shown)  # JSONL ends at \n only
    except ExportError as exc:
        raise UserError(str(exc)) from None
    if not records:
        raise UserError(f"{shown}: no annotations to import")
    if args.labelstudio_user:
        if args.format != "labelstudio":
            raise UserError("--labelstudio-user is for --format labelstudio")
        members = {
            (f"id:{m}" if isinstance(m, int) else f"email:{m}"): n
            for n, m in labelstudio_users(args.labelstudio_user).items()
        }
        records = [(members.get(who, who), c, a) for who, c, a in records]
    corpora = sorted({c for _, c, _ in records if c})
    if len(corpora) > 1:
        raise UserError(f"{shown}: records from different corpora: {', '.join(corpora)}")
    corpus = corpora[0] if corpora else ""
    annotators = sorted({who for who, _, _ in records})
    listed = ", ".join(one_line(a)[:40] or "(unnamed)" for a in annotators)
    to_dir = bool(args.out) and (Path(args.out).is_dir() or args.out.endswith(("/", os.sep)))
    out_dir = Path(args.out) if to_dir else None
    if len(annotators) > 1 and args.annotator in annotators:
        # One annotator's work out of a shared file.
        records = [r for r in records if r[0] == args.annotator]
        annotators = [args.annotator]
    elif len(annotators) > 1 and out_dir is None:
        raise UserError(
            f"{shown}: holds several annotators ({listed}); pass --annotator NAME to import "
            "one, or --out DIR to write one set per annotator"
        )
    if out_dir is not None and len(annotators) > 1:
        groups = {who: [a for w, _, a in records if w == who] for who in annotators}
        plans = []
        for who, items in groups.items():
            _check_name(who, shown)
            plans.append((out_dir / f"{who}.toml", who, _unique(items, shown)))
        for path, _, _ in plans:
            _refuse_overwrite(path)
        out_dir.mkdir(parents=True, exist_ok=True)
        for path, who, items in plans:
            _write_new_set(path, who, corpus, items)
            warn_plain(f"imported {len(items)} annotations for {who} into {shown_path(path)}")
        return 0
    name = args.annotator or (annotators[0] if annotators and annotators[0] else None)
    if not name:
        raise UserError(f"{shown}: the annotations name no annotator; pass --annotator NAME")
    _check_name(name, shown)
    items = _unique([a for _, _, a in records], shown)
    if out_dir is not None:
        out = out_dir / f"{name}.toml"
    else:
        out = Path(args.out) if args.out else Path(args.annotations) / f"{name}.toml"
    _write_new_set(out, name, corpus, items)
    warn_plain(f"imported {len(items)} annotations for {name} into {shown_path(out)}")
    return 0


def _check_name(name: str, shown: str) -> None:
    try:
        check_annotator(name)  # it may come from the file: "../../x" must not become a path
    except BadName as exc:
        raise UserError(
            f"{shown}: {exc} (for a Label Studio member, name it with --labelstudio-user)"
        ) from None


def _unique(items: Iterable[Annotation], shown: str) -> list[Annotation]:
    by_key: dict[tuple[str, int, int], Annotation] = {}
    for a in items:
        if a.key in by_key:
            raise UserError(f"{shown}: two annotations of {one_line(a.doc)} {a.start}:{a.end}")
        by_key[a.key] = a
    return list(by_key.values())


# --------------------------------------------------------------------------------------------
# merge


def merge_sets(sets: Sequence[AnnotationSet]) -> tuple[list[Annotation], list[dict[str, Any]]]:
    """Agreed (or single) tags as merged annotations with their votes; disagreements apart."""
    by_key: dict[tuple[str, int, int], list[tuple[str, Annotation]]] = {}
    for s in sets:
        for a in s.tags:
            by_key.setdefault(a.key, []).append((s.annotator, a))
    merged, disagreements = [], []
    for key in sorted(by_key):
        votes = by_key[key]
        labels = {a.label for _, a in votes}
        first = votes[0][1]
        vote_table = {who: a.label for who, a in votes}
        if len(labels) > 1:
            disagreements.append(
                {
                    "doc": key[0],
                    "start": key[1],
                    "end": key[2],
                    "quote": first.quote,
                    "votes": vote_table,
                }
            )
            continue
        evidence: list[Evidence] = []
        for _, a in votes:
            evidence.extend(e for e in a.evidence if e not in evidence)
        notes = "; ".join(f"{who}: {a.note}" for who, a in votes if a.note)
        created = [a.created for _, a in votes if a.created]
        updated = [a.updated for _, a in votes if a.updated]
        scores = [a.suspicion for _, a in votes if a.suspicion is not None]
        merged.append(
            first.with_changes(
                note=notes,
                evidence=tuple(evidence),
                created=min(created) if created else None,
                updated=max(updated) if updated else None,
                suspicion=scores[0] if scores else None,
                extra={**first.extra, "votes": vote_table},
            )
        )
    return merged, disagreements


def run_merge(args: argparse.Namespace) -> int:
    try:
        check_annotator(args.annotator)
    except BadName as exc:
        raise UserError(str(exc)) from None
    sets = reviewer_sets(args.paths)
    _distinct_annotators(sets)
    try:
        corpus_name = check_same_corpus(sets)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    out = Path(args.out)
    _refuse_overwrite(out, [s.path for s in sets])
    merged, disagreements = merge_sets(sets)
    extra: dict[str, Any] = {"merged_from": [s.annotator for s in sets]}
    if disagreements:
        extra["disagreement"] = disagreements
    _write_new_set(out, args.annotator, corpus_name, merged, extra)
    warn_plain(
        f"merged {len(sets)} sets into {shown_path(out)}: {len(merged)} tags carried over, "
        f"{len(disagreements)} disagreements left for adjudication "
        f"(reviewer review --compare {' '.join(shown_path(s.path) for s in sets)})"
    )
    return 0
