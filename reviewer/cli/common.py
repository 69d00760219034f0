"""Helpers shared by subcommands: loading a corpus and reporting bad input in one line each."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence

from reviewer.cli import UserError, warn
from reviewer.core.corpus import Corpus, CorpusReader, load_corpus, plan_corpus
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


def stream_jsonl(
    paths: Sequence[str],
    verb: str,
    lines_of: Callable[[CorpusReader, Progress], Iterable[list[str]]],
) -> int:
    """JSON Lines written as groups are done (``lines_of`` yields each group's lines): reading
    the corpus and the work overlap, and the first lines appear before the last file is read.
    Problems with files are reported as they are met; no document at all is a user error."""
    reader = plan_corpus(list(paths) or ["seeds"])
    progress = Progress(verb)
    shown = 0
    out = sys.stdout
    for lines in lines_of(reader, progress):
        out.write("".join(lines))
        for problem in reader.problems[shown:]:
            warn(str(problem))
        shown = len(reader.problems)
    out.flush()
    progress.close()
    for problem in reader.problems[shown:]:
        warn(str(problem))
    if not reader.documents_read:
        where = ", ".join(shown_path(p) for p in paths) if paths else "seeds"
        raise UserError(f"no documents to review in {where}")
    return 0
