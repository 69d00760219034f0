"""How far to trust the engine on a team's own documents: its suspect scores measured against
the human labels of annotation sets.

A claim the reviewers tagged contradicted or fabricated is a positive, supported a negative.
The engine's score ranks them; average precision sums precision over the recall each positive
adds (scikit-learn's ``average_precision_score``: ties share one threshold). Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

POSITIVE = ("contradicted", "fabricated")
BANDS = tuple(i / 10 for i in range(11))  # 0.0, 0.1, ... 1.0: ten score bands


@dataclass(frozen=True)
class Point:
    """One human-labelled claim with the engine's verdict on it."""

    score: float
    kind: str  # the engine's: conflict, unsupported, corroborated, opinion, unchecked
    label: str  # the reviewer's: supported, contradicted, fabricated
    blind_label: str | None = None  # the label given before the engine was shown (blind mode)

    @property
    def positive(self) -> bool:
        return self.label in POSITIVE


@dataclass
class Calibration:
    claims: int
    positives: int
    average_precision: float | None
    threshold: float
    precision_at_threshold: float | None
    recall_at_threshold: float | None
    flagged: int
    # (low, high, claims, positives) per score band, low inclusive.
    reliability: list[tuple[float, float, int, int]] = field(default_factory=list)
    # engine kind -> human label -> claims
    kinds: dict[str, dict[str, int]] = field(default_factory=dict)
    suggested_threshold: float | None = None
    target_precision: float = 0.8
    # Blind sessions: tags changed after the engine was revealed, by direction.
    blind_claims: int = 0
    blind_changed: dict[str, int] = field(default_factory=dict)
    # Blind tags where the engine's flag (score at or above the threshold) matched the
    # reviewer's first label (a problem or not): how often the engine agreed, unsteered.
    blind_agreed: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "claims": self.claims,
            "positives": self.positives,
            "average_precision": self.average_precision,
            "threshold": self.threshold,
            "precision_at_threshold": self.precision_at_threshold,
            "recall_at_threshold": self.recall_at_threshold,
            "flagged": self.flagged,
            "reliability": [
                {"low": lo, "high": hi, "claims": n, "contradicted_or_fabricated": p}
                for lo, hi, n, p in self.reliability
            ],
            "kinds": self.kinds,
            "suggested_threshold": self.suggested_threshold,
            "target_precision": self.target_precision,
            "blind_claims": self.blind_claims,
            "blind_changed": self.blind_changed,
            "blind_agreed": self.blind_agreed,
        }


def average_precision(points: Sequence[Point]) -> float | None:
    """Average precision of the score for positives; None without a positive."""
    positives = sum(p.positive for p in points)
    if not positives:
        return None
    ap = 0.0
    seen = hits = 0
    ordered = sorted(points, key=lambda p: -p.score)
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j].score == ordered[i].score:
            j += 1
        block = ordered[i:j]
        new_hits = sum(p.positive for p in block)
        seen += len(block)
        hits += new_hits
        if new_hits:
            ap += (new_hits / positives) * (hits / seen)
        i = j
    return ap


def precision_recall(
    points: Sequence[Point], threshold: float
) -> tuple[float | None, float | None, int]:
    """Precision and recall of "score >= threshold" for positives, and how many it flags."""
    flagged = [p for p in points if p.score >= threshold]
    positives = sum(p.positive for p in points)
    hits = sum(p.positive for p in flagged)
    precision = hits / len(flagged) if flagged else None
    recall = hits / positives if positives else None
    return precision, recall, len(flagged)


def suggest_threshold(points: Sequence[Point], target: float) -> float | None:
    """The lowest score threshold whose precision reaches ``target`` (the most recall at that
    precision); None when no threshold does."""
    best = None
    for t in sorted({p.score for p in points}, reverse=True):
        precision, _, _ = precision_recall(points, t)
        if precision is not None and precision >= target:
            best = t
    return best


def reliability(points: Iterable[Point]) -> list[tuple[float, float, int, int]]:
    counts: Counter[int] = Counter()
    hits: Counter[int] = Counter()
    for p in points:
        band = min(int(max(p.score, 0.0) * 10), 9)
        counts[band] += 1
        hits[band] += p.positive
    return [(BANDS[b], BANDS[b + 1], counts[b], hits[b]) for b in range(10)]


def calibrate(points: Sequence[Point], threshold: float, target: float = 0.8) -> Calibration:
    precision, recall, flagged = precision_recall(points, threshold)
    kinds: dict[str, dict[str, int]] = {}
    for p in points:
        row = kinds.setdefault(p.kind, {"supported": 0, "contradicted": 0, "fabricated": 0})
        row[p.label] = row.get(p.label, 0) + 1
    blind = [p for p in points if p.blind_label is not None]
    changed: Counter[str] = Counter(
        f"{p.blind_label} -> {p.label}" for p in blind if p.blind_label != p.label
    )
    return Calibration(
        claims=len(points),
        positives=sum(p.positive for p in points),
        average_precision=average_precision(points),
        threshold=threshold,
        precision_at_threshold=precision,
        recall_at_threshold=recall,
        flagged=flagged,
        reliability=reliability(points),
        kinds=kinds,
        suggested_threshold=suggest_threshold(points, target),
        target_precision=target,
        blind_claims=len(blind),
        blind_changed=dict(sorted(changed.items())),
        blind_agreed=sum((p.score >= threshold) == (p.blind_label in POSITIVE) for p in blind),
    )


def bar(share: float, width: int = 20) -> str:
    """A text bar for a share in [0, 1], in eighths of a cell."""
    eighths = round(max(0.0, min(share, 1.0)) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")
