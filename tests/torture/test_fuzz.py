"""Property tests: the loader never crashes, segmentation keeps its invariants, the store
round-trips any text exactly."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.core.corpus import load_corpus, segment
from reviewer.core.store import Annotation, Evidence, Store, load
from reviewer.core.suspects import assess_group

T = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_the_loader(tmp_path_factory, data: bytes):
    folder = tmp_path_factory.mktemp("c")
    (folder / "doc.txt").write_bytes(data)
    (folder / "doc.jsonl").write_bytes(data)
    result = load_corpus([folder])
    for doc in result.corpus.documents:
        assert_invariants(doc.text, list(doc.sentences))
    for problem in result.problems:
        assert "\n" not in str(problem) and "doc." in problem.path


def assert_invariants(text: str, sentences) -> None:
    previous_end = 0
    for i, s in enumerate(sentences):
        assert s.index == i
        assert 0 <= previous_end <= s.start < s.end <= len(text)
        piece = text[s.start : s.end]
        assert piece == piece.strip() and piece
        previous_end = s.end


_prose = st.text(
    alphabet=st.sampled_from(list("abc XYZ.!?\"'\n\r\t-1234,;:()…“”’ জুমΩé")), max_size=400
)


@SETTINGS
@given(text=_prose | st.text(max_size=300))
def test_segmentation_invariants(text: str):
    assert_invariants(text, segment(text))


@SETTINGS
@given(texts=st.lists(_prose, min_size=1, max_size=4))
def test_engine_never_crashes_and_stays_in_range(texts):
    from reviewer.core.corpus import Document

    docs = [Document(f"d{i}", "g", "t", t, tuple(segment(t))) for i, t in enumerate(texts)]
    for a in assess_group(docs):
        assert 0.0 <= a.score <= 1.0
        doc = next(d for d in docs if d.id == a.doc)
        assert doc.text[a.start : a.end] == a.text
        for m in a.evidence:
            assert next(d for d in docs if d.id == m.doc).text[m.start : m.end] == m.text


_any = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@SETTINGS
@given(quote=_any.filter(bool), note=_any, doc=_any.filter(bool), ev=_any)
def test_store_round_trips_any_unicode_exactly(tmp_path_factory, quote, note, doc, ev):
    path = tmp_path_factory.mktemp("s") / "a.toml"
    a = Annotation(
        doc,
        3,
        3 + len(quote),
        quote,
        "contradicted",
        note=note,
        created=T,
        updated=T,
        evidence=(Evidence(doc + "x", 0, len(ev), ev),),
    )
    Store(path, "ana", "c").save([a])
    assert load(path).annotations == (a,)


# Words whose tokens depend on what is around them, or that are easy to get wrong: numbers
# and their units, scales, months that are also verbs, weekdays, roles, superlatives,
# contractions, and lower-case words of other scripts.
_TRICKY = (
    "12 4 three third million may march friday minister president largest latest interest "
    "don't it's visitors' day-long troops other the a x ß élan ǆemal"
).split()
_sentence_words = st.lists(
    st.sampled_from(_TRICKY) | st.from_regex(r"[a-zA-Z][a-z]{0,8}", fullmatch=True),
    min_size=1,
    max_size=14,
)


def _both_ways(monkeypatch, sentence: str, cased: bool):
    """tokenize with ``_plain_word`` looking words up, and with every word sent through the
    full rules instead."""
    from reviewer.core import text

    lexicon = text.Lexicon(frozenset({"belmont", "may"}), frozenset({"march"}))
    fast = text.tokenize(sentence, lexicon, cased)
    with monkeypatch.context() as m:
        m.setattr(text, "_plain_word", lambda word: text._CONTEXT)
        full = text.tokenize(sentence, lexicon, cased)
    return fast, full


@SETTINGS
@given(words=_sentence_words, cased=st.booleans())
def test_looked_up_lower_case_words_tokenise_as_the_full_rules_do(monkeypatch, words, cased):
    fast, full = _both_ways(monkeypatch, " ".join(words) + ".", cased)
    assert fast == full


def test_each_tricky_word_tokenises_as_the_full_rules_do_wherever_it_stands(monkeypatch):
    for word in _TRICKY:
        for sentence in (f"{word}", f"the {word} said", f"Belmont {word}", f"12 {word} left"):
            for cased in (True, False):
                fast, full = _both_ways(monkeypatch, sentence, cased)
                assert fast == full, (sentence, cased)
