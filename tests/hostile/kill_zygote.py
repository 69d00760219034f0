"""Zygote for the kill test: imports reviewer once, then forks one child per round.

Protocol on stdin/stdout (one line each; everything written with os.write, unbuffered):
  parent -> "go SEED"   zygote forks a child and answers "child PID"
  child  -> JSON lines: {"ready": digest, "count": n, "temps": t}, then per operation
            {"pending": digest} before the write can start and {"ack": digest} once on disk
  parent -> "reap PID"  (after SIGKILL) zygote waits for it and answers "exited PID"
The child runs the app's real saving path: a Session with its background writer.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import rapidfuzz.fuzz  # noqa: E402, F401 - imported lazily by re-anchoring; load it once here

from reviewer.core.corpus import load_corpus  # noqa: E402
from reviewer.core.session import Session  # noqa: E402
from reviewer.core.store import Annotation  # noqa: E402

LABELS = ("supported", "contradicted", "fabricated")


def canonical(annotations: list[dict]) -> str:
    """A digest of what a set holds, from TOML tables (timestamps left out)."""
    rows = sorted(
        json.dumps(
            [
                a["doc"],
                a["start"],
                a["end"],
                a["quote"],
                a.get("label", ""),
                a.get("note", ""),
                a.get("anchor", ""),
                [[e["doc"], e["start"], e["end"], e["quote"]] for e in a.get("evidence", [])],
            ]
        )
        for a in annotations
    )
    return hashlib.sha1("\n".join(rows).encode("utf-8")).hexdigest()


def as_table(a: Annotation) -> dict:
    table = {
        "doc": a.doc,
        "start": a.start,
        "end": a.end,
        "quote": a.quote,
        "label": a.label,
        "note": a.note,
        "anchor": a.anchor,
        "evidence": [
            {"doc": e.doc, "start": e.start, "end": e.end, "quote": e.quote} for e in a.evidence
        ],
    }
    return table


def state(session: Session) -> str:
    return canonical([as_table(a) for a in session.annotations + list(session.orphans)])


def emit(obj: object) -> None:
    os.write(1, (json.dumps(obj) + "\n").encode())


def operate(session: Session, rng: random.Random, claims: list) -> None:
    """One random change: tag (most often), note (on tagged and untagged sentences), undo,
    redo, clear or link evidence."""
    doc, s = rng.choice(claims)
    tagged = session.get(doc, s) is not None
    roll = rng.random()
    if roll < 0.5 or not tagged:
        if roll < 0.75 or not tagged and roll < 0.85:
            session.tag(doc, s, rng.choice(LABELS))
        elif not tagged and roll < 0.9:  # a note on an untagged sentence (no label)
            session.set_note(doc, s, f"note {rng.randrange(10**6)}")
        elif roll < 0.92:
            session.undo()
        else:
            session.redo()
    elif roll < 0.65:
        session.set_note(doc, s, f"note {rng.randrange(10**6)}")
    elif roll < 0.78:
        session.undo()
    elif roll < 0.84:
        session.redo()
    elif roll < 0.92:
        session.clear(doc, s)
    else:
        ev_doc, ev_s = rng.choice(claims)
        session.toggle_evidence(doc, s, ev_doc, ev_s)


def child(corpus_path: str, annotation_file: Path, seed: int) -> None:
    rng = random.Random(seed)
    corpus = load_corpus([corpus_path]).corpus
    session = Session(corpus, annotation_file, "torture")
    session.write_in_background(lambda outcome: None)
    writer = session._writer
    assert writer is not None
    helper = False
    if seed % 2:
        # Half the rounds save through the helper process (reviewer/core/replacer.py): wait
        # until it is up. The other half are killed while it starts, when saves are written here.
        for _ in range(500):
            with writer._cond:
                replacer = writer._replacer
                helper = replacer is not None and replacer.available
            if helper:
                break
            time.sleep(0.01)
    temps = [p.name for p in annotation_file.parent.glob(".*.tmp")]
    emit(
        {
            "ready": state(session),
            "count": len(session.annotations) + len(session.orphans),  # notes too
            "orphans": len(session.orphans),
            "fuzzy": sum(a.unconfirmed for a in session.annotations),
            "temps": temps,
            "helper": helper,
        }
    )
    claims = [(d, s) for d in corpus.documents for s in d.claims]
    while True:
        # Hold the writer's lock while the change is made: the writer cannot start writing it
        # before the parent has been told what the new state is.
        with writer._cond:
            generation = session.generation
            operate(session, rng, claims)
            if session.generation == generation:
                continue  # nothing changed (undo with no history...): nothing is written
            emit({"pending": state(session)})
        session.flush()
        if session.unsaved:
            emit({"error": session.save_error})
            os._exit(3)
        emit({"ack": state(session)})


def main() -> None:
    corpus_path, annotation_file = sys.argv[1], Path(sys.argv[2])
    os.write(1, b"zygote ready\n")
    for line in sys.stdin:
        word, _, arg = line.strip().partition(" ")
        if word == "go":
            pid = os.fork()
            if pid == 0:
                try:
                    child(corpus_path, annotation_file, int(arg))
                except BaseException as exc:  # report, never fall back into the zygote loop
                    emit({"crash": f"{type(exc).__name__}: {exc}"})
                finally:
                    os._exit(5)
            os.write(1, f"child {pid}\n".encode())
        elif word == "reap":
            os.waitpid(int(arg), 0)
            os.write(1, f"exited {arg}\n".encode())
        elif word == "quit":
            return


if __name__ == "__main__":
    main()
