"""Annotations whose sentence could not be found again: shown, kept in the file, never dropped."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reviewer.core.printable import one_line, visible
from reviewer.core.store import Annotation
from reviewer.widgets.palette import theme_surface
from reviewer.widgets.theme_styles import label_style


class OrphansScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,o", "dismiss", "Close", id="orphans.close")]

    def __init__(self, orphans: tuple[Annotation, ...]) -> None:
        super().__init__()
        self.orphans = orphans

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="orphans-box"):
            yield Static(self._listing(), id="orphans-list")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self.query_one("#orphans-list", Static).update(self._listing())

    def _listing(self) -> Text:
        """Each orphan with its label in the label's colour, as the document view draws it,
        made readable on the box (rich's magenta measured 3.98:1 on the dark theme's surface)."""
        surface = theme_surface(self.app)
        t = Text()
        t.append(f"{len(self.orphans)} orphaned annotation(s)\n", style="bold")
        t.append(
            "Their documents changed or are missing; they stay in the TOML file untouched.\n\n",
            style="dim",
        )
        for a in self.orphans:
            t.append(f"{one_line(a.doc)} [{a.start}:{a.end}] ", style="bold")
            if a.label:
                t.append(a.label + "\n", style=label_style(self.app, a.label, on=(surface,)))
            else:
                t.append("note, no tag\n")
            if a.is_empty:
                t.append("  empty span (start = end): it marks nothing\n", style="italic")
            t.append(f"  {visible(a.quote)}\n")
            if a.note:
                t.append(f"  note: {visible(a.note[:2000])}\n", style="italic")
        return t
