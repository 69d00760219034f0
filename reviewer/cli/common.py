"""Helpers shared by subcommands: loading a corpus and reporting bad input in one line each."""

from __future__ import annotations

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
