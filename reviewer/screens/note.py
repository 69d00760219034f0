"""A modal text input for the note on the current sentence."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from reviewer.core.limits import MAX_NOTE_CHARS
from reviewer.core.printable import visible


class NoteScreen(ModalScreen[str | None]):
    """Returns the new note on enter (an empty string clears it), None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, sentence: str, note: str) -> None:
        super().__init__()
        self._sentence = sentence
        self._note = note

    def compose(self) -> ComposeResult:
        shown = self._sentence if len(self._sentence) < 300 else self._sentence[:297] + "…"
        with Vertical(id="note-box"):
            yield Label("[b]Note[/b]  enter saves · escape cancels · empty clears")
            # Text, not markup: a sentence may contain "[/b]" or "[/INST]".
            yield Label(Text(visible(shown)), id="note-sentence")
            yield Input(
                value=self._note,
                placeholder="Why? Source? What is wrong?",
                max_length=MAX_NOTE_CHARS,
                id="note-input",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
