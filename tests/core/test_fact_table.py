"""The fact table: rows a fact-checker reads, from the seeds and from small written cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.core.corpus import Document, load_corpus, segment
from reviewer.core.fact_table import (
    AGREED,
    DISPUTED,
    SINGLE,
    FactRow,
    corpus_facts,
    group_facts,
)
from tests.conftest import ROOT, SEEDS, write


def table(*texts: str) -> list[FactRow]:
    docs = [Document(f"d{i}.txt", "g", "", t, tuple(segment(t))) for i, t in enumerate(texts)]
    return group_facts(docs)


def values(row: FactRow) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in row.cells:
        out.setdefault(c.doc, set()).add(c.value)
    return out


def row_with(rows: list[FactRow], doc: str, value: str, kind: str | None = None) -> FactRow:
    (found,) = [
        r
        for r in rows
        if any(c.doc.endswith(doc) and value in c.value for c in r.cells)
        and (kind is None or r.kind == kind)
    ]
    return found


@pytest.fixture(scope="module")
def seeds_rows() -> list[FactRow]:
    (rows,) = list(corpus_facts(load_corpus([SEEDS]).corpus))
    return rows


# ------------------------------------------------------------------ the seeds (issue 11's proof)


def test_seeds_disputed_rows_are_the_visit_the_weekday_and_the_nations(seeds_rows):
    disputed = [r for r in seeds_rows if r.state == DISPUTED]
    visit = row_with(seeds_rows, "003_f5f94a018b5bb30d.txt", "three-day")
    assert visit.state == DISPUTED and visit.majority == "four-day"
    assert [c.doc for c in visit.cells if visit.odd(c)] == ["003_f5f94a018b5bb30d.txt"]
    assert {c.value for c in visit.cells} == {"four-day", "three-day"}

    parade = row_with(seeds_rows, "003_f5f94a018b5bb30d.txt", "Thursday")
    assert parade.state == DISPUTED and parade.majority == "Friday"
    assert "parade" in parade.fact
    odd = [c for c in parade.cells if parade.odd(c)]
    assert [(c.doc, c.value) for c in odd] == [("003_f5f94a018b5bb30d.txt", "Thursday")]

    nations = row_with(seeds_rows, "001_682cb7d8d0cde52a.txt", "13 other nations")
    assert nations.state == DISPUTED and nations.majority == "12 other countries"
    assert {c.doc for c in nations.cells if nations.odd(c)} == {"001_682cb7d8d0cde52a.txt"}

    # Only these: the first rows of the table, and nothing else disputed.
    assert seeds_rows[: len(disputed)] == disputed
    assert {id(r) for r in disputed} == {id(visit), id(parade), id(nations)}


def test_seeds_single_source_rows_name_the_troops_and_the_officials(seeds_rows):
    troops = row_with(seeds_rows, "003_f5f94a018b5bb30d.txt", "9,000 troops")
    minister = row_with(seeds_rows, "003_f5f94a018b5bb30d.txt", "Sergei Shoigu", "person")
    secretary = [
        r
        for r in seeds_rows
        if r.kind == "person" and any(c.value == "Antony Blinken" for c in r.cells)
    ]
    assert troops.state == SINGLE and troops.docs == ["003_f5f94a018b5bb30d.txt"]
    assert minister.state == SINGLE and minister.fact == "Defense Minister"
    assert [r.fact for r in secretary] == ["Secretary of State"]
    assert secretary[0].state == SINGLE


def test_rows_come_disputed_then_single_then_agreed_and_cells_quote_the_document(seeds_rows):
    states = [r.state for r in seeds_rows]
    assert states == sorted(states, key=[DISPUTED, SINGLE, AGREED].index)
    corpus = load_corpus([SEEDS]).corpus
    for r in seeds_rows:
        for c in r.cells:
            doc = corpus.get(c.doc)
            assert doc.text[c.start : c.end] == c.text
            assert doc.text[c.value_start : c.value_end] == c.value or c.value == "(no speaker)"
            assert c.start <= c.value_start <= c.value_end <= c.end


# ------------------------------------------------------------------ written cases


def test_a_changed_number_is_a_disputed_row_and_the_odd_document_is_named():
    rows = table(
        "The bridge cost 48 million pounds. It opened on Saturday.",
        "Built for 48 million pounds, the bridge opened on Saturday.",
        "The bridge cost 96 million pounds and opened on Saturday.",
    )
    cost = row_with(rows, "d2.txt", "96 million pounds")
    assert cost.state == DISPUTED
    assert [c.doc for c in cost.cells if cost.odd(c)] == ["d2.txt"]
    day = row_with(rows, "d0.txt", "Saturday")
    assert day.state == AGREED and set(day.docs) == {"d0.txt", "d1.txt", "d2.txt"}


def test_two_facts_one_document_gives_both_of_are_not_a_dispute():
    # "two people" were killed and "1,200 people" were evacuated: a document that says both
    # shows they are two facts; a third that says only one of them disputes nothing.
    rows = table(
        "The flood killed two people. Officials said 1,200 people were evacuated.",
        "Two people died in the flood, and 1,200 people left their homes.",
        "About 1,200 people were evacuated from the valley.",
    )
    assert not [r for r in rows if r.state == DISPUTED]


def test_a_document_that_names_two_people_in_one_role_contradicts_itself():
    rows = table(
        "Russian President Vladimir Putin spoke at the parade.",
        "Russian President Vladimir Putin opened the parade.",
        "Russian President Vladimir Putin watched. Later, Russian President Nadia Petrenko "
        "spoke at the parade.",
    )
    row = row_with(rows, "d2.txt", "Nadia Petrenko", "person")
    assert row.state == DISPUTED and row.majority == "Vladimir Putin"
    assert [(c.doc, c.value) for c in row.cells if row.odd(c)] == [("d2.txt", "Nadia Petrenko")]


def test_a_name_replaced_in_a_paraphrase_is_disputed():
    rows = table(
        "The ribbon was cut by Helen Ashdown in front of a crowd. Ashdown thanked the builders.",
        "In front of a crowd, the ribbon was cut by Helen Ashdown. Ashdown spoke briefly.",
        "The ribbon was cut by Margaret Quill in front of a crowd. Ashdown thanked the builders.",
    )
    row = row_with(rows, "d2.txt", "Margaret Quill")
    assert row.state == DISPUTED and row.kind == "name"
    assert {c.doc for c in row.cells if row.odd(c)} == {"d2.txt"}


def test_a_changed_designation_is_disputed_even_where_its_document_also_names_the_right_one():
    # "Tarn-8" in one headline, "Tarn-2" everywhere else (that document's body included):
    # one disputed row naming the headline. "Tarn-1", the earlier rover every document
    # names, is another rover: agreed, never in the dispute.
    rows = table(
        "Northern Space Office sends Tarn-8 to the Moon\n\nThe Tarn-2 rover launched on "
        "Tuesday aboard a Helix-7 rocket. Tarn-1 crashed on landing in 2022.",
        "The Northern Space Office launched its Tarn-2 rover on Tuesday. The earlier rover, "
        "Tarn-1, crashed on landing in 2022.",
        "Tarn-2 lifted off on Tuesday on a Helix-7 rocket of the Northern Space Office. "
        "Tarn-1 crashed on landing in 2022.",
    )
    row = row_with(rows, "d0.txt", "Tarn-8")
    assert row.state == DISPUTED and row.kind == "designation"
    assert row.majority == "Tarn-2" and row.fact.startswith("Tarn-n")
    assert [(c.doc, c.value) for c in row.cells if row.odd(c)] == [("d0.txt", "Tarn-8")]
    assert {"d1.txt", "d2.txt"} <= set(row.docs)
    first = row_with(rows, "d1.txt", "Tarn-1")
    assert first.state == AGREED and len(first.docs) == 3
    assert not any(c.value == "Tarn-1" for c in row.cells)


def test_an_event_told_in_another_tense_is_one_row():
    # "launched on Tuesday" and "Tuesday's launch", "opened" and "opens": the words around
    # a date or a duration meet whatever the tense.
    rows = table(
        "The rover launched on Tuesday from Vesna. Kestrel Bridge opened to traffic after "
        "three years of construction.",
        "It was launched on Tuesday. Kestrel Bridge opened after three years of construction.",
        "Engineers praised Saturday's launch. Kestrel Bridge opens to traffic after five "
        "years of work.",
    )
    day = row_with(rows, "d2.txt", "Saturday")
    assert day.state == DISPUTED and set(day.docs) == {"d0.txt", "d1.txt", "d2.txt"}
    years = row_with(rows, "d2.txt", "five years")
    assert years.state == DISPUTED and set(years.docs) == {"d0.txt", "d1.txt", "d2.txt"}


def test_a_document_that_gives_an_event_two_days_contradicts_itself():
    # d2 says the launch was on Tuesday, then calls it "Saturday's launch": its Saturday
    # disputes the others' Tuesday. The day a forum spoke on is another event: not compared.
    rows = table(
        "The rover launched on Tuesday from Vesna. The director said the launch went to plan.",
        "A rocket carrying the rover lifted off on Tuesday. Its launch was flawless.",
        "The agency launched the rover on Tuesday from Vesna. The safety forum said on "
        "Thursday that it had opened an inquiry. The director called Saturday's launch "
        "flawless.",
    )
    day = row_with(rows, "d2.txt", "Saturday")
    assert day.state == DISPUTED and day.majority == "Tuesday"
    assert [(c.doc, c.value) for c in day.cells if day.odd(c)] == [("d2.txt", "Saturday")]
    assert {"d0.txt", "d1.txt"} <= set(day.docs)
    inquiry = row_with(rows, "d2.txt", "Thursday")
    assert inquiry.state == SINGLE and inquiry is not day


def test_a_quote_and_its_speaker():
    said = '"This bridge joins a town that the river has split," said Helen Ashdown.'
    rows = table(
        f"The bridge opened. {said}",
        '"This bridge joins a town that the river has split," Mayor Helen Ashdown said.',
        '"We warned about these risks two years ago," said Tomas Reiner of the Harlow Centre.',
    )
    shared = row_with(rows, "d0.txt", "Helen Ashdown", "quote")
    assert shared.kind == "quote" and shared.state == AGREED
    assert set(shared.docs) == {"d0.txt", "d1.txt"}
    invented = row_with(rows, "d2.txt", "Tomas Reiner", "quote")
    assert invented.kind == "quote" and invented.state == SINGLE


def test_unrelated_years_of_one_story_are_not_compared():
    rows = table(
        "The bridge was built in 1957. It was inspected in March 2023.",
        "Built in 1957, the bridge was last inspected in 2023.",
        "The 68-year-old bridge was rated fair in 2023.",
    )
    assert not [r for r in rows if r.state == DISPUTED]


def test_output_does_not_depend_on_workers_or_hash_seed(tmp_path: Path):
    # Three groups, tabulated in this process and in two worker processes: same rows.
    base = load_corpus([SEEDS]).corpus
    for g in ("a", "b", "c"):
        for d in base.documents[:3]:
            write(tmp_path / "corpus" / g / d.id, d.text)
    corpus = load_corpus([tmp_path / "corpus"]).corpus
    one = [r.to_json() for t in corpus_facts(corpus, workers=1) for r in t]
    two = [r.to_json() for t in corpus_facts(corpus, workers=2) for r in t]
    assert one == two and len({r["group"] for r in one}) == 3
    cmd = [sys.executable, "-m", "reviewer", "facts", str(SEEDS), "--json"]
    outs = [
        subprocess.run(
            cmd, capture_output=True, cwd=ROOT, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]  # fmt: skip
    assert outs[0] == outs[1] and outs[0]


# ------------------------------------------------------------------ the command line


def test_facts_json_fields_and_disputed_filter(capsys, monkeypatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    assert main(["facts", str(SEEDS), "--json", "--disputed"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 3 and all(r["disputed"] for r in rows)
    for r in rows:
        assert {"group", "fact", "kind", "cells", "majority", "disputed", "state"} <= set(r)
        for c in r["cells"]:
            assert {"doc", "value", "start", "end", "text"} <= set(c)


def test_facts_csv_and_piped_tsv_have_one_line_per_cell(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["facts", str(SEEDS), "--csv", "--disputed"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("group,fact,kind,state,majority,doc,value,odd")
    assert len(lines) == 1 + 10  # the three disputed rows have ten cells
    assert main(["facts", str(SEEDS), "--disputed"]) == 0  # stdout is not a terminal: TSV
    tsv = capsys.readouterr().out.splitlines()
    assert tsv[0].split("\t")[:4] == ["group", "fact", "kind", "state"]
    odd = [line.split("\t") for line in tsv[1:] if line.split("\t")[7] == "yes"]
    assert sorted(x[6] for x in odd) == ["13 other nations", "Thursday", "three-day"]


def test_facts_unknown_group_is_one_line_naming_the_groups(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "news" / "flood" / "a.txt", "The river rose on Monday.")
    write(tmp_path / "news" / "flood" / "b.txt", "The river rose on Tuesday.")
    write(tmp_path / "news" / "fire" / "a.txt", "The fire started on Monday.")
    assert main(["facts", "news", "--group", "floods"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'floods'" in err and "'flood'" in err and "'fire'" in err
    assert main(["facts", "news", "--group", "flood", "--json"]) == 0
    (row,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert row["group"] == "flood" and row["disputed"]


def test_facts_on_a_terminal_show_bracketed_names_as_written(capsys, tmp_path, monkeypatch):
    # The rich grid's title and column headers are group and file names, never markup.
    from reviewer.cli.facts import _print_grids

    monkeypatch.setenv("COLUMNS", "160")
    write(tmp_path / "[red]g" / "a [red]one.txt", "The Tarn-2 rover launched on Tuesday.")
    write(tmp_path / "[red]g" / "b.txt", "The Tarn-8 rover launched on Tuesday.")
    corpus = load_corpus([tmp_path]).corpus
    _print_grids(corpus, list(corpus_facts(corpus)), False)
    out = capsys.readouterr().out
    assert "[red]g: " in out and "a [red]one" in out and "Tarn-8" in out
