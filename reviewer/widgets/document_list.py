"""The documents, grouped, each with its progress: a virtualised OptionList."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reviewer.core.corpus import Corpus


def fit(name: str, width: int) -> str:
    """Shorten ``name`` to ``width`` by cutting its middle: prefixes and extensions tell apart."""
    if len(name) <= width:
        return name
    tail = min(len(name) // 3, max(width // 3, 4))
    return name[: width - tail - 1] + "…" + name[-tail:]


@dataclass(frozen=True)
class DocumentStats:
    claims: int
    tagged: int
    suspects_left: int
    scored: bool


class DocumentList(OptionList, can_focus=False):
    """One option per document (two lines: name, then progress); groups as disabled headers."""

    class DocumentSelected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, corpus: Corpus, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.corpus = corpus
        self._option_index: dict[int, int] = {}
        self._stats: list[DocumentStats] = []
        self._width = 0
        self._wanted: int | None = None  # row to highlight once the list is first built

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width and self._stats:
            highlighted = self.highlighted if self._width else self._wanted
            self.populate(self._stats)
            if highlighted is not None:
                self.highlighted = highlighted
                self.scroll_to_highlight()

    def populate(self, stats: list[DocumentStats]) -> None:
        """Show these stats; before the first layout (width unknown) only keep them: building
        thousands of entries twice, for a guessed width and then the real one, costs seconds."""
        self._stats = list(stats)
        self._width = self.scrollable_content_region.width
        if not self._width:
            return
        options: list[Option] = []
        groups = self.corpus.groups
        show_groups = len(groups) > 1 or any(groups)
        seen_group: str | None = None
        for i, doc in enumerate(self.corpus.documents):
            if show_groups and doc.group != seen_group:
                seen_group = doc.group
                count = len(groups[doc.group])
                title = doc.group or "(top level)"
                options.append(
                    Option(Text(f"▾ {title} · {count} docs", style="bold"), disabled=True)
                )
            self._option_index[i] = len(options)
            options.append(Option(self._prompt(i, stats[i]), id=f"doc-{i}"))
        self.set_options(options)

    def _prompt(self, index: int, st: DocumentStats) -> Text:
        doc = self.corpus.documents[index]
        width = max((self._width or 28) - 1, 12)
        name = fit(doc.id.rsplit("/", 1)[-1] if doc.group else doc.id, width)
        text = Text()
        text.append(name, style="bold" if st.tagged < st.claims else "dim")
        text.append("\n")
        done = st.tagged == st.claims and st.claims > 0
        progress = f"  {st.tagged}/{st.claims} tagged"
        extra = ""
        if not st.scored:
            extra = " · scoring…"
        elif st.suspects_left:
            extra = f" · {st.suspects_left} suspect"
            if len(progress) + len(extra) > width:
                progress, extra = f"  {st.tagged}/{st.claims}", f" · {st.suspects_left} suspect"
            if len(progress) + len(extra) > width:
                extra = f" !{st.suspects_left}"
        text.append(progress, style="green" if done else "")
        text.append(extra, style="dim" if not st.scored else "bold yellow")
        return text

    def update_document(self, index: int, st: DocumentStats) -> None:
        if index < len(self._stats):
            self._stats[index] = st
        if self._width:
            self.replace_option_prompt(f"doc-{index}", self._prompt(index, st))

    def select_document(self, index: int) -> None:
        option = self._option_index.get(index)
        if not self._width:
            self._wanted = self._row_of(index)  # applied when the list is built
        elif option is not None:
            self.highlighted = option
            self.scroll_to_highlight()

    def _row_of(self, index: int) -> int:
        """The option row of a document, as ``populate`` will lay them out."""
        groups = self.corpus.groups
        show_groups = len(groups) > 1 or any(groups)
        row, seen = 0, None
        for i, doc in enumerate(self.corpus.documents):
            if show_groups and doc.group != seen:
                seen = doc.group
                row += 1
            if i == index:
                return row
            row += 1
        return 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and event.option.id.startswith("doc-"):
            self.post_message(self.DocumentSelected(int(event.option.id[4:])))
