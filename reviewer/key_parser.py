"""Reading an escape followed at once by a key as those two keys, outside text fields: the parser
both terminal drivers use (``reviewer.driver`` in a terminal, ``reviewer.web_driver`` in a
browser)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.widgets import Input, TextArea

ESC = "\x1b"


class KeyParser(XTermParser):
    """Textual's parser, except for an escape followed at once by a printable character.

    A terminal sends alt+j as escape then j, so Textual reads an escape with a key right
    behind it (within 0.1 s, or in one read) as alt+j, and a few pairs as something else
    again: escape-f as ctrl+right, escape-1 as "¡" (macOS option keys). The app binds none
    of those, so "escape, then f" typed fast, sent in one `tmux send-keys`, or arriving in
    one packet over SSH lost the tag: the dialog stayed open, or nothing happened. Outside a
    text field such a pair is now escape, then the key. In a text field Textual's reading
    stays: there escape cancels (a note being written), and option-b/f move by words.
    """

    def __init__(self, debug: bool = False, typing: Callable[[], bool] = lambda: True) -> None:
        super().__init__(debug)
        self.typing = typing

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        key = ""
        if alt and len(sequence) == 1:
            key = sequence  # escape, then this character (Textual: alt+key)
        elif len(sequence) == 2 and sequence[0] == ESC and sequence in ANSI_SEQUENCES_KEYS:
            key = sequence[1]  # escape-f, escape-1 (Textual: ctrl+right, "¡")
        if key and key.isprintable() and not self._typing():
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(key)
            return
        yield from super()._sequence_to_key_events(sequence, alt)

    def _typing(self) -> bool:
        try:
            return self.typing()
        except Exception:  # the app between screens, or gone: read as Textual does
            return True


def typing_in(app: App) -> bool:
    """Is a text field focused in ``app``? Asked from the input thread (a read of its state)."""
    return isinstance(app.focused, (Input, TextArea))
