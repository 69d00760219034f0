"""The terminal driver: Textual's Linux driver, leaving without waiting on its input thread."""

from __future__ import annotations

import contextlib
import signal
import termios

from textual.drivers.linux_driver import LinuxDriver


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
