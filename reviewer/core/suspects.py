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

import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple, TypeVar

from rapidfuzz import fuzz

from .corpus import Corpus, CorpusReader, Document
from .facts import PERSON
from .index import MAX_CANDIDATES, GroupIndex, Unit, cosine, replacements, surface_of
from .jsonlines import encode_string as _s
from .jsonlines import safe_json_line
from .memory import collector_paused
from .parallel import (
    BYTES_PER_CLAIM,
    claims_of,
    group_by,
    groups_in_order,
    part_range,
    same,
    sorted_groups,
    workers_for,
)
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
    citation,
    is_title_case,
    name_phrases,
    quotes,
    tokenize,
)

T = TypeVar("T")
R = TypeVar("R")

ENGINE_VERSION = "2"  # the cache is also keyed by the engine's source (cache.source_digest)
KINDS = ("conflict", "unsupported", "corroborated", "opinion", "unchecked", "heading")
MAX_EVIDENCE = 5
_COMPARED = 6  # best matches (one per document) checked for conflicts and fuzzy similarity
_MATCH_FLOOR = 0.25  # below this a sentence is not evidence of anything
_PARAPHRASES = 3  # closest matches aligned token by token (names swapped in place)
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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


def _fact_sides(g: GroupIndex, uid: int) -> dict[str, _Side]:
    """Each fact of the sentence, compared slot by slot with aligned facts elsewhere."""
    u = g.units[uid]
    sides: dict[str, _Side] = {}
    for f, found in zip(u.facts, g.unit_alignments(uid), strict=True):
        side = sides.setdefault(f.surface, _Side(f.surface, f.about if f.kind == PERSON else ""))
        for other, j in found:
            o = g.units[other]
            h, odoc = o.facts[j], o.doc
            if h.value == f.value:
                side.add_backing(odoc, other)
            else:
                side.add_against(h.surface, odoc, other)
    return {s: side for s, side in sides.items() if side.against or side.backing}


_ALIGNED = NUM | NAME | ROLE | DAY | MONTH


def _aligned_conflicts(
    g: GroupIndex, u: Unit, other: int, sides: dict[str, _Side], slot_surfaces: set[str]
) -> bool:
    """In near-paraphrases, a name (or a number without a unit) replaced by another of the
    same kind is a conflict; numbers and dates with a slot are compared by their facts."""
    o = g.units[other]
    found = False
    for _, m, th, surface in replacements(g, u, o, slot_surfaces):
        side = sides.setdefault(surface, _Side(surface))
        side.add_against(surface_of(o, th), o.doc, other)
        for d in range(g.n):
            if d != u.doc and d not in side.backing and m[0].norm in g.doc_norms[d]:
                side.add_backing(d, -1)
        found = True
    return found


_SWAP_REACH = 3  # a relation between two names: at most two content words between them


def _order(u: Unit, a: str, b: str) -> set[str] | None:
    """The words between names ``a`` and ``b`` when ``a`` comes first in ``u``, else None."""
    pos = {t.norm: i for i, t in reversed(list(enumerate(u.tokens))) if t.kind & NAME}
    if a in pos and b in pos and pos[a] < pos[b]:
        return {t.norm for t in u.tokens[pos[a] + 1 : pos[b]] if t.kind & WORD}
    return None


def _swapped_roles(g: GroupIndex, u: Unit, other: int) -> tuple[str, str] | None:
    """Two names this sentence has in one order around a word that a near-paraphrase in
    another document has the other way round around the same word ("Smith shot Jones" /
    "Jones shot Smith"): a swapped role. Passives ("by"), plain lists ("Xi and Putin"), and
    documents that also have the same order somewhere are left alone."""
    o = g.units[other]
    if len(u.name_at) < 2 or len(o.first_name) < 2:
        return None  # a role swap takes two names in each
    first_in_o = o.first_name
    names = [(i, t) for i, t in u.name_at if t.norm in first_in_o]
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
# details most often wrong; superlatives ("first", "only") are too common to tell. Tuned on
# wikibio-dev only (benchmarks/wikibio.py; a flat optimum for num 0.8-1.1, name 0.9-1.0), then
# checked on FRANK and the news set, which it did not move beyond their noise.
DENSITY_WEIGHT = {
    "num": 1.1, "date": 2.0, "name": 0.9, "super": 0.0, "role": 0.4, "cite": 1.0, "word": 0.4,
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


def _quote_support(g: GroupIndex, u: Unit, body: str) -> float:
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


def _match(g: GroupIndex, other: int, sim: float, stance: str) -> Match:
    o = g.units[other]
    return Match(g.docs[o.doc].id, o.sentence.start, o.sentence.end, o.text, sim, stance)


def _nearest(
    g: GroupIndex, u: Unit, surface: str, matches: list[tuple[float, int]]
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
                return _match(g, other, cosine(u, o, g.idf), "related"), f"{doc_id} {what}"
    if matches:
        sim, other = matches[0]
        near = _match(g, other, sim, "related")
        return near, f"the closest sentence is in {near.doc}"
    return None, ""


def _assess_unit(g: GroupIndex, uid: int, group_name: str) -> Assessment:
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
    compared += [(g.similarity(uid, o), o) for o in dict.fromkeys(cited) if o not in listed]
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
    # In a dense group only the closest documents are consulted (MAX_CANDIDATES): what they
    # say stands for all the others.
    scale = others / len(cands) if len(cands) >= MAX_CANDIDATES else 1.0
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
        sim = g.similarity(uid, other) if found is None else found
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


def assess_group(docs: Sequence[Document], part: int = 0, parts: int = 1) -> list[Assessment]:
    """Assessments of every claim of every document in one group, in document order; or
    part ``part`` of ``parts`` of that list (``parallel.part_range``), for a group worked on
    by several processes: each claim's assessment depends on the group, not on the others'."""
    if not docs:
        return []
    group_name = docs[0].group
    if len(docs) == 1:
        d = docs[0]
        alone = [
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
        mine = part_range(len(alone), part, parts)
        return alone[mine.start : mine.stop]
    # Scoring allocates many small objects and no cycles; the cyclic collector only costs time.
    with collector_paused():
        g = GroupIndex(docs)
        return [_assess_unit(g, uid, group_name) for uid in part_range(len(g.units), part, parts)]


Compact = tuple[
    str, str, int, int, float, str, tuple[str, ...], tuple[tuple[Any, ...], ...], tuple[Any, ...]
]


class Scored(NamedTuple):
    """What a screen needs of every sentence (score and kind) plus the compact row from which
    the full assessment (reasons, evidence with texts) is expanded when it is shown."""

    score: float
    kind: str
    row: Compact

    @property
    def doc(self) -> str:
        return self.row[1]

    @property
    def start(self) -> int:
        return self.row[2]

    @property
    def end(self) -> int:
        return self.row[3]


def scored(rows: Sequence[Compact]) -> list[Scored]:
    return [Scored(r[4], r[5], r) for r in rows]


def _by_group(corpus: Corpus, local, remote, receive, progress, workers: int | None):
    """``groups_in_order`` over the corpus's groups, on as many workers as its size warrants
    (or ``workers``); ``remote`` takes a part and a count of parts too."""
    total = claims_of(corpus)
    n = workers_for(total, workers)
    return groups_in_order(
        sorted_groups(corpus), local, remote, receive, progress, n, total, remote_part=remote
    )


def assess_corpus_compact(
    corpus: Corpus,
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[Compact]]:
    """``assess_corpus`` without texts: nothing is expanded that nobody looks at."""
    return _by_group(corpus, _assess_group_compact, _assess_group_compact, same, progress, workers)


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


def _assess_group_compact(docs: Sequence[Document], part: int = 0, parts: int = 1) -> list[Compact]:
    """``assess_group`` for worker processes: texts stay out of what crosses the boundary."""
    return compact(assess_group(docs, part, parts))


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


def assess_corpus(
    corpus: Corpus,
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[Assessment]]:
    """Assess group by group, yielding each group's results in a fixed order; a large corpus
    is spread over worker processes (one per core)."""
    return _by_group(
        corpus, assess_group, _assess_group_compact, partial(expand, corpus), progress, workers
    )


def _assess_group_jsonl(docs: Sequence[Document], part: int = 0, parts: int = 1) -> list[str]:
    return [a.json_line() for a in assess_group(docs, part, parts)]


def assess_corpus_jsonl(
    corpus: Corpus,
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[str]]:
    """``assess_corpus`` as JSON Lines, one string per claim. Workers encode the lines
    themselves, which keeps the parent from becoming the bottleneck on a large corpus."""
    return _by_group(corpus, _assess_group_jsonl, _assess_group_jsonl, same, progress, workers)


def read_and_assess_jsonl(
    reader: CorpusReader,
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[str]]:
    """``assess_corpus_jsonl`` for a corpus still to be read: each group is scored as soon
    as its folder is read, so reading and scoring overlap. Groups come in name order, as in
    ``assess_corpus``."""
    estimate = reader.total_bytes // BYTES_PER_CLAIM
    n = workers_for(estimate, workers)
    groups = (
        docs for unit in reader.units(by_group=True) for _, docs in sorted(group_by(unit).items())
    )
    return groups_in_order(
        groups,
        _assess_group_jsonl,
        _assess_group_jsonl,
        same,
        progress,
        n,
        None,
        remote_part=_assess_group_jsonl,
    )
