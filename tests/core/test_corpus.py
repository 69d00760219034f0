from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer.core import corpus as corpus_module
from reviewer.core.corpus import load_corpus, segment
from tests.conftest import SEEDS, write


def claims(text: str) -> list[str]:
    return [text[s.start : s.end] for s in segment(text) if s.is_claim]


def noise(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.noise) for s in segment(text) if not s.is_claim]


def test_seeds_load_with_relative_ids_in_one_group():
    result = load_corpus([SEEDS])
    assert result.problems == ()
    ids = [d.id for d in result.corpus.documents]
    assert ids == sorted(p.name for p in SEEDS.iterdir() if p.suffix == ".txt")
    assert {d.group for d in result.corpus.documents} == {""}
    assert result.corpus.name == "seeds"


def test_offsets_index_the_exact_text_with_crlf_and_bom(tmp_path: Path):
    raw = "\ufeffFirst line here.\r\nThe second sentence follows. And a third one!\r\n"
    write(tmp_path / "c" / "a.txt", raw.encode("utf-8"))
    doc = load_corpus([tmp_path / "c"]).corpus.documents[0]
    assert doc.text == raw[1:]  # BOM removed, \r\n kept
    got = [doc.text[s.start : s.end] for s in doc.sentences]
    assert got == ["First line here.", "The second sentence follows.", "And a third one!"]


def test_abbreviations_initials_and_decimals_do_not_split():
    text = "Dr. Smith met John F. Kennedy in the U.S. Senate on Tuesday. Growth was 3.5 percent."
    assert claims(text) == [
        "Dr. Smith met John F. Kennedy in the U.S. Senate on Tuesday.",
        "Growth was 3.5 percent.",
    ]


def test_quotes_end_sentences_inside_the_closing_mark():
    text = 'He said "we will win." Then he left the room.'
    assert claims(text) == ['He said "we will win."', "Then he left the room."]


def test_page_furniture_bylines_teasers_and_questions_are_noise():
    text = (
        "Share\nPost a Comment\nBy Jane Doe\n2 hours ago\n"
        "A teaser that stops in the middle of...\n"
        "The council approved the budget on Monday after a long debate.\n"
        "Why does this matter so much?\n"
    )
    kinds = dict(noise(text))
    assert kinds["Share"].startswith("page furniture")
    assert kinds["Post a Comment"].startswith("page furniture")
    assert kinds["By Jane Doe"] == "byline"
    assert kinds["2 hours ago"] == "timestamp"
    assert kinds["A teaser that stops in the middle of..."] == "truncated teaser"
    assert kinds["Why does this matter so much?"] == "question"
    assert claims(text) == ["The council approved the budget on Monday after a long debate."]


def test_list_markers_are_outside_the_sentence_and_repeated_headline_is_noise():
    text = (
        "Mayor Opens New Bridge Across The River Today\n\n"
        "Mayor Opens New Bridge Across The River Today\n"
        "  1. The bridge cost twelve million dollars to build.\n"
    )
    sents = segment(text)
    assert [text[s.start : s.end] for s in sents if s.is_claim] == [
        "Mayor Opens New Bridge Across The River Today",
        "The bridge cost twelve million dollars to build.",
    ]
    assert [s.noise for s in sents if not s.is_claim] == ["repeats an earlier line verbatim"]


def test_text_in_another_script_is_noise():
    text = (
        "The talks ended on Friday with a joint statement.\nনিউজ সবার আগে পেতে ফলো করুন গুগল নিউজ।\n"
    )
    assert noise(text)[0][1] == "text in another language"


def test_groups_are_immediate_subfolders(tmp_path: Path):
    write(tmp_path / "c" / "event-a" / "one.txt", "Alpha happened on Monday in Paris.")
    write(tmp_path / "c" / "event-a" / "two.md", "Alpha happened on Tuesday in Paris.")
    write(tmp_path / "c" / "event-b" / "x.txt", "Beta happened.")
    write(tmp_path / "c" / "loose.txt", "A loose document sits at the top.")
    corpus = load_corpus([tmp_path / "c"]).corpus
    assert {d.id: d.group for d in corpus.documents} == {
        "event-a/one.txt": "event-a",
        "event-a/two.md": "event-a",
        "event-b/x.txt": "event-b",
        "loose.txt": "",
    }


def test_folders_are_read_in_name_order_files_before_subfolders(tmp_path: Path):
    # The order the documents list shows and the groups are scored in; the planned size is
    # what the progress bar counts down.
    c = tmp_path / "c"
    texts = {
        "b.txt": "Top level b.",
        "a.md": "Top level a.",
        "z/deep/y.txt": "Deep y.",
        "z/c.txt": "Group z, c.",
        "m/b.txt": "Group m, b.",
        "m/a.txt": "Group m, a.",
        ".hidden/x.txt": "Never read.",
        "m/.dot.txt": "Never read.",
        "m/notes.pdf": "Not a document.",
    }
    for rel, text in texts.items():
        write(c / rel, text)
    reader = corpus_module.plan_corpus([c])
    ids = [d.id for unit in reader.units() for d in unit]
    assert ids == ["a.md", "b.txt", "m/a.txt", "m/b.txt", "z/c.txt", "z/deep/y.txt"]
    assert reader.total_bytes == sum(len(texts[i].encode()) for i in ids)
    assert [group for group, _ in reader.plan] == ["", "m", "z"]


def _reference_title(text: str) -> str:
    # Lines are runs without \r or \n; the first whose stripped text (heading marks too) is
    # not empty gives the title, cut at 120 characters.
    lines = (line.strip().lstrip("#").strip() for line in re.findall(r"[^\r\n]+", text))
    return next((line[:120] for line in lines if line), "fallback")


@given(
    st.text(alphabet="\r\n \t#a\u00a0\x1c\u3000é", max_size=40),
    st.integers(min_value=0, max_value=300),
)
def test_title_is_the_first_line_with_words(head: str, long: int):
    for text in (head, head + "x" * long + "\n# second"):
        assert corpus_module._title_of(text, "fallback") == _reference_title(text)


def test_jsonl_documents_use_their_id_and_bad_lines_are_named(tmp_path: Path):
    write(
        tmp_path / "c" / "docs.jsonl",
        '{"id": "m1", "title": "Model one", "text": "The launch was on Monday."}\n'
        "not json\n"
        '{"id": "m2", "text": "The launch was on Tuesday."}\n',
    )
    result = load_corpus([tmp_path / "c"])
    assert [d.id for d in result.corpus.documents] == ["m1", "m2"]
    assert result.corpus.get("m1").title == "Model one"
    assert len(result.problems) == 1
    assert "docs.jsonl:2" in str(result.problems[0]) and "not valid JSON" in str(result.problems[0])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00bad", "binary file"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"   \n\n", "empty file"),
        (b"", "empty file"),
    ],
)
def test_bad_files_get_one_line_problems_and_the_rest_loads(tmp_path: Path, content, message):
    write(tmp_path / "c" / "good.txt", "A good document with a sentence.")
    write(tmp_path / "c" / "bad.txt", content)
    result = load_corpus([tmp_path / "c"])
    assert [d.id for d in result.corpus.documents] == ["good.txt"]
    (problem,) = result.problems
    assert "bad.txt" in problem.path and message in problem.message
    assert "\n" not in str(problem)


def test_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Simulated: tests run as root in CI, where chmod 0 does not stop a read.
    write(tmp_path / "c" / "secret.txt", "Hidden text.")
    write(tmp_path / "c" / "ok.txt", "Visible text here.")
    real = corpus_module.read_regular

    def deny(path: Path, limit: int) -> bytes:
        if path.name == "secret.txt":
            raise PermissionError(13, "Permission denied")
        return real(path, limit)

    monkeypatch.setattr(corpus_module, "read_regular", deny)
    result = load_corpus([tmp_path / "c"])
    assert [d.id for d in result.corpus.documents] == ["ok.txt"]
    assert str(result.problems[0]).endswith("secret.txt: cannot read (Permission denied)")


def test_missing_path_and_empty_folder(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    result = load_corpus([tmp_path / "nope", tmp_path / "empty"])
    assert result.corpus.documents == ()
    messages = [str(p) for p in result.problems]
    assert any("nope" in m and "no such file or folder" in m for m in messages)
    assert any("empty" in m and "empty folder" in m for m in messages)


def test_several_roots_prefix_ids(tmp_path: Path):
    write(tmp_path / "a" / "x.txt", "One sentence here.")
    write(tmp_path / "b" / "x.txt", "Another sentence here.")
    corpus = load_corpus([tmp_path / "a", tmp_path / "b"]).corpus
    assert sorted(d.id for d in corpus.documents) == ["a/x.txt", "b/x.txt"]
    assert corpus.name == "a+b"


def test_fingerprint_changes_with_text(tmp_path: Path):
    f = write(tmp_path / "c" / "a.txt", "The vote was on Monday.")
    first = load_corpus([tmp_path / "c"]).corpus.fingerprint()
    assert load_corpus([tmp_path / "c"]).corpus.fingerprint() == first
    f.write_text("The vote was on Tuesday.")
    assert load_corpus([tmp_path / "c"]).corpus.fingerprint() != first
