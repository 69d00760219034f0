"""``reviewer suspects``: the most suspect sentences, as a table or as JSON Lines."""

from __future__ import annotations

import argparse
import sys
import time

from reviewer.cli.common import load_or_exit
from reviewer.core.printable import one_line, visible
from reviewer.core.suspects import Assessment, assess_corpus, assess_corpus_jsonl


class _Progress:
    """Progress on stderr: a live bar on a terminal, a line every few seconds otherwise."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.last = 0.0
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        t = time.monotonic()
        if t - self.started < 1.0 or (t - self.last < (0.2 if self.tty else 5.0) and done < total):
            return
        self.last = t
        pct = 100.0 * done / max(total, 1)
        if self.tty:
            print(f"\rscoring {done:,}/{total:,} claims ({pct:.0f}%)", end="", file=sys.stderr)
            if done >= total:
                print(file=sys.stderr)
        else:
            print(f"scoring {done:,}/{total:,} claims ({pct:.0f}%)", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    corpus = load_or_exit(args.paths)
    progress = _Progress()
    if args.json:
        out = sys.stdout
        for lines in assess_corpus_jsonl(corpus, progress):
            out.write("".join(lines))
        out.flush()
        return 0
    everything: list[Assessment] = []
    for results in assess_corpus(corpus, progress):
        everything.extend(results)
    everything.sort(key=lambda a: (-a.score, a.doc, a.start))
    _print_table(everything[: max(args.top, 0)], len(everything))
    return 0


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
