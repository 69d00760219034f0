"""The first screen of a browser session (reviewer serve): who is reviewing?"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from reviewer.core.corpus import Corpus
from reviewer.core.names import BadName, check_annotator
from reviewer.core.printable import shown_path
from reviewer.core.session import Session, StoreError


class AnnotatorScreen(Screen[None]):
    """Asks for the reviewer's name, validated as ``--annotator`` is, then opens their set
    (read-only when another window holds it, as in the terminal)."""

    def __init__(self, corpus: Corpus, folder: Path, opened: Callable[[Session], None]) -> None:
        super().__init__()
        self.corpus = corpus
        self.folder = folder
        self.opened = opened

    def compose(self) -> ComposeResult:
        with Vertical(id="annotator-box"):
            yield Label(Text("reviewer", style="bold"))
            yield Static(
                f"{len(self.corpus.documents)} documents. Your name names your annotation file "
                f"({shown_path(self.folder)}/NAME.toml); enter opens it."
            )
            yield Input(placeholder="your name (letters, digits, . _ -)", id="annotator-name")
            yield Label("", id="annotator-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        error = self.query_one("#annotator-error", Label)
        try:
            check_annotator(name)
        except BadName as exc:
            error.update(Text(str(exc)))
            return
        try:
            session = Session(self.corpus, self.folder / f"{name}.toml", name)
        except StoreError as exc:
            error.update(Text(f"{exc}; reviewer will not overwrite it."))
            return
        self.opened(session)
