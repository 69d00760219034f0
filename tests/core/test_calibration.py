"""reviewer calibrate on hand-made labels with answers computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.core.calibration import Point, average_precision, calibrate, suggest_threshold


def _points() -> list[Point]:
    # Scores, best first: 0.9 C, 0.8 S, 0.7 F, 0.6 S, 0.4 C, 0.2 S.
    return [
        Point(0.9, "conflict", "contradicted"),
        Point(0.8, "unsupported", "supported"),
        Point(0.7, "unsupported", "fabricated", blind_label="supported"),
        Point(0.6, "conflict", "supported", blind_label="supported"),
        Point(0.4, "corroborated", "contradicted"),
        Point(0.2, "corroborated", "supported"),
    ]


def test_average_precision_by_hand():
    # Positives at ranks 1, 3, 5: AP = (1/3)(1/1 + 2/3 + 3/5) = 0.7555...
    assert average_precision(_points()) == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)
    # Ties share a threshold: two at 0.5 (one positive) -> precision 1/2 at recall 1.
    tied = [Point(0.5, "conflict", "contradicted"), Point(0.5, "conflict", "supported")]
    assert average_precision(tied) == pytest.approx(0.5)
    assert average_precision([Point(0.5, "conflict", "supported")]) is None


def test_threshold_reliability_kinds_and_blind_changes():
    report = calibrate(_points(), threshold=0.5, target=0.65)
    # Flagged at 0.5: 0.9 C, 0.8 S, 0.7 F, 0.6 S -> precision 2/4, recall 2/3.
    assert report.flagged == 4
    assert report.precision_at_threshold == pytest.approx(0.5)
    assert report.recall_at_threshold == pytest.approx(2 / 3)
    # Precision >= 0.65: at 0.7 it is 2/3; lower, 1/2 (0.6) and 3/5 (0.4) fall short.
    assert report.suggested_threshold == 0.7
    assert suggest_threshold(_points(), 1.0) == 0.9
    bands = {lo: (n, p) for lo, _, n, p in report.reliability}
    assert bands[0.9] == (1, 1) and bands[0.8] == (1, 0) and bands[0.4] == (1, 1)
    assert bands[0.0] == (0, 0) and sum(n for n, _ in bands.values()) == 6
    assert report.kinds["conflict"] == {"supported": 1, "contradicted": 1, "fabricated": 0}
    assert report.blind_claims == 2 and report.blind_changed == {"supported -> fabricated": 1}
    # Blind first labels: 0.7 "supported" but flagged (disagree), 0.6 "supported" flagged too.
    assert report.blind_agreed == 0
    assert calibrate(_points(), threshold=0.75).blind_agreed == 2


def test_cli_calibrate_json_on_a_project(tmp_path: Path):
    from reviewer.core.corpus import load_corpus
    from reviewer.core.session import Session
    from tests.conftest import SEEDS
    from tests.hostile.helpers import cli

    project = tmp_path / "p"
    (project / "seeds").mkdir(parents=True)
    for f in SEEDS.iterdir():
        (project / "seeds" / f.name).write_bytes(f.read_bytes())
    corpus = load_corpus([project / "seeds"]).corpus
    session = Session(corpus, project / "annotations" / "ana.toml", "ana")
    for doc in corpus.documents[:2]:
        for i, c in enumerate(doc.claims[:6]):
            session.tag(doc, c, ("supported", "contradicted", "fabricated")[i % 3])
    session.close()
    result = cli("calibrate", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["claims"] == 12 and report["positives"] == 8
    assert 0 <= report["average_precision"] <= 1
    assert sum(b["claims"] for b in report["reliability"]) == 12
    table = cli("calibrate", cwd=project)
    assert b"Reliability" in table.stdout and b"average precision" in table.stdout
    bad = cli("calibrate", "--precision", "2", cwd=project)
    assert bad.returncode == 2


def test_threshold_is_taken_and_kept(monkeypatch: pytest.MonkeyPatch):
    from reviewer.cli import UserError
    from reviewer.cli.review import apply_threshold
    from reviewer.core import navigation as nav
    from reviewer.core.state import load_settings

    monkeypatch.setattr(nav, "SUSPECT_THRESHOLD", nav.SUSPECT_THRESHOLD)
    apply_threshold(0.7)
    assert nav.SUSPECT_THRESHOLD == 0.7 and load_settings()["threshold"] == 0.7
    nav.SUSPECT_THRESHOLD = 0.5
    apply_threshold(None)  # a later session: the kept one
    assert nav.SUSPECT_THRESHOLD == 0.7
    assert not nav.is_suspect(Point(0.6, "conflict", "supported"))
    with pytest.raises(UserError):
        apply_threshold(1.5)
