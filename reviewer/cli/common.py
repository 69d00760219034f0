"""Helpers shared by subcommands: loading a corpus and reporting bad input in one line each."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from reviewer.cli import UserError, warn
from reviewer.core.corpus import Corpus, load_corpus
from reviewer.core.printable import shown_path


def load_or_exit(paths: Sequence[str]) -> Corpus:
    """Load the corpus (``./seeds`` by default); print each problem; UserError if nothing loads."""
    result = load_corpus(list(paths) or ["seeds"])
    for problem in result.problems:
        warn(str(problem))
    if not result.corpus.documents:
        where = ", ".join(shown_path(p) for p in paths) if paths else "seeds"
        raise UserError(f"no documents to review in {where}")
    return result.corpus


class Progress:
    """Progress on stderr: a live line on a terminal, a line every few seconds otherwise. The
    total is not known while the corpus is still being read."""

    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.started = time.monotonic()
        self.last = 0.0
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int | None) -> None:
        t = time.monotonic()
        finished = total is not None and done >= total
        if t - self.started < 1.0 or (t - self.last < (0.2 if self.tty else 5.0) and not finished):
            return
        self.last = t
        if total:
            text = f"{self.verb} {done:,}/{total:,} claims ({100.0 * done / total:.0f}%)"
        else:
            text = f"{self.verb}: {done:,} claims done ({t - self.started:.0f} s)"
        if self.tty:
            print(f"\r{text}", end="\n" if finished else "", file=sys.stderr)
        else:
            print(text, file=sys.stderr)

    def close(self) -> None:
        if self.tty and self.last:
            print(file=sys.stderr)
