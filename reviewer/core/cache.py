"""On-disk cache of suspect assessments, keyed by the corpus contents and the engine version.

A second opening of a large corpus reads scores instead of computing them. A cache file that
cannot be read is ignored (and rewritten): it only ever costs time, never correctness.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
from pathlib import Path

from .corpus import Corpus
from .suspects import ENGINE_VERSION, Assessment


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "reviewer" / "suspects"


def cache_key(corpus: Corpus) -> str:
    return hashlib.sha256(f"{ENGINE_VERSION}:{corpus.fingerprint()}".encode()).hexdigest()[:32]


def load_cached(corpus: Corpus) -> list[Assessment] | None:
    path = cache_dir() / f"{cache_key(corpus)}.jsonl.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return [Assessment.from_json(json.loads(line)) for line in fh]
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None


def save_cached(corpus: Corpus, assessments: list[Assessment]) -> None:
    folder = cache_dir()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{cache_key(corpus)}.jsonl.gz"
        tmp = folder / f".{final.name}.{os.getpid()}.tmp"
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
            for a in assessments:
                fh.write(json.dumps(a.to_json(), ensure_ascii=False, separators=(",", ":")))
                fh.write("\n")
        os.replace(tmp, final)
