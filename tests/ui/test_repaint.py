"""What the terminal shows after each key: the app sends only the parts of the screen that
changed, so a widget that changes without asking for its rows to be drawn again leaves the
terminal stale. Checked against a model of the terminal fed the updates the app really sends."""

from __future__ import annotations

from pathlib import Path

from reviewer.widgets.evidence_panel import EvidencePanel
from tests.hostile.helpers import TerminalModel, drawn_text
from tests.ui.test_keys import make_app, on_disk, ready


def _panel_rows_drawn(update, panel_region) -> set[int]:
    """The rows of the panel an update draws (a partial update lists its spans)."""
    spans = getattr(update, "spans", None)
    if spans is None:  # a whole-screen update
        return set(range(panel_region.y, panel_region.bottom))
    return {
        y
        for y, x1, x2 in spans
        if panel_region.y <= y < panel_region.bottom
        and x1 < panel_region.right
        and x2 > panel_region.x
    }


async def test_every_key_leaves_the_terminal_showing_the_screen(tmp_path: Path):
    app = make_app(tmp_path)
    terminal = TerminalModel(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert terminal.stale(app) == []
        steps = [
            ("c",), ("s",), ("j",), ("f",), ("x",), ("u",), ("j", "j"), ("c",),
            ("a", "o", "k", "enter"), ("1",), ("tab",), ("s",), ("shift+tab",), ("k",), ("z",),
        ]  # fmt: skip
        for keys in steps:
            await pilot.press(*keys)
            await pilot.pause()
            assert terminal.stale(app) == [], f"after {' '.join(keys)}"
    assert sorted(a["label"] for a in on_disk(app)) == [
        "contradicted", "fabricated", "supported", "supported",
    ]  # fmt: skip


async def test_a_tag_draws_the_panel_row_it_changes_not_the_whole_panel(tmp_path: Path):
    """A first tag and a new label each change the panel's "Tagged" row; nothing below it
    moves, so that row alone is drawn again (the panel has 15)."""
    app = make_app(tmp_path)
    terminal = TerminalModel(app)
    drawn: dict[str, set[int]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("j")
        await pilot.pause()
        assert "Not tagged" in drawn_text(app)
        region = app.screen.query_one(EvidencePanel).region
        for key, shown in (("c", "Tagged contradicted"), ("s", "Tagged supported")):
            before = len(terminal.updates)
            await pilot.press(key)
            await pilot.pause()
            updates = terminal.updates[before:]
            drawn[key] = set().union(*(_panel_rows_drawn(u, region) for u in updates))
            assert terminal.stale(app) == []
            assert shown in drawn_text(app)
            assert [a["label"] for a in on_disk(app)] == [shown.split()[1]]
    assert len(drawn["c"]) == 1, sorted(drawn["c"])
    assert drawn["s"] == drawn["c"], (sorted(drawn["c"]), sorted(drawn["s"]))
