"""Loading documents and splitting them into sentences with exact character offsets.

Every offset in the program indexes the document text exactly as decoded from the file (UTF-8,
a leading BOM removed, no newline translation), so ``text[start:end]`` is always the sentence.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .files import FileRefused, kind_of, read_regular
from .limits import MAX_DOCUMENT_BYTES, MAX_SENTENCE_CHARS
from .printable import has_lone_surrogate, repair_surrogates, shown_path
from .text import is_cased

DOCUMENT_SUFFIXES = (".txt", ".md", ".jsonl")

# --------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document: ``text[start:end]``; noise is shown but never a claim."""

    index: int
    start: int
    end: int
    noise: str = ""  # why this is not a claim; empty for a claim
    # A headline or section heading: a claim (shown, taggable, scored) that is never triaged
    # as a suspect.
    heading: bool = False

    @property
    def is_claim(self) -> bool:
        return not self.noise


class Document:
    """One document. Its sentences are split on first use (and kept): opening a large corpus
    reads every file but segments only the document shown; the rest is split in a worker."""

    __slots__ = ("id", "group", "title", "text", "_sentences")
    _sentences: tuple[Sentence, ...] | None

    id: str
    group: str
    title: str
    text: str

    def __init__(
        self,
        id: str,
        group: str,
        title: str,
        text: str,
        sentences: Sequence[Sentence] | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "id", id)
        set_(self, "group", group)
        set_(self, "title", title)
        set_(self, "text", text)
        set_(self, "_sentences", None if sentences is None else tuple(sentences))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Document is immutable ({name})")

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        found = self._sentences
        if found is None:
            # Two threads may both split it; the result is the same, either one is kept.
            found = tuple(segment(self.text))
            object.__setattr__(self, "_sentences", found)
        return found

    @property
    def segmented(self) -> bool:
        return self._sentences is not None

    def _key(self) -> tuple[str, str, str, str]:
        return (self.id, self.group, self.title, self.text)

    def __eq__(self, other: object) -> bool:
        # The sentences follow from the text: equal texts, equal documents.
        return isinstance(other, Document) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Document(id={self.id!r}, group={self.group!r}, {len(self.text)} chars)"

    def __reduce__(self):
        return (Document, (self.id, self.group, self.title, self.text, self._sentences))

    def sentence_text(self, sentence: Sentence) -> str:
        return self.text[sentence.start : sentence.end]

    @property
    def claims(self) -> tuple[Sentence, ...]:
        return tuple(s for s in self.sentences if s.is_claim)

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence that contains ``offset``, if any (binary search over sorted spans)."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s
        return None


@dataclass(frozen=True, slots=True)
class LoadProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Corpus:
    name: str
    documents: tuple[Document, ...]
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    _fingerprint: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({d.id: i for i, d in enumerate(self.documents)})

    def index_of(self, doc_id: str) -> int | None:
        """Position of a document in ``documents``, or None if it is not in the corpus."""
        return self._index.get(doc_id)

    def get(self, doc_id: str) -> Document | None:
        i = self._index.get(doc_id)
        return None if i is None else self.documents[i]

    @property
    def groups(self) -> dict[str, list[Document]]:
        out: dict[str, list[Document]] = {}
        for d in self.documents:
            out.setdefault(d.group, []).append(d)
        return out

    def fingerprint(self) -> str:
        """A hash of everything that determines the suspect scores: ids, groups and texts
        (computed once: the documents never change)."""
        found = self._fingerprint.get("")
        if found is None:
            found = self._fingerprint[""] = self._compute_fingerprint()
        return found

    def _compute_fingerprint(self) -> str:
        h = hashlib.sha256()
        for d in self.documents:
            for part in (d.id, d.group, d.text):
                b = part.encode("utf-8", "surrogatepass")
                h.update(len(b).to_bytes(8, "little"))
                h.update(b)
        return h.hexdigest()


@dataclass(frozen=True)
class LoadResult:
    corpus: Corpus
    problems: tuple[LoadProblem, ...]


# --------------------------------------------------------------------------------------------
# Loading


def decode_document(data: bytes) -> str:
    """Decode a document's bytes; raise ValueError with a one-line reason for bad input."""
    if not data.strip():
        raise ValueError("empty file")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ValueError(f"binary file (a NUL byte at offset {nul}), not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded)"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ValueError("empty file")
    return text


def _title_of(text: str, fallback: str) -> str:
    """The first line with something in it (a Markdown heading's marks stripped), else
    ``fallback``. Lines end at ``\r`` or ``\n``; found with ``find`` (memchr), not a regular
    expression that walks a long first line one character at a time."""
    pos, n = 0, len(text)
    while pos < n:
        end = text.find("\n", pos)
        if end < 0:
            end = n
        cr = text.find("\r", pos, end)
        if cr >= 0:
            end = cr
        line = text[pos:end].strip().lstrip("#").strip()
        if line:
            return line[:120]
        pos = end + 1
    return fallback


def _display(path: Path) -> str:
    """A path for messages: relative when shorter, undecodable bytes and controls made visible."""
    try:
        return shown_path(os.path.relpath(path))
    except ValueError:  # different drive on Windows
        return shown_path(path)


def _load_file(
    path: Path, rel: str, group: str, problems: list[LoadProblem]
) -> list[tuple[str, str, str, str]]:
    """(id, group, title, text) for each document in one file; problems are appended. The
    path for messages is worked out only for a problem (``relpath`` per file was a third of
    reading a corpus of small files)."""
    if has_lone_surrogate(rel):
        problems.append(
            LoadProblem(_display(path), "file name is not valid UTF-8; rename it to load it")
        )
        return []
    try:
        data = read_regular(path, MAX_DOCUMENT_BYTES)
    except FileRefused as exc:
        problems.append(LoadProblem(_display(path), f"{exc}; skipped"))
        return []
    except OSError as exc:
        problems.append(LoadProblem(_display(path), f"cannot read ({exc.strerror or exc})"))
        return []
    try:
        text = decode_document(data)
    except ValueError as exc:
        problems.append(LoadProblem(_display(path), str(exc)))
        return []
    if not path.name.lower().endswith(".jsonl"):
        return [(rel, group, _title_of(text, rel), text)]
    shown = _display(path)
    out = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{shown}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(LoadProblem(where, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            problems.append(LoadProblem(where, 'expected an object with a string "text" field'))
            continue
        body = obj["text"]
        if body.startswith("\ufeff"):
            body = body[1:]
        if not body.strip():
            problems.append(LoadProblem(where, "empty text"))
            continue
        if "\x00" in body:
            problems.append(LoadProblem(where, "text holds a NUL character; skipped"))
            continue
        doc_id = str(obj.get("id", f"{rel}#{lineno}"))
        title = str(obj.get("title") or _title_of(body, doc_id))
        sub = obj.get("group")
        if any(has_lone_surrogate(x) for x in (body, doc_id, title, str(sub or ""))):
            # A JSON escape such as "\ud83d" alone: it cannot be saved or printed as UTF-8.
            problems.append(
                LoadProblem(where, "lone surrogates (invalid \\u escapes) replaced by U+FFFD")
            )
            body, doc_id, title = map(repair_surrogates, (body, doc_id, title))
            sub = repair_surrogates(sub) if isinstance(sub, str) else sub
        doc_group = f"{group}/{sub}".strip("/") if isinstance(sub, str) and sub else group
        out.append((doc_id, doc_group, title, body))
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _walk(folder: Path, problems: list[LoadProblem]) -> list[tuple[Path, str, int]]:
    """The documents under ``folder``, as (file, its path below ``folder`` with "/", its size),
    folder by folder in name order, each folder's files before its sub-folders. Links that lead
    out of it are skipped, with one line each, so a planted ``outside.txt -> /etc/passwd`` is
    never read; links to folders are not followed; folders that cannot be listed are reported,
    never skipped silently. One ``scandir`` per folder tells files, folders and links apart
    without a system call per file (only a file's size costs one)."""
    files: list[tuple[Path, str, int]] = []
    root = folder.resolve()
    # Folders still to list, the next one last: a stack, not recursion, so a tree nested a
    # thousand folders deep is read like any other (os.walk recursed, and raised).
    todo: list[tuple[str | Path, str]] = [(folder, "")]
    while todo:
        where, prefix = todo.pop()
        try:
            with os.scandir(where) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            shown = _display(Path(exc.filename)) if exc.filename else _display(folder)
            problems.append(LoadProblem(shown, f"cannot read this folder ({exc.strerror or exc})"))
            continue
        folders: list[os.DirEntry[str]] = []
        documents: list[os.DirEntry[str]] = []
        for e in entries:
            try:
                is_dir = e.is_dir()  # follows a link, as os.walk does
            except OSError:
                is_dir = False
            (folders if is_dir else documents).append(e)
        below = []
        for e in folders:
            if e.name.startswith("."):
                continue
            if e.is_symlink():
                problems.append(
                    LoadProblem(_display(Path(e.path)), "a link to a folder; not followed")
                )
                continue
            below.append(e)
        for e in documents:
            name = e.name
            if name.startswith(".") or not name.lower().endswith(DOCUMENT_SUFFIXES):
                continue
            path = Path(e.path)
            if e.is_symlink() and not _inside(path.resolve(), root):
                problems.append(
                    LoadProblem(_display(path), "a link to a file outside the corpus; skipped")
                )
                continue
            try:
                size = e.stat().st_size
            except OSError:
                size = 0  # a dangling link: reading it says why
            files.append((path, prefix + name, size))
        todo.extend((e.path, f"{prefix}{e.name}/") for e in reversed(below))
    return files


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@dataclass
class CorpusReader:
    """A corpus planned but not yet read: its name, the files of each unit (a group folder,
    or the files directly in a root), and the problems met so far. ``units()`` reads one unit
    at a time, so scoring can start on the first group while the rest is being read."""

    name: str
    plan: list[tuple[str, list[tuple[Path, str, str]]]]  # (group, [(file, id, group)])
    problems: list[LoadProblem]
    total_bytes: int  # of every planned file: a measure of the work ahead
    documents_read: int = 0

    def units(self, by_group: bool = False) -> Iterator[list[Document]]:
        """The documents of each unit, in the order of the paths (or, ``by_group``, of the
        groups' names); a document id seen before is skipped with a problem, as in
        ``load_corpus``."""
        seen: set[str] = set()
        plan = sorted(self.plan, key=lambda unit: unit[0]) if by_group else self.plan
        for _, files in plan:
            documents = []
            for path, rel, group in files:
                for doc_id, doc_group, title, text in _load_file(path, rel, group, self.problems):
                    if doc_id in seen:
                        self.problems.append(
                            LoadProblem(doc_id, "duplicate document id; later copy skipped")
                        )
                        continue
                    seen.add(doc_id)
                    documents.append(Document(doc_id, doc_group, title, text))
            self.documents_read += len(documents)
            yield documents


def plan_corpus(paths: Sequence[str | os.PathLike[str]]) -> CorpusReader:
    """Find the documents of ``paths`` (folders and files) without reading them yet."""
    problems: list[LoadProblem] = []
    roots: list[tuple[Path, list[Path] | None]] = []  # (root folder, explicit files or None)
    for raw in paths:
        p = Path(raw)
        try:
            mode = os.stat(p).st_mode
        except OSError as exc:
            why = (
                "no such file or folder"
                if isinstance(exc, FileNotFoundError)
                else (f"cannot read ({exc.strerror or exc})")
            )
            problems.append(LoadProblem(shown_path(raw), why))
            continue
        if stat.S_ISDIR(mode):
            roots.append((p, None))
        elif stat.S_ISREG(mode):
            parent = p.parent
            for r, files in roots:
                if files is not None and r.resolve() == parent.resolve():
                    files.append(p)
                    break
            else:
                roots.append((parent, [p]))
        else:
            problems.append(LoadProblem(shown_path(raw), f"{kind_of(mode)}, not a document"))

    multi = len(roots) > 1
    plan: list[tuple[str, list[tuple[Path, str, str]]]] = []
    total = 0
    for root, explicit in roots:
        before = len(problems)
        if explicit is not None:
            found = [(f, f.relative_to(root).as_posix(), _size(f)) for f in explicit]
        else:
            found = _walk(root, problems)
        if explicit is None and not found and len(problems) == before:
            problems.append(
                LoadProblem(_display(root), "empty folder (no .txt, .md or .jsonl documents)")
            )
            continue
        prefix = (root.resolve().name or str(root)) if multi else ""
        for f, rel, size in found:
            parts = rel.split("/")
            group = parts[0] if len(parts) > 1 else ""
            if prefix:
                rel = f"{prefix}/{rel}"
                group = f"{prefix}/{group}".rstrip("/")
            # A group's files come one after another (the walk is depth-first, in order).
            if not plan or plan[-1][0] != group:
                plan.append((group, []))
            plan[-1][1].append((f, rel, group))
            total += size
    names = [(r.resolve().name or str(r)) for r, _ in roots]
    name = "+".join(dict.fromkeys(names)) if names else ""
    return CorpusReader(name, plan, problems, total)


def load_corpus(paths: Sequence[str | os.PathLike[str]]) -> LoadResult:
    """Load documents from folders and files. Bad files become problems; the rest still load.

    A folder's immediate sub-folders are groups; files directly in it form one group. With
    several roots, ids and groups are prefixed with the root's name so they stay unique.
    """
    reader = plan_corpus(paths)
    documents = [d for unit in reader.units() for d in unit]
    return LoadResult(Corpus(reader.name, tuple(documents)), tuple(reader.problems))


# --------------------------------------------------------------------------------------------
# Segmentation

_LINE = re.compile(r"[^\r\n]+")
_LIST_MARKER = re.compile(r"(?:\d{1,3}[.)]|[-*+•·▪●◦‣–])\s+")
_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")
_TERMINAL = ".!?。！？"
_CLOSERS = "\"'”’»)]"
# A boundary candidate: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY = re.compile(r"[.!?。！？]+[\"'”’»)\]]*(?=\s+(\S))|[。！？]+(?=\S)")
_ABBREVIATIONS = frozenset(
    """mr mrs ms mx dr prof st jr sr gen col lt sgt capt cmdr adm maj sen rep gov pres supt rev
    hon fr no nos vs etc al approx est fig inc ltd co corp dept univ assn bros jan feb mar apr
    jun jul aug sep sept oct nov dec mt ft ave blvd rd op vol pp ed eds cf""".split()
)


def _last_word(text: str, lo: int, hi: int) -> str:
    """The run of word characters and dots that ends ``text[lo:hi]`` (read from the end: a
    regex anchored at the end would retry at every position)."""
    i = hi
    while i > lo and (text[i - 1].isalnum() or text[i - 1] in "._"):
        i -= 1
    return text[i:hi]


_TIME_AGO = re.compile(
    r"^\d+\s+(?:second|minute|min|hour|hr|day|week|month|year)s?\s+ago$", re.IGNORECASE
)
_BYLINE = re.compile(r"^(?:by|posted|published|updated|written by|photo|image)\b[ :]", re.I)


_HIGH_RUN = re.compile(r"[\u0250-\U0010ffff]+")


def _script_counts(text: str) -> tuple[int, int]:
    """(Latin letters, other letters) in ``text``; other scripts live above U+024F."""
    other = sum(sum(map(str.isalpha, run)) for run in _HIGH_RUN.findall(text))
    if other == 0:
        return (1 if text else 0), 0  # all Latin: the exact count is never needed
    letters = sum(map(str.isalpha, text))
    return letters - other, other


def _foreign_share(line: str, dominant_latin: bool) -> float:
    latin, other = _script_counts(line)
    if not latin + other:
        return 0.0
    return (other if dominant_latin else latin) / (latin + other)


def _split_line(text: str, start: int, end: int, cased: bool = True) -> Iterable[tuple[int, int]]:
    """Sentence spans within one line, trimmed of surrounding whitespace. In a document without
    capitals (lowercased machine output) a sentence may start in lower case."""
    pos = start
    segment_text = text[start:end]
    for m in _BOUNDARY.finditer(segment_text):
        cut = start + m.end()
        nxt = m.group(1)
        if nxt is not None:
            if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘«([¿¡`" or not cased):
                continue
            # The word before the terminal punctuation: an abbreviation or an initial does not end
            # a sentence ("Dr. Smith", "John F. Kennedy", "the U.S. Senate").
            # Only the last word matters; looking further back would make long lines quadratic.
            if m.group().startswith(".") and not m.group().startswith(".."):
                word = _last_word(text, max(pos, start + m.start() - 40), start + m.start())
                bare = word.rstrip(".")
                if (
                    bare.lower() in _ABBREVIATIONS
                    or (len(bare) == 1 and bare.isalpha() and bare.isupper())
                    or "." in bare
                ):
                    continue
        yield pos, cut
        pos = cut
    if pos < end:
        yield pos, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _normal(s: str) -> str:
    return " ".join(_WORD.findall(s.casefold()))


_SHORT_LINE = 120  # characters; longer lines cannot be short furniture, so words go uncounted


def _line_noise(line: str, dominant_latin: bool, mixed_scripts: bool) -> str:
    """Why a whole line is not prose, or empty when it may hold claims.

    ``mixed_scripts`` is False when the document has letters of one script only: then no line
    can be in another language and the per-line count is skipped.
    """
    stripped = line.rstrip()
    if len(stripped) < _SHORT_LINE:
        words = _WORD.findall(line)
        if not words:
            return "no words"
        n_words = len(words)
    else:
        n_words = _SHORT_LINE  # a long line has many words, or is one we treat as prose
    if mixed_scripts and _foreign_share(line, dominant_latin) > 0.4:
        return "text in another language"
    if stripped.endswith(("...", "…")):
        return "truncated teaser"
    if _TIME_AGO.match(stripped):
        return "timestamp"
    ends_like_prose = stripped[-1] in _TERMINAL + _CLOSERS
    if _BYLINE.match(stripped) and n_words <= 8 and not ends_like_prose:
        return "byline"
    if n_words <= 4 and not ends_like_prose:
        return "page furniture (short line with no sentence punctuation)"
    return ""


def _capped(text: str, spans: Iterable[tuple[int, int]]) -> Iterable[tuple[int, int]]:
    """Spans no longer than MAX_SENTENCE_CHARS: a longer one (text without sentence
    punctuation) is cut at the last space before the limit, or at the limit if there is none,
    so one huge "sentence" cannot make every comparison with it slow."""
    for s, e in spans:
        while e - s > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", s + MAX_SENTENCE_CHARS // 2, s + MAX_SENTENCE_CHARS)
            if cut <= s:
                cut = s + MAX_SENTENCE_CHARS
            yield s, cut
            s = cut
        yield s, e


def segment(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with exact offsets, marking noise.

    Invariants (tested by property tests): spans are non-empty, in range, strictly increasing and
    non-overlapping, trimmed of whitespace, and ``text[start:end]`` is the sentence.
    """
    latin, other = _script_counts(text)
    dominant_latin = latin >= other
    mixed_scripts = latin > 0 and other > 0
    cased = is_cased(text)
    spans: list[tuple[int, int, str, bool]] = []
    seen_lines: set[str] = set()
    for lm in _LINE.finditer(text):
        ls, le = _trim(text, lm.start(), lm.end())
        if ls >= le:
            continue
        marker = _LIST_MARKER.match(text, ls, le)
        if marker and marker.end() < le:
            ls = marker.end()
        line = text[ls:le]
        noise = _line_noise(line, dominant_latin, mixed_scripts)
        # Repeated headlines are short; a long paragraph repeats only if repeated exactly.
        key = _normal(line) if len(line) < _SHORT_LINE else line
        if not noise and key in seen_lines:
            noise = "repeats an earlier line verbatim"
        if not noise:
            seen_lines.add(key)
        pieces = list(_capped(text, _split_line(text, ls, le, cased)))
        heading = not noise and len(pieces) == 1 and _is_heading(line, bool(marker))
        for s, e in pieces:
            s, e = _trim(text, s, e)
            if s >= e:
                continue
            why = noise
            if not why:
                sentence = text[s:e]
                if sentence.rstrip(_CLOSERS).endswith(("?", "？")):
                    why = "question"
                elif not _WORD.search(sentence):
                    why = "no words"
            spans.append((s, e, why, heading and not why))
    return [Sentence(i, s, e, why, head) for i, (s, e, why, head) in enumerate(spans)]


_HEADING_WORDS = (5, 25)  # fewer is page furniture, more is prose that lost its full stop


def _is_heading(line: str, listed: bool) -> bool:
    """A headline or section heading: a whole line of a few words without sentence punctuation
    ("Kestrel Bridge opens to traffic after five years of work"), or a Markdown heading.
    List items without a full stop are claims, not headings."""
    if line.startswith("#"):
        return True
    if listed or line.rstrip(_CLOSERS)[-1:] in _TERMINAL + ",;":
        return False
    return _HEADING_WORDS[0] <= len(_WORD.findall(line)) <= _HEADING_WORDS[1]
