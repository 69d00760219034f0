"""reviewer.typeahead on its own: a screen that never focuses anything still gets its keys.

The review app's own boxes are tested in test_keys.py (keys typed across a box opening and
closing); here, the limits of the hold: how long a key waits for a screen's focus, and that a
screen which once took keys is never waited for again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Button

from reviewer.typeahead import KeysInOrder, takes_keys


class Unfocused(Screen[None]):
    """Has a focusable widget but focuses nothing (as a screen whose focus was taken away)."""

    AUTO_FOCUS = ""  # nothing focused on mount
    BINDINGS = [Binding("x", "count", "Count")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Button("a focusable widget, never focused")

    def action_count(self) -> None:
        self.count += 1


class Tiny(KeysInOrder):
    def get_default_screen(self) -> Screen:
        return Unfocused()


async def test_a_screen_that_never_focuses_gets_its_keys_after_a_bounded_wait():
    app = Tiny()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, Unfocused)
        assert not takes_keys(screen)  # focusable, nothing focused
        await pilot.press("x")
        for _ in range(150):  # the wait is at most a second (WAIT_FOR_FOCUS)
            if screen.count:
                break
            await pilot.pause(0.02)
        assert screen.count == 1
        # Once it has taken a key it is settled: the next key acts at once, no second wait.
        await pilot.press("x")
        await pilot.pause()
        assert screen.count == 2
        assert screen.focused is None
