"""Search every document; enter jumps to the highlighted hit, ctrl+l links it as evidence."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reviewer.core.corpus import Corpus
from reviewer.core.printable import one_line
from reviewer.typeahead import pass_on_stale

MAX_HITS = 500


def search(corpus: Corpus, query: str) -> list[tuple[int, int, int]]:
    """(document index, sentence index, offset of the hit) for each hit, in reading order."""
    q = query.casefold()
    if not q.strip():
        return []
    hits: list[tuple[int, int, int]] = []
    for d, doc in enumerate(corpus.documents):
        folded = doc.text.casefold()
        if len(folded) != len(doc.text):
            folded = doc.text.lower()  # keep offsets aligned with the text
        pos = folded.find(q)
        while pos >= 0 and len(hits) < MAX_HITS:
            s = doc.sentence_at(pos)
            if s is not None:
                hits.append((d, s.index, pos))
            pos = folded.find(q, pos + max(len(q), 1))
    return hits


class SearchInput(Input):
    """The query field: enter jumps at once, and keys that reach it after its box closed go
    back to the app (see reviewer.typeahead)."""

    async def _on_key(self, event: events.Key) -> None:
        if pass_on_stale(self, event):
            return
        screen = self.screen
        if event.key == "enter" and isinstance(screen, SearchScreen):
            # At once, not by Input's message: keys typed after enter wait in this widget's
            # queue, and must find the box closed (a message would come after them).
            event.stop()
            event.prevent_default()
            screen.jump(self.value)
            return
        await super()._on_key(event)


class SearchScreen(ModalScreen[tuple[int, int] | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="search.cancel"),
        Binding("down", "move(1)", "Next hit", show=False, id="search.down"),
        Binding("up", "move(-1)", "Previous hit", show=False, id="search.up"),
        Binding(
            "ctrl+l",
            "link",
            "Link as evidence",
            tooltip="Link (or unlink) the highlighted hit as evidence of the tagged sentence",
            id="search.link",
        ),
    ]

    def __init__(
        self,
        corpus: Corpus,
        query: str = "",
        link: Callable[[int, int], str] | None = None,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        # Links hit (document, sentence) to the sentence under the cursor; says what it did.
        self._link = link
        self._query = query
        self._hits: list[tuple[int, int, int]] = []
        self._shown: str | None = None  # the query whose hits are listed

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Label(
                "[b]Search all documents[/b]  enter jumps · ↑↓ choose · ctrl+l links as "
                "evidence · escape closes"
            )
            yield SearchInput(value=self._query, placeholder="text to find", id="search-input")
            yield Label("", id="search-count")
            yield OptionList(id="search-hits")

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        if self._query:
            self._run(self._query)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.is_active:  # not after enter closed the box (the change was typed before)
            self._run(event.value)

    def _run(self, query: str) -> None:
        if query == self._shown:
            return  # searched already (enter searched it before its change came through)
        self._shown = query
        self._hits = search(self.corpus, query)
        hits = self.query_one("#search-hits", OptionList)
        options = []
        for d, _, pos in self._hits:
            doc = self.corpus.documents[d]
            a, b = max(0, pos - 30), min(len(doc.text), pos + len(query) + 50)
            t = Text(no_wrap=True, overflow="ellipsis")
            t.append(f"{one_line(doc.id)}: ", style="bold")
            t.append(one_line(doc.text[a:pos].replace("\n", " ")))
            t.append(one_line(doc.text[pos : pos + len(query)]), style="reverse")
            t.append(one_line(doc.text[pos + len(query) : b].replace("\n", " ")))
            options.append(Option(t))
        hits.set_options(options)
        if options:
            hits.highlighted = 0
        more = "+" if len(self._hits) >= MAX_HITS else ""
        self.query_one("#search-count", Label).update(
            f"{len(self._hits)}{more} hits" if query.strip() else ""
        )

    def action_move(self, step: int) -> None:
        hits = self.query_one("#search-hits", OptionList)
        if hits.option_count:
            hits.highlighted = ((hits.highlighted or 0) + step) % hits.option_count

    def jump(self, query: str) -> None:
        """Enter: close on the highlighted hit of ``query`` (searched now if its change has
        not come through yet)."""
        self._run(query)
        hits = self.query_one("#search-hits", OptionList)
        if hits.highlighted is not None and self._hits:
            d, s, _ = self._hits[hits.highlighted]
            self.dismiss((d, s))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        d, s, _ = self._hits[event.option_index]
        self.dismiss((d, s))

    def action_link(self) -> None:
        hits = self.query_one("#search-hits", OptionList)
        if self._link is None or hits.highlighted is None or not self._hits:
            return
        d, s, _ = self._hits[hits.highlighted]
        self.query_one("#search-count", Label).update(self._link(d, s))

    def action_cancel(self) -> None:
        self.dismiss(None)
