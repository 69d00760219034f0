"""The terminal driver: Textual's Linux driver, leaving without waiting on its input thread,
and reading an escape followed at once by a key as those two keys outside text fields."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import termios
from codecs import getincrementaldecoder

from textual._loop import loop_last
from textual._parser import ParseError
from textual.drivers.linux_driver import LinuxDriver

from reviewer.key_parser import KeyParser, typing_in


class LeavingDriver(LinuxDriver):
    """Textual's driver for Linux and macOS terminals, but quitting does not wait for the
    input thread to end.

    That thread polls the terminal every 0.1 s; told to stop, it notices at its next poll,
    then polls once more with nothing registered (a fixed 0.1 s sleep). Joining it was 0.1-0.2 s
    of every quit, with nothing left for the user to see. When the app is leaving
    (``leaving``, set by ``ReviewerApp.exit``) the thread is told to stop and left to end on
    its own within 0.2 s; the process exit ends it at once. Suspending (ctrl+z), which starts
    a new input thread afterwards, still waits for the old one.
    """

    leaving = False

    def disable_input(self) -> None:
        if not self.leaving:
            super().disable_input()
            return
        # LinuxDriver.disable_input without the join, and without clearing the stop signal
        # the thread has yet to see (it is cleared there only for a new thread to start).
        if self.exit_event.is_set():
            return
        with contextlib.suppress(ValueError):  # not the main thread: the handler stays
            signal.signal(signal.SIGWINCH, signal.SIG_DFL)
        self._disable_mouse_support()
        self.exit_event.set()
        with contextlib.suppress(termios.error):
            termios.tcflush(self.fileno, termios.TCIFLUSH)  # keys typed while leaving

    def run_input_thread(self) -> None:
        """``LinuxDriver.run_input_thread`` (Textual 8.2.8, pinned) with ``KeyParser``."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = KeyParser(self._debug, lambda: typing_in(self._app))
        feed = parser.feed
        tick = parser.tick
        decode = getincrementaldecoder("utf-8")().decode
        read = os.read

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> None:
            for last, (_selector_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is a pipe
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
