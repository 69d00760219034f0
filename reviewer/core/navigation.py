"""Where the cursor goes next: claims within a document, suspects and untagged claims across all.

Positions are (document index, sentence index) over ``corpus.documents`` and each document's
``sentences``; the cursor only ever rests on claims.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from .corpus import Corpus, Document, Sentence

Position = tuple[int, int]
SUSPECT_KINDS = ("conflict", "unsupported")
SUSPECT_THRESHOLD = 0.5


class HasScore(Protocol):
    """Anything with the engine's score and kind: a full assessment or a compact score row."""

    @property
    def score(self) -> float: ...

    @property
    def kind(self) -> str: ...


def is_suspect(a: HasScore | None) -> bool:
    return a is not None and a.kind in SUSPECT_KINDS and a.score >= SUSPECT_THRESHOLD


def suspect_level(a: HasScore | None) -> int:
    """0 (not suspect) to 3 (check first), for highlighting."""
    if not is_suspect(a):
        return 0
    assert a is not None
    if a.score >= 0.85:
        return 3
    if a.score >= 0.7:
        return 2
    return 1


def first_claim(doc: Document) -> int | None:
    return next((i for i, s in enumerate(doc.sentences) if s.is_claim), None)


def step_claim(doc: Document, index: int, step: int) -> int:
    """The next (step=1) or previous (step=-1) claim in the document; stays put at the ends."""
    i = index + step
    while 0 <= i < len(doc.sentences):
        if doc.sentences[i].is_claim:
            return i
        i += step
    return index


def find(
    corpus: Corpus,
    start: Position,
    step: int,
    accept: Callable[[Document, Sentence], bool],
) -> Position | None:
    """The next position after ``start`` (wrapping around all documents) that ``accept``s."""
    docs = corpus.documents
    if not docs:
        return None
    d, i = start
    total = sum(len(doc.sentences) for doc in docs)
    for _ in range(total + 1):
        i += step
        while not 0 <= i < len(docs[d].sentences):
            d = (d + step) % len(docs)
            i = 0 if step > 0 else len(docs[d].sentences) - 1
            if docs[d].sentences:
                break
        if not docs[d].sentences:
            continue
        s = docs[d].sentences[i]
        if s.is_claim and accept(docs[d], s):
            return (d, i)
    return None


def assessment_key(doc: Document, s: Sentence) -> tuple[str, int]:
    return (doc.id, s.start)


class HasSpan(HasScore, Protocol):
    """A score row that also names its sentence: document id, start and end."""

    @property
    def doc(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def suspect_spans(rows: Iterable[HasSpan]) -> dict[str, list[tuple[int, int]]]:
    """The suspect sentences of each document the rows score, as (start, end): one pass over
    the scores, so counting a document's untagged suspects looks at its suspects only, not at
    every sentence. Every scored document has an entry (empty when nothing is suspect)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for r in rows:
        mine = spans.setdefault(r.doc, [])
        if is_suspect(r):
            mine.append((r.start, r.end))
    return spans
