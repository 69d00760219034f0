from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from reviewer.core.corpus import Document, segment
from reviewer.core.suspects import KINDS, assess_group
from tests.conftest import ROOT, SEEDS


def group(*texts: str) -> list[Document]:
    return [Document(f"d{i}.txt", "g", f"d{i}", t, tuple(segment(t))) for i, t in enumerate(texts)]


def find(results, doc: str, fragment: str):
    return next(r for r in results if r.doc == doc and fragment in r.text)


BASE = [
    "The city council approved a four-day festival in March. The mayor announced the plan on "
    "Tuesday at the town hall. Residents praised the decision.",
    "Council members approved a four-day festival for March. On Tuesday the mayor announced the "
    "plan at the town hall. Many residents welcomed it.",
    "A four-day festival in March won the approval of the city council. The mayor announced the "
    "plan at the town hall on Tuesday. The decision was popular.",
]


def test_swapped_number_is_a_conflict_naming_both_values():
    texts = BASE + [
        "The city council approved a six-day festival in March. The mayor announced the plan on "
        "Tuesday at the town hall."
    ]
    r = find(assess_group(group(*texts)), "d3.txt", "six-day")
    assert r.kind == "conflict"
    assert 'says "six-day"; 3 other documents say "four-day"' in r.reasons, r.reasons
    assert any(e.stance == "conflicts" for e in r.evidence)


def test_swapped_weekday_is_a_conflict():
    texts = BASE + [
        "The city council approved a four-day festival in March. The mayor announced the plan on "
        "Friday at the town hall."
    ]
    r = find(assess_group(group(*texts)), "d3.txt", "Friday")
    assert r.kind == "conflict"
    assert any("Friday" in x and "Tuesday" in x for x in r.reasons), r.reasons


def test_swapped_role_in_same_sentence_is_a_conflict():
    texts = BASE + [
        "The city council approved a four-day festival in March. The governor announced the plan "
        "on Tuesday at the town hall."
    ]
    r = find(assess_group(group(*texts)), "d3.txt", "governor")
    assert r.kind == "conflict", r.reasons


def test_paraphrase_is_corroborated_and_ranks_below_invented_detail():
    texts = BASE + [
        "The festival, four days long, gets going in March after councillors approved it. "
        'Festival director Maria Keller said "we expect ninety thousand visitors this year."'
    ]
    results = assess_group(group(*texts))
    para = find(results, "d3.txt", "four days long")
    invented = find(results, "d3.txt", "Maria Keller")
    assert para.kind == "corroborated"
    assert invented.kind == "unsupported"
    assert any('names "Maria Keller"' in x for x in invented.reasons)
    assert "quote appears in no other document" in invented.reasons
    assert invented.score > para.score + 0.2


def test_words_only_in_own_document_are_not_support():
    # The invented sentence repeats its own detail twice; that must not corroborate it.
    texts = BASE + [
        "Zorblat Industries sponsored the festival. Zorblat Industries is based in Quenton."
    ]
    r = find(assess_group(group(*texts)), "d3.txt", "sponsored")
    assert r.kind == "unsupported"


def test_vague_opinion_ranks_low_and_is_called_opinion():
    texts = BASE + ["It was, in the end, a rather good thing for everyone involved."]
    results = assess_group(group(*texts))
    r = find(results, "d3.txt", "rather good")
    assert r.kind == "opinion"
    invented = assess_group(group(*BASE, "Zorblat Industries paid 40 million for it."))
    assert r.score < find(invented, "d3.txt", "Zorblat").score


def test_single_document_group_says_it_cannot_check():
    (r, *_) = assess_group(group(BASE[0]))
    assert r.kind == "unchecked" and "nothing to check against" in r.reasons[0]


def test_scores_are_bounded_continuous_and_kinds_known():
    results = assess_group(group(*BASE, BASE[0].replace("Tuesday", "Sunday")))
    assert all(0.0 <= r.score <= 1.0 and r.kind in KINDS for r in results)
    # Identical sentences in two documents may share a score; different ones should not tie.
    distinct_texts = {r.text for r in results}
    assert len({r.score for r in results}) >= len(distinct_texts) - 1


def test_suspects_json_is_complete_and_deterministic(tmp_path: Path):
    cmd = [sys.executable, "-m", "reviewer", "suspects", str(SEEDS), "--json"]
    # Different hash seeds change set order; the output must not depend on it.
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    first = subprocess.run(cmd, capture_output=True, cwd=ROOT, check=True, env=env)
    env["PYTHONHASHSEED"] = "2"
    second = subprocess.run(cmd, capture_output=True, cwd=ROOT, check=True, env=env)
    assert first.stdout == second.stdout
    rows = [json.loads(line) for line in first.stdout.decode().splitlines()]
    from reviewer.core.corpus import load_corpus

    corpus = load_corpus([SEEDS]).corpus
    assert len(rows) == sum(len(d.claims) for d in corpus.documents)
    for row in rows:
        assert set(row) == {
            "group",
            "doc",
            "start",
            "end",
            "text",
            "score",
            "kind",
            "reasons",
            "evidence",
            "receipts",
        }
        doc = corpus.get(row["doc"])
        assert doc.text[row["start"] : row["end"]] == row["text"]
        for ev in row["evidence"]:
            assert set(ev) == {"doc", "start", "end", "text", "similarity", "stance"}
            assert corpus.get(ev["doc"]).text[ev["start"] : ev["end"]] == ev["text"]
            assert ev["doc"] != row["doc"]


def test_json_lines_are_written_exactly_as_the_records_encode():
    from reviewer.core.corpus import load_corpus
    from reviewer.core.jsonlines import jsonl_line

    corpus = load_corpus([SEEDS]).corpus
    hostile = Document(
        "x\x1b.txt", "", "t", 'He said "\\u2028 \x9b" on\u2028Friday. Émile wrote ½.', ()
    )
    docs = [
        *corpus.documents,
        Document(hostile.id, "", "t", hostile.text, tuple(segment(hostile.text))),
    ]
    results = assess_group(docs)
    assert results and any(r.receipts for r in results)
    for r in results:
        assert r.json_line() == jsonl_line(r.to_json())
