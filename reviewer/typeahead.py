"""Keys typed across a change of screen act where they were typed for, in the order typed.

One read from the terminal (a fast typist, a paste, a slow SSH link) can carry the key that
opens a box and the text meant for it: `a`, "ok then", enter, tab. Textual hands every key to
the screen active when the app reads it, and acts on a screen's bindings when the key comes
back up to the app; so, without this:

- keys read before the note box was open came back to the app after `a` had opened it, as keys
  for the screen behind, which no longer acts on keys: they were dropped;
- keys read while the box was being mounted went to the box itself, before its text field had
  focus, and were dropped too;
- keys read before the box closed went into the closed box's field.

Here the app holds a key while the active screen cannot take it yet (mounted, and its focus
set); a key that comes back to the app after its screen was covered or closed, or that reaches
a field whose box has closed, is held too. Held keys are replayed in the order they were typed
(each key carries the time it was read) through the app's usual path: its priority bindings,
then the focused widget of the active screen, then that screen's bindings.
"""

from __future__ import annotations

import time
from weakref import WeakSet

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widget import Widget

WAIT_FOR_FOCUS = 1.0  # seconds a screen may take to focus a widget before keys go to it anyway
_RETRY = 0.01  # seconds between looks at a screen still being mounted
_TYPED_FOR = "_reviewer_typed_for"  # set on each key: the screen it was handed to


def takes_keys(screen: Screen) -> bool:
    """The screen can take a key now: it has focused a widget, or has nothing to focus."""
    if screen.focused is not None:
        return True
    return screen.is_mounted and not screen.focus_chain


class KeysInOrder(App):
    """An app whose keys act in the order typed across screens (see the module's doc)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[events.Key] = []
        self._replay_due = False
        self._waiting_since: float | None = None
        # Screens that have taken keys once: one that loses its focus later (a widget removed)
        # gets keys at once, as in Textual, instead of a wait on every key.
        self._settled: WeakSet[Screen] = WeakSet()

    def _screen_ready(self, screen: Screen) -> bool:
        if screen in self._settled:
            return True
        if takes_keys(screen):
            self._settled.add(screen)
            return True
        return False

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key):
            await super().on_event(event)
        elif not event.is_forwarded:  # read from the terminal (or replayed)
            if self._held or not self._screen_ready(self.screen):
                self.hold_key(event)
            else:
                await self._hand_over(event)
        elif getattr(event, _TYPED_FOR, self.screen) is not self.screen:
            # Back from a screen that a key before it covered or closed: for the screen now.
            event.stop()
            self.hold_key(_again(event))
        else:
            await super().on_event(event)  # back from the screen: its bindings

    async def _hand_over(self, key: events.Key) -> None:
        setattr(key, _TYPED_FOR, self.screen)
        await super().on_event(key)

    def hold_key(self, key: events.Key) -> None:
        """Keep ``key`` (not yet handed to a screen) to replay when the active screen can take
        it, after every key typed before it."""
        self._held.append(key)
        self._replay_after_refresh()

    def _replay_after_refresh(self) -> None:
        if not self._replay_due:
            self._replay_due = True
            self.call_after_refresh(self._replay)

    async def _replay(self) -> None:
        self._replay_due = False
        if not self._held:
            return
        if not self._screen_ready(self.screen):
            now = time.monotonic()
            if self._waiting_since is None:
                self._waiting_since = now
            if now - self._waiting_since < WAIT_FOR_FOCUS:
                self._replay_due = True
                self.set_timer(_RETRY, self._replay)
                return
            self._settled.add(self.screen)  # waited long enough: it takes keys as it is
        self._waiting_since = None
        held = sorted(self._held, key=lambda k: k.time)  # stable: ties keep their order
        self._held = []
        for n, key in enumerate(held):
            if not self._screen_ready(self.screen):  # a replayed key opened a screen: wait
                self._held = held[n:] + self._held
                self._replay_after_refresh()
                return
            await self._hand_over(key)


def _again(key: events.Key) -> events.Key:
    """A copy of ``key`` to hand over anew, with the time it was read."""
    again = events.Key(key.key, key.character)
    again.time = key.time
    return again


def pass_on_stale(widget: Widget, event: events.Key) -> bool:
    """For a widget that takes keys itself (a text field): when its screen is no longer the
    active one (a key before this one closed its box), give the key back to the app and
    return True; the caller must not act on it."""
    app = widget.app
    if widget.screen is app.screen or not isinstance(app, KeysInOrder):
        return False
    event.stop()
    event.prevent_default()
    app.hold_key(_again(event))
    return True
