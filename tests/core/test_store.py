from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core import store as store_module
from reviewer.core.store import (
    Annotation,
    Evidence,
    Store,
    StoreError,
    StoreWriteError,
    anchor_all,
    dumps,
    load,
    loads,
)

T = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)


def ann(doc="b.txt", start=0, end=5, quote="Hello", label="fabricated", **kw) -> Annotation:
    return Annotation(doc, start, end, quote, label, created=T, updated=T, **kw)


def test_documented_format_round_trips(tmp_path: Path):
    a = ann(
        note='said "twice"\\ and\nmore',
        suspicion=0.83,
        evidence=(Evidence("a.txt", 10, 80, "An evidence quote."),),
    )
    text = dumps("ana", "seeds", [a])
    assert text.startswith('schema = 1\nannotator = "ana"\ncorpus = "seeds"\n')
    assert "created = 2026-11-22T10:00:00Z" in text
    assert "[[annotation.evidence]]" in text
    parsed = loads(text, tmp_path / "ana.toml")
    assert parsed.annotations == (a,)
    assert parsed.annotator == "ana" and parsed.corpus == "seeds"


def test_annotations_are_written_in_document_then_offset_order(tmp_path: Path):
    store = Store(tmp_path / "ana.toml", "ana", "seeds")
    store.save(
        [ann("b.txt", 50, 60, "x" * 10), ann("a.txt", 9, 12, "abc"), ann("b.txt", 3, 4, "y")]
    )
    data = tomllib.loads((tmp_path / "ana.toml").read_text())
    assert [(a["doc"], a["start"]) for a in data["annotation"]] == [
        ("a.txt", 9),
        ("b.txt", 3),
        ("b.txt", 50),
    ]


def test_unknown_keys_are_kept(tmp_path: Path):
    text = dumps("ana", "seeds", [ann()]).replace(
        'label = "fabricated"', 'label = "fabricated"\nreviewed_by = "lee"'
    )
    a = loads(text, tmp_path / "x.toml").annotations[0]
    assert a.extra == {"reviewed_by": "lee"}
    assert 'reviewed_by = "lee"' in dumps("ana", "seeds", [a])


def test_cached_chunks_render_the_same_as_a_fresh_dump(tmp_path: Path):
    store = Store(tmp_path / "ana.toml", "ana", "seeds")
    items = [ann(start=i, end=i + 1, quote="x") for i in range(50)]
    first = store.render(items)
    items[7] = items[7].with_changes(label="supported")
    assert store.render(items) == dumps("ana", "seeds", items) != first


def test_invalid_toml_names_file_and_line(tmp_path: Path):
    f = tmp_path / "ana.toml"
    f.write_text('schema = 1\nannotator = "ana"\n[[annotation]\n')
    with pytest.raises(StoreError, match=r"ana\.toml: not valid TOML .*line 3"):
        load(f)


def test_unknown_schema_and_bad_annotation_name_the_line(tmp_path: Path):
    f = tmp_path / "ana.toml"
    f.write_text('annotator = "ana"\nschema = 7\n')
    with pytest.raises(StoreError, match=r"ana\.toml:2: unknown schema 7"):
        load(f)
    good = dumps("ana", "c", [ann(), ann(start=9, end=10, quote="q")])
    lines = good.splitlines()
    second = [i for i, ln in enumerate(lines) if ln == "[[annotation]]"][1]
    label_line = next(i for i in range(second, len(lines)) if lines[i].startswith("label"))
    lines[label_line] = 'label = "maybe"'
    f.write_text("\n".join(lines) + "\n")
    line = second + 1
    with pytest.raises(StoreError, match=rf'ana\.toml:{line}: annotation 2: unknown label "maybe"'):
        load(f)


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path, monkeypatch):
    f = tmp_path / "ana.toml"
    store = Store(f, "ana", "c")
    store.save([ann()])
    before = f.read_bytes()

    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "write", full)
    with pytest.raises(StoreWriteError, match="No space left on device"):
        store.save([ann(), ann(start=7, end=8, quote="z")])
    assert f.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ana.toml"]


def test_reanchor_exact_moved_and_fuzzy_and_orphan():
    old = "Intro sentence. The mayor opened the bridge on Monday. Closing words here."
    a = ann("d", 16, 54, "The mayor opened the bridge on Monday.")
    # Unchanged.
    assert anchor_all([a], {"d": (old, [(16, 54)])}).anchored == (a,)
    # Text inserted before: found by exact quote at a new offset.
    moved_text = "New first line. " + old
    r = anchor_all([a], {"d": (moved_text, [(32, 70)])})
    assert r.moved == 1 and r.anchored[0].start == 32
    assert moved_text[r.anchored[0].start : r.anchored[0].end] == a.quote
    # Sentence lightly edited: fuzzy match snapped to the sentence.
    edited = "Intro sentence. The mayor opened the new bridge on Monday. Closing words here."
    r = anchor_all([a], {"d": (edited, [(0, 15), (16, 58), (59, 78)])})
    assert r.anchored[0].quote == "The mayor opened the new bridge on Monday."
    # Gone: kept as an orphan, not dropped.
    r = anchor_all([a], {"d": ("Something else entirely.", [(0, 24)])})
    assert r.orphans == (a,) and r.anchored == ()
    r = anchor_all([a], {})
    assert r.orphans == (a,)


def test_unknown_top_level_keys_survive_a_rewrite(tmp_path: Path):
    f = tmp_path / "merged.toml"
    extra = {"source": "merge", "disagreement": [{"doc": "a.txt", "start": 1, "votes": {"x": "s"}}]}
    f.write_text(dumps("merged", "c", [ann()], extra))
    loaded = load(f)
    assert dict(loaded.extra) == extra
    store = Store(f, "merged", "c", loaded.extra, loaded.signature)
    store.save([ann(), ann(start=9, end=10, quote="q")])
    again = load(f)
    assert dict(again.extra) == extra and len(again.annotations) == 2


def test_date_times_keep_microseconds_and_offsets(tmp_path: Path):
    from datetime import timedelta, timezone

    odd = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=2)))
    a = Annotation("d", 0, 1, "x", "supported", created=odd, updated=T)
    text = dumps("ana", "c", [a])
    assert "created = 2026-01-02T03:04:05.678901+02:00" in text
    assert loads(text, tmp_path / "x.toml").annotations[0].created == odd


_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30
)  # any character UTF-8 can hold: quotes, backslashes, newlines, controls, emoji
_annotation = st.builds(
    Annotation,
    doc=st.sampled_from(["a.txt", "g/b.md", "g/é c.txt", 'q"d.txt']),
    start=st.integers(0, 60),
    end=st.integers(61, 90),
    quote=_texts,
    # "": a note on an untagged sentence (it must hold a note; see the map below)
    label=st.sampled_from(["supported", "contradicted", "fabricated", ""]),
    note=_texts,
    suspicion=st.one_of(st.none(), st.floats(0, 1)),
    created=st.one_of(st.none(), st.just(T)),
    updated=st.one_of(st.none(), st.just(T)),
    evidence=st.lists(
        st.builds(
            Evidence,
            st.sampled_from(["a.txt", "g/b.md"]),
            st.integers(0, 9),
            st.integers(10, 20),
            _texts,
        ),
        max_size=3,
    ).map(tuple),
    extra=st.dictionaries(
        st.sampled_from(["reviewed_by", "receipts", "weird key"]),
        st.one_of(_texts, st.lists(st.dictionaries(st.just("v"), _texts, max_size=1), max_size=2)),
        max_size=2,
    ),
).map(lambda a: a if a.label or a.note.strip() else a.with_changes(note="to check"))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_annotation, max_size=25, unique_by=lambda a: (a.doc, a.start, a.end)),
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.sampled_from(["supported", "fabricated", "untag", "new", None]),
            st.booleans(),
        ),
        max_size=12,
    ),
)
def test_incremental_emitter_writes_the_same_bytes_as_a_full_serialisation(items, changes):
    """A save given only what changed edits the previous file's entries in place; after any
    sequence of edits, inserts and removals (sometimes several per save, sometimes a full
    save between) the bytes must be what serialising every annotation afresh gives, and read
    back to the same annotations."""
    store = Store(Path("unused.toml"), "ana", "seeds", extra={"team": "desk"})
    held = {(a.doc, a.start, a.end): a for a in items}
    delta: dict = {}
    first = True
    for i, label, save_now in [(0, "", True), *changes]:
        keys = sorted(held)
        if label == "new":
            a = Annotation("g/b.md", 100 + i, 101 + i, f"new {i}", "supported")
            held[a.key] = delta[a.key] = a
        elif keys and label is None:
            k = keys[i % len(keys)]
            del held[k]
            delta[k] = None
        elif keys and label:
            k = keys[i % len(keys)]
            label = "" if label == "untag" else label  # the tag goes, a note stays
            held[k] = delta[k] = held[k].with_changes(label=label, note=held[k].note + "!")
        if not save_now:
            continue  # changes pile up, as they do while the writer is busy
        saved = store.encode(list(held.values()), None if first else delta)
        first, delta = False, {}
        fresh = store_module.header("ana", "seeds", {"team": "desk"}) + "".join(
            "\n" + store_module._chunk(a)
            for a in sorted(held.values(), key=lambda a: (a.doc, a.start, a.end))
        )
        assert saved == fresh.encode("utf-8")
        assert store.render(held.values()) == fresh
        back = loads(saved.decode("utf-8"), Path("ana.toml")).annotations
        assert sorted((a.doc, a.start, a.label, a.quote, a.note) for a in back) == sorted(
            (a.doc, a.start, a.label, a.quote, a.note) for a in held.values()
        )


class _BrokenHelper:
    """A replacer whose helper is up but whose hand-over fails in a way nobody planned for."""

    available = True

    def start(self, path: Path, data: bytes) -> bool:
        raise RuntimeError("a bug in the hand-over")


def test_a_save_that_cannot_be_handed_over_is_written_in_full_by_the_next_save(tmp_path: Path):
    """start_save runs on the key's path: whatever fails there, it returns False (never
    raises), and the entries it had already edited in place are not trusted: the next save
    encodes the whole set, so the file holds exactly the annotations."""
    f = tmp_path / "ana.toml"
    store = Store(f, "ana", "c")
    first = [ann(), ann(start=7, end=8, quote="z")]
    store.save(first)
    changed = first[1].with_changes(label="supported", note="checked")
    held = [first[0], changed]
    assert store.start_save(held, {changed.key: changed}, _BrokenHelper()) is False  # type: ignore[arg-type]
    assert loads(f.read_text("utf-8"), f).annotations == load(f).annotations  # untouched
    # Whatever the caller passes next, the bytes are the annotations it passes (here the change
    # was taken back, and nothing is named as changed): the entry edited in place is not kept.
    store.save(first, {})
    assert f.read_bytes() == dumps("ana", "c", first).encode("utf-8")


def test_reading_a_set_leaves_the_garbage_collector_as_it_was(tmp_path: Path):
    """Sets are read with the cyclic collector paused (no cycles, a million objects): it must be
    on again afterwards, even when the set is refused, or an app open for hours would keep every
    cycle it ever made."""
    import gc

    good = dumps("ana", "c", [ann()])
    bad = good.replace('label = "fabricated"', 'label = "maybe"')
    assert gc.isenabled()
    assert loads(good, tmp_path / "a.toml").annotations[0].label == "fabricated"
    assert gc.isenabled()
    with pytest.raises(StoreError, match="unknown label"):
        loads(bad, tmp_path / "a.toml")
    assert gc.isenabled()
    gc.disable()
    try:
        loads(good, tmp_path / "a.toml")
        assert not gc.isenabled()  # whoever turned it off turns it on
    finally:
        gc.enable()
