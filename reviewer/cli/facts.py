"""``reviewer facts``: which facts do the documents of a group disagree on?

A grid per group on a terminal (one row per fact, one column per document; a compact list of
values per row when the documents do not fit across), one line per cell when piped (TSV) or
with ``--csv``, and JSON Lines with ``--json``.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from typing import TYPE_CHECKING

from reviewer.cli import UserError
from reviewer.cli.common import Progress, load_or_exit, stream_jsonl
from reviewer.core.corpus import Corpus
from reviewer.core.export import safe_cell
from reviewer.core.fact_table import (
    DISPUTED,
    SINGLE,
    FactRow,
    corpus_facts,
    read_and_tabulate_jsonl,
)
from reviewer.core.printable import one_line, visible

if TYPE_CHECKING:
    from rich.text import Text

CELL_FIELDS = ["group", "fact", "kind", "state", "majority", "doc", "value", "odd", "start",
               "end", "sentence"]  # fmt: skip


def run(args: argparse.Namespace) -> int:
    groups = set(args.group) if args.group else None
    if args.json:
        return stream_jsonl(
            args.paths,
            "tabulating",
            lambda reader, progress: read_and_tabulate_jsonl(
                reader, groups, args.disputed, progress
            ),
        )
    corpus = load_or_exit(args.paths)
    _check_groups(corpus, groups)
    progress = Progress("tabulating")
    tables = [t for t in corpus_facts(corpus, groups, args.disputed, progress) if t]
    progress.close()
    rows = [r for t in tables for r in t]
    if args.csv:
        sys.stdout.write(_csv(rows))
    elif sys.stdout.isatty():
        _print_grids(corpus, tables, args.disputed)
    else:
        _print_tsv(rows)
    return 0


def _check_groups(corpus: Corpus, groups: set[str] | None) -> None:
    if groups is None:
        return
    known = corpus.groups
    missing = sorted(groups - known.keys())
    if missing:
        names = ", ".join(repr(g) if g else "'' (the top folder)" for g in sorted(known)[:8])
        more = f" (and {len(known) - 8} more)" if len(known) > 8 else ""
        raise UserError(f"no group named {missing[0]!r}; the groups are {names}{more}")


def _cells(rows: list[FactRow]) -> list[list[str]]:
    out = []
    for r in rows:
        for c in r.cells:
            out.append(
                [r.group, r.fact, r.kind, r.state, r.majority or "", c.doc, c.value,
                 "yes" if r.odd(c) else "", str(c.start), str(c.end), c.text]
            )  # fmt: skip
    return out


def _print_tsv(rows: list[FactRow]) -> None:
    """Piped: one line per cell (a document's value for a fact), header first."""
    print("\t".join(CELL_FIELDS))
    for line in _cells(rows):
        print("\t".join(one_line(x) for x in line))


def _csv(rows: list[FactRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CELL_FIELDS)
    for line in _cells(rows):
        w.writerow([safe_cell(x) for x in line])
    return buf.getvalue()


_STATE_STYLE = {DISPUTED: "bold red", SINGLE: "yellow"}
_MAX_GRID_DOCS = 8  # beyond this many documents a row lists its values instead


def _print_grids(corpus: Corpus, tables: list[list[FactRow]], disputed_only: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not tables:
        console.print("no disputed facts" if disputed_only else "no checkable facts")
        return
    for rows in tables:
        group = rows[0].group
        docs = [d.id for d in corpus.groups[group]]
        counts = {s: sum(r.state == s for r in rows) for s in (DISPUTED, SINGLE)}
        title = (
            f"{one_line(group) or '(ungrouped)'}: {len(rows)} facts, {counts[DISPUTED]} disputed, "
            f"{counts[SINGLE]} from one document only"
        )
        grid = len(docs) <= _MAX_GRID_DOCS and console.width >= 40 + 14 * len(docs)
        # Text, never a string: Rich reads a string title or header as markup, and group and
        # file names may hold brackets ("a [red]one.txt").
        table = Table(title=Text(title), expand=True, show_lines=False)
        table.add_column("fact", ratio=2, overflow="fold")
        table.add_column("", no_wrap=True)  # state
        if grid:
            prefix = f"{group}/" if group else ""
            for d in docs:
                table.add_column(Text(one_line(d.removeprefix(prefix))), ratio=1, overflow="fold")
        else:
            table.add_column("values (documents)", ratio=5, overflow="fold")
        for r in rows:
            state = Text(r.state, style=_STATE_STYLE.get(r.state, "green"))
            if grid:
                cells = []
                for d in docs:
                    mine = r.cells_of(d)
                    text = Text()
                    for k, c in enumerate(mine):
                        if k:
                            text.append("; ")
                        text.append(visible(c.value), style="bold red" if r.odd(c) else "")
                    cells.append(text)
                table.add_row(Text(visible(r.fact)), state, *cells)
            else:
                table.add_row(Text(visible(r.fact)), state, _values(r))
        console.print(table)


def _values(r: FactRow) -> Text:
    """ "four-day (000, 001) · three-day (003)": each value with the documents that give it."""
    from rich.text import Text

    by_value: dict[str, list[str]] = {}
    odd: dict[str, bool] = {}
    for c in r.cells:
        docs = by_value.setdefault(c.value, [])
        if c.doc not in docs:
            docs.append(c.doc)
        odd[c.value] = odd.get(c.value, False) or r.odd(c)
    text = Text()
    for k, (value, docs) in enumerate(by_value.items()):
        if k:
            text.append(" · ")
        text.append(visible(value), style="bold red" if odd[value] else "bold")
        text.append(f" ({', '.join(one_line(d) for d in docs)})", style="dim")
    return text
