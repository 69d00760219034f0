"""The score cache gives back exactly what the engine computed, and bad caches cost only time."""

from __future__ import annotations

from itertools import accumulate
from pathlib import Path

from benchmarks.synthetic import make_corpus
from reviewer.core import cache
from reviewer.core.corpus import load_corpus
from reviewer.core.suspects import assess_corpus


def test_cache_round_trips_many_groups_exactly(tmp_path: Path):
    make_corpus(tmp_path / "c", groups=12, docs_per_group=3, sentences_per_doc=8, seed=5)
    corpus = load_corpus([tmp_path / "c"]).corpus
    groups = list(assess_corpus(corpus, workers=1))
    assert cache.load_cached(corpus) is None
    cache.save_cached(corpus, groups)
    assert cache.load_cached(corpus) == [a for g in groups for a in g]
    assert [len(g) for g in cache.iter_cached(corpus)] == [len(g) for g in groups]


def test_unreadable_cache_is_ignored(tmp_path: Path):
    make_corpus(tmp_path / "c", groups=2, docs_per_group=2, sentences_per_doc=3, seed=5)
    corpus = load_corpus([tmp_path / "c"]).corpus
    cache.save_cached(corpus, list(assess_corpus(corpus, workers=1)))
    cache._path(corpus).write_bytes(b"garbage")
    assert cache.load_cached(corpus) is None


def test_pool_failure_falls_back_to_one_process(tmp_path: Path, monkeypatch):
    from reviewer.core import parallel

    make_corpus(tmp_path / "c", groups=4, docs_per_group=2, sentences_per_doc=3, seed=5)
    corpus = load_corpus([tmp_path / "c"]).corpus

    def no_pool(*args, **kwargs):
        raise ValueError("bad value(s) in fds_to_keep")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    expected = [a for g in assess_corpus(corpus, workers=1) for a in g]
    assert [a for g in assess_corpus(corpus, workers=2) for a in g] == expected


def test_worker_processes_give_the_same_bytes_as_one_process(tmp_path: Path):
    from reviewer.core.suspects import assess_corpus_jsonl

    make_corpus(tmp_path / "c", groups=6, docs_per_group=3, sentences_per_doc=6, seed=9)
    corpus = load_corpus([tmp_path / "c"]).corpus
    one = "".join("".join(lines) for lines in assess_corpus_jsonl(corpus, workers=1))
    two = "".join("".join(lines) for lines in assess_corpus_jsonl(corpus, workers=2))
    assert one == two and one.count("\n") == sum(len(d.claims) for d in corpus.documents)


def test_sentence_spans_are_cached_checked_and_reused(tmp_path: Path):
    from reviewer.core.cache import _sentences_path, load_sentences, save_sentences
    from reviewer.core.corpus import load_corpus
    from tests.conftest import SEEDS

    first = load_corpus([SEEDS]).corpus
    assert not any(d.segmented for d in first.documents)  # split on first use only
    assert load_sentences(first) is False  # nothing cached yet
    expected = [d.sentences for d in first.documents]
    save_sentences(first)
    second = load_corpus([SEEDS]).corpus
    assert load_sentences(second) is True
    assert all(d.segmented for d in second.documents)
    assert [d.sentences for d in second.documents] == expected
    # A damaged cache is refused as a whole and the documents split again.
    path = _sentences_path(second)
    import pickle

    spans = pickle.loads(path.read_bytes())
    spans[1][0] = (5, 3, "", False)  # end before start
    path.write_bytes(pickle.dumps(spans))
    third = load_corpus([SEEDS]).corpus
    assert load_sentences(third) is False and not any(d.segmented for d in third.documents)
    assert [d.sentences for d in third.documents] == expected


def test_scores_of_another_engine_are_never_read_back(tmp_path: Path, monkeypatch):
    # An upgrade that changes the engine (a weight, a tokenizer rule) must not show the
    # scores the old engine cached: the key holds the engine's source, not a hand-bumped
    # number. Simulated by pointing the engine's sources at a copy and editing it.
    make_corpus(tmp_path / "c", groups=2, docs_per_group=2, sentences_per_doc=3, seed=5)
    corpus = load_corpus([tmp_path / "c"]).corpus
    engine = tmp_path / "suspects.py"
    engine.write_text("DENSITY = 1.3\n")
    monkeypatch.setattr(cache, "ENGINE_SOURCES", [str(engine)])
    monkeypatch.setattr(cache, "SEGMENTER_SOURCES", [str(engine)])
    cache.save_cached(corpus, list(assess_corpus(corpus, workers=1)))
    cache.save_sentences(corpus)
    assert cache.load_cached(corpus) is not None
    assert cache.load_sentences(corpus)
    engine.write_text("DENSITY = 1.1\n")
    cache.source_digest.cache_clear()  # a new process: the digest is taken once per process
    assert cache.load_cached(corpus) is None
    assert not cache.load_sentences(corpus)
    # The shipped engine's key holds the source files that compute scores.
    monkeypatch.undo()
    assert {Path(p).name for p in cache.ENGINE_SOURCES} == {
        "corpus.py",
        "text.py",
        "facts.py",
        "index.py",
        "suspects.py",
    }


def test_the_summary_counts_what_the_full_scores_count(tmp_path: Path, monkeypatch):
    # A second opening shows every count from the cache's summary before the scores are read:
    # the claims of each document and its suspects must be what the full scores give, under
    # whatever threshold the reviewer has set since the cache was written.
    from reviewer.core import navigation as nav
    from reviewer.core.suspects import compact, scored

    make_corpus(tmp_path / "c", groups=6, docs_per_group=4, sentences_per_doc=12, seed=3)
    corpus = load_corpus([tmp_path / "c"]).corpus
    groups = list(assess_corpus(corpus, workers=1))
    cache.save_cached(corpus, groups)
    summary, rest = cache.read_cached(corpus)
    assert [len(g) for g in rest] == [len(g) for g in groups]  # the groups follow it
    assert summary.claims == {d.id: len(d.claims) for d in corpus.documents}
    assert summary.total == sum(len(g) for g in groups)
    rows = [r for g in groups for r in compact(g)]
    spans = {}
    for threshold in (0.5, 0.7, 0.9):
        monkeypatch.setattr(nav, "SUSPECT_THRESHOLD", threshold)
        spans[threshold] = summary.suspect_spans()
        assert spans[threshold] == nav.suspect_spans(scored(rows)), threshold
    counts = [sum(map(len, spans[t].values())) for t in (0.5, 0.7, 0.9)]
    assert counts[0] > counts[1] > counts[2] > 0  # the thresholds do tell sentences apart


def test_a_damaged_summary_makes_the_cache_unreadable(tmp_path: Path):
    import pickle

    make_corpus(tmp_path / "c", groups=2, docs_per_group=2, sentences_per_doc=4, seed=5)
    corpus = load_corpus([tmp_path / "c"]).corpus
    cache.save_cached(corpus, list(assess_corpus(corpus, workers=1)))
    path = cache._path(corpus)
    good = path.read_bytes()
    with open(path, "rb") as fh:
        count, claims, flagged = pickle.load(fh)
        body = fh.read()
    doc = next(iter(claims))
    damaged = [
        (str(count), claims, flagged),  # a count that is not one
        (count, {doc: "12"}, flagged),  # a claim count that is not one
        (count, claims, {doc: ((1, "x", 0.9),)}),  # a span that is not one
        (count, claims, {"nowhere": ((1, 5, 0.9),)}),  # a document it does not count
        count,  # the first format's head
    ]
    for head in damaged:
        path.write_bytes(pickle.dumps(head) + body)
        try:
            cache.read_cached(corpus)
        except cache.UNREADABLE:
            pass
        else:
            raise AssertionError(f"read a damaged summary: {head!r:.80}")
        assert cache.load_cached(corpus) is None
    path.write_bytes(good)
    assert cache.load_cached(corpus) is not None


def test_splitting_every_document_stops_when_asked(tmp_path: Path):
    # The app quitting while the scoring thread splits a large corpus must not wait for it:
    # a stop ends the work early, with nothing half-stored and every document still whole.
    from reviewer.core.cache import _sentences_path, split_all

    make_corpus(tmp_path / "c", groups=80, docs_per_group=2, sentences_per_doc=3, seed=5)
    corpus = load_corpus([tmp_path / "c"]).corpus

    def stop_soon() -> bool:  # once some documents are split
        return sum(d.segmented for d in corpus.documents) >= 10

    split_all(corpus, stop_soon)  # no spans stored yet: it splits, and stops on the way
    assert not _sentences_path(corpus).exists()
    split = [d.segmented for d in corpus.documents]
    assert 0 < sum(split) < len(split)
    split_all(corpus)
    stored = load_corpus([tmp_path / "c"]).corpus
    split_all(stored, lambda: True)  # spans stored: reading them stops too, changing nothing
    assert not any(d.segmented for d in stored.documents)
    assert [d.sentences for d in stored.documents] == [d.sentences for d in corpus.documents]


def test_a_large_group_in_parts_gives_the_same_bytes_progress_and_order(
    tmp_path: Path, monkeypatch
):
    """A group at or over SPLIT_FROM claims is scored in one part per worker; joined, the parts
    are the whole group's lines, in order, between the groups before and after it."""
    from reviewer.core import parallel
    from reviewer.core.suspects import assess_corpus_jsonl

    make_corpus(tmp_path / "c", groups=3, docs_per_group=2, sentences_per_doc=4, seed=3)
    make_corpus(
        tmp_path / "c" / "group00000b", groups=1, docs_per_group=9, sentences_per_doc=7, seed=4
    )
    corpus = load_corpus([tmp_path / "c"]).corpus
    sizes = {g: sum(len(d.claims) for d in docs) for g, docs in corpus.groups.items()}
    big = max(sizes, key=sizes.__getitem__)
    assert sorted(sizes)[1] == big and sizes[big] > 3 * max(v for g, v in sizes.items() if g != big)
    one = "".join("".join(lines) for lines in assess_corpus_jsonl(corpus, workers=1))

    monkeypatch.setattr(parallel, "SPLIT_FROM", sizes[big])
    shares: list[list[int]] = []
    real_parts_of = parallel.parts_of
    monkeypatch.setattr(
        parallel, "parts_of", lambda c, n: shares.append(real_parts_of(c, n)) or shares[-1]
    )
    seen: list[tuple[int, int | None]] = []
    groups = list(assess_corpus_jsonl(corpus, lambda d, t: seen.append((d, t)), workers=3))
    assert shares == [[sizes[big] // 3 + (i >= 3 - sizes[big] % 3) for i in range(3)]]
    assert "".join("".join(lines) for lines in groups) == one
    # One list per group (the parts joined), and progress once per group, up to every claim.
    assert [len(lines) for lines in groups] == [sizes[g] for g in sorted(sizes)]
    assert [d for d, _ in seen] == list(accumulate(sizes[g] for g in sorted(sizes)))


def test_parts_of_a_group_are_the_whole_in_order():
    from reviewer.core.corpus import load_corpus as load
    from reviewer.core.suspects import assess_group
    from tests.conftest import SEEDS

    docs = list(load([SEEDS]).corpus.documents)
    for group in (docs, docs[:1]):  # several documents, and one alone
        whole = assess_group(group)
        assert whole
        for parts in (1, 2, 3, 7):
            joined = [a for i in range(parts) for a in assess_group(group, i, parts)]
            assert joined == whole
