"""Review state: the single source of truth for tags, notes and evidence, with undo and redo.

Every change is written to the annotator's TOML file: before the call returns, or, once
``write_in_background`` is on (the app), by a writer thread a few milliseconds later. When a
write fails (disk full, read-only folder, anything at all) the change stays in memory, ``unsaved``
and ``save_error`` say so, and the next change or ``retry_save()`` writes everything again.

Saved-ness is counted, not flagged: every change bumps ``generation`` and a write records the
generation it wrote, so nothing can report "saved" for a change that is not on disk yet.

The file may change under the session (a ``git pull``, another tool). A save never replaces a
file it has not read: the store refuses, the session reads the new file and merges it with its
own changes (three-way, against the file as last read or written), then saves the result.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .corpus import Corpus, Document, Sentence
from .files import remove_stale_temps
from .limits import MAX_NOTE_CHARS
from .lock import SetLock
from .printable import repair_surrogates, shown_path
from .replacer import Replacer, replace_here
from .state import Cursor, load_cursor, save_cursor
from .store import (
    LABELS,
    AnchorResult,
    Annotation,
    AnnotationSet,
    Evidence,
    Key,
    Store,
    StoreChanged,
    StoreError,
    StoreWriteError,
    anchor_all,
    current_signature,
    load,
    now,
    rendered,
    same,
)

Ident = tuple[str, int, int, str]  # what makes an entry of the file unique: span and quote

OK, FAILED, CHANGED = "ok", "failed", "changed"  # outcomes of one write


# Keys that belong to a tag, not to the sentence: they go when the tag is cleared.
_TAG_KEYS = frozenset({"votes", "receipts", "blind_label", "kind"})


class ReadOnlyError(Exception):
    pass


@dataclass(frozen=True)
class Change:
    key: Key
    before: Annotation | None
    after: Annotation | None
    action: str  # "tag", "clear", "note", "evidence", "confirm", "undo", "redo", "reload"


@dataclass(frozen=True)
class MergeReport:
    """What reading the file again brought in: how many entries it added, changed or removed,
    and how many of ours it also changed (ours were kept, field by field)."""

    added: int
    changed: int
    removed: int
    conflicts: int

    def __str__(self) -> str:
        counts = ((self.added, "added"), (self.changed, "changed"), (self.removed, "removed"))
        parts = [f"{n} {what}" for n, what in counts if n]
        text = "the file changed on disk: " + (", ".join(parts) or "no tag changed")
        if self.conflicts:
            text += f"; {self.conflicts} of your changes kept over theirs"
        return text


def _ident(a: Annotation) -> Ident:
    return (a.doc, a.start, a.end, a.quote)


def anchor_to(corpus: Corpus, annotations: Iterable[Annotation]) -> AnchorResult:
    """Re-anchor annotations to the documents as they are now. Only documents that annotations
    or their evidence point at are looked at: a large corpus with few tags costs nothing."""
    items = list(annotations)
    texts: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for a in items:
        for doc_id in (a.doc, *(e.doc for e in a.evidence)):
            if doc_id not in texts:
                doc = corpus.get(doc_id)
                if doc is not None:
                    texts[doc_id] = (doc.text, [(s.start, s.end) for s in doc.sentences])
    return anchor_all(items, texts)


def open_set(path: Path) -> AnnotationSet | None:
    """The annotation set at ``path``, None if there is none yet; StoreError if unusable."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{shown_path(path)}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(
            f"{shown_path(path)}: is a symbolic link; reviewer reads and writes annotation sets "
            "only as regular files (replace the link with the file it points to)"
        )
    return load(path)


def _merge_fields(base: Annotation | None, ours: Annotation, theirs: Annotation) -> Annotation:
    """Theirs, with every field we changed since ``base`` taken from ours."""
    if base is None:
        return ours
    changes = {
        f.name: getattr(ours, f.name)
        for f in fields(Annotation)
        if getattr(ours, f.name) != getattr(base, f.name)
    }
    if dict(ours.extra) != dict(base.extra):
        changes["extra"] = {**theirs.extra, **ours.extra}
    return theirs.with_changes(**changes) if changes else theirs


class Session:
    def __init__(
        self,
        corpus: Corpus,
        annotation_file: Path,
        annotator: str,
        *,
        read_only: bool = False,
        use_lock: bool = True,
    ) -> None:
        self.corpus = corpus
        self.annotator = annotator
        self.path = annotation_file
        self.messages: list[str] = []
        self._lock = SetLock(annotation_file)
        self.read_only = read_only
        if not read_only and use_lock:
            why = self._lock.acquire()
            if why:
                self.read_only = True
                self.messages.append(f"{shown_path(annotation_file)}: {why}; opened read-only")
        try:
            # Read after locking: no other reviewer can be writing it now.
            existing = open_set(annotation_file)  # never overwrite a file that cannot be read
        except StoreError:
            self._lock.release()
            raise
        self.store = Store(
            annotation_file,
            annotator,
            corpus.name,
            existing.extra if existing else None,
            existing.signature if existing else None,
        )
        if not self.read_only and annotation_file.parent.is_dir():
            remove_stale_temps(annotation_file)
        on_disk = existing.annotations if existing else ()
        # The file as last read or written: the base of a three-way merge.
        self._base: list[Annotation] = list(on_disk)
        result = anchor_to(corpus, on_disk)
        self._annotations: dict[Key, Annotation] = {}
        self._notes = 0  # entries that hold only a note
        self._tags_by_doc: Counter[str] = Counter()  # tags held per document id
        self._hold(result.anchored)
        # Entries changed since the last save was handed over (None: save in full next time).
        self._delta: dict[Key, Annotation | None] | None = None
        self.orphans: tuple[Annotation, ...] = result.orphans
        if result.moved:
            self.messages.append(f"{result.moved} annotation(s) re-anchored to changed documents")
        if result.fuzzy:
            self.messages.append(
                f"{result.fuzzy} annotation(s) moved to a similar sentence: shown with ? until "
                "you confirm them (y) or tag again"
            )
        if result.orphans:
            self.messages.append(
                f"{len(result.orphans)} annotation(s) could not be found in the documents "
                "(kept in the file, listed as orphaned)"
            )
        if existing and existing.corpus and existing.corpus != corpus.name:
            self.messages.append(
                f'{shown_path(annotation_file)} was made on corpus "{existing.corpus}", '
                f'this is "{corpus.name}"'
            )
        # History entries: one change, or a batch of changes undone and redone together.
        self._undo: list[Change | list[Change]] = []
        self._redo: list[Change | list[Change]] = []
        self._batch: list[Change] | None = None
        # Top-level keys this session adds to the file (blind = true), kept through merges.
        self.header_marks: dict[str, Any] = {}
        self.generation = 0  # bumped by every change that must reach the file
        self.saved_generation = 0  # the newest generation the file holds
        self.save_error = ""
        self.needs_reload = False  # the file changed on disk; merge before the next save
        self.listeners: list[Callable[[Change], None]] = []
        self._writer: _Writer | None = None
        self._closed = False

    # ---------------------------------------------------------------- queries

    def get(self, doc: Document, sentence: Sentence) -> Annotation | None:
        """The tag of a sentence (None when untagged, even if it holds a note)."""
        return self.annotation((doc.id, sentence.start, sentence.end))

    def entry(self, doc: Document, sentence: Sentence) -> Annotation | None:
        """What the file holds for a sentence: its tag, or a note on an untagged sentence."""
        return self._annotations.get((doc.id, sentence.start, sentence.end))

    def annotation(self, key: Key) -> Annotation | None:
        a = self._annotations.get(key)
        return a if a is not None and a.is_tag else None

    @property
    def count(self) -> int:
        """Tagged sentences (notes on untagged sentences are not tags)."""
        return len(self._annotations) - self._notes

    @property
    def annotations(self) -> list[Annotation]:
        """Every entry of the set: tags and notes on untagged sentences."""
        return list(self._annotations.values())

    def tagged_count(self, doc: Document) -> int:
        if not self._tags_by_doc[doc.id]:
            return 0  # most documents of a large corpus: no need to look at their sentences
        held = self._annotations
        n = 0
        for s in doc.sentences:
            a = held.get((doc.id, s.start, s.end))
            if a is not None and a.is_tag:
                n += 1
        return n

    def untagged_count(self, doc_id: str, spans: Sequence[tuple[int, int]]) -> int:
        """How many of the (start, end) ``spans`` of document ``doc_id`` (its suspect sentences)
        carry no tag; a document without tags (most of a large corpus) needs no lookup."""
        if not self._tags_by_doc[doc_id]:
            return len(spans)
        held = self._annotations
        n = 0
        for start, end in spans:
            a = held.get((doc_id, start, end))
            if a is None or not a.is_tag:
                n += 1
        return n

    @property
    def unsaved(self) -> bool:
        """Some change is not on disk yet (being written, or the write failed)."""
        return self.saved_generation < self.generation

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) and not self.read_only

    @property
    def can_redo(self) -> bool:
        return bool(self._redo) and not self.read_only

    # ---------------------------------------------------------------- changes

    def _apply(self, key: Key, after: Annotation | None) -> None:
        if self._delta is not None:
            self._delta[key] = after
        before = self._annotations.pop(key, None)
        if before is not None:
            if before.is_note:
                self._notes -= 1
            if before.is_tag:
                self._tags_by_doc[key[0]] -= 1
        if after is not None:
            self._annotations[key] = after
            if after.is_note:
                self._notes += 1
            if after.is_tag:
                self._tags_by_doc[key[0]] += 1

    def _hold(self, anchored: Iterable[Annotation]) -> None:
        """Hold these entries (after anchoring), replacing whatever was held."""
        self._annotations = {a.key: a for a in anchored}
        self._notes = sum(1 for a in self._annotations.values() if a.is_note)
        self._tags_by_doc = Counter(k[0] for k, a in self._annotations.items() if a.is_tag)

    def _commit(self, change: Change, *, record: bool = True) -> Change:
        if self.read_only:
            raise ReadOnlyError(f"{shown_path(self.path)} is open read-only")
        self._apply(change.key, change.after)
        if record:
            if self._batch is not None:
                self._batch.append(change)
            else:
                self._undo.append(change)
            self._redo.clear()
        self.generation += 1
        self._save()
        for listener in self.listeners:
            listener(change)
        return change

    def _snapshot(self) -> list[Annotation]:
        return list(self._annotations.values()) + list(self.orphans)

    def _save(self, depth: int = 0) -> None:
        if self.read_only:
            return
        if self._writer is not None:
            if not self.needs_reload:
                self._writer.submit(self._snapshot(), self.generation, self._take_delta())
            return
        if self.needs_reload:
            self._reload_and_save(depth)
            return
        if self._write(self._snapshot(), self.generation, self._take_delta()) == CHANGED:
            self._reload_and_save(depth)

    def _take_delta(self) -> dict[Key, Annotation | None] | None:
        """What changed since the last hand-over, for an in-place save; None for a full one
        (first save, after a merge, or while orphans are kept: an orphan may share a span)."""
        delta, self._delta = self._delta, {}
        return None if self.orphans else delta

    def _reload_and_save(self, depth: int) -> None:
        if depth >= 3:
            return  # the file keeps changing under us: try again on the next change or retry
        try:
            self.reload()
        except StoreError:
            return  # save_error says why; retried later
        self._save(depth + 1)

    def _write(
        self,
        snapshot: list[Annotation],
        generation: int,
        delta: Mapping[Key, Annotation | None] | None = None,
    ) -> str:
        """Write one snapshot; returns OK, FAILED or CHANGED. Never raises: whatever goes wrong
        is reported in ``save_error`` and the snapshot is written again later."""
        return self._outcome(snapshot, generation, lambda: self.store.save(snapshot, delta))

    def _start_write(
        self, snapshot: list[Annotation], delta: Mapping[Key, Annotation | None], replacer: Replacer
    ) -> bool:
        """Hand a save to the writer's helper process without waiting (the writer thread
        finishes it with ``_finish_write``); False if nothing was started."""
        return self.store.start_save(snapshot, delta, replacer)

    def _finish_write(self, snapshot: list[Annotation], generation: int, replacer: Replacer) -> str:
        return self._outcome(snapshot, generation, lambda: self.store.finish_save(replacer))

    def _outcome(
        self, snapshot: list[Annotation], generation: int, write: Callable[[], None]
    ) -> str:
        try:
            write()
        except StoreChanged as exc:
            self.needs_reload = True
            self.save_error = str(exc)
            return CHANGED
        except StoreWriteError as exc:
            self.save_error = str(exc)
            return FAILED
        except Exception as exc:  # a save must never take the session down
            self.save_error = f"{shown_path(self.path)}: cannot save ({type(exc).__name__}: {exc})"
            return FAILED
        self._base = snapshot
        if generation >= self.saved_generation:
            self.saved_generation = generation
        if not self.unsaved:
            self.save_error = ""
        return OK

    def write_in_background(self, on_written: Callable[[str], object]) -> None:
        """Save from a writer thread from now on: a change returns at once, and the newest state
        is written (atomically, as ever) a few milliseconds later. ``on_written(outcome)`` is
        called from the writer thread after each write (OK, FAILED or CHANGED)."""
        # Nothing saved yet: the writer orders and encodes the set as it stands now, so the
        # first save edits it in place like every later one (encoding 10,000 entries in full
        # on the first tag took the writer 15-25 ms of Python beside the UI thread's frame).
        # Every change from here on is in the delta, so no change can be missed by it.
        in_place = self._delta is None and not self.orphans and not self.read_only
        if in_place:
            self._delta = {}
        self._writer = _Writer(self, on_written, prime=self._snapshot(), in_place=in_place)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything handed to the writer is written (or has failed); False if the
        timeout passed first."""
        if self._writer is not None:
            return self._writer.wait(timeout)
        return True

    def retry_save(self) -> bool:
        """Write again after a failed save (reading the file first if it changed); True when
        everything is on disk (with a background writer: when the retry has been handed over)."""
        if self.read_only or not self.unsaved:
            return not self.unsaved
        if self.needs_reload:
            try:
                self.reload()
            except StoreError:
                return False
        self._save()
        return not self.unsaved

    def disk_changed(self) -> bool:
        """The file on disk is not the one this session last read or wrote."""
        return current_signature(self.path) != self.store.signature

    def reload(self) -> MergeReport:
        """Read the file again and merge it with this session's changes.

        Per entry (span and quote), against the file as last read or written: an entry only
        they changed takes theirs, only we changed keeps ours, both changed merges field by
        field (ours wins where both changed the same field). StoreError if the file cannot be
        read; then ``save_error`` says so and nothing is written until it can be.
        """
        if not self.flush(5.0):  # then the writer is idle: it cannot race the base or signature
            raise StoreError(f"{shown_path(self.path)}: still writing; will try again")
        try:
            disk = open_set(self.path)
        except StoreError as exc:
            self.needs_reload = True
            self.save_error = f"{exc} (changed on disk; your tags are kept in memory)"
            raise
        theirs = {_ident(a): a for a in disk.annotations} if disk else {}
        ours = {_ident(a): a for a in self._snapshot()}
        base = {_ident(a): a for a in self._base}
        merged: dict[Ident, Annotation] = {}
        added = changed = removed = conflicts = 0
        for k in dict.fromkeys([*base, *theirs, *ours]):
            b, t, o = base.get(k), theirs.get(k), ours.get(k)
            if same(t, b):
                r = o
            elif same(o, b):
                r = t
                if b is None:
                    added += 1
                elif t is None:
                    removed += 1
                else:
                    changed += 1
            elif same(o, t):
                r = o
            elif o is None or t is None:
                r = o or t  # deleted on one side, changed on the other: keep the change
                conflicts += 1
            else:
                r = _merge_fields(b, o, t)
                conflicts += 1
            if r is not None:
                merged[k] = r
        before = dict(self._annotations)
        result = anchor_to(self.corpus, merged.values())
        self._hold(result.anchored)
        self.orphans = result.orphans
        self._delta = None
        self._base = list(theirs.values())
        self.store.signature = disk.signature if disk else None
        if disk is not None:
            self.store.extra = {**disk.extra, **self.header_marks}
        self.needs_reload = False
        self.save_error = ""
        touched = {
            k
            for k in {*before, *self._annotations}
            if not same(before.get(k), self._annotations.get(k))
        }

        # History of entries someone else changed would undo their change: it is dropped.
        def untouched(entry: Change | list[Change]) -> bool:
            return all(
                c.key not in touched for c in (entry if isinstance(entry, list) else [entry])
            )

        self._undo = [e for e in self._undo if untouched(e)]
        self._redo = [e for e in self._redo if untouched(e)]
        held = self._snapshot()
        if len(held) != len(theirs) or any(not same(a, theirs.get(_ident(a))) for a in held):
            self.generation += 1  # what we hold differs from the file: it must be written
        else:
            self.saved_generation = self.generation
        for key in sorted(touched):
            change = Change(key, before.get(key), self._annotations.get(key), "reload")
            for listener in self.listeners:
                listener(change)
        return MergeReport(added, changed, removed, conflicts)

    def sync(self) -> MergeReport:
        """Merge the file as it is on disk now, then save the merged state if it differs."""
        report = self.reload()
        if self.unsaved:
            self._save()
        return report

    def tag(
        self,
        doc: Document,
        sentence: Sentence,
        label: str,
        suspicion: float | None = None,
        votes: dict[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
        evidence: Sequence[tuple[Document, Sentence]] = (),
    ) -> Change | None:
        """Tag a sentence; ``votes`` (adjudication) records each annotator's label with it, and
        ``extra`` adds keys to the annotation (``receipts``: what the engine checked, kept with
        a fabricated tag only); ``evidence`` links sentences (added to those already linked),
        in the same change: one undo takes back the tag and its links. Tagging a sentence
        whose tag a fuzzy match moved there confirms it."""
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}")
        key = (doc.id, sentence.start, sentence.end)
        before = self._annotations.get(key)
        stamp = now()
        keys = dict(before.extra) if before is not None else {}
        keys.update(extra or {})
        if votes:
            keys["votes"] = dict(votes)
        if label != "fabricated":
            keys.pop("receipts", None)
        linked = before.evidence if before is not None else ()
        for ev_doc, ev_sentence in evidence:
            ev = Evidence(
                ev_doc.id, ev_sentence.start, ev_sentence.end, ev_doc.sentence_text(ev_sentence)
            )
            if ev not in linked and (ev.doc, ev.start, ev.end) != key:
                linked += (ev,)
        if before is None:
            after = Annotation(
                doc=doc.id,
                start=sentence.start,
                end=sentence.end,
                quote=doc.sentence_text(sentence),
                label=label,
                suspicion=suspicion,
                created=stamp,
                updated=stamp,
                evidence=linked,
                extra=keys,
            )
        elif before.label == label and not before.unconfirmed and linked == before.evidence:
            return None
        else:
            after = before.with_changes(
                label=label,
                updated=stamp,
                anchor="",
                anchor_quote="",
                extra=keys,
                evidence=linked,
                # A note on an untagged sentence gets the engine's score with its first tag.
                suspicion=suspicion if before.is_note else before.suspicion,
            )
        return self._commit(Change(key, before, after, "tag"))

    def confirm(self, doc: Document, sentence: Sentence) -> Change | None:
        """Accept a tag that a fuzzy re-anchor moved to this sentence."""
        key = (doc.id, sentence.start, sentence.end)
        before = self._annotations.get(key)
        if before is None or not before.unconfirmed:
            return None
        after = before.with_changes(anchor="", anchor_quote="", updated=now())
        return self._commit(Change(key, before, after, "confirm"))

    def clear(self, doc: Document, sentence: Sentence) -> Change | None:
        """Take the tag off a sentence. Its note stays, as a note on an untagged sentence (the
        evidence, score and engine receipts go with the tag); undo brings the tag back."""
        key = (doc.id, sentence.start, sentence.end)
        before = self._annotations.get(key)
        if before is None or before.is_note:
            return None
        after = None
        if before.note:
            extra = {k: v for k, v in before.extra.items() if k not in _TAG_KEYS}
            after = Annotation(
                doc=before.doc,
                start=before.start,
                end=before.end,
                quote=before.quote,
                label="",
                note=before.note,
                created=before.created,
                updated=now(),
                extra=extra,
            )
        return self._commit(Change(key, before, after, "clear"))

    def set_note(self, doc: Document, sentence: Sentence, note: str) -> Change | None:
        """Set the note of a sentence, tagged or not. An empty note on an untagged sentence
        removes its entry; a note on an untagged sentence adds one without a label."""
        key = (doc.id, sentence.start, sentence.end)
        before = self._annotations.get(key)
        if len(note) > MAX_NOTE_CHARS:
            raise ValueError(f"a note holds at most {MAX_NOTE_CHARS:,} characters")
        note = repair_surrogates(note)
        if not note.strip():
            note = ""  # blank is no note
        if before is None:
            if not note:
                return None
            stamp = now()
            after: Annotation | None = Annotation(
                doc=doc.id,
                start=sentence.start,
                end=sentence.end,
                quote=doc.sentence_text(sentence),
                label="",
                note=note,
                created=stamp,
                updated=stamp,
            )
        elif before.note == note:
            return None
        elif before.is_note and not note:
            after = None
        else:
            after = before.with_changes(note=note, updated=now())
        return self._commit(Change(key, before, after, "note"))

    def toggle_evidence(
        self, doc: Document, sentence: Sentence, ev_doc: Document, ev_sentence: Sentence
    ) -> Change:
        """Link (or unlink, if already linked) a sentence as evidence for the current tag."""
        key = (doc.id, sentence.start, sentence.end)
        before = self.annotation(key)
        if before is None:
            raise ValueError("tag the sentence before linking evidence")
        ev = Evidence(
            ev_doc.id, ev_sentence.start, ev_sentence.end, ev_doc.sentence_text(ev_sentence)
        )
        if ev in before.evidence:
            evidence = tuple(e for e in before.evidence if e != ev)
        else:
            evidence = before.evidence + (ev,)
        after = before.with_changes(evidence=evidence, updated=now())
        return self._commit(Change(key, before, after, "evidence"))

    def mark_header(self, key: str, value: Any) -> None:
        """A top-level key for the file (``blind = true``), written with the next save."""
        self.header_marks[key] = value
        self.store.extra[key] = value

    @contextlib.contextmanager
    def batch(self):
        """Changes made inside are one step of undo and redo (accept all agreed tags)."""
        self._batch = []
        try:
            yield
        finally:
            group, self._batch = self._batch, None
            if group:
                self._undo.append(group)

    def undo(self) -> Change | None:
        if not self._undo or self.read_only:
            return None
        entry = self._undo.pop()
        self._redo.append(entry)
        last = None
        for change in reversed(entry if isinstance(entry, list) else [entry]):
            inverse = Change(change.key, change.after, change.before, "undo")
            last = self._commit(inverse, record=False)
        return last

    def redo(self) -> Change | None:
        if not self._redo or self.read_only:
            return None
        entry = self._redo.pop()
        self._undo.append(entry)
        last = None
        for change in entry if isinstance(entry, list) else [entry]:
            last = self._commit(
                Change(change.key, change.before, change.after, "redo"), record=False
            )
        return last

    # ---------------------------------------------------------------- lifecycle

    def cursor(self) -> Cursor | None:
        return load_cursor(self.path)

    def remember_cursor(self, doc: Document, sentence: Sentence) -> None:
        """Keep the reviewer's place for the next opening. With a writer thread the file is
        written there, after any pending save: written here, its system calls would wait for
        the GIL while the writer serialises, delaying both the key and the save."""
        cursor = Cursor(doc.id, sentence.start)
        if self._writer is not None:
            self._writer.remember(cursor)
        else:
            save_cursor(self.path, cursor)

    def close(self, timeout: float = 10.0) -> None:
        """Write what is pending and let go of the file; calling it again does nothing.

        Never hangs: a writer still busy after ``timeout`` seconds (a stuck network disk) is
        abandoned rather than waited for, and no new write is started behind it."""
        if self._closed:
            return
        self._closed = True
        stuck = False
        if self._writer is not None:
            stuck = not self._writer.wait(timeout)
            self._writer.stop(0 if stuck else timeout)
            self._writer = None
        if self.unsaved and not self.read_only and not stuck:
            self._save()  # one last attempt after a failed write (the disk may have space now)
        self._lock.release()


class _Writer:
    """One thread that writes the newest snapshot; snapshots that arrive while it writes are
    coalesced, since each is the whole set. Nothing it meets can stop it: a failure is an
    outcome, reported like any other, and the next snapshot is written as usual."""

    def __init__(
        self,
        session: Session,
        on_written: Callable[[str], object],
        prime: Sequence[Annotation] = (),
        in_place: bool = False,
    ) -> None:
        self.session = session
        self.on_written = on_written
        # Rendered while the reviewer reads the first sentence, so the first tag in a big set
        # costs a join (milliseconds), not a serialisation of every annotation (most of a second).
        # ``in_place``: also ordered and encoded as the store's entries (``Store.prime``).
        self._prime = prime
        self._in_place = in_place
        self._pending: tuple[list[Annotation], int, Mapping[Key, Annotation | None] | None] | None
        self._pending = None
        # A save the UI thread handed to the helper itself (see submit): snapshot, generation.
        self._inflight: tuple[list[Annotation], int] | None = None
        self._replacer: Replacer | None = None
        self._cursor: Cursor | None = None
        self._busy = False
        # While priming, a change is queued for this thread, not handed to the helper by the
        # UI thread, which must not touch the store's entries before the prime is done.
        self._priming = True
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="reviewer-writer", daemon=True)
        self._thread.start()

    def submit(
        self,
        snapshot: list[Annotation],
        generation: int,
        delta: Mapping[Key, Annotation | None] | None,
    ) -> None:
        with self._cond:
            if (
                delta is not None
                and not self._save_queued()
                and not self._busy
                and not self._priming
                and self._replacer is not None
                and self.session._start_write(snapshot, delta, self._replacer)
            ):
                # Idle: the bytes went to the helper from this thread (a millisecond), so the
                # disk's work starts now, not when this thread next lets the writer run.
                self._inflight = (snapshot, generation)
                self._cond.notify_all()
                return
            if self._pending is not None:  # coalesced: the changes of both, the newer wins
                older = self._pending[2]
                delta = None if older is None or delta is None else {**older, **delta}
            self._pending = (snapshot, generation, delta)
            self._cond.notify_all()

    def remember(self, cursor: Cursor) -> None:
        with self._cond:
            self._cursor = cursor
            self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        with self._cond:
            return self._cond.wait_for(
                lambda: (
                    (not self._save_queued() and self._cursor is None and not self._busy)
                    or not self._thread.is_alive()
                ),
                timeout,
            )

    def _save_queued(self) -> bool:
        """A save waits for this thread: one the UI thread started, or a snapshot to write.
        Call with ``_cond`` held."""
        return self._inflight is not None or self._pending is not None

    def stop(self, timeout: float | None = None) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        # Saves replace the file from a helper process while it works (see replacer.py); this
        # thread keeps the bytes, so a helper that fails costs nothing but speed.
        replacer = Replacer()
        store = self.session.store
        store.replace_file = replacer.replace
        with self._cond:
            self._replacer = replacer
        try:
            self._serve(replacer)
        finally:
            with self._cond:
                self._replacer = None
            store.replace_file = replace_here
            replacer.close()

    def _serve(self, replacer: Replacer) -> None:
        with contextlib.suppress(Exception):  # an unwritable text is reported when saved
            if self._in_place:
                self.session.store.prime(self._prime)
            else:
                for a in self._prime:
                    rendered(a)
        self._prime = ()
        with self._cond:
            self._priming = False
        while True:
            with self._cond:
                while not self._save_queued() and self._cursor is None and not self._stopping:
                    self._cond.wait()
                if not self._save_queued() and self._cursor is None:
                    return
                # One save per turn: a newer snapshot waits until the started one is done.
                inflight, self._inflight = self._inflight, None
                pending = None
                if inflight is None:
                    pending, self._pending = self._pending, None
                cursor, self._cursor = self._cursor, None
                self._busy = True
            outcome = None
            if inflight is not None or pending is not None:
                try:
                    if inflight is not None:
                        outcome = self.session._finish_write(*inflight, replacer)
                    elif pending is not None:
                        outcome = self.session._write(*pending)
                except BaseException as exc:  # neither raises; belt and braces
                    self.session.save_error = f"cannot save ({type(exc).__name__}: {exc})"
                    outcome = FAILED
            if cursor is not None:
                with contextlib.suppress(Exception):  # best effort, like save_cursor itself
                    save_cursor(self.session.path, cursor)
            with self._cond:
                self._busy = False
                self._cond.notify_all()
            if outcome is not None:
                with contextlib.suppress(Exception):  # a closed screen must not stop the writer
                    self.on_written(outcome)


__all__ = ["Change", "MergeReport", "ReadOnlyError", "Session", "StoreError", "open_set"]
