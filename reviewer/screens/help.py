"""Every key, generated from the bindings so the help can never drift from the code."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reviewer.widgets.palette import theme_surface
from reviewer.widgets.theme_styles import text_style


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(
        self, bindings: list[Binding], title: str = "reviewer keys", legend: bool = False
    ) -> None:
        super().__init__()
        self.listed = bindings
        self.title_text = title
        self.legend = legend

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(
                Text.assemble((self.title_text, "bold"), "  (escape closes)\n"), id="help-title"
            )
            yield Static(self._table(), id="help-keys")
            if self.legend:
                yield Static(LEGEND, id="help-legend")
            yield Static(
                "\nEvery tag, note and evidence link is saved to disk the moment you make it.\n"
                "ctrl+p opens the command palette, where every action is listed too.",
                id="help-footer",
            )

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self.query_one("#help-keys", Static).update(self._table())

    def _table(self) -> Table:
        """Every key and what it does. The keys are in the theme's primary colour, made
        readable on the box (rich's cyan measured 2.7:1 on the light theme's surface)."""
        surface = theme_surface(self.app)
        key = text_style(self.app, "primary", bold=True, on=(surface,))
        table = Table(box=None, show_header=True, expand=True, pad_edge=False)
        table.add_column("key", style=key, no_wrap=True)
        table.add_column("action")
        merged: dict[str, list[str]] = {}
        for b in self.listed:
            description = b.tooltip or b.description
            if b.key.isdigit():  # 1-9: one row, "sentence N" for the whole range
                description = description.replace(f" {b.key} ", " N ")
            merged.setdefault(description, []).extend(_pretty(k) for k in b.key.split(","))
        for description, keys in merged.items():
            unique = list(dict.fromkeys(keys))
            if len(unique) > 2 and all(k.isdigit() for k in unique):
                shown = f"{unique[0]}-{unique[-1]}"
            else:
                shown = " / ".join(unique)
            table.add_row(shown, description)
        return table


# What the marks and colours of the document view mean (one line of it is in the panel too).
LEGEND = Text.assemble(
    ("\nOn the screen\n", "bold"),
    ("▌", "bold"), "  the cursor: the claim that keys act on\n",
    ("!", "bold"), "  a suspect: the other documents do not back it up or say otherwise\n",
    "   shading  how suspect: the deeper the shade, the higher the score (three levels)\n",
    ("S C F", "bold"), "  tagged supported, contradicted, fabricated (in green, red, violet)\n",
    ("?", "bold"), "  a tag a fuzzy match moved here after the text changed (y confirms)\n",
    ("n", "bold"), "  a note on a sentence you have not tagged (the note is kept without a tag)\n",
    ("≠", "bold"), "  reviewers disagree (review --compare)\n",
    "dim text  headings, captions and other lines that are not claims\n",
    "In the list: tagged/claims per document, then untagged suspects (!N).",
)  # fmt: skip


def _pretty(key: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "shift+tab": "shift+tab",
    }
    return names.get(key, key)
