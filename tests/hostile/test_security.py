"""Issue 8, items 7-13: nothing outside the corpus and the annotations folder is read or
written, and nothing from the input reaches the terminal as a command."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import tomllib
from pathlib import Path

import pytest

from reviewer.app import ReviewerApp
from reviewer.cli import main
from reviewer.cli.review import open_session
from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session
from reviewer.core.store import Annotation, Store, now
from tests.conftest import SEEDS, write
from tests.hostile.helpers import CONTROLS, cli, drawn_segments, error_line

pytestmark = pytest.mark.timeout(120)


def project(tmp_path: Path) -> Path:
    """A project folder: the seeds and one annotator's set with two tags."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "seeds").symlink_to(SEEDS)
    corpus = load_corpus([tmp_path / "seeds"]).corpus
    s = Session(corpus, tmp_path / "annotations" / "ana.toml", "ana")
    doc = corpus.documents[0]
    s.tag(doc, doc.claims[0], "supported")
    s.tag(doc, doc.claims[1], "fabricated")
    s.close()
    return tmp_path


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# ------------------------------------------------------------------ 7. annotator names


@pytest.mark.parametrize("name", ["../../x/pwned", "/tmp/pwned", "ana\n", "a/b", "", ".hidden"])
def test_import_never_turns_an_annotator_name_into_a_path(tmp_path: Path, name: str):
    root = project(tmp_path / "p")
    doc = load_corpus([root / "seeds"]).corpus.documents[0]
    c = doc.claims[0]
    record = {
        "annotator": name,
        "corpus": "seeds",
        "doc": doc.id,
        "start": c.start,
        "end": c.end,
        "quote": doc.sentence_text(c),
        "label": "supported",
    }
    write(root / "in.jsonl", json.dumps(record) + "\n")
    before = tree(tmp_path)
    run = cli("import", "in.jsonl", "--format", "jsonl", cwd=root)
    assert run.returncode == 2
    assert "annotator name" in error_line(run) or "pass --annotator" in error_line(run)
    assert tree(tmp_path) == before  # nothing created, anywhere
    assert not Path("/tmp/pwned.toml").exists()


def test_review_refuses_an_annotator_name_with_a_trailing_newline(tmp_path: Path):
    import argparse

    from reviewer.cli import UserError

    corpus = load_corpus([SEEDS]).corpus
    args = argparse.Namespace(
        annotator="ana\n", compare=None, annotations=str(tmp_path / "annotations")
    )
    with pytest.raises(UserError, match="annotator name"):
        open_session(args, corpus)
    assert not (tmp_path / "annotations").exists()


# ------------------------------------------------------------------ 8. corpus field


@pytest.mark.parametrize("recorded", ["/etc", "/", "../outside", "seeds/../../outside"])
def test_a_recorded_corpus_is_never_used_as_a_path(tmp_path: Path, recorded: str):
    root = project(tmp_path / "p")
    write(tmp_path / "outside" / "secret.txt", "The secret launch code is 0000.\n")
    path = root / "annotations" / "ana.toml"
    path.write_text(path.read_text().replace('corpus = "seeds"', f'corpus = "{recorded}"'))
    run = cli("stats", cwd=root, timeout=30)
    assert run.returncode == 0
    out = run.stdout.decode()
    assert "no corpus found" in out and "passwd" not in out and "secret" not in out
    run = cli("export", "--format", "labelstudio", cwd=root, timeout=30)
    assert run.returncode == 2 and "pass --corpus" in error_line(run)
    assert b"secret launch code" not in run.stdout


def test_the_recorded_corpus_is_found_in_the_sets_project_from_anywhere(tmp_path: Path):
    root = project(tmp_path / "p")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = cli("stats", str(root / "annotations"), cwd=elsewhere)
    assert run.returncode == 0 and "no corpus found" not in run.stdout.decode()
    assert "000_3a2d618653cc8c15.txt" in run.stdout.decode()


# ------------------------------------------------------------------ 9. symlinks


def test_links_leaving_the_corpus_and_devices_are_skipped_with_one_line_each(tmp_path: Path):
    docs = tmp_path / "c"
    write(docs / "ok.txt", "The council approved the plan on Monday.\n")
    write(tmp_path / "private.txt", "My private diary entry for today.\n")
    (docs / "outside.txt").symlink_to("/etc/passwd")
    (docs / "diary.txt").symlink_to(tmp_path / "private.txt")
    (docs / "zero.txt").symlink_to("/dev/zero")
    (docs / "inside.txt").symlink_to(docs / "ok.txt")  # stays inside: allowed
    (docs / "sub").mkdir()
    (docs / "sub" / "loop").symlink_to(docs)  # a link to a folder: never followed
    result = load_corpus([docs])
    assert sorted(d.id for d in result.corpus.documents) == ["inside.txt", "ok.txt"]
    problems = {Path(p.path).name: p.message for p in result.problems}
    assert "outside the corpus" in problems["outside.txt"]
    assert "outside the corpus" in problems["diary.txt"]
    assert "outside the corpus" in problems["zero.txt"]
    assert "not followed" in problems["loop"]
    # Named explicitly, a link is the user's choice and is read.
    explicit = load_corpus([docs / "diary.txt"])
    assert explicit.corpus.documents[0].text.startswith("My private diary")
    # A device named explicitly is refused at once, never read until memory runs out.
    device = load_corpus(["/dev/zero"])
    assert device.corpus.documents == () and "character device" in device.problems[0].message


# ------------------------------------------------------------------ 10. --out


def test_export_out_writes_into_devices_and_links_without_replacing_them(tmp_path: Path):
    root = project(tmp_path / "p")
    if os.access("/dev/full", os.W_OK):
        run = cli("export", "--format", "jsonl", "--out", "/dev/full", cwd=root)
        assert run.returncode == 2 and "No space left on device" in error_line(run)
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    run = cli("export", "--format", "jsonl", "--out", "-", cwd=root)
    assert run.returncode == 0 and run.stdout.count(b"\n") == 2
    run = cli("export", "--format", "jsonl", "--out", "/dev/stdout", cwd=root)
    assert run.returncode == 0 and run.stdout.count(b"\n") == 2
    assert os.path.islink("/dev/stdout")
    target = write(root / "real.jsonl", "old\n")
    os.chmod(target, 0o600)
    (root / "link.jsonl").symlink_to(target)
    run = cli("export", "--format", "jsonl", "--out", "link.jsonl", cwd=root)
    assert run.returncode == 0
    assert (root / "link.jsonl").is_symlink() and target.read_text().count("\n") == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# ------------------------------------------------------------------ 11. escape sequences

HOSTILE = "The mayor \x1b]0;pwned\x07said \x1b[31mthe plan\x9b2J was approved on Monday."


def hostile_project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    write(root / "c" / "a.txt", HOSTILE + "\n")
    write(root / "c" / "b\x1b[1mname.txt", "The mayor said the plan was approved on Friday.\n")
    corpus = load_corpus([root / "c"]).corpus
    for who in ("ana", "bo"):
        s = Session(corpus, root / "annotations" / f"{who}.toml", who)
        for doc in corpus.documents:
            s.tag(doc, doc.claims[0], "supported" if who == "ana" else "fabricated")
            s.set_note(doc, doc.claims[0], "note \x1b[2J\x9b with escapes")
        s.close()
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["suspects", "c"],
        ["suspects", "c", "--json"],
        ["stats"],
        ["agree", "annotations/ana.toml", "annotations/bo.toml"],
        ["agree", "annotations/ana.toml", "annotations/bo.toml", "--json"],
        ["validate", "annotations/ana.toml"],
        ["export", "--format", "jsonl"],
        ["export", "--format", "prodigy"],
        ["export", "--format", "fever"],
    ],
)
def test_no_command_prints_a_control_character_from_the_input(tmp_path: Path, args: list[str]):
    root = hostile_project(tmp_path)
    run = cli(*args, cwd=root)
    assert run.returncode in (0, 1)
    for stream in (run.stdout.decode(), run.stderr.decode()):
        assert not CONTROLS.search(stream.replace("\r\n", "\n")), repr(stream[:300])


async def test_the_app_draws_no_control_character_from_the_input(tmp_path: Path):
    root = hostile_project(tmp_path)
    corpus = load_corpus([root / "c"]).corpus
    app = ReviewerApp(corpus, Session(corpus, root / "annotations" / "cy.toml", "cy"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f")
        app.session.set_note(app.screen.doc, app.screen.sentence, "x\x1b[31my\x9b")
        await pilot.pause()
        shown = []
        for keys in ([], ["tab"], ["slash", *"mayor"]):
            await pilot.press(*keys)
            await pilot.pause()
            texts = [seg.text for seg in drawn_segments(app)]
            assert not [t for t in texts if CONTROLS.search(t)]
            shown.append("".join(texts))
        assert "␛]0;pwned␇said" in shown[0]  # shown as a picture, never run


# ------------------------------------------------------------------ 12. file mode


def test_saving_keeps_a_private_files_mode(tmp_path: Path):
    corpus = load_corpus([SEEDS]).corpus
    path = tmp_path / "annotations" / "ana.toml"
    s = Session(corpus, path, "ana")
    doc = corpus.documents[0]
    s.tag(doc, doc.claims[0], "supported")
    os.chmod(path, 0o600)
    s.tag(doc, doc.claims[1], "fabricated")
    s.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ------------------------------------------------------------------ 13. CSV formulas


@pytest.mark.parametrize(
    "note",
    ["=1+1", " =1+1", "\n=HYPERLINK()", "\u00a0=cmd", "\u200b=cmd", "\ufeff@SUM(A1)", "＝1+1",
     "＋1", "－1", "＠A1", "\t=1", "\r=1", "  \n -2+3"],
)  # fmt: skip
def test_csv_neutralises_formulas_behind_invisible_characters(tmp_path: Path, note: str):
    path = tmp_path / "annotations" / "ana.toml"
    a = Annotation("d.txt", 0, 5, "Hello", "supported", note=note, created=now())
    Store(path, "ana", "c").save([a])
    buf = io.StringIO()
    from contextlib import redirect_stdout

    with redirect_stdout(buf):
        assert main(["export", str(path), "--format", "csv"]) == 0
    (row,) = csv.DictReader(io.StringIO(buf.getvalue()))
    assert row["note"] == "'" + note


def test_csv_leaves_ordinary_text_alone(tmp_path: Path):
    path = tmp_path / "annotations" / "ana.toml"
    notes = ["plain note", " leading space", "a = b", "email@example.org"]
    Store(path, "ana", "c").save(
        [Annotation("d.txt", i, i + 1, "x", "supported", note=n) for i, n in enumerate(notes)]
    )
    buf = io.StringIO()
    from contextlib import redirect_stdout

    with redirect_stdout(buf):
        assert main(["export", str(path), "--format", "csv"]) == 0
    assert [r["note"] for r in csv.DictReader(io.StringIO(buf.getvalue()))] == notes
    assert tomllib.loads(path.read_text())["annotator"] == "ana"


def test_csv_on_a_terminal_shows_controls_while_a_file_keeps_every_byte(tmp_path: Path):
    import pty
    import sys

    from tests.conftest import ROOT

    root = hostile_project(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command, its stdout a terminal
        os.chdir(root)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        os.execve(
            sys.executable, [sys.executable, "-m", "reviewer", "export", "--format", "csv"], env
        )
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    shown = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    assert "The mayor ␛]0;pwned␇said" in shown and not CONTROLS.search(shown)
    run = cli("export", "--format", "csv", "--out", "out.csv", cwd=root)
    assert run.returncode == 0
    assert "The mayor \x1b]0;pwned\x07said" in (root / "out.csv").read_text(encoding="utf-8")
