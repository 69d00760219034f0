"""FEVER: the export scored by the FEVER scorer's own ``fever_score``: a perfect prediction file
scores 1.0, a wrong one less. (``.ci/run`` fetches the scorer: tests/interop/fetch_fever_scorer.py.)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from reviewer.core.corpus import load_corpus
from reviewer.core.export import ExportOptions, export, load_sets
from reviewer.core.store import Annotation, Evidence, Store
from tests.conftest import ROOT, SEEDS

sys.path.insert(0, str(ROOT / ".interop" / "fever-scorer"))
try:
    from fever.scorer import fever_score  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - the interop run requires it
    if os.environ.get("REVIEWER_INTEROP"):
        raise
    pytest.skip(
        "FEVER scorer not fetched (tests/interop/fetch_fever_scorer.py)", allow_module_level=True
    )


def _sets(tmp_path: Path):
    corpus = load_corpus([SEEDS]).corpus
    d0, d1, d2 = corpus.documents[:3]

    def tag(doc, n, label, *links):
        c = doc.claims[n]
        evidence = tuple(
            Evidence(e.id, e.claims[k].start, e.claims[k].end, e.sentence_text(e.claims[k]))
            for e, k in links
        )
        return Annotation(doc.id, c.start, c.end, doc.sentence_text(c), label, evidence=evidence)

    ana = [
        tag(d0, 0, "supported", (d1, 0), (d2, 1)),  # two alternative proofs: two sets
        tag(d0, 1, "contradicted", (d1, 2)),
        tag(d0, 2, "fabricated"),
        tag(d0, 3, "supported"),  # no evidence: FEVER cannot take it
        tag(d0, 4, "supported", (d1, 3)),  # bo says otherwise: left out
    ]
    bo = [tag(d0, 0, "supported", (d1, 0)), tag(d0, 4, "contradicted", (d2, 0))]
    Store(tmp_path / "ana.toml", "ana", "seeds").save(ana)
    Store(tmp_path / "bo.toml", "bo", "seeds").save(bo)
    return corpus, load_sets([tmp_path / "ana.toml", tmp_path / "bo.toml"])


def test_a_perfect_prediction_scores_one_and_a_wrong_one_less(tmp_path: Path):
    corpus, sets = _sets(tmp_path)
    options = ExportOptions()
    gold = [json.loads(x) for x in export("fever", sets, corpus, options).splitlines()]
    assert [g["original_label"] for g in gold] == ["supported", "contradicted", "fabricated"]
    assert len(options.notes) == 2  # what was left out, and why
    # SUPPORTS/REFUTES always carry evidence; each link its own set; sentence numbers index
    # the evidence document's sentences.
    first = gold[0]
    assert first["label"] == "SUPPORTS" and len(first["evidence"]) == 2
    for g in gold:
        if g["label"] != "NOT ENOUGH INFO":
            assert g["evidence"] and all(len(s) == 1 for s in g["evidence"])
            for ((_, _, page, line),) in g["evidence"]:
                doc = corpus.get(page)
                assert doc is not None and isinstance(line, int)
                assert doc.sentences[line].is_claim
    assert first["annotators"] == ["ana", "bo"]

    def predictions(pick):
        return [
            {
                "predicted_label": g["label"],
                "predicted_evidence": [] if g["label"] == "NOT ENOUGH INFO" else pick(g),
            }
            for g in gold
        ]

    right = predictions(lambda g: [[page, line] for [[_, _, page, line]] in g["evidence"][:1]])
    strict, accuracy, *_ = fever_score(right, [dict(g) for g in gold])
    assert strict == 1.0 and accuracy == 1.0
    wrong = predictions(lambda g: [[g["evidence"][0][0][2], g["evidence"][0][0][3] + 1]])
    strict, accuracy, *_ = fever_score(wrong, [dict(g) for g in gold])
    assert accuracy == 1.0 and strict < 1.0


def test_ids_are_stable_between_exports(tmp_path: Path):
    corpus, sets = _sets(tmp_path)
    first = export("fever", sets, corpus)
    again = export("fever", load_sets([tmp_path / "bo.toml", tmp_path / "ana.toml"]), corpus)
    assert [json.loads(x)["id"] for x in first.splitlines()] == [
        json.loads(x)["id"] for x in again.splitlines()
    ]
