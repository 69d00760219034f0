"""Every key of the review app: press it, then check the app state AND the TOML on disk."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest

from reviewer.app import ReviewerApp
from reviewer.core import navigation as nav
from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session
from reviewer.screens.review import ReviewScreen
from tests.conftest import SEEDS, write
from tests.hostile.helpers import drawn_text


def make_app(tmp_path: Path, corpus_path: Path = SEEDS, annotator: str = "ana") -> ReviewerApp:
    corpus = load_corpus([corpus_path]).corpus
    session = Session(corpus, tmp_path / "annotations" / f"{annotator}.toml", annotator)
    return ReviewerApp(corpus, session)


def on_disk(app: ReviewerApp) -> list[dict]:
    app.session.flush()  # the app saves from a writer thread, milliseconds after the key
    path = app.session.path
    if not path.exists():
        return []
    return tomllib.loads(path.read_text()).get("annotation", [])


async def ready(pilot, timeout: float = 120.0) -> ReviewScreen:
    """The review screen once every score is in. The scoring worker starts after the first
    frame: waiting for workers before it exists returns at once, so wait for the status."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        assert not screen.scoring.startswith("scoring failed"), screen.scoring
        if screen.scoring == "":
            return screen
        assert time.monotonic() < deadline, f"still {screen.scoring!r}"
        await pilot.pause(0.05)


async def typed_at_once(pilot, keys: list[tuple[str, str | None]]) -> None:
    """Deliver ``keys`` as one read from the terminal does: every one is queued before the app
    handles the first (``pilot.press`` waits for each key in turn)."""
    from textual import events

    for key, char in keys:
        pilot.app.post_message(events.Key(key, char))
    await pilot.pause()
    await pilot.pause()


def chars(text: str) -> list[tuple[str, str | None]]:
    """``text`` as the keys that type it, for ``typed_at_once``."""
    return [("space" if c == " " else c, c) for c in text]


def current_text(screen: ReviewScreen) -> str:
    assert screen.sentence is not None
    return screen.doc.sentence_text(screen.sentence)


async def test_j_and_k_move_over_claims_only(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        doc = screen.doc
        assert not doc.sentences[0].is_claim  # "Skip to content"
        assert screen.sentence_index == nav.first_claim(doc)
        seen = [screen.sentence_index]
        for _ in range(12):
            await pilot.press("j")
            seen.append(screen.sentence_index)
        assert all(doc.sentences[i].is_claim for i in seen)
        assert seen == sorted(seen) and len(set(seen)) == len(seen)
        noise_skipped = [i for i in range(seen[0], seen[-1]) if not doc.sentences[i].is_claim]
        assert noise_skipped, "the walk should have crossed a noise line"
        await pilot.press("k", "up")
        assert screen.sentence_index == seen[-3]
        await pilot.press("down")
        assert screen.sentence_index == seen[-2]
    assert on_disk(app) == []  # moving never writes annotations


async def test_tag_keys_write_each_label_and_x_clears(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        first = current_text(screen)
        await pilot.press("s")
        assert [(a["quote"], a["label"]) for a in on_disk(app)] == [(first, "supported")]
        await pilot.press("c")
        assert [a["label"] for a in on_disk(app)] == ["contradicted"]
        await pilot.press("f")
        assert [a["label"] for a in on_disk(app)] == ["fabricated"]
        record = on_disk(app)[0]
        assessment = screen.assessments[(screen.doc.id, screen.sentence.start)]
        assert record["suspicion"] == round(assessment.score, 4)
        assert screen.session.get(screen.doc, screen.sentence).label == "fabricated"
        await pilot.press("x")
        assert on_disk(app) == []
        assert screen.session.get(screen.doc, screen.sentence) is None


async def test_n_and_shift_n_visit_untagged_suspects_across_documents(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        visited = []
        for _ in range(6):
            await pilot.press("n")
            a = screen.assessments[(screen.doc.id, screen.sentence.start)]
            assert nav.is_suspect(a)
            visited.append((screen.doc_index, screen.sentence_index))
        assert len(set(visited)) == 6
        assert len({d for d, _ in visited}) >= 2, "suspects span documents"
        await pilot.press("N")
        assert (screen.doc_index, screen.sentence_index) == visited[-2]
        # A tagged suspect is no longer visited.
        await pilot.press("f", "N", "n")
        assert (screen.doc_index, screen.sentence_index) == visited[-1]
        assert [a["label"] for a in on_disk(app)] == ["fabricated"]


async def test_g_goes_to_next_untagged_claim(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        start = screen.sentence_index
        await pilot.press("j", "s", "j", "s", "k", "k")
        assert screen.sentence_index == start
        await pilot.press("s", "g")  # all three tagged: g skips past them
        after = screen.sentence_index
        assert after == nav.step_claim(
            screen.doc, nav.step_claim(screen.doc, nav.step_claim(screen.doc, start, 1), 1), 1
        )
        assert len(on_disk(app)) == 3


@pytest.mark.parametrize(("forward", "backward"), [("tab", "shift+tab"), ("]", "[")])
async def test_document_keys(tmp_path: Path, forward: str, backward: str):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press(forward)
        assert screen.doc_index == 1
        assert screen.sentence_index == nav.first_claim(screen.doc)
        await pilot.press(forward, forward)
        assert screen.doc_index == 3
        await pilot.press(backward)
        assert screen.doc_index == 2
        await pilot.press(backward, backward, backward)
        assert screen.doc_index == len(app.corpus.documents) - 1  # wraps around


async def test_digit_links_evidence_and_toggles_it_off(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("1")  # untagged: nothing to link to
        assert on_disk(app) == []
        await pilot.press("c", "1")
        match = screen.assessment(screen.doc, screen.sentence).evidence[0]
        (record,) = on_disk(app)
        assert record["evidence"] == [
            {"doc": match.doc, "start": match.start, "end": match.end, "quote": match.text}
        ]
        target = app.corpus.get(match.doc)
        assert target.text[match.start : match.end] == match.text
        await pilot.press("2")
        assert len(on_disk(app)[0]["evidence"]) == 2
        await pilot.press("1")
        assert [e["start"] for e in on_disk(app)[0]["evidence"]] != [match.start]
        assert len(on_disk(app)[0]["evidence"]) == 1


async def test_a_opens_note_enter_saves_escape_cancels(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f", "a")
        assert app.screen.__class__.__name__ == "NoteScreen"
        await pilot.press(*"Quote not in wire copy", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert on_disk(app)[0]["note"] == "Quote not in wire copy"
        await pilot.press("a", "x", "y", "escape")
        await pilot.pause()
        assert on_disk(app)[0]["note"] == "Quote not in wire copy"
        # Several lines: ctrl+j (or alt+enter) breaks the line, enter saves.
        await pilot.press("a", "ctrl+j", *"Source: wire", "enter")
        await pilot.pause()
        assert on_disk(app)[0]["note"] == "Quote not in wire copy\nSource: wire"
        assert "Source: wire" in drawn_text(app)  # the panel shows the note


async def test_a_notes_an_untagged_sentence_and_the_note_outlives_its_tag(tmp_path: Path):
    """A note without a tag: written to the TOML without a label, marked n in the text, shown
    in the panel, never counted as tagged; s tags it keeping the note, x takes the tag and
    leaves the note, an emptied note removes the entry, and a reopened app shows it again."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await pilot.press("j")
        doc, s = screen.doc, screen.sentence
        await pilot.press("a", *"Ask the desk", "enter")
        await pilot.pause()
        [entry] = on_disk(app)
        assert "label" not in entry and entry["note"] == "Ask the desk"
        assert entry["quote"] == doc.sentence_text(s)
        drawn = drawn_text(app)
        assert "Not tagged · your note" in drawn and "Note: Ask the desk" in drawn
        assert " 0/187 tagged" in drawn and "0/33" in drawn  # the status and the list
        assert screen._mark_of(doc, s) == "n" and "▌n " in drawn  # the mark beside the text
        await pilot.press("s")
        [entry] = on_disk(app)
        assert (entry["label"], entry["note"]) == ("supported", "Ask the desk")
        assert " 1/187 tagged" in drawn_text(app)
        await pilot.press("x")
        [entry] = on_disk(app)
        assert "label" not in entry and entry["note"] == "Ask the desk"
        assert " 0/187 tagged" in drawn_text(app) and screen._mark_of(doc, s) == "n"
        await pilot.press("u")
        assert on_disk(app)[0]["label"] == "supported"
        await pilot.press("x", "q")
    assert [e["note"] for e in on_disk(app)] == ["Ask the desk"]

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert screen.sentence == s and "Note: Ask the desk" in drawn_text(app)
        await pilot.press("a", *["backspace"] * len("Ask the desk"), "enter")
        await pilot.pause()
        assert on_disk(app) == [] and screen._mark_of(screen.doc, s) != "n"


async def test_undo_redo_across_documents(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("s", "tab", "f", "j", "c")
        assert [a["label"] for a in on_disk(app)] == ["supported", "fabricated", "contradicted"]
        await pilot.press("u")
        assert [a["label"] for a in on_disk(app)] == ["supported", "fabricated"]
        await pilot.press("ctrl+z", "u")
        assert on_disk(app) == []
        assert screen.doc_index == 0, "undo shows the sentence it changed"
        await pilot.press("ctrl+y")
        assert [a["label"] for a in on_disk(app)] == ["supported"]
        await pilot.press("ctrl+y", "ctrl+y")
        assert [a["label"] for a in on_disk(app)] == ["supported", "fabricated", "contradicted"]
        assert screen.doc_index == 1


async def test_keys_typed_faster_than_the_app_reads_them_act_in_the_order_typed(
    tmp_path: Path,
):
    # A fast typist (or a slow link over SSH) delivers "f", tab, "c" in one read: the driver
    # posts the three keys before the app handles the first. The tag must land on the
    # sentence it was typed on, not on the next document's (tab once jumped the queue: it was
    # a priority binding, acted on by the app while "f" still waited for the screen).
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        for forward, back in (
            ("tab", "shift+tab"),
            ("right_square_bracket", "left_square_bracket"),
        ):
            first = screen.doc
            claim = screen.sentence
            assert claim is not None
            index = screen.doc_index
            second = screen.corpus.documents[(index + 1) % len(screen.corpus.documents)]
            opening = (second.id, second.claims[0].start)

            def tags() -> dict:
                return {(a["doc"], a["start"]): a["label"] for a in on_disk(app)}

            await typed_at_once(pilot, [("f", "f"), (forward, None), ("c", "c")])
            assert screen.doc is second, forward
            assert tags() == {(first.id, claim.start): "fabricated", opening: "contradicted"}
            await typed_at_once(pilot, [("s", "s"), (back, None), ("c", "c")])
            assert screen.doc is first, (back, "back where the keys started")
            assert tags() == {(first.id, claim.start): "contradicted", opening: "supported"}
            assert screen._mark_of(first, claim) == "C"
            await pilot.press(*"uuuu")
            assert on_disk(app) == []


async def test_a_note_typed_in_one_burst_keeps_every_character(tmp_path: Path):
    # A note pasted or typed fast, enter included, arrives in one read: enter must save what
    # was typed before it (as a priority binding it saved before the characters were in).
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f", "a")
        assert app.screen.__class__.__name__ == "NoteScreen"
        keys = [*chars("Not in"), ("ctrl+j", None), ("alt+enter", None)]
        keys += [*chars("wire"), ("enter", "\r")]
        await typed_at_once(pilot, keys)
        assert app.screen is screen
        assert on_disk(app)[0]["note"] == "Not in\n\nwire"
        assert "wire" in drawn_text(app)


async def settled(pilot, done) -> None:
    """Wait (a bounded while) until ``done()``: keys typed ahead of a box are replayed into it
    once it is mounted and focused, a frame or two after the key that opened it."""
    for _ in range(100):
        if done():
            return
        await pilot.pause(0.02)
    assert done()


async def test_keys_typed_across_a_box_opening_and_closing_act_in_order(tmp_path: Path):
    # "f", "a", the note, enter, tab, "c" in one read (a fast typist, a paste, a slow SSH
    # link): the note box is not open yet when the note's first characters arrive, and is
    # closing when tab arrives. Every key must act where it was typed for: the note on the
    # tagged sentence, the tab and "c" on the review screen after the box.
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        first, claim = screen.doc, screen.sentence
        assert claim is not None
        second = screen.corpus.documents[screen.doc_index + 1]
        keys = [("f", "f"), ("a", "a"), *chars("ok then"), ("enter", "\r"), ("tab", None)]
        await typed_at_once(pilot, [*keys, ("c", "c")])
        await settled(pilot, lambda: len(on_disk(app)) == 2)
        assert app.screen is screen and screen.doc is second
        got = {(a["doc"], a["start"]): (a["label"], a.get("note", "")) for a in on_disk(app)}
        assert got == {
            (first.id, claim.start): ("fabricated", "ok then"),
            (second.id, second.claims[0].start): ("contradicted", ""),
        }
        assert screen._mark_of(second, second.claims[0]) == "C"


async def test_keys_read_while_a_box_is_being_mounted_go_into_it(tmp_path: Path):
    # Keys the app reads after the box is pushed but before its field has focus (mounting
    # takes a frame or two) were handed to the box itself and dropped.
    from textual import events

    from reviewer.typeahead import takes_keys

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f")
        screen.action_note()  # pushed, not mounted yet: nothing has run since
        assert app.screen is not screen and not takes_keys(app.screen)
        for key, char in [*chars("read early"), ("enter", "\r"), ("j", "j")]:
            app.post_message(events.Key(key, char))
        claim = screen.sentence
        await settled(pilot, lambda: screen.sentence is not claim)
        assert app.screen is screen
        assert on_disk(app)[0]["note"] == "read early"


async def test_a_search_typed_in_one_burst_jumps_then_tags(tmp_path: Path):
    # "/", the query, enter and "f" in one read: the query reaches the box, enter jumps to
    # the hit of the whole query, and "f" tags the sentence jumped to.
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        keys = [("slash", "/"), *chars("lukashenko"), ("enter", "\r"), ("f", "f")]
        await typed_at_once(pilot, keys)
        await settled(pilot, lambda: len(on_disk(app)) == 1)
        assert app.screen is screen
        assert "Lukashenko" in current_text(screen)
        assert screen.doc.id.startswith("002_")
        assert screen.sentence is not None
        tagged = on_disk(app)[0]
        assert (tagged["doc"], tagged["start"]) == (screen.doc.id, screen.sentence.start)
        assert tagged["label"] == "fabricated"


async def test_slash_searches_all_documents_and_enter_jumps(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash")
        assert app.screen.__class__.__name__ == "SearchScreen"
        await pilot.press(*"lukashenko")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert "Lukashenko" in current_text(screen)
        assert screen.doc.id.startswith("002_")


async def test_question_mark_lists_every_binding(tmp_path: Path):
    from reviewer.screens.review import BINDINGS

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 60)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.pause()
        text = drawn_text(app)  # what the terminal shows
        app.screen.query_one("#help-box").scroll_end(animate=False)
        await pilot.pause()
        end = drawn_text(app)
        rendered = app.screen.listed  # the table is built from these
        # Every key but d/D, which act only when comparing reviewers (review --compare).
        compare_only = {"disagreement.next", "disagreement.previous", "disagreement.accept_agreed"}
        compare_only |= {"blind.next", "blind.previous"}  # and these only in blind review
        assert {b.id for b in rendered} == {b.id for b in BINDINGS} - compare_only
        assert "reviewer keys" in text
        # 1-9 are one row, and the marks of the screen are explained.
        assert text.count("evidence sentence N") == 1 and "1-9" in text
        assert "evidence sentence 1 " not in text
        assert "the cursor" in end and "a suspect" in end and "how suspect" in end
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_q_quits_and_reopening_resumes_where_left(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab", "tab", "j", "j", "f")
        where = (screen.doc.id, screen.sentence.start)
        await pilot.press("q")
    assert not app.is_running
    assert [a["label"] for a in on_disk(app)] == ["fabricated"]
    again = make_app(tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert (screen.doc.id, screen.sentence.start) == where
        assert screen.session.get(screen.doc, screen.sentence).label == "fabricated"


async def test_second_instance_is_read_only_and_cannot_tag(tmp_path: Path):
    first = make_app(tmp_path)
    async with first.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("s")
        second = make_app(tmp_path)
        assert second.session.read_only
        async with second.run_test(size=(120, 40)) as pilot2:
            screen2 = await ready(pilot2)
            await pilot2.press("j", "f")
            assert screen2.session.get(screen2.doc, screen2.sentence) is None
            assert "READ-ONLY" in str(screen2.query_one("#status").render())
        assert [a["label"] for a in on_disk(first)] == ["supported"]


async def test_orphaned_annotations_are_listed_and_kept(tmp_path: Path, seeds_copy: Path):
    app = make_app(tmp_path, seeds_copy)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        removed = current_text(screen)
        await pilot.press("f", "q")
    victim = seeds_copy / app.corpus.documents[0].id
    victim.write_text(victim.read_text().replace(removed, "Entirely different words now."))
    again = make_app(tmp_path, seeds_copy)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert [o.quote for o in screen.session.orphans] == [removed]
        assert "1 orphaned" in str(screen.query_one("#status").render())
        await pilot.press("o")
        assert again.screen.__class__.__name__ == "OrphansScreen"
        await pilot.press("escape", "j", "s")
    assert sorted(a["label"] for a in on_disk(again)) == ["fabricated", "supported"]


async def test_resize_rewraps_and_keeps_the_cursor(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await ready(pilot)
        await pilot.press(*["j"] * 8)
        where = screen.sentence_index
        view = screen.query_one("DocumentView")
        wide_rows = view.virtual_size.height
        assert not screen.has_class("narrow")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.has_class("narrow")
        assert view.virtual_size.height > wide_rows
        assert screen.sentence_index == where
        first, last = view._sentence_rows(where)
        assert view.scroll_offset.y <= first <= view.scroll_offset.y + view.size.height


async def test_command_palette_runs_actions(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"tag the sentence fabricated")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert [a["label"] for a in on_disk(app)] == ["fabricated"]


async def test_search_hit_in_noise_lands_on_the_nearest_claim(tmp_path: Path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"previous post next", "enter")
        await pilot.pause()
        assert screen.doc.id.startswith("003_")  # "Previous Post Next Post" is page furniture
        assert screen.sentence.is_claim
        last_claim = [s for s in screen.doc.sentences if s.is_claim][-1]
        assert screen.sentence == last_claim  # nothing after it: the claim before


async def test_document_list_shows_progress_after_each_tag_without_relayout(tmp_path: Path):
    from reviewer.widgets.document_list import DocumentList

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        claims = len(screen.doc.claims)
        doc_list = screen.query_one(DocumentList)
        assert f" 0/{claims}" in drawn_text(app)
        wrapped: list[object] = []  # entries laid out (wrapped) again; a rebuild does all
        get_visual = doc_list._get_visual
        doc_list._get_visual = lambda option: wrapped.append(option) or get_visual(option)
        await pilot.press("s")
        await pilot.pause()
        assert f" 1/{claims}" in drawn_text(app)
        await pilot.press("j", "c")
        await pilot.pause()
        assert f" 2/{claims}" in drawn_text(app)
        # Only the changed entry was laid out again, not the whole list.
        assert len(set(map(id, wrapped))) == 1, len(wrapped)
        await pilot.press("x")
        await pilot.pause()
        assert f" 1/{claims}" in drawn_text(app)
    assert [a["label"] for a in on_disk(app)] == ["supported"]


async def test_document_list_rows_are_as_tall_as_textual_measures_them(tmp_path: Path):
    # The list counts each entry's rows from its text instead of rendering it
    # (DocumentList._update_lines); the rows must be what Textual's own measure gives, or
    # the highlight and the clicks land on the wrong document. Groups make one-line headers.
    from reviewer.widgets.document_list import DocumentList

    corpus = tmp_path / "corpus"
    for group in ("a-group-whose-name-is-longer-than-the-list-is-wide", "b"):
        for k in range(3):
            name = f"{k:03d}_{'x' * 40 * k}.txt"
            write(corpus / group / name, f"The bridge opened on Friday. It cost {k + 2} million.")
    app = make_app(tmp_path, corpus)
    for size in ((120, 40), (80, 24), (60, 20)):
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            doc_list = app.screen.query_one(DocumentList)
            room = doc_list.scrollable_content_region.width - doc_list._get_left_gutter_width()
            room -= doc_list.get_component_styles("option-list--option").padding.width
            measured = {
                i: doc_list._get_visual(option).get_height(doc_list.styles, room)
                for i, option in enumerate(doc_list.options)
            }
            assert doc_list._line_cache.heights == measured, size
            assert set(measured.values()) == {1, 2}  # headers one row, documents two
            assert "000_" in drawn_text(app)
        app = make_app(tmp_path, corpus)


async def test_the_current_document_stays_in_view_and_the_list_scrolls_by_half_screens(
    tmp_path: Path,
):
    # Moving down a long list and back up: the current document is always on screen; the list
    # stays put while it is, and once it comes within a quarter of the view of an edge, the
    # list scrolls it to a quarter from the other edge, so the next half screen of moves does
    # not scroll (a scroll repaints every row of the list). That scroll comes after the frame
    # that shows the new document, not in it.
    from reviewer.widgets.document_list import DocumentList

    corpus = tmp_path / "corpus"
    for k in range(40):
        write(corpus / f"{k:03d}.txt", f"The bridge opened on Friday. It cost {k + 2} million.")
    app = make_app(tmp_path, corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        doc_list = screen.query_one(DocumentList)
        view = doc_list.scrollable_content_region.height
        margin = view // 4
        assert view >= 2 * margin + 2 and margin >= 2  # the margins apply at this size
        last_top = doc_list.virtual_size.height - view
        moves = [1] * 39 + [-1] * 39
        scrolls = [0]
        deferred = 0
        k = 0
        for step in moves:
            top_before = round(doc_list.scroll_offset.y)
            screen.action_document(step)  # the action alone: its frame has not been drawn
            k += step
            y = doc_list._line_cache.index_to_line[doc_list.highlighted]
            if top_before <= y and y + 2 <= top_before + view:
                # Still in view: the list has not moved yet, whatever the margin says.
                assert round(doc_list.scroll_offset.y) == top_before, (k, y)
            await pilot.pause()
            await pilot.pause()
            assert screen.doc_index == k
            top = round(doc_list.scroll_offset.y)
            assert top <= y and y + 2 <= top + view, (k, y, top)  # on screen, both rows
            # Settled: a quarter of the view from an edge, unless the list is at that end.
            if top < last_top:
                assert y + 2 <= top + view - margin, (k, y, top)
            if top > 0:
                assert y >= top + margin, (k, y, top)
            if top != scrolls[-1]:
                deferred += top_before <= y and y + 2 <= top_before + view
                scrolls.append(top)
            assert f"{k:03d}.txt" in drawn_text(app)
        assert k == 0 and scrolls[-1] == 0, scrolls  # back at the top
        assert deferred == len(scrolls) - 1 > 2, scrolls  # every scroll came after its frame
        # Each scroll moved by half a screen or more, not one row a move.
        steps = [abs(b - a) for a, b in zip(scrolls, scrolls[1:], strict=False)]
        assert all(step >= view // 2 - 2 for step in steps), scrolls


async def test_the_panel_says_not_tagged_on_a_claim_and_nothing_of_tags_without_one(
    tmp_path: Path,
):
    """An untagged claim's panel has its tag row already ("Not tagged"), which a tag then
    changes in place; a document without any claim has no tag row at all, and s tags nothing."""
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", "The mayor opened the bridge on Friday.\nIt cost 40 million euros.\n")
    write(corpus / "b.txt", "Skip to content\nMenu\n")
    app = make_app(tmp_path, corpus)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        assert screen.doc.id == "a.txt" and "Not tagged" in drawn_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert "Tagged supported" in drawn_text(app) and "Not tagged" not in drawn_text(app)
        await pilot.press("tab")
        await pilot.pause()
        drawn = drawn_text(app)
        assert screen.doc.id == "b.txt" and "b.txt: no claims in this document" in drawn
        assert "Not tagged" not in drawn and "Tagged" not in drawn
        await pilot.press("c")
        await pilot.pause()
    assert [a["label"] for a in on_disk(app)] == ["supported"]
