"""The fast reader of the app's own TOML answers exactly as tomli does, or declines.

``canonical_toml.loads`` must never accept a text tomli refuses, and never give another value
(another type, another key order, another date): it is held to tomli's answers on sets the app
writes and on random edits of them, compared by type and repr, not by ``==`` (1 == 1.0 == True).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core import canonical_toml, store
from reviewer.core.store import Annotation, Evidence, StoreError, dumps, loads
from tests.core.test_store import _annotation

T = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)


def strict(x: Any) -> Any:
    """A value as a tree of (type, repr): what ``==`` would blur (1, 1.0, True) stays apart."""
    if isinstance(x, dict):
        return ("dict", tuple((k, strict(v)) for k, v in x.items()))
    if isinstance(x, list):
        return ("list", tuple(strict(v) for v in x))
    return (type(x).__name__, repr(x))


def reference(text: str) -> Any:
    try:
        return strict(tomli.loads(text))
    except (tomli.TOMLDecodeError, ValueError, RecursionError):
        return "refused"


def full_set() -> str:
    """A set with every field the app writes, escapes of every kind, and a note alone."""
    odd = 'tab\there "quoted" back\\slash\nnew line \x00\x1b\x7f é 😀 \u2028'
    return dumps(
        "ana",
        "corpus",
        [
            Annotation(
                "g/a.txt", 0, 10, odd, "fabricated", odd, 0.1234, T, T,
                (Evidence("g/b.txt", 3, 9, "x"), Evidence("g/c.txt", 0, 2, odd)),
            ),
            Annotation("g/a.txt", 11, 20, "plain", "", "only a note", None, T, T),
            Annotation("g/a.txt", 21, 30, "moved", "supported", anchor="fuzzy", anchor_quote="old"),
            Annotation("g/a.txt", 31, 40, "kept", "supported", extra={"reviewed_by": "bo", "n": 3}),
        ],
        {"team": "desk", "round": 2, "final": False, "ratio": 0.5},
    )  # fmt: skip


def test_a_set_as_the_app_writes_it_is_read_fast_and_as_tomli_reads_it():
    text = full_set()
    fast = canonical_toml.loads(text)
    assert fast is not None, "the app's own shape must take the fast path"
    assert strict(fast) == reference(text)
    assert fast["annotation"][0]["quote"].startswith('tab\there "quoted" back\\slash\n')
    assert fast["annotation"][0]["evidence"][1]["doc"] == "g/c.txt"


def test_store_reads_its_own_sets_without_tomli(monkeypatch, tmp_path: Path):
    text = full_set()

    def no_tomli(_text: str) -> None:
        raise AssertionError("tomli was asked to parse a set in the app's own shape")

    monkeypatch.setattr(store.tomli, "loads", no_tomli)
    loaded = loads(text, tmp_path / "ana.toml")
    assert [a.label for a in loaded.annotations] == ["fabricated", "", "supported", "supported"]
    assert loaded.annotations[0].evidence[1] == Evidence(
        "g/c.txt", 0, 2, loaded.annotations[0].quote
    )
    assert dict(loaded.extra) == {"team": "desk", "round": 2, "final": False, "ratio": 0.5}


@pytest.mark.parametrize(
    "edit",
    [
        ("schema = 1\n", "schema = 1 # the version\n"),  # a comment
        ('label = "fabricated"\n', 'label  =  "fabricated"\n'),  # aligned by hand
        ('label = "fabricated"\n', 'label = "fabricated"\nlabel = "supported"\n'),  # twice
        ('label = "fabricated"\n', "label = 'fabricated'\n"),  # a literal string
        ("\n", "\r\n"),  # CRLF line ends
        ("start = 0\n", "start = 00\n"),  # not a TOML integer
        ("start = 0\n", "start = +0\n"),
        ("start = 0\n", "start = 1_000\n"),
        ('quote = "plain"', 'quote = "\\ud800"'),  # an escaped surrogate
        ('quote = "plain"', 'quote = "\\U00110000"'),  # past the last code point
        ('quote = "plain"', 'quote = "\\e"'),  # an escape tomli-w never writes
        ('quote = "plain"', 'quote = "\\u00zz"'),
        ('quote = "plain"', 'quote = "a\x00b"'),  # controls other than tab, unescaped
        ('quote = "plain"', 'quote = "a\x1fb"'),
        ('quote = "plain"', 'quote = "a\x7fb"'),
        ("start = 0\n", "start = " + "9" * 5000 + "\n"),  # past what int() converts
        ("2026-11-22T10:00:00Z", "2026-02-30T10:00:00Z"),  # no such day
        ("2026-11-22T10:00:00Z", "2026-11-22 10:00:00Z"),
        ("2026-11-22T10:00:00Z", "2026-11-22T10:00:00.5+01:00"),
        ("[[annotation]]\n", "[annotation]\n"),
        ("[[annotation.evidence]]\n", "[annotation.evidence]\n"),
        ('team = "desk"\n', 'team = "desk"\nannotation = 1\n'),
        ("suspicion = 0.1234\n", "suspicion = 0.1234\nevidence = 1\n"),  # then its tables
        ('reviewed_by = "bo"\n', 'reviewed_by = ["bo"]\n'),
        ('reviewed_by = "bo"\n', 'reviewed_by = { who = "bo" }\n'),
        ('reviewed_by = "bo"\n', '"reviewed by" = "bo"\n'),
        ('reviewed_by = "bo"\n', 'reviewed.by = "bo"\n'),
        ("ratio = 0.5\n", "ratio = nan\n"),
        ("n = 3\n", "n = 3"),  # no line end at the end of the file
    ],
)
def test_anything_else_is_left_to_tomli(edit):
    text = full_set()
    old, new = edit
    assert old in text
    changed = text.replace(old, new, 1)
    assert canonical_toml.loads(changed) is None
    # The store still answers: tomli reads what is valid, and words what is not.
    try:
        expected = tomli.loads(changed)
    except (tomli.TOMLDecodeError, ValueError):
        with pytest.raises(StoreError, match="ana.toml"):
            store._toml(changed, "ana.toml")
    else:
        assert strict(store._toml(changed, "ana.toml")) == strict(expected)


def test_tables_in_another_order_or_with_more_keys_are_read_line_by_line():
    text = full_set()
    # Evidence with a key of its own, an annotation's keys in another order, blank lines.
    changed = (
        text.replace('quote = "x"\n', 'quote = "x"\nseen = true\n', 1)
        .replace('start = 11\nend = 20\n', 'end = 20\n\nstart = 11\n', 1)
    )  # fmt: skip
    assert changed != text
    fast = canonical_toml.loads(changed)
    assert fast is not None and strict(fast) == reference(changed)
    assert fast["annotation"][0]["evidence"][0]["seen"] is True


_TRICKY = [
    '"', "\\", "\n", "\r\n", "\t", " ", "=", "[", "]", "[[annotation]]\n",
    "[[annotation.evidence]]\n", "#", "\x00", "\x7f", "\\u", "\\uD800", "\\u00e9",
    "\\U00110000", "\\U0001F600", "\\e", "\\x41", "'", '"""', "1", "0", "-", "+", ".", "e",
    "_", "T", "Z", "z", ":", "2026-02-30T10:00:00Z", 'label = "x"\n', 'doc = "y"\n',
    "evidence = 1\n", "annotation = 1\n", "true", "inf", "nan", "é", "\ufeff", " = ",
    "key = 1\n", "99999999999999999999", "1e5", "1.5e+400", "[[annotation.evidence]]\nx = 1\n",
]  # fmt: skip

_edit = st.tuples(
    st.sampled_from(["insert", "delete", "duplicate line", "drop line", "swap lines"]),
    st.integers(0, 10**6),
    st.integers(1, 6),
    st.sampled_from(_TRICKY),
)


def _apply(text: str, edit: tuple[str, int, int, str]) -> str:
    what, at, size, token = edit
    if what in ("insert", "delete"):
        i = at % (len(text) + 1)
        return text[:i] + token + text[i:] if what == "insert" else text[:i] + text[i + size :]
    lines = text.split("\n")
    i, j = at % len(lines), (at + size) % len(lines)
    if what == "duplicate line":
        lines.insert(i, lines[i])
    elif what == "drop line":
        del lines[i]
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(_edit, min_size=1, max_size=3), base=st.sampled_from([0, 1]))
def test_edited_sets_are_read_as_tomli_reads_them_or_declined(edits, base):
    text = full_set() if base == 0 else dumps("b", "c", [Annotation("a", 0, 1, "q", "supported")])
    for edit in edits:
        text = _apply(text, edit)
    fast = canonical_toml.loads(text)
    if fast is not None:
        assert reference(text) != "refused", f"accepted what tomli refuses: {text!r}"
        assert strict(fast) == reference(text)


_odd_stamps = st.one_of(
    st.none(),
    st.just(T),
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(timezones=st.just(timezone(timedelta(hours=-5)))),
)


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(_annotation, max_size=12, unique_by=lambda a: (a.doc, a.start, a.end)),
    created=_odd_stamps,
)
def test_random_sets_the_app_writes_are_read_as_tomli_reads_them(items, created):
    items = [a.with_changes(created=created) for a in items]
    text = dumps("ana", "seeds", items, {"team": "desk"})
    fast = canonical_toml.loads(text)
    plain = all(not a.extra for a in items) and (
        created is None or created.utcoffset() == timedelta(0) and not created.microsecond
    )
    if plain:
        assert fast is not None, "a set without unknown keys must take the fast path"
    if fast is not None:
        assert strict(fast) == reference(text)


@settings(max_examples=400, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 40), min_size=1, max_size=8),
    limit=st.integers(1, 20),
)
def test_the_long_line_check_finds_the_first_line_over_the_limit(lengths, limit):
    """The check that guards tomli against huge lines looks at one stretch of the text per half
    limit: the answer must be what counting every line gives."""
    lines = ["x" * n for n in lengths]
    text = "\n".join(lines)
    expected = next((n for n, line in enumerate(lines, 1) if len(line) > limit), 0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "MAX_LINE_CHARS", limit)
        assert store._long_line(text) == expected
