"""Agreement between annotators on nominal labels: raw agreement, Cohen's and Fleiss' kappa,
Krippendorff's alpha, confusion matrices, and the list of disagreements.

Input is a list of items, each a mapping annotator -> label for the annotators who labelled it.
Only items with at least two labels are comparable; the functions ignore the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

Item = Mapping[str, Hashable]


def _comparable(items: Sequence[Item]) -> list[Item]:
    return [i for i in items if len(i) >= 2]


def raw_agreement(items: Sequence[Item]) -> float | None:
    """Mean share of agreeing annotator pairs per item (for two annotators: share identical)."""
    shares = []
    for item in _comparable(items):
        pairs = list(combinations(item.values(), 2))
        shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return sum(shares) / len(shares) if shares else None


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa for two annotators over the items both labelled."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected == 1.0:
        return None  # one label used throughout: kappa is 0/0, undefined (scikit-learn: nan)
    return (observed - expected) / (1.0 - expected)


def fleiss_kappa(items: Sequence[Item]) -> float | None:
    """Fleiss' kappa; items may have different numbers of raters (each item's P_i uses its own
    n_i, and category shares are pooled over all ratings), which is Fleiss' formula when every
    item has the same number."""
    rows = [Counter(item.values()) for item in _comparable(items)]
    if not rows:
        return None
    agreement = []
    totals: Counter[Hashable] = Counter()
    for counts in rows:
        n = sum(counts.values())
        agreement.append(sum(c * (c - 1) for c in counts.values()) / (n * (n - 1)))
        totals.update(counts)
    p_bar = sum(agreement) / len(agreement)
    ratings = sum(totals.values())
    p_e = sum((c / ratings) ** 2 for c in totals.values())
    if p_e == 1.0:
        return None  # one label throughout: undefined
    return (p_bar - p_e) / (1.0 - p_e)


def gwet_ac1(items: Sequence[Item], categories: Sequence[Hashable]) -> float | None:
    """Gwet's AC1 (Gwet 2008), for any number of raters per item: agreement p_a as in Fleiss
    (items with two or more ratings), chance p_e = sum_k pi_k (1 - pi_k) / (q - 1), where pi_k
    is the mean over items of the share of the item's ratings in category k and q the number
    of categories. Unlike kappa it stays defined when one label dominates."""
    rows = [Counter(item.values()) for item in _comparable(items)]
    q = len(categories)
    if not rows or q < 2:
        return None
    p_a = sum(
        sum(c * (c - 1) for c in counts.values())
        / (sum(counts.values()) * (sum(counts.values()) - 1))
        for counts in rows
    ) / len(rows)
    pi = {k: sum(counts[k] / sum(counts.values()) for counts in rows) / len(rows)
          for k in categories}  # fmt: skip
    p_e = sum(p * (1 - p) for p in pi.values()) / (q - 1)
    if p_e == 1.0:
        return None
    return (p_a - p_e) / (1.0 - p_e)


def krippendorff_alpha_nominal(items: Sequence[Item]) -> float | None:
    """Krippendorff's alpha for nominal data, from the coincidence matrix (handles missing)."""
    coincidence: dict[tuple[Hashable, Hashable], float] = {}
    for item in _comparable(items):
        values = list(item.values())
        m = len(values)
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidence[(a, b)] = coincidence.get((a, b), 0.0) + 1.0 / (m - 1)
    n_c: dict[Hashable, float] = {}
    for (a, _), w in coincidence.items():
        n_c[a] = n_c.get(a, 0.0) + w
    n = sum(n_c.values())
    if n <= 1:
        return None
    observed = sum(w for (a, b), w in coincidence.items() if a != b)
    expected = sum(n_c[a] * n_c[b] for a in n_c for b in n_c if a != b) / (n - 1)
    if expected == 0:
        return 1.0 if observed == 0 else None
    return 1.0 - observed / expected


@dataclass(frozen=True)
class PairReport:
    first: str
    second: str
    items: int
    agreement: float | None
    kappa: float | None
    confusion: dict[str, dict[str, int]]  # first's label -> second's label -> count


def pair_report(
    items: Sequence[Item], first: str, second: str, labels: Sequence[str]
) -> PairReport:
    pairs = [(i[first], i[second]) for i in items if first in i and second in i]
    confusion = {str(a): {str(b): 0 for b in labels} for a in labels}
    for a, b in pairs:
        confusion.setdefault(str(a), {}).setdefault(str(b), 0)
        confusion[str(a)][str(b)] += 1
    agreement = sum(a == b for a, b in pairs) / len(pairs) if pairs else None
    return PairReport(first, second, len(pairs), agreement, cohen_kappa(pairs), confusion)
