"""``reviewer suspects``: the most suspect sentences, as a table or as JSON Lines."""

from __future__ import annotations

import argparse
import sys

from reviewer.cli import UserError
from reviewer.cli.common import Progress, load_or_exit, stream_jsonl
from reviewer.core.printable import one_line, visible
from reviewer.core.suspects import Assessment, assess_corpus, read_and_assess_jsonl


def run(args: argparse.Namespace) -> int:
    if args.top < 0:
        raise UserError(f"--top must be 0 or more, not {args.top}")
    if args.json:
        return stream_jsonl(args.paths, "scoring", read_and_assess_jsonl)
    corpus = load_or_exit(args.paths)
    progress = Progress("scoring")
    everything: list[Assessment] = []
    for results in assess_corpus(corpus, progress):
        everything.extend(results)
    progress.close()
    everything.sort(key=lambda a: (-a.score, a.doc, a.start))
    rows = everything[: args.top]
    if sys.stdout.isatty():
        _print_table(rows, len(everything))
    else:
        _print_tsv(rows)
    return 0


def _print_tsv(rows: list[Assessment]) -> None:
    """Piped: one line per sentence, tab-separated, header first; controls made visible."""
    print("rank\tscore\tkind\tdocument\tsentence\treasons")
    for i, a in enumerate(rows, 1):
        cells = [str(i), f"{a.score:.2f}", a.kind, a.doc, a.text, "; ".join(a.reasons)]
        print("\t".join(one_line(c) for c in cells))


def _print_table(rows: list[Assessment], total: int) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Most suspect sentences ({len(rows)} of {total} claims)", expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("document", overflow="fold", max_width=24)
    table.add_column("sentence and why", ratio=1)
    colours = {"conflict": "red", "unsupported": "yellow", "corroborated": "green"}
    for i, a in enumerate(rows, 1):
        body = a.text if len(a.text) <= 240 else a.text[:237] + "..."
        # Document text is text, never markup, and its controls are made visible.
        cell = Text(visible(body))
        cell.append("\n" + "\n".join(f"- {visible(r)}" for r in a.reasons), style="dim")
        table.add_row(
            str(i),
            f"{a.score:.2f}",
            Text(a.kind, style=colours.get(a.kind, "dim")),
            Text(one_line(a.doc)),
            cell,
        )
    Console().print(table)
