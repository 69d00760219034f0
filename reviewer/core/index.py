"""The index of one group of documents: every claim tokenised once, with its facts, and the
inverted indexes from which candidate matches and aligned facts are found in bounded work.

The suspect engine (``suspects.py``) and the fact table (``fact_table.py``) both stand on it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

from rapidfuzz.distance import Levenshtein

from .corpus import Document, Sentence
from .facts import PERSON, SUPERLATIVE, YEAR, Fact, aligned, facts_of
from .text import DAY, MONTH, NAME, NUM, ROLE, Lexicon, Token, is_cased, split_words, tokenize

CANDIDATE_TOKENS = 8  # rarest tokens of a sentence used to find candidates
POSTING_BUDGET = 400  # postings walked per sentence at most: bounds work in dense groups
FACT_BUDGET = 40  # aligned-fact postings walked per fact at most (counts beyond are sampled)
MAX_CANDIDATES = 24  # other documents whose closest sentence is compared exactly, at most
NEEDS_SIMILARITY = (PERSON, YEAR)  # facts whose alignment also asks how alike sentences are
# Spans of time measure many things in one event (the years of work, the years of the ferry):
# only their own context aligns them.
_SPANS = frozenset("second minute hour day night week month year decade century time".split())


@dataclass(slots=True)
class Unit:
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
    # Slots this sentence has exactly one fact in (superlatives and spans of time left out):
    # slot -> fact index. What two sentences about one event align by (unit_alignments).
    lone_slots: dict[tuple[str, str], int] = field(default_factory=dict)
    name_at: list[tuple[int, Token]] = field(default_factory=list)  # name tokens and positions
    first_name: dict[str, int] = field(default_factory=dict)  # name -> its first position
    weight: float = 0.0  # sum of token weights, for normalised overlap
    lower: str = field(default="")

    def __post_init__(self) -> None:
        self.lower = self.text.lower()


def surface_of(u: Unit, toks: Sequence[Token]) -> str:
    text = u.text[toks[0].start : toks[-1].end]
    return text[:-2] if text.endswith(("'s", "’s")) else text


_NO_PAIRS: frozenset[str] = frozenset()


def word_pairs(tokens: Sequence[Token]) -> frozenset[str]:
    return frozenset(f"{a.norm} {b.norm}" for a, b in zip(tokens, tokens[1:], strict=False))


class GroupIndex:
    """The index and statistics of one group, built once and shared by its sentences."""

    def __init__(self, docs: Sequence[Document], word_order: bool = True) -> None:
        """``word_order``: count adjacent word pairs (the engine's score weighs them; the fact
        table does not, and skips the work)."""
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
        self.units: list[Unit] = []
        doc_norms: list[set[str]] = [set() for _ in docs]
        doc_pairs: list[set[str]] = [set() for _ in docs]
        for i, (cased, claims) in enumerate(split):
            for s, text, words in claims:
                toks = tokenize(text, lexicon, cased, words)
                norm_list = [t.norm for t in toks]
                norms = frozenset(norm_list)
                pairs = word_pairs(toks) if word_order else _NO_PAIRS
                doc_norms[i] |= norms
                doc_pairs[i] |= pairs
                facts = facts_of(text, toks)
                names_roles = frozenset(t.norm for t in toks if t.kind & (NAME | ROLE))
                bare = frozenset(t.norm for t in toks if t.kind & NUM and not t.unit)
                unit = Unit(i, s, text, toks, norms, facts, norm_list, names_roles, bare, pairs)
                if len(facts) > 1:
                    slots = Counter(f.slot for f in facts)
                    unit.lone_slots = {
                        f.slot: k
                        for k, f in enumerate(facts)
                        if slots[f.slot] == 1 and f.kind != SUPERLATIVE and f.unit not in _SPANS
                    }
                if names_roles:
                    unit.name_at = [(k, x) for k, x in enumerate(toks) if x.kind & NAME]
                    for k, x in unit.name_at:
                        unit.first_name.setdefault(x.norm, k)
                self.units.append(unit)
        self.doc_norms = doc_norms
        self._similarity: dict[int, float] = {}
        self._stride = len(self.units) + 1
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
                # The same value in another wording ("toured Orsk on Thursday", "visited
                # the worst-hit town on Thursday"): met by value, aligned if related.
                self.fact_index[(f.kind, f.unit, "=" + f.value)].append((uid, k))
        # Units are added document by document: each document's units are one range of ids.
        self.doc_range = [(ids[0], ids[-1] + 1) if ids else (0, 0) for ids in self.doc_units]
        self.posting_len = {t: len(p) for t, p in self.postings.items()}
        # Surprise of a token that k other documents use: 1 when none does, 0 when all do.
        log_others = math.log(self.n)
        self.surprise = [math.log(self.n / (k + 1.0)) / log_others for k in range(self.n)]

    def support(self, unit: Unit, norm: str) -> int:
        """Other documents that use ``norm`` (the unit's own document never counts)."""
        return self.df.get(norm, 0) - (1 if norm in self.doc_norms[unit.doc] else 0)

    def similarity(self, a: int, b: int) -> float:
        """``cosine`` of two units, computed once per pair: candidates, aligned facts and
        evidence all ask for the same pairs."""
        return self.similarities(((a, b),))[0]

    def similarities(self, pairs: Iterable[tuple[int, int]]) -> list[float]:
        """``similarity`` of each pair of units: one call for a batch, the cache looked up
        and filled inline (the fact table weighs thousands of pairs)."""
        cache, stride, units, idf = self._similarity, self._stride, self.units, self.idf
        out = []
        for a, b in pairs:
            key = a * stride + b if a < b else b * stride + a
            sim = cache.get(key)
            if sim is None:
                sim = cache[key] = cosine(units[a], units[b], idf)
            out.append(sim)
        return out

    def candidates(
        self, uid: int, limit: int = MAX_CANDIDATES, budget: int = POSTING_BUDGET
    ) -> list[tuple[float, int]]:
        """(similarity, unit id) of the best sentence in each other document, best first;
        at most ``limit`` documents (those sharing the most rare words) are compared, found
        among at most ``budget`` postings of the sentence's rarest words."""
        u = self.units[uid]
        # Rarest first, ties by token: two stable C-level sorts instead of a Python key.
        rare = sorted(sorted(u.norms), key=self.posting_len.__getitem__)
        # How many of the sentence's rarest words each other sentence shares: counted in C.
        walk: list[int] = []
        used = 0
        for t in rare:
            plist = self.postings[t]
            if len(plist) <= 1:
                continue  # only this sentence uses it
            if len(walk) + len(plist) > budget and used:
                break
            walk += plist
            used += 1
            if used >= CANDIDATE_TOKENS:
                break
        shared = Counter(walk)  # one count in C over every posting walked
        # The sentence of each other document that shares the most; a document's own
        # sentences are one range of ids. Counted in a fixed order, ties kept first: the same
        # every run. Only the best few overall are looked at per document.
        lo, hi = self.doc_range[u.doc]
        unit_doc = self.unit_doc
        per_doc: dict[int, int] = {}
        # sorted is stable, as most_common is, and sorts in C (the ids alone: no pairs built).
        counted = sorted(shared, key=shared.__getitem__, reverse=True)
        # Documents are met most shared first, so in a dense group the first ``limit`` are
        # the closest, and enough.
        for other in counted[: 3 * min(self.n, limit + 1)]:
            if lo <= other < hi:
                continue
            d = unit_doc[other]
            if d not in per_doc:
                per_doc[d] = other
                if len(per_doc) == limit:
                    break
        others = list(per_doc.values())
        sims = self.similarities([(uid, other) for other in others])
        best = [(sim, other) for sim, other in zip(sims, others, strict=True) if sim]
        return sorted(best, key=lambda x: (-x[0], x[1]))

    def unit_alignments(self, uid: int) -> list[list[tuple[int, int]]]:
        """``aligned_facts`` of each fact of unit ``uid``, plus what two sentences that tell
        the same event imply: when a fact of each gives the same value in one slot (both say
        "on Friday", both name the mayor), their only facts of another slot speak of the same
        thing too ("released 90 million euros" / "approved 30 million euros")."""
        u = self.units[uid]
        found = [self.aligned_facts(uid, k) for k in range(len(u.facts))]
        lone = u.lone_slots
        if not lone or len(u.facts) < 2:
            return found  # an anchor and another slot are needed
        units = self.units
        have: list[set[tuple[int, int]]] | None = None
        for k, f in enumerate(u.facts):
            if f.kind == SUPERLATIVE:
                continue
            for other, j in found[k]:
                o = units[other]
                if o.facts[j].value != f.value or not o.lone_slots:
                    continue
                for slot, k2 in lone.items():
                    if slot == f.slot:
                        continue
                    j2 = o.lone_slots.get(slot)
                    if j2 is None:
                        continue
                    if have is None:
                        have = [set(x) for x in found]
                    if (other, j2) not in have[k2]:
                        have[k2].add((other, j2))
                        found[k2].append((other, j2))
        return found

    def aligned_facts(self, uid: int, k: int) -> list[tuple[int, int]]:
        """Facts of other documents aligned with fact ``k`` of unit ``uid``, as (unit id,
        fact index), in index order: at most one walk of FACT_BUDGET postings."""
        u = self.units[uid]
        f = u.facts[k]
        units = self.units
        lo, hi = self.doc_range[u.doc]  # the fact's own document: one range of unit ids
        seen: set[tuple[int, int]] = set()
        out: list[tuple[int, int]] = []
        walked = 0
        # Postings under a context word share that word with the fact: for most kinds that
        # is alignment already, and needs no sentence similarity (the common, cheap case).
        fast = f.kind not in NEEDS_SIMILARITY
        keys = [(f.kind, f.unit, w) for w in sorted(f.context)]
        shared_context = len(keys)
        keys.append((f.kind, f.unit, ""))
        keys.append((f.kind, f.unit, "=" + f.value))
        for n, key in enumerate(keys):
            for other, j in self.fact_index.get(key, ()):
                walked += 1
                if walked > FACT_BUDGET:
                    return out
                if lo <= other < hi:
                    continue
                pair = (other, j)
                if pair in seen:
                    continue
                seen.add(pair)
                if fast and (
                    n < shared_context or not f.context.isdisjoint(units[other].facts[j].context)
                ):
                    out.append(pair)
                    continue
                if aligned(f, units[other].facts[j], partial(self.similarity, uid, other)):
                    out.append(pair)
        return out


def cosine(u: Unit, o: Unit, idf: dict[str, float]) -> float:
    """IDF-weighted overlap of two sentences' content tokens, in [0, 1]."""
    shared = u.norms & o.norms
    if not shared or not u.weight or not o.weight:
        return 0.0
    # fsum is exact, so the sum does not depend on the set's order (nor on the hash seed).
    return math.fsum(map(idf.__getitem__, shared)) / math.sqrt(u.weight * o.weight)


def replacements(
    g: GroupIndex, u: Unit, o: Unit, skip: Container[str] = ()
) -> Iterator[tuple[int, list[Token], list[Token], str]]:
    """Details of ``u`` that a near-paraphrase ``o`` has replaced by another of the same kind
    in the same place ("said Helen Ashdown" / "said Margaret Quill"): (kind, u's tokens, o's
    tokens, u's surface), token by token along an edit alignment of the two sentences; a
    surface in ``skip`` (a detail compared in its slot already) is passed over. A name the other
    document uses elsewhere is a rewording, not another name; a number with a unit is left
    to its fact (compared slot by slot)."""
    # Only a name or role the other document never uses, or a number without a unit the
    # other sentence lacks, can be reported: most pairs have none, and skip the work.
    if all(n in g.doc_norms[o.doc] for n in u.names_roles) and u.bare_numbers <= o.norms:
        return
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
            surface = surface_of(u, m)
            if surface in skip:
                continue
            if kind & (NAME | ROLE) and all(t.norm in g.doc_norms[o.doc] for t in m):
                continue
            if kind & NUM and (
                any(t.unit for t in m) or any(t.norm == x.norm for t in m for x in o.tokens)
            ):
                continue
            yield kind, m, th, surface
            break
