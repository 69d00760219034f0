"""The review screen: owns the session and the cursor; widgets only render what it tells them."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState, get_current_worker

from reviewer.core import navigation as nav
from reviewer.core.corpus import Corpus, Document, Sentence
from reviewer.core.printable import shown_path, visible
from reviewer.core.session import CHANGED, OK, Change, ReadOnlyError, Session, StoreError
from reviewer.core.state import ADVANCE, load_settings, save_setting
from reviewer.widgets.document_list import DocumentList, DocumentStats
from reviewer.widgets.document_view import DocumentView
from reviewer.widgets.evidence_panel import EvidencePanel

if TYPE_CHECKING:
    # The engine, its cache and the fact table are imported where they are used, in the
    # scoring thread and on demand: none is needed for the first frame, and importing them
    # before it (compiling them, where no bytecode is kept) was 50 ms of it.
    from reviewer.core.cache import Summary
    from reviewer.core.fact_table import FactRow
    from reviewer.core.suspects import Assessment, Compact, Scored

LABEL_LETTER = {"supported": "S", "contradicted": "C", "fabricated": "F"}
TAG_FIRST = "Tag the sentence first (s, c or f), then link evidence."
Votes = dict[tuple[str, int, int], dict[str, str]]
# Below this width the evidence panel goes under the text: side by side, the text column would
# get less than 60% of the screen (at 120 columns it was 44 cells, no wider than the panel).
NARROW = 140


def _key(keys: str, action: str, short: str, long: str, show: bool = True, **kw) -> Binding:
    """A binding: ``short`` labels it in the footer, ``long`` describes it in help and palette."""
    return Binding(keys, action, short, show=show, tooltip=long, **kw)


# s, c and f share one footer entry ("s c f Tag"): at 80 columns the footer must still show
# help and quit, which three long labels pushed off the screen.
TAG = Binding.Group("Tag", compact=False)

BINDINGS = [
    _key("j,down", "sentence(1)", "Next", "Next sentence (claims only)", id="sentence.next"),
    _key("k,up", "sentence(-1)", "Prev", "Previous sentence", False, id="sentence.previous"),
    _key(
        "n", "suspect(1)", "Suspect", "Next untagged suspect, across documents", id="suspect.next"
    ),
    _key(
        "N",
        "suspect(-1)",
        "Prev suspect",
        "Previous untagged suspect, across documents",
        False,
        id="suspect.previous",
    ),
    # In blind review n/N must not follow the engine: the same keys, the next untagged claim.
    _key(
        "n",
        "blind_next(1)",
        "Next untagged",
        "Next untagged claim, in document order (--blind)",
        id="blind.next",
    ),
    _key(
        "N",
        "blind_next(-1)",
        "Prev untagged",
        "Previous untagged claim, in document order (--blind)",
        False,
        id="blind.previous",
    ),
    _key(
        "g",
        "untagged",
        "Untagged",
        "Next untagged claim, across documents",
        False,
        id="untagged.next",
    ),
    _key(
        "tab,right_square_bracket",
        "document(1)",
        "Next doc",
        "Next document",
        False,
        id="document.next",
    ),
    _key(
        "shift+tab,left_square_bracket",
        "document(-1)",
        "Prev doc",
        "Previous document",
        False,
        id="document.previous",
    ),
    _key(
        "s",
        "tag('supported')",
        "Supported",
        "Tag the sentence supported",
        id="tag.supported",
        group=TAG,
    ),
    _key(
        "c",
        "tag('contradicted')",
        "Contradicted",
        "Tag the sentence contradicted",
        id="tag.contradicted",
        group=TAG,
    ),
    _key(
        "f",
        "tag('fabricated')",
        "Fabricated",
        "Tag the sentence fabricated",
        id="tag.fabricated",
        group=TAG,
    ),
    _key("x", "clear", "Clear", "Clear the tag", False, id="tag.clear"),
    _key(
        "y",
        "confirm",
        "Confirm",
        "Confirm a tag that a fuzzy match moved to this sentence (marked ?)",
        False,
        id="tag.confirm",
    ),
    *[
        _key(
            str(n),
            f"link({n})",
            f"Evidence {n}",
            f"Link (or unlink) evidence sentence {n} to the tag",
            False,
            id=f"evidence.link{n}",
        )
        for n in range(1, 10)
    ],
    _key("a", "note", "Note", "Add or edit a note (tagged or not)", False, id="note.edit"),
    _key("u,ctrl+z", "undo", "Undo", "Undo the last change (any document)", id="history.undo"),
    _key("ctrl+y", "redo", "Redo", "Redo the change last undone", False, id="history.redo"),
    _key(
        "d",
        "disagreement(1)",
        "Disagreement",
        "Next disagreement between reviewers not yet adjudicated (--compare)",
        id="disagreement.next",
    ),
    _key(
        "D",
        "disagreement(-1)",
        "Prev disagreement",
        "Previous disagreement not yet adjudicated (--compare)",
        False,
        id="disagreement.previous",
    ),
    _key(
        "z",
        "collapse",
        "Fold group",
        "Collapse or expand the current document's group in the list (tab skips folded ones)",
        False,
        id="document.fold",
    ),
    _key(
        "equals_sign",
        "accept_agreed",
        "Accept agreed",
        "Tag every sentence all compared reviewers agree on with their label (--compare; "
        "one undo takes them all back)",
        False,
        id="disagreement.accept_agreed",
    ),
    _key("slash", "search", "Search", "Search all documents", id="search.open"),
    _key(
        "ctrl+f",
        "find_document",
        "Find doc",
        "Find a document by name (fuzzy) and open it",
        False,
        id="document.find",
    ),
    _key(
        "t",
        "facts",
        "Facts",
        "Fact table of this group: which facts the documents disagree on",
        id="facts.open",
    ),
    _key(
        "o",
        "orphans",
        "Orphans",
        "List annotations that lost their sentence",
        False,
        id="orphans.show",
    ),
    _key(
        "pagedown,space",
        "page(1)",
        "Page down",
        "Scroll the text a page down",
        False,
        id="view.page_down",
    ),
    _key("pageup", "page(-1)", "Page up", "Scroll the text a page up", False, id="view.page_up"),
    _key("home", "edge(-1)", "First claim", "First claim of the document", False, id="view.first"),
    _key("end", "edge(1)", "Last claim", "Last claim of the document", False, id="view.last"),
    _key(
        "ctrl+o,backspace",
        "back",
        "Back",
        "Back to where the cursor was before the last jump (n, g, d, search, home/end, a link)",
        False,
        id="history.back",
    ),
    _key(
        "e",
        "evidence_full",
        "Evidence",
        "Give the evidence panel the whole screen, or give it back (for small terminals)",
        False,
        id="evidence.full",
    ),
    _key(
        "J", "panel(1)", "Panel down", "Scroll the evidence panel down", False, id="evidence.down"
    ),
    _key("K", "panel(-1)", "Panel up", "Scroll the evidence panel up", False, id="evidence.up"),
    _key(
        "m",
        "mark",
        "Mark",
        "Mark the sentence as evidence to link to a tag elsewhere (then l on the tagged claim)",
        False,
        id="evidence.mark",
    ),
    _key(
        "l",
        "link_marked",
        "Link marked",
        "Link (or unlink) the marked sentence to the tag",
        False,
        id="evidence.link_marked",
    ),
    _key(
        "A",
        "advance",
        "Advance",
        "After a tag: stay, go to the next untagged claim, or to the next suspect (cycles; kept)",
        False,
        id="tag.advance",
    ),
    _key("question_mark", "help", "Help", "Show every key", id="help.show"),
    _key("q", "quit", "Quit", "Quit (everything is already saved)", id="app.quit"),
]


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return shown_path(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return shown_path(path)


class ReviewScreen(Screen[None]):
    RETRY_SECONDS = 2.0  # after a failed save (disk full, read-only folder), write again this soon
    WATCH_SECONDS = 2.0  # how often the annotation file is checked for changes by others
    DRAW_WAIT = 2.0  # a second opening reads the scores after the counts are drawn, or this
    BINDINGS = list[Binding | tuple[str, str] | tuple[str, str, str]](BINDINGS)
    ALLOW_IN_MAXIMIZED_VIEW = "Footer, #status"  # e: the panel fills the screen, status stays

    class Segmented(Message):
        """Every document is split into sentences: ``claims`` in all."""

        def __init__(self, claims: int) -> None:
            super().__init__()
            self.claims = claims

    class Summarized(Message):
        """A second opening: every document's claim count and suspect sentences, from the head
        of the cache, before its full scores are read (built in the scoring thread)."""

        def __init__(self, corpus: Corpus, summary: Summary) -> None:
            super().__init__()
            self.drawn = threading.Event()  # set once the counts are on screen
            # A document without a row has no claim: the cache scored every claim of this
            # corpus (it is keyed by the corpus's contents).
            self.claims = {d.id: summary.claims.get(d.id, 0) for d in corpus.documents}
            spans = summary.suspect_spans()
            self.suspects = {d.id: spans.get(d.id, []) for d in corpus.documents}
            self.total = sum(self.claims.values())

    class ScoresArrived(Message):
        def __init__(
            self, results: list[Compact], done: int, total: int, final: bool, reading: bool
        ) -> None:
            super().__init__()
            self.reading = reading  # from the cache, not computed
            # Built here, in the scoring thread: wrapping and keying 100k rows took the UI
            # thread 0.25 s when all the scores of a large corpus arrive from the cache.
            from reviewer.core.suspects import scored

            items = scored(results)
            self.scores = {(item.row[1], item.row[2]): item for item in items}
            self.groups = {item.row[0] for item in items}
            # Each document's suspect sentences, so the screen counts untagged suspects
            # without looking at every sentence of the corpus.
            self.suspects = nav.suspect_spans(items)
            self.done = done
            self.total = total
            self.final = final

    def __init__(
        self,
        corpus: Corpus,
        session: Session,
        compare: Votes | None = None,
        compare_details: dict | None = None,
        blind: bool = False,
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.session = session
        # Blind-first review: the engine's verdict on a sentence is hidden until it is tagged.
        self.blind = blind
        if blind and not session.read_only:
            session.mark_header("blind", True)
        # Adjudication: each compared annotator's label per sentence (None: not comparing),
        # and their notes and linked evidence (note, [document ids]) where they left any.
        self.compare = compare
        self.compare_details: dict = compare_details or {}
        self._disputed_keys = [
            key for key, v in (compare or {}).items() if len(set(v.values())) > 1
        ]
        # Score and kind of every claim; full assessments are expanded only when shown.
        self.assessments: dict[tuple[str, int], Scored] = {}
        self._expanded: dict[tuple[str, int], Assessment] = {}
        self.scored_groups: set[str] = set()
        self.scoring = "scoring…"
        self.doc_index = 0
        self.sentence_index: int | None = None
        self._list_pending: set[int] = set()  # documents whose list entry awaits new scores
        # Known once every document is split into sentences (in the scoring worker), or from
        # the cache's summary: then each document's claim count is known before it is split.
        self._total_claims: int | None = None
        self._claims_known: dict[str, int] = {}
        self._retrying = False  # a failed save is being retried on a timer
        self._quit_warned = False
        self._shown_path = _shown(session.path)  # resolving it on every key costs syscalls
        # Untagged suspects, once every score is in (or the cache's summary has been read).
        self._suspects_left: int | None = None
        self._suspect_spans: dict[str, list[tuple[int, int]]] = {}  # by document id
        # Fact tables by group, built on first opening: the documents do not change meanwhile.
        self.fact_tables: dict[str, list[FactRow]] = {}
        # Where the cursor was in each document (tabbing back returns there), the positions to
        # go back to after a jump (ctrl+o), and a sentence marked as evidence (m, then l).
        self._doc_cursor: dict[int, int] = {}
        self._back: list[tuple[int, int]] = []
        self._marked: tuple[str, int] | None = None
        self.settings = load_settings()
        self.session.listeners.append(self._on_change)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield DocumentList(self.corpus, id="documents")
            with Horizontal(id="reading"):
                yield DocumentView(id="document")
                yield EvidencePanel(id="evidence")
        yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(EvidencePanel).blind = self.blind
        view = self.query_one(DocumentView)
        view.label_of = self._label_of
        view.level_of = self._level_of
        view.mark_of = self._mark_of
        self.query_one(DocumentList).populate(
            [self._stats(i) for i in range(len(self.corpus.documents))]
        )
        self._restore_cursor()
        self._show_document(self.doc_index, self.sentence_index)
        for message in self.session.messages:
            self.notify(message, severity="warning", timeout=8)
        self._apply_width(self.size.width)
        # Score after the first frame: the first document should not wait for the worker.
        self.call_after_refresh(self.score_corpus)
        # Saves go to a writer thread: a key never waits for the disk. The first save of a big
        # set serialises every annotation once (~0.3 s for 10,000) there, not in the UI.
        if not self.session.read_only:
            self.session.write_in_background(
                lambda outcome: self.post_message(self.Written(outcome))
            )
        # A `git pull` or another tool may change the file: merge it in, never overwrite it.
        self.set_interval(self.WATCH_SECONDS, self._watch_file)

    def on_resize(self, event) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW, "narrow")

    # ------------------------------------------------------------------ state helpers

    def _push_back(self) -> None:
        """Remember where the cursor is, for ctrl+o after a jump (the last 100 places)."""
        if self.sentence_index is not None:
            self._back.append(self._position())
            del self._back[:-100]

    def _position(self) -> tuple[int, int]:
        return (self.doc_index, self.sentence_index if self.sentence_index is not None else -1)

    @property
    def doc(self) -> Document:
        return self.corpus.documents[self.doc_index]

    @property
    def sentence(self) -> Sentence | None:
        if self.sentence_index is None:
            return None
        return self.doc.sentences[self.sentence_index]

    def _label_of(self, doc: Document, s: Sentence) -> str | None:
        a = self.session.get(doc, s)
        return a.label if a else None

    def _hidden(self, doc: Document, s: Sentence) -> bool:
        """Blind review: the engine says nothing about an untagged sentence."""
        return self.blind and self.session.get(doc, s) is None

    def _level_of(self, doc: Document, s: Sentence) -> int:
        if self._hidden(doc, s):
            return 0
        return nav.suspect_level(self.assessments.get((doc.id, s.start)))

    def assessment(self, doc: Document, s: Sentence) -> Assessment | None:
        """The full assessment of a sentence (reasons, evidence), expanded once when needed."""
        key = (doc.id, s.start)
        found = self._expanded.get(key)
        if found is None:
            item = self.assessments.get(key)
            if item is None:
                return None
            from reviewer.core.suspects import expand  # a score exists: the engine is loaded

            found = self._expanded[key] = expand(self.corpus, [item.row])[0]
        return found

    def _votes(self, doc: Document, s: Sentence) -> dict[str, str]:
        if self.compare is None:
            return {}
        return self.compare.get((doc.id, s.start, s.end), {})

    def _disputed(self, doc: Document, s: Sentence) -> bool:
        return len(set(self._votes(doc, s).values())) > 1

    def _mark_of(self, doc: Document, s: Sentence) -> str:
        a = self.session.entry(doc, s)
        if a is not None and a.is_tag:
            return "?" if a.unconfirmed else LABEL_LETTER[a.label]
        if self._disputed(doc, s):
            return "≠"
        if a is not None:
            return "n"  # a note on an untagged sentence
        return "!" if self._level_of(doc, s) else ""  # 0 for a hidden sentence

    def _is_tagged(self, doc: Document, s: Sentence) -> bool:
        return self.session.get(doc, s) is not None

    def _is_suspect(self, doc_id: str, start: int, end: int) -> bool:
        """From the sentence's score once read, else from the cache's summary."""
        a = self.assessments.get((doc_id, start))
        if a is not None:
            return nav.is_suspect(a)
        return (start, end) in self._suspect_spans.get(doc_id, ())

    def _untagged_suspects(self, doc: Document) -> int:
        return self.session.untagged_count(doc.id, self._suspect_spans.get(doc.id, ()))

    def _stats(self, index: int) -> DocumentStats:
        doc = self.corpus.documents[index]
        summarized = doc.id in self._claims_known
        if doc.segmented:
            claims = len(doc.claims)
        elif summarized:  # the cache's summary counted them: the worker splits it later
            claims = self._claims_known[doc.id]
        else:  # not split yet (the worker is on it): counts come later
            return DocumentStats(claims=None, tagged=0, suspects_left=0, scored=False)
        return DocumentStats(
            claims=claims,
            # A document with tags is split already: its tags were anchored to its sentences.
            tagged=self.session.tagged_count(doc),
            suspects_left=0 if self.blind else self._untagged_suspects(doc),
            scored=summarized or doc.group in self.scored_groups,
        )

    def _restore_cursor(self) -> None:
        cursor = self.session.cursor()
        i = self.corpus.index_of(cursor.doc) if cursor is not None else None
        if cursor is not None and i is not None:
            s = self.corpus.documents[i].sentence_at(cursor.offset)
            if s is not None and s.is_claim:
                self.doc_index, self.sentence_index = i, s.index
                return
        self.doc_index = 0
        self.sentence_index = nav.first_claim(self.doc)

    # ------------------------------------------------------------------ rendering

    def _show_document(self, index: int, sentence: int | None) -> None:
        """Open a document at ``sentence``, or where the cursor last was in it, or its first
        claim."""
        if self.sentence_index is not None:
            self._doc_cursor[self.doc_index] = self.sentence_index
        self.doc_index = index
        if sentence is None:
            sentence = self._doc_cursor.get(index)
        self.sentence_index = sentence if sentence is not None else nav.first_claim(self.doc)
        self.query_one(DocumentView).show(self.doc, self.sentence_index)
        self.query_one(DocumentList).select_document(index)
        self._refresh_panel()

    def _move_to(self, position: tuple[int, int], jump: bool = False) -> None:
        """Put the cursor on ``position``; a ``jump`` (not a step to a neighbour) can be undone
        with ctrl+o."""
        d, i = position
        if jump and position != self._position():
            self._push_back()
        if d != self.doc_index:
            self._show_document(d, i)
        else:
            self.sentence_index = i
            self.query_one(DocumentView).move_cursor(i)
            self._refresh_panel()

    def _refresh_panel(self) -> None:
        s = self.sentence
        claims = [x for x in self.doc.sentences if x.is_claim]
        if s is None:
            position = f"{self.doc.id}: no claims in this document"
            self.query_one(EvidencePanel).show(position, None, None, taggable=False)
        else:
            number = next((n for n, c in enumerate(claims, 1) if c.index == s.index), 0)
            position = f"{self.doc.id} · claim {number} of {len(claims)}"
            a = None if self._hidden(self.doc, s) else self.assessment(self.doc, s)
            votes = sorted(self._votes(self.doc, s).items()) if self.compare is not None else None
            details = self.compare_details.get((self.doc.id, s.start, s.end), {})
            self.query_one(EvidencePanel).show(
                position, a, self.session.entry(self.doc, s), votes, details,
                blind=self._hidden(self.doc, s),
            )  # fmt: skip
        self._refresh_status()

    def _refresh_status(self) -> None:
        # Runs on every key: counts are kept up to date, never recounted over the corpus here.
        total = "…" if self._total_claims is None else self._total_claims
        parts = [f"{self.session.count}/{total} tagged"]
        if self.blind:
            parts.append("BLIND: the engine shows after each tag")
        elif self._suspects_left is not None:
            parts.append(f"{self._suspects_left} suspects left")
            if self.scoring:  # the counts came from the cache's summary; scores still loading
                parts.append(self.scoring)
        else:
            parts.append(self.scoring)
        if self.compare is not None:
            left = sum(1 for key in self._disputed_keys if self.session.annotation(key) is None)
            parts.append(f"{left} disagreement{'s' if left != 1 else ''} left (d)")
        if self.session.orphans:
            parts.append(f"{len(self.session.orphans)} orphaned (o)")
        advance = self.settings.get("advance", "off")
        if advance != "off":
            parts.append(f"tag → next {'suspect' if advance == 'suspect' else 'untagged'} (A)")
        if self.session.read_only:
            parts.append("READ-ONLY")
        elif self.session.unsaved and self.session.save_error:
            parts.append(f"NOT SAVED: {self.session.save_error} (retrying)")
        elif self.session.unsaved:
            parts.append("saving…")
        elif self.session.store.signature is None:
            parts.append(f"no tags saved yet ({self._shown_path})")
        else:
            parts.append(f"saved to {self._shown_path}")
        # Text, not markup: paths and errors may hold "[" (a folder named "a[/b]x").
        # One row, as wide as the screen: a new text needs a repaint, never a new layout.
        self.query_one("#status", Static).update(Text(visible(" · ".join(parts))), layout=False)

    def _on_change(self, change: Change) -> None:
        doc_id, start, _ = change.key
        if self._suspects_left is not None and self._is_suspect(*change.key):
            # Notes on untagged sentences are entries too, but not tags.
            was = change.before is not None and change.before.is_tag
            now_tagged = change.after is not None and change.after.is_tag
            if now_tagged and not was:
                self._suspects_left -= 1
                if self._suspects_left == 0 and not self.blind:
                    self.notify(
                        "Every suspect has been reviewed. g goes on to the untagged claims.",
                        title="Suspects done",
                        timeout=6,
                    )
            elif was and not now_tagged:
                self._suspects_left += 1
        d = self.corpus.index_of(doc_id)
        if d is None:
            return
        self.query_one(DocumentList).update_document(d, self._stats(d))
        if d == self.doc_index:
            s = self.doc.sentence_at(start)
            if s is not None:
                self.query_one(DocumentView).refresh_sentence(s.index)

    # ------------------------------------------------------------------ scoring

    @work(thread=True, exclusive=True, exit_on_error=False, group="scoring")
    def score_corpus(self) -> None:
        """Scores from the cache when the corpus is unchanged, else from the engine; posted in
        batches at most every 0.1 s so the screen fills in without waiting for the end."""
        from reviewer.core.cache import (
            UNREADABLE,
            has_cached,
            read_cached,
            save_cached_compact,
            split_all,
        )
        from reviewer.core.suspects import assess_corpus_compact

        # Documents are split into sentences on first use: the first frame split only the one
        # on screen; the rest is split here, off the UI thread.
        if has_cached(self.corpus):
            # A second opening: every count from the cache's summary first (~10 ms for 100k
            # claims), then the scores group by group, then the sentences of every document
            # (the spans the first opening found, checked before use). Until a document is
            # split, its count comes from the summary and it is split when first shown.
            # Quitting meanwhile stops the reading: the app waits for this thread to end.
            worker = get_current_worker()

            def stop() -> bool:
                return worker.is_cancelled

            try:
                summary, cached = read_cached(self.corpus)
                summarized = self.Summarized(self.corpus, summary)
                self.post_message(summarized)
                # The scores are read once the counts are drawn: read now, they would share
                # the interpreter with the screen counting and drawing them (0.3-0.5 s
                # later on a 100k-claim corpus). Not forever: a screen gone never draws.
                deadline = time.monotonic() + self.DRAW_WAIT
                while not summarized.drawn.wait(0.02):
                    if stop():
                        return
                    if time.monotonic() > deadline:
                        break
                # The sentences are read before the final message: it freezes the heap
                # for the collector, and the 100,000 sentences belong in it.
                self._post_batches(
                    cached,
                    summary.total,
                    reading=True,
                    stop=stop,
                    finish=lambda: split_all(self.corpus, stop),
                )
                return
            except UNREADABLE:
                pass  # unreadable cache: score again and rewrite it
        split_all(self.corpus)
        total = sum(len(d.claims) for d in self.corpus.documents)
        self.post_message(self.Segmented(total))  # counts now, scores as they come
        groups: list[list[Compact]] = []

        def fresh() -> Iterator[list[Compact]]:
            for rows in assess_corpus_compact(self.corpus):
                groups.append(rows)
                yield rows

        self._post_batches(fresh(), total)
        save_cached_compact(self.corpus, groups)

    def _post_batches(
        self,
        groups: Iterable[list[Compact]],
        total: int,
        reading: bool = False,
        stop: Callable[[], bool] | None = None,
        finish: Callable[[], None] | None = None,
    ) -> None:
        """Post the scores in batches; ``finish`` is done after the last batch is posted and
        before the final message (which says every score is in and freezes the heap)."""
        batch: list[Compact] = []
        last = time.monotonic()
        done = 0
        for results in groups:
            if stop is not None and stop():
                return
            batch.extend(results)
            done += len(results)
            if time.monotonic() - last > 0.1:
                self.post_message(self.ScoresArrived(batch, done, total, False, reading))
                batch, last = [], time.monotonic()
        if finish is not None:
            if batch:
                self.post_message(self.ScoresArrived(batch, done, total, False, reading))
                batch = []
            finish()
        self.post_message(self.ScoresArrived(batch, done, total, True, reading))

    def _rebuild_list(self) -> None:
        """Every entry of the document list anew, the highlight kept: one pass beats thousands
        of single updates (each re-lays the list out)."""
        doc_list = self.query_one(DocumentList)
        highlighted = doc_list.highlighted
        doc_list.populate([self._stats(i) for i in range(len(self.corpus.documents))])
        doc_list.highlighted = highlighted

    def on_review_screen_segmented(self, message: Segmented) -> None:
        self._total_claims = message.claims
        self._rebuild_list()
        self._refresh_status()

    def on_review_screen_summarized(self, message: Summarized) -> None:
        self._claims_known = message.claims
        self._suspect_spans.update(message.suspects)
        self._total_claims = message.total
        self._suspects_left = sum(map(self._untagged_suspects, self.corpus.documents))
        self.scoring = "reading scores 0%"
        self._rebuild_list()
        self._refresh_status()
        self.call_after_refresh(message.drawn.set)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "scoring" and event.state == WorkerState.ERROR:
            error = event.worker.error
            self.scoring = f"scoring failed ({type(error).__name__}: {error})"
            self.notify(f"Suspect scoring failed: {error}", severity="error", timeout=10)
            self._refresh_status()

    def on_review_screen_scores_arrived(self, message: ScoresArrived) -> None:
        self.assessments.update(message.scores)
        self._suspect_spans.update(message.suspects)
        groups = set(message.groups)
        if message.final:
            groups |= set(self.corpus.groups)
        self.scored_groups |= groups
        self._total_claims = message.total
        if message.final:
            # Scores, corpus and annotations live until quit and form no garbage cycles; moving
            # them out of the collector's sight stops its full passes over ~1M objects from
            # stalling keys for hundreds of milliseconds.
            gc.freeze()
            self._suspects_left = sum(map(self._untagged_suspects, self.corpus.documents))
        percent = 100 * message.done // max(message.total, 1)
        if message.final:
            self.scoring = ""
        elif message.reading and message.done >= message.total:
            self.scoring = "reading sentences"  # every score is in: the spans follow
        elif message.reading:
            self.scoring = f"reading scores {percent}%"
        else:
            self.scoring = f"scoring {message.done:,}/{message.total:,} ({percent}%)"
        if not message.reading:  # read from the cache, the list shows the summary's counts
            self._list_pending |= {
                i for i, d in enumerate(self.corpus.documents) if d.group in groups
            }
        if message.final and len(self._list_pending) > 64:
            self._rebuild_list()
            self._list_pending.clear()
        elif message.final or len(self._list_pending) <= 64:
            doc_list = self.query_one(DocumentList)
            for i in sorted(self._list_pending):
                doc_list.update_document(i, self._stats(i))
            self._list_pending.clear()
        # else: a big batch mid-way; the list catches up at the end (progress is in the status).
        if self.doc.group in groups:
            self.query_one(DocumentView).refresh_all()
        self._refresh_panel()
        from reviewer.screens.facts import FactsScreen

        if isinstance(self.app.screen, FactsScreen):
            self.app.screen.scores_arrived()

    # ------------------------------------------------------------------ actions

    # Actions that change annotations: hidden (and refused with a reason) in a read-only window.
    WRITING = ("tag", "clear", "note", "link", "link_marked", "undo", "redo", "confirm")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys that cannot act stay enabled where the action can say why (o with no orphans,
        # 9 with fewer evidence items); in a read-only window the writing keys leave the footer
        # and on_key explains.
        if action in self.WRITING and self.session.read_only:
            return False
        if action in ("disagreement", "accept_agreed"):
            return self.compare is not None
        if action == "blind_next":
            return self.blind
        # In blind review the engine's order and its fact table stay hidden.
        return not (self.blind and action in ("suspect", "facts"))

    def action_blind_next(self, step: int) -> None:
        self._next_untagged(step)

    def on_key(self, event) -> None:
        if self.blind and event.key == "t":
            self.notify("Blind review: the fact table is the engine's work; it stays hidden.",
                        timeout=4)  # fmt: skip
            event.stop()
            return
        if not self.session.read_only:
            return
        for binding in self.BINDINGS:
            if (
                isinstance(binding, Binding)
                and event.key in binding.key.split(",")
                and binding.action.split("(")[0] in self.WRITING
            ):
                self.notify(
                    f"Read-only: another window holds the lock on {self._shown_path}; "
                    f"{binding.description.lower()} is not possible here.",
                    severity="warning",
                    timeout=4,
                )
                event.stop()
                return

    def action_sentence(self, step: int) -> None:
        if self.sentence_index is None:
            return
        self._move_to((self.doc_index, nav.step_claim(self.doc, self.sentence_index, step)))

    def _jump(self, step: int, accept, what: str) -> None:
        start = (self.doc_index, self.sentence_index if self.sentence_index is not None else -1)
        found = nav.find(self.corpus, start, step, accept)
        if found is None or found == start:
            self.notify(f"No {what}.", timeout=3)
            if found is None:
                return
        elif (found <= start) if step > 0 else (found >= start):
            self.notify(f"Wrapped around: searched from the {'start' if step > 0 else 'end'}.",
                        timeout=2)  # fmt: skip
        self._move_to(found, jump=True)

    def action_suspect(self, step: int) -> None:
        if self.blind:  # the engine must not choose the order: the next untagged claim
            self._next_untagged(step)
            return
        if self._suspects_left is None:  # still scoring, and no summary from the cache
            self.notify("Still scoring; suspects found so far are used.", timeout=2)
        self._jump(
            step,
            lambda d, s: self._is_suspect(d.id, s.start, s.end) and not self._is_tagged(d, s),
            "other untagged suspect",
        )

    def action_disagreement(self, step: int) -> None:
        self._jump(
            step,
            lambda d, s: self._disputed(d, s) and not self._is_tagged(d, s),
            "other disagreement to adjudicate",
        )

    def action_accept_agreed(self) -> None:
        """Adjudication: the sentences every compared reviewer labelled alike (two or more of
        them) get that label, with the votes, in one undoable step; only disagreements are
        left to decide."""
        assert self.compare is not None
        agreed = []
        for (doc_id, start, end), votes in self.compare.items():
            labels = set(votes.values())
            if len(votes) < 2 or len(labels) != 1:
                continue
            doc = self.corpus.get(doc_id)
            s = doc.sentence_at(start) if doc is not None else None
            if doc is None or s is None or s.end != end or self._is_tagged(doc, s):
                continue
            agreed.append((doc, s, labels.pop()))
        if not agreed:
            self.notify("No agreed sentence left to accept.", timeout=3)
            return
        with self.session.batch():
            for doc, s, label in agreed:
                if not self.tag_sentence(doc, s, label):
                    break
        self.query_one(DocumentView).refresh_all()
        self._refresh_panel()
        self.notify(
            f"Accepted {len(agreed)} agreed tag{'s' if len(agreed) != 1 else ''} "
            "(u takes them all back). d goes to the disagreements.",
            timeout=5,
        )

    def action_untagged(self) -> None:
        self._next_untagged(1)

    def _next_untagged(self, step: int) -> None:
        self._jump(step, lambda d, s: not self._is_tagged(d, s), "other untagged claim")

    def action_document(self, step: int) -> None:
        n = len(self.corpus.documents)
        folded = self.query_one(DocumentList).collapsed
        target = (self.doc_index + step) % n
        for _ in range(n):  # skip the documents of folded groups, if any other is left
            if self.corpus.documents[target].group not in folded:
                break
            target = (target + step) % n
        self._remember()
        self._show_document(target, None)

    def action_collapse(self) -> None:
        group = self.doc.group
        doc_list = self.query_one(DocumentList)
        if not doc_list.toggle_group(group, self.doc_index):
            self.notify("No groups to fold: the corpus is one group.", timeout=3)
            return
        state = "folded" if group in doc_list.collapsed else "unfolded"
        self.notify(f"Group {visible(group) or '(top level)'} {state}.", timeout=2)

    def on_document_view_sentence_clicked(self, message: DocumentView.SentenceClicked) -> None:
        doc = self.doc
        i = message.index
        if not doc.sentences[i].is_claim:  # a click on a heading: the claim after it
            i = nav.step_claim(doc, i, 1)
            if not doc.sentences[i].is_claim:
                return
        self._move_to((self.doc_index, i))

    def on_document_list_document_selected(self, message: DocumentList.DocumentSelected) -> None:
        self._open_document(message.index)

    def _open_document(self, index: int) -> None:
        """Open a document chosen by name (list, finder): a jump that ctrl+o takes back."""
        if index != self.doc_index:
            self._push_back()
        self._remember()
        self._show_document(index, None)

    def _guarded(self, fn) -> Change | None:
        try:
            change = fn()
        except ReadOnlyError as exc:
            self.notify(f"{exc}; nothing was changed.", severity="error", timeout=4)
            return None
        except ValueError as exc:
            self.notify(str(exc).capitalize() + ".", severity="warning", timeout=4)
            return None
        self._refresh_panel()
        return change

    class Written(Message):
        """The writer thread finished a save: ``outcome`` is OK, FAILED or CHANGED (the file
        changed on disk, so nothing was written)."""

        def __init__(self, outcome: str) -> None:
            super().__init__()
            self.outcome = outcome

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications quote file names, notes and document text: plain text by default,
        with control characters made visible."""
        super().notify(
            message if markup else visible(message),
            title=title,
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_review_screen_written(self, message: Written) -> None:
        if message.outcome == CHANGED:
            self._merge_from_disk()
        elif message.outcome != OK and not self._retrying:
            self._retrying = True
            self.notify(self.session.save_error + "; kept in memory, will retry.", severity="error")
            self.set_timer(self.RETRY_SECONDS, self._retry_save)
        elif message.outcome == OK and self._retrying and not self.session.unsaved:
            self._retrying = False
            self.notify("Saved: everything is on disk again.", timeout=3)
        self._refresh_status()

    def _merge_from_disk(self) -> None:
        """The file changed under us: read it, merge our changes in, save the result."""
        try:
            report = self.session.sync()
        except StoreError:
            if not self._retrying:
                self._retrying = True
                self.notify(self.session.save_error, severity="error", timeout=10)
                self.set_timer(self.RETRY_SECONDS, self._retry_save)
        else:
            self.notify(str(report).capitalize() + ".", timeout=6)
            self.query_one(DocumentView).refresh_all()
            self._refresh_panel()
        self._refresh_status()

    def _watch_file(self) -> None:
        if not self._retrying and self.session.disk_changed() and self.session.flush(0):
            self._merge_from_disk()

    def _retry_save(self) -> None:
        if self.session.unsaved and self.session.save_error:
            self.session.retry_save()
            self._refresh_status()
            if self.session.unsaved:
                self.set_timer(self.RETRY_SECONDS, self._retry_save)
                return
        self._retrying = False

    def action_tag(self, label: str) -> None:
        s = self.sentence
        if s is not None and self.tag_sentence(self.doc, s, label):
            self._remember()
            self._advance()

    def _advance(self) -> None:
        """Tag-and-advance (A cycles it): on to the next untagged claim or suspect."""
        mode = self.settings.get("advance", "off")
        if mode == "claim" or (mode == "suspect" and self.blind):
            self.action_untagged()
        elif mode == "suspect":
            self.action_suspect(1)

    def action_advance(self) -> None:
        mode = str(self.settings.get("advance", "off"))
        mode = ADVANCE[(ADVANCE.index(mode) + 1) % len(ADVANCE)] if mode in ADVANCE else "off"
        self.settings["advance"] = mode
        kept = save_setting("advance", mode)
        what = {
            "off": "a tag keeps the cursor where it is",
            "claim": "a tag moves on to the next untagged claim",
            "suspect": "a tag moves on to the next untagged suspect",
        }[mode]
        self.notify(
            f"After a tag: {what}." + ("" if kept else " (Could not save the setting.)"),
            timeout=3,
        )
        self._refresh_status()

    def tag_sentence(
        self,
        doc: Document,
        s: Sentence,
        label: str,
        evidence: Sequence[tuple[Document, Sentence]] = (),
    ) -> bool:
        """Tag any sentence (the cursor's, or one chosen in the fact table), with the
        engine's score and, for a fabricated tag, its receipts; ``evidence`` is linked in the
        same change."""
        a = self.assessments.get((doc.id, s.start))
        votes = self._votes(doc, s) or None
        score = a.score if a else None
        extra: dict[str, object] = {}
        first_blind = self._hidden(doc, s)
        if first_blind:
            # The label given before the engine was shown, and the engine's verdict then.
            extra["blind_label"] = label
            extra["kind"] = a.kind if a else "unscored"
        if label == "fabricated":
            # A fabricated tag keeps what the engine checked: the file shows what was searched.
            full = self.assessment(doc, s)
            if full is not None and full.receipts:
                from reviewer.core.suspects import receipt_table

                extra["receipts"] = [receipt_table(r) for r in full.receipts]
        done = (
            self._guarded(lambda: self.session.tag(doc, s, label, score, votes, extra, evidence))
            is not None
        )
        if done and first_blind:
            self._reveal(doc, s, label)
        return done

    def _reveal(self, doc: Document, s: Sentence, label: str) -> None:
        """Blind review: the sentence's shading, mark and reasons appear; say so when the
        engine saw it otherwise."""
        a = self.assessments.get((doc.id, s.start))
        if doc is self.doc:
            self.query_one(DocumentView).refresh_sentence(s.index)
        if a is None:
            self.notify("Revealed: the engine has not scored this sentence yet.", timeout=3)
            return
        flagged = nav.is_suspect(a)
        verdict = f"{a.kind}, score {a.score:.2f}"
        if flagged and label == "supported":
            self.notify(f"The engine disagreed: it flagged this sentence ({verdict}).",
                        severity="warning", timeout=5)  # fmt: skip
        elif not flagged and label != "supported":
            self.notify(f"The engine disagreed: it found no problem here ({verdict}).",
                        severity="warning", timeout=5)  # fmt: skip
        else:
            self.notify(f"The engine agreed ({verdict}).", timeout=3)

    def clear_sentence(self, doc: Document, s: Sentence) -> None:
        change = self._guarded(lambda: self.session.clear(doc, s))
        if change is not None and change.after is not None:
            self.notify("Tag cleared; the note stays (a edits it, u undoes).", timeout=3)

    def action_clear(self) -> None:
        s = self.sentence
        if s is not None:
            self.clear_sentence(self.doc, s)

    def action_confirm(self) -> None:
        s = self.sentence
        a = self.session.entry(self.doc, s) if s is not None else None
        if s is None or a is None or not a.unconfirmed:
            self.notify("Nothing to confirm: y confirms a tag a fuzzy match moved here (?).")
            return
        self._guarded(lambda: self.session.confirm(self.doc, s))

    def action_link(self, n: int) -> None:
        s = self.sentence
        a = self.assessment(self.doc, s) if s else None
        if s is None or a is None:
            self.notify("No evidence yet: this sentence is still being scored.", timeout=3)
            return
        if n > len(a.evidence):
            count = len(a.evidence)
            self.notify(
                f"No evidence item {n}: this sentence has {count or 'no'} evidence "
                f"item{'s' if count != 1 else ''}. m marks any sentence, l links it.",
                timeout=3,
            )
            return
        if self.session.get(self.doc, s) is None:
            self.notify(TAG_FIRST, timeout=3)
            return
        m = a.evidence[n - 1]
        ev_doc = self.corpus.get(m.doc)
        ev_s = ev_doc.sentence_at(m.start) if ev_doc else None
        if ev_doc is None or ev_s is None:
            return
        self._guarded(lambda: self.session.toggle_evidence(self.doc, s, ev_doc, ev_s))

    def action_note(self) -> None:
        from reviewer.screens.note import NoteScreen

        s = self.sentence
        if s is None:
            return
        # Tagged or not: a note on an untagged sentence is kept without a label.
        current = self.session.entry(self.doc, s)
        doc = self.doc

        def done(note: str | None) -> None:
            if note is not None:
                self._guarded(lambda: self.session.set_note(doc, s, note))

        note = current.note if current is not None else ""
        self.app.push_screen(NoteScreen(doc.sentence_text(s), note), done)

    def _history(self, fn, what: str, move: bool = True) -> None:
        change = self._guarded(fn)
        if change is None:
            self.notify(f"Nothing to {what}.", timeout=2)
            return
        doc_id, start, _ = change.key
        d = self.corpus.index_of(doc_id)
        s = self.corpus.documents[d].sentence_at(start) if d is not None else None
        if move and d is not None and s is not None:
            self._move_to((d, s.index), jump=True)  # show the reviewer what changed
        self._refresh_panel()

    def undo_change(self, move: bool = True) -> None:
        self._history(self.session.undo, "undo", move)

    def redo_change(self, move: bool = True) -> None:
        self._history(self.session.redo, "redo", move)

    def action_undo(self) -> None:
        self.undo_change()

    def action_redo(self) -> None:
        self.redo_change()

    def action_search(self) -> None:
        from reviewer.screens.search import SearchScreen

        def done(position: tuple[int, int] | None) -> None:
            if position is None:
                return
            d, i = position
            doc = self.corpus.documents[d]
            if not doc.sentences[i].is_claim:
                # A hit in noise (a headline, a caption): land on the nearest claim after it,
                # else before it, else just open the document.
                after, before = nav.step_claim(doc, i, 1), nav.step_claim(doc, i, -1)
                i = after if after != i else before
                if not doc.sentences[i].is_claim:
                    self._show_document(d, None)
                    return
            self._move_to((d, i), jump=True)

        self.app.push_screen(SearchScreen(self.corpus, link=self._link_hit), done)

    def action_find_document(self) -> None:
        def opener(d: int):
            def open_it() -> None:
                self._open_document(d)

            return open_it

        commands = []
        for d, doc in enumerate(self.corpus.documents):
            st = self._stats(d)
            left = f" · {st.suspects_left} suspect" if st.suspects_left else ""
            commands.append((visible(doc.id), opener(d), f"{st.tagged}/{st.claims} tagged{left}"))
        self.app.search_commands(commands, placeholder="Find a document by name…")

    def _link_hit(self, d: int, i: int) -> str:
        """From the search: link any sentence as evidence of the one under the cursor."""
        s = self.sentence
        if s is None or self.session.get(self.doc, s) is None:
            return TAG_FIRST
        if self.session.read_only:
            return "Read-only: nothing can be linked in this window."
        ev_doc = self.corpus.documents[d]
        if ev_doc is self.doc and i == s.index:
            return "A sentence cannot be its own evidence."
        return self.link_evidence(self.doc, s, ev_doc, ev_doc.sentences[i])

    def action_facts(self) -> None:
        from reviewer.screens.facts import FactsScreen

        if self.blind:
            self.notify("Blind review: the fact table is the engine's work; it stays hidden.",
                        timeout=4)  # fmt: skip
            return
        self._remember()

        def done(position: tuple[int, int] | None) -> None:
            if position is not None:
                self._move_to(position, jump=True)
            else:
                self.query_one(DocumentView).refresh_all()  # tags made in the grid
                self._refresh_panel()

        self.app.push_screen(FactsScreen(self, self.doc.group), done)

    def action_orphans(self) -> None:
        from reviewer.screens.orphans import OrphansScreen

        if not self.session.orphans:
            self.notify("No orphaned annotations: every tag has its sentence.", timeout=3)
            return
        self.app.push_screen(OrphansScreen(self.session.orphans))

    def action_page(self, step: int) -> None:
        """Scroll a page and take the cursor along: to the first claim on the new page (down)
        or the last (up); at the end of the text, to the last (or first) claim."""
        if self.sentence_index is None:
            return
        view = self.query_one(DocumentView)
        before = view.scroll_y
        view.scroll_to(
            y=before + step * max(view.size.height - 2, 1), animate=False, immediate=True
        )
        moved = int(view.scroll_y - before)
        target = view.claim_near(view.row_of_sentence(self.sentence_index) + moved, step)
        if not moved or target is None:
            target = self._edge_claim(step)
        if target is not None:
            self._move_to((self.doc_index, target))

    def _edge_claim(self, step: int) -> int | None:
        claims = [s.index for s in self.doc.sentences if s.is_claim]
        return (claims[-1] if step > 0 else claims[0]) if claims else None

    def action_edge(self, step: int) -> None:
        target = self._edge_claim(step)
        if target is not None:
            self._move_to((self.doc_index, target), jump=True)

    def action_back(self) -> None:
        while self._back:
            d, i = self._back.pop()
            if d < len(self.corpus.documents) and 0 <= i < len(self.corpus.documents[d].sentences):
                self._move_to((d, i))
                return
        self.notify("Nothing to go back to: ctrl+o returns from a jump (n, g, search, …).",
                    timeout=3)  # fmt: skip

    def action_evidence_full(self) -> None:
        panel = self.query_one(EvidencePanel)
        if self.maximized is panel:
            self.minimize()
        else:
            self.maximize(panel, container=False)

    def action_panel(self, step: int) -> None:
        panel = self.query_one(EvidencePanel)
        panel.scroll_to(y=panel.scroll_y + step * max(panel.size.height - 2, 1), animate=False)

    def action_mark(self) -> None:
        s = self.sentence
        if s is None:
            return
        self._marked = (self.doc.id, s.start)
        self.notify("Marked as evidence. Go to a tagged claim and press l to link it.", timeout=3)

    def action_link_marked(self) -> None:
        s = self.sentence
        marked = self._marked
        ev_doc = self.corpus.get(marked[0]) if marked else None
        ev_s = ev_doc.sentence_at(marked[1]) if ev_doc and marked else None
        if ev_doc is None or ev_s is None:
            self.notify("Nothing marked: m marks a sentence as evidence, l links it.", timeout=3)
            return
        if s is None or self.session.get(self.doc, s) is None:
            self.notify(TAG_FIRST, timeout=3)
            return
        if ev_doc is self.doc and ev_s.index == s.index:
            self.notify("A sentence cannot be its own evidence.", timeout=3)
            return
        self.link_evidence(self.doc, s, ev_doc, ev_s)

    def link_evidence(self, doc: Document, s: Sentence, ev_doc: Document, ev_s: Sentence) -> str:
        """Link (or unlink) any sentence as evidence of a tagged one; says what happened."""
        before = self.session.get(doc, s)
        had = before is not None and any(
            (e.doc, e.start) == (ev_doc.id, ev_s.start) for e in before.evidence
        )
        if self._guarded(lambda: self.session.toggle_evidence(doc, s, ev_doc, ev_s)) is None:
            return "Not linked."
        message = f"{'Unlinked' if had else 'Linked'} {visible(ev_doc.id)} as evidence."
        self.notify(message, timeout=2)
        return message

    def action_help(self) -> None:
        from reviewer.screens.help import HelpScreen

        shown = [
            b
            for b in BINDINGS
            if (self.compare is not None or not b.action.startswith(("disagreement", "accept")))
            and (self.blind or not b.action.startswith("blind"))
            and not (self.blind and b.action.startswith(("suspect", "facts")))
        ]
        self.app.push_screen(HelpScreen(shown, legend=True))

    def _remember(self) -> None:
        s = self.sentence
        if s is not None:
            self.session.remember_cursor(self.doc, s)

    def action_quit(self) -> None:
        self._remember()
        self.session.flush(2.0)  # a stuck disk must not make quitting hang
        if self.session.unsaved and not self.session.read_only and not self._quit_warned:
            # Quitting now would lose changes that exist only in memory: say so, once.
            self._quit_warned = True
            why = self.session.save_error or "the disk has not finished writing"
            self.notify(
                f"Not saved: {why}. Wait for 'saved', or press q again to quit and lose the "
                "unsaved changes.",
                severity="error",
                timeout=10,
            )
            return
        self.session.close(timeout=1.0)
        self.app.exit()
