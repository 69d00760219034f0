"""On-disk cache of suspect assessments, keyed by the corpus contents and the engine's source.

A second opening of a large corpus reads scores instead of computing them. The file is a series
of pickles in the user's own cache folder, written only by reviewer: first a summary (each
document's claim count and the sentences of a suspect kind with their scores, 0.7 MB and ~10 ms
for 100k claims), so a screen shows every count before the full scores are read; then one pickle
per group. Texts are not stored (they are sliced from the corpus again), and groups are read one
at a time so a reader in a thread never holds the interpreter for long. A cache file that cannot
be read is ignored (and rewritten): it only ever costs time, never correctness.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from . import corpus as _corpus_module
from . import facts as _facts_module
from . import index as _index_module
from . import navigation as _navigation_module
from . import suspects as _suspects_module
from . import text as _text_module
from .corpus import Corpus, Sentence, segment
from .suspects import ENGINE_VERSION, Assessment, Compact, compact, expand

_FORMAT = 5  # bump when the stored layout changes (4: receipts, 5: a summary first)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "reviewer" / "suspects"


# What scores are computed by: splitting, tokens, facts, the index and the scoring itself.
ENGINE_SOURCES = [
    m.__file__
    for m in (_corpus_module, _text_module, _facts_module, _index_module, _suspects_module)
]
SEGMENTER_SOURCES = [_corpus_module.__file__]
# What the summary's "suspect kind" means: navigation.py's SUSPECT_KINDS.
SUMMARY_SOURCES = [_navigation_module.__file__]


@functools.cache
def source_digest(paths: tuple[str | None, ...]) -> str:
    """A digest of the source files that compute what is cached: any change to the engine
    (an upgrade, a weight, a tokenizer rule) keys a new cache, so a second opening never shows
    an older engine's scores. A version constant bumped by hand was forgotten twice. A source
    that cannot be read (a frozen build) counts by its name only."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(Path(path or "").read_bytes())
        except OSError:
            digest.update(str(path).encode())
    return digest.hexdigest()[:16]


def cache_key(corpus: Corpus) -> str:
    engine = source_digest((*ENGINE_SOURCES, *SUMMARY_SOURCES))
    raw = f"{_FORMAT}:{ENGINE_VERSION}:{engine}:{corpus.fingerprint()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _path(corpus: Corpus) -> Path:
    return cache_dir() / f"{cache_key(corpus)}.pickle"


def has_cached(corpus: Corpus) -> bool:
    return _path(corpus).is_file()


class Summary(NamedTuple):
    """What a screen counts before the full scores are read: each document's claims scored,
    and the (start, end, score) of each of its sentences of a suspect kind. Scores, not a
    verdict: the suspect threshold is the reader's (a setting that may change between runs)."""

    claims: dict[str, int]
    flagged: dict[str, tuple[tuple[int, int, float], ...]]

    @property
    def total(self) -> int:
        return sum(self.claims.values())

    def suspect_spans(self) -> dict[str, list[tuple[int, int]]]:
        """As navigation.suspect_spans over the full scores, with today's threshold: every
        document has an entry (empty when nothing is suspect)."""
        threshold = _navigation_module.SUSPECT_THRESHOLD
        flagged = self.flagged
        return {
            doc: [(start, end) for start, end, score in flagged.get(doc, ()) if score >= threshold]
            for doc in self.claims
        }


def summarize(groups: Sequence[Sequence[Compact]]) -> Summary:
    claims: Counter[str] = Counter()
    flagged: dict[str, list[tuple[int, int, float]]] = {}
    kinds = _navigation_module.SUSPECT_KINDS
    for rows in groups:
        claims.update(r[1] for r in rows)
        for r in rows:
            if r[5] in kinds:
                flagged.setdefault(r[1], []).append((r[2], r[3], r[4]))
    return Summary(dict(claims), {doc: tuple(rows) for doc, rows in flagged.items()})


def _checked(head: object) -> tuple[int, Summary]:
    """The cache's first record, checked: a damaged or foreign one raises ValueError (read
    in a thread, a bad value must fail there, not in the screen that shows it)."""
    if not (isinstance(head, tuple) and len(head) == 3 and isinstance(head[0], int)):
        raise ValueError("not a reviewer cache")
    count, claims, flagged = head
    if not (isinstance(claims, dict) and isinstance(flagged, dict)):
        raise ValueError("not a reviewer cache")
    for doc, n in claims.items():
        if not (isinstance(doc, str) and type(n) is int):
            raise ValueError("not a reviewer cache")
    for doc, rows in flagged.items():
        if not (doc in claims and isinstance(rows, tuple)):
            raise ValueError("not a reviewer cache")
        for start, end, score in rows:
            if not (type(start) is int and type(end) is int and isinstance(score, float)):
                raise ValueError("not a reviewer cache")
    return count, Summary(claims, flagged)


def read_cached(corpus: Corpus) -> tuple[Summary, Iterator[list[Compact]]]:
    """The cache's summary, read now, and its groups as compact rows, read as iterated;
    raises what UNREADABLE lists if the file is missing or damaged (at once or mid-way)."""
    fh = open(_path(corpus), "rb")  # noqa: SIM115 (closed by the generator, or below)
    try:
        count, summary = _checked(pickle.load(fh))
    except BaseException:
        fh.close()
        raise

    def groups() -> Iterator[list[Compact]]:
        # One pickle per record, each read with a fresh unpickler: records share no memo.
        with fh:
            for _ in range(count):
                rows = pickle.load(fh)
                if not isinstance(rows, list):
                    raise ValueError("not a reviewer cache")
                yield rows

    return summary, groups()


def read_summary(corpus: Corpus) -> Summary | None:
    """The cache's summary alone (its first record: ~10 ms for 100k claims, where every score
    takes ~0.5 s); None when there is no usable cache for this corpus."""
    try:
        with open(_path(corpus), "rb") as fh:
            return _checked(pickle.load(fh))[1]
    except UNREADABLE:
        return None


def iter_cached_compact(corpus: Corpus) -> Iterator[list[Compact]]:
    """The cached groups as compact rows; raises OSError/ValueError if unreadable."""
    yield from read_cached(corpus)[1]


def iter_cached(corpus: Corpus) -> Iterator[list[Assessment]]:
    """The cached groups, one list of full assessments per group."""
    for rows in iter_cached_compact(corpus):
        yield expand(corpus, rows)


# What reading a damaged or foreign cache file can raise: the cache is then ignored.
UNREADABLE = (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError, TypeError)


def load_cached(corpus: Corpus) -> list[Assessment] | None:
    try:
        return [a for group in iter_cached(corpus) for a in group]
    except UNREADABLE:
        return None


def load_cached_compact(corpus: Corpus) -> list[list[Compact]] | None:
    """Every cached group as compact rows; None when there is no usable cache."""
    try:
        return list(iter_cached_compact(corpus))
    except UNREADABLE:
        return None


def save_cached_compact(corpus: Corpus, groups: list[list[Compact]]) -> None:
    _save(corpus, groups)


def save_cached(corpus: Corpus, groups: list[list[Assessment]]) -> None:
    _save(corpus, [compact(g) for g in groups])


def _save(corpus: Corpus, groups: list[list[Compact]]) -> None:
    final = _path(corpus)
    with contextlib.suppress(OSError):
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            head = (len(groups), *summarize(groups))
            pickle.dump(head, fh, protocol=pickle.HIGHEST_PROTOCOL)
            for rows in groups:
                pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, final)


# --------------------------------------------------------------------------------------------
# Sentences: a second opening of a large corpus skips splitting every document (2.8 s for
# 100,000 sentences on a 2-core machine) by reading the spans it found the first time.

SEGMENTER_VERSION = "1"  # and the key holds corpus.py's source digest too


def _sentences_path(corpus: Corpus) -> Path:
    segmenter = source_digest(tuple(SEGMENTER_SOURCES))
    raw = f"sentences:{SEGMENTER_VERSION}:{segmenter}:{corpus.fingerprint()}"
    key = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return cache_dir().parent / "sentences" / f"{key}.pickle"


def _never() -> bool:
    return False


# Checked every this many documents: a stop (the app quitting) waits a few milliseconds at most.
_STOP_EVERY = 64


def save_sentences(corpus: Corpus, stop: Callable[[], bool] = _never) -> None:
    """Store every document's sentence spans (splitting those not split yet); nothing is
    stored if ``stop`` says so first."""
    final = _sentences_path(corpus)
    if final.is_file():
        return
    spans = []
    for i, d in enumerate(corpus.documents):
        if i % _STOP_EVERY == 0 and stop():
            return
        spans.append([(s.start, s.end, s.noise, s.heading) for s in d.sentences])
    with contextlib.suppress(OSError):
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(spans, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, final)


def load_sentences(corpus: Corpus, stop: Callable[[], bool] = _never) -> bool:
    """Give each document its cached sentences; False (and nothing changed) when there is no
    usable cache or ``stop`` says so. Checked before use: spans in order and inside the text,
    and the first document split again must give the same spans."""
    try:
        with open(_sentences_path(corpus), "rb") as fh:
            spans = pickle.load(fh)
    except UNREADABLE:
        return False
    docs = corpus.documents
    if not isinstance(spans, list) or len(spans) != len(docs):
        return False
    built = []
    try:
        for n, (d, rows) in enumerate(zip(docs, spans, strict=True)):
            if n % _STOP_EVERY == 0 and stop():
                return False
            last = 0
            sentences = []
            for i, (start, end, noise, heading) in enumerate(rows):
                if not (
                    isinstance(start, int) and isinstance(end, int) and last <= start < end
                    and end <= len(d.text) and isinstance(noise, str) and isinstance(heading, bool)
                ):  # fmt: skip
                    return False
                sentences.append(Sentence(i, start, end, noise, heading))
                last = end
            built.append(tuple(sentences))
    except (TypeError, ValueError):
        return False
    if docs and built[0] != tuple(segment(docs[0].text)):
        return False  # the splitter changed without a version bump: split again
    for d, found in zip(docs, built, strict=True):
        object.__setattr__(d, "_sentences", found)
    return True


def split_all(corpus: Corpus, stop: Callable[[], bool] = _never) -> None:
    """Split every document into sentences: the spans a previous run stored when they are
    still valid (0.3 s for 100k sentences instead of 2-3 s), else split now and store them.
    ``stop`` ends it early (the app is quitting): documents not split yet are split on use."""
    if not load_sentences(corpus, stop) and not stop():
        save_sentences(corpus, stop)
