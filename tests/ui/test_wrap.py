"""Word wrapping of the document view and the evidence panel: the one-cell fast path agrees
with measuring every character, rows never overflow, and the panel keeps its indents."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size
from rich.style import Style

from reviewer.widgets import document_view
from reviewer.widgets.document_view import ONE_CELL, wrap
from reviewer.widgets.evidence_panel import _Body

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
# Spaces and words, with what the fast path must leave to the slow one: wide, zero-width and
# combining characters, emoji, tabs, carriage returns, line breaks.
_text = st.text(
    alphabet=st.sampled_from(list("ab cdef  gh\n") + ["é", "“", "—", "中", "\u0301", "\u200b",
                                                      "\u25fd", "\t", "\r", "😀", "я"]),
    max_size=200,
)  # fmt: skip


def _measured(monkeypatch, text: str, width: int) -> list[tuple[int, int]]:
    """``wrap`` with the fast path off: every character measured."""
    with monkeypatch.context() as m:
        m.setattr(document_view, "ONE_CELL", re.compile("(?!)"))
        return wrap(text, width)


@SETTINGS
@given(text=_text, width=st.integers(min_value=0, max_value=40))
def test_the_one_cell_fast_path_wraps_as_measuring_every_character_does(
    monkeypatch, text: str, width: int
):
    assert wrap(text, width) == _measured(monkeypatch, text, width)


@SETTINGS
@given(text=_text, width=st.integers(min_value=4, max_value=40))
def test_rows_fit_the_width_and_keep_every_word_in_order(text: str, width: int):
    rows = wrap(text, width)
    for start, end in rows:
        piece = text[start:end]
        # A row is only wider than the width when it is one character too wide to fit anywhere.
        assert cell_len(piece) <= width or len(piece) == 1, (piece, width)
        assert not piece.startswith(" ") or start == 0 or text[start - 1] == "\n", piece
    shown = "".join(text[a:b] for a, b in rows)
    assert "".join(shown.split()) == "".join(text.split())  # nothing shown twice or lost


def test_a_word_that_fills_the_row_exactly_stays_on_it():
    text = "abcd efgh ij"
    assert [text[a:b] for a, b in wrap(text, 4)] == ["abcd", "efgh", "ij"]
    assert [text[a:b] for a, b in wrap(text, 9)] == ["abcd efgh", "ij"]
    assert [text[a:b] for a, b in wrap(text, 8)] == ["abcd ", "efgh ij"]


def test_every_character_the_fast_path_trusts_takes_one_cell():
    every = (chr(c) for c in range(0x10000))
    trusted = [c for c in every if c.isprintable() and ONE_CELL.fullmatch(c)]
    assert len(trusted) > 1000
    wide = [c for c in trusted if get_character_cell_size(c) != 1]
    assert not wide, [hex(ord(c)) for c in wide]


def _panel_rows(width: int) -> list[str]:
    body = _Body()
    body.append("doc 1 · claim 3 of 9\n")
    body.append("unsupported", "bold")
    body.append("  score 0.73\n")
    body.bullet("most of its content appears in no other document of the group")
    body.append("\nClosest in other documents\n")
    body.append("1 ")
    body.append("002.txt 0.30 related")
    body.indented("The two leaders signed a joint statement vowing to deepen cooperation.")
    strips = body.lines(width, lambda spec: Style(bold="bold" in spec))
    assert all(strip.cell_length == width for strip in strips)
    return ["".join(segment.text for segment in strip).rstrip() for strip in strips]


def test_the_evidence_panel_keeps_a_bullet_and_a_quote_indented_when_they_wrap():
    assert _panel_rows(24) == [
        "doc 1 · claim 3 of 9",
        "unsupported  score 0.73",
        "• most of its content",
        "  appears in no other",
        "  document of the group",
        "",
        "Closest in other",
        "documents",
        "1 002.txt 0.30 related",
        "  The two leaders signed",  # 24 cells: a word that fills the row stays on it
        "  a joint statement",
        "  vowing to deepen",
        "  cooperation.",
    ]


def test_the_evidence_panel_cuts_a_word_longer_than_its_width_instead_of_hiding_it():
    body = _Body()
    body.indented("a" * 30)
    rows = ["".join(s.text for s in strip) for strip in body.lines(12, lambda spec: Style())]
    assert rows == ["  " + "a" * 10] * 3


def test_the_evidence_panel_resolves_each_run_s_style_when_it_draws():
    body = _Body()
    body.append("unsupported", "bold")
    body.append("  score 0.73")
    body.bullet("a reason", "italic")
    styles = {"bold": Style(bold=True), "italic": Style(italic=True), "": Style(dim=True)}
    drawn = [(seg.text, seg.style) for strip in body.lines(30, styles.__getitem__) for seg in strip]
    assert ("unsupported", styles["bold"]) in drawn
    assert ("  score 0.73", styles[""]) in drawn
    assert ("• ", styles["italic"]) in drawn and ("a reason", styles["italic"]) in drawn
