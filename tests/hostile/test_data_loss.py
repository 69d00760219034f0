"""Issue 8, items 1-6: every acknowledged tag ends on disk, whatever the input or the timing."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest

from reviewer.app import ReviewerApp
from reviewer.core import store as store_module
from reviewer.core.corpus import Corpus, load_corpus
from reviewer.core.files import write_new
from reviewer.core.session import Session
from reviewer.core.store import Store, StoreError, load
from reviewer.screens.review import ReviewScreen
from tests.conftest import ROOT, write
from tests.hostile.helpers import cli, drawn_text, error_line

pytestmark = pytest.mark.timeout(120)

BRIDGE = (
    "Officials said the Elm Street bridge will open to traffic on Monday, June 3.\n"
    "Officials said the Elm Street bridge will open to traffic on Tuesday, June 4.\n"
    "Residents have waited two years for the crossing to reopen after the flood.\n"
)


def bridge(tmp_path: Path) -> tuple[Path, Corpus, Path]:
    """The bridge article in a corpus folder, loaded; and where ana's set goes."""
    docs = tmp_path / "c"
    write(docs / "bridge.txt", BRIDGE)
    return docs, load_corpus([docs]).corpus, tmp_path / "annotations" / "ana.toml"


def tables(path: Path) -> list[dict]:
    return tomllib.loads(path.read_text()).get("annotation", []) if path.exists() else []


def which(quote: str) -> str:
    return next(w for w in ("Monday", "Tuesday", "Residents") if w in quote)


def claim(corpus, doc_id: str, fragment: str):
    doc = corpus.get(doc_id)
    return doc, next(s for s in doc.claims if fragment in doc.sentence_text(s))


# ------------------------------------------------------------------ 1. re-anchoring


def test_a_deleted_tagged_line_never_takes_over_its_tagged_neighbour(tmp_path: Path):
    docs, corpus, path = bridge(tmp_path)
    s = Session(corpus, path, "ana")
    s.tag(*claim(corpus, "bridge.txt", "Monday"), "supported")
    tuesday = claim(corpus, "bridge.txt", "Tuesday")
    s.tag(*tuesday, "contradicted")
    s.set_note(*tuesday, "Wire copy says Monday")
    s.close()

    write(docs / "bridge.txt", BRIDGE.replace(BRIDGE.splitlines()[1] + "\n", ""))
    corpus = load_corpus([docs]).corpus
    s = Session(corpus, path, "ana")
    monday = claim(corpus, "bridge.txt", "Monday")
    assert s.get(*monday).label == "supported"  # not replaced by the Tuesday tag
    assert [(o.label, o.note) for o in s.orphans] == [("contradicted", "Wire copy says Monday")]
    assert any("1 annotation(s) could not be found" in m for m in s.messages)
    s.tag(*claim(corpus, "bridge.txt", "Residents"), "supported")  # the next save
    s.close()
    saved = sorted((which(t["quote"]), t["label"], t.get("note", "")) for t in tables(path))
    assert saved == [
        ("Monday", "supported", ""),
        ("Residents", "supported", ""),
        ("Tuesday", "contradicted", "Wire copy says Monday"),
    ]


async def test_a_fuzzy_move_is_marked_in_the_file_and_the_app_until_confirmed(tmp_path: Path):
    docs, corpus, path = bridge(tmp_path)
    s = Session(corpus, path, "ana")
    s.tag(*claim(corpus, "bridge.txt", "Monday"), "supported")
    s.tag(*claim(corpus, "bridge.txt", "Tuesday"), "contradicted")
    s.close()
    old = BRIDGE.splitlines()[1]
    write(docs / "bridge.txt", BRIDGE.replace(old, old.replace("will open", "is due to open")))

    corpus = load_corpus([docs]).corpus
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        moved = screen.session.get(*claim(corpus, "bridge.txt", "is due to open"))
        assert moved is not None and moved.unconfirmed and moved.anchor_quote == old
        assert screen.session.get(*claim(corpus, "bridge.txt", "Monday")).label == "supported"
        await pilot.press("j")  # onto the moved sentence
        assert "is due to open" in screen.doc.sentence_text(screen.sentence)
        await pilot.pause()
        shown = drawn_text(app)
        assert "? Officials said the Elm Street" in shown  # the gutter mark
        assert "Moved here by a fuzzy match" in shown
        await pilot.press("j", "s", "k")  # a change elsewhere writes the file
        app.session.flush()
        moved_entry = next(t for t in tables(path) if "is due" in t["quote"])
        assert moved_entry["anchor"] == "fuzzy" and moved_entry["anchor_quote"] == old
        # stats counts it, validate names it.
        stats = cli("stats", str(path), "--corpus", str(docs), cwd=tmp_path).stdout.decode()
        header, *rows = [ln.split("\t") for ln in stats.splitlines()[1:]]
        total = dict(zip(header, next(r for r in rows if r[1] == "TOTAL"), strict=True))
        assert total["unconfirmed"] == "1"
        checked = cli("validate", str(path), "--corpus", str(docs), cwd=tmp_path)
        assert b"moved by a fuzzy match, not confirmed yet" in checked.stdout
        await pilot.press("y")  # confirm
        app.session.flush()
        assert not app.session.get(screen.doc, screen.sentence).unconfirmed
    entry = next(t for t in tables(path) if "is due" in t["quote"])
    assert "anchor" not in entry and "anchor_quote" not in entry
    assert entry["label"] == "contradicted"


def test_the_file_records_an_unconfirmed_move_with_the_old_quote(tmp_path: Path):
    docs, corpus, path = bridge(tmp_path)
    s = Session(corpus, path, "ana")
    s.tag(*claim(corpus, "bridge.txt", "Tuesday"), "contradicted")
    s.close()
    old = BRIDGE.splitlines()[1]
    write(docs / "bridge.txt", BRIDGE.replace(old, old.replace("will open", "is due to open")))
    corpus = load_corpus([docs]).corpus
    s = Session(corpus, path, "ana")
    s.tag(*claim(corpus, "bridge.txt", "Residents"), "supported")  # triggers a save
    s.close()
    (moved,) = [t for t in tables(path) if "is due" in t["quote"]]
    assert moved["anchor"] == "fuzzy" and moved["anchor_quote"] == old


# ------------------------------------------------------------------ 2. writer failures


def test_a_lone_surrogate_in_a_jsonl_document_is_repaired_and_saves(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "a.jsonl", '{"id": "a", "text": "The minister arrived on Monday \\ud83d."}\n')
    write(docs / "b.txt", "The minister arrived on Monday with aides.\n")
    result = load_corpus([docs])
    assert any("lone surrogates" in p.message for p in result.problems)
    doc = result.corpus.get("a")
    assert "\ufffd" in doc.text
    path = tmp_path / "annotations" / "ana.toml"
    s = Session(result.corpus, path, "ana")
    s.tag(doc, doc.claims[0], "fabricated")
    assert not s.unsaved and tables(path)[0]["quote"].endswith("\ufffd.")
    run = cli("suspects", "c", "--json", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.decode("utf-8").count("\n") == 2


def test_a_latin1_file_name_is_refused_with_one_readable_line(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "ok.txt", "The minister arrived on Monday.\n")
    with open(bytes(docs) + b"/r\xe9sum\xe9.txt", "wb") as fh:
        fh.write(b"The minister arrived on Tuesday.\n")
    run = cli("suspects", "c", "--json", cwd=tmp_path)
    assert run.returncode == 0
    (line,) = run.stderr.decode().splitlines()
    assert "r\\xe9sum\\xe9.txt: file name is not valid UTF-8" in line


def test_a_key_nested_3000_deep_is_refused_at_open_and_never_overwritten(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "bridge.txt", BRIDGE)
    corpus = load_corpus([docs]).corpus
    doc, s = claim(corpus, "bridge.txt", "Monday")
    text = (
        'schema = 1\nannotator = "ana"\ncorpus = "c"\n\n[[annotation]]\n'
        f'doc = "bridge.txt"\nstart = {s.start}\nend = {s.end}\n'
        f'quote = "{doc.sentence_text(s)}"\nlabel = "supported"\n'
        + ".".join(["x"] * 3000)
        + " = 1\n"
    )
    path = write(tmp_path / "annotations" / "ana.toml", text)
    # The compiled parser stops at its recursion limit and the line is the key's own; the
    # pure-Python one parses it and the depth check refuses the annotation.
    key_line = text.split("\n").index(".".join(["x"] * 3000) + " = 1") + 1
    nested = rf"ana\.toml:(5: annotation 1: .*nested deeper than 16|{key_line}: .*too deeply)"
    with pytest.raises(StoreError, match=nested):
        Session(corpus, path, "ana")
    assert path.read_text() == text
    run = cli("stats", "annotations/ana.toml", cwd=tmp_path)  # named: an error
    assert run.returncode == 2 and re.search(nested, error_line(run))
    run = cli("stats", cwd=tmp_path)  # found in the folder: skipped with a warning
    warning, error = run.stderr.decode().splitlines()
    assert re.search(nested, warning) and warning.endswith("skipped")
    assert run.returncode == 2 and "no annotation sets" in error


async def test_any_writer_failure_is_reported_later_saves_work_and_q_quits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(ReviewScreen, "RETRY_SECONDS", 0.05)
    docs, corpus, path = bridge(tmp_path)
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    real = store_module._chunk
    broken = {"on": True}

    def chunk(a):
        if broken["on"]:
            raise RecursionError("maximum recursion depth exceeded")
        return real(a)

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        monkeypatch.setattr(store_module, "_chunk", chunk)
        await pilot.press("s")
        app.session.flush()
        await pilot.pause()
        status = str(app.screen.query_one("#status").render())
        assert "NOT SAVED" in status and "nested too deeply" in status
        assert app.session._writer._thread.is_alive()  # the writer survived
        broken["on"] = False
        await pilot.press("j", "f")  # a later change saves everything
        for _ in range(40):
            await pilot.pause(0.05)
            if not app.session.unsaved:
                break
        assert [t["label"] for t in tables(path)] == ["supported", "fabricated"]
        started = time.monotonic()
        await pilot.press("q")
        assert time.monotonic() - started < 5
    assert not app.is_running


def helper_of(app: ReviewerApp) -> subprocess.Popen:
    """The process the app's writer saves through (reviewer/core/replacer.py), once it is up.
    Called while the writer is idle (after a flush): nothing else uses the replacer."""
    for _ in range(500):
        writer = app.session._writer
        replacer = writer._replacer if writer is not None else None
        if replacer is not None and replacer.available:
            assert replacer.helper is not None
            return replacer.helper.proc
        time.sleep(0.01)
    raise AssertionError("the writer never started its helper process")


async def test_q_quits_even_when_the_disk_hangs(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "bridge.txt", BRIDGE)
    corpus = load_corpus([docs]).corpus
    app = ReviewerApp(corpus, Session(corpus, tmp_path / "annotations" / "ana.toml", "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        helper = helper_of(app)
        await pilot.press("f")
        assert app.session.flush(10) and not app.session.unsaved
        helper.send_signal(signal.SIGSTOP)  # the disk stopped answering: its write never returns
        try:
            await pilot.press("s")
            started = time.monotonic()
            await pilot.press("q")  # warns: not on disk yet
            assert app.is_running
            assert "Not saved" in drawn_text(app) or app.screen._quit_warned
            await pilot.press("q")  # the reviewer insists
            assert time.monotonic() - started < 8
        finally:
            helper.send_signal(signal.SIGCONT)
    assert not app.is_running


# ------------------------------------------------------------------ 3. two writers


HOLDER = """
import sys
from pathlib import Path
from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session
corpus = load_corpus([sys.argv[1]]).corpus
s = Session(corpus, Path(sys.argv[2]), "ana")
print("read-only" if s.read_only else "writable", flush=True)
sys.stdin.readline()
d = corpus.documents[0]
s.tag(d, d.claims[0], "supported")
s.close()
"""


def holder(tmp_path: Path, docs: Path, path: Path, state: Path) -> subprocess.Popen:
    import os

    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(docs), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_STATE_HOME": str(state)},
    )
    assert proc.stdout is not None
    return proc


def test_two_processes_with_different_state_folders_share_one_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    docs = tmp_path / "c"
    write(docs / "bridge.txt", BRIDGE)
    path = tmp_path / "annotations" / "ana.toml"
    first = holder(tmp_path, docs, path, tmp_path / "state-one")
    assert first.stdout.readline().strip() == "writable"
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state-two"))
    corpus = load_corpus([docs]).corpus
    second = Session(corpus, path, "ana")
    assert second.read_only and any("in use by another reviewer" in m for m in second.messages)
    assert any("pid" in m for m in second.messages)  # who holds it
    first.communicate("\n", timeout=30)
    second.close()
    third = Session(corpus, path, "ana")
    assert not third.read_only
    third.close()


def test_an_unusable_state_folder_does_not_disable_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("XDG_STATE_HOME", str(write(tmp_path / "not-a-folder", "x")))
    docs, corpus, path = bridge(tmp_path)
    first, second = Session(corpus, path, "ana"), Session(corpus, path, "ana")
    assert not first.read_only and second.read_only
    first.close()
    second.close()


def test_import_and_merge_honour_the_lock_of_an_open_window(tmp_path: Path):
    docs, corpus, path = bridge(tmp_path)
    window = Session(corpus, path, "ana")  # open, nothing tagged yet: no file exists
    doc, s = claim(corpus, "bridge.txt", "Monday")
    record = (
        f'{{"annotator": "ana", "corpus": "c", "doc": "bridge.txt", "start": {s.start}, '
        f'"end": {s.end}, "quote": "{doc.sentence_text(s)}", "label": "fabricated"}}\n'
    )
    write(tmp_path / "in.jsonl", record)
    run = cli("import", "in.jsonl", "--format", "jsonl", cwd=tmp_path)
    assert run.returncode == 2 and "in use by another reviewer" in error_line(run)
    Store(tmp_path / "x" / "bo.toml", "bo", "c").save([])
    Store(tmp_path / "x" / "cy.toml", "cy", "c").save([])
    run = cli("merge", "x/bo.toml", "x/cy.toml", "--out", "annotations/ana.toml", cwd=tmp_path)
    assert run.returncode == 2 and "in use by another reviewer" in error_line(run)
    window.tag(*claim(corpus, "bridge.txt", "Tuesday"), "supported")
    window.close()
    assert [t["label"] for t in tables(path)] == ["supported"]


def _outside_writer(path: Path, corpus, fragment: str, label: str) -> None:
    """Another tool: reads the file as it is now and writes it back with one more tag."""
    current = load(path)
    doc, s = claim(corpus, "bridge.txt", fragment)
    extra = store_module.Annotation(
        doc.id, s.start, s.end, doc.sentence_text(s), label, created=store_module.now()
    )
    Store(path, "ana", "c", current.extra, current.signature).save([*current.annotations, extra])


def test_a_file_changed_on_disk_is_merged_never_overwritten(tmp_path: Path):
    docs, corpus, path = bridge(tmp_path)
    s = Session(corpus, path, "ana")
    s.tag(*claim(corpus, "bridge.txt", "Monday"), "supported")
    _outside_writer(path, corpus, "Tuesday", "contradicted")  # a git pull brings a tag
    s.tag(*claim(corpus, "bridge.txt", "Residents"), "fabricated")
    got = sorted((which(t["quote"]), t["label"]) for t in tables(path))
    assert got == [
        ("Monday", "supported"),
        ("Residents", "fabricated"),
        ("Tuesday", "contradicted"),
    ]
    # The merged tag is in the session too: the screen shows it.
    assert s.get(*claim(corpus, "bridge.txt", "Tuesday")).label == "contradicted"
    s.close()


def test_a_changed_file_that_cannot_be_read_is_never_overwritten(tmp_path: Path):
    docs, corpus, path = bridge(tmp_path)
    s = Session(corpus, path, "ana")
    s.tag(*claim(corpus, "bridge.txt", "Monday"), "supported")
    good = path.read_text()
    conflicted = "<<<<<<< HEAD\n" + good + "=======\n>>>>>>> theirs\n"
    path.write_text(conflicted)  # a merge conflict left in the file
    s.tag(*claim(corpus, "bridge.txt", "Tuesday"), "contradicted")
    assert s.unsaved and "not valid TOML" in s.save_error and "changed on disk" in s.save_error
    assert path.read_text() == conflicted  # refused: never overwritten
    path.write_text(good)  # the reviewer resolves the conflict
    assert s.retry_save()
    assert sorted(t["label"] for t in tables(path)) == ["contradicted", "supported"]
    s.close()


async def test_the_app_picks_up_a_change_made_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(ReviewScreen, "WATCH_SECONDS", 0.05)
    docs, corpus, path = bridge(tmp_path)
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("s")  # Monday, supported
        app.session.flush()
        _outside_writer(path, corpus, "Tuesday", "fabricated")
        for _ in range(40):
            await pilot.pause(0.05)
            if app.session.get(*claim(corpus, "bridge.txt", "Tuesday")) is not None:
                break
        assert app.session.get(*claim(corpus, "bridge.txt", "Tuesday")).label == "fabricated"
        await pilot.press("j", "j", "c")  # Residents
        app.session.flush()
    assert sorted(t["label"] for t in tables(path)) == ["contradicted", "fabricated", "supported"]


# ------------------------------------------------------------------ 4. duplicates


def test_two_entries_for_one_sentence_refuse_to_open_naming_both_lines(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "bridge.txt", BRIDGE)
    corpus = load_corpus([docs]).corpus
    doc, s = claim(corpus, "bridge.txt", "Monday")
    entry = (
        f'[[annotation]]\ndoc = "bridge.txt"\nstart = {s.start}\nend = {s.end}\n'
        f'quote = "{doc.sentence_text(s)}"\nlabel = "LABEL"\n\n'
    )
    text = (
        'schema = 1\nannotator = "ana"\ncorpus = "c"\n\n'
        + entry.replace("LABEL", "supported")
        + entry.replace("LABEL", "fabricated")
    )
    path = write(tmp_path / "annotations" / "ana.toml", text)
    with pytest.raises(StoreError, match=r"ana\.toml:12: .*same sentence as the one at line 5"):
        Session(corpus, path, "ana")
    assert path.read_text() == text


# ------------------------------------------------------------------ 5. exclusive outputs


def test_two_merges_onto_one_out_never_both_succeed(tmp_path: Path):
    for who in ("bo", "cy"):
        Store(tmp_path / "sets" / f"{who}.toml", who, "c").save([])
    for round_ in range(12):
        out = f"out{round_}.toml"
        args = [sys.executable, "-m", "reviewer", "merge", "sets/bo.toml", "sets/cy.toml"]
        procs = [
            subprocess.Popen(
                [*args, "--out", out, "--annotator", name],
                cwd=tmp_path,
                stderr=subprocess.PIPE,
                env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
            )
            for name in ("first", "second")
        ]
        codes = [p.wait(60) for p in procs]
        errors = [p.stderr.read().decode() for p in procs]  # type: ignore[union-attr]
        assert sorted(codes) == [0, 2], (codes, errors)
        loser = errors[codes.index(2)]
        assert "already exists" in loser or "in use by another reviewer" in loser
        assert "Traceback" not in "".join(errors)
        assert load(tmp_path / out).annotator == ["first", "second"][codes.index(0)]


def test_exclusive_creation_lets_exactly_one_of_many_threads_win(tmp_path: Path):
    for round_ in range(20):
        target = tmp_path / f"x{round_}.toml"
        wins: list[int] = []
        barrier = threading.Barrier(6)

        def attempt(n: int, target: Path = target, wins: list[int] = wins, barrier=barrier) -> None:
            barrier.wait()
            try:
                write_new(target, f"writer {n}\n".encode())
                wins.append(n)
            except FileExistsError:
                pass

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 1 and target.read_text() == f"writer {wins[0]}\n"


# ------------------------------------------------------------------ 6. "saved" means on disk


async def test_the_status_says_saved_only_once_the_file_holds_the_change(tmp_path: Path):
    docs, corpus, path = bridge(tmp_path)
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        status = app.screen.query_one("#status")
        assert "no tags saved yet" in str(status.render())  # no file yet: never "saved to"
        await pilot.press("c")
        await pilot.press("x")  # one save in full, so the next one goes to the helper at once
        assert app.session.flush(10) and tables(path) == []
        helper = helper_of(app)
        helper.send_signal(signal.SIGSTOP)  # a slow disk: the write is under way, not done
        try:
            await pilot.press("s", "j", "f")  # two changes while the first write is held up
            await pilot.pause()
            assert app.session.unsaved and "saving" in str(status.render())
            assert "saved to" not in str(status.render())
            assert tables(path) == []
        finally:
            helper.send_signal(signal.SIGCONT)
        assert app.session.flush(10)
        for _ in range(40):
            await pilot.pause(0.05)
            if "saved to" in str(status.render()):
                break
        assert "saved to" in str(status.render())
        assert [t["label"] for t in tables(path)] == ["supported", "fabricated"]


async def tagged_once(pilot, app: ReviewerApp) -> subprocess.Popen:
    """One tag saved (in full, by the writer), then the helper the next saves go through."""
    await pilot.app.workers.wait_for_complete()
    await pilot.press("s")
    assert app.session.flush(10)
    return helper_of(app)


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


async def test_a_helper_that_dies_costs_no_tag_and_leaves_no_file(tmp_path: Path):
    """The helper process killed while idle: every later tag is on disk (written by the app
    itself from then on), and no temporary file is left. Killed holding a write: next test."""
    docs, corpus, path = bridge(tmp_path)
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        helper = await tagged_once(pilot, app)
        helper.kill()
        helper.wait()
        await pilot.press("j", "c")  # the helper is gone: this save is written by the app
        assert app.session.flush(10) and not app.session.unsaved
        assert [t["label"] for t in tables(path)] == ["supported", "contradicted"]
        assert app.session._writer._replacer.helper is None
        assert "saved to" in str(app.screen.query_one("#status").render())
        await pilot.press("j", "f")
        assert app.session.flush(10) and not app.session.unsaved
    labels = [t["label"] for t in tables(path)]
    assert labels == ["supported", "contradicted", "fabricated"]
    assert temporaries(path.parent) == []


async def test_a_helper_killed_holding_a_write_costs_no_tag(tmp_path: Path):
    docs, corpus, path = bridge(tmp_path)
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        helper = await tagged_once(pilot, app)
        helper.send_signal(signal.SIGSTOP)
        await pilot.press("j", "c")  # handed to the stopped helper
        await pilot.pause()
        assert app.session.unsaved
        helper.kill()  # it dies holding the write: the app writes the same bytes itself
        assert app.session.flush(10) and not app.session.unsaved
        assert [t["label"] for t in tables(path)] == ["supported", "contradicted"]
        await pilot.press("q")
    assert not app.is_running
    assert temporaries(path.parent) == []


def test_a_write_of_an_older_generation_never_marks_a_newer_change_saved(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "bridge.txt", BRIDGE)
    corpus = load_corpus([docs]).corpus
    s = Session(corpus, tmp_path / "annotations" / "ana.toml", "ana")
    doc, first = claim(corpus, "bridge.txt", "Monday")
    s.tag(doc, first, "supported")  # generation 1, written
    snapshot = s._snapshot()
    s.generation += 1  # a change made while an older snapshot is being written
    s._write(snapshot, 1)
    assert s.unsaved  # the file holds generation 1, not 2
