"""Why the current sentence is suspect, and the closest sentences in the other documents."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from reviewer.core.limits import NOTE_SHOWN_CHARS
from reviewer.core.printable import one_line, visible
from reviewer.core.store import Annotation
from reviewer.core.suspects import Assessment
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


class EvidencePanel(VerticalScroll, can_focus=False):
    ALLOW_MAXIMIZE = True  # e gives it the whole screen on a small terminal

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
    ) -> None:
        st = self._styles()
        t = Text()
        t.append(visible(position) + "\n", style=st("dim"))
        if annotation is not None:
            t.append("Tagged ", style=st("bold"))
            t.append(annotation.label, style=st(LABEL_STYLE[annotation.label]))
            if annotation.evidence:
                t.append(f" · {len(annotation.evidence)} evidence linked")
            t.append("\n")
            if annotation.unconfirmed:
                t.append("Moved here by a fuzzy match", style=st("bold yellow"))
                t.append(" (y confirms, x clears). It was:\n", style=st(""))
                t.append(f"  {visible(annotation.anchor_quote)}\n", style=st("italic"))
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
        if assessment is None:
            t.append("\nScoring…", style=st("dim"))
        else:
            t.append("\n")
            t.append(assessment.kind, style=st(KIND_STYLE.get(assessment.kind, "")))
            t.append(f"  score {assessment.score:.2f}\n")
            for reason in assessment.reasons:
                t.append(f"• {visible(reason)}\n")
            if assessment.receipts:
                t.append("Checked", style=st("bold"))
                t.append("  (what was searched for each unsupported detail)\n", style=st("dim"))
                for r in assessment.receipts:
                    t.append(f"  {visible(r.line())}\n")
            if assessment.evidence:
                t.append("\nClosest in other documents", style=st("bold"))
                t.append("  (1-9 links as evidence)\n", style=st("dim"))
            linked = {(e.doc, e.start, e.end) for e in annotation.evidence} if annotation else set()
            for n, m in enumerate(assessment.evidence, 1):
                t.append(f"{n} ", style=st("bold reverse"))
                t.append(f" {one_line(m.doc)} ", style=st("bold"))
                t.append(f"{m.similarity:.2f} ")
                t.append(m.stance, style=st(STANCE_STYLE.get(m.stance, "")))
                if (m.doc, m.start, m.end) in linked:
                    t.append("  ✓ linked", style=st("bold cyan"))
                t.append(f"\n  {visible(m.text)}\n", style=st(""))
        self.query_one("#evidence-body", Static).update(t)
        self.scroll_home(animate=False)
