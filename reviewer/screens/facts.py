"""The fact table of one group: one row per fact, one column per document.

Disputed facts come first, then facts only one document states, then facts every document
that speaks of them agrees on. Arrow keys move between cells; enter opens the sentence that
states a value; s / c / f tag that sentence from the grid, with the other cells of the row
linked as evidence.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from reviewer.core.corpus import Document, Sentence
from reviewer.core.fact_table import DISPUTED, SINGLE, Cell, FactRow, group_facts
from reviewer.core.printable import one_line, visible
from reviewer.core.session import Change
from reviewer.widgets.theme_styles import label_style, text_style

if TYPE_CHECKING:
    from reviewer.screens.review import ReviewScreen

LETTER = {"supported": "S", "contradicted": "C", "fabricated": "F"}
STATE_MARK = {DISPUTED: "≠", SINGLE: "1"}
STATE_WORDS = {DISPUTED: "disputed", SINGLE: "one document only", "agreed": "agreed"}
FIXED = 2  # the fact and its state stay in view while the document columns scroll


def _key(keys: str, action: str, short: str, long: str, show: bool = True, **kw) -> Binding:
    return Binding(keys, action, short, show=show, tooltip=long, **kw)


FACT_BINDINGS = [
    _key("enter", "open", "Open", "Open the sentence that states this value", id="facts.open"),
    _key("s", "tag('supported')", "Supported", "Tag this cell's sentence supported",
         id="facts.supported"),
    _key("c", "tag('contradicted')", "Contradicted", "Tag this cell's sentence contradicted",
         id="facts.contradicted"),
    _key("f", "tag('fabricated')", "Fabricated", "Tag this cell's sentence fabricated",
         id="facts.fabricated"),
    _key("x", "clear", "Clear", "Clear the tag of this cell's sentence", False, id="facts.clear"),
    _key("n", "row(1)", "Next disputed", "Next disputed fact", id="facts.next_disputed"),
    _key("N", "row(-1)", "Prev disputed", "Previous disputed fact", False,
         id="facts.previous_disputed"),
    _key("u,ctrl+z", "undo", "Undo", "Undo the last change", False, id="facts.undo"),
    _key("ctrl+y", "redo", "Redo", "Redo the change last undone", False, id="facts.redo"),
    _key("question_mark", "help", "Help", "Show every key of the fact table", id="facts.help"),
    _key("escape,t,q", "close", "Close", "Back to the documents", id="facts.close"),
]  # fmt: skip


class FactsScreen(Screen[tuple[int, int] | None]):
    """Dismissed with (document index, sentence index) to open, or None."""

    BINDINGS = list[Binding | tuple[str, str] | tuple[str, str, str]](FACT_BINDINGS)

    def __init__(self, owner: ReviewScreen, group: str) -> None:
        super().__init__()
        self.owner = owner
        self.group = group
        self.docs: list[Document] = owner.corpus.groups.get(group, [])
        self.rows: list[FactRow] | None = owner.fact_tables.get(group)
        # Where each sentence's cells are: (doc id, sentence start) -> [(row, column)].
        self._cells_at: dict[tuple[str, int], list[tuple[int, int]]] = {}
        self._cell_width = 14

    def compose(self) -> ComposeResult:
        yield Static("", id="facts-title")
        yield DataTable(
            id="facts-grid",
            cursor_type="cell",
            fixed_columns=FIXED,
            zebra_stripes=False,
            cell_padding=1,
        )
        yield Static("", id="facts-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.owner.session.listeners.append(self._on_change)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        if self.rows is None:
            self._title(Text("Fact table: tabulating…", style="bold"))
            self.tabulate()
        else:
            self._fill()

    def on_unmount(self) -> None:
        if self._on_change in self.owner.session.listeners:
            self.owner.session.listeners.remove(self._on_change)

    # ------------------------------------------------------------------ building

    @work(thread=True, exclusive=True, exit_on_error=False, group="facts")
    def tabulate(self) -> None:
        rows = group_facts(self.docs)
        self.app.call_from_thread(self._tabulated, rows)

    def _tabulated(self, rows: list[FactRow]) -> None:
        self.owner.fact_tables[self.group] = rows
        self.rows = rows
        self._fill()

    def _theme_changed(self, _theme: object) -> None:
        """Cells, title and detail carry colours chosen for the theme they were built in:
        build them again, the cursor where it was (light text on a light grid read at 1:1)."""
        if self.rows is not None:
            grid = self.query_one(DataTable)
            at = grid.cursor_coordinate
            self._fill()
            grid.cursor_coordinate = at

    def _title(self, text: Text) -> None:
        self.query_one("#facts-title", Static).update(text)

    def _fill(self) -> None:
        rows = self.rows or []
        grid = self.query_one(DataTable)
        grid.clear(columns=True)
        width = self.size.width or 80
        fact_width = max(16, min(30, width // 4))
        grid.add_column("fact", width=fact_width, key="fact")
        grid.add_column("", width=1, key="state")
        shown = self._short_names()
        cell_width = max(10, min(18, (width - fact_width - 6) // max(len(self.docs), 1) - 2))
        self._cell_width = cell_width
        for d, name in zip(self.docs, shown, strict=True):
            # Text, not a string: DataTable reads a string label as markup ("a [red]x.txt").
            grid.add_column(Text(name[:cell_width]), width=cell_width, key=d.id)
        self._cells_at.clear()
        for r, row in enumerate(rows):
            cells = [self._fact_text(row, fact_width), self._state_text(row)]
            for c, d in enumerate(self.docs, FIXED):
                cells.append(self._cell_text(row, d.id))
                for cell in row.cells_of(d.id):
                    self._cells_at.setdefault((d.id, cell.start), []).append((r, c))
            grid.add_row(*cells, key=str(r))
        counts = {s: sum(r.state == s for r in rows) for s in (DISPUTED, SINGLE)}
        name = self.group or "all documents"
        title = Text()
        title.append(f"Fact table · {visible(name)}", style="bold")
        title.append(
            f" · {counts[DISPUTED]} disputed · {counts[SINGLE]} from one document · "
            f"{len(rows)} facts in {len(self.docs)} documents",
            style=self._style("muted"),
        )
        self._title(title)
        if rows:
            grid.cursor_coordinate = Coordinate(0, self._first_cell_column(0))
        grid.focus()
        self._show_detail()

    def _grounds(self) -> list[Color]:
        """Where this screen draws text: the grid and the detail on $surface, the title on
        $panel, the fact and state columns on $secondary-muted (a tint over the surface)."""
        grounds: list[Color] = []
        for variable in ("surface", "panel", "secondary-muted"):
            with contextlib.suppress(Exception):  # a theme without it: the theme background
                colour = Color.parse(self.app.theme_variables[variable])
                if colour.a < 1.0 and grounds:
                    colour = grounds[0].blend(colour.with_alpha(1.0), colour.a)
                grounds.append(colour)
        return grounds

    def _style(self, name: str, *, bold: bool = False) -> Style:
        """A theme colour readable on every ground of this screen."""
        return text_style(self.app, name, bold=bold, on=self._grounds())

    def _label_style(self, label: str) -> Style:
        """A label's colour, as the document view draws it, readable on this screen's grounds."""
        return label_style(self.app, label, on=self._grounds())

    def _short_names(self) -> list[str]:
        prefix = f"{self.group}/" if self.group else ""
        names = []
        for d in self.docs:
            name = d.id.removeprefix(prefix)
            stem = name.rsplit(".", 1)[0] if "." in name else name
            names.append(one_line(stem))
        return names

    def _fact_text(self, row: FactRow, width: int) -> Text:
        fact = one_line(row.fact)
        if len(fact) > width:
            fact = fact[: width - 1] + "…"
        return Text(fact)

    def _state_text(self, row: FactRow) -> Text:
        mark = STATE_MARK.get(row.state, "=")
        if row.state == DISPUTED:
            return Text(mark, style=self._style("error", bold=True))
        if row.state == SINGLE:
            return Text(mark, style=self._style("warning", bold=True))
        return Text(mark, style=self._style("success"))

    def _cell_text(self, row: FactRow, doc_id: str) -> Text:
        """The values a document gives, coloured by agreement: the odd one out in the error
        colour, the majority (or the one agreed value) in the success colour, a value only
        one document gives in the warning colour; a tagged sentence shows its label."""
        text = Text()
        doc = self.owner.corpus.get(doc_id)
        shown: set[str] = set()
        for cell in row.cells_of(doc_id):
            if cell.value in shown:
                continue  # the same value twice in one document: once is enough here
            if shown:
                text.append("; ")
            shown.add(cell.value)
            if row.odd(cell):
                style = self._style("error", bold=True)
            elif row.state == SINGLE:
                style = self._style("warning")
            else:
                style = self._style("success")
            text.append(one_line(cell.value), style=style)
            s = doc.sentence_at(cell.start) if doc is not None else None
            a = self.owner.session.get(doc, s) if doc is not None and s is not None else None
            if a is not None:
                text.append(" " + LETTER[a.label], style=self._label_style(a.label))
        if text.cell_len > self._cell_width:
            text.truncate(self._cell_width - 1)
            text.append("…")
        return text

    def _first_cell_column(self, r: int) -> int:
        rows = self.rows or []
        for c, d in enumerate(self.docs, FIXED):
            if rows[r].cells_of(d.id):
                return c
        return FIXED

    # ------------------------------------------------------------------ the current cell

    def _current(self) -> tuple[FactRow, Cell | None, Document | None] | None:
        rows = self.rows or []
        grid = self.query_one(DataTable)
        if not rows or grid.cursor_row >= len(rows):
            return None
        row = rows[grid.cursor_row]
        col = grid.cursor_column
        if col < FIXED:
            return row, None, None
        doc = self.docs[col - FIXED]
        cells = row.cells_of(doc.id)
        return row, (cells[0] if cells else None), doc

    def _chosen(self) -> tuple[FactRow, Cell, Document, Sentence] | None:
        """The current cell's fact, value, document and sentence, if it holds a value."""
        current = self._current()
        if current is None:
            return None
        row, cell, doc = current
        if cell is None or doc is None:
            return None
        s = doc.sentence_at(cell.start)
        return None if s is None else (row, cell, doc, s)

    def on_data_table_cell_highlighted(self, _: DataTable.CellHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#facts-detail", Static)
        current = self._current()
        if current is None:
            detail.update(Text("No checkable facts in this group." if self.rows is not None
                               else ""))  # fmt: skip
            return
        row, cell, doc = current
        t = Text()
        state_style = {DISPUTED: "error", SINGLE: "warning"}.get(row.state, "success")
        t.append(STATE_WORDS[row.state], style=self._style(state_style, bold=True))
        t.append(f" · {visible(row.fact)}: ")
        by_value: dict[str, list[str]] = {}
        for c in row.cells:
            by_value.setdefault(c.value, [])
            if c.doc not in by_value[c.value]:
                by_value[c.value].append(c.doc)
        for k, (value, docs) in enumerate(by_value.items()):
            if k:
                t.append(" · ")
            odd = any(row.odd(c) for c in row.cells if c.value == value)
            t.append(one_line(value), style=self._style("error" if odd else "success",
                                                        bold=True))  # fmt: skip
            t.append(f" ({len(docs)})", style=self._style("muted"))
        t.append("\n")
        if cell is None or doc is None:
            name = doc.id if doc is not None else "fact"
            t.append(
                f"{visible(name)}: says nothing about this" if doc is not None else
                "← → choose a document's value; enter opens its sentence",
                style=self._style("muted"),
            )  # fmt: skip
        else:
            t.append(f"{visible(doc.id)}: ", style=self._style("muted"))
            before = cell.text[: cell.value_start - cell.start]
            value = cell.text[cell.value_start - cell.start : cell.value_end - cell.start]
            after = cell.text[cell.value_end - cell.start :]
            t.append(visible(before))
            t.append(visible(value), style="bold reverse")
            t.append(visible(after))
            s = doc.sentence_at(cell.start)
            a = self.owner.session.get(doc, s) if s is not None else None
            if a is not None:
                t.append("  tagged ", style=self._style("muted"))
                t.append(a.label, style=self._label_style(a.label))
            scored = self.owner.assessments.get((doc.id, cell.start))
            if scored is not None:
                t.append(f"  engine: {scored.kind} {scored.score:.2f}",
                         style=self._style("muted"))  # fmt: skip
        detail.update(t)

    def scores_arrived(self) -> None:
        """The engine scored more sentences: the detail line shows its verdict."""
        self._show_detail()

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("tag", "clear", "undo", "redo") and self.owner.session.read_only:
            return None
        return True

    def on_data_table_cell_selected(self, _: DataTable.CellSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        chosen = self._chosen()
        d = self.owner.corpus.index_of(chosen[2].id) if chosen is not None else None
        if chosen is None or d is None:
            self.notify("No sentence here: choose a cell with a value.", timeout=3)
            return
        self.dismiss((d, chosen[3].index))

    def action_tag(self, label: str) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.notify("Choose a cell with a value to tag its sentence.", timeout=3)
            return
        row, cell, doc, s = chosen
        evidence: list[tuple[Document, Sentence]] = []
        for other in row.cells:
            if other.doc == cell.doc and other.start == cell.start:
                continue
            odoc = self.owner.corpus.get(other.doc)
            osent = odoc.sentence_at(other.start) if odoc is not None else None
            if odoc is not None and osent is not None and (odoc, osent) not in evidence:
                evidence.append((odoc, osent))
        self.owner.tag_sentence(doc, s, label, evidence)

    def action_clear(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.notify("Choose a cell with a value to clear its sentence's tag.", timeout=3)
            return
        self.owner.clear_sentence(chosen[2], chosen[3])

    def action_undo(self) -> None:
        self.owner.undo_change(move=False)

    def action_redo(self) -> None:
        self.owner.redo_change(move=False)

    def action_row(self, step: int) -> None:
        rows = self.rows or []
        grid = self.query_one(DataTable)
        n = len(rows)
        for k in range(1, n + 1):
            r = (grid.cursor_row + step * k) % n
            if rows[r].state == DISPUTED:
                grid.cursor_coordinate = Coordinate(r, self._first_cell_column(r))
                return
        self.notify("No disputed facts in this group.", timeout=3)

    def action_help(self) -> None:
        from reviewer.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(list(FACT_BINDINGS), "fact table keys"))

    def action_close(self) -> None:
        self.dismiss(None)

    # ------------------------------------------------------------------ tags made anywhere

    def _on_change(self, change: Change) -> None:
        doc_id, start, _ = change.key
        rows = self.rows or []
        grid = self.query_one(DataTable)
        for r, c in self._cells_at.get((doc_id, start), []):
            grid.update_cell_at(Coordinate(r, c), self._cell_text(rows[r], doc_id))
        self._show_detail()
