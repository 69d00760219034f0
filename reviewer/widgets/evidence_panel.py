"""Why the current sentence is suspect, and the closest sentences in the other documents."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from reviewer.core.limits import NOTE_SHOWN_CHARS
from reviewer.core.printable import one_line, visible
from reviewer.core.store import Annotation
from reviewer.core.suspects import Assessment

KIND_STYLE = {
    "conflict": "bold red",
    "unsupported": "bold yellow",
    "corroborated": "green",
    "opinion": "dim",
    "unchecked": "dim",
}
STANCE_STYLE = {"agrees": "green", "conflicts": "bold red", "related": "dim"}
LABEL_STYLE = {"supported": "bold green", "contradicted": "bold red", "fabricated": "bold magenta"}


class EvidencePanel(VerticalScroll, can_focus=False):
    def compose(self):
        yield Static(id="evidence-body")

    def show(
        self,
        position: str,
        assessment: Assessment | None,
        annotation: Annotation | None,
        others: list[tuple[str, str]] | None = None,
    ) -> None:
        t = Text()
        t.append(visible(position) + "\n", style="dim")
        if annotation is not None:
            t.append("Tagged ", style="bold")
            t.append(annotation.label, style=LABEL_STYLE[annotation.label])
            if annotation.evidence:
                t.append(f" · {len(annotation.evidence)} evidence linked")
            t.append("\n")
            if annotation.unconfirmed:
                t.append("Moved here by a fuzzy match", style="bold yellow")
                t.append(" (y confirms, x clears). It was:\n", style="")
                t.append(f"  {visible(annotation.anchor_quote)}\n", style="italic")
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
        if assessment is None:
            t.append("\nScoring…", style="dim")
        else:
            t.append("\n")
            t.append(assessment.kind, style=KIND_STYLE.get(assessment.kind, ""))
            t.append(f"  score {assessment.score:.2f}\n")
            for reason in assessment.reasons:
                t.append(f"• {visible(reason)}\n")
            if assessment.receipts:
                t.append("Checked", style="bold")
                t.append("  (what was searched for each unsupported detail)\n", style="dim")
                for r in assessment.receipts:
                    t.append(f"  {visible(r.line())}\n")
            if assessment.evidence:
                t.append("\nClosest in other documents", style="bold")
                t.append("  (1-9 links as evidence)\n", style="dim")
            linked = {(e.doc, e.start, e.end) for e in annotation.evidence} if annotation else set()
            for n, m in enumerate(assessment.evidence, 1):
                t.append(f"{n} ", style="bold reverse")
                t.append(f" {one_line(m.doc)} ", style="bold")
                t.append(f"{m.similarity:.2f} ")
                t.append(m.stance, style=STANCE_STYLE.get(m.stance, ""))
                if (m.doc, m.start, m.end) in linked:
                    t.append("  ✓ linked", style="bold cyan")
                t.append(f"\n  {visible(m.text)}\n", style="")
        self.query_one("#evidence-body", Static).update(t)
        self.scroll_home(animate=False)
