"""The documents, grouped, each with its progress: a virtualised OptionList."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Span, Text
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reviewer.core.corpus import Corpus
from reviewer.core.printable import one_line
from reviewer.widgets.palette import palette, readable


def fit(name: str, width: int) -> str:
    """Shorten ``name`` to ``width`` by cutting its middle: prefixes and extensions tell apart."""
    if len(name) <= width:
        return name
    tail = min(len(name) // 3, max(width // 3, 4))
    return name[: width - tail - 1] + "…" + name[-tail:]


def styled(*parts: tuple[str, Style | str], style: str = "") -> Text:
    """``Text(style=style)``, then ``append(part, part_style)`` for each part, built at once:
    ``append`` strips control codes part by part (a third of building 2,000 entries), and
    these parts have none left (``one_line`` made them visible, the rest is digits and words)."""
    spans = []
    end = 0
    for part, part_style in parts:
        start, end = end, end + len(part)
        if part and part_style:
            spans.append(Span(start, end, part_style))
    return Text("".join(part for part, _ in parts), style=style, spans=spans)


def _in_view(y: int, height: int, top_row: int, view: int) -> bool:
    """An entry at ``y`` of ``height`` lines is wholly shown by a view of ``view`` lines from
    ``top_row`` (the tuple ``DocumentList._where`` gives)."""
    return top_row <= y and y + height <= top_row + view


@dataclass(frozen=True)
class DocumentStats:
    claims: int | None  # None: the document is not split into sentences yet
    tagged: int
    suspects_left: int
    scored: bool


class DocumentList(OptionList, can_focus=False):
    """One option per document (two lines: name, then progress); groups as disabled headers."""

    class DocumentSelected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    # Moving the highlight repaints the entries it leaves and reaches, not the whole list:
    # OptionList repaints every visible entry (5-15 ms a move at 120x40, 2,000 documents).
    # Scrolling still repaints everything, as it must.
    highlighted: reactive[int | None] = reactive(None, repaint=False)

    def __init__(self, corpus: Corpus, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.corpus = corpus
        groups = corpus.groups
        self._show_groups = len(groups) > 1 or any(groups)
        self.collapsed: set[str] = set()  # groups whose documents are hidden (z)
        self._lay_out_rows()
        self._group_sizes = {name: len(docs) for name, docs in groups.items()}
        self._group_docs: dict[str, list[int]] = {}
        for i, doc in enumerate(corpus.documents):
            self._group_docs.setdefault(doc.group, []).append(i)
        self._stats: list[DocumentStats] = []
        self._width = 0
        self._wanted: int | None = None  # row to highlight once the list is first built
        self._lit: int | None = None  # the row drawn highlighted (repainted when it moves)
        self._deferred = False  # a scroll away from an edge waits for the next frame

    def _lay_out_rows(self) -> None:
        """Rows depend on the groups (and which are collapsed), not on the width. A string is a
        group header (the group's name); a number is the document on that row."""
        self._rows: list[int | str] = []
        self._option_index: dict[int, int] = {}
        seen_group: str | None = None
        for i, doc in enumerate(self.corpus.documents):
            if self._show_groups and doc.group != seen_group:
                seen_group = doc.group
                self._rows.append(doc.group)
            if doc.group in self.collapsed:
                continue
            self._option_index[i] = len(self._rows)
            self._rows.append(i)
        self._group_row = {row: n for n, row in enumerate(self._rows) if isinstance(row, str)}

    def toggle_group(self, group: str, current: int) -> bool:
        """Collapse or expand ``group``; the highlight stays on ``current`` (or its header).
        False when the list shows no groups."""
        if not self._show_groups:
            return False
        self.collapsed ^= {group}
        self._lay_out_rows()
        if self._width:
            self.populate(self._stats)
        self.select_document(current)
        return True

    def render_line(self, y: int):
        if not self._width and self._stats and self.scrollable_content_region.width:
            # The first frame after layout: build the entries now that the width is known,
            # so the list is never drawn empty.
            wanted = self._wanted
            self.populate(self._stats)
            if wanted is not None:
                self.highlighted = wanted
                self.call_later(self.scroll_to_highlight)
        return super().render_line(y)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        """Entries carry their progress colours, chosen for the theme they were built in:
        build them again, or a light theme shows dark-theme yellow on grey (1.1:1)."""
        if self._width:
            self._rebuild()

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        cache = self._line_cache
        for row in {self._lit, highlighted}:
            line = cache.index_to_line.get(row) if row is not None else None
            if row is not None and line is not None:
                self.refresh_lines(line, cache.heights[row])
        self._lit = highlighted

    def scroll_to_highlight(self, top: bool = False) -> None:
        """Keep the highlighted entry in view without scrolling on every move.

        OptionList scrolls by the least amount, so moving down a long list scrolled (and
        repainted every row) on each move once past the last row. Here the list stays put while
        the entry is in view. Once it comes within a quarter of the view of an edge, the list
        scrolls so that the entry sits a quarter from the other edge: the next half screen of
        moves scrolls nothing. That scroll waits for the frame that shows the move (a new
        document repaints the text, the panel and the status; a scroll repaints every row of
        the list: together they made one frame in ten twice as long). An entry out of view (a
        jump, a search) is brought to the middle at once, as is the top with ``top``."""
        where = self._where()
        if where is None:
            return
        y, height, top_row, view = where
        if not top and _in_view(*where):
            if self._edge_scroll(*where) is not None and not self._deferred:
                self._deferred = True
                self.call_after_refresh(self._scroll_from_edge)
            return
        self.scroll_to_region(
            Region(0, y, self.scrollable_content_region.width, height),
            force=True,
            animate=False,
            top=top,
            center=not top,
            immediate=True,
        )

    def _edge_scroll(self, y: int, height: int, top_row: int, view: int) -> int | None:
        """The new top row for an entry at ``y`` that is within a quarter of the view of an
        edge it can still move away from; None if it is far enough (or the list is at its end
        on that side)."""
        margin = max(view // 4, height)
        if view < 2 * margin + height:
            return None  # too short for margins: it scrolls when the entry leaves the view
        last_top = max(self.virtual_size.height - view, 0)
        if y + height > top_row + view - margin and top_row < last_top:
            return min(y - margin, last_top)
        if y < top_row + margin and top_row > 0:
            return max(y + height + margin - view, 0)
        return None

    def _where(self) -> tuple[int, int, int, int] | None:
        """The highlighted entry's first line and height, the list's top line and its height
        in lines; None with no entry highlighted (or not laid out yet)."""
        highlighted = self.highlighted
        if highlighted is None or not self.is_mounted:
            return None
        self._update_lines()
        y = self._line_cache.index_to_line.get(highlighted)
        if y is None:
            return None
        height = self._line_cache.heights[highlighted]
        return y, height, round(self.scroll_offset.y), self.scrollable_content_region.height

    def _scroll_from_edge(self) -> None:
        self._deferred = False
        where = self._where()
        if where is None:
            return
        if not _in_view(*where):
            self.scroll_to_highlight()  # it left the view meanwhile: to the middle
        elif (target := self._edge_scroll(*where)) is not None:
            self.scroll_to(y=target, animate=False, immediate=True)

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width and self._stats:
            self._rebuild()

    def _rebuild(self) -> None:
        """Build the entries again (another width or theme), the highlight kept in view."""
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
        colours = self._colours()  # once, not per entry (the theme is looked up through the app)
        for row in self._rows:
            if isinstance(row, str):
                options.append(Option(self._header(row, colours), disabled=True))
            else:
                options.append(Option(self._prompt(row, stats[row], colours), id=f"doc-{row}"))
        self.set_options(options)

    def _update_lines(self) -> None:
        """OptionList's own (Textual 8.2.8, pinned), except that an entry's height is counted
        from its text instead of rendering it: entries are fitted to the width when built, so
        each is as many rows as it has lines. Textual renders every entry to learn its height,
        0.3-0.6 s for 2,000 documents on every build (the first frame, the scrollbar's resize,
        the scores' arrival). An entry wider than the room (a very narrow list) is measured as
        Textual measures it."""
        region = self.scrollable_content_region
        if not region:
            return
        line_cache = self._line_cache
        lines = line_cache.lines
        next_index = lines[-1][0] + 1 if lines else 0
        width = region.width - self._get_left_gutter_width()
        options = self.options
        if next_index < len(options):
            room = self._room()
            for index, option in enumerate(options[next_index:], next_index):
                height = self._height(option, room) + option._divider
                line_cache.index_to_line[index] = len(lines)
                line_cache.heights[index] = height
                lines.extend([(index, line_no) for line_no in range(height)])
        last_divider = options and options[-1]._divider
        virtual_size = Size(width, len(lines) - (1 if last_divider else 0))
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    def _room(self) -> int:
        """The cells an entry's text has on a row: the list's width less its gutter and the
        entry's padding, as OptionList lays it out."""
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        return width - self.get_component_styles("option-list--option").padding.width

    def _height(self, option: Option, room: int) -> int:
        """An entry's rows: its lines, when each fits the room (they are fitted when built);
        otherwise as Textual measures it (wrapped)."""
        prompt = option.prompt
        parts = prompt.plain.split("\n") if isinstance(prompt, Text) else None
        if parts is not None and all(cell_len(part) <= room for part in parts):
            return len(parts)
        return self._get_visual(option).get_height(self.styles, room)  # type: ignore[arg-type]

    def _header(self, group: str, colours: dict[str, Style] | None = None) -> Text:
        """A group's one-line header: its name (cut to fit), then its progress."""
        stats = [self._stats[i] for i in self._group_docs.get(group, ()) if i < len(self._stats)]
        tagged = sum(st.tagged for st in stats)
        known = all(st.claims is not None for st in stats)
        claims = sum(st.claims or 0 for st in stats)
        left = sum(st.suspects_left for st in stats)
        progress = f" {tagged}/{claims if known else '…'}" + (f" !{left}" if left else "")
        width = max((self._width or 28) - 2, 12)
        title = fit(one_line(group) or "(top level)", max(width - len(progress) - 2, 6))
        done = (colours or self._colours())["done"]
        return styled(
            (f"{'▸' if group in self.collapsed else '▾'} {title}", ""),
            (progress, done if known and tagged == claims else ""),
            style="bold",
        )

    def _prompt(
        self, index: int, st: DocumentStats, colours: dict[str, Style] | None = None
    ) -> Text:
        doc = self.corpus.documents[index]
        # Less the entry's padding (a cell each side). The scrollbar's column is never part of
        # the width (scrollbar-gutter: stable), so a scrollbar appearing changes nothing.
        width = max((self._width or 28) - 2, 12)
        name = fit(one_line(doc.id.rsplit("/", 1)[-1] if doc.group else doc.id), width)
        colours = colours or self._colours()
        if st.claims is None:  # not split into sentences yet
            return styled((name, "bold"), ("\n  …", colours["muted"]))
        # A finished document's name is muted by colour, not the dim attribute: the terminal
        # blends dim text toward the background, 2.8:1 on the highlighted row.
        name_style = "bold" if st.tagged < st.claims else colours["muted"]
        done = st.tagged == st.claims and st.claims > 0
        progress = f"  {st.tagged}/{st.claims} tagged"
        extra = ""
        if not st.scored:
            extra = " · scoring…" if len(progress) + 11 <= width else " …"
        elif st.suspects_left:
            extra = f" · {st.suspects_left} suspect"
            if len(progress) + len(extra) > width:
                progress, extra = f"  {st.tagged}/{st.claims}", f" · {st.suspects_left} suspect"
            if len(progress) + len(extra) > width:
                extra = f" !{st.suspects_left}"
        return styled(
            (name, name_style),
            ("\n", ""),
            (progress, colours["done"] if done else ""),
            (extra, colours["muted"] if not st.scored else colours["suspect"]),
        )

    def _colours(self) -> dict[str, Style]:
        """Progress colours readable on the list and on its highlighted row, in any theme."""
        key = self.app.theme
        if getattr(self, "_colours_key", None) != key:
            _, background = self.background_colors
            highlight = self.get_component_styles("option-list--option-highlighted").background
            pal = palette(self.app, background, self.styles.color)

            def on_both(c: Color) -> Color:
                c = readable(c, pal.background)
                return readable(c, background.blend(highlight, highlight.a)) if highlight else c

            self._colours_key = key
            self._colour_styles = {
                "done": Style(color=on_both(pal.labels["supported"]).rich_color),
                # Not scored yet, or every claim tagged: text that steps back, still readable.
                "muted": Style(color=on_both(pal.noise).rich_color),
                "suspect": Style(color=on_both(pal.warning).rich_color, bold=True),
            }
        return self._colour_styles

    def update_document(self, index: int, st: DocumentStats) -> None:
        if index < len(self._stats):
            self._stats[index] = st
        if self._width:
            self._replace_prompt(index, self._prompt(index, st))
            group = self.corpus.documents[index].group
            if group in self._group_row:
                self._replace_row(self._group_row[group], self._header(group))

    def _replace_prompt(self, index: int, prompt: Text) -> None:
        """Change one document's entry without re-laying out the list.

        ``replace_option_prompt`` clears the whole line cache, so the next frame re-wraps every
        entry (33-53 ms at 7,000 documents, on each tag). An entry is always two lines (the name
        is fitted to the width, the progress line too), so its height cannot change: drop only
        this entry's rendered lines and repaint its two rows."""
        row = self._option_index.get(index)
        if row is not None:
            self._replace_row(row, prompt)

    def _replace_row(self, row: int, prompt: Text) -> None:
        option = self.get_option_at_index(row)
        option._set_prompt(prompt)
        cache = self._option_render_cache
        for key in [k for k in cache.keys() if k[0] is option]:  # noqa: SIM118 (no __iter__)
            cache.discard(key)
        line = self._line_cache.index_to_line.get(row)
        height = self._line_cache.heights.get(row)
        room = self._room()
        if (
            line is None
            or room <= 0  # hidden (the evidence panel has the screen): laid out when shown
            or height != self._height(option, room) + option._divider
        ):
            self._clear_caches()  # not laid out yet, or it now wraps differently: in full
            return
        self.refresh_lines(line, height)

    def select_document(self, index: int) -> None:
        option = self._option_index.get(index)
        if option is None and self._show_groups:  # in a collapsed group: its header
            option = self._group_row.get(self.corpus.documents[index].group)
        if not self._width:
            self._wanted = option  # applied when the list is built
        elif option is not None:
            self.highlighted = option
            self.scroll_to_highlight()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and event.option.id.startswith("doc-"):
            self.post_message(self.DocumentSelected(int(event.option.id[4:])))
