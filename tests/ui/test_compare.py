"""Adjudication: reviewer review --compare shows each label; d/D walk the disagreements."""

from __future__ import annotations

import tomllib
from pathlib import Path

from reviewer.app import ReviewerApp
from reviewer.cli.review import compare_votes
from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session
from reviewer.screens.review import ReviewScreen
from tests.conftest import SEEDS
from tests.hostile.helpers import drawn_text


def write_sets(folder: Path, corpus, plan) -> None:
    """One annotation set per reviewer: (document, claim number, label) each."""
    for who, tags in plan.items():
        s = Session(corpus, folder / f"{who}.toml", who)
        for doc, n, label in tags:
            s.tag(doc, doc.claims[n], label)
        s.close()


async def test_compare_mode_walks_disagreements_and_records_votes(tmp_path: Path):
    corpus = load_corpus([SEEDS]).corpus
    d0, d2 = corpus.documents[0], corpus.documents[2]
    plan = {
        "ana": [(d0, 0, "supported"), (d0, 3, "fabricated"), (d2, 1, "supported")],
        "bo": [(d0, 0, "supported"), (d0, 3, "supported"), (d2, 1, "contradicted")],
    }
    write_sets(tmp_path, corpus, plan)
    bo = Session(corpus, tmp_path / "bo.toml", "bo")
    bo.set_note(d0, d0.claims[3], "the quote is in the wire copy")
    bo.toggle_evidence(d0, d0.claims[3], d2, d2.claims[0])
    bo.close()
    details: dict = {}
    votes = compare_votes([str(tmp_path / "ana.toml"), str(tmp_path / "bo.toml")], corpus, details)
    session = Session(corpus, tmp_path / "adjudicated.toml", "adjudicated")
    app = ReviewerApp(corpus, session, votes, details)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("d")
        assert screen.sentence == d0.claims[3]
        panel = drawn_text(app)
        assert "ana fabricated" in panel and "bo supported" in panel
        # Each reviewer's note and evidence, the disagreements left, d in the footer.
        assert "bo: note: the quote is in the wire copy · evidence: " + d2.id in panel
        assert "2 disagreements left (d)" in panel
        assert "d Disagreement" in panel.splitlines()[-1]
        await pilot.press("d")
        assert (screen.doc, screen.sentence) == (d2, d2.claims[1])
        await pilot.press("D")
        assert screen.sentence == d0.claims[3]
        await pilot.press("f", "d")  # adjudicated: d now skips it
        assert (screen.doc, screen.sentence) == (d2, d2.claims[1])
        await pilot.pause()
        assert "1 disagreement left (d)" in drawn_text(app)
    data = tomllib.loads((tmp_path / "adjudicated.toml").read_text())
    (a,) = [x for x in data["annotation"] if x["start"] == d0.claims[3].start]
    assert a["label"] == "fabricated" and a["votes"] == {"ana": "fabricated", "bo": "supported"}
    assert data["annotator"] == "adjudicated"


async def test_d_is_inactive_outside_compare_mode(tmp_path: Path):
    corpus = load_corpus([SEEDS]).corpus
    app = ReviewerApp(corpus, Session(corpus, tmp_path / "a.toml", "a"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        start = app.screen.sentence_index
        await pilot.press("d")
        assert app.screen.sentence_index == start


async def test_equals_accepts_every_agreed_tag_in_one_undoable_step(tmp_path: Path):
    corpus = load_corpus([SEEDS]).corpus
    d0, d2 = corpus.documents[0], corpus.documents[2]
    plan = {
        "ana": [(d0, 0, "supported"), (d0, 3, "fabricated"), (d2, 1, "contradicted")],
        "bo": [(d0, 0, "supported"), (d0, 3, "supported"), (d2, 1, "contradicted")],
    }
    write_sets(tmp_path, corpus, plan)
    votes = compare_votes([str(tmp_path / "ana.toml"), str(tmp_path / "bo.toml")], corpus)
    session = Session(corpus, tmp_path / "adjudicated.toml", "adjudicated")
    app = ReviewerApp(corpus, session, votes)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("equals_sign")
        app.session.flush()
        data = tomllib.loads((tmp_path / "adjudicated.toml").read_text())
        got = {(a["doc"], a["start"]): a["label"] for a in data["annotation"]}
        assert got == {
            (d0.id, d0.claims[0].start): "supported",
            (d2.id, d2.claims[1].start): "contradicted",
        }
        assert all(a["votes"] for a in data["annotation"])
        await pilot.pause()
        assert "1 disagreement left (d)" in drawn_text(app)
        await pilot.press("u")  # one undo takes both back
        app.session.flush()
        data = tomllib.loads((tmp_path / "adjudicated.toml").read_text())
        assert data.get("annotation", []) == []
        await pilot.press("ctrl+y")
        app.session.flush()
        assert len(tomllib.loads((tmp_path / "adjudicated.toml").read_text())["annotation"]) == 2
