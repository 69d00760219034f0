"""Suspect engine quality on the project's labelled news set (benchmarks/data/news/).

Run: .venv/bin/python benchmarks/news.py   (rebuild the set first with make_news.py if changed)

Positives: sentences of the changed articles whose truth we changed (swapped numbers, weekdays,
durations, names; invented quotes, people, organisations, figures). Negatives: the other claims of
those articles. Reports average precision and precision at 10 (ranking the claims of the changed
articles), overall and by source, how many changes of each kind the engine flags as suspect, and
the two baselines of benchmarks/wikibio.py computed in the same run.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.cli import suspects_rows  # noqa: E402
from benchmarks.metrics import average_precision, precision_at  # noqa: E402
from reviewer.core.corpus import load_corpus  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "news"
_WORD = re.compile(r"\w+")


def engine(corpus: Path) -> dict[tuple[str, int], dict]:
    rows, _ = suspects_rows(corpus)
    return {(r["doc"], r["start"]): r for r in rows}


def baselines(corpus_path: Path, labels: list[dict]) -> tuple[list[float], list[float]]:
    corpus = load_corpus([corpus_path]).corpus
    fuzzy, unigram = [], []
    for row in labels:
        others = [d for d in corpus.groups[row["group"]] if d.id != row["doc"]]
        sentences = [d.sentence_text(s) for d in others for s in d.claims]
        best = process.extractOne(row["text"], sentences, scorer=fuzz.token_set_ratio)
        fuzzy.append(1.0 - (best[1] if best else 0.0) / 100.0)
        counts = Counter(w for d in others for w in _WORD.findall(d.text.lower()))
        total, vocab = sum(counts.values()), len(counts) + 1
        words = _WORD.findall(row["text"].lower()) or [""]
        unigram.append(max(-math.log((counts[w] + 1) / (total + vocab)) for w in words))
    return fuzzy, unigram


def report(name: str, labels: list[dict], scores: list[float]) -> None:
    y = [r["label"] == "changed" for r in labels]
    parts = [
        f"{name:<32} AP {100 * average_precision(y, scores):6.2f}  P@10 "
        f"{100 * precision_at(y, scores, 10):5.1f}"
    ]
    for source in ("written", "seeds"):
        idx = [i for i, r in enumerate(labels) if r["source"] == source]
        ys = [y[i] for i in idx]
        ss = [scores[i] for i in idx]
        parts.append(
            f"{source}: AP {100 * average_precision(ys, ss):6.2f} "
            f"P@10 {100 * precision_at(ys, ss, 10):5.1f}"
        )
    print("   ".join(parts))


def main() -> None:
    labels = [json.loads(line) for line in (DATA / "labels.jsonl").read_text().splitlines()]
    corpus = DATA / "corpus"
    results = engine(corpus)
    scores, flagged = [], defaultdict(lambda: [0, 0])
    headings: list[str] = []
    for r in labels:
        row = results.get((r["doc"], r["start"]))
        if row is None:  # the engine split differently: take the overlapping sentence
            row = max(
                (
                    x
                    for (d, _), x in results.items()
                    if d == r["doc"] and x["start"] < r["end"] and r["start"] < x["end"]
                ),
                key=lambda x: min(x["end"], r["end"]) - max(x["start"], r["start"]),
            )
        scores.append(row["score"])
        if r["label"] == "changed":
            if row["kind"] == "heading":
                headings.append(f'{r["mutation"]}: "{r["text"]}" (score {row["score"]:.2f})')
                continue
            suspect = row["kind"] in ("conflict", "unsupported") and row["score"] >= 0.5
            flagged[r["mutation"]][0] += suspect
            flagged[r["mutation"]][1] += 1
    n_changed = sum(r["label"] == "changed" for r in labels)
    print(
        f"{len(labels)} claims in {len({r['doc'] for r in labels})} changed articles, "
        f"{n_changed} changed ({n_changed / len(labels):.0%} = AP of a random ranking)\n"
    )
    report("reviewer engine", labels, scores)
    fuzzy, unigram = baselines(corpus, labels)
    report("baseline: 1 - best fuzzy match", labels, fuzzy)
    report("baseline: unigram max -log p", labels, unigram)
    print("\nchanges in body sentences flagged as suspect by the engine, by kind:")
    for kind, (hit, total) in sorted(flagged.items()):
        print(f"  {kind:<13} {hit}/{total}")
    print(f"changes in headlines (scored and shown, never triaged as suspects): {len(headings)}")
    for line in headings:
        print(f"  {line}")


if __name__ == "__main__":
    main()
