"""Ranking metrics, written out so the benchmarks need nothing beyond the project's own packages.

``pr_auc`` follows scikit-learn: ``auc(recall, precision)`` over ``precision_recall_curve``
(one point per distinct score, plus the (recall 0, precision 1) end point, trapezoids between).
``average_precision`` is the step-wise sum, which does not reward tied scores.
"""

from __future__ import annotations

from collections.abc import Sequence


def _curve(labels: Sequence[bool], scores: Sequence[float]) -> list[tuple[float, float]]:
    """(recall, precision) at each distinct threshold, from the highest score down."""
    pairs = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    positives = sum(labels)
    if positives == 0:
        raise ValueError("no positive example")
    points = []
    tp = fp = 0
    i = 0
    while i < len(pairs):
        threshold = pairs[i][0]
        while i < len(pairs) and pairs[i][0] == threshold:
            if pairs[i][1]:
                tp += 1
            else:
                fp += 1
            i += 1
        points.append((tp / positives, tp / (tp + fp)))
    return points


def pr_auc(labels: Sequence[bool], scores: Sequence[float]) -> float:
    points = [(0.0, 1.0)] + _curve(labels, scores)
    area = 0.0
    for (r0, p0), (r1, p1) in zip(points, points[1:], strict=False):
        area += (r1 - r0) * (p0 + p1) / 2.0
    return area


def average_precision(labels: Sequence[bool], scores: Sequence[float]) -> float:
    area = 0.0
    previous_recall = 0.0
    for recall, precision in _curve(labels, scores):
        area += (recall - previous_recall) * precision
        previous_recall = recall
    return area


def precision_at(labels: Sequence[bool], scores: Sequence[float], k: int) -> float:
    ranked = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])[:k]
    return sum(1 for _, label in ranked if label) / max(len(ranked), 1)
