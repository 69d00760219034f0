from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.style import Style
from rich.text import Text

from reviewer.widgets.document_list import styled

STYLES = st.sampled_from(["", "bold", Style(color="red"), Style(), Style(bold=True, dim=True)])


@given(
    st.lists(st.tuples(st.text(alphabet="ab …·!\n0é✓", max_size=6), STYLES), max_size=5),
    st.sampled_from(["", "bold"]),
)
def test_an_entry_built_at_once_is_the_entry_built_part_by_part(parts, style):
    # The list's entries are built with ``styled`` (no control codes left in their parts):
    # it must give exactly what rich's appends give, spans, offsets and base style included.
    reference = Text(style=style)
    for part, part_style in parts:
        reference.append(part, style=part_style)
    built = styled(*parts, style=style)
    assert built.plain == reference.plain
    assert built.spans == reference.spans
    assert built.style == reference.style
    assert built == reference
