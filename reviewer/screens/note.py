"""A modal editor for the note on the current sentence: several lines, enter saves."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from reviewer.core.limits import MAX_NOTE_CHARS
from reviewer.core.printable import visible
from reviewer.typeahead import pass_on_stale


class NoteArea(TextArea):
    """A TextArea where enter submits (as in every other prompt of the app) and ctrl+j or
    alt+enter starts a new line."""

    # Listed for the footer and the palette; the keys themselves are taken in _on_key, in turn
    # with the characters typed before them. (As priority bindings, which TextArea's own enter
    # would otherwise need, the app acted on them ahead of keys still queued for this widget:
    # a note pasted with its enter was saved without its text.)
    _OWN = (
        Binding("enter", "submit", "Save", id="note.save"),
        Binding("ctrl+j,alt+enter", "newline", "New line", id="note.newline"),
    )
    BINDINGS = [*_OWN]
    _KEYS = {key: b.action for b in _OWN for key in b.key.split(",")}

    async def _on_key(self, event: events.Key) -> None:
        if pass_on_stale(self, event):
            return  # typed after enter closed the box: it is for the screen behind
        action = self._KEYS.get(event.key)
        if action is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        await self.run_action(action)

    def action_submit(self) -> None:
        # At once, not by a message: keys typed after enter wait in this widget's queue, and
        # must find the box closed (a message would come after them).
        screen = self.screen
        if isinstance(screen, NoteScreen):
            screen.submit(self.text)

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

    def submit(self, text: str) -> None:
        note = text.strip("\n")
        if len(note) > MAX_NOTE_CHARS:
            self.query_one("#note-error", Label).update(
                f"Too long: {len(note):,} characters, at most {MAX_NOTE_CHARS:,}."
            )
            return
        self.dismiss(note)

    def action_cancel(self) -> None:
        self.dismiss(None)
