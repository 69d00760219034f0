"""Synthetic corpora for the speed benchmarks: groups of documents that retell shared facts.

Each group has its own facts (names, places, numbers, weekdays); each document retells a random
subset of them in varied wording, with some invented sentences, so the engine meets the same mix of
corroborated, conflicting and unsupported sentences it meets in real sets.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

WORDS = (
    "council minister agency report plan budget vote bridge river harbour school hospital "
    "station airport festival summit treaty contract market factory farm forest storm flood "
    "election campaign court ruling inquiry protest strike union company bank loan tariff trade "
    "export import border army navy police officer mayor governor senator judge doctor teacher "
    "engineer worker farmer student driver pilot visitor resident official spokesman analyst "
    "announced approved rejected delayed opened closed signed launched cancelled expanded "
    "reduced increased warned praised criticised confirmed denied reported estimated expected "
    "major minor early late public private local national regional foreign domestic annual "
    "historic modest sharp sudden gradual formal informal joint separate rival allied"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
FIRST = (
    "Anna Boris Chen Dara Emil Fatima Goran Hana Ivo Jana Kofi Lena Mateo Nia Omar Petra".split()
)
LAST = "Adler Brandt Costa Duval Eriksen Fischer Garcia Horvat Ivanova Jensen Kowalski Lund".split()
PLACES = "Arden Belmont Calder Dunmore Elston Farrow Glenholm Harwick Islay Jarrow Kelso".split()


def _fact(rng: random.Random) -> dict[str, str]:
    return {
        "who": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "where": rng.choice(PLACES),
        "day": rng.choice(WEEKDAYS),
        "n": str(rng.randint(2, 900)),
        "what": " ".join(rng.sample(WORDS, 3)),
        "unit": rng.choice(["day", "week", "million", "percent", "people", "km"]),
    }


def _sentence(rng: random.Random, f: dict[str, str]) -> str:
    filler = " ".join(rng.sample(WORDS, rng.randint(3, 8)))
    forms = [
        f"{f['who']} said on {f['day']} that the {f['what']} in {f['where']} would cost "
        f"{f['n']} {f['unit']}, {filler}.",
        f"In {f['where']}, the {f['what']} {filler} reached {f['n']} {f['unit']} "
        f"according to {f['who']}.",
        f"On {f['day']} the {f['what']} was {filler}, {f['who']} told reporters in {f['where']}.",
        f"Officials in {f['where']} {filler} the {f['what']}, putting it at {f['n']} {f['unit']}.",
    ]
    return rng.choice(forms)


def make_corpus(
    root: Path, groups: int, docs_per_group: int, sentences_per_doc: int, seed: int = 7
) -> int:
    """Write the corpus under ``root`` (one sub-folder per group); returns sentences written."""
    rng = random.Random(seed)
    total = 0
    for g in range(groups):
        folder = root / f"group{g:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        facts = [_fact(rng) for _ in range(sentences_per_doc * 2)]
        for d in range(docs_per_group):
            lines = []
            for _ in range(sentences_per_doc):
                f = dict(rng.choice(facts))
                roll = rng.random()
                if roll < 0.08:
                    f["n"] = str(int(f["n"]) + rng.randint(1, 9))  # a conflicting number
                elif roll < 0.12:
                    f = _fact(rng)  # an invented fact
                lines.append(_sentence(rng, f))
            (folder / f"doc{d:03d}.txt").write_text(" ".join(lines) + "\n", encoding="utf-8")
            total += len(lines)
    return total


def seed_annotations(corpus: Path, path: Path, n: int, mixed: bool = False) -> int:
    """Write a set of ``n`` annotations on the corpus's first claims, as the app writes it;
    returns how many. Plain: every one supported with a short note. ``mixed``: labels in
    turn, a score each, a note on every 10th and one evidence link on every 5th, as a
    reviewer's file looks."""
    from reviewer.core.corpus import load_corpus
    from reviewer.core.store import LABELS, Annotation, Evidence, Store

    c = load_corpus([corpus]).corpus
    stamp = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)
    rng = random.Random(3)
    items: list[Annotation] = []
    for doc in c.documents:
        for s in doc.claims:
            if len(items) == n:
                break
            k = len(items)
            a = Annotation(
                doc.id,
                s.start,
                s.end,
                doc.sentence_text(s),
                "supported",
                note="checked",
                suspicion=0.5,
                created=stamp,
                updated=stamp,
            )
            if mixed:
                e = rng.choice(doc.claims) if k % 5 == 0 else None
                a = a.with_changes(
                    label=LABELS[k % 3],
                    note="checked against the wire" if k % 10 == 0 else "",
                    suspicion=round(rng.random(), 4),
                    evidence=(Evidence(doc.id, e.start, e.end, doc.sentence_text(e)),) if e else (),
                )
            items.append(a)
    path.parent.mkdir(parents=True, exist_ok=True)
    Store(path, path.stem, c.name).save(items)
    return len(items)
