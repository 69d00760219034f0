"""How the terminal driver reads an escape with a key right behind it (reviewer.driver.KeyParser):
escape then the key outside text fields, as Textual reads it inside them."""

from __future__ import annotations

import pytest

from reviewer.key_parser import KeyParser


def keys(data: str, typing: bool) -> list[str]:
    parser = KeyParser(typing=lambda: typing)
    events = list(parser.feed(data)) + list(parser.feed(""))  # "" ends the input: flushes
    return [e.key for e in events]


@pytest.mark.parametrize(
    ("data", "outside", "inside"),
    [
        ("\x1bj", ["escape", "j"], ["alt+j"]),
        ("\x1bJ", ["escape", "J"], ["alt+shift+j"]),
        ("\x1bf", ["escape", "f"], ["ctrl+right"]),  # option+right, macOS Terminal
        ("\x1bb", ["escape", "b"], ["ctrl+left"]),
        ("\x1b1", ["escape", "1"], ["inverted_exclamation_mark"]),
        ("\x1b=", ["escape", "equals_sign"], ["not_equal_to"]),
        ("\x1b/", ["escape", "slash"], ["slash"]),
        ("\x1bjs", ["escape", "j", "s"], ["alt+j", "s"]),
        # Not an escape and a printable key: read as Textual reads them, everywhere.
        ("\x1b", ["escape"], ["escape"]),
        ("\x1b\x1b", ["escape", "escape"], ["escape", "escape"]),
        ("\x1b[A", ["up"], ["up"]),
        ("\x1b[1;5C", ["ctrl+right"], ["ctrl+right"]),
        ("\x1b\x7f", ["ctrl+w"], ["ctrl+w"]),
        ("\x1b\t", ["shift+tab"], ["shift+tab"]),
        ("js", ["j", "s"], ["j", "s"]),
    ],
)
def test_an_escape_and_a_key_together(data: str, outside: list[str], inside: list[str]):
    assert keys(data, typing=False) == outside
    assert keys(data, typing=True) == inside


def test_an_app_that_cannot_answer_is_read_as_textual_reads_it():
    def gone() -> bool:
        raise IndexError("no screen")

    parser = KeyParser(typing=gone)
    assert [e.key for e in [*parser.feed("\x1bf"), *parser.feed("")]] == ["ctrl+right"]
