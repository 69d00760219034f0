"""Why the current sentence is suspect, and the closest sentences in the other documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reviewer.core.limits import NOTE_SHOWN_CHARS
from reviewer.core.printable import one_line, visible
from reviewer.core.store import Annotation
from reviewer.widgets.document_list import fit
from reviewer.widgets.document_view import wrap
from reviewer.widgets.palette import Palette, palette
from reviewer.widgets.scrolling import set_virtual_size

if TYPE_CHECKING:
    from reviewer.core.suspects import Assessment  # the engine loads after the first frame

KIND_STYLE = {
    "conflict": "bold red",
    "unsupported": "bold yellow",
    "corroborated": "green",
    "opinion": "dim",
    "unchecked": "dim",
}
STANCE_STYLE = {"agrees": "green", "conflicts": "bold red", "related": "dim"}
LABEL_STYLE = {"supported": "bold green", "contradicted": "bold red", "fabricated": "bold magenta"}


# Colour words of the styles above, as palette colours: readable on the panel in any theme.
def _resolver(pal: Palette):
    colours = {
        "red": pal.labels["contradicted"],
        "green": pal.labels["supported"],
        "magenta": pal.labels["fabricated"],
        "yellow": pal.warning,
        "cyan": pal.primary,
    }
    cache: dict[str, Style] = {}

    def st(spec: str) -> Style:
        style = cache.get(spec)
        if style is None:
            words = spec.split()
            colour = next((colours[w] for w in words if w in colours), None)
            if "dim" in words:
                colour = pal.noise
            style = cache[spec] = Style(
                color=pal.fg(colour or pal.text).rich_color,
                bgcolor=pal.background.rich_color,
                bold="bold" in words,
                italic="italic" in words,
                reverse="reverse" in words,
            )
        return style

    return st


# The marks of the document view in one line (? lists them in full).
LEGEND = "▌ cursor · ! suspect (shade: how much) · S C F tags · n note · ? moved"
BLIND_LEGEND = "▌ cursor · S C F your tags (the engine shows after each) · n note · ? help"


Runs = list[tuple[str, str]]  # text and its style, as words ("bold red"; "": plain)


class _Body:
    """The panel's text: runs of styled text, and blocks whose wrapped lines stay indented
    under their item (a quote under its evidence number, a reason after its bullet). Drawn
    by ``lines``: wrapped here, with the document view's ``wrap``, not by a Rich console."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str, Runs]] = []  # first row's prefix, later rows', runs
        self.runs: Runs = []

    def append(self, s: str, style: str = "") -> None:
        self.runs.append((s, style))

    def _flush(self) -> None:
        runs = self.runs
        if runs and runs[-1][0].endswith("\n"):
            text, style = runs[-1]
            runs[-1] = (text[:-1], style)  # each part is its own line already
        if any(text for text, _ in runs) or self.parts:
            self.parts.append(("", "", runs))
        self.runs = []

    def indented(self, s: str, style: str = "", indent: int = 2) -> None:
        self._flush()
        self.parts.append((" " * indent, " " * indent, [(s, style)]))

    def bullet(self, s: str, style: str = "") -> None:
        self._flush()
        self.parts.append(("• ", "  ", [(s, style)]))

    def lines(self, width: int, st: Callable[[str], Style]) -> list[Strip]:
        """The body wrapped to ``width`` cells, one strip a row, in the styles ``st`` gives
        (resolved here, so a new theme only needs the lines drawn again)."""
        if self.runs:
            self._flush()
        base = st("")
        strips: list[Strip] = []
        for first, rest, runs in self.parts:
            text = "".join(t for t, _ in runs)
            spans: list[tuple[int, int, Style]] = []
            pos = 0
            for t, spec in runs:
                spans.append((pos, pos + len(t), st(spec)))
                pos += len(t)
            room = width - len(first)
            for n, (a, b) in enumerate(wrap(text, room)):
                prefix = rest if n else first
                lead = spans[0][2] if spans and prefix.strip() else base  # a bullet: its item's
                segments = [Segment(prefix, lead)] if prefix else []
                for s0, s1, drawn in spans:
                    if s0 < b and a < s1:
                        segments.append(Segment(text[max(a, s0) : min(b, s1)], drawn))
                strips.append(Strip(segments).extend_cell_length(width, base).crop(0, width))
        return strips


class EvidencePanel(ScrollView, can_focus=False):
    """The panel's body is rendered to lines once per change (and per width), then drawn with
    the Line API: moving the cursor or tagging redraws the panel's rows, and neither measures
    a renderable again nor asks the screen for a new layout (the panel's size is the CSS's)."""

    ALLOW_MAXIMIZE = True  # e gives it the whole screen on a small terminal
    blind = False  # blind review: the legend leaves out the engine's marks

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body = _Body()
        self._lines: list[Strip] = []
        self._rendered_for = Size(-1, -1)

    def _styles(self):
        """The style resolver for the current palette (rebuilt only when the theme changes:
        ``show`` runs on every cursor move)."""
        _, background = self.background_colors
        pal = palette(self.app, background, self.styles.color)
        if pal is not getattr(self, "_pal", None):
            self._pal = pal
            self._st = _resolver(pal)
        return self._st

    def _render_body(self, everything: bool = False) -> None:
        """Wrap the body to the panel's width: once per change, not once per frame. The panel
        keeps its scrollbar (overflow-y: scroll), so the body is wrapped to the room beside it,
        whatever its length. When the body keeps its number of lines (a new label on a tagged
        sentence, a first tag, a note edited, evidence linked), only the rows that changed are
        drawn again; otherwise (another sentence, a note's line added) the whole panel is."""
        st = self._styles()
        box = self.content_region
        width = max(box.width, 1)
        if self.styles.overflow_y == "scroll" or len(self._body.lines(width, st)) > box.height:
            width = max(width - self.styles.scrollbar_size_vertical, 1)
        lines = self._body.lines(width, st)
        before, same_size = self._lines, self._rendered_for == box.size
        self._lines = lines
        self._rendered_for = box.size
        set_virtual_size(self, Size(width, len(lines)))
        if everything or not same_size or len(before) != len(lines):
            self.refresh()
            return
        pairs = zip(before, lines, strict=True)  # same length, checked above
        changed = [row for row, (was, now) in enumerate(pairs) if was != now]
        if changed:
            self.refresh_lines(changed[0], changed[-1] - changed[0] + 1)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self._render_body(everything=True)  # the same text in the new theme's colours

    def on_resize(self) -> None:
        if self.content_region.size != self._rendered_for:
            self._render_body()

    def render_line(self, y: int) -> Strip:
        if self.content_region.size != self._rendered_for:
            self._render_body()  # the first frame after layout: the size is known now
        row = y + self.scroll_offset.y
        if 0 <= row < len(self._lines):
            return self._lines[row]
        return Strip.blank(self.scrollable_content_region.width, self._styles()(""))

    def show(
        self,
        position: str,
        assessment: Assessment | None,
        annotation: Annotation | None,
        others: list[tuple[str, str]] | None = None,
        details: dict[str, tuple[str, list[str]]] | None = None,
        blind: bool = False,
        taggable: bool = True,
    ) -> None:
        """``taggable``: False where there is no claim to tag (a document without any)."""
        t = _Body()
        t.append(visible(position) + "\n", style="dim")
        # The tag's row is there before the first tag too: tagging a sentence then changes
        # that one row, and nothing below it moves (nor has to be drawn again).
        if annotation is None:
            if taggable:
                t.append("Not tagged\n", style="dim")
        else:
            if annotation.is_tag:
                t.append("Tagged ", style="bold")
                t.append(annotation.label, style=LABEL_STYLE[annotation.label])
                if annotation.evidence:
                    t.append(f" · {len(annotation.evidence)} evidence linked")
            else:
                t.append("Not tagged", style="bold")
                t.append(" · your note is kept without a tag", style="")
            t.append("\n")
            if annotation.unconfirmed:
                t.append("Moved here by a fuzzy match", style="bold yellow")
                then = "x clears" if annotation.is_tag else "a edits the note"
                t.append(f" (y confirms, {then}). It was:\n", style="")
                t.indented(visible(annotation.anchor_quote), style="italic")
            if annotation.note:
                t.append("Note: ", style="bold")
                note = annotation.note
                if len(note) > NOTE_SHOWN_CHARS:
                    more = len(note) - NOTE_SHOWN_CHARS
                    note = f"{note[:NOTE_SHOWN_CHARS]}… ({more:,} more characters)"
                t.append(visible(note) + "\n", style="italic")
        if others:
            t.append("Reviewers: ", style="bold")
            for i, (who, label) in enumerate(others):
                if i:
                    t.append(", ")
                t.append(f"{one_line(who)} ", style="")
                t.append(label, style=LABEL_STYLE.get(label, "dim"))
            t.append("\n")
            for who, (note, evidence) in sorted((details or {}).items()):
                said = []
                if note:
                    said.append(f"note: {one_line(note)}")
                if evidence:
                    said.append("evidence: " + ", ".join(one_line(d) for d in evidence))
                t.indented(f"{one_line(who)}: " + " · ".join(said), style="italic")
        if blind:
            t.append("\nBlind review", style="bold")
            t.append(": tag this sentence (s, c or f) to see what the engine found about it.",
                     style="dim")  # fmt: skip
        elif assessment is None:
            t.append("\nScoring…", style="dim")
        else:
            t.append("\n")
            t.append(assessment.kind, style=KIND_STYLE.get(assessment.kind, ""))
            t.append(f"  score {assessment.score:.2f}\n")
            for reason in assessment.reasons:
                t.bullet(visible(reason), style="")
            if assessment.receipts:
                t.append("Checked", style="bold")
                t.append("  (what was searched for each unsupported detail)\n", style="dim")
                for r in assessment.receipts:
                    t.indented(visible(r.line()), style="")
            if assessment.evidence:
                t.append("\nClosest in other documents", style="bold")
                t.append("  (1-9 links as evidence)\n", style="dim")
            linked = {(e.doc, e.start, e.end) for e in annotation.evidence} if annotation else set()
            # One line per item heading: a long grouped name is cut in its middle, not wrapped.
            name_width = max(self.scrollable_content_region.width - 24, 12)
            for n, m in enumerate(assessment.evidence, 1):
                t.append(f"{n} ", style="bold reverse")
                t.append(f" {fit(one_line(m.doc), name_width)} ", style="bold")
                t.append(f"{m.similarity:.2f} ")
                t.append(m.stance, style=STANCE_STYLE.get(m.stance, ""))
                if (m.doc, m.start, m.end) in linked:
                    t.append("  ✓ linked", style="bold cyan")
                t.indented(visible(m.text), style="")
        t.append("\n")
        t.append(BLIND_LEGEND if self.blind else LEGEND, style="dim")
        self._body = t
        self._render_body()
        self.scroll_home(animate=False)
