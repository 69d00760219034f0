"""Exports: each tool's documented fields, spreadsheet safety, and the jsonl -> TOML round trip."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core.corpus import load_corpus
from reviewer.core.export import ExportOptions, export, import_records, load_sets, safe_cell
from reviewer.core.store import Annotation, Evidence, Store, dumps, loads
from tests.conftest import SEEDS

T = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)


def seeded_set(tmp_path: Path, annotator: str = "ana", labels=("fabricated", "supported")):
    corpus = load_corpus([SEEDS]).corpus
    doc, other = corpus.documents[0], corpus.documents[1]
    items = []
    for claim, label in zip(doc.claims, labels, strict=False):
        ev = other.claims[0]
        items.append(
            Annotation(
                doc.id,
                claim.start,
                claim.end,
                doc.sentence_text(claim),
                label,
                note="=SUM(A1:A9) needs a source" if label == "fabricated" else "",
                suspicion=0.8,
                created=T,
                updated=T,
                evidence=(Evidence(other.id, ev.start, ev.end, other.sentence_text(ev)),),
            )
        )
    path = tmp_path / f"{annotator}.toml"
    Store(path, annotator, "seeds").save(items)
    return corpus, load_sets([path])


def test_jsonl_has_every_field_plus_group_and_annotator(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    rows = [json.loads(x) for x in export("jsonl", sets, corpus).splitlines()]
    assert len(rows) == 2
    assert set(rows[0]) == {
        "annotator",
        "corpus",
        "group",
        "doc",
        "start",
        "end",
        "quote",
        "label",
        "note",
        "suspicion",
        "created",
        "updated",
        "evidence",
    }
    assert rows[0]["annotator"] == "ana" and rows[0]["created"] == "2026-11-22T10:00:00Z"
    assert set(rows[0]["evidence"][0]) == {"doc", "start", "end", "quote"}


def test_csv_neutralises_formula_cells_and_flattens_evidence(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    rows = list(csv.DictReader(io.StringIO(export("csv", sets, corpus))))
    fabricated = next(r for r in rows if r["label"] == "fabricated")
    assert fabricated["note"] == "'=SUM(A1:A9) needs a source"
    assert fabricated["evidence_count"] == "1" and "001_" in fabricated["evidence"]
    for risky in ("=1+1", "+1", "-1", "@cmd", "\tx", "\rx"):
        assert safe_cell(risky) == "'" + risky
    assert safe_cell("plain") == "plain" and safe_cell(5) == 5


def test_prodigy_task_fields(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    task = json.loads(export("prodigy", sets, corpus).splitlines()[0])
    assert {"text", "meta", "options", "accept", "answer"} <= set(task)
    assert task["answer"] == "accept" and task["accept"] == ["fabricated"]
    assert [o["id"] for o in task["options"]] == ["supported", "contradicted", "fabricated"]
    assert (
        task["text"]
        == corpus.get(task["meta"]["doc"]).text[task["meta"]["start"] : task["meta"]["end"]]
    )
    assert "note" in task and "evidence" in task


def test_labelstudio_task_regions(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    (task,) = json.loads(export("labelstudio", sets, corpus))
    assert set(task) >= {"id", "data", "annotations"}
    assert task["data"]["text"] == corpus.documents[0].text
    (ann,) = task["annotations"]
    # Label Studio refuses a name in completed_by: left out, the importing user owns it.
    assert "completed_by" not in ann
    mapped = json.loads(
        export("labelstudio", sets, corpus, ExportOptions(users={"ana": "ana@example.org"}))
    )
    assert mapped[0]["annotations"][0]["completed_by"] == {"email": "ana@example.org"}
    numbered = json.loads(export("labelstudio", sets, corpus, ExportOptions(users={"ana": 7})))
    assert numbered[0]["annotations"][0]["completed_by"] == 7
    region = ann["result"][0]
    assert region["type"] == "labels" and region["from_name"] == "label"
    assert region["to_name"] == "text"
    value = region["value"]
    assert task["data"]["text"][value["start"] : value["end"]] == value["text"]
    assert value["labels"] == ["fabricated"]
    assert region["meta"]["text"] == ["=SUM(A1:A9) needs a source"]


def test_fever_labels_and_evidence(tmp_path: Path):
    corpus, sets = seeded_set(tmp_path)
    rows = [json.loads(x) for x in export("fever", sets, corpus).splitlines()]
    by_label = {r["original_label"]: r for r in rows}
    assert by_label["fabricated"]["label"] == "NOT ENOUGH INFO"
    assert by_label["fabricated"]["verifiable"] == "NOT VERIFIABLE"
    assert by_label["supported"]["label"] == "SUPPORTS"
    ev = by_label["supported"]["evidence"]
    assert ev[0][0][2].startswith("001_") and isinstance(ev[0][0][3], int)
    assert {"id", "claim", "label", "evidence"} <= set(rows[0])


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    quote=_text.filter(bool),
    note=_text,
    ev_quote=_text,
    label=st.sampled_from(["supported", "contradicted", "fabricated"]),
    start=st.integers(0, 10_000),
    suspicion=st.none() | st.floats(0, 1),
)
def test_jsonl_export_then_import_gives_the_same_toml(
    quote, note, ev_quote, label, start, suspicion
):
    a = Annotation(
        'dir/doc "x".txt',
        start,
        start + len(quote),
        quote,
        label,
        note=note,
        suspicion=suspicion,
        created=T,
        updated=T,
        evidence=(Evidence("other\\doc.txt", 1, 2, ev_quote),) if ev_quote else (),
    )
    toml_text = dumps("ana", "seeds", [a])
    parsed = loads(toml_text, Path("ana.toml"))
    assert parsed.annotations == (
        a.with_changes(suspicion=None if suspicion is None else round(suspicion, 4)),
    )
    from reviewer.core.store import AnnotationSet

    exported = export(
        "jsonl", [AnnotationSet(Path("ana.toml"), "ana", "seeds", parsed.annotations)], None
    )
    assert len(exported.splitlines()) == 1  # even str.splitlines keeps the record whole
    records = import_records(exported.split("\n"), "jsonl", "export.jsonl")
    assert [(who, corpus) for who, corpus, _ in records] == [("ana", "seeds")]
    assert dumps("ana", "seeds", [r for _, _, r in records]) == toml_text
