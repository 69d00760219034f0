"""Why the current sentence is suspect, and the closest sentences in the other documents."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from reviewer.core.limits import NOTE_SHOWN_CHARS
from reviewer.core.printable import one_line, visible
from reviewer.core.store import Annotation
from reviewer.core.suspects import Assessment
from reviewer.widgets.document_list import fit
from reviewer.widgets.palette import Palette, palette

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


class _Body:
    """The panel's text: runs of ``Text``, and blocks whose wrapped lines stay indented under
    their item (a quote under its evidence number, a reason after its bullet)."""

    def __init__(self) -> None:
        self.parts: list[RenderableType] = []
        self.text = Text()

    def append(self, s: str, style: Style | str = "") -> None:
        self.text.append(s, style=style)

    def _flush(self) -> None:
        if self.text.plain.endswith("\n"):
            self.text.right_crop(1)  # each part is its own line already
        if self.text.plain or self.parts:
            self.parts.append(self.text)
        self.text = Text()

    def indented(self, s: str, style: Style | str = "", indent: int = 2) -> None:
        self._flush()
        self.parts.append(Padding(Text(s, style=style), (0, 0, 0, indent)))

    def bullet(self, s: str, style: Style | str = "") -> None:
        self._flush()
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text("•", style=style), Text(s, style=style))
        self.parts.append(grid)

    def renderable(self) -> Group:
        self._flush()
        return Group(*self.parts)


class EvidencePanel(VerticalScroll, can_focus=False):
    ALLOW_MAXIMIZE = True  # e gives it the whole screen on a small terminal
    blind = False  # blind review: the legend leaves out the engine's marks

    def compose(self):
        yield Static(id="evidence-body")

    def _styles(self):
        """The style resolver for the current palette (rebuilt only when the theme changes:
        ``show`` runs on every cursor move)."""
        body = self.query_one("#evidence-body", Static)
        _, background = body.background_colors
        pal = palette(self.app, background, body.styles.color)
        if pal is not getattr(self, "_pal", None):
            self._pal = pal
            self._st = _resolver(pal)
        return self._st

    def show(
        self,
        position: str,
        assessment: Assessment | None,
        annotation: Annotation | None,
        others: list[tuple[str, str]] | None = None,
        details: dict[str, tuple[str, list[str]]] | None = None,
        blind: bool = False,
    ) -> None:
        st = self._styles()
        t = _Body()
        t.append(visible(position) + "\n", style=st("dim"))
        if annotation is not None:
            if annotation.is_tag:
                t.append("Tagged ", style=st("bold"))
                t.append(annotation.label, style=st(LABEL_STYLE[annotation.label]))
                if annotation.evidence:
                    t.append(f" · {len(annotation.evidence)} evidence linked")
            else:
                t.append("Not tagged", style=st("bold"))
                t.append(" · your note is kept without a tag", style=st(""))
            t.append("\n")
            if annotation.unconfirmed:
                t.append("Moved here by a fuzzy match", style=st("bold yellow"))
                then = "x clears" if annotation.is_tag else "a edits the note"
                t.append(f" (y confirms, {then}). It was:\n", style=st(""))
                t.indented(visible(annotation.anchor_quote), style=st("italic"))
            if annotation.note:
                t.append("Note: ", style=st("bold"))
                note = annotation.note
                if len(note) > NOTE_SHOWN_CHARS:
                    more = len(note) - NOTE_SHOWN_CHARS
                    note = f"{note[:NOTE_SHOWN_CHARS]}… ({more:,} more characters)"
                t.append(visible(note) + "\n", style=st("italic"))
        if others:
            t.append("Reviewers: ", style=st("bold"))
            for i, (who, label) in enumerate(others):
                if i:
                    t.append(", ")
                t.append(f"{one_line(who)} ", style=st(""))
                t.append(label, style=st(LABEL_STYLE.get(label, "dim")))
            t.append("\n")
            for who, (note, evidence) in sorted((details or {}).items()):
                said = []
                if note:
                    said.append(f"note: {one_line(note)}")
                if evidence:
                    said.append("evidence: " + ", ".join(one_line(d) for d in evidence))
                t.indented(f"{one_line(who)}: " + " · ".join(said), style=st("italic"))
        if blind:
            t.append("\nBlind review", style=st("bold"))
            t.append(": tag this sentence (s, c or f) to see what the engine found about it.",
                     style=st("dim"))  # fmt: skip
        elif assessment is None:
            t.append("\nScoring…", style=st("dim"))
        else:
            t.append("\n")
            t.append(assessment.kind, style=st(KIND_STYLE.get(assessment.kind, "")))
            t.append(f"  score {assessment.score:.2f}\n")
            for reason in assessment.reasons:
                t.bullet(visible(reason), style=st(""))
            if assessment.receipts:
                t.append("Checked", style=st("bold"))
                t.append("  (what was searched for each unsupported detail)\n", style=st("dim"))
                for r in assessment.receipts:
                    t.indented(visible(r.line()), style=st(""))
            if assessment.evidence:
                t.append("\nClosest in other documents", style=st("bold"))
                t.append("  (1-9 links as evidence)\n", style=st("dim"))
            linked = {(e.doc, e.start, e.end) for e in annotation.evidence} if annotation else set()
            # One line per item heading: a long grouped name is cut in its middle, not wrapped.
            name_width = max(self.scrollable_content_region.width - 24, 12)
            for n, m in enumerate(assessment.evidence, 1):
                t.append(f"{n} ", style=st("bold reverse"))
                t.append(f" {fit(one_line(m.doc), name_width)} ", style=st("bold"))
                t.append(f"{m.similarity:.2f} ")
                t.append(m.stance, style=st(STANCE_STYLE.get(m.stance, "")))
                if (m.doc, m.start, m.end) in linked:
                    t.append("  ✓ linked", style=st("bold cyan"))
                t.indented(visible(m.text), style=st(""))
        t.append("\n")
        t.append(BLIND_LEGEND if self.blind else LEGEND, style=st("dim"))
        self.query_one("#evidence-body", Static).update(t.renderable())
        self.scroll_home(animate=False)
