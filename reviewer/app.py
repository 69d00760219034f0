"""The Textual app: one review screen, with every action in the command palette too."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.console import RenderableType
from textual.app import SystemCommand
from textual.driver import Driver
from textual.screen import Screen

from reviewer.core.corpus import Corpus
from reviewer.core.parallel import BYTES_PER_CLAIM, prepare_workers
from reviewer.core.session import Session
from reviewer.screens.review import BINDINGS, ReviewScreen, Votes
from reviewer.typeahead import KeysInOrder


class ReviewerApp(KeysInOrder):
    CSS_PATH = "reviewer.tcss"
    TITLE = "reviewer"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        corpus: Corpus,
        session: Session | None,
        compare: Votes | None = None,
        compare_details: dict | None = None,
        blind: bool = False,
        ask_in: Path | None = None,
    ) -> None:
        """``session`` None: ask who is reviewing first (a browser session), then open
        ``ask_in``/NAME.toml."""
        super().__init__()
        self.blind = blind
        self.ask_in = ask_in
        self.corpus = corpus
        self.session = session
        self.compare = compare
        self.compare_details = compare_details or {}
        # Scoring may use worker processes; they must be set up before Textual captures stderr.
        # Sized from the text (documents are split into sentences later, in a worker).
        prepare_workers(sum(len(d.text) for d in corpus.documents) // BYTES_PER_CLAIM)

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver":  # a terminal (not Windows, web)
            from reviewer.driver import LeavingDriver

            return LeavingDriver
        if driver.__module__ == "textual.drivers.web_driver":  # reviewer serve
            from reviewer.web_driver import KeysWebDriver

            return KeysWebDriver
        return driver

    def exit(
        self, result: None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        # Quitting need not wait for the terminal input thread's last polls (reviewer.driver;
        # not imported here: it needs termios, which Windows lacks).
        driver: object = getattr(self, "_driver", None)  # private in Textual; pinned exactly
        if hasattr(driver, "leaving"):
            driver.leaving = True
        super().exit(result, return_code, message)

    def get_default_screen(self) -> Screen:
        if self.session is None:
            from reviewer.screens.annotator import AnnotatorScreen

            return AnnotatorScreen(self.corpus, self.ask_in or Path("annotations"), self._opened)
        return self._review_screen()

    def _opened(self, session: Session) -> None:
        self.session = session
        if session.read_only:
            self.notify(
                "Read-only: this reviewer's file is open in another window or tab.",
                severity="warning",
                timeout=8,
            )
        self.push_screen(self._review_screen())

    def _review_screen(self) -> ReviewScreen:
        assert self.session is not None
        return ReviewScreen(
            self.corpus, self.session, self.compare, self.compare_details, blind=self.blind
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, ReviewScreen):
            return
        for binding in BINDINGS:
            key = binding.key.split(",")[0].replace("question_mark", "?").replace("slash", "/")
            action = binding.action

            def run(action: str = action, screen: Screen = screen) -> None:
                self.call_later(screen.run_action, action)

            yield SystemCommand(binding.tooltip or binding.description, f"key: {key}", run)

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()
