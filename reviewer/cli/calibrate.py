"""``reviewer calibrate``: the engine measured against the team's own labels."""

from __future__ import annotations

import argparse

from reviewer.cli import UserError
from reviewer.cli.sets import _corpus_for, _fmt, _scores, print_table, reviewer_sets
from reviewer.core import navigation as nav
from reviewer.core.calibration import Point, bar, calibrate
from reviewer.core.jsonlines import json_text
from reviewer.core.state import load_settings


def run(args: argparse.Namespace) -> int:
    if not 0 < args.precision <= 1:
        raise UserError(f"--precision must be above 0 and at most 1, not {args.precision}")
    sets = reviewer_sets(args.paths)
    corpus = _corpus_for(sets, args.corpus)
    if corpus is None:
        raise UserError("no corpus found for these sets: pass --corpus PATH")
    scores = _scores(corpus)
    points = []
    for s in sets:
        for a in s.tags:
            row = scores.get((a.doc, a.start))
            if row is None:
                continue  # a tag whose sentence the engine does not score (noise, moved text)
            blind = a.extra.get("blind_label")
            points.append(
                Point(row.score, row.kind, a.label, blind if isinstance(blind, str) else None)
            )
    if not points:
        raise UserError("no tagged claims to measure the engine on")
    threshold = float(load_settings().get("threshold", nav.SUSPECT_THRESHOLD))  # type: ignore[arg-type]
    report = calibrate(points, threshold, args.precision)
    if args.json:
        print(json_text(report.to_json(), indent=2))
        return 0
    print_table(
        f"The engine on {report.claims} tagged claims ({report.positives} contradicted or "
        "fabricated)",
        ["measure", "value"],
        [
            ["average precision (score, contradicted+fabricated)",
             _fmt(report.average_precision)],
            [f"precision at the suspect threshold {threshold:.2f}",
             _fmt(report.precision_at_threshold)],
            [f"recall at the suspect threshold {threshold:.2f}", _fmt(report.recall_at_threshold)],
            ["claims the engine flags", report.flagged],
            [f"suggested threshold for precision {report.target_precision:.2f}",
             "none reaches it" if report.suggested_threshold is None
             else f"{report.suggested_threshold:.2f} (reviewer review --threshold "
                  f"{report.suggested_threshold:.2f})"],
        ],
    )  # fmt: skip
    print_table(
        "Reliability: how often reviewers found a problem, per engine score band",
        ["score band", "claims", "contradicted or fabricated", "rate", ""],
        [
            [f"{lo:.1f}-{hi:.1f}", n, p, _fmt(p / n, 2) if n else "", bar(p / n) if n else ""]
            for lo, hi, n, p in report.reliability
        ],
    )
    print_table(
        "The engine's kind against the reviewers' label",
        ["engine kind", "supported", "contradicted", "fabricated"],
        [[k, *(v.get(x, 0) for x in ("supported", "contradicted", "fabricated"))]
         for k, v in sorted(report.kinds.items())],
    )  # fmt: skip
    if report.blind_claims:
        agreed = report.blind_agreed
        print_table(
            f"Blind review: {report.blind_claims} claims tagged before the engine was shown; "
            f"the engine agreed with the first label on {agreed} "
            f"({100 * agreed / report.blind_claims:.0f}%)",
            ["first label -> final label", "claims"],
            [[k, v] for k, v in report.blind_changed.items()]
            or [["(no tag changed after the reveal)", 0]],
        )
    return 0
