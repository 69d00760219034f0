"""Saves handed to the helper as edits of the bytes it already holds (store.Store._edited,
replacer.Edited): after any sequence of changes, whatever came between (another write through
the same helper, a full save, a file that outgrew the shared memory, a helper killed half way),
the file on disk holds exactly what serialising the set afresh gives."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core.replacer import Edited, Replacer
from reviewer.core.store import Annotation, Store, dumps, sort_key
from tests.core.test_replacer import up
from tests.core.test_store import _annotation, ann


@pytest.fixture(scope="module")
def replacer():
    r = up(Replacer())
    yield r
    r.close()


@pytest.fixture
def own():
    """A replacer of this test's own: its helper's counts of copies and edits start at 0."""
    r = up(Replacer())
    yield r
    r.close()


def primed(f: Path, items) -> tuple[Store, dict]:
    """A store that saved ``items`` to ``f`` and primed its entries, as the app's writer does
    at open; and the annotations by key."""
    store = Store(f, "ana", "c", extra={"team": "desk"})
    held = {a.key: a for a in items}
    store.save(list(held.values()))
    store.prime(list(held.values()))
    return store, held


def fresh(held: dict) -> bytes:
    return dumps("ana", "c", sorted(held.values(), key=sort_key), {"team": "desk"}).encode()


def fast_save(store: Store, held: dict, delta: dict, replacer: Replacer) -> None:
    assert store.start_save(list(held.values()), delta, replacer), replacer.failure
    store.finish_save(replacer)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(_annotation, max_size=20, unique_by=lambda a: (a.doc, a.start, a.end)),
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.sampled_from(["supported", "fabricated", "untag", "new", "drop", "long"]),
            st.sampled_from(["edits", "edits", "edits", "later", "other write", "full save"]),
        ),
        max_size=14,
    ),
)
def test_edits_of_the_shared_bytes_write_what_a_full_serialisation_gives(
    tmp_path_factory, replacer: Replacer, items, changes
):
    """Edits, inserts and removals, several per save or one, with other writes through the
    same helper between them (the shared memory then holds other bytes), full saves, and notes
    long enough to outgrow the shared memory: every file written is the set serialised afresh."""
    f = tmp_path_factory.mktemp("edits") / "ana.toml"
    store, held = primed(f, items)
    delta: dict = {}
    for i, what, how in changes:
        keys = sorted(held)
        if what in ("new", "long"):
            note = "n" * (90_000 + i) if what == "long" else ""
            a = Annotation("g/b.md", 100 + i, 101 + i, f"new {i}", "supported", note=note)
            held[a.key] = delta[a.key] = a
        elif keys and what == "drop":
            k = keys[i % len(keys)]
            del held[k]
            delta[k] = None
        elif keys:
            k = keys[i % len(keys)]
            label = "" if what == "untag" else what  # the tag goes, a note stays
            held[k] = delta[k] = held[k].with_changes(label=label, note=held[k].note + "!")
        if how == "later":
            continue  # changes pile up, as they do while the writer is busy
        if how == "other write":
            replacer.replace(f.with_name("other.toml"), os.urandom(i + 1))
        if how == "full save":
            store.save(list(held.values()), delta)
        else:
            fast_save(store, held, delta, replacer)
        delta = {}
        assert f.read_bytes() == fresh(held)
    fast_save(store, held, delta, replacer)
    assert f.read_bytes() == fresh(held)


def test_after_the_first_save_only_the_changes_are_copied(tmp_path: Path, own: Replacer):
    """The optimisation itself: the first save through the helper copies the file whole, the
    next ones edit the shared bytes in place; a write of other bytes between costs one whole
    copy, after which edits resume."""
    f = tmp_path / "ana.toml"
    store, held = primed(f, (ann(start=i, end=i + 1, quote=f"q{i}") for i in range(50)))
    helper = own.helper
    assert helper is not None
    counts = []
    for i in range(6):
        k = sorted(held)[i * 7]
        held[k] = held[k].with_changes(label="supported", note=f"checked {i}")
        fast_save(store, held, {k: held[k]}, own)
        assert f.read_bytes() == fresh(held)
        if i == 2:
            own.replace(tmp_path / "other.toml", b"something else")
        counts.append((helper.copies, helper.patches))
    # copies: the first save; the "other" write and the save after it; patches: the rest.
    assert counts == [(1, 0), (1, 1), (2, 2), (3, 2), (3, 3), (3, 4)]


def test_a_helper_killed_after_edits_were_handed_over_leaves_the_whole_file_written_here(
    tmp_path: Path, own: Replacer
):
    """The bytes handed over as edits exist whole only in the shared memory; if the helper dies
    before answering, the save is written in this process from the entries themselves."""
    f = tmp_path / "ana.toml"
    store, held = primed(f, (ann(start=i, end=i + 1, quote=f"q{i}") for i in range(20)))
    k = sorted(held)[3]
    held[k] = held[k].with_changes(label="supported")
    fast_save(store, held, {k: held[k]}, own)  # the shared memory now holds the file
    helper = own.helper
    assert helper is not None and helper.patches == 0
    k = sorted(held)[5]
    held[k] = held[k].with_changes(label="contradicted", note="no")
    os.kill(helper.proc.pid, signal.SIGSTOP)  # it never reads the request
    assert store.start_save(list(held.values()), {k: held[k]}, own)
    assert helper.patches == 1
    os.kill(helper.proc.pid, signal.SIGKILL)
    store.finish_save(own)
    assert own.helper is None  # given up: this save and the next are written here
    assert f.read_bytes() == fresh(held)
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_bytes_that_disagree_with_their_stated_size_are_written_whole_and_never_edited(
    tmp_path: Path, own: Replacer
):
    """A stated size is only trusted where the edits of the bytes held prove it: a whole copy
    writes the bytes ``whole`` gives (never a truncated or padded file), and edits are not
    applied on top of bytes whose size was stated wrong."""
    f = tmp_path / "ana.toml"
    first, second = object(), object()
    own.replace(f, Edited(None, first, 99, (), lambda: b"abc"))
    assert f.read_bytes() == b"abc"
    own.replace(f, Edited(first, second, 4, ((3, 0, b"d"),), lambda: b"abcd"))
    assert f.read_bytes() == b"abcd"
    helper = own.helper
    assert helper is not None and (helper.copies, helper.patches) == (2, 0)
    own.replace(f, Edited(second, object(), 5, ((4, 0, b"e"),), lambda: b"abcde"))
    assert f.read_bytes() == b"abcde" and (helper.copies, helper.patches) == (2, 1)
