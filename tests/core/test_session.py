from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core.corpus import load_corpus
from reviewer.core.session import ReadOnlyError, Session
from reviewer.core.store import StoreError
from tests.conftest import SEEDS, write


@pytest.fixture
def corpus():
    return load_corpus([SEEDS]).corpus


def on_disk(path: Path) -> list[dict]:
    return tomllib.loads(path.read_text()).get("annotation", []) if path.exists() else []


def test_every_change_is_on_disk_and_undo_redo_walk_history(tmp_path: Path, corpus):
    f = tmp_path / "ana.toml"
    s = Session(corpus, f, "ana")
    d = corpus.documents[0]
    c1, c2 = d.claims[0], d.claims[1]
    s.tag(d, c1, "supported", 0.25)
    assert [a["label"] for a in on_disk(f)] == ["supported"]
    assert on_disk(f)[0]["quote"] == d.text[c1.start : c1.end]
    assert on_disk(f)[0]["suspicion"] == 0.25
    s.tag(d, c1, "fabricated")
    s.set_note(d, c1, "Invented quote")
    s.toggle_evidence(d, c1, corpus.documents[1], corpus.documents[1].claims[0])
    s.tag(d, c2, "contradicted")
    rows = on_disk(f)
    assert [(r["start"], r["label"]) for r in rows] == [
        (c1.start, "fabricated"),
        (c2.start, "contradicted"),
    ]
    assert rows[0]["note"] == "Invented quote" and len(rows[0]["evidence"]) == 1
    s.undo()  # c2 tag
    s.undo()  # evidence
    rows = on_disk(f)
    assert len(rows) == 1 and "evidence" not in rows[0]
    s.redo()
    assert len(on_disk(f)[0]["evidence"]) == 1
    s.undo()
    s.undo()  # note
    s.undo()  # relabel
    assert on_disk(f)[0]["label"] == "supported"
    s.undo()  # first tag
    assert on_disk(f) == []
    assert s.undo() is None
    for _ in range(5):
        s.redo()
    assert [r["label"] for r in on_disk(f)] == ["fabricated", "contradicted"]


def test_new_change_clears_redo(tmp_path: Path, corpus):
    s = Session(corpus, tmp_path / "a.toml", "a")
    d = corpus.documents[0]
    s.tag(d, d.claims[0], "supported")
    s.undo()
    s.tag(d, d.claims[1], "supported")
    assert s.redo() is None


def test_reopening_resumes_tags_and_keeps_orphans(tmp_path: Path, seeds_copy: Path):
    corpus = load_corpus([seeds_copy]).corpus
    f = tmp_path / "ana.toml"
    s = Session(corpus, f, "ana")
    d = corpus.documents[1]
    s.tag(d, d.claims[0], "supported")
    s.tag(d, d.claims[2], "fabricated")
    s.close()
    # The document changes: a line is inserted and the second tagged sentence is removed.
    text = d.text.replace(d.text[d.claims[2].start : d.claims[2].end], "")
    (seeds_copy / d.id).write_text("A new first line was added here.\n" + text)
    corpus2 = load_corpus([seeds_copy]).corpus
    s2 = Session(corpus2, f, "ana")
    d2 = corpus2.get(d.id)
    assert s2.get(d2, d2.claims[1]).label == "supported"  # moved by one sentence
    assert [o.label for o in s2.orphans] == ["fabricated"]
    assert any("orphaned" in m for m in s2.messages)
    # A later change keeps the orphan in the file.
    s2.tag(d2, d2.claims[3], "contradicted")
    labels = sorted(r["label"] for r in on_disk(f))
    assert labels == ["contradicted", "fabricated", "supported"]


def test_bad_file_is_never_overwritten(tmp_path: Path, corpus):
    f = write(tmp_path / "ana.toml", "schema = 1\n[[annotation]\n")
    with pytest.raises(StoreError, match="line 2"):
        Session(corpus, f, "ana")
    assert f.read_text() == "schema = 1\n[[annotation]\n"


def test_second_instance_is_read_only_and_loses_nothing(tmp_path: Path, corpus):
    f = tmp_path / "ana.toml"
    first = Session(corpus, f, "ana")
    second = Session(corpus, f, "ana")
    assert not first.read_only and second.read_only
    assert any("in use" in m for m in second.messages)
    d = corpus.documents[0]
    first.tag(d, d.claims[0], "supported")
    with pytest.raises(ReadOnlyError):
        second.tag(d, d.claims[1], "fabricated")
    assert [r["label"] for r in on_disk(f)] == ["supported"]
    first.close()
    third = Session(corpus, f, "ana")
    assert not third.read_only


def test_failed_save_keeps_tags_in_memory_and_retries(tmp_path: Path, corpus, monkeypatch):
    from reviewer.core import store as store_module

    f = tmp_path / "ana.toml"
    s = Session(corpus, f, "ana")
    d = corpus.documents[0]
    real_replace = store_module.os.replace

    def no_space(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "replace", no_space)
    s.tag(d, d.claims[0], "fabricated")
    assert s.unsaved and "No space left" in s.save_error
    assert not f.exists()
    monkeypatch.setattr(store_module.os, "replace", real_replace)
    assert s.retry_save()
    assert [r["label"] for r in on_disk(f)] == ["fabricated"]


def test_note_on_an_untagged_sentence_is_kept_without_a_label(tmp_path: Path, corpus):
    """A note needs no tag: it is written as an entry without a label, survives a reopen,
    takes the first tag given (note kept), and a cleared tag leaves the note; none of it
    counts as a tag."""
    f = tmp_path / "ana.toml"
    s = Session(corpus, f, "ana")
    d = corpus.documents[0]
    c = d.claims[1]
    s.set_note(d, c, "ask the desk: which day?")
    [entry] = on_disk(f)
    assert "label" not in entry and entry["note"] == "ask the desk: which day?"
    assert entry["quote"] == d.text[c.start : c.end]
    assert s.count == 0 and s.tagged_count(d) == 0 and s.get(d, c) is None
    assert s.entry(d, c).note == "ask the desk: which day?"

    s.tag(d, c, "contradicted", 0.8)
    [entry] = on_disk(f)
    assert entry["label"] == "contradicted" and entry["note"] == "ask the desk: which day?"
    assert entry["suspicion"] == 0.8 and s.count == 1 and s.tagged_count(d) == 1

    s.clear(d, c)  # the tag goes, the note stays
    [entry] = on_disk(f)
    assert "label" not in entry and "suspicion" not in entry and s.count == 0
    s.undo()
    assert on_disk(f)[0]["label"] == "contradicted"
    s.redo()
    s.close()

    again = Session(corpus, f, "ana")
    assert again.count == 0 and again.entry(d, c).note == "ask the desk: which day?"
    with pytest.raises(ValueError, match="tag the sentence"):
        again.toggle_evidence(d, c, d, d.claims[0])  # evidence belongs to a tag
    again.set_note(d, c, "  \n")  # a blank note on an untagged sentence: the entry goes
    assert on_disk(f) == [] and again.entry(d, c) is None
    assert again.set_note(d, c, "") is None  # nothing to clear: no change, no undo step
    again.close()


def test_a_file_entry_without_label_or_note_is_refused_by_line(tmp_path: Path, corpus):
    f = tmp_path / "ana.toml"
    write(
        f,
        'schema = 1\nannotator = "ana"\ncorpus = "seeds"\n\n[[annotation]]\n'
        'doc = "x.txt"\nstart = 0\nend = 4\nquote = "abcd"\n',
    )
    with pytest.raises(StoreError, match=r"ana\.toml:5: annotation 1: \"label\" is missing"):
        Session(corpus, f, "ana")
    assert "label" not in f.read_text()  # never overwritten
    write(f, f.read_text() + 'label = ""\nnote = " "\n')
    with pytest.raises(StoreError, match=r"annotation 1: \"label\" is empty \(an entry"):
        Session(corpus, f, "ana")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 40), st.integers(0, 6)), max_size=30))
def test_tagged_count_matches_the_sentences_after_any_edits(tmp_path_factory, corpus, steps):
    """The per-document tag count (kept as changes apply, so a large corpus's list does not
    look at every sentence) equals counting the document's tagged sentences, through tags,
    notes on untagged sentences, clears, undo, redo and a reload from disk."""
    f = tmp_path_factory.mktemp("count") / "ana.toml"
    s = Session(corpus, f, "ana")

    def counted(d) -> int:
        return sum(1 for c in d.sentences if s.get(d, c) is not None)

    for d_i, c_i, op in steps:
        d = corpus.documents[d_i % len(corpus.documents)]
        c = d.claims[c_i % len(d.claims)]
        if op == 0:
            s.tag(d, c, "supported")
        elif op == 1:
            s.tag(d, c, "fabricated")
        elif op == 2:
            s.set_note(d, c, "check")
        elif op == 3:
            s.clear(d, c)
        elif op == 4:
            s.undo()
        elif op == 5:
            s.redo()
        else:
            s.flush()
            s.reload()
        assert [s.tagged_count(x) for x in corpus.documents] == [
            counted(x) for x in corpus.documents
        ]
    s.close()
    again = Session(corpus, f, "ana")
    assert [again.tagged_count(x) for x in corpus.documents] == [
        sum(1 for c in x.sentences if again.get(x, c) is not None) for x in corpus.documents
    ]
    again.close()


def _set_of(corpus, path: Path, n: int) -> None:
    """A set on disk tagging the first ``n`` claims, written as the app writes it."""
    s = Session(corpus, path, "ana")
    claims = [(d, c) for d in corpus.documents for c in d.claims][:n]
    with s.batch():
        for d, c in claims:
            s.tag(d, c, "supported", 0.5)
    s.close()


@pytest.mark.parametrize("slow_prime", [False, True])
def test_the_first_save_in_the_background_edits_the_set_in_place(
    tmp_path: Path, corpus, monkeypatch, slow_prime: bool
):
    # The writer orders and encodes the set as opened (Store.prime), so the first tag is
    # saved like every later one: one entry encoded and a join, not the whole set again. Tags
    # made while it primes wait for it; the file must hold exactly every change either way.
    import threading

    from reviewer.core.store import Store, dumps

    f = tmp_path / "ana.toml"
    _set_of(corpus, f, 40)
    full_encodes: list[int] = []
    primed = threading.Event()
    rebuild = Store._rebuild

    def counted(self, annotations):
        annotations = list(annotations)
        full_encodes.append(len(annotations))
        if slow_prime and len(full_encodes) == 1:
            primed.wait(5)  # the prime holds on until the tags below are made
        rebuild(self, annotations)

    monkeypatch.setattr(Store, "_rebuild", counted)
    s = Session(corpus, f, "ana")
    s.write_in_background(lambda outcome: None)
    untagged = [(d, c) for d in corpus.documents for c in d.claims][40:]
    (d1, c1), (d2, c2), (d3, c3) = untagged[0], untagged[5], untagged[-1]
    first = corpus.documents[0]
    s.tag(d1, c1, "contradicted")
    s.tag(d2, c2, "fabricated")
    s.clear(first, first.claims[0])
    primed.set()
    assert s.flush(10)
    s.tag(d3, c3, "supported")
    s.tag(d1, c1, "supported")
    assert s.flush(10)
    expected = dumps("ana", corpus.name, s.annotations, s.store.extra)
    assert f.read_text() == expected
    s.close()
    assert full_encodes == [40], full_encodes  # the prime (the set as opened), and no other
    labels = {(r["doc"], r["start"]): r["label"] for r in on_disk(f)}
    assert labels[(d1.id, c1.start)] == "supported"
    assert labels[(d2.id, c2.start)] == "fabricated"
    assert labels[(d3.id, c3.start)] == "supported"
    assert (first.id, first.claims[0].start) not in labels
    assert len(labels) == 42
