"""The annotation-set commands through the real CLI entry: output, files and exit codes."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session
from tests.conftest import SEEDS


@pytest.fixture
def two_reviewers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ana and bo tag the same four seed claims; they disagree on one."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").symlink_to(SEEDS)
    corpus = load_corpus(["seeds"]).corpus
    doc = corpus.documents[0]
    c = doc.claims
    for who, labels in (
        ("ana", ["supported", "fabricated", "contradicted", "supported"]),
        ("bo", ["supported", "fabricated", "supported", "supported"]),
    ):
        s = Session(corpus, Path("annotations") / f"{who}.toml", who)
        for claim, label in zip(c, labels, strict=False):
            s.tag(doc, claim, label, 0.5)
        s.set_note(doc, c[1], f"{who} checked the wire")
        s.close()
    return tmp_path / "annotations"


def test_stats_counts_per_document_and_totals(two_reviewers: Path, capsys):
    assert main(["stats"]) == 0
    out = capsys.readouterr().out.splitlines()
    header = out[1].split("\t")
    assert header[:4] == ["annotator", "document", "claims", "tagged"]
    total = next(line.split("\t") for line in out if line.startswith("ana\tTOTAL"))
    row = dict(zip(header, total, strict=True))
    assert row["tagged"] == "4" and row["supported"] == "2" and row["fabricated"] == "1"
    assert row["unconfirmed"] == "0"
    assert row["claims"] == str(sum(len(d.claims) for d in load_corpus([SEEDS]).corpus.documents))


def test_stats_suspects_left_agree_with_the_engine_cold_and_from_the_cache_summary(
    two_reviewers: Path, capsys, monkeypatch
):
    """The first run scores the corpus; the second reads only the cache's summary (neither
    every score nor every document's sentences), and prints the same table: each document's
    claims, and its suspects the engine flags that the reviewer has not tagged."""
    from reviewer.core import cache, suspects
    from reviewer.core import navigation as nav
    from reviewer.core.suspects import assess_corpus

    corpus = load_corpus(["seeds"]).corpus
    flagged = {
        (a.doc, a.start, a.end)
        for g in assess_corpus(corpus, workers=1)
        for a in g
        if nav.is_suspect(a)
    }
    # ana also tags one suspect, which leaves her count (and no one else's).
    doc_id, first, last = min(flagged)
    doc = corpus.get(doc_id)
    sentence = next(x for x in doc.claims if (x.start, x.end) == (first, last))
    ana = Session(corpus, Path("annotations/ana.toml"), "ana")
    ana.tag(doc, sentence, "fabricated", 0.9)
    ana.close()
    assert main(["stats"]) == 0
    cold = capsys.readouterr().out

    def not_needed(*args, **kwargs):
        raise AssertionError("stats read more of the cache than its summary")

    monkeypatch.setattr(cache, "read_cached", not_needed)
    monkeypatch.setattr(cache, "load_sentences", not_needed)
    monkeypatch.setattr(suspects, "assess_corpus_compact", not_needed)  # nor scored again
    assert main(["stats"]) == 0
    assert capsys.readouterr().out == cold

    tagged = {(a["doc"], a["start"], a["end"]) for a in _annotations("ana")}
    lines = [line.split("\t") for line in cold.splitlines()]
    header = lines[1]
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in lines if r[0] == "ana"}
    for d in corpus.documents:
        left = sum(1 for f in flagged if f[0] == d.id and f not in tagged)
        assert rows[d.id]["claims"] == str(len(d.claims))
        assert rows[d.id]["suspects left"] == str(left), d.id
    assert rows["TOTAL"]["suspects left"] == str(len(flagged - tagged))
    assert 0 < len(flagged - tagged) < len(flagged)  # the tags took some suspects off


def _annotations(who: str) -> list[dict]:
    return tomllib.loads(Path(f"annotations/{who}.toml").read_text())["annotation"]


def test_agree_json_numbers_and_disagreements(two_reviewers: Path, capsys):
    assert main(["agree", "annotations/ana.toml", "annotations/bo.toml", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["items"] == 4 and report["raw_agreement"] == pytest.approx(0.75)
    (pair,) = report["pairs"]
    assert pair["confusion"]["contradicted"]["supported"] == 1
    # po = 3/4; ana: s2 f1 c1, bo: s3 f1 -> pe = (2*3 + 1*1) / 16
    assert pair["cohen_kappa"] == pytest.approx((0.75 - 7 / 16) / (1 - 7 / 16))
    (d,) = report["disagreements"]
    assert d["labels"] == {"ana": "contradicted", "bo": "supported"}


def test_export_each_format_to_file_and_refuses_to_clobber_a_set(two_reviewers: Path, capsys):
    for fmt in ("jsonl", "csv", "prodigy", "labelstudio", "fever"):
        out = Path(f"out.{fmt}")
        assert main(["export", "annotations", "--format", fmt, "--out", str(out)]) == 0
        assert out.stat().st_size > 0
    before = Path("annotations/ana.toml").read_bytes()
    assert (
        main(
            ["export", "annotations/ana.toml", "--format", "jsonl", "--out", "annotations/ana.toml"]
        )
        == 2
    )
    assert Path("annotations/ana.toml").read_bytes() == before
    assert "will not overwrite" in capsys.readouterr().err


def test_export_import_round_trip_through_the_cli(two_reviewers: Path):
    assert main(["export", "annotations/ana.toml", "--format", "jsonl", "--out", "ana.jsonl"]) == 0
    assert main(["import", "ana.jsonl", "--format", "jsonl", "--out", "back.toml"]) == 0
    assert Path("back.toml").read_text() == Path("annotations/ana.toml").read_text()
    assert main(["export", "annotations/bo.toml", "--format", "prodigy", "--out", "bo.jsonl"]) == 0
    assert main(["import", "bo.jsonl", "--format", "prodigy", "--out", "bo2.toml"]) == 0
    a = tomllib.loads(Path("bo2.toml").read_text())["annotation"]
    b = tomllib.loads(Path("annotations/bo.toml").read_text())["annotation"]
    assert [(x["doc"], x["start"], x["label"], x.get("note")) for x in a] == [
        (x["doc"], x["start"], x["label"], x.get("note")) for x in b
    ]
    # Never onto an existing set.
    assert main(["import", "ana.jsonl", "--format", "jsonl"]) == 2


def test_validate_reports_each_problem_with_file_and_line(two_reviewers: Path, capsys):
    assert main(["validate", "annotations/ana.toml"]) == 0
    text = Path("annotations/ana.toml").read_text()
    broken = text.replace('label = "fabricated"', 'label = "wrong"', 1)
    first_quote = next(line for line in text.splitlines() if line.startswith("quote = "))
    broken = broken.replace(first_quote, 'quote = "not the text"', 1)
    Path("broken.toml").write_text(broken)
    capsys.readouterr()
    assert main(["validate", "broken.toml", "--corpus", "seeds"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("broken.toml:") for line in lines)
    assert any('unknown label "wrong"' in line for line in lines)
    assert any("quote differs from the text" in line for line in lines)
    for line in lines:
        n = int(line.split(":")[1])
        assert broken.splitlines()[n - 1] == "[[annotation]]"


def test_merge_carries_agreement_and_keeps_disagreements(two_reviewers: Path):
    assert main(["merge", "annotations/ana.toml", "annotations/bo.toml", "--out", "m.toml"]) == 0
    data = tomllib.loads(Path("m.toml").read_text())
    assert data["merged_from"] == ["ana", "bo"]
    assert len(data["annotation"]) == 3
    assert all(set(a["votes"]) == {"ana", "bo"} for a in data["annotation"])
    noted = next(a for a in data["annotation"] if a["label"] == "fabricated")
    assert noted["note"] == "ana: ana checked the wire; bo: bo checked the wire"
    (d,) = data["disagreement"]
    assert d["votes"] == {"ana": "contradicted", "bo": "supported"}
    assert main(["merge", "annotations/ana.toml", "annotations/bo.toml", "--out", "m.toml"]) == 2


def test_sets_from_different_corpora_are_refused(two_reviewers: Path, capsys):
    other = Path("annotations/bo.toml").read_text().replace('corpus = "seeds"', 'corpus = "other"')
    Path("other.toml").write_text(other)
    assert main(["agree", "annotations/ana.toml", "other.toml"]) == 2
    assert "different corpora" in capsys.readouterr().err
    assert main(["merge", "annotations/ana.toml", "other.toml", "--out", "x.toml"]) == 2
    assert not Path("x.toml").exists()


def test_unknown_schema_is_a_clear_error(two_reviewers: Path, capsys):
    Path("v2.toml").write_text('schema = 2\nannotator = "x"\ncorpus = "seeds"\n')
    assert main(["agree", "annotations/ana.toml", "v2.toml"]) == 2
    err = capsys.readouterr().err
    assert "v2.toml:1: unknown schema 2" in err and "\n" not in err.strip()


def _project(tmp_path: Path, bo_labels: tuple[str, str]) -> tuple[Path, Path]:
    """A project folder whose annotations/ holds ana's seeded set and bo's with these labels."""
    from tests.core.test_export import seeded_set

    project = tmp_path / "p"
    folder = project / "annotations"
    folder.mkdir(parents=True)
    seeded_set(folder, annotator="ana")
    seeded_set(folder, annotator="bo", labels=bo_labels)
    return project, folder


def test_validate_and_agree_default_to_the_annotations_folder(tmp_path: Path):
    from tests.hostile.helpers import cli

    project, folder = _project(tmp_path, ("supported", "supported"))
    (folder / "adjudicated.toml").write_text(
        (folder / "ana.toml").read_text().replace('annotator = "ana"', 'annotator = "adjudicated"')
    )
    for args in (["validate"], ["validate", "annotations"], ["validate", "annotations/"]):
        result = cli(*args, cwd=project)
        assert result.returncode in (0, 1), result.stderr
        assert b"ana.toml" in result.stderr and b"no such file" not in result.stderr
    agreed = cli("agree", "--json", cwd=project)
    assert agreed.returncode == 0, agreed.stderr
    import json

    report = json.loads(agreed.stdout)
    assert report["annotators"] == ["ana", "bo"]  # the adjudicated set is left out
    assert b"adjudicated.toml: adjudicated or merged set, left out" in agreed.stderr
    named = cli("agree", "annotations/ana.toml", "annotations/adjudicated.toml", "--json",
                cwd=project)  # fmt: skip
    assert json.loads(named.stdout)["annotators"] == ["ana", "adjudicated"]
    assert "gwet_ac1" in report


def test_merge_reads_the_folder_and_leaves_its_own_output_out(tmp_path: Path):
    from tests.hostile.helpers import cli

    project, _ = _project(tmp_path, ("fabricated", "contradicted"))
    first = cli("merge", "--out", "annotations/merged.toml", cwd=project)
    assert first.returncode == 0, first.stderr
    assert b"merged 2 sets" in first.stderr
    again = cli("merge", "--out", "all.toml", cwd=project)  # merged.toml is not a reviewer
    assert again.returncode == 0 and b"merged 2 sets" in again.stderr
    assert b"merged.toml: adjudicated or merged set, left out" in again.stderr


def test_serve_refuses_bad_input_in_one_line(tmp_path: Path):
    from tests.hostile.helpers import cli, error_line

    assert "--port 70000" in error_line(cli("serve", "--port", "70000", cwd=tmp_path))
    missing = cli("serve", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and b"no documents to review in nowhere" in missing.stderr
    bad = cli("serve", "--annotator", "../x", cwd=tmp_path)
    assert bad.returncode == 2


def test_serve_command_runs_the_review_app_on_absolute_paths(tmp_path: Path):
    import argparse

    from reviewer.cli.serve import command

    args = argparse.Namespace(
        paths=["seeds"], annotations="annotations", annotator=None, blind=True
    )
    cmd = command(args)
    assert " review --served " in cmd and str((Path.cwd() / "seeds").resolve()) in cmd
    assert cmd.endswith("--blind") and "--annotator" not in cmd


def test_the_parser_offers_every_format_the_core_has():
    from reviewer.cli import build_parser
    from reviewer.core.export import FORMATS, IMPORT_FORMATS

    sub = next(a for a in build_parser()._actions if a.dest == "command").choices
    choices = {p: next(a.choices for a in sub[p]._actions if a.dest == "format")
               for p in ("export", "import")}  # fmt: skip
    assert list(choices["export"]) == list(FORMATS)
    assert list(choices["import"]) == list(IMPORT_FORMATS)


def test_notes_on_untagged_sentences_change_no_count_export_or_merge(two_reviewers: Path, capsys):
    """A note without a tag is the reviewer's working note: stats, agree, every export and
    merge give exactly what they gave without it (export says it left notes out)."""
    commands = [
        ["stats"],
        ["agree", "--json"],
        *(["export", "annotations", "--format", f] for f in ("jsonl", "csv", "prodigy",
                                                              "labelstudio", "fever")),
    ]  # fmt: skip

    def outputs() -> list[str]:
        got = []
        for argv in commands:
            assert main(argv) == 0
            got.append(capsys.readouterr().out)
        sets = ["annotations/ana.toml", "annotations/bo.toml"]
        assert main(["merge", *sets, "--out", "m.toml"]) == 0
        merged = Path("m.toml").read_text()
        Path("m.toml").unlink()
        capsys.readouterr()
        return [*got, merged]

    before = outputs()
    corpus = load_corpus(["seeds"]).corpus
    doc = corpus.documents[0]
    for who in ("ana", "bo"):
        s = Session(corpus, Path("annotations") / f"{who}.toml", who)
        s.set_note(doc, doc.claims[6], f"{who}: ask the desk")
        other = corpus.documents[1]
        s.set_note(other, other.claims[0], "unsure")
        s.close()
    assert "ask the desk" in Path("annotations/ana.toml").read_text()
    assert outputs() == before
    assert main(["export", "annotations", "--format", "jsonl", "--out", "x.jsonl"]) == 0
    assert "left out 4 note(s) on untagged sentences" in capsys.readouterr().err
    assert main(["validate", "annotations", "--corpus", "seeds"]) == 0
