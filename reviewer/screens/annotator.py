"""The first screen of a browser session (reviewer serve): who is reviewing?"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import work
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
    (read-only when another window holds it, as in the terminal). The set is opened in a
    thread: reading a large one, or waiting for its lock, never freezes the page."""

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
            yield Label("", id="annotator-status")
            yield Label("", id="annotator-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one(Input)
        if field.disabled:
            return  # a set is being opened already
        name = event.value.strip()
        error = self.query_one("#annotator-error", Label)
        try:
            check_annotator(name)
        except BadName as exc:
            error.update(Text(str(exc)))
            return
        error.update("")
        field.disabled = True
        path = self.folder / f"{name}.toml"
        self.query_one("#annotator-status", Label).update(Text(f"Opening {name}.toml…"))
        self._open(path, name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open")
    def _open(self, path: Path, name: str) -> None:
        try:
            session = Session(self.corpus, path, name)
        except StoreError as exc:
            self._post(self._failed, f"{exc}; reviewer will not overwrite it.")
            return
        except Exception as exc:  # noqa: BLE001 (shown on the page: a frozen page says nothing)
            self._post(self._failed, f"{shown_path(path)}: cannot open it ({exc})")
            return
        if not self._post(self._done, session):
            session.close()  # the page went away meanwhile

    def _post(self, callback: Callable[..., None], *args: object) -> bool:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:  # the app is closing
            return False
        return True

    def _failed(self, message: str) -> None:
        self.query_one("#annotator-status", Label).update("")
        self.query_one("#annotator-error", Label).update(Text(message))
        field = self.query_one(Input)
        field.disabled = False
        field.focus()

    def _done(self, session: Session) -> None:
        if not self.is_attached:
            session.close()
            return
        self.opened(session)
