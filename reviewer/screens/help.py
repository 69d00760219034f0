"""Every key, generated from the bindings so the help can never drift from the code."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, bindings: list[Binding], title: str = "reviewer keys") -> None:
        super().__init__()
        self.listed = bindings
        self.title_text = title

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, expand=True, pad_edge=False)
        table.add_column("key", style="bold cyan", no_wrap=True)
        table.add_column("action")
        merged: dict[str, list[str]] = {}
        for b in self.listed:
            merged.setdefault(b.tooltip or b.description, []).extend(
                _pretty(k) for k in b.key.split(",")
            )
        for description, keys in merged.items():
            unique = list(dict.fromkeys(keys))
            if len(unique) > 2 and all(k.isdigit() for k in unique):
                shown = f"{unique[0]}-{unique[-1]}"
            else:
                shown = " / ".join(unique)
            table.add_row(shown, description)
        with VerticalScroll(id="help-box"):
            yield Static(
                Text.assemble((self.title_text, "bold"), "  (escape closes)\n"), id="help-title"
            )
            yield Static(table)
            yield Static(
                "\nEvery tag, note and evidence link is saved to disk the moment you make it.\n"
                "ctrl+p opens the command palette, where every action is listed too.",
                id="help-footer",
            )


def _pretty(key: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "shift+tab": "shift+tab",
    }
    return names.get(key, key)
