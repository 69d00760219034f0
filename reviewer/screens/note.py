"""A modal editor for the note on the current sentence: several lines, enter saves."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from reviewer.core.limits import MAX_NOTE_CHARS
from reviewer.core.printable import visible


class NoteArea(TextArea):
    """A TextArea where enter submits (as in every other prompt of the app) and ctrl+j or
    alt+enter starts a new line."""

    BINDINGS = [
        Binding("enter", "submit", "Save", priority=True, id="note.save"),
        Binding("ctrl+j,alt+enter", "newline", "New line", priority=True, id="note.newline"),
    ]

    class Submitted(Message):
        def __init__(self, value: str) -> None:
            super().__init__()
            self.value = value

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self.text))

    def action_newline(self) -> None:
        self.insert("\n")


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
            yield Label(
                "[b]Note[/b]  enter saves · ctrl+j or alt+enter: new line · escape cancels · "
                "empty clears"
            )
            # Text, not markup: a sentence may contain "[/b]" or "[/INST]".
            yield Label(Text(visible(shown)), id="note-sentence")
            area = NoteArea(self._note, id="note-input", soft_wrap=True, show_line_numbers=False)
            area.placeholder = "Why? Source? What is wrong?"
            yield area
            yield Label("", id="note-error")

    def on_mount(self) -> None:
        area = self.query_one(NoteArea)
        area.focus()
        area.move_cursor(area.document.end)

    def on_note_area_submitted(self, event: NoteArea.Submitted) -> None:
        event.stop()
        note = event.value.strip("\n")
        if len(note) > MAX_NOTE_CHARS:
            self.query_one("#note-error", Label).update(
                f"Too long: {len(note):,} characters, at most {MAX_NOTE_CHARS:,}."
            )
            return
        self.dismiss(note)

    def action_cancel(self) -> None:
        self.dismiss(None)
