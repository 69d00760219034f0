"""The screen at every size: laid out from the first frame, the text given the room, the
evidence reachable by keyboard on a small terminal, the keys that matter in the footer."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.screens.review import ReviewScreen
from reviewer.widgets.document_view import DocumentView
from reviewer.widgets.evidence_panel import EvidencePanel
from tests.hostile.helpers import drawn_text
from tests.ui.test_keys import make_app, ready


async def test_first_frame_is_already_laid_out(tmp_path: Path):
    """No frame with the text wrapped one word per line or an empty document list."""
    app = make_app(tmp_path)
    frames: list[str] = []
    display = app._display

    def capture(screen, renderable):
        if isinstance(screen, ReviewScreen) and renderable is not None and not frames:
            frames.append(drawn_text(app))
        return display(screen, renderable)

    app._display = capture  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
    assert frames, "no frame of the review screen was drawn"
    first = frames[0]
    # The first claim of the first seed, on one row as wide as the text column allows.
    listed = "\n".join(line.split("│")[0] for line in first.splitlines())
    assert "000_3a2d" in listed and "tagged" in listed, first  # the list is filled
    widest = max(len(line.split("│")[1].strip()) for line in first.splitlines() if "│" in line)
    assert widest > 40, first


@pytest.mark.parametrize("size", [(120, 40), (160, 50), (200, 50)])
async def test_text_gets_at_least_sixty_percent_of_a_wide_terminal(tmp_path: Path, size):
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(DocumentView)
        assert view.size.width >= 0.6 * size[0], (view.size.width, size)
        panel = screen.query_one(EvidencePanel)
        assert panel.region.width >= 30 and panel.region.height >= 8


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 50)])
async def test_footer_keeps_help_and_quit(tmp_path: Path, size):
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        footer = drawn_text(app).splitlines()[-1]
        for shown in ("? Help", "q Quit", "s c f Tag", "n Suspect", "u Undo"):
            assert shown in footer, footer


async def test_e_gives_the_evidence_the_whole_screen_at_80x24_and_keys_link_and_scroll(
    tmp_path: Path,
):
    """A new user at 80x24: read a suspect, see its reasons and evidence, link one, tag, move on."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)  # every score in
        await pilot.press("n", "c")  # a suspect, tagged contradicted
        await pilot.pause()
        a = screen.assessment(screen.doc, screen.sentence)
        assert a is not None and a.evidence
        # Under the text the panel has a few rows; J/K scroll it by keyboard.
        panel = screen.query_one(EvidencePanel)
        assert panel.max_scroll_y > 0
        await pilot.press("J")
        await pilot.pause()
        assert panel.scroll_y > 0
        await pilot.press("K")
        await pilot.pause()
        assert panel.scroll_y == 0
        await pilot.press("e")
        await pilot.pause()
        assert screen.maximized is panel
        assert panel.size.height >= 20
        text = drawn_text(app)
        assert "Closest in other documents" in text
        assert "q Quit" in text.splitlines()[-1]  # the footer stays
        # The first evidence item is on screen and 1 links it; the file says so.
        first_words = " ".join(a.evidence[0].text.split()[:3])
        assert first_words in " ".join(text.split()), (first_words, text)
        await pilot.press("1")
        await pilot.pause()
        assert "✓ linked" in drawn_text(app)
        saved = screen.session.get(screen.doc, screen.sentence)
        assert saved is not None and len(saved.evidence) == 1
        await pilot.press("e")
        await pilot.pause()
        assert screen.maximized is None
        assert screen.query_one(DocumentView).size.height > 5


async def test_resize_moves_the_panel_under_the_text_and_back(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await ready(pilot)
        view, panel = screen.query_one(DocumentView), screen.query_one(EvidencePanel)
        assert panel.region.x > view.region.x  # beside
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert panel.region.y > view.region.y and panel.region.x == view.region.x  # under
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert panel.region.x > view.region.x


def bridge_groups(folder: Path) -> Path:
    """Two groups of three short documents (a/, b/), for list and group tests."""
    for group in ("a", "b"):
        for n in range(1, 4):
            path = folder / group / f"{group}-{n}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                f"The bridge in town {group} opened on Monday after {n} years of work. "
                f"Officials said it cost {n * 10} million euros.\n"
            )
    return folder


def count_layouts(screen, monkeypatch) -> list[int]:
    """From now on, each layout of ``screen`` appends to the list returned (its length counts
    them): a layout lays out and repaints every widget of the screen."""
    laid_out: list[int] = []
    real = type(screen)._refresh_layout

    def counted(self, *args, **kwargs):
        laid_out.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(screen), "_refresh_layout", counted)
    return laid_out


def _documents_of_lengths(root: Path, lengths: dict[str, int]) -> Path:
    group = root / "corpus" / "g"
    group.mkdir(parents=True)
    for name, n in lengths.items():
        sentences = (
            f"The council in Arden approved plan mark{name}{i} for {i + 2} new houses."
            for i in range(n)
        )
        (group / f"{name}.txt").write_text(" ".join(sentences) + "\n")
    return root / "corpus"


async def test_documents_of_other_lengths_scroll_to_their_last_sentence_after_tab(
    tmp_path: Path, monkeypatch
):
    """A new document's length reaches the view's scrolling without laying out the screen
    (which repainted every widget on each move): the scrollbar comes and goes with the
    length, and the last sentence of each document can be brought on screen."""
    lengths = {"a": 40, "b": 2, "c": 30, "d": 45}
    app = make_app(tmp_path, _documents_of_lengths(tmp_path, lengths))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(DocumentView)
        layouts = count_layouts(screen, monkeypatch)
        for name, n in lengths.items():
            assert screen.doc.id.endswith(f"{name}.txt")
            assert f"mark{name}0 " in drawn_text(app)
            overflows = len(view._rows) > view.scrollable_content_region.height
            assert view.show_vertical_scrollbar == overflows == (n > 2), name
            # The text is wrapped to the width it is drawn at: no row runs under the scrollbar
            # and no horizontal scrollbar covers the last row (as after a short document).
            assert not view.show_horizontal_scrollbar, name
            assert view.virtual_size.width <= view.scrollable_content_region.width, name
            assert view.max_scroll_y == max(
                0, len(view._rows) - view.scrollable_content_region.height
            )
            before = len(layouts)
            await pilot.press(*["j"] * (n - 1))
            await pilot.pause()
            drawn = drawn_text(app)
            assert f"mark{name}{n - 1} " in drawn and f"mark{name}0 " not in drawn or n == 2, name
            assert len(layouts) == before  # moving the cursor lays nothing out
            await pilot.press("tab")
            await pilot.pause()
            if name == "c":  # long to long: the same scrollbars, no layout of the screen
                assert len(layouts) == before, "a tab between two long documents laid it out"


async def test_evidence_bodies_of_any_length_move_no_layout_and_fit_beside_the_scrollbar(
    tmp_path: Path, monkeypatch
):
    """The panel keeps its scrollbar: a body that outgrows it (or stops) on the next sentence
    lays nothing out, and every body is wrapped to the room beside the bar."""
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        panel = screen.query_one(EvidencePanel)
        layouts = count_layouts(screen, monkeypatch)
        heights = set()
        for _ in range(30):
            await pilot.press("j")
            await pilot.pause()
            heights.add(panel.virtual_size.height > panel.scrollable_content_region.height)
            assert panel.show_vertical_scrollbar
            assert panel.virtual_size.width <= panel.scrollable_content_region.width
        assert heights == {True, False}  # bodies that fit and bodies that do not
        assert not layouts
