"""The suspect engine: score each claim sentence by checking it against the other documents.

Per group of documents about one event:

1. Tokenise every claim into typed content tokens (numbers, weekdays, months, names, roles,
   superlatives, ordinary words; see ``text.py``).
2. Support of a token = how many *other* documents use it. A word that only the sentence's own
   document uses never counts as support.
3. Candidate matches come from an inverted index over each sentence's rarest tokens, with a
   bounded amount of work per sentence, so cost grows with the input, not with its square.
   Only candidates are compared exactly (weighted token overlap and rapidfuzz).
4. Close matches are aligned token by token; a different number, weekday, month, year, name or
   title in the same place is a conflict. Typed slots (a number with the same unit, a weekday)
   are compared in looser matches too.
5. The score blends how surprising the sentence's tokens are to the other documents, its
   unsupported checkable details, its conflicts and how far its best match is. Sentences without
   a checkable detail (opinion) are damped.
"""

from __future__ import annotations

import gc
import heapq
import math
import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .corpus import Corpus, Document, Sentence
from .jsonlines import jsonl_line
from .text import (
    CHECKABLE,
    DAY,
    MONTH,
    NAME,
    NUM,
    ROLE,
    SUPER,
    WORD,
    Token,
    capitalised_mid_sentence,
    lower_words,
    name_phrases,
    quotes,
    tokenize,
)

T = TypeVar("T")
R = TypeVar("R")

ENGINE_VERSION = "1"
KINDS = ("conflict", "unsupported", "corroborated", "opinion", "unchecked")
MAX_EVIDENCE = 5
_CANDIDATE_TOKENS = 8  # rarest tokens of a sentence used to find candidates
_POSTING_BUDGET = 400  # postings walked per sentence at most: bounds work in dense groups
_EXACT_CANDIDATES = 12  # candidates compared exactly per sentence
_COMPARED = 6  # best matches (one per document) checked for conflicts and fuzzy similarity
_QUANTITY_EVIDENCE = 4  # sentences found through the quantity index compared and shown at most
_MATCH_FLOOR = 0.25  # below this a sentence is not evidence of anything


@dataclass(frozen=True, slots=True)
class Match:
    doc: str
    start: int
    end: int
    text: str
    similarity: float
    stance: str  # "agrees", "conflicts" or "related"

    def to_json(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "similarity": round(self.similarity, 4),
            "stance": self.stance,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    group: str
    doc: str
    start: int
    end: int
    text: str
    score: float
    kind: str
    reasons: tuple[str, ...]
    evidence: tuple[Match, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "doc": self.doc,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 6),
            "kind": self.kind,
            "reasons": list(self.reasons),
            "evidence": [m.to_json() for m in self.evidence],
        }


@dataclass(slots=True)
class _Unit:
    doc: int
    sentence: Sentence
    text: str
    tokens: list[Token]
    norms: frozenset[str]
    weight: float = 0.0  # sum of token weights, for normalised overlap
    # Computed once per sentence, not once per comparison:
    lower: str = ""
    days: list[Token] = field(default_factory=list)
    months: list[Token] = field(default_factory=list)
    measures: dict[str, list[Token]] = field(default_factory=dict)  # unit -> numbers

    def __post_init__(self) -> None:
        self.lower = self.text.lower()
        self.days = [t for t in self.tokens if t.kind & DAY]
        self.months = [t for t in self.tokens if t.kind & MONTH]
        for t in self.tokens:
            if t.kind & NUM and t.unit:
                self.measures.setdefault(t.unit, []).append(t)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _surface(u: _Unit, toks: Sequence[Token]) -> str:
    text = u.text[toks[0].start : toks[-1].end]
    return text[:-2] if text.endswith(("'s", "’s")) else text


class _Group:
    """The index and statistics of one group, built once and shared by its sentences."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.docs = docs
        self.n = len(docs)
        seen: set[str] = set()
        upper: set[str] = set()  # words capitalised mid-sentence somewhere in the group
        for d in docs:
            seen |= lower_words(d.text)
            for s in d.sentences:
                if s.is_claim:
                    upper |= capitalised_mid_sentence(d.text[s.start : s.end])
        self.units: list[_Unit] = []
        doc_norms: list[set[str]] = [set() for _ in docs]
        for i, d in enumerate(docs):
            for s in d.sentences:
                if not s.is_claim:
                    continue
                text = d.text[s.start : s.end]
                toks = tokenize(text, seen, upper)
                norms = frozenset(t.norm for t in toks)
                doc_norms[i] |= norms
                self.units.append(_Unit(i, s, text, toks, norms))
        self.doc_norms = doc_norms
        self.df: Counter[str] = Counter()
        for vocabulary in doc_norms:
            self.df.update(vocabulary)
        # Inverse document frequency within the group: topic words everyone uses weigh little.
        self.idf = {t: math.log(1.0 + self.n / c) for t, c in self.df.items()}
        self.postings: dict[str, list[int]] = defaultdict(list)
        # Quantities by (unit, a word after it): "three-day state visit" meets "four-day visit"
        # wherever each sits, without comparing every sentence with every other.
        self.quantities: dict[tuple[str, str], list[tuple[int, Token]]] = defaultdict(list)
        for uid, u in enumerate(self.units):
            u.weight = math.fsum(self.idf[t] for t in u.norms)  # fsum: order-independent
            for t in u.norms:
                self.postings[t].append(uid)
            for tok, slot, context in quantity_contexts(u.tokens):
                for word in context:
                    self.quantities[(slot, word)].append((uid, tok))
        self.posting_len = {t: len(p) for t, p in self.postings.items()}
        # Surprise of a token that k other documents use: 1 when none does, 0 when all do.
        log_others = math.log(self.n)
        self.surprise = [math.log(self.n / (k + 1.0)) / log_others for k in range(self.n)]

    def support(self, unit: _Unit, norm: str) -> int:
        """Other documents that use ``norm`` (the unit's own document never counts)."""
        return self.df.get(norm, 0) - (1 if norm in self.doc_norms[unit.doc] else 0)

    def candidates(self, uid: int) -> list[tuple[float, int]]:
        """(similarity, unit id) of the best sentence in each other document, best first."""
        u = self.units[uid]
        # Rarest first, ties by token: two stable C-level sorts instead of a Python key.
        rare = sorted(sorted(u.norms), key=self.posting_len.__getitem__)
        acc: dict[int, float] = defaultdict(float)
        walked = used = 0
        for t in rare:
            plist = self.postings[t]
            if len(plist) <= 1:
                continue  # only this sentence uses it
            if walked + len(plist) > _POSTING_BUDGET and used:
                break
            w = self.idf[t]
            for other in plist:
                if self.units[other].doc != u.doc:
                    acc[other] += w
            walked += len(plist)
            used += 1
            if used >= _CANDIDATE_TOKENS:
                break
        if not acc:
            return []
        # nlargest is stable, and acc was filled in a fixed order: ties resolve the same every run.
        top = heapq.nlargest(_EXACT_CANDIDATES, acc.items(), key=itemgetter(1))
        best: dict[int, tuple[float, int]] = {}
        for other, _ in top:
            o = self.units[other]
            sim = _cosine(u, o, self.idf)
            if not sim:
                continue
            prev = best.get(o.doc)
            if prev is None or sim > prev[0]:
                best[o.doc] = (sim, other)
        return sorted(best.values(), key=lambda x: (-x[0], x[1]))


def _cosine(u: _Unit, o: _Unit, idf: dict[str, float]) -> float:
    """IDF-weighted overlap of two sentences' content tokens, in [0, 1]."""
    shared = u.norms & o.norms
    if not shared or not u.weight or not o.weight:
        return 0.0
    return math.fsum(idf[t] for t in shared) / math.sqrt(u.weight * o.weight)


# --------------------------------------------------------------------------------------------
# Conflicts


@dataclass
class _Conflicts:
    # own surface -> other surface -> documents that say the other thing
    found: dict[str, dict[str, set[int]]]
    own_norm: dict[str, str]

    def add(self, own: str, own_norm: str, other: str, doc: int) -> None:
        self.found.setdefault(own, {}).setdefault(other, set()).add(doc)
        self.own_norm[own] = own_norm


def quantity_contexts(tokens: Sequence[Token]) -> list[tuple[Token, str, set[str]]]:
    """Slots that can be compared across sentences: (token, slot, context words).

    Numbers with a unit (not years) use the unit as slot and the two words after it as context
    ("three-day state visit"); weekdays and months use the ordinary words around them
    ("parade on Friday"), so that "Thursday's parade" meets them.
    """
    out = []
    for i, t in enumerate(tokens):
        if t.kind & NUM and t.unit and t.unit not in ("year", "%"):
            rest = tokens[i + 1 : i + 4]
            if rest and rest[0].norm == t.unit:
                rest = rest[1:]
            context = {x.norm for x in rest[:2] if not x.kind & NUM}
            if context:
                out.append((t, t.unit, context))
        elif t.kind & (DAY | MONTH):
            before = [x for x in tokens[max(0, i - 4) : i] if x.kind == WORD][-2:]
            after = [x for x in tokens[i + 1 : i + 5] if x.kind == WORD][:2]
            context = {x.norm for x in before + after}
            if context:
                out.append((t, "@day" if t.kind & DAY else "@month", context))
    return out


def _quantity_conflicts(g: _Group, uid: int, out: _Conflicts) -> list[int]:
    """Documents giving another number (or day) for the same slot in the same context.

    Every such document is counted, but only a few of its sentences are returned to be compared
    and shown as evidence: in a dense group hundreds of sentences can share a slot.
    """
    u = g.units[uid]
    hits: set[int] = set()
    for tok, slot, context in quantity_contexts(u.tokens):
        same_value_docs: set[int] = set()
        different: dict[int, tuple[int, Token]] = {}  # other document -> first such sentence
        for word in sorted(context):
            for other, otok in g.quantities.get((slot, word), ()):
                odoc = g.units[other].doc
                if odoc == u.doc:
                    continue
                if otok.norm == tok.norm:
                    same_value_docs.add(odoc)
                elif odoc not in different:
                    different[odoc] = (other, otok)
        own = _surface(u, [tok])
        for odoc, (other, otok) in different.items():
            if odoc not in same_value_docs:
                out.add(own, tok.norm, _surface(g.units[other], [otok]), odoc)
                hits.add(other)
    return sorted(hits)[:_QUANTITY_EVIDENCE]


def _slot_conflicts(u: _Unit, o: _Unit, sim: float, out: _Conflicts) -> bool:
    found = False
    # Weekdays and months: a sentence about the same thing on another day.
    for mine, theirs in ((u.days, o.days), (u.months, o.months)):
        if mine and theirs and not ({t.norm for t in mine} & {t.norm for t in theirs}):
            out.add(_surface(u, [mine[0]]), mine[0].norm, _surface(o, [theirs[0]]), o.doc)
            found = True
    if sim < 0.4:
        return found
    # Numbers of the same unit ("four-day" vs "five-day", "9,000 troops" vs "12,000 troops").
    for unit, numbers in u.measures.items():
        given = o.measures.get(unit)
        if not given or (unit == "year" and sim < 0.45):
            continue
        for t in numbers:
            if all(x.norm != t.norm for x in given):
                out.add(_surface(u, [t]), t.norm, _surface(o, [given[0]]), o.doc)
                found = True
    return found


_ALIGNED = NUM | NAME | ROLE | DAY | MONTH


def _aligned_conflicts(u: _Unit, o: _Unit, other_doc_norms: set[str], out: _Conflicts) -> bool:
    """In near-paraphrases, a detail replaced by another of the same kind is a conflict."""
    found = False
    a = [t.norm for t in u.tokens]
    b = [t.norm for t in o.tokens]
    for op in Levenshtein.opcodes(a, b):
        if op.tag != "replace":
            continue
        mine = u.tokens[op.src_start : op.src_end]
        theirs = o.tokens[op.dest_start : op.dest_end]
        if len(mine) > 3 or len(theirs) > 3:
            continue
        for kind in (NUM, NAME, ROLE, DAY, MONTH):
            m = [t for t in mine if t.kind & kind]
            th = [t for t in theirs if t.kind & kind]
            if not m or not th or {t.norm for t in m} & {t.norm for t in th}:
                continue
            # A name the other document uses elsewhere is a rewording, not a different name.
            if kind & (NAME | ROLE) and all(t.norm in other_doc_norms for t in m):
                continue
            if kind & NUM and any(t.norm == x.norm for t in m for x in o.tokens):
                continue
            out.add(_surface(u, m), m[0].norm, _surface(o, th), o.doc)
            found = True
            break
    return found


# --------------------------------------------------------------------------------------------
# Scoring


def _kind_weight(tok: Token) -> float:
    if tok.kind & CHECKABLE:
        return 1.0
    if tok.kind & ROLE:
        return 0.8
    return 0.6


def _assess_unit(g: _Group, uid: int, group_name: str) -> Assessment:
    u = g.units[uid]
    doc = g.docs[u.doc]
    others = g.n - 1
    reasons: list[str] = []

    # Support of each token: its own document always uses it, so other documents = df - 1.
    df = g.df
    support = {t.norm: df[t.norm] - 1 for t in u.tokens}
    surprises = [(g.surprise[support[t.norm]], t) for t in u.tokens]

    # Candidate matches and conflicts.
    cands = g.candidates(uid)
    conflicts = _Conflicts({}, {})
    quantity_hits = _quantity_conflicts(g, uid, conflicts)
    stance_of: dict[int, str] = {}
    matches: list[tuple[float, int]] = []
    compared = cands[:_COMPARED]
    listed = {other for _, other in compared}
    compared += [(_cosine(u, g.units[o], g.idf), o) for o in quantity_hits if o not in listed]
    for cos, other in compared:
        o = g.units[other]
        fz = fuzz.token_set_ratio(u.lower, o.lower) / 100.0
        sim = 0.6 * cos + 0.4 * fz
        if sim < _MATCH_FLOOR and other not in quantity_hits:
            continue
        matches.append((sim, other))
        hit = other in quantity_hits
        if sim >= 0.3:
            hit = _slot_conflicts(u, o, sim, conflicts) or hit
        if sim >= 0.45:
            hit = _aligned_conflicts(u, o, g.doc_norms[o.doc], conflicts) or hit
        stance_of[other] = "conflicts" if hit else ("agrees" if sim >= 0.5 else "related")
    matches.sort(key=lambda x: (-x[0], x[1]))
    best_sim = matches[0][0] if matches else 0.0

    conflict_strength = 0.0
    for own, alternatives in sorted(conflicts.found.items()):
        docs_against = set().union(*alternatives.values())
        backing = support.get(conflicts.own_norm[own], 0)
        strength = len(docs_against) / (len(docs_against) + backing)
        conflict_strength = max(conflict_strength, strength)
        top_other, top_docs = max(alternatives.items(), key=lambda kv: (len(kv[1]), kv[0]))
        reasons.append(
            f'says "{own}"; {_plural(len(top_docs), "other document")} '
            f'{"says" if len(top_docs) == 1 else "say"} "{top_other}"'
            + (
                f" ({_plural(backing, 'other')} agree{'s' if backing == 1 else ''})"
                if backing
                else ""
            )
        )

    # Unsupported checkable details; a name is new when its last word (the surname, the head
    # of "Carnegie Russia Eurasia Center") appears in no other document.
    unsupported_detail = False
    details: list[str] = []
    for phrase, toks in name_phrases(u.text, u.tokens):
        if support[toks[-1].norm] == 0:
            details.append(f'names "{phrase}"')
    for t in u.tokens:
        surface = u.text[t.start : t.end]
        if support[t.norm] > 0 or any(f'"{surface}' in d for d in details):
            continue
        if t.kind & (NUM | DAY | MONTH):
            details.append(f'{"mentions" if t.kind & NUM else "says"} "{surface}"')
        elif t.kind & SUPER:
            details.append(f'claims "{surface}"')
    if details:
        unsupported_detail = True
        shown = details[:3]
        more = f" (and {len(details) - 3} more details)" if len(details) > 3 else ""
        if len(shown) == 1:
            reasons.append(f"{shown[0]}; no other document does")
        else:
            reasons.append(f"{', '.join(shown)}{more}: no other document has these")
    quote_gap = 0.0
    quoted = quotes(u.text)
    for _, _, body in quoted:
        qt = [t.norm for t in tokenize(body)]
        if not qt:
            continue
        covered = sum(1 for t in qt if g.support(u, t) > 0) / len(qt)
        best_quote = max(
            (fuzz.partial_ratio(body.lower(), g.units[o].lower) for _, o in matches[:5]),
            default=0.0,
        )
        if best_quote < 80 and covered < 0.6:
            quote_gap = max(quote_gap, 1.0 - covered)
            unsupported_detail = True
            reasons.append("quote appears in no other document")

    checkable = any(t.kind & CHECKABLE for t in u.tokens) or bool(quoted)
    weights = [_kind_weight(t) for _, t in surprises]
    if surprises:
        peak = max(w * s for w, (s, _) in zip(weights, surprises, strict=True))
        mean = sum(w * s for w, (s, _) in zip(weights, surprises, strict=True)) / sum(weights)
    else:
        peak = mean = 0.0
    base = 0.45 * peak + 0.35 * mean + 0.2 * (1.0 - best_sim)
    base = max(base, 0.6 * quote_gap + 0.4 * base)
    score = 1.0 - (1.0 - base) * (1.0 - 0.85 * conflict_strength)
    if not checkable:
        score *= 0.6

    if conflict_strength > 0.5:
        kind = "conflict"
    elif not checkable:
        kind = "opinion"
        reasons.append("no checkable detail (opinion or framing)")
    elif unsupported_detail or mean >= 0.6:
        kind = "unsupported"
        if not reasons:
            reasons.append("most of its content appears in no other document")
    else:
        kind = "corroborated"
        backing_docs = len({g.units[o].doc for _, o in matches})
        reasons.append(
            f"close to sentences in {backing_docs} of {_plural(others, 'other document')}"
            if backing_docs
            else "its details appear in other documents"
        )
    if not matches and kind != "opinion":
        reasons.append("no other document has a similar sentence")

    evidence = tuple(
        Match(
            g.docs[g.units[o].doc].id,
            g.units[o].sentence.start,
            g.units[o].sentence.end,
            g.units[o].text,
            sim,
            stance_of[o],
        )
        for sim, o in matches[:MAX_EVIDENCE]
    )
    return Assessment(
        group_name,
        doc.id,
        u.sentence.start,
        u.sentence.end,
        u.text,
        min(1.0, max(0.0, score)),
        kind,
        tuple(reasons),
        evidence,
    )


def assess_group(docs: Sequence[Document]) -> list[Assessment]:
    """Assessments of every claim of every document in one group, in document order."""
    if not docs:
        return []
    group_name = docs[0].group
    if len(docs) == 1:
        d = docs[0]
        return [
            Assessment(
                group_name,
                d.id,
                s.start,
                s.end,
                d.text[s.start : s.end],
                0.0,
                "unchecked",
                ("only document in its group: nothing to check against",),
                (),
            )
            for s in d.sentences
            if s.is_claim
        ]
    # Scoring allocates many small objects and no cycles; the cyclic collector only costs time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        g = _Group(docs)
        return [_assess_unit(g, uid, group_name) for uid in range(len(g.units))]
    finally:
        if was_enabled:
            gc.enable()


Compact = tuple[str, str, int, int, float, str, tuple[str, ...], tuple[tuple[Any, ...], ...]]


class Scored(NamedTuple):
    """What a screen needs of every sentence (score and kind) plus the compact row from which
    the full assessment (reasons, evidence with texts) is expanded when it is shown."""

    score: float
    kind: str
    row: Compact


def scored(rows: Sequence[Compact]) -> list[Scored]:
    return [Scored(r[4], r[5], r) for r in rows]


def assess_corpus_compact(
    corpus: Corpus,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[Compact]]:
    """``assess_corpus`` without texts: nothing is expanded that nobody looks at."""
    return _groups_in_order(
        corpus, _assess_group_compact, _assess_group_compact, _same, progress, workers
    )


def compact(assessments: Sequence[Assessment]) -> list[Compact]:
    """Assessments without their texts (whoever has the corpus can slice them again)."""
    return [
        (
            a.group,
            a.doc,
            a.start,
            a.end,
            a.score,
            a.kind,
            a.reasons,
            tuple((m.doc, m.start, m.end, m.similarity, m.stance) for m in a.evidence),
        )
        for a in assessments
    ]


def _assess_group_compact(docs: Sequence[Document]) -> list[Compact]:
    """``assess_group`` for worker processes: texts stay out of what crosses the boundary."""
    return compact(assess_group(docs))


def expand(corpus: Corpus, rows: list[Compact]) -> list[Assessment]:
    out = []
    for group, doc_id, start, end, score, kind, reasons, evidence in rows:
        text = corpus.get(doc_id).text  # type: ignore[union-attr]
        matches = tuple(
            Match(d, s, e, corpus.get(d).text[s:e], sim, stance)  # type: ignore[union-attr]
            for d, s, e, sim, stance in evidence
        )
        out.append(
            Assessment(group, doc_id, start, end, text[start:end], score, kind, reasons, matches)
        )
    return out


PARALLEL_FROM = 5_000  # claims; below this, starting worker processes costs more than it saves


def default_workers(claims: int) -> int:
    if claims < PARALLEL_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def prepare_workers(claims: int) -> None:
    """Start multiprocessing's resource tracker now, while stderr is the real one.

    Started lazily, it passes ``sys.stderr.fileno()`` to its process; inside a TUI that captures
    stderr, that is not a usable file descriptor and starting worker processes fails.
    """
    if default_workers(claims) > 1:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()


def _groups_in_order(
    corpus: Corpus,
    local: Callable[[Sequence[Document]], list[T]],
    remote: Callable[[Sequence[Document]], list[R]],
    receive: Callable[[list[R]], list[T]],
    progress: Callable[[int, int], None] | None,
    workers: int | None,
) -> Iterator[list[T]]:
    """Run one function per group, in group order: ``local`` in this process, or ``remote`` in
    worker processes with ``receive`` turning its results into ``local``'s. ``progress(done,
    total)`` counts claims. Output does not depend on the number of workers."""
    groups = [docs for _, docs in sorted(corpus.groups.items())]
    total = sum(len(d.claims) for docs in groups for d in docs)
    n = default_workers(total) if workers is None else workers
    done = 0
    pool = None
    if n > 1 and len(groups) > 1:
        # "spawn": forking a process that runs threads (the app's workers) can deadlock it.
        try:
            pool = ProcessPoolExecutor(
                max_workers=n, mp_context=multiprocessing.get_context("spawn")
            )
            remote_results = pool.map(remote, groups, chunksize=max(1, len(groups) // (n * 16)))
        except (OSError, ValueError):
            pool = None  # no worker processes here (sandbox, captured stderr): one core it is
    if pool is None:
        for docs in groups:
            results = local(docs)
            done += len(results)
            if progress is not None:
                progress(done, total)
            yield results
        return
    with pool:
        for rows in remote_results:
            results = receive(rows)
            done += len(results)
            if progress is not None:
                progress(done, total)
            yield results


def assess_corpus(
    corpus: Corpus,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[Assessment]]:
    """Assess group by group, yielding each group's results in a fixed order; a large corpus
    is spread over worker processes (one per core)."""
    return _groups_in_order(
        corpus, assess_group, _assess_group_compact, partial(expand, corpus), progress, workers
    )


def _assess_group_jsonl(docs: Sequence[Document]) -> list[str]:
    return [jsonl_line(a.to_json()) for a in assess_group(docs)]


def assess_corpus_jsonl(
    corpus: Corpus,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[str]]:
    """``assess_corpus`` as JSON Lines, one string per claim. Workers encode the lines
    themselves, which keeps the parent from becoming the bottleneck on a large corpus."""
    return _groups_in_order(
        corpus, _assess_group_jsonl, _assess_group_jsonl, _same, progress, workers
    )


def _same(rows: list[R]) -> list[R]:
    return rows
