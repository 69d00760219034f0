"""Fewer keystrokes, fewer dead ends: press the keys, check the cursor, the screen and the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from reviewer.core import navigation as nav
from reviewer.widgets.document_view import GUTTER, DocumentView
from tests.hostile.helpers import drawn_text
from tests.ui.test_keys import make_app, on_disk, ready


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_each_document_remembers_its_cursor(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("j", "j", "j")
        where = screen.sentence_index
        await pilot.press("tab", "j", "shift+tab")
        assert screen.doc_index == 0 and screen.sentence_index == where
        await pilot.press("tab")
        assert screen.sentence_index == nav.step_claim(screen.doc, nav.first_claim(screen.doc), 1)


async def test_ctrl_o_and_backspace_go_back_after_jumps(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("j")
        start = (screen.doc_index, screen.sentence_index)
        await pilot.press("n")
        after_n = (screen.doc_index, screen.sentence_index)
        assert after_n != start
        await pilot.press("end")
        assert screen.sentence_index == [s.index for s in screen.doc.sentences if s.is_claim][-1]
        await pilot.press("ctrl+o")
        assert (screen.doc_index, screen.sentence_index) == after_n
        await pilot.press("backspace")
        assert (screen.doc_index, screen.sentence_index) == start
        await pilot.press("ctrl+o")  # nothing left: it says so and stays
        assert (screen.doc_index, screen.sentence_index) == start
        assert any("Nothing to go back to" in m for m in messages(app))
        await pilot.press("home")
        assert screen.sentence_index == nav.first_claim(screen.doc)


async def test_pagedown_and_space_take_the_cursor_along(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(DocumentView)
        await pilot.press("tab", "tab", "tab")  # a long document (56 claims)
        first = screen.sentence_index
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.sentence_index != first
        assert screen.sentence_index in view.claims_in_view()  # the cursor is on screen
        await pilot.press("space")
        await pilot.pause()
        assert screen.sentence_index in view.claims_in_view()
        for _ in range(40):
            await pilot.press("pagedown")
        claims = [s.index for s in screen.doc.sentences if s.is_claim]
        assert screen.sentence_index == claims[-1]
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.sentence_index in view.claims_in_view()
        assert screen.sentence_index != claims[-1]


async def test_tag_and_advance_moves_on_and_the_setting_is_kept(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("A")  # off -> next untagged claim
        assert "next untagged claim" in messages(app)[-1]
        where = screen.sentence_index
        await pilot.press("s")
        assert screen.sentence_index == nav.step_claim(screen.doc, where, 1)
        await pilot.press("A")  # -> next suspect
        await pilot.press("f")
        assert screen.sentence is not None
        a = screen.assessments.get((screen.doc.id, screen.sentence.start))
        assert nav.is_suspect(a) and not screen._is_tagged(screen.doc, screen.sentence)
        assert "tag → next suspect (A)" in str(screen.query_one("#status").render())
        assert [x["label"] for x in on_disk(app)] == ["supported", "fabricated"]
    # A new session starts with the setting the reviewer left.
    state = Path(os.environ["XDG_STATE_HOME"]) / "reviewer" / "settings.json"
    assert json.loads(state.read_text())["advance"] == "suspect"
    app2 = make_app(tmp_path / "second")
    async with app2.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert screen.settings["advance"] == "suspect"
        await pilot.press("A")  # -> off: the cursor stays after a tag
        where = screen.sentence_index
        await pilot.press("s")
        assert screen.sentence_index == where


async def test_keys_that_cannot_act_say_why(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("o")
        assert "No orphaned annotations" in messages(app)[-1]
        await pilot.press("n", "s")
        count = len(screen.assessment(screen.doc, screen.sentence).evidence)
        assert count < 9
        await pilot.press("9")
        assert f"No evidence item 9: this sentence has {count or 'no'}" in messages(app)[-1]
        await pilot.press("j", "1")  # untagged
        assert "Tag the sentence first" in messages(app)[-1]
        second = make_app(tmp_path)
        assert second.session.read_only
        async with second.run_test(size=(120, 40)) as pilot2:
            await ready(pilot2)
            footer = drawn_text(second).splitlines()[-1]
            assert "Tag" not in footer and "Undo" not in footer  # hidden where they cannot act
            before = on_disk(app)
            await pilot2.press("f", "x")
            assert "Read-only" in messages(second)[-1]
            assert on_disk(app) == before


async def test_mark_any_sentence_and_link_it_as_evidence(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab", "j", "j", "m")  # a sentence in the second document
        marked = screen.doc.sentence_text(screen.sentence)
        await pilot.press("shift+tab", "l")  # untagged: refused with the reason
        assert "Tag the sentence first" in messages(app)[-1]
        await pilot.press("c", "l")
        (saved,) = on_disk(app)
        assert [e["quote"] for e in saved["evidence"]] == [marked]
        await pilot.press("l")  # again: unlinked
        (saved,) = on_disk(app)
        assert saved.get("evidence", []) == []


async def test_search_hit_links_as_evidence_with_ctrl_l(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("s", "slash", *"lukashenko")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "Linked" in str(app.screen.query_one("#search-count").render())
        await pilot.press("escape")
        (saved,) = on_disk(app)
        assert "Lukashenko" in saved["evidence"][0]["quote"]
        assert screen.sentence_index == nav.first_claim(screen.doc)  # the cursor did not move


async def test_click_puts_the_cursor_on_the_sentence(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        view = screen.query_one(DocumentView)
        target = nav.step_claim(screen.doc, nav.step_claim(screen.doc, screen.sentence_index, 1), 1)
        start = screen.doc.sentences[target].start
        row = view._row_of(start)
        column = GUTTER + (start - view._rows[row][0]) + 1  # just inside its first character
        await pilot.click(DocumentView, offset=(column, row - int(view.scroll_y)))
        await pilot.pause()
        assert screen.sentence_index == target


async def test_every_reviewed_suspect_is_announced(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        left = screen._suspects_left
        assert left
        for _ in range(left):
            await pilot.press("n", "s")
        assert screen._suspects_left == 0
        assert any("Every suspect has been reviewed" in m for m in messages(app))


async def test_ctrl_f_finds_a_document_by_fuzzy_name(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press(*"3f5f94")  # a fragment of 003_f5f94a018b5bb30d.txt
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.doc.id.startswith("003_")
        await pilot.press("ctrl+o")  # opening a document by name is a jump like any other
        assert screen.doc_index == 0


async def test_z_folds_a_group_in_the_list_and_tab_skips_it(tmp_path: Path):
    from tests.ui.test_layout import bridge_groups

    app = make_app(tmp_path, bridge_groups(tmp_path / "corpus"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        first_group = screen.doc.group
        listed = drawn_text(app)
        assert f"▾ {first_group}" in listed and "b-1.txt" in listed
        await pilot.press("z")
        await pilot.pause()
        shown = "\n".join(line.split("│")[0] for line in drawn_text(app).splitlines())
        assert f"▸ {first_group}" in shown and "a-2.txt" not in shown  # its documents hidden
        assert "b-2.txt" in shown
        await pilot.press("tab")
        assert screen.doc.group != first_group
        await pilot.press("tab", "tab")
        assert screen.doc.group != first_group  # tab never lands in a folded group
        await pilot.press("z")  # the second group folds too, then unfolds; the first stays folded
        await pilot.pause()
        assert f"▸ {screen.doc.group}" in drawn_text(app)
        await pilot.press("z")
        await pilot.pause()
        assert f"▾ {screen.doc.group}" in drawn_text(app)
        assert f"▸ {first_group}" in drawn_text(app)


async def test_suspect_counts_leave_out_tags_made_before_opening(tmp_path: Path):
    """The status and each document's entry count the untagged suspects, from the scores
    alone: a file that already tags some suspects (and notes one without tagging it) opens
    with those left out, and the list entry of each document says as much."""
    from reviewer.core.corpus import load_corpus
    from reviewer.core.session import Session
    from reviewer.core.suspects import assess_corpus
    from tests.conftest import SEEDS

    corpus = load_corpus([SEEDS]).corpus
    scores = {(a.doc, a.start): a for group in assess_corpus(corpus) for a in group}
    suspects = [
        (d, c)
        for d in corpus.documents
        for c in d.claims
        if nav.is_suspect(scores.get((d.id, c.start)))
    ]
    assert len(suspects) > 6
    before = Session(corpus, tmp_path / "annotations" / "ana.toml", "ana")
    for d, c in suspects[::3]:
        before.tag(d, c, "supported")
    noted = suspects[1]
    before.set_note(*noted, "not a tag: still a suspect")
    before.close()

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        tagged = {(d.id, c.start) for d, c in suspects[::3]}
        left = [
            sum(1 for d2, c in suspects if d2 is d and (d.id, c.start) not in tagged)
            for d in corpus.documents
        ]
        assert screen._suspects_left == sum(left) == len(suspects) - len(tagged)
        assert f"{sum(left)} suspects left" in drawn_text(app)
        from reviewer.widgets.document_list import DocumentList

        shown = [st.suspects_left for st in screen.query_one(DocumentList)._stats]
        assert shown == left
        # Tagging one more suspect counts down, in the status and the file.
        await pilot.press("n", "f")
        await pilot.pause()
        assert screen._suspects_left == sum(left) - 1
        assert f"{sum(left) - 1} suspects left" in drawn_text(app)
        assert sum(1 for a in on_disk(app) if a.get("label")) == len(tagged) + 1


async def test_a_second_opening_counts_every_suspect_before_reading_the_scores(
    tmp_path: Path, monkeypatch
):
    """From the cache, every count shows from its summary while the scores are still being
    read: the status and each list entry, `n` goes to the next suspect of a document whose
    scores have not arrived, and tagging it counts down; the scores then fill in and agree."""
    import threading

    from reviewer.core import cache
    from reviewer.core.corpus import load_corpus
    from reviewer.core.suspects import assess_corpus
    from reviewer.screens import review
    from reviewer.widgets.document_list import DocumentList
    from tests.conftest import SEEDS

    corpus = load_corpus([SEEDS]).corpus
    groups = list(assess_corpus(corpus))
    cache.save_cached(corpus, groups)
    scores = {(a.doc, a.start): a for group in groups for a in group}

    def suspect(d, s) -> bool:
        return nav.is_suspect(scores.get((d.id, s.start)))

    per_doc = [sum(1 for c in d.claims if suspect(d, c)) for d in corpus.documents]
    total = sum(per_doc)
    # The scores are held back until the test lets them through.
    release = threading.Event()
    real = cache.read_cached

    def held(corpus):
        summary, rest = real(corpus)

        def later():
            release.wait(60)
            yield from rest

        return summary, later()

    monkeypatch.setattr(cache, "read_cached", held)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            for _ in range(400):
                await pilot.pause(0.05)
                screen = app.screen
                if getattr(screen, "_suspects_left", None) is not None:
                    break
            assert isinstance(screen, review.ReviewScreen)
            assert screen.assessments == {}  # not one score read yet
            assert f"{total} suspects left · reading scores 0%" in drawn_text(app)
            stats = screen.query_one(DocumentList)._stats
            assert [st.suspects_left for st in stats] == per_doc
            assert [st.claims for st in stats] == [len(d.claims) for d in corpus.documents]
            start = (screen.doc_index, screen.sentence_index)
            expected = nav.find(corpus, start, 1, suspect)
            assert expected is not None and expected != start
            await pilot.press("n")
            assert (screen.doc_index, screen.sentence_index) == expected
            assert screen.assessments == {}  # found from the summary alone
            target = screen.doc.sentences[screen.sentence_index]
            await pilot.press("f")
            await pilot.pause()
            assert f"{total - 1} suspects left" in drawn_text(app)
            written = on_disk(app)
            assert [(a["doc"], a["label"]) for a in written] == [(screen.doc.id, "fabricated")]
        finally:
            release.set()
        screen = await ready(pilot)
        assert len(screen.assessments) == sum(len(d.claims) for d in corpus.documents)
        assert screen._suspects_left == total - 1
        text = drawn_text(app)
        assert f"{total - 1} suspects left" in text and "reading scores" not in text
        assert screen._level_of(screen.doc, target) > 0  # its highlight came with the scores
        stats = screen.query_one(DocumentList)._stats
        tagged_doc = screen.doc_index
        assert [st.suspects_left for st in stats] == [
            n - (1 if i == tagged_doc else 0) for i, n in enumerate(per_doc)
        ]
