"""Review state: the single source of truth for tags, notes and evidence, with undo and redo.

Every change is written to the annotator's TOML file before the call returns. When the write
fails (disk full, read-only folder) the change stays in memory, ``unsaved`` says so, and the
next change or ``retry_save()`` writes everything again: nothing is lost when space returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .corpus import Corpus, Document, Sentence
from .state import Cursor, FileLock, load_cursor, save_cursor
from .store import (
    LABELS,
    AnchorResult,
    Annotation,
    AnnotationSet,
    Evidence,
    Store,
    StoreError,
    StoreWriteError,
    anchor_all,
    load,
    now,
    remove_stale_temps,
)

Key = tuple[str, int, int]


class ReadOnlyError(Exception):
    pass


@dataclass(frozen=True)
class Change:
    key: Key
    before: Annotation | None
    after: Annotation | None
    action: str  # "tag", "clear", "note", "evidence", "undo", "redo"


def anchor_to(corpus: Corpus, annotations: Iterable[Annotation]) -> AnchorResult:
    """Re-anchor annotations to the documents as they are now. Only the documents that have
    annotations are looked at: a large corpus with few tags costs nothing extra at start-up."""
    items = list(annotations)
    texts: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for a in items:
        doc = corpus.get(a.doc) if a.doc not in texts else None
        if doc is not None:
            texts[a.doc] = (doc.text, [(s.start, s.end) for s in doc.sentences])
    return anchor_all(items, texts)


def open_set(path: Path) -> AnnotationSet | None:
    """The annotation set at ``path``, None if there is none yet; StoreError if unusable."""
    if not path.exists():
        return None
    return load(path)


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
        existing = open_set(annotation_file)  # StoreError propagates: never overwrite a bad file
        self.store = Store(
            annotation_file, annotator, corpus.name, existing.extra if existing else None
        )
        self._lock = FileLock(annotation_file)
        self.read_only = read_only
        if not read_only and use_lock and not self._lock.acquire():
            self.read_only = True
            self.messages.append(
                f"{annotation_file} is in use by another reviewer window; opened read-only"
            )
        if not self.read_only and annotation_file.parent.is_dir():
            remove_stale_temps(annotation_file)
        result = anchor_to(corpus, existing.annotations if existing else ())
        self._annotations: dict[Key, Annotation] = {a.key: a for a in result.anchored}
        self.orphans: tuple[Annotation, ...] = result.orphans
        if result.moved:
            self.messages.append(f"{result.moved} annotation(s) re-anchored to changed documents")
        if result.orphans:
            self.messages.append(
                f"{len(result.orphans)} annotation(s) could not be found in the documents "
                "(kept in the file, listed as orphaned)"
            )
        if existing and existing.corpus and existing.corpus != corpus.name:
            self.messages.append(
                f'{annotation_file} was made on corpus "{existing.corpus}", this is "{corpus.name}"'
            )
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self.unsaved = False
        self.save_error = ""
        self.listeners: list[Callable[[Change], None]] = []
        self._writer: _Writer | None = None

    # ---------------------------------------------------------------- queries

    def get(self, doc: Document, sentence: Sentence) -> Annotation | None:
        return self._annotations.get((doc.id, sentence.start, sentence.end))

    def annotation(self, key: Key) -> Annotation | None:
        return self._annotations.get(key)

    @property
    def count(self) -> int:
        return len(self._annotations)

    @property
    def annotations(self) -> list[Annotation]:
        return list(self._annotations.values())

    def tagged_count(self, doc: Document) -> int:
        return sum(1 for s in doc.sentences if (doc.id, s.start, s.end) in self._annotations)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) and not self.read_only

    @property
    def can_redo(self) -> bool:
        return bool(self._redo) and not self.read_only

    # ---------------------------------------------------------------- changes

    def _apply(self, key: Key, after: Annotation | None) -> None:
        if after is None:
            self._annotations.pop(key, None)
        else:
            self._annotations[key] = after

    def _commit(self, change: Change, *, record: bool = True) -> Change:
        if self.read_only:
            raise ReadOnlyError(f"{self.path} is open read-only")
        self._apply(change.key, change.after)
        if record:
            self._undo.append(change)
            self._redo.clear()
        self._save()
        for listener in self.listeners:
            listener(change)
        return change

    def _save(self) -> None:
        snapshot = list(self._annotations.values()) + list(self.orphans)
        if self._writer is not None:
            self.unsaved = True  # until the writer reports the file renamed into place
            self._writer.submit(snapshot)
            return
        self._write(snapshot)

    def _write(self, snapshot: list[Annotation]) -> bool:
        try:
            self.store.save(snapshot)
        except StoreWriteError as exc:
            self.unsaved = True
            self.save_error = str(exc)
            return False
        self.unsaved = False
        self.save_error = ""
        return True

    def write_in_background(self, on_written: Callable[[bool], object]) -> None:
        """Save from a writer thread from now on: a change returns at once, and the newest state
        is written (atomically, as ever) a few milliseconds later. ``on_written(ok)`` is called
        from the writer thread after each write."""
        self._writer = _Writer(self, on_written)

    def flush(self) -> None:
        """Wait until everything handed to the writer is on disk (or has failed)."""
        if self._writer is not None:
            self._writer.wait()

    def retry_save(self) -> bool:
        """Write again after a failed save; True when everything is on disk (with a background
        writer: when the retry has been handed over; its outcome is reported as usual)."""
        if self.unsaved and not self.read_only:
            self._save()
        return not self.unsaved

    def tag(
        self,
        doc: Document,
        sentence: Sentence,
        label: str,
        suspicion: float | None = None,
        votes: dict[str, str] | None = None,
    ) -> Change | None:
        """Tag a sentence; ``votes`` (adjudication) records each annotator's label with it."""
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}")
        key = (doc.id, sentence.start, sentence.end)
        before = self._annotations.get(key)
        stamp = now()
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
                extra={"votes": dict(votes)} if votes else {},
            )
        elif before.label == label:
            return None
        else:
            after = before.with_changes(label=label, updated=stamp)
            if votes:
                after = after.with_changes(extra={**before.extra, "votes": dict(votes)})
        return self._commit(Change(key, before, after, "tag"))

    def clear(self, doc: Document, sentence: Sentence) -> Change | None:
        key = (doc.id, sentence.start, sentence.end)
        before = self._annotations.get(key)
        if before is None:
            return None
        return self._commit(Change(key, before, None, "clear"))

    def set_note(self, doc: Document, sentence: Sentence, note: str) -> Change | None:
        """Set the note; on an untagged sentence this needs a tag first (ValueError)."""
        key = (doc.id, sentence.start, sentence.end)
        before = self._annotations.get(key)
        if before is None:
            raise ValueError("tag the sentence before adding a note")
        if before.note == note:
            return None
        return self._commit(
            Change(key, before, before.with_changes(note=note, updated=now()), "note")
        )

    def toggle_evidence(
        self, doc: Document, sentence: Sentence, ev_doc: Document, ev_sentence: Sentence
    ) -> Change:
        """Link (or unlink, if already linked) a sentence as evidence for the current tag."""
        key = (doc.id, sentence.start, sentence.end)
        before = self._annotations.get(key)
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

    def undo(self) -> Change | None:
        if not self._undo or self.read_only:
            return None
        change = self._undo.pop()
        self._redo.append(change)
        return self._commit(Change(change.key, change.after, change.before, "undo"), record=False)

    def redo(self) -> Change | None:
        if not self._redo or self.read_only:
            return None
        change = self._redo.pop()
        self._undo.append(change)
        return self._commit(Change(change.key, change.before, change.after, "redo"), record=False)

    # ---------------------------------------------------------------- lifecycle

    def cursor(self) -> Cursor | None:
        return load_cursor(self.path)

    def remember_cursor(self, doc: Document, sentence: Sentence) -> None:
        save_cursor(self.path, Cursor(doc.id, sentence.start))

    def close(self) -> None:
        self.flush()
        if self._writer is not None:
            self._writer.stop()
            self._writer = None
        if self.unsaved and not self.read_only:
            self._save()
        self._lock.release()


class _Writer:
    """One thread that writes the newest snapshot; snapshots that arrive while it writes are
    coalesced, since each is the whole set."""

    def __init__(self, session: Session, on_written: Callable[[bool], object]) -> None:
        self.session = session
        self.on_written = on_written
        self._pending: list[Annotation] | None = None
        self._busy = False
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="reviewer-writer", daemon=True)
        self._thread.start()

    def submit(self, snapshot: list[Annotation]) -> None:
        with self._cond:
            self._pending = snapshot
            self._cond.notify_all()

    def wait(self) -> None:
        with self._cond:
            while self._pending is not None or self._busy:
                self._cond.wait()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._pending is None:
                    return
                snapshot, self._pending = self._pending, None
                self._busy = True
            ok = self.session._write(snapshot)
            with self._cond:
                self._busy = False
                if self._pending is not None:
                    self.session.unsaved = True  # a newer state is still on its way
                self._cond.notify_all()
            self.on_written(ok)


__all__ = ["Change", "ReadOnlyError", "Session", "StoreError", "open_set"]
