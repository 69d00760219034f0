"""On-disk cache of suspect assessments, keyed by the corpus contents and the engine's source.

A second opening of a large corpus reads scores instead of computing them. The file is a series
of pickles, one per group, in the user's own cache folder and written only by reviewer. Texts are
not stored (they are sliced from the corpus again), and groups are read one at a time so a
reader in a thread never holds the interpreter for long. A cache file that cannot be read is
ignored (and rewritten): it only ever costs time, never correctness.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

from . import corpus as _corpus_module
from . import facts as _facts_module
from . import index as _index_module
from . import suspects as _suspects_module
from . import text as _text_module
from .corpus import Corpus, Sentence, segment
from .suspects import ENGINE_VERSION, Assessment, Compact, compact, expand

_FORMAT = 4  # bump when the stored layout changes (4: receipts)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "reviewer" / "suspects"


# What scores are computed by: splitting, tokens, facts, the index and the scoring itself.
ENGINE_SOURCES = [
    m.__file__
    for m in (_corpus_module, _text_module, _facts_module, _index_module, _suspects_module)
]
SEGMENTER_SOURCES = [_corpus_module.__file__]


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
    engine = source_digest(tuple(ENGINE_SOURCES))
    raw = f"{_FORMAT}:{ENGINE_VERSION}:{engine}:{corpus.fingerprint()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _path(corpus: Corpus) -> Path:
    return cache_dir() / f"{cache_key(corpus)}.pickle"


def has_cached(corpus: Corpus) -> bool:
    return _path(corpus).is_file()


def iter_cached_compact(corpus: Corpus) -> Iterator[list[Compact]]:
    """The cached groups as compact rows; raises OSError/ValueError if unreadable."""
    # One pickle per record, each read with a fresh unpickler: records share no memo.
    with open(_path(corpus), "rb") as fh:
        count = pickle.load(fh)
        if not isinstance(count, int):
            raise ValueError("not a reviewer cache")
        for _ in range(count):
            rows = pickle.load(fh)
            if not isinstance(rows, list):
                raise ValueError("not a reviewer cache")
            yield rows


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
            pickle.dump(len(groups), fh, protocol=pickle.HIGHEST_PROTOCOL)
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


def save_sentences(corpus: Corpus) -> None:
    """Store every document's sentence spans (all documents must be split already)."""
    final = _sentences_path(corpus)
    if final.is_file():
        return
    spans = [[(s.start, s.end, s.noise, s.heading) for s in d.sentences] for d in corpus.documents]
    with contextlib.suppress(OSError):
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(spans, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, final)


def load_sentences(corpus: Corpus) -> bool:
    """Give each document its cached sentences; False (and nothing changed) when there is no
    usable cache. Checked before use: spans in order and inside the text, and the first
    document split again must give the same spans."""
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
        for d, rows in zip(docs, spans, strict=True):
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


def split_all(corpus: Corpus) -> None:
    """Split every document into sentences: the spans a previous run stored when they are
    still valid (0.3 s for 100k sentences instead of 2-3 s), else split now and store them."""
    if not load_sentences(corpus):
        save_sentences(corpus)
