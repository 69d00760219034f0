"""Helpers shared by subcommands: loading a corpus and reporting bad input in one line each."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from reviewer.cli import UserError
from reviewer.core.corpus import Corpus, load_corpus


def load_or_exit(paths: Sequence[str]) -> Corpus:
    """Load the corpus (``./seeds`` by default); print each problem; UserError if nothing loads."""
    result = load_corpus(list(paths) or ["seeds"])
    for problem in result.problems:
        print(f"reviewer: {problem}", file=sys.stderr)
    if not result.corpus.documents:
        where = ", ".join(paths) if paths else "seeds"
        raise UserError(f"no documents to review in {where}")
    return result.corpus
