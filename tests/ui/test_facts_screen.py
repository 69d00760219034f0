"""The fact table in the app: one key opens it, arrows move, enter jumps, s/c/f tag from the
grid with the row's other cells as evidence; checked on screen and in the TOML on disk."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from reviewer.screens.facts import FactsScreen
from reviewer.screens.review import ReviewScreen
from tests.conftest import write
from tests.hostile.helpers import drawn_text
from tests.ui.test_keys import make_app, on_disk, ready

THURSDAY_DOC = "003_f5f94a018b5bb30d.txt"


def column_of(screen: FactsScreen, doc_id: str) -> int:
    """A document's column in the grid: after the fact and state columns."""
    return 2 + [d.id for d in screen.docs].index(doc_id)


async def to_column(pilot, screen: FactsScreen, doc_id: str) -> None:
    """Walk the grid's cursor right to ``doc_id``'s column."""
    column = column_of(screen, doc_id)
    while screen.query_one(DataTable).cursor_column < column:
        await pilot.press("right")


async def open_table(pilot) -> FactsScreen:
    await pilot.press("t")
    for _ in range(600):  # the table is built in a worker: until its rows are in
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, FactsScreen)
        if screen.rows is not None:
            return screen
        await pilot.pause(0.05)
    raise AssertionError("the fact table never filled")


def cell_plain(screen: FactsScreen, row: int, doc_id: str) -> str:
    return screen.query_one(DataTable).get_cell_at((row, column_of(screen, doc_id))).plain


async def test_t_opens_the_groups_disputed_facts_first(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await open_table(pilot)
        disputed = [r for r in screen.rows if r.disputed]
        assert len(disputed) == 3 and screen.rows[:3] == disputed
        title = str(screen.query_one("#facts-title").render())
        assert "3 disputed" in title
        # The parade's weekday: Friday in two documents, Thursday in one, on the first row.
        assert cell_plain(screen, 0, THURSDAY_DOC) == "Thursday"
        assert cell_plain(screen, 0, "002_f0f4f083144240dc.txt") == "Friday"
        assert cell_plain(screen, 0, "001_682cb7d8d0cde52a.txt") == ""  # silent: blank
        detail = str(screen.query_one("#facts-detail").render())
        assert "Friday (2)" in detail and "Thursday (1)" in detail
    assert on_disk(app) == []


async def test_arrows_move_and_enter_jumps_to_the_sentence(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await open_table(pilot)
        grid = screen.query_one(DataTable)
        await to_column(pilot, screen, THURSDAY_DOC)
        await pilot.press("down", "up")
        assert grid.cursor_row == 0
        assert "Thursday's Victory Day parade" in str(screen.query_one("#facts-detail").render())
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.doc.id == THURSDAY_DOC
        assert review.doc.sentence_text(review.sentence).startswith("Thursday's Victory Day")


async def test_tag_from_the_grid_links_the_rows_other_cells_and_shows_the_label(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen = await open_table(pilot)
        await to_column(pilot, screen, THURSDAY_DOC)
        await pilot.press("c")
        await pilot.pause()
        (record,) = on_disk(app)
        assert record["doc"] == THURSDAY_DOC and record["label"] == "contradicted"
        assert record["quote"].startswith("Thursday's Victory Day parade")
        linked = {(e["doc"], e["start"]) for e in record["evidence"]}
        expected = {(c.doc, c.start) for c in screen.rows[0].cells if c.doc != THURSDAY_DOC}
        assert linked == expected and len(linked) == 3
        assert cell_plain(screen, 0, THURSDAY_DOC) == "Thursday C"
        # One undo takes back the tag and its links together.
        await pilot.press("u")
        await pilot.pause()
        assert on_disk(app) == []
        assert cell_plain(screen, 0, THURSDAY_DOC) == "Thursday"
        await pilot.press("ctrl+y")
        assert [r["label"] for r in on_disk(app)] == ["contradicted"]
        await pilot.press("x")
        assert on_disk(app) == []


async def test_n_walks_the_disputed_rows_and_escape_returns(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        review = await ready(pilot)
        before = (review.doc_index, review.sentence_index)
        screen = await open_table(pilot)
        grid = screen.query_one(DataTable)
        rows = []
        for _ in range(4):
            await pilot.press("n")
            rows.append(grid.cursor_row)
        assert rows == [1, 2, 0, 1]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is review
        assert (review.doc_index, review.sentence_index) == before
        # Opened again: the table is kept, not computed again.
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, FactsScreen) and app.screen.rows is screen.rows


async def test_a_tag_made_in_the_text_shows_in_the_grid(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        review = await ready(pilot)
        screen = await open_table(pilot)
        await pilot.press("enter")  # the first value of the first row
        await pilot.pause()
        assert app.screen is review
        await pilot.press("s")
        screen = await open_table(pilot)
        row = screen.rows[0]
        first = row.cells[0]
        assert cell_plain(screen, 0, first.doc).endswith(" S")
        assert [a["label"] for a in on_disk(app)] == ["supported"]


async def test_a_document_name_with_brackets_heads_its_column_as_written(tmp_path: Path):
    # "a [red]one.txt" is a file name, not markup: the column must read "a [red]one", in the
    # grid's own colours, and the grid's tag lands in the file.
    corpus = tmp_path / "corpus" / "g"
    write(corpus / "a [red]one.txt", "The [/b]Tarn-2 rover launched on Tuesday from Vesna.")
    write(corpus / "b.txt", "The Tarn-2 rover lifted off on Tuesday from Vesna.")
    write(corpus / "c.txt", "The Tarn-8 rover launched on Tuesday from Vesna.")
    app = make_app(tmp_path, tmp_path / "corpus")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = await open_table(pilot)
        grid = screen.query_one(DataTable)
        label = grid.columns[grid.ordered_columns[column_of(screen, "g/a [red]one.txt")].key].label
        assert label.plain == "a [red]one" and not label.spans
        assert "a [red]one" in drawn_text(app)
        assert screen.rows[0].kind == "designation" and screen.rows[0].disputed
        assert cell_plain(screen, 0, "g/c.txt") == "Tarn-8"
        await to_column(pilot, screen, "g/c.txt")
        await pilot.press("f")
        await pilot.pause()
    (tag,) = on_disk(app)
    assert (tag["doc"], tag["label"]) == ("g/c.txt", "fabricated")
    assert {e["doc"] for e in tag["evidence"]} == {"g/a [red]one.txt", "g/b.txt"}
