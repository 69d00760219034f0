"""The fact table: the checkable facts of a group, one row per fact, one cell per document.

A row is a set of facts that speak of the same thing, found by the engine's own alignment
(``GroupIndex.aligned_facts``: same slot, overlapping context; and ``replacements``: a name or
number replaced in place in a near-paraphrase), closed under "aligned with" so that a fact
stated by four documents is one row, not six pairs. Quotes make rows of their own: a quoted
passage and who it is attributed to.

Rows come in three states, in this order: *disputed* (documents give different values: the
first thing a fact-checker wants), *single* (only one document states it: a candidate for
"fabricated"), *agreed* (two or more documents, one value).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from .corpus import Corpus, CorpusReader, Document
from .facts import DATE, DESIGNATION, PERSON, QUANTITY, RELATED, SUPERLATIVE, Fact, aligned
from .index import GroupIndex, Unit, replacements
from .jsonlines import jsonl_line
from .memory import collector_paused
from .parallel import (
    BYTES_PER_CLAIM,
    group_by,
    groups_in_order,
    same,
    sorted_groups,
    workers_for,
)
from .text import DAY, MONTH, NAME, NUM, ROLE, WORD, Token, name_phrases, quotes, tokenize

DISPUTED, SINGLE, AGREED = "disputed", "single", "agreed"
STATES = (DISPUTED, SINGLE, AGREED)
QUOTE = "quote"
_PARAPHRASE_SIM = 0.45  # as the engine: sentences this alike are aligned token by token
_PARAPHRASES = 3  # closest other sentences aligned token by token, per sentence
_PARAPHRASE_CANDIDATES = 8  # ...among the sentences of this many documents sharing most words
# ...found among this many postings of the sentence's rarest words: a paraphrase shares the
# rarest words, so fewer than the engine walks (it looks for weaker support too) are enough.
_PARAPHRASE_BUDGET = 120
_QUOTE_MATCH = 80  # rapidfuzz partial ratio above which two quoted passages are the same quote
_SPEAKER_REACH = 6  # words between a quote and the name it is attributed to, at most
_REPLACED_KIND = {NUM: "number", NAME: "name", ROLE: "role", DAY: "date", MONTH: "date"}


class Cell(NamedTuple):
    """One document's statement of a fact."""

    doc: str
    value: str  # as the document writes it ("four-day", "Thursday's")
    norm: str  # normalised, what is compared ("#4", "thursday")
    start: int  # the sentence that states it, offsets in the document
    end: int
    text: str  # that sentence
    value_start: int  # the value itself, offsets in the document
    value_end: int


@dataclass(frozen=True)
class FactRow:
    group: str
    fact: str  # what the row is about, in words: "day (visit)", "defense minister"
    kind: str  # quantity, year, date, person, superlative, number, name, role, quote
    cells: tuple[Cell, ...]  # in document order, then by offset
    majority: str | None  # the value most documents give (None on a tie)
    state: str  # DISPUTED, SINGLE or AGREED

    @property
    def disputed(self) -> bool:
        return self.state == DISPUTED

    @property
    def docs(self) -> list[str]:
        return list(dict.fromkeys(c.doc for c in self.cells))

    def cells_of(self, doc: str) -> list[Cell]:
        return [c for c in self.cells if c.doc == doc]

    @property
    def majority_norm(self) -> str | None:
        return _majority([(c.doc, c.norm) for c in self.cells])

    def odd(self, cell: Cell) -> bool:
        """Does this cell disagree with the majority (or, on a tie, with anyone)?"""
        if self.state != DISPUTED:
            return False
        top = self.majority_norm
        return top is None or cell.norm != top

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "fact": self.fact,
            "kind": self.kind,
            "state": self.state,
            "disputed": self.disputed,
            "majority": self.majority,
            "cells": [
                {
                    "doc": c.doc,
                    "value": c.value,
                    "start": c.start,
                    "end": c.end,
                    "text": c.text,
                    "value_start": c.value_start,
                    "value_end": c.value_end,
                }
                for c in self.cells
            ],
        }

    def json_line(self) -> str:
        return jsonl_line(self.to_json())


def _majority(pairs: Sequence[tuple[str, str]]) -> str | None:
    """The norm the most documents give; None when two or more tie at the top."""
    docs: dict[str, set[str]] = defaultdict(set)
    for doc, norm in pairs:
        if norm:
            docs[norm].add(doc)
    if not docs:
        return None
    ranked = sorted(docs.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    if len(ranked) > 1 and len(ranked[1][1]) == len(ranked[0][1]):
        return None
    return ranked[0][0]


class _Node(NamedTuple):
    uid: int
    kind: str
    fact: str  # the row's description as this node would give it
    value: str
    norm: str
    start: int  # offsets of the value in the sentence
    end: int
    context: frozenset[str]
    fact_index: int = -1  # the fact of the unit this node is, if it is one


_LATER = -1.0  # an alignment's strength, computed only if a row has to be split
_ENDS = itemgetter(0, 1)  # an alignment's two nodes
_STRENGTH = itemgetter(2)


class _Forest:
    """Union-find over node ids, and the direct alignments themselves: a row is first the
    connected set of aligned facts, then split where a document shows that two of its values
    are different facts (see ``_split``)."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.edges: list[tuple[int, int, float]] = []  # direct alignments, with strength

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: int, b: int, strength: float) -> None:
        self.union(a, b)
        self.edges.append((a, b, strength))

    def union(self, a: int, b: int) -> None:
        parent = self.parent
        # Most nodes sit one step from their root: that case without a call.
        ra, rb = parent[a], parent[b]
        if parent[ra] != ra:
            ra = self.find(ra)
        if parent[rb] != rb:
            rb = self.find(rb)
        if ra != rb:
            # The smaller id is the root: rows come out the same whatever the order of unions.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def _fact_name(f: Fact) -> str:
    if f.kind == PERSON:
        return f.about or f.unit.removeprefix("role:")
    return f.describe()


def _words_near(u: Unit, toks: Sequence[Token]) -> frozenset[str]:
    i = u.tokens.index(toks[0])
    j = u.tokens.index(toks[-1]) + 1
    near = [*u.tokens[max(0, i - 2) : i], *u.tokens[j : j + 2]]
    return frozenset(t.norm for t in near if t.kind & WORD and not t.kind & (NUM | DAY | MONTH))


# Verbs that attribute words to a speaker (generic English, any tense).
_SPEECH = (
    r"said|says|say|told|tells|added|adds|declared|declares|stated|states|noted|notes|warned|"
    r"warns|described|describes|called|calls|characterized|characterised|wrote|writes|argued|"
    r"argues|insisted|insists|explained|explains|emphasized|emphasised|asked|asks|replied|"
    r"recalled|announced|announces|according to|remarked|observed|stressed|urged|vowed|"
    r"pledged|promised|claimed|claims|acknowledged|admitted|concluded|continued|reaffirmed|"
    r"expressed|hoped|predicted|cautioned|suggested"
)
_SPEECH_AFTER = re.compile(rf"^[\s,]{{0,3}}(?:\([^)]*\)\s*)?(?:\w+ ){{0,1}}(?:{_SPEECH})\b", re.I)
_SPEECH_BEFORE = re.compile(rf"\b(?:{_SPEECH})[\s:,]{{0,3}}$", re.I)


def _speaker(u: Unit, start: int, end: int) -> tuple[str, str, int, int]:
    """The person a quote is attributed to: a name next to a verb of saying ("...," said
    Helen Ashdown; Ashdown told reporters: "..."; Borrell described it as "..."), or the
    person named in a role in the sentence. Closest to the quote wins. (surname norm,
    surface, start, end), or empty values when the sentence attributes it to nobody."""
    best: tuple[int, str, str, int, int] | None = None
    for phrase, toks in name_phrases(u.text, u.tokens):
        p0, p1 = toks[0].start, toks[-1].end
        if start <= p0 < end:
            continue  # a name inside the quote is not its speaker
        said = bool(_SPEECH_AFTER.match(u.text[p1 : p1 + 40])) or bool(
            _SPEECH_BEFORE.search(u.text[max(0, p0 - 20) : p0])
        )
        if not said:
            continue
        distance = p0 - end if p0 >= end else start - p1
        if best is None or distance < best[0]:
            best = (distance, toks[-1].norm, phrase, p0, p1)
    if best is None:
        people = [f for f in u.facts if f.kind == PERSON and not start <= f.start < end]
        if len(people) == 1:
            f = people[0]
            return f.value, f.surface, f.start, f.end
        return "", "", start, end
    return best[1], best[2], best[3], best[4]


def _nodes(g: GroupIndex, forest: _Forest) -> tuple[list[_Node], list[int]]:
    """Every fact of every claim as a node, and the aligned ones joined. Also the node of
    each unit's first fact: fact ``k`` of unit ``uid`` is node ``first[uid] + k``."""
    nodes: list[_Node] = []
    first: list[int] = []
    for uid, u in enumerate(g.units):
        first.append(len(nodes))
        for k, f in enumerate(u.facts):
            forest.add()
            # A superlative is a claim of its own ("largest trading partner", "largest
            # buyer"): documents that make it agree, whatever word follows it.
            norm = f.unit if f.kind == SUPERLATIVE else f.value
            # The value as written may run past the number ("four-day") or stop before a
            # possessive ("Thursday's"): its offsets are those of the surface.
            end = f.start + len(f.surface) if u.text.startswith(f.surface, f.start) else f.end
            nodes.append(
                _Node(uid, f.kind, _fact_name(f), f.surface, norm, f.start, end, f.context, k)
            )
    joined: set[int] = set()  # pairs of nodes, smaller first, as one number
    stride = len(nodes)
    for uid in range(len(g.units)):
        mine = first[uid]
        for k, found in enumerate(g.unit_alignments(uid)):
            node = mine + k
            for other, j in found:
                theirs = first[other] + j
                pair = node * stride + theirs if node < theirs else theirs * stride + node
                if pair in joined:
                    continue  # found from both sides
                joined.add(pair)
                forest.join(node, theirs, _LATER)
    return nodes, first


def _replaced(g: GroupIndex, nodes: list[_Node], forest: _Forest, first: list[int]) -> None:
    """Names and numbers replaced in place in near-paraphrases ("said Helen Ashdown" / "said
    Margaret Quill"): the engine's token alignment, as rows."""
    at: dict[tuple[int, int], int] = {}  # (unit id, offset in sentence) -> node

    def node(uid: int, toks: list[Token], kind: int) -> int:
        u = g.units[uid]
        for k, f in enumerate(u.facts):  # a detail that is a fact already is that fact's node
            if f.start <= toks[0].start < f.end or toks[0].start <= f.start < toks[-1].end:
                return first[uid] + k
        key = (uid, toks[0].start)
        if key not in at:
            at[key] = forest.add()
            name = _REPLACED_KIND[kind]
            context = _words_near(u, toks)
            about = ", ".join(sorted(context)[:2])
            nodes.append(
                _Node(
                    uid,
                    name,
                    f"{name} ({about})" if about else name,
                    u.text[toks[0].start : toks[-1].end],
                    " ".join(t.norm for t in toks),
                    toks[0].start,
                    toks[-1].end,
                    context,
                )
            )
        return at[key]

    everywhere = g.n
    for uid, u in enumerate(g.units):
        # Only a name that some document lacks, or a bare number, can have been replaced:
        # most sentences have neither, and skip the search.
        if not u.bare_numbers and all(g.df[n] == everywhere for n in u.names_roles):
            continue
        skip = {f.surface for f in u.facts}
        paraphrases = 0
        for cos, other in g.candidates(uid, _PARAPHRASE_CANDIDATES, _PARAPHRASE_BUDGET):
            if paraphrases >= _PARAPHRASES or 0.6 * cos + 0.4 < _PARAPHRASE_SIM:
                break  # best first: no later candidate can be a paraphrase either
            o = g.units[other]
            if 0.6 * cos + 0.4 * fuzz.ratio(u.lower, o.lower) / 100.0 < _PARAPHRASE_SIM:
                continue
            paraphrases += 1
            for kind, mine, theirs, _ in replacements(g, u, o, skip):
                forest.join(node(uid, mine, kind), node(other, theirs, kind), cos)


def _quotes(g: GroupIndex, nodes: list[_Node], forest: _Forest) -> None:
    """A quoted passage and its speaker; the same passage in several documents is one row."""
    found: list[tuple[int, str, set[str]]] = []  # (node, lowered passage, its words)
    for uid, u in enumerate(g.units):
        for start, end, body in quotes(u.text):
            norm, surface, s, e = _speaker(u, start, end)
            n = forest.add()
            short = body if len(body) <= 40 else body[:40].rsplit(" ", 1)[0] + "..."
            nodes.append(
                _Node(uid, QUOTE, f'quote "{short}"', surface or "(no speaker)", norm, s, e,
                      frozenset())
            )  # fmt: skip
            words = {t.norm for t in tokenize(body) if len(t.norm) > 3}
            found.append((n, body.lower(), words))
    for i, (a, body_a, words_a) in enumerate(found):
        for b, body_b, words_b in found[i + 1 :]:
            if g.units[nodes[a].uid].doc == g.units[nodes[b].uid].doc:
                continue
            if words_a & words_b and (r := fuzz.partial_ratio(body_a, body_b)) >= _QUOTE_MATCH:
                forest.join(a, b, r / 100.0)


def _cell(g: GroupIndex, n: _Node) -> Cell:
    u = g.units[n.uid]
    s = u.sentence
    return Cell(g.docs[u.doc].id, n.value, n.norm, s.start, s.end, u.text, s.start + n.start,
                s.start + n.end)  # fmt: skip


def _specific(n: _Node) -> bool:
    if n.kind == PERSON:
        return True
    if n.kind != QUANTITY or not n.norm.startswith("#"):
        return False
    try:
        value = float(n.norm[1:])
    except ValueError:
        return False
    return value >= 100 or not value.is_integer()


def _mentions(g: GroupIndex, norm: str, doc: int) -> int | None:
    """The first sentence of ``doc`` that uses ``norm``, if any."""
    lo, hi = g.doc_range[doc]
    for uid in g.postings.get(norm, ()):
        if lo <= uid < hi:
            return uid
    return None


def _fact_label(members: list[_Node]) -> str:
    """The row's description: what is measured or named, and the words around it that most
    of its facts share ("weekday (parade)", "day (visit)"); a role or a quote as written."""
    counted = Counter(n.fact.split(" (", 1)[0] for n in members)
    what = min(counted, key=lambda f: (-counted[f], len(f), f))
    if members[0].kind in (PERSON, QUOTE):
        return what if members[0].kind == PERSON else members[0].fact
    context = Counter(w for n in members for w in n.context)
    common = sorted(context, key=lambda w: (-context[w], w))[:2]
    return f"{what} ({', '.join(common)})" if common else what


def _row(g: GroupIndex, group: str, members: list[_Node], disputed: bool) -> FactRow:
    members.sort(key=lambda n: (g.units[n.uid].doc, g.units[n.uid].sentence.start, n.start))
    cells = [_cell(g, n) for n in members]
    docs = {g.units[n.uid].doc for n in members}
    kind = Counter(n.kind for n in members).most_common(1)[0][0]
    if len(docs) == 1 and _specific(members[0]):
        # Stated by one document in this slot only: another document that names the same
        # person, or gives the same specific number ("1,200", "6.8"), anywhere backs it.
        # Other values ("12", "first", "Friday") are too common to count a mention.
        first = members[0]
        for d in range(g.n):
            if d in docs:
                continue
            uid = _mentions(g, first.norm, d)
            if uid is None:
                continue
            o = g.units[uid]
            tok = next(t for t in o.tokens if t.norm == first.norm)
            s = o.sentence
            cells.append(
                Cell(g.docs[d].id, o.text[tok.start : tok.end], first.norm, s.start, s.end,
                     o.text, s.start + tok.start, s.start + tok.end)
            )  # fmt: skip
            docs.add(d)
        order = {d.id: i for i, d in enumerate(g.docs)}
        cells.sort(key=lambda c: (order[c.doc], c.start, c.value_start))
    state = DISPUTED if disputed else SINGLE if len(docs) == 1 else AGREED
    top = _majority([(c.doc, c.norm) for c in cells])
    shown = None
    if top is not None:
        shown = Counter(c.value for c in cells if c.norm == top).most_common(1)[0][0]
    return FactRow(group, _fact_label(members), kind, tuple(cells), shown, state)


def _order_key(g: GroupIndex, order: dict[str, int]) -> Callable[[FactRow], tuple[Any, ...]]:
    def key(r: FactRow) -> tuple[Any, ...]:
        first = r.cells[0]
        return (
            STATES.index(r.state),
            -len(r.docs) if r.state != SINGLE else 0,
            order[first.doc],
            first.value_start,
            r.fact,
        )

    return key


def _self_aligned(g: GroupIndex, a: _Node, b: _Node) -> bool:
    """Are two facts of one document about the same thing (so giving two values for it)?"""
    if a.fact_index < 0 or b.fact_index < 0 or a.uid == b.uid:
        return False
    u, o = g.units[a.uid], g.units[b.uid]
    f, h = u.facts[a.fact_index], o.facts[b.fact_index]
    similarity = partial(g.similarity, a.uid, b.uid)
    if not aligned(f, h, similarity):
        return False
    # One role, two people, in one document is a contradiction on its face, and so are two
    # days of one event ("launched on Tuesday", later "Saturday's launch"); two numbers or
    # dates sharing a context word are one fact only if their sentences are related too.
    if f.kind == DATE and (f.about in h.context or h.about in f.context):
        return True
    return f.kind == PERSON or similarity() >= RELATED


def _strengths(
    g: GroupIndex, nodes: list[_Node], edges: list[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    """The edges with the strength of each alignment still to be weighed: how surely two
    aligned facts speak of the same thing, from how alike their sentences are and how many
    context words they share."""
    sims = iter(g.similarities([(nodes[a].uid, nodes[b].uid) for a, b, w in edges if w == _LATER]))
    out = []
    for a, b, w in edges:
        if w == _LATER:
            x, y = nodes[a], nodes[b]
            # Between equally good alignments, the one that agrees is the likelier reading:
            # "last inspected in 2023" and "rated fair in 2023" before "built in 1957".
            w = next(sims) + 0.1 * len(x.context & y.context) + (0.03 if x.norm == y.norm else 0.0)
        out.append((a, b, w))
    return out


def _split(
    g: GroupIndex, nodes: list[_Node], ids: list[int], edges: list[tuple[int, int, float]]
) -> list[tuple[list[int], bool]]:
    """One connected set of aligned facts as rows, each with whether it is disputed.

    Facts are joined strongest alignment first (most alike sentences, most shared context),
    never so that one document gives two values in a row: a document that says "two people
    killed" and "1,200 people evacuated" shows these are two facts, not one in dispute. A
    row is disputed when two directly aligned facts of different documents give different
    values in it: a chain of alignments alone is not a disagreement, and a quote without a
    speaker disputes nothing."""
    doc_of = {i: g.units[nodes[i].uid].doc for i in ids}
    root = {i: i for i in ids}
    # Each row being built: document -> its nodes there.
    by_doc: dict[int, dict[int, list[int]]] = {i: {doc_of[i]: [i]} for i in ids}
    self_aligned: dict[tuple[int, int], bool] = {}

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    def compatible(xs: dict[int, list[int]], ys: dict[int, list[int]]) -> bool:
        """Can these two rows be one? Not if a document gives a value in each that differ,
        unless its two facts are aligned with each other: then the document contradicts
        itself ("Russian President Vladimir Putin" and, later, "Russian President Nadia
        Petrenko"), and that belongs in the row."""
        if len(ys) < len(xs):
            xs, ys = ys, xs
        for d, mine in xs.items():
            theirs = ys.get(d)
            if theirs is None:
                continue
            for x in mine:
                for y in theirs:
                    nx, ny = nodes[x], nodes[y]
                    if not nx.norm or not ny.norm or nx.norm == ny.norm:
                        continue
                    key = (x, y) if x < y else (y, x)
                    ok = self_aligned.get(key)
                    if ok is None:
                        ok = self_aligned[key] = _lone(nx) or _lone(ny) or _self_aligned(g, nx, ny)
                    if not ok:
                        return False
        return True

    def _lone(n: _Node) -> bool:
        """A designation no other document uses ("Tarn-8" where the others say "Tarn-2"),
        aligned with theirs: it stands against them even where its own document names the
        other one elsewhere (then the document contradicts itself, and the row shows it).
        A designation the others use too ("Tarn-1") is another thing; and dates or numbers
        are not taken so: "said on Thursday that it opened an inquiry" is not the day the
        bridge opened."""
        return n.kind == DESIGNATION and g.df.get(n.norm, 0) == 1

    given: dict[int, set[str]] = defaultdict(set)
    for i in ids:
        if nodes[i].norm:
            given[doc_of[i]].add(nodes[i].norm)
    if all(len(v) < 2 for v in given.values()):
        # No document gives two values: the whole set is one row, whatever the order.
        first = min(ids)
        for i in ids:
            root[i] = first
    else:
        edges = _strengths(g, nodes, edges)
        # Strongest first, ties by node ids: two stable sorts in C, not a Python key per edge.
        order = sorted(edges, key=_ENDS)
        order.sort(key=_STRENGTH, reverse=True)
        # Rows only grow, and a row that cannot join another never can once larger: the
        # refusals are remembered by root (a merged row keeps the smaller root).
        refused: set[tuple[int, int]] = set()
        for a, b, _ in order:
            # Most nodes sit one step from their row's root: the loop's common case inline.
            ra, rb = root[a], root[b]
            if root[ra] != ra:
                ra = find(ra)
            if root[rb] != rb:
                rb = find(rb)
            if ra == rb:
                continue
            keep, gone = (ra, rb) if ra < rb else (rb, ra)
            if (keep, gone) in refused:
                continue
            if not compatible(by_doc[ra], by_doc[rb]):
                refused.add((keep, gone))
                continue
            root[gone] = keep
            for d, held in by_doc.pop(gone).items():
                by_doc[keep].setdefault(d, []).extend(held)
    row_of = {i: find(i) for i in ids}
    rows: dict[int, list[int]] = defaultdict(list)
    for i in ids:
        rows[row_of[i]].append(i)
    disputed: set[int] = set()
    for a, b, _ in edges:
        x, y = nodes[a].norm, nodes[b].norm
        if x and y and x != y and row_of[a] == row_of[b] and doc_of[a] != doc_of[b]:
            disputed.add(row_of[a])
    return [(rows[k], k in disputed) for k in sorted(rows)]


def group_facts(docs: Sequence[Document]) -> list[FactRow]:
    """The fact table of one group: disputed rows first, then single-source, then agreed."""
    if not docs:
        return []
    with collector_paused():  # many small objects, no cycles (as in the engine)
        g = GroupIndex(docs, word_order=False)
        forest = _Forest()
        nodes, first = _nodes(g, forest)
        if len(docs) > 1:
            _replaced(g, nodes, forest, first)
        _quotes(g, nodes, forest)
        sets: dict[int, list[int]] = defaultdict(list)
        for i in range(len(nodes)):
            sets[forest.find(i)].append(i)
        edges_of: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
        for edge in forest.edges:
            edges_of[forest.find(edge[0])].append(edge)
        group = docs[0].group
        table = [
            _row(g, group, [nodes[i] for i in ids], disputed)
            for root, members in sets.items()
            for ids, disputed in _split(g, nodes, members, edges_of[root])
        ]
        order = {d.id: i for i, d in enumerate(docs)}
        table.sort(key=_order_key(g, order))
        return table


def _wanted(rows: list[FactRow], disputed_only: bool) -> list[FactRow]:
    return [r for r in rows if r.disputed] if disputed_only else rows


def _group_table(docs: Sequence[Document], disputed_only: bool = False) -> list[FactRow]:
    return _wanted(group_facts(docs), disputed_only)


def _group_jsonl(docs: Sequence[Document], disputed_only: bool = False) -> list[str]:
    return [r.json_line() for r in _wanted(group_facts(docs), disputed_only)]


def corpus_facts(
    corpus: Corpus,
    groups: Collection[str] | None = None,
    disputed_only: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[FactRow]]:
    """The fact table of each group (``groups``: only these), in group order; a large corpus
    is spread over worker processes, as the engine's scoring is."""
    chosen = [d for d in sorted_groups(corpus) if groups is None or d[0].group in groups]
    total = sum(len(d.claims) for docs in chosen for d in docs)
    n = workers_for(total, workers)
    fn = partial(_group_table, disputed_only=disputed_only)
    return groups_in_order(chosen, fn, fn, same, progress, n, total)


def read_and_tabulate_jsonl(
    reader: CorpusReader,
    groups: Collection[str] | None = None,
    disputed_only: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[str]]:
    """The fact table as JSON Lines for a corpus still to be read: each group is tabulated
    as soon as its folder is read."""
    estimate = reader.total_bytes // BYTES_PER_CLAIM
    n = workers_for(estimate, workers)
    chosen = (
        docs
        for unit in reader.units(by_group=True)
        for name, docs in sorted(group_by(unit).items())
        if groups is None or name in groups
    )
    fn = partial(_group_jsonl, disputed_only=disputed_only)
    return groups_in_order(chosen, fn, fn, same, progress, n, None)
