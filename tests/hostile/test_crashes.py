"""Issue 8, items 14-20: hostile input ends in one clear line and an exit status, never in a
traceback, a hang or exhausted memory. Each hang case has a time limit, so a hang fails the
test rather than CI's clock."""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewer.app import ReviewerApp
from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session
from reviewer.core.store import Annotation, Store, StoreError
from tests.conftest import SEEDS, write
from tests.hostile.helpers import cli, drawn_text, error_line

pytestmark = pytest.mark.timeout(120)


def seeded(tmp_path: Path) -> Path:
    (tmp_path / "seeds").symlink_to(SEEDS)
    return tmp_path


def set_text(body: str) -> str:
    doc = load_corpus([SEEDS]).corpus.documents[0]
    c = doc.claims[0]
    return (
        'schema = 1\nannotator = "ana"\ncorpus = "seeds"\n\n[[annotation]]\n'
        f'doc = "{doc.id}"\nstart = {c.start}\nend = {c.end}\n'
        f"quote = {json.dumps(doc.sentence_text(c), ensure_ascii=False)}\n"
        f'label = "supported"\n{body}\n'
    )


# ------------------------------------------------------------------ 14. hostile TOML

HOSTILE_TOML = {
    "5000-digit integer": ("big = " + "9" * 5000, "number is too long"),
    "arrays 5000 deep": ("deep = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
    "tables 5000 deep": ("deep = " + "{a=" * 5000 + "1" + "}" * 5000, "nested too deeply"),
    # The compiled parser stops at its recursion limit; the pure-Python one parses the key and
    # our check refuses its depth: either way one line that says so.
    "dotted key 5000 deep": (".".join(["k"] * 5000) + " = 1", "nested "),
    "suspicion of 400 digits": ("suspicion = " + "7" * 400, "from 0 to 1"),
    "suspicion nan": ("suspicion = nan", "from 0 to 1"),
    "suspicion inf": ("suspicion = inf", "from 0 to 1"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_TOML))
def test_hostile_toml_gets_one_line_from_every_command(tmp_path: Path, case: str):
    root = seeded(tmp_path)
    body, expected = HOSTILE_TOML[case]
    path = write(root / "annotations" / "ana.toml", set_text(body))
    before = path.read_bytes()
    run = cli("validate", "annotations/ana.toml", cwd=root)
    assert run.returncode == 1
    (line,) = run.stdout.decode().splitlines()
    assert expected in line and line.startswith("annotations/ana.toml")
    for args in (
        ["stats", "annotations/ana.toml"],
        ["export", "annotations/ana.toml", "--format", "jsonl"],
        ["agree", "annotations/ana.toml", "annotations/ana.toml"],
        ["review", "--annotator", "ana"],  # the app refuses before it starts
    ):
        run = cli(*args, cwd=root)
        assert run.returncode == 2, args
        assert expected in error_line(run), args
    assert path.read_bytes() == before  # never overwritten


# ------------------------------------------------------------------ 15. hostile imports


def record(**changes) -> dict:
    doc = load_corpus([SEEDS]).corpus.documents[0]
    c = doc.claims[0]
    base = {
        "annotator": "ana",
        "corpus": "seeds",
        "doc": doc.id,
        "start": c.start,
        "end": c.end,
        "quote": doc.sentence_text(c),
        "label": "supported",
    }
    return {**base, **changes}


def prodigy(**changes) -> dict:
    doc = load_corpus([SEEDS]).corpus.documents[0]
    c = doc.claims[0]
    base = {
        "text": doc.sentence_text(c),
        "meta": {"doc": doc.id, "start": c.start, "end": c.end, "corpus": "seeds"},
        "accept": ["supported"],
        "answer": "accept",
        "_annotator_id": "ana",
    }
    return {**base, **changes}


HOSTILE_IMPORTS = {
    "null extra field": ("jsonl", json.dumps(record(reviewed_by=None)), "null"),
    "huge start": ("jsonl", json.dumps(record()).replace('"start": ', '"start": 1e400, "x":'),
                   "start"),
    "NaN suspicion": ("jsonl", json.dumps(record()).replace("}", ', "suspicion": NaN}'), "NaN"),
    "5000-digit number": ("jsonl", json.dumps(record()).replace("}", f', "n": {"9" * 5000}}}'),
                          "not usable JSON"),
    "suspicion out of range": ("jsonl", json.dumps(record(suspicion=3)), "from 0 to 1"),
    "accept is a number": ("prodigy", json.dumps(prodigy(accept=5)), "accept"),
    "accept is an object": ("prodigy", json.dumps(prodigy(accept={})), "accept"),
    "accept is empty": ("prodigy", json.dumps(prodigy(accept=[])), "accept"),
    "timestamp 1e20": ("prodigy", json.dumps(prodigy(_timestamp=1e20)), "out of range"),
    "meta is a list": ("prodigy", json.dumps(prodigy(meta=[1])), "meta"),
    "annotator is a number": ("jsonl", json.dumps(record(annotator=7)), "annotator"),
    "a lone surrogate": ("jsonl", json.dumps(record(note="x\ud83d")), "surrogate"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(HOSTILE_IMPORTS))
def test_hostile_import_names_the_record_and_writes_nothing(tmp_path: Path, case: str):
    fmt, line, expected = HOSTILE_IMPORTS[case]
    good = json.dumps(record(start=0, end=5, quote="x" * 5)) if fmt == "jsonl" else ""
    write(tmp_path / "in.jsonl", (good + "\n" if good else "") + line + "\n")
    run = cli("import", "in.jsonl", "--format", fmt, "--annotator", "ana", cwd=tmp_path)
    assert run.returncode == 2
    message = error_line(run)
    assert f"in.jsonl:{2 if good else 1}" in message and expected in message, message
    assert not (tmp_path / "annotations").exists()


# ------------------------------------------------------------------ 16. markup in text


async def test_markup_in_documents_notes_and_paths_is_shown_as_text(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "[bold]a.txt", "The model wrote [/b] and [/INST] after the answer on Monday.\n")
    write(docs / "b.txt", "The claim is true [citation needed] according to the agency.\n")
    corpus = load_corpus([docs]).corpus
    path = tmp_path / "a[/b]x" / "ana.toml"  # --annotations 'a[/b]x'
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f", "a")
        assert app.screen.__class__.__name__ == "NoteScreen"
        await pilot.pause()
        assert "[/b] and [/INST]" in drawn_text(app)
        await pilot.press(*"see [b]wire[/b]", "enter")
        await pilot.press("tab", "s", "a")
        await pilot.pause()
        assert "[citation needed]" in drawn_text(app)
        await pilot.press("escape")
        await pilot.pause()
        shown = drawn_text(app)
        assert "a[/b]x/ana.toml" in shown and "[bold]a.txt" in shown
        app.session.flush()
    assert app.session.annotations[0].note == "see [b]wire[/b]"


# ------------------------------------------------------------------ 17. named pipes


def test_a_named_pipe_in_the_corpus_is_skipped_at_once(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "ok.txt", "The council approved the plan on Monday.\n")
    os.mkfifo(docs / "pipe.txt")
    result = load_corpus([docs])
    assert [d.id for d in result.corpus.documents] == ["ok.txt"]
    assert "named pipe" in result.problems[0].message
    run = cli("suspects", "c", cwd=tmp_path, timeout=30)
    assert run.returncode == 0 and "named pipe" in error_line(run)


def test_a_named_pipe_as_annotation_file_is_refused_at_once(tmp_path: Path):
    root = seeded(tmp_path)
    (root / "annotations").mkdir()
    os.mkfifo(root / "annotations" / "ana.toml")
    with pytest.raises(StoreError, match="named pipe"):
        Session(load_corpus([SEEDS]).corpus, root / "annotations" / "ana.toml", "ana")
    for args in (["stats", "annotations/ana.toml"], ["review", "--annotator", "ana"]):
        run = cli(*args, cwd=root, timeout=30)
        assert run.returncode == 2 and "named pipe" in error_line(run)
    run = cli("stats", cwd=root, timeout=30)  # in the folder: skipped with a line
    assert (
        run.returncode == 2 and "named pipe, not an annotation set; skipped" in run.stderr.decode()
    )
    # validate names what the file is (it said "no such file or folder"), and does not wait.
    run = cli("validate", "annotations/ana.toml", cwd=root, timeout=30)
    assert run.returncode == 1
    assert "annotations/ana.toml: a named pipe, not a regular file" in run.stdout.decode()


# ------------------------------------------------------------------ 18. validate is linear


@pytest.mark.timeout(90)
def test_validate_checks_20000_annotations_against_the_corpus(tmp_path: Path):
    from benchmarks.synthetic import make_corpus

    make_corpus(tmp_path / "big", groups=40, docs_per_group=10, sentences_per_doc=50, seed=2)
    corpus = load_corpus([tmp_path / "big"]).corpus
    stamp = datetime(2026, 11, 22, tzinfo=UTC)
    items = [
        Annotation(d.id, s.start, s.end, d.sentence_text(s), "supported", created=stamp)
        for d in corpus.documents
        for s in d.claims
    ][:20_000]
    items[-1] = items[-1].with_changes(quote="changed")  # one real problem, at the very end
    Store(tmp_path / "annotations" / "ana.toml", "ana", "big").save(items)
    run = cli("validate", "annotations/ana.toml", cwd=tmp_path, timeout=80)
    assert run.returncode == 1
    (line,) = run.stdout.decode().splitlines()
    assert "quote differs from the text" in line


# ------------------------------------------------------------------ 19. size limits


def test_an_oversized_document_is_refused_before_it_is_read(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "ok.txt", "The council approved the plan on Monday.\n")
    with open(docs / "huge.txt", "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # 200 MiB, sparse: refused by its size alone
    result = load_corpus([docs])
    assert [d.id for d in result.corpus.documents] == ["ok.txt"]
    assert "too large (200.0 MiB; the limit is 10.0 MiB)" in result.problems[0].message


@pytest.mark.timeout(240)
def test_two_unpunctuated_9mb_documents_are_scored_in_bounded_sentences(tmp_path: Path):
    rng = random.Random(3)
    words = [f"w{i}" for i in range(5000)] + "river bridge council minister".split()
    for name in ("a.txt", "b.txt"):
        text = " ".join(rng.choice(words) for _ in range(1_500_000))[:9_000_000]
        write(tmp_path / "g" / name, text)
    corpus = load_corpus([tmp_path / "g"]).corpus
    assert max(s.end - s.start for d in corpus.documents for s in d.sentences) <= 2000
    run = cli("suspects", "g", "--json", cwd=tmp_path, timeout=220)
    assert run.returncode == 0
    assert run.stdout.count(b"\n") == sum(len(d.claims) for d in corpus.documents)


@pytest.mark.timeout(30)
def test_a_50mb_note_is_refused_at_once_and_never_overwritten(tmp_path: Path):
    root = seeded(tmp_path)
    path = write(
        root / "annotations" / "ana.toml", set_text("note = " + '"' + "n" * 50_000_000 + '"')
    )
    size = path.stat().st_size
    with pytest.raises(StoreError, match=r"ana\.toml:11: a line longer than 1,000,000 characters"):
        Session(load_corpus([SEEDS]).corpus, path, "ana")
    run = cli("review", "--annotator", "ana", cwd=root, timeout=20)
    assert run.returncode == 2 and "notes hold at most 100,000" in error_line(run)
    assert path.stat().st_size == size


async def test_a_long_note_opens_is_shown_cut_and_edits_whole(tmp_path: Path):
    corpus = load_corpus([SEEDS]).corpus
    doc = corpus.documents[0]
    c = doc.claims[0]
    note = "n" * 90_000
    path = tmp_path / "annotations" / "ana.toml"
    Store(path, "ana", "seeds").save(
        [Annotation(doc.id, c.start, c.end, doc.sentence_text(c), "supported", note=note)]
    )
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.sentence == c
        panel = drawn_text(app)
        assert "(89,500 more characters)" in panel
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one("#note-input").text == note  # all of it, nothing cut
        await pilot.press("escape")


# ------------------------------------------------------------------ 20. never silent


def test_an_unreadable_sub_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    docs = tmp_path / "c"
    write(docs / "g1" / "a.txt", "The council approved the plan on Monday.\n")
    write(docs / "g2" / "b.txt", "The council approved the plan on Friday.\n")
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("g2"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = load_corpus([docs])
    assert [d.id for d in result.corpus.documents] == ["g1/a.txt"]
    (problem,) = result.problems
    assert problem.path.endswith("g2") and "cannot read this folder" in problem.message


def test_a_path_too_long_is_reported(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "a.txt", "The council approved the plan on Monday.\n")
    deep = docs
    old = os.getcwd()
    os.chdir(docs)
    try:
        for _ in range(25):  # each step relative: the full path passes PATH_MAX (4096)
            os.mkdir("d" * 200)
            os.chdir("d" * 200)
            deep = deep / ("d" * 200)
        Path("deep.txt").write_text("Deep down the council met on Friday.\n")
    finally:
        os.chdir(old)
    result = load_corpus([docs])
    assert [d.id for d in result.corpus.documents] == ["a.txt"]
    assert any("File name too long" in p.message for p in result.problems), result.problems


def test_a_nul_byte_after_64_kib_is_reported(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "ok.txt", "The council approved the plan on Monday.\n")
    write(docs / "late.txt", b"Plain text. " * 6000 + b"\x00" + b"More text.\n")
    result = load_corpus([docs])
    assert [d.id for d in result.corpus.documents] == ["ok.txt"]
    assert "a NUL byte at offset 72000" in result.problems[0].message


def test_a_zero_width_annotation_is_reported_and_counted_nowhere(tmp_path: Path):
    root = seeded(tmp_path)
    corpus = load_corpus([root / "seeds"]).corpus
    doc = corpus.documents[0]
    c = doc.claims[0]
    Store(root / "annotations" / "ana.toml", "ana", "seeds").save(
        [
            Annotation(doc.id, c.start, c.end, doc.sentence_text(c), "supported"),
            Annotation(doc.id, 40, 40, "", "fabricated"),
        ]
    )
    run = cli("validate", "annotations/ana.toml", cwd=root)
    assert run.returncode == 1 and "empty span (start = end = 40)" in run.stdout.decode()
    run = cli("stats", cwd=root)
    total = next(ln for ln in run.stdout.decode().splitlines() if "\tTOTAL\t" in ln)
    assert total.split("\t")[3:7] == ["1", "1", "0", "0"]  # tagged, supported, contr., fabr.
    s = Session(corpus, root / "annotations" / "ana.toml", "ana")
    assert s.count == 1 and [o.start for o in s.orphans] == [40]


async def test_the_app_scores_again_over_a_damaged_cache(tmp_path: Path):
    """A cache file cut short or overwritten (pickle's own error, not an OSError) costs a
    rescoring in the app, never its scores: the same list of errors as the CLI's reader."""
    import pickle

    from reviewer.core import cache
    from reviewer.core.suspects import assess_corpus
    from tests.ui.test_keys import make_app, ready

    app = make_app(tmp_path)
    corpus = app.corpus
    cache.save_cached(corpus, list(assess_corpus(corpus, workers=1)))
    good = cache._path(corpus).read_bytes()
    count = pickle.dumps(5, protocol=pickle.HIGHEST_PROTOCOL)
    cache._path(corpus).write_bytes(count + b"\x80\x05\x95zzzz")  # a record cut short
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)  # fails on "scoring failed"
        assert len(screen.assessments) == sum(len(d.claims) for d in corpus.documents)
    assert cache._path(corpus).read_bytes() == good  # rewritten from the new scores


# ------------------------------------------------------------------ 21. deep folders


def test_a_corpus_nested_1100_folders_deep_is_read(tmp_path: Path):
    # Deeper than Python's recursion limit: the walk keeps its own stack (os.walk raised).
    write(tmp_path / "c" / "top.txt", "The council approved the plan on Monday.\n")
    folder = tmp_path / "c"
    for _ in range(1100):
        folder = folder / "d"
        folder.mkdir()
    write(folder / "deep.txt", "The council approved the plan on Tuesday.\n")
    try:
        result = load_corpus([tmp_path / "c"])
        assert [d.id for d in result.corpus.documents] == ["top.txt", "d/" * 1100 + "deep.txt"]
        assert result.problems == ()
        run = cli("suspects", "c", "--json", cwd=tmp_path, timeout=60)
        assert run.returncode == 0 and run.stdout.count(b"\n") == 2
    finally:
        # Removed here, deepest first: pytest's own clean-up of old runs (shutil.rmtree)
        # recurses per folder and would fail on this tree.
        (folder / "deep.txt").unlink()
        while folder != tmp_path / "c":
            folder.rmdir()
            folder = folder.parent
