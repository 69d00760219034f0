"""The suspect engine: score each claim sentence by checking it against the other documents.

Per group of documents about one event:

1. Tokenise every claim into typed content tokens (numbers with their units, weekdays,
   months, names, roles, superlatives, citations, ordinary words; see ``text.py``), and find
   its facts: each checkable detail in its slot (see ``facts.py``).
2. Support of a token = how many *other* documents use it; of a word pair, how many other
   documents use the two words next to each other. A word that only the sentence's own
   document uses never counts as support.
3. Candidate matches come from an inverted index over each sentence's rarest tokens, with a
   bounded amount of work per sentence, so cost grows with the input, not with its square.
   Only candidates are compared exactly (weighted token overlap and rapidfuzz).
4. Facts are compared slot by slot: a fact conflicts with an *aligned* fact of another
   document (same unit, overlapping context) that gives another value, and is backed by one
   that gives the same value. A conflict weighs the sides: the minority is the suspect.
   Near-paraphrases are also aligned token by token (a different name in the same place),
   and two names the other document has the other way round around the same verb are a
   swapped role.
5. The score blends how surprising the sentence's words and word pairs are to the other
   documents, its unsupported checkable details, its conflicts and how far its best match is.
   Sentences without a checkable detail (opinion) rank below any with an unsupported detail.

Every reason comes with its evidence first in the list, and every unsupported detail with a
receipt: what was searched, that nothing was found, and the nearest thing that was.
"""

from __future__ import annotations

import gc
import heapq
import math
import multiprocessing
import os
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .corpus import Corpus, CorpusReader, Document, Sentence
from .facts import PERSON, YEAR, Fact, aligned, facts_of
from .jsonlines import encode_string as _s
from .jsonlines import safe_json_line
from .text import (
    CHECKABLE,
    CITE,
    DAY,
    MONTH,
    NAME,
    NUM,
    ROLE,
    SUPER,
    WORD,
    Lexicon,
    Token,
    citation,
    is_cased,
    is_title_case,
    name_phrases,
    quotes,
    split_words,
    tokenize,
)

T = TypeVar("T")
R = TypeVar("R")

ENGINE_VERSION = "2"
KINDS = ("conflict", "unsupported", "corroborated", "opinion", "unchecked", "heading")
MAX_EVIDENCE = 5
_CANDIDATE_TOKENS = 8  # rarest tokens of a sentence used to find candidates
_POSTING_BUDGET = 400  # postings walked per sentence at most: bounds work in dense groups
_FACT_BUDGET = 40  # aligned-fact postings walked per fact at most (counts beyond are sampled)
_MAX_CANDIDATES = 24  # other documents whose closest sentence is compared exactly, at most
_COMPARED = 6  # best matches (one per document) checked for conflicts and fuzzy similarity
_MATCH_FLOOR = 0.25  # below this a sentence is not evidence of anything
_PARAPHRASES = 3  # closest matches aligned token by token (names swapped in place)
_NEEDS_SIMILARITY = (PERSON, YEAR)  # facts whose alignment also asks how alike sentences are
OPINION_CAP = 0.45  # no sentence without a checkable detail scores above this...
DETAIL_FLOOR = 0.5  # ...and none with an unsupported detail below this
_KNEE = 0.05  # the bands near those bounds into which scores beyond them are compressed


class Match(NamedTuple):
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
class Receipt:
    """What was checked for one unsupported detail: ``searched`` other documents, ``found``
    none that has it; ``nearest`` is the closest thing that was found (a sentence), with
    ``note`` saying what it is ("names "Belousov" as defense minister")."""

    detail: str
    kind: str  # "name", "number", "date", "citation", "superlative", "quote"
    searched: int
    found: int
    nearest: Match | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "detail": self.detail,
            "kind": self.kind,
            "searched": self.searched,
            "found": self.found,
            "nearest": self.nearest.to_json() if self.nearest is not None else None,
            "note": self.note,
        }

    def line(self) -> str:
        """One line for the panel and the TOML file: what was checked, and what came closest.
        ('"Sergei Shoigu": searched 4 documents; none mentions it; 002.txt names "Andrei
        Belousov" as Defense Minister')."""
        text = f'"{self.detail}": searched {_plural(self.searched, "document")}; none mentions it'
        return f"{text}; {self.note}" if self.note else text


def receipt_table(r: Receipt) -> dict[str, Any]:
    """A receipt as a TOML table for an annotation: the line to read, and where the nearest
    thing found is (its text is in the corpus)."""
    table: dict[str, Any] = {"detail": r.detail, "searched": r.searched, "found": r.found}
    table["checked"] = r.line()
    if r.nearest is not None:
        table["nearest"] = {"doc": r.nearest.doc, "start": r.nearest.start, "end": r.nearest.end}
    return table


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
    receipts: tuple[Receipt, ...] = ()

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
            "receipts": [r.to_json() for r in self.receipts],
        }

    def json_line(self) -> str:
        """``jsonl_line(self.to_json())``, the same bytes, written without building the dicts
        first: ``suspects --json`` writes one per claim (a test checks they are equal)."""
        text = (
            f'{{"group": {_s(self.group)}, "doc": {_s(self.doc)}, "start": {self.start}, '
            f'"end": {self.end}, "text": {_s(self.text)}, "score": {_f(self.score, 6)}, '
            f'"kind": {_s(self.kind)}, "reasons": [{", ".join(map(_s, self.reasons))}], '
            f'"evidence": [{", ".join(map(_match_json, self.evidence))}], '
            f'"receipts": [{", ".join(map(_receipt_json, self.receipts))}]}}'
        )
        return safe_json_line(text)


def _f(x: float, digits: int) -> str:
    return float.__repr__(round(float(x), digits))


def _match_json(m: Match) -> str:
    return (
        f'{{"doc": {_s(m.doc)}, "start": {m.start}, "end": {m.end}, "text": {_s(m.text)}, '
        f'"similarity": {_f(m.similarity, 4)}, "stance": {_s(m.stance)}}}'
    )


def _receipt_json(r: Receipt) -> str:
    nearest = "null" if r.nearest is None else _match_json(r.nearest)
    return (
        f'{{"detail": {_s(r.detail)}, "kind": {_s(r.kind)}, "searched": {r.searched}, '
        f'"found": {r.found}, "nearest": {nearest}, "note": {_s(r.note)}}}'
    )


@dataclass(slots=True)
class _Unit:
    doc: int
    sentence: Sentence
    text: str
    tokens: list[Token]
    norms: frozenset[str]
    facts: list[Fact]
    norm_list: list[str]  # the tokens' norms in order, for token-by-token alignment
    names_roles: frozenset[str]  # norms of its name and role tokens
    bare_numbers: frozenset[str]  # norms of its numbers without a unit
    pairs: frozenset[str]  # adjacent content words, "a b": word order
    weight: float = 0.0  # sum of token weights, for normalised overlap
    lower: str = field(default="")

    def __post_init__(self) -> None:
        self.lower = self.text.lower()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _surface(u: _Unit, toks: Sequence[Token]) -> str:
    text = u.text[toks[0].start : toks[-1].end]
    return text[:-2] if text.endswith(("'s", "’s")) else text


def _pairs(tokens: Sequence[Token]) -> frozenset[str]:
    return frozenset(f"{a.norm} {b.norm}" for a, b in zip(tokens, tokens[1:], strict=False))


class _Group:
    """The index and statistics of one group, built once and shared by its sentences."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.docs = docs
        self.n = len(docs)
        # Each claim is split into words once, for the group's lexicon and for its tokens.
        split = []
        for d in docs:
            texts = [(s, d.text[s.start : s.end]) for s in d.sentences if s.is_claim]
            split.append((is_cased(d.text), [(s, text, split_words(text)) for s, text in texts]))
        lexicon = Lexicon.from_words(
            (text, words) for cased, claims in split if cased for _, text, words in claims
        )
        self.units: list[_Unit] = []
        doc_norms: list[set[str]] = [set() for _ in docs]
        doc_pairs: list[set[str]] = [set() for _ in docs]
        for i, (cased, claims) in enumerate(split):
            for s, text, words in claims:
                toks = tokenize(text, lexicon, cased, words)
                norms = frozenset(t.norm for t in toks)
                pairs = _pairs(toks)
                doc_norms[i] |= norms
                doc_pairs[i] |= pairs
                facts = facts_of(text, toks)
                norm_list = [t.norm for t in toks]
                names_roles = frozenset(t.norm for t in toks if t.kind & (NAME | ROLE))
                bare = frozenset(t.norm for t in toks if t.kind & NUM and not t.unit)
                self.units.append(
                    _Unit(i, s, text, toks, norms, facts, norm_list, names_roles, bare, pairs)
                )
        self.doc_norms = doc_norms
        self.df: Counter[str] = Counter()
        for vocabulary in doc_norms:
            self.df.update(vocabulary)
        self.pair_df: Counter[str] = Counter()
        for doc_pair_set in doc_pairs:
            self.pair_df.update(doc_pair_set)
        # Inverse document frequency within the group: topic words everyone uses weigh little.
        self.idf = {t: math.log(1.0 + self.n / c) for t, c in self.df.items()}
        self.postings: dict[str, list[int]] = defaultdict(list)
        # Facts by slot and context word: "three-day state visit" meets "four-day visit"
        # wherever each sits, without comparing every sentence with every other.
        self.fact_index: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
        self.slot_index: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        self.doc_units: list[list[int]] = [[] for _ in docs]
        self.unit_doc = [u.doc for u in self.units]
        for uid, u in enumerate(self.units):
            self.doc_units[u.doc].append(uid)
            u.weight = math.fsum(map(self.idf.__getitem__, u.norms))  # exact: order-free
            for t in u.norms:
                self.postings[t].append(uid)
            for k, f in enumerate(u.facts):
                self.slot_index[f.slot].append((uid, k))
                for word in f.context or ("",):
                    self.fact_index[(f.kind, f.unit, word)].append((uid, k))
                if f.context and (f.kind == PERSON or f.unit.startswith("other ")):
                    self.fact_index[(f.kind, f.unit, "")].append((uid, k))
        # Units are added document by document: each document's units are one range of ids.
        self.doc_range = [(ids[0], ids[-1] + 1) if ids else (0, 0) for ids in self.doc_units]
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
        # How many of the sentence's rarest words each other sentence shares: counted in C.
        shared: Counter[int] = Counter()
        walked = used = 0
        for t in rare:
            plist = self.postings[t]
            if len(plist) <= 1:
                continue  # only this sentence uses it
            if walked + len(plist) > _POSTING_BUDGET and used:
                break
            shared.update(plist)
            walked += len(plist)
            used += 1
            if used >= _CANDIDATE_TOKENS:
                break
        # The sentence of each other document that shares the most; a document's own
        # sentences are one range of ids. Counted in a fixed order, ties kept first: the same
        # every run. Only the best few overall are looked at per document.
        lo, hi = self.doc_range[u.doc]
        unit_doc = self.unit_doc
        per_doc: dict[int, tuple[int, int]] = {}
        # sorted is stable, as most_common is, and sorts in C.
        counted = sorted(shared.items(), key=itemgetter(1), reverse=True)
        for other, w in counted[: 3 * min(self.n, _MAX_CANDIDATES + 1)]:
            if lo <= other < hi:
                continue
            d = unit_doc[other]
            if d not in per_doc:
                per_doc[d] = (w, other)
        if len(per_doc) > _MAX_CANDIDATES:  # a dense group: the closest documents are enough
            per_doc = dict(
                heapq.nlargest(_MAX_CANDIDATES, per_doc.items(), key=lambda kv: kv[1][0])
            )
        best = []
        for _, other in per_doc.values():
            sim = _cosine(u, self.units[other], self.idf)
            if sim:
                best.append((sim, other))
        return sorted(best, key=lambda x: (-x[0], x[1]))

    def aligned_facts(self, uid: int, k: int) -> list[tuple[int, Fact]]:
        """Facts of other documents aligned with fact ``k`` of unit ``uid``: (unit id, fact),
        at most one walk of _FACT_BUDGET postings."""
        u = self.units[uid]
        f = u.facts[k]
        seen: set[tuple[int, int]] = set()
        out: list[tuple[int, Fact]] = []
        walked = 0
        keys = [(f.kind, f.unit, w) for w in sorted(f.context)]
        keys.append((f.kind, f.unit, ""))
        for key in keys:
            for other, j in self.fact_index.get(key, ()):
                walked += 1
                if walked > _FACT_BUDGET:
                    return out
                if (other, j) in seen or self.units[other].doc == u.doc:
                    continue
                seen.add((other, j))
                o = self.units[other]
                h = o.facts[j]
                # The common case needs no sentence similarity: overlapping context.
                if (f.context & h.context and f.kind not in _NEEDS_SIMILARITY) or aligned(
                    f, h, partial(_cosine, u, o, self.idf)
                ):
                    out.append((other, h))
        return out


def _cosine(u: _Unit, o: _Unit, idf: dict[str, float]) -> float:
    """IDF-weighted overlap of two sentences' content tokens, in [0, 1]."""
    shared = u.norms & o.norms
    if not shared or not u.weight or not o.weight:
        return 0.0
    # fsum is exact, so the sum does not depend on the set's order (nor on the hash seed).
    return math.fsum(map(idf.__getitem__, shared)) / math.sqrt(u.weight * o.weight)


# --------------------------------------------------------------------------------------------
# Conflicts


@dataclass
class _Side:
    """One of the sentence's details and what the other documents say about it."""

    surface: str
    role: str = ""  # for a person: the role it is named in ("Secretary of State")
    backing: dict[int, int] = field(default_factory=dict)  # document -> a sentence agreeing
    against: dict[str, dict[int, int]] = field(default_factory=dict)  # value -> doc -> sentence
    _against_docs: set[int] | None = None  # cached; every change goes through the adders

    def add_against(self, value: str, doc: int, uid: int) -> None:
        self.against.setdefault(value, {}).setdefault(doc, uid)
        self._against_docs = None

    def add_backing(self, doc: int, uid: int) -> None:
        """``uid`` -1: the document uses the value somewhere, with no sentence to show."""
        self.backing.setdefault(doc, uid)
        self._against_docs = None

    @property
    def against_docs(self) -> set[int]:
        """Documents that give another value and never this one: a document that says the
        same thing somewhere backs it, whatever else it says in that slot."""
        if self._against_docs is None:
            found = {d for docs in self.against.values() for d in docs}
            self._against_docs = found - self.backing.keys()
        return self._against_docs

    @property
    def margin(self) -> float:
        """How one-sided the disagreement is: 1 when every document that speaks of the slot
        says something else, near 0 when they split evenly."""
        against = len(self.against_docs)
        return (against - len(self.backing)) / (against + len(self.backing)) if against else 0.0

    @property
    def strength(self) -> float:
        """The share of the documents that speak of this slot and say something else: above
        one half, this sentence is the odd one out."""
        against = len(self.against_docs)
        return against / (against + len(self.backing)) if against else 0.0


def _fact_sides(g: _Group, uid: int) -> dict[str, _Side]:
    """Each fact of the sentence, compared slot by slot with aligned facts elsewhere."""
    u = g.units[uid]
    sides: dict[str, _Side] = {}
    for k, f in enumerate(u.facts):
        side = sides.setdefault(f.surface, _Side(f.surface, f.about if f.kind == PERSON else ""))
        for other, h in g.aligned_facts(uid, k):
            odoc = g.units[other].doc
            if h.value == f.value:
                side.add_backing(odoc, other)
            else:
                side.add_against(h.surface, odoc, other)
    return {s: side for s, side in sides.items() if side.against or side.backing}


_ALIGNED = NUM | NAME | ROLE | DAY | MONTH


def _aligned_conflicts(
    g: _Group, u: _Unit, other: int, sides: dict[str, _Side], slot_surfaces: set[str]
) -> bool:
    """In near-paraphrases, a name (or a number without a unit) replaced by another of the
    same kind is a conflict; numbers and dates with a slot are compared by their facts."""
    o = g.units[other]
    # Only a name or role the other document never uses, or a number without a unit the
    # other sentence lacks, can be reported below: most pairs have none, and skip the work.
    if all(n in g.doc_norms[o.doc] for n in u.names_roles) and u.bare_numbers <= o.norms:
        return False
    found = False
    for op in Levenshtein.opcodes(u.norm_list, o.norm_list):
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
            surface = _surface(u, m)
            if surface in slot_surfaces:
                continue  # its slot was compared already
            # A name the other document uses elsewhere is a rewording, not a different name.
            if kind & (NAME | ROLE) and all(t.norm in g.doc_norms[o.doc] for t in m):
                continue
            if kind & NUM and (
                any(t.unit for t in m) or any(t.norm == x.norm for t in m for x in o.tokens)
            ):
                continue
            side = sides.setdefault(surface, _Side(surface))
            side.add_against(_surface(o, th), o.doc, other)
            for d in range(g.n):
                if d != u.doc and d not in side.backing and m[0].norm in g.doc_norms[d]:
                    side.add_backing(d, -1)
            found = True
            break
    return found


_SWAP_REACH = 3  # a relation between two names: at most two content words between them


def _order(u: _Unit, a: str, b: str) -> set[str] | None:
    """The words between names ``a`` and ``b`` when ``a`` comes first in ``u``, else None."""
    pos = {t.norm: i for i, t in reversed(list(enumerate(u.tokens))) if t.kind & NAME}
    if a in pos and b in pos and pos[a] < pos[b]:
        return {t.norm for t in u.tokens[pos[a] + 1 : pos[b]] if t.kind & WORD}
    return None


def _swapped_roles(g: _Group, u: _Unit, other: int) -> tuple[str, str] | None:
    """Two names this sentence has in one order around a word that a near-paraphrase in
    another document has the other way round around the same word ("Smith shot Jones" /
    "Jones shot Smith"): a swapped role. Passives ("by"), plain lists ("Xi and Putin"), and
    documents that also have the same order somewhere are left alone."""
    o = g.units[other]
    if len(u.names_roles) < 2:
        return None  # a role swap takes two names
    first_in_o: dict[str, int] = {}
    for i, t in enumerate(o.tokens):
        if t.kind & NAME:
            first_in_o.setdefault(t.norm, i)
    names = [(i, t) for i, t in enumerate(u.tokens) if t.kind & NAME and t.norm in first_in_o]
    for x, (i, a) in enumerate(names):
        for j, b in names[x + 1 :]:
            if a.norm == b.norm or not 2 <= j - i <= _SWAP_REACH:
                continue
            between = {t.norm for t in u.tokens[i + 1 : j] if t.kind & WORD}
            pa, pb = first_in_o[a.norm], first_in_o[b.norm]
            if not between or not 2 <= pa - pb <= _SWAP_REACH:
                continue
            theirs = {t.norm for t in o.tokens[pb + 1 : pa] if t.kind & WORD}
            verb = sorted(between & theirs)
            if not verb:
                continue
            if (
                " by " in u.lower[a.end : b.start]
                or " by " in o.lower[o.tokens[pb].end : o.tokens[pa].start]
            ):
                continue
            same_order = (
                x
                for x in (g.units[k] for k in g.doc_units[o.doc])
                if (_order(x, a.norm, b.norm) or set()) & between
            )
            if next(same_order, None) is not None:
                continue
            mine = u.text[a.start : b.end]
            swapped = o.text[o.tokens[pb].start : o.tokens[pa].end]
            return mine, swapped
    return None


# --------------------------------------------------------------------------------------------
# Scoring


# The blend, measured on the development sets (benchmarks/ and README "Quality"): the density of
# unsupported details leads; the single most surprising token, the distance to the closest
# sentence elsewhere, unsupported word pairs (when there are few documents), an unquoted quote
# and a minority conflict add to it.
W_DENSITY, W_PEAK, W_SIM, W_PAIR, W_QUOTE = 1.0, 0.15, 0.2, 0.1, 0.1
CONFLICT_ADD = 0.1  # a minority conflict adds this (times its margin)...
CONFLICT_WEIGHT = 0.5  # ...and takes this share of the remaining distance to 1
# With few documents, outlets paraphrase across sentence boundaries: a word elsewhere in a
# document counts SUPPORT_BLEND of what it counts in the matching sentence, and word order
# (pairs) is a signal. Beyond FEW_DOCUMENTS other documents (sampled passages), agreement is
# measured sentence by sentence, and both fade.
SUPPORT_BLEND = 0.5
FEW_DOCUMENTS = 4
# How much an unsupported token of each kind adds to the density: numbers and dates are the
# details most often wrong; superlatives ("first", "only") are too common to tell.
DENSITY_WEIGHT = {
    "num": 1.3, "date": 2.0, "name": 0.8, "super": 0.0, "role": 0.4, "cite": 1.0, "word": 0.4,
}  # fmt: skip


def _density_weight(kind: int) -> float:
    w = DENSITY_WEIGHT
    if kind & NUM:
        return w["num"]
    if kind & (DAY | MONTH):
        return w["date"]
    if kind & NAME:
        return w["name"]
    if kind & CITE:
        return w["cite"]
    if kind & SUPER:
        return w["super"]
    if kind & ROLE:
        return w["role"]
    return w["word"]


def _kind_weight(kind: int) -> float:
    if kind & CHECKABLE:
        return 1.0
    if kind & ROLE:
        return 0.8
    return 0.6


# Token kinds are bit sets below 256: both weights are looked up, not computed, per token.
_DENSITY_OF = [_density_weight(k) for k in range(256)]
_PEAK_OF = [_kind_weight(k) for k in range(256)]


def _quote_support(g: _Group, u: _Unit, body: str) -> float:
    """How well another document has this quote: the best rapidfuzz partial ratio (0-100) of
    the quote against sentences of other documents that share its rarest words. A quote is
    words someone said, so its words merely appearing elsewhere (or its speaker) is not
    support: the passage itself must."""
    words = [t.norm for t in tokenize(body) if t.norm in g.postings]
    words.sort(key=g.posting_len.__getitem__)
    seen: set[int] = set()
    best = 0.0
    lower = body.lower()
    for w in words[:4]:
        for other in g.postings[w][:50]:
            o = g.units[other]
            if o.doc == u.doc or other in seen:
                continue
            seen.add(other)
            best = max(best, fuzz.partial_ratio(lower, o.lower))
    return best


def _match(g: _Group, other: int, sim: float, stance: str) -> Match:
    o = g.units[other]
    return Match(g.docs[o.doc].id, o.sentence.start, o.sentence.end, o.text, sim, stance)


def _nearest(
    g: _Group, u: _Unit, surface: str, matches: list[tuple[float, int]]
) -> tuple[Match | None, str]:
    """The closest thing other documents have to an unsupported detail: a fact in the same
    slot (another person in the role, another number of the unit), else the closest sentence."""
    fact = next((f for f in u.facts if f.surface == surface), None)
    if fact is not None:
        for other, j in g.slot_index.get(fact.slot, ()):
            o = g.units[other]
            if o.doc != u.doc:
                h = o.facts[j]
                doc_id = g.docs[o.doc].id
                what = (
                    f'names "{h.surface}" as {h.describe()}'
                    if h.kind == PERSON
                    else (f'says "{h.surface}" ({h.describe()})')
                )
                return _match(g, other, _cosine(u, o, g.idf), "related"), f"{doc_id} {what}"
    if matches:
        sim, other = matches[0]
        near = _match(g, other, sim, "related")
        return near, f"the closest sentence is in {near.doc}"
    return None, ""


def _assess_unit(g: _Group, uid: int, group_name: str) -> Assessment:
    u = g.units[uid]
    doc = g.docs[u.doc]
    others = g.n - 1
    reasons: list[str] = []

    # Support of each token: its own document always uses it, so other documents = df - 1.
    df = g.df
    support = {t.norm: df[t.norm] - 1 for t in u.tokens}

    cands = g.candidates(uid)
    compared = cands[:_COMPARED]
    sides = _fact_sides(g, uid)
    slot_surfaces = {f.surface for f in u.facts}
    # The sentences the conflict reasons cite, one per document, the odd ones out first;
    # however many documents disagree, a few are compared and shown (the reason counts all).
    cited = list(
        dict.fromkeys(
            other
            for side in sorted(sides.values(), key=lambda s: -s.strength)
            for docs in side.against.values()
            for other in docs.values()
        )
    )[:MAX_EVIDENCE]
    listed = {other for _, other in compared}
    compared += [
        (_cosine(u, g.units[o], g.idf), o) for o in dict.fromkeys(cited) if o not in listed
    ]
    matches: list[tuple[float, int]] = []
    paraphrases = 0
    for cos, other in compared:
        o = g.units[other]
        fz = fuzz.ratio(u.lower, o.lower) / 100.0
        sim = 0.6 * cos + 0.4 * fz
        if sim < _MATCH_FLOOR and other not in cited:
            continue
        matches.append((sim, other))
        if sim >= 0.45 and paraphrases < _PARAPHRASES:
            paraphrases += 1
            _aligned_conflicts(g, u, other, sides, slot_surfaces)
        if sim >= 0.5 and (swap := _swapped_roles(g, u, other)) is not None:
            mine, theirs = swap
            side = sides.setdefault(mine, _Side(mine))
            side.add_against(f"{theirs}", o.doc, other)
    matches.sort(key=lambda x: (-x[0], x[1]))
    best_sim = matches[0][0] if matches else 0.0

    minority = 0.0
    against_units: set[int] = set()
    backing_units: set[int] = set()
    for surface, side in sorted(sides.items()):
        if not side.against:
            backing_units.update(x for x in side.backing.values() if x >= 0)
            continue
        against_docs = side.against_docs
        backers = len(set(side.backing) - against_docs)
        top_other, top_docs = max(side.against.items(), key=lambda kv: (len(kv[1]), kv[0]))
        against_units.update(x for docs in side.against.values() for x in docs.values())
        strength = side.strength
        # "says X" for a value; "names X as Secretary of State" for a person in a role.
        mine = f'names "{surface}" as {side.role}' if side.role else f'says "{surface}"'
        verb = ("names", "name") if side.role else ("says", "say")
        if strength > 0.5:
            minority = max(minority, side.margin)
            reasons.append(
                f"{mine}; {_plural(len(top_docs), 'other document')} "
                f'{verb[len(top_docs) != 1]} "{top_other}"'
                + (
                    f" ({_plural(backers, 'other')} agree{'s' if backers == 1 else ''})"
                    if backers
                    else ""
                )
            )
        else:
            backing_units.update(x for x in side.backing.values() if x >= 0)
            reasons.append(
                f"{mine} like {_plural(backers, 'other document')}; "
                f"{_plural(len(against_docs), 'other document')} "
                f'{verb[len(against_docs) != 1]} "{top_other}"'
            )

    # Unsupported checkable details; a name is new when its last word (the surname, the head
    # of "Carnegie Russia Eurasia Center") appears in no other document.
    conflicted = {s for s, side in sides.items() if side.against}
    details: list[tuple[str, str, str]] = []  # (reason text, detail, receipt kind)
    if any(t.kind & NAME for t in u.tokens):
        for phrase, toks in name_phrases(u.text, u.tokens):
            if support[toks[-1].norm] == 0 and phrase not in conflicted:
                details.append((f'names "{phrase}"', phrase, "name"))
    named = [d for _, d, _ in details]
    for t in u.tokens:
        if support[t.norm] > 0 or not t.kind & (CITE | NUM | DAY | MONTH | SUPER):
            continue
        surface = u.text[t.start : t.end]
        if any(surface in d for d in (*named, *conflicted)):
            continue
        if t.kind & CITE:
            source, marker = citation(u.text, t)
            details.append((f'cites "{source}" [{marker}]', source, "citation"))
        elif t.kind & NUM:
            details.append((f'mentions "{surface}"', surface, "number"))
        elif t.kind & (DAY | MONTH):
            details.append((f'says "{surface}"', surface, "date"))
        elif t.kind & SUPER:
            details.append((f'claims "{surface}"', surface, "superlative"))
    unsupported_detail = bool(details)
    if details:
        shown = [text for text, _, _ in details[:3]]
        more = f" (and {len(details) - 3} more details)" if len(details) > 3 else ""
        if len(shown) == 1:
            reasons.append(f"{shown[0]}; no other document does")
        else:
            reasons.append(f"{', '.join(shown)}{more}: no other document has these")
    quote_gap = 0.0
    quoted = quotes(u.text)
    for _, _, body in quoted:
        if is_title_case(body):
            continue  # "Sweet Child o' Mine": a title is a name, not words someone said
        best_quote = _quote_support(g, u, body)
        if best_quote < 80:
            # Nobody else has the passage. Its words being new too makes it likelier invented
            # than quoted by one outlet only (a real but exclusive quote reuses the story's
            # words).
            qt = [t.norm for t in tokenize(body)]
            new = sum(1 for t in qt if g.support(u, t) == 0) / len(qt) if qt else 1.0
            gap = min(1.0, (80 - best_quote) / 30) * (0.6 + 0.4 * new)
            quote_gap = max(quote_gap, gap)
            unsupported_detail = True
            reasons.append("quote appears in no other document")
            details.append(("", body if len(body) <= 60 else body[:57] + "...", "quote"))

    checkable = any(t.kind & CHECKABLE for t in u.tokens) or bool(quoted)
    # Support counted where it matters: in the sentence of each other document that is most
    # like this one ("born in 1950" is not backed by a sample that mentions 1950 elsewhere),
    # each backing in proportion to how close it is (fully from a cosine of 0.5).
    few = min(1.0, FEW_DOCUMENTS / max(others, 1))  # 1 up to FEW_DOCUMENTS others, then less
    blend = SUPPORT_BLEND * few
    near: dict[str, float] = defaultdict(float)
    # In a dense group only the closest documents are consulted (_MAX_CANDIDATES): what they
    # say stands for all the others.
    scale = others / len(cands) if len(cands) >= _MAX_CANDIDATES else 1.0
    for cos, other in cands:
        weight = scale * min(1.0, 2.0 * cos)
        for norm in u.norms & g.units[other].norms:
            near[norm] += weight
    density = peak = share = 0.0
    log_n = math.log(g.n)
    for t in u.tokens:
        here = near.get(t.norm, 0.0)
        k = min(here + blend * (max(support[t.norm], here) - here), others)
        surprise = 1.0 - math.log(k + 1.0) / log_n  # 1: nobody has it, 0: all do
        density += _DENSITY_OF[t.kind] * surprise
        weighted = _PEAK_OF[t.kind] * surprise
        if weighted > peak:
            peak = weighted
        share += surprise
    if u.tokens:
        density /= len(u.tokens)
        share /= len(u.tokens)
    if u.pairs:  # a pair's own document always has it: other documents = df - 1
        pair_gap = sum(g.surprise[g.pair_df[p] - 1] for p in u.pairs) / len(u.pairs)
    else:
        pair_gap = share
    base = (
        W_DENSITY * density
        + W_PEAK * peak
        + W_SIM * (1.0 - best_sim)
        + W_PAIR * few * pair_gap
        + W_QUOTE * quote_gap
        + CONFLICT_ADD * minority
    )
    score = 1.0 - (1.0 - base) * (1.0 - CONFLICT_WEIGHT * minority)
    # Commentary without a checkable detail ranks below any sentence with an unsupported one.
    # Compressed beyond a knee, not clamped, so scores stay distinct (a ranking never meets a
    # plateau) and keep their order within each kind.
    score = min(1.0, max(0.0, score))
    if not checkable and score > OPINION_CAP - _KNEE:
        knee = OPINION_CAP - _KNEE
        score = knee + _KNEE * (score - knee) / (1.0 - knee)
    elif checkable and unsupported_detail and score < DETAIL_FLOOR + _KNEE:
        score = DETAIL_FLOOR + _KNEE * score / (DETAIL_FLOOR + _KNEE)

    if u.sentence.heading:
        kind = "heading"  # scored and shown, never triaged as a suspect
    elif minority > 0.5:
        kind = "conflict"
    elif not checkable:
        kind = "opinion"
        reasons.append("no checkable detail (opinion or framing)")
    elif unsupported_detail or share >= 0.6:
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

    # The evidence starts with the sentences the reasons cite (the conflicting ones first),
    # then the closest of the rest.
    sim_of = dict((o, s) for s, o in matches)
    order = list(dict.fromkeys([*cited, *sorted(backing_units), *(o for _, o in matches)]))
    evidence = []
    for other in order[:MAX_EVIDENCE]:
        stance = (
            "conflicts"
            if other in against_units
            else (
                "agrees" if other in backing_units or sim_of.get(other, 0.0) >= 0.5 else "related"
            )
        )
        found = sim_of.get(other)
        sim = _cosine(u, g.units[other], g.idf) if found is None else found
        evidence.append(_match(g, other, sim, stance))
    receipts = []
    for _, detail, what in details:
        nearest, note = _nearest(g, u, detail, matches)
        receipts.append(Receipt(detail, what, others, 0, nearest, note))
    return Assessment(
        group_name,
        doc.id,
        u.sentence.start,
        u.sentence.end,
        u.text,
        min(1.0, max(0.0, score)),
        kind,
        tuple(reasons),
        tuple(evidence),
        tuple(receipts),
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


Compact = tuple[
    str, str, int, int, float, str, tuple[str, ...], tuple[tuple[Any, ...], ...], tuple[Any, ...]
]


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
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[Compact]]:
    """``assess_corpus`` without texts: nothing is expanded that nobody looks at."""
    total = _claims(corpus)
    n = default_workers(total) if workers is None else workers
    return _groups_in_order(
        _sorted_groups(corpus),
        _assess_group_compact,
        _assess_group_compact,
        _same,
        progress,
        n,
        total,
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
            tuple(_slim(m) for m in a.evidence),
            tuple(
                (r.detail, r.kind, r.searched, r.found, r.nearest and _slim(r.nearest), r.note)
                for r in a.receipts
            ),
        )
        for a in assessments
    ]


def _slim(m: Match) -> tuple[Any, ...]:
    return (m.doc, m.start, m.end, m.similarity, m.stance)


def _assess_group_compact(docs: Sequence[Document]) -> list[Compact]:
    """``assess_group`` for worker processes: texts stay out of what crosses the boundary."""
    return compact(assess_group(docs))


def expand(corpus: Corpus, rows: list[Compact]) -> list[Assessment]:
    def match(slim: tuple[Any, ...]) -> Match:
        d, s, e, sim, stance = slim
        return Match(d, s, e, corpus.get(d).text[s:e], sim, stance)  # type: ignore[union-attr]

    out = []
    for group, doc_id, start, end, score, kind, reasons, evidence, receipts in rows:
        text = corpus.get(doc_id).text  # type: ignore[union-attr]
        out.append(
            Assessment(
                group,
                doc_id,
                start,
                end,
                text[start:end],
                score,
                kind,
                reasons,
                tuple(match(m) for m in evidence),
                tuple(
                    Receipt(detail, what, searched, found, nearest and match(nearest), note)
                    for detail, what, searched, found, nearest, note in receipts
                ),
            )
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


def _run_batch(fn: Callable[[Sequence[Document]], list[R]], batch: list[Sequence[Document]]):
    """In a worker: ``fn`` on each group of a batch (one round trip for several groups)."""
    return [fn(docs) for docs in batch]


_BATCH_CLAIMS = 2_000  # claims per task sent to a worker: fewer round trips, still fine-grained


def _groups_in_order(
    groups: Iterable[Sequence[Document]],
    local: Callable[[Sequence[Document]], list[T]],
    remote: Callable[[Sequence[Document]], list[R]],
    receive: Callable[[list[R]], list[T]],
    progress: Callable[[int, int | None], None] | None,
    workers: int,
    total: int | None,
) -> Iterator[list[T]]:
    """Run one function per group, yielding results in the groups' order: ``local`` in this
    process, or, with ``workers`` > 1, ``remote`` in worker processes with ``receive`` turning
    its results into ``local``'s. Groups are sent to the workers as they come (a corpus being
    read is scored meanwhile). ``progress(done, total)`` counts claims; ``total`` may be None
    (not known yet). Output does not depend on the number of workers."""
    done = 0
    pool = None
    if workers > 1:
        # "spawn": forking a process that runs threads (the app's workers) can deadlock it.
        try:
            pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn")
            )
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
    run = partial(_run_batch, remote)
    pending: deque[Future[list[list[R]]]] = deque()

    def finished(block: bool) -> Iterator[list[T]]:
        nonlocal done
        while pending and (block or pending[0].done()):
            for rows in pending.popleft().result():
                results = receive(rows)
                done += len(results)
                if progress is not None:
                    progress(done, total)
                yield results

    with pool:
        batch: list[Sequence[Document]] = []
        size = 0
        for docs in groups:
            batch.append(docs)
            size += sum(len(d.sentences) for d in docs)
            if size >= _BATCH_CLAIMS:
                pending.append(pool.submit(run, batch))
                batch, size = [], 0
                # Keep a few batches ahead of the workers, no more: memory stays bounded.
                yield from finished(block=len(pending) > 4 * workers)
        if batch:
            pending.append(pool.submit(run, batch))
        yield from finished(block=True)


def _sorted_groups(corpus: Corpus) -> list[list[Document]]:
    return [docs for _, docs in sorted(corpus.groups.items())]


def _claims(corpus: Corpus) -> int:
    return sum(len(d.claims) for d in corpus.documents)


def assess_corpus(
    corpus: Corpus,
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[Assessment]]:
    """Assess group by group, yielding each group's results in a fixed order; a large corpus
    is spread over worker processes (one per core)."""
    total = _claims(corpus)
    n = default_workers(total) if workers is None else workers
    return _groups_in_order(
        _sorted_groups(corpus),
        assess_group,
        _assess_group_compact,
        partial(expand, corpus),
        progress,
        n,
        total,
    )


def _assess_group_jsonl(docs: Sequence[Document]) -> list[str]:
    return [a.json_line() for a in assess_group(docs)]


def assess_corpus_jsonl(
    corpus: Corpus,
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[str]]:
    """``assess_corpus`` as JSON Lines, one string per claim. Workers encode the lines
    themselves, which keeps the parent from becoming the bottleneck on a large corpus."""
    total = _claims(corpus)
    n = default_workers(total) if workers is None else workers
    return _groups_in_order(
        _sorted_groups(corpus),
        _assess_group_jsonl,
        _assess_group_jsonl,
        _same,
        progress,
        n,
        total,
    )


_BYTES_PER_CLAIM = 150  # to guess a corpus's size before reading it


def read_and_assess_jsonl(
    reader: CorpusReader,
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[str]]:
    """``assess_corpus_jsonl`` for a corpus still to be read: each group is scored as soon
    as its folder is read, so reading and scoring overlap. Groups come in name order, as in
    ``assess_corpus``."""
    estimate = reader.total_bytes // _BYTES_PER_CLAIM
    n = default_workers(estimate) if workers is None else workers
    groups = (
        docs for unit in reader.units(by_group=True) for _, docs in sorted(_group_by(unit).items())
    )
    return _groups_in_order(
        groups, _assess_group_jsonl, _assess_group_jsonl, _same, progress, n, None
    )


def _group_by(documents: Sequence[Document]) -> dict[str, list[Document]]:
    out: dict[str, list[Document]] = {}
    for d in documents:
        out.setdefault(d.group, []).append(d)
    return out


def _same(rows: list[R]) -> list[R]:
    return rows
