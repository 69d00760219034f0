"""Suspect engine quality on FRANK's validation split, the way users run it.

Run: .venv/bin/python benchmarks/frank.py [--data ../shared/data/frank-valid] [--errors]

One `reviewer suspects CORPUS --json` over the split's 671 groups (each an article and one
machine-written summary). A summary's faithfulness = 1 - the mean suspect score of its claims.
FRANK's metric: the partial correlation (Pearson and Spearman) with the human `factuality`,
with the system as control variable. With one-hot system indicators and an intercept, the
regression residuals are each value minus its system's mean, so the partial correlation is
the correlation of within-system-centred values (Spearman: of ranks). Printed beside the
published metrics' scores from `labels.jsonl`, per dataset. `--errors` adds, per error
category, how much lower the engine rates summaries that have that error.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.cli import suspects_rows  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "frank-valid"
BASELINES = ["FactCC", "BertScore P Art", "Dep Entail", "QAGS", "FEQA", "Rouge L"]
CATEGORIES = ["RelE", "EntE", "CircE", "OutE", "GramE", "CorefE", "LinkE", "Other"]


def ranks(values: Sequence[float]) -> list[float]:
    """Average ranks (ties share the mean of their positions), as scipy's rankdata."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else float("nan")


def centred(values: Sequence[float], systems: Sequence[str]) -> list[float]:
    sums: dict[str, list[float]] = defaultdict(list)
    for v, s in zip(values, systems, strict=True):
        sums[s].append(v)
    means = {s: sum(v) / len(v) for s, v in sums.items()}
    return [v - means[s] for v, s in zip(values, systems, strict=True)]


def partial(x: Sequence[float], y: Sequence[float], systems: Sequence[str]) -> tuple[float, float]:
    """(Pearson, Spearman) partial correlation of x and y with the system controlled."""
    p = pearson(centred(x, systems), centred(y, systems))
    s = pearson(centred(ranks(x), systems), centred(ranks(y), systems))
    return p, s


def engine_scores(data_dir: Path) -> tuple[dict[str, float], float, dict[str, list[dict]]]:
    rows, seconds = suspects_rows(data_dir / "corpus")
    by_group: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["doc"].endswith("/summary.txt"):
            by_group[row["group"]].append(row)
    scores = {g: 1.0 - sum(r["score"] for r in rs) / len(rs) for g, rs in by_group.items() if rs}
    return scores, seconds, by_group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--errors", action="store_true", help="per error category")
    args = parser.parse_args()
    if not (args.data / "labels.jsonl").exists():
        sys.exit(f"frank.py: {args.data}: no labels.jsonl (the set lives in ../shared/data/)")
    labels = [json.loads(x) for x in (args.data / "labels.jsonl").read_text().splitlines() if x]
    scores, seconds, by_group = engine_scores(args.data)
    missing = [r["group"] for r in labels if r["group"] not in scores]
    print(f"{len(labels)} summaries; reviewer suspects: {seconds:.1f} s")
    if missing:
        print(f"{len(missing)} summaries have no claim the engine scores (counted as 1.0)")
    methods = [("reviewer engine", lambda r: scores.get(r["group"], 1.0))]
    methods += [(name, lambda r, name=name: r["baselines"][name]) for name in BASELINES]
    subsets = [("all", labels)] + [
        (d, [r for r in labels if r["dataset"] == d]) for d in ("bbc", "cnndm")
    ]
    header = "".join(f"{f'{name} ({len(rows)})':>20}" for name, rows in subsets)
    print(f"\npartial correlation with factuality, Pearson / Spearman\n{'metric':<22}{header}")
    for name, get in methods:
        cells = []
        for _, rows in subsets:
            usable = [r for r in rows if get(r) is not None]
            p, s = partial(
                [get(r) for r in usable], [r["factuality"] for r in usable],
                [r["system"] for r in usable],
            )  # fmt: skip
            cells.append(f"{p:>9.3f} / {s:<6.3f}")
        print(f"{name:<22}" + "".join(f"{c:>20}" for c in cells))
    if args.errors:
        print("\nper error category: mean engine faithfulness with / without the error")
        for cat in CATEGORIES:
            has = [scores.get(r["group"], 1.0) for r in labels if r["no_error_share"][cat] < 1]
            hasnt = [scores.get(r["group"], 1.0) for r in labels if r["no_error_share"][cat] == 1]
            if has:
                with_error, without = sum(has) / len(has), sum(hasnt) / len(hasnt)
                print(
                    f"  {cat:<7} {len(has):>4} summaries: {with_error:.3f} vs {without:.3f} "
                    f"(gap {without - with_error:+.3f})"
                )
        kinds: dict[str, int] = defaultdict(int)
        for rs in by_group.values():
            for r in rs:
                kinds[r["kind"]] += 1
        print("kinds of summary sentences:", dict(sorted(kinds.items())))


if __name__ == "__main__":
    main()
