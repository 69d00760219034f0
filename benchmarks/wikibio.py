"""Suspect engine quality on the wikibio-dev set (SelfCheckGPT setting), the way users run it.

Run: .venv/bin/python benchmarks/wikibio.py [--data ../shared/data/wikibio-dev/dataset.json]

Each of the 119 groups becomes a folder (the labelled passage and its 20 sampled passages as .txt
files); one `reviewer suspects FOLDER --json` scores them all. A labelled sentence takes the score
of the engine sentence that overlaps it most. Printed next to two baselines computed in the same
run and the published figures from the set's README:
- fuzzy: 1 - best rapidfuzz match of the sentence among the other passages' sentences;
- unigram: the largest -log p(word) over the sentence, with p counted over the 20 samples
  (add-one smoothing), as the README describes.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.cli import suspects_rows  # noqa: E402
from benchmarks.metrics import average_precision, pr_auc  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "wikibio-dev" / "dataset.json"
PUBLISHED = [
    ("random", 72.96, 29.72, 27.04),
    ("SelfCheck with BERTScore", 81.96, 45.96, 44.23),
    ("SelfCheck with unigram counts", 85.63, 41.04, 58.47),
    ("SelfCheck with NLI", 92.50, 45.17, 66.08),
    ("SelfCheck with LLM prompting", 93.42, 53.19, 67.09),
]


def locate(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for s in sentences:
        i = text.find(s, pos)
        if i < 0:
            i = text.find(s)
        if i < 0:
            i = pos
        spans.append((i, i + len(s)))
        pos = max(pos, i + len(s))
    return spans


def engine_scores(data: list[dict], workdir: Path) -> list[float]:
    corpus = workdir / "wikibio"
    for gi, g in enumerate(data):
        folder = corpus / f"g{gi:03d}"
        folder.mkdir(parents=True)
        (folder / "passage.txt").write_text(g["gpt3_text"], encoding="utf-8")
        for k, sample in enumerate(g["gpt3_text_samples"]):
            (folder / f"sample{k:02d}.txt").write_text(sample, encoding="utf-8")
    rows, seconds = suspects_rows(corpus)
    print(f"reviewer suspects: {seconds:.1f} s for {len(data)} groups")
    by_group: dict[str, list[dict]] = {}
    for row in rows:
        if row["doc"].endswith("/passage.txt"):
            by_group.setdefault(row["group"], []).append(row)
    scores = []
    for gi, g in enumerate(data):
        rows = by_group.get(f"g{gi:03d}", [])
        for a, b in locate(g["gpt3_text"], g["gpt3_sentences"]):
            overlaps = [(min(b, r["end"]) - max(a, r["start"]), r["score"]) for r in rows]
            overlaps = [o for o in overlaps if o[0] > 0]
            scores.append(max(overlaps)[1] if overlaps else 0.5)
    return scores


_WORD = re.compile(r"\w+")


def unigram_scores(data: list[dict]) -> list[float]:
    scores = []
    for g in data:
        counts = Counter(w for s in g["gpt3_text_samples"] for w in _WORD.findall(s.lower()))
        total = sum(counts.values())
        vocab = len(counts) + 1
        for sentence in g["gpt3_sentences"]:
            words = _WORD.findall(sentence.lower()) or [""]
            scores.append(max(-math.log((counts[w] + 1) / (total + vocab)) for w in words))
    return scores


def fuzzy_scores(data: list[dict]) -> list[float]:
    scores = []
    for g in data:
        others = [s.strip() for t in g["gpt3_text_samples"] for s in re.split(r"(?<=[.!?])\s+", t)]
        for sentence in g["gpt3_sentences"]:
            best = process.extractOne(sentence, others, scorer=fuzz.token_set_ratio)
            scores.append(1.0 - (best[1] if best else 0.0) / 100.0)
    return scores


def evaluate(data: list[dict], scores: list[float]) -> tuple[float, float, float, float]:
    labels = [lab for g in data for lab in g["annotation"]]
    groups = [gi for gi, g in enumerate(data) for _ in g["annotation"]]
    nonfact = [lab != "accurate" for lab in labels]
    all_major = {
        gi for gi, g in enumerate(data) if all(lab == "major_inaccurate" for lab in g["annotation"])
    }
    keep = [i for i, gi in enumerate(groups) if gi not in all_major]
    star_labels = [labels[i] == "major_inaccurate" for i in keep]
    star_scores = [scores[i] for i in keep]
    factual = [lab == "accurate" for lab in labels]
    return (
        100 * pr_auc(nonfact, scores),
        100 * average_precision(nonfact, scores),
        100 * pr_auc(star_labels, star_scores),
        100 * pr_auc(factual, [1.0 - s for s in scores]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"wikibio.py: {args.data}: no such file (the set lives in ../shared/data/)")
    data = json.loads(args.data.read_text(encoding="utf-8"))
    n = sum(len(g["annotation"]) for g in data)
    print(f"{len(data)} groups, {n} labelled sentences")
    with tempfile.TemporaryDirectory() as tmp:
        rows = [("reviewer engine", evaluate(data, engine_scores(data, Path(tmp))))]
    rows.append(("baseline: 1 - best fuzzy match", evaluate(data, fuzzy_scores(data))))
    rows.append(("baseline: unigram max -log p", evaluate(data, unigram_scores(data))))
    print(f"\n{'method':<34}{'NonFact':>9}{'AP':>8}{'NonFact*':>10}{'Factual':>9}")
    for name, (nf, ap, star, fact) in rows:
        print(f"{name:<34}{nf:>9.2f}{ap:>8.2f}{star:>10.2f}{fact:>9.2f}")
    print("published (whole set, AUC-PR):")
    for name, nf, star, fact in PUBLISHED:
        print(f"  {name:<32}{nf:>9.2f}{'':>8}{star:>10.2f}{fact:>9.2f}")


if __name__ == "__main__":
    main()
