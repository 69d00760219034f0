"""review --blind: nothing of the engine is on screen for a sentence until it is tagged; then
it is revealed, and the file keeps the first label and the engine's verdict at that moment."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from reviewer.app import ReviewerApp
from reviewer.core import navigation as nav
from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session
from tests.conftest import SEEDS
from tests.hostile.helpers import cli, drawn_segments, drawn_text
from tests.ui.test_keys import on_disk, ready


def blind_app(tmp_path: Path) -> ReviewerApp:
    corpus = load_corpus([SEEDS]).corpus
    session = Session(corpus, tmp_path / "annotations" / "ana.toml", "ana")
    return ReviewerApp(corpus, session, blind=True)


def _backgrounds(app) -> set[str]:
    return {
        seg.style.bgcolor.get_truecolor().hex
        for seg in drawn_segments(app)
        if seg.style is not None and seg.style.bgcolor is not None and seg.text.strip()
    }


async def test_nothing_of_the_engine_is_shown_before_the_tag(tmp_path: Path):
    app = blind_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        # Put the cursor on a suspect the engine is sure about, by document order.
        doc = screen.doc
        scores = screen.assessments
        suspect = next(s for s in doc.claims if nav.is_suspect(scores.get((doc.id, s.start))))
        screen._move_to((screen.doc_index, suspect.index))
        await pilot.pause()
        shown = drawn_text(app)
        # No verdict, score, reason heading or evidence list in the panel or the status line.
        assert not re.search(r"score \d\.\d\d", shown)
        assert "Closest in other documents" not in shown and "suspects left" not in shown
        assert "suspect" not in shown.lower().replace("n suspect", "")
        assert "! " not in "".join(
            line.split("│")[1][:3] for line in shown.splitlines() if "│" in line
        )
        assert "Blind review" in shown
        # No suspect shading anywhere: the text has one background (and the cursor's).
        view_shades = {c.hex for c in screen.query_one("#document")._palette().suspect}
        assert not (_backgrounds(app) & view_shades)
        # Tag it: the engine is revealed, with a visible note when it disagreed.
        await pilot.press("s")
        await pilot.pause()
        shown = drawn_text(app)
        assert "Closest in other documents" in shown and "score" in shown
        assert any("engine" in n.message.lower() for n in app._notifications)
        app.session.flush()
        (saved,) = on_disk(app)
        a = screen.assessments[(doc.id, suspect.start)]
        assert saved["blind_label"] == "supported"
        assert saved["kind"] == a.kind and abs(saved["suspicion"] - a.score) < 1e-3
        # The reviewer may change the tag after the reveal; the first label stays.
        await pilot.press("c")
        app.session.flush()
        (saved,) = on_disk(app)
        assert saved["label"] == "contradicted" and saved["blind_label"] == "supported"
    data = tomllib.loads((tmp_path / "annotations" / "ana.toml").read_text())
    assert data["blind"] is True
    # Afterwards: how often the engine agreed with the label given blind, and what changed.
    result = cli("calibrate", "--json", "--corpus", str(SEEDS), cwd=tmp_path)
    report = json.loads(result.stdout)
    assert report["blind_claims"] == 1 and report["blind_agreed"] == 0  # flagged, said supported
    assert report["blind_changed"] == {"supported -> contradicted": 1}


async def test_blind_navigation_goes_in_document_order_and_hides_counts(tmp_path: Path):
    app = blind_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        first = screen.sentence_index
        await pilot.press("n")  # not "next suspect": the next untagged claim
        assert screen.sentence_index == nav.step_claim(screen.doc, first, 1)
        shown = drawn_text(app)
        assert "suspects left" not in shown and " suspect" not in shown.split("│")[0]
        status = str(screen.query_one("#status").render())
        assert "BLIND" in status
        footer = shown.splitlines()[-1]
        assert "n Next untagged" in footer and "Suspect" not in footer and "Facts" not in footer
        await pilot.press("t")  # refused, with the reason
        assert app.screen is screen
        assert "Blind review" in [n.message for n in app._notifications][-1]
