"""The document body: a Line API view that wraps one document and styles it by sentence."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reviewer.core.corpus import Document, Sentence
from reviewer.core.printable import visible
from reviewer.widgets.palette import Palette, palette
from reviewer.widgets.scrolling import set_virtual_size

# Characters that always take one cell (printable ones; tested against rich's widths): Latin,
# Greek, Cyrillic, general punctuation (dashes, curly quotes, ellipsis), currency, box drawing.
ONE_CELL = re.compile(
    "[ -~\xa0-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u20a0-\u20bf\u2500-\u25fc]*"
)
GUTTER = 3  # cursor bar, then the sentence's mark (see ``mark_of``), then a space
MARK_LABEL = {"S": "supported", "C": "contradicted", "F": "fabricated"}  # marks in a label's colour


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Visual rows as (start, end) offsets into ``text``, word-wrapped to ``width`` cells.

    Line breaks in the text start new rows; ``\\r`` is never shown. Long words are cut.
    """
    width = max(width, 4)
    rows: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        shown_end = line_end - 1 if line_end > pos and text[line_end - 1] == "\r" else line_end
        start = pos
        if start == shown_end:
            rows.append((start, start))
        # A line of one-cell characters (most text): a row ends ``width`` characters on and
        # breaks at the last space before that; measuring each character is the slow path.
        line = text[pos:shown_end]
        simple = line.isprintable() and ONE_CELL.fullmatch(line) is not None
        while start < shown_end:
            if simple:
                i = start + width
                if i >= shown_end:
                    rows.append((start, shown_end))
                    break
                last_space = text.rfind(" ", start, i)
            else:
                cells = 0
                i = start
                last_space = -1
                while i < shown_end:
                    w = get_character_cell_size(text[i])
                    if cells + w > width:
                        break
                    cells += w
                    if text[i] == " ":
                        last_space = i
                    i += 1
                if i >= shown_end:
                    rows.append((start, shown_end))
                    break
            # A row full up to a space keeps its last word: it fits exactly.
            cut = i if text[i] == " " else last_space + 1 if last_space > start else i
            rows.append((start, cut))
            start = cut
            while start < shown_end and text[start] == " ":
                start += 1  # a wrapped row does not begin with the space it broke at
        if nl < 0:
            break
        pos = nl + 1
    return rows


class DocumentView(ScrollView, can_focus=False):
    """Renders only the visible rows; colours come from ``palette`` (solid, readable)."""

    class SentenceClicked(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: Document | None = None
        self.cursor: int | None = None  # index into document.sentences
        # Callbacks into the screen's state: the session is the only source of labels.
        self.label_of: Callable[[Document, Sentence], str | None] = lambda d, s: None
        self.level_of: Callable[[Document, Sentence], int] = lambda d, s: 0
        # The gutter letter of a claim: its label, "≠" (reviewers disagree), "!" (suspect), or "".
        self.mark_of: Callable[[Document, Sentence], str] = lambda d, s: ""
        self._rows: list[tuple[int, int]] = []
        self._row_starts: list[int] = []
        self._wrapped_for: Size | None = None  # the content size the rows were wrapped for
        self._cache: dict[int, Strip] = {}
        self._sentence_starts: list[int] = []

    # ------------------------------------------------------------------ state

    def show(self, document: Document, cursor: int | None) -> None:
        self.document = document
        self.cursor = cursor
        self._sentence_starts = [s.start for s in document.sentences]
        self._rewrap()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.scroll_to_cursor(center=True)

    def move_cursor(self, index: int) -> None:
        old = self.cursor
        self.cursor = index
        if old is not None:
            self.refresh_sentence(old)
        self.refresh_sentence(index)
        self.scroll_to_cursor()

    def refresh_sentence(self, index: int) -> None:
        """Re-render just the rows of one sentence (after a tag or a cursor move)."""
        first, last = self._sentence_rows(index)
        for y in range(first, last + 1):
            self._cache.pop(y, None)
        self.refresh_lines(first, last - first + 1)

    def refresh_all(self) -> None:
        self._cache.clear()
        self.refresh()

    # ------------------------------------------------------------------ layout

    def _rewrap(self) -> None:
        box = self.content_region  # inside the padding, scrollbar included
        if self.document is None or not box.width:
            # Not laid out yet: wrapping to a guessed width drew the first frame one word per
            # line. render_line wraps once the width is known, before anything is drawn.
            self._rows = []
            self._row_starts = []
            self._wrapped_for = None
            return
        # A document longer than the view leaves a column for its scrollbar: decided here, so
        # the text is wrapped once to the width it is drawn at. Wrapping to the whole width
        # and letting the scrollbar appear afterwards left the text a column too wide, with a
        # horizontal scrollbar over its last row.
        text = self.document.text
        width = max(box.width - GUTTER, 8)
        narrow = max(box.width - self.styles.scrollbar_size_vertical - GUTTER, 8)
        if len(text) > width * box.height:  # more rows than the view has, however it wraps
            width = narrow
        rows = wrap(text, width)
        if len(rows) > box.height and width != narrow:
            width = narrow
            rows = wrap(text, width)
        self._rows = rows
        self._row_starts = [r[0] for r in rows]
        self._wrapped_for = box.size
        self._cache.clear()
        set_virtual_size(self, Size(width + GUTTER, len(rows)))
        self.refresh()

    def on_resize(self) -> None:
        self._ensure_wrapped()

    def on_mount(self) -> None:
        # Rows are kept drawn in the colours of the theme they were drawn in: a new theme
        # draws them again (the evidence panel and the document list do the same).
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh_all())

    def _ensure_wrapped(self) -> None:
        """Wrap to the current size if it changed (or was unknown), keeping the cursor in
        view."""
        if (
            self.document is not None
            and self.content_region.width
            and self.content_region.size != self._wrapped_for
        ):
            self._rewrap()
            self.scroll_to_cursor(center=True)

    def _row_of(self, offset: int) -> int:
        return max(0, bisect_right(self._row_starts, offset) - 1)

    def _sentence_rows(self, index: int) -> tuple[int, int]:
        if self.document is None or not self._rows:
            return (0, 0)
        s = self.document.sentences[index]
        return self._row_of(s.start), self._row_of(max(s.start, s.end - 1))

    def scroll_to_cursor(self, center: bool = False) -> None:
        if self.cursor is None or self.document is None or not self._rows:
            return
        first, last = self._sentence_rows(self.cursor)
        height = last - first + 1
        region = Region(0, first, 1, min(height, max(self.size.height - 2, 1)))
        self.scroll_to_region(
            region, animate=False, center=center, spacing=None, immediate=True, force=True
        )

    def row_of_sentence(self, index: int) -> int:
        return self._sentence_rows(index)[0]

    def claim_near(self, row: int, step: int) -> int | None:
        """The claim on ``row`` or, if none starts there, the next one in ``step``'s
        direction that is on screen; None when the screen has none that way."""
        shown = self.claims_in_view()
        if not shown:
            return None
        rows = [self.row_of_sentence(i) for i in shown]
        if step > 0:
            return next((i for i, r in zip(shown, rows, strict=True) if r >= row), shown[-1])
        return next(
            (i for i, r in zip(reversed(shown), reversed(rows), strict=True) if r <= row), shown[0]
        )

    def claims_in_view(self) -> list[int]:
        """Claims whose first row is on screen, in reading order."""
        if self.document is None or not self._rows:
            return []
        top = int(self.scroll_y)
        bottom = min(top + self.size.height, len(self._rows))
        first = self._rows[top][0]
        last = self._rows[bottom - 1][1]
        out = []
        begin = max(bisect_right(self._sentence_starts, first) - 1, 0)
        for i in range(begin, len(self._sentence_starts)):
            s = self.document.sentences[i]
            if s.start > last:
                break
            if s.is_claim and top <= self._row_of(s.start) < bottom:
                out.append(i)
        return out

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the sentence under the pointer."""
        if self.document is None:
            return
        row = event.y + int(self.scroll_y)
        if not 0 <= row < len(self._rows):
            return
        start, end = self._rows[row]
        text = self.document.text
        cells = max(event.x - GUTTER, 0)
        pos = start
        while pos < end and cells > 0:
            cells -= get_character_cell_size(text[pos])
            pos += 1
        index = self._sentence_index_at(min(pos, max(end - 1, start)))
        if index is None:
            index = self._sentence_index_at(start)
        if index is not None:
            self.post_message(self.SentenceClicked(index))

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        if self._wrapped_for is None:
            self._ensure_wrapped()  # the first frame after layout: the width is known now
        scroll_x, scroll_y = self.scroll_offset
        row = y + scroll_y
        width = self.scrollable_content_region.width
        strip = self._cache.get(row)
        if strip is None:
            strip = self._render_row(row, width)
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[row] = strip
        return strip.crop(scroll_x, scroll_x + width)

    def _sentence_index_at(self, offset: int) -> int | None:
        if self.document is None:
            return None
        i = bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < self.document.sentences[i].end:
            return i
        return None

    def _palette(self) -> Palette:
        """Solid colours for the current theme and background (see ``palette``); the styles
        made from them are kept until the palette changes."""
        _, background = self.background_colors
        pal = palette(self.app, background, self.styles.color)
        if pal is not getattr(self, "_pal", None):
            self._pal = pal
            self._styles: dict[tuple[object, ...], Style] = {}
        return pal

    def _style_for(self, index: int | None, pal: Palette | None = None) -> Style:
        """The style of sentence ``index``; ``pal``: the palette, when the caller has it (a
        row asks once, not for each of its pieces: finding the background walks the DOM)."""
        if pal is None:
            pal = self._palette()
        if index is None or self.document is None:
            return self._cached(("text", None, False), pal)
        doc = self.document
        s = doc.sentences[index]
        on_cursor = index == self.cursor
        if not s.is_claim:
            return self._cached(("noise", None, on_cursor), pal)
        label = self.label_of(doc, s)
        if label:
            return self._cached(("label", label, on_cursor), pal)
        if s.heading:  # a headline: drawn as one (bold), shaded like any claim if suspect
            return self._cached(("heading", self.level_of(doc, s), on_cursor), pal)
        return self._cached(("level", self.level_of(doc, s), on_cursor), pal)

    def _cached(self, key: tuple[object, ...], pal: Palette) -> Style:
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self._make_style(key, pal)
        return style

    def _make_style(self, key: tuple[object, ...], pal: Palette) -> Style:
        what, detail, on_cursor = key
        bg = pal.cursor if on_cursor else pal.background
        if what == "noise":
            colour = pal.noise
        elif what == "label":
            colour = pal.labels[str(detail)]
            return pal.style(
                colour,
                bg,
                bold=True,
                italic=detail == "fabricated",
                underline=bool(on_cursor),
            )
        elif what in ("level", "heading") and detail and not on_cursor:
            bg = pal.suspect[min(int(detail), 3) - 1]  # type: ignore[call-overload]
            colour = pal.text
        elif what == "mark":
            colour = pal.labels.get(str(detail)) or pal.warning
            return pal.style(colour, bold=True)
        elif what == "bar":
            return pal.style(pal.primary, bold=True)
        else:
            colour = pal.text
        return pal.style(
            colour,
            bg,
            bold=what == "heading",
            underline=bool(on_cursor) and what != "text",
        )

    def _render_row(self, row: int, width: int) -> Strip:
        pal = self._palette()
        base = self._cached(("text", None, False), pal)
        if self.document is None or row >= len(self._rows):
            return Strip.blank(width, base)
        doc = self.document
        start, end = self._rows[row]
        text = doc.text
        on_cursor = False
        if self.cursor is not None:
            cs = doc.sentences[self.cursor]
            on_cursor = cs.start < max(end, start + 1) and start < cs.end
        mark = " "
        first = bisect_left(self._sentence_starts, start)
        stop_at = bisect_left(self._sentence_starts, max(end, start + 1))
        for k in range(first, stop_at):
            s = doc.sentences[k]
            if s.is_claim and (found := self.mark_of(doc, s)):
                mark = found
                break
        label = MARK_LABEL.get(mark)
        segments = [
            Segment("▌" if on_cursor else " ", self._cached(("bar", None, False), pal)),
            Segment(mark + " ", self._cached(("mark", label, False), pal)),
        ]
        pos = start
        while pos < end:
            idx = self._sentence_index_at(pos)
            if idx is not None:
                stop = min(end, doc.sentences[idx].end)
            else:
                nxt = bisect_right(self._sentence_starts, pos)
                stop = min(end, doc.sentences[nxt].start) if nxt < len(doc.sentences) else end
            if stop <= pos:
                stop = pos + 1
            # Controls become visible one for one (an ESC in a document must not reach the
            # terminal); a tab is one cell wide here, like every other character.
            piece = visible(text[pos:stop]).replace("\t", " ")
            segments.append(Segment(piece, self._style_for(idx, pal)))
            pos = stop
        return Strip(segments).extend_cell_length(width, base)
