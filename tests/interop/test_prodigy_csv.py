"""Prodigy's task fields and hashes, the spans variant, imports of shared files; CSV read back
by pandas (BOM, JSON evidence column)."""

from __future__ import annotations

import io
import json
import os
import tomllib
from pathlib import Path

import pytest

from reviewer.core.export import ExportOptions, export
from tests.core.test_export import seeded_set
from tests.hostile.helpers import cli, error_line

# The fields Prodigy's choice interface reads and writes (prodi.gy/docs/api-interfaces#choice).
PRODIGY_CHOICE = {"text", "options", "accept", "answer", "_input_hash", "_task_hash",
                  "_view_id", "config", "_annotator_id", "_session_id", "meta"}  # fmt: skip
PRODIGY_SPANS = {"text", "tokens", "spans", "answer", "_input_hash", "_task_hash", "_view_id",
                 "_annotator_id", "_session_id", "meta"}  # fmt: skip


def test_choice_tasks_have_prodigy_fields_and_stable_hashes(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    tasks = [json.loads(x) for x in export("prodigy", sets, corpus).splitlines()]
    again = [json.loads(x) for x in export("prodigy", sets, corpus).splitlines()]
    for task, twin in zip(tasks, again, strict=True):
        assert set(task) >= PRODIGY_CHOICE
        assert task["_view_id"] == "choice" and task["config"] == {"choice_style": "single"}
        for key in ("_input_hash", "_task_hash"):
            assert isinstance(task[key], int) and -(2**31) <= task[key] < 2**31
            assert task[key] == twin[key]
    assert len({t["_input_hash"] for t in tasks}) == len(tasks)
    # Another annotator's task on the same sentence has the same hashes (Prodigy groups them).
    _, bo = seeded_set(tmp_path / "bo", annotator="bo")
    bo_tasks = [json.loads(x) for x in export("prodigy", bo, corpus).splitlines()]
    assert [t["_task_hash"] for t in bo_tasks] == [t["_task_hash"] for t in tasks]


def test_spans_variant_one_task_per_document_with_token_aligned_spans(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    (task,) = [json.loads(x) for x in export("prodigy-spans", sets, corpus).splitlines()]
    assert set(task) >= PRODIGY_SPANS and task["_view_id"] == "spans_manual"
    text, tokens = task["text"], task["tokens"]
    assert all(text[t["start"] : t["end"]] == t["text"] for t in tokens)
    assert [s["label"] for s in task["spans"]] == ["fabricated", "supported"]
    for span in task["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
        quote = [a for a in sets[0].annotations if a.start == span["start"]][0].quote
        assert text[span["start"] : span["end"]] == quote.rstrip()


def _shared_file(tmp_path: Path, fmt: str) -> Path:
    corpus, ana = seeded_set(tmp_path / "a", annotator="ana")
    _, bo = seeded_set(tmp_path / "b", annotator="bo", labels=("supported", "contradicted"))
    path = tmp_path / f"shared.{fmt}.jsonl"
    path.write_text(export(fmt, [*ana, *bo], corpus))
    return path


@pytest.mark.parametrize("fmt", ["prodigy", "jsonl"])
def test_a_shared_file_imports_one_annotator_or_splits(tmp_path: Path, fmt: str):
    source = _shared_file(tmp_path, fmt)
    project = tmp_path / "p"
    project.mkdir()
    refused = cli("import", str(source), "--format", fmt, cwd=project)
    assert refused.returncode == 2
    assert "ana, bo" in error_line(refused) and "--out DIR" in error_line(refused)
    one = cli("import", str(source), "--format", fmt, "--annotator", "bo", cwd=project)
    assert one.returncode == 0, one.stderr
    bo = tomllib.loads((project / "annotations" / "bo.toml").read_text())
    assert sorted(a["label"] for a in bo["annotation"]) == ["contradicted", "supported"]
    split = cli("import", str(source), "--format", fmt, "--out", "team/", cwd=project)
    assert split.returncode == 0, split.stderr
    assert sorted(p.name for p in (project / "team").glob("*.toml")) == ["ana.toml", "bo.toml"]
    ana = tomllib.loads((project / "team" / "ana.toml").read_text())
    assert sorted(a["label"] for a in ana["annotation"]) == ["fabricated", "supported"]


def test_wrong_format_says_so(tmp_path: Path):
    source = _shared_file(tmp_path, "jsonl")
    result = cli("import", str(source), "--format", "prodigy", cwd=tmp_path)
    assert result.returncode == 2
    assert "wrong format" in error_line(result) and "--format jsonl" in error_line(result)
    source = _shared_file(tmp_path / "x", "prodigy")
    result = cli("import", str(source), "--format", "jsonl", cwd=tmp_path)
    assert "wrong format" in error_line(result) and "--format prodigy" in error_line(result)


def test_csv_reads_back_in_pandas_with_bom_and_json_evidence(tmp_path: Path):
    if not os.environ.get("REVIEWER_INTEROP"):
        pytest.importorskip("pandas")
    import pandas

    corpus, sets = seeded_set(tmp_path)
    text = export("csv", sets, corpus, ExportOptions(bom=True))
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pandas.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns)[0] == "annotator"  # the BOM is not glued to the first name
    evidence = json.loads(frame.loc[0, "evidence"])
    assert evidence[0]["quote"] == sets[0].annotations[0].evidence[0].quote
    assert frame.loc[0, "evidence_count"] == 1
