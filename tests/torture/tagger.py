"""Child process for the kill test: tags untagged claims one after another, forever.

After each tag is saved (the call returned, so the file was renamed into place) it prints
"doc<TAB>start<TAB>end<TAB>label" and flushes. The parent kills it at random moments.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session

LABELS = ("supported", "contradicted", "fabricated")


def main() -> None:
    corpus_path, annotation_file = sys.argv[1], Path(sys.argv[2])
    corpus = load_corpus([corpus_path]).corpus
    session = Session(corpus, annotation_file, "torture")
    print("ready", flush=True)
    n = 0
    for doc in corpus.documents:
        for s in doc.claims:
            if session.get(doc, s) is not None:
                continue
            label = LABELS[n % 3]
            session.tag(doc, s, label, 0.5)
            if session.unsaved:
                raise SystemExit(f"save failed: {session.save_error}")
            print(f"{doc.id}\t{s.start}\t{s.end}\t{label}", flush=True)
            n += 1
    print("done", flush=True)


if __name__ == "__main__":
    main()
