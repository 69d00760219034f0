"""Facts: the checkable details of a sentence, each in its slot, and which facts of different
documents speak of the same thing.

A fact is a value in a slot: a quantity with its unit (the "four-day" visit: 4 of ``day``), the
weekday or month of an event, a year with what happened in it, a person in a role ("Defense
Minister Sergei Shoigu"), a first/record/largest claim. Two facts of different documents are
*aligned* when they are of the same kind and unit and the words around them overlap ("four-day
visit" and "three-day state visit" share "visit"; "parade on Friday" and "Thursday's parade"
share "parade", while "On Thursday, Xi told Putin" shares nothing with either). Only aligned
facts with different values conflict, and only aligned facts with the same value back each
other: the year a bridge was built never conflicts with the year it was inspected, and a
68-year-old bridge (an age) never conflicts with the year 1957.

The suspect engine (conflicts, backing, evidence, receipts) and the fact table (one row per
aligned set of facts) both stand on this module: one mechanism, not two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from .text import DAY, MONTH, NAME, NUM, ROLE, SUPER, WORD, Token, unit_of

QUANTITY, YEAR, DATE, PERSON, SUPERLATIVE = "quantity", "year", "date", "person", "superlative"
DESIGNATION = "designation"  # a model or product in a numbered series: "Tarn-2", "F-16"
_ROLE_SPELLING = {"defence": "defense", "labour": "labor", "councillor": "councilor"}
_CONTEXT_BEFORE = 3  # content words before a detail that may say what it is about
_CONTEXT_AFTER = 2
# An event's date is told further from the event's words ("on Friday, when the mayor opened
# the bridge"): dates look four words either way.
_DATE_REACH = 4


class Fact(NamedTuple):
    kind: str  # QUANTITY, YEAR, DATE, PERSON, SUPERLATIVE or DESIGNATION
    unit: str  # what is measured or named: "day", "other country", "@weekday", "role:...",
    # a designation's series ("tarn")
    value: str  # the normalised value ("#4", "friday", "shoigu")
    surface: str  # as the sentence writes it ("four-day", "Thursday's", "Sergei Shoigu")
    start: int  # offsets in the sentence
    end: int
    context: frozenset[str]  # content words around it: what the value is about
    about: str = ""  # a person's role as written ("Secretary of State"); the event a
    # possessive date names ("Saturday's launch": "launch")

    @property
    def slot(self) -> tuple[str, str]:
        return (self.kind, self.unit)

    def describe(self) -> str:
        """The slot in words, for reasons and the fact table ("day (visit)", "defense
        minister")."""
        if self.kind == PERSON:
            return self.about or self.unit.removeprefix("role:")
        if self.kind == DATE:
            what = "weekday" if self.unit == "@weekday" else "month"
        elif self.kind == YEAR:
            what = "year"
        elif self.kind == SUPERLATIVE:
            what = self.surface.split(None, 1)[0].strip(":,;").lower()  # as written, not stemmed
        elif self.kind == DESIGNATION:
            what = self.surface.rsplit("-", 1)[0] + "-n"
        else:
            what = self.unit or "number"
        about = ", ".join(sorted(self.context)[:3])
        return f"{what} ({about})" if about else what


def _surface(sentence: str, toks: Sequence[Token]) -> str:
    text = sentence[toks[0].start : toks[-1].end]
    return text[:-2] if text.endswith(("'s", "’s")) else text


def _context(
    tokens: Sequence[Token],
    before: int,
    after: int,
    reach_before: int = _CONTEXT_BEFORE,
    reach_after: int = _CONTEXT_AFTER,
    kinds: int = WORD | NAME,
) -> frozenset[str]:
    """Ordinary content words within reach of a detail (not numbers, dates or roles, which
    are details of their own)."""
    near = [*tokens[max(0, before - reach_before) : before], *tokens[after : after + reach_after]]
    return frozenset(t.norm for t in near if t.kind & kinds and not t.kind & (NUM | DAY | MONTH))


def _event(sentence: str, tokens: Sequence[Token], i: int) -> str:
    """The event a possessive date names ("Saturday's launch" -> "launch"): the word right
    after it. Other dates leave it unsaid ("said on Saturday that it opened an inquiry")."""
    t = tokens[i]
    if i + 1 < len(tokens) and sentence.endswith(("'s", "’s"), t.start, t.end):
        nxt = tokens[i + 1]
        if nxt.kind == WORD and not sentence[t.end : nxt.start].strip():
            return nxt.norm
    return ""


def facts_of(sentence: str, tokens: Sequence[Token]) -> list[Fact]:
    """The facts of one sentence, from its tokens (see ``text.tokenize``)."""
    out: list[Fact] = []
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        if t.kind & NUM and t.unit:
            surface = sentence[t.start : t.end]
            after = i + 1
            # "four-day": the unit word belongs to the surface and is not context.
            if after < n and t.unit.split()[-1].removesuffix("-old") == unit_of(tokens[after].norm):
                surface = sentence[t.start : tokens[after].end]
                after += 1
            kind = YEAR if t.unit == "@year" else QUANTITY
            out.append(
                Fact(
                    kind,
                    t.unit,
                    t.norm,
                    surface,
                    t.start,
                    t.end,
                    _context(tokens, i, after, kinds=WORD if kind == QUANTITY else WORD | NAME),
                )
            )
        elif t.kind & (DAY | MONTH):
            unit = "@weekday" if t.kind & DAY else "@month"
            surface = _surface(sentence, [t])
            # The event a date belongs to is said in ordinary words ("parade", "dinner"); the
            # names around it are who was there, and the same people meet on many days.
            context = _context(tokens, i, i + 1, _DATE_REACH, _DATE_REACH, WORD)
            out.append(
                Fact(
                    DATE,
                    unit,
                    t.norm,
                    surface,
                    t.start,
                    t.end,
                    context,
                    _event(sentence, tokens, i),
                )
            )
        elif t.kind & NAME and "-" in t.norm:
            # A designation: its series is the slot, so "Tarn-8" disputes "Tarn-2" where the
            # words around them meet, and never "Helix-7".
            series = t.norm.rsplit("-", 1)[0]
            context = _context(tokens, i, i + 1)  # who sends it says what it is, too
            surface = _surface(sentence, [t])
            out.append(Fact(DESIGNATION, series, t.norm, surface, t.start, t.end, context))
        elif t.kind & SUPER and not t.kind & NAME:
            nxt = next((x for x in tokens[i + 1 : i + 3] if x.kind & WORD), None)
            value = nxt.norm if nxt is not None else ""
            out.append(
                Fact(SUPERLATIVE, t.norm, value, _surface(sentence, [t] + ([nxt] if nxt else [])),
                     t.start, t.end, _context(tokens, i, i + 1))
            )  # fmt: skip
        i += 1
    out.extend(_people(sentence, tokens))
    return out


def _role_key(toks: Sequence[Token]) -> str:
    return "role:" + " ".join(_ROLE_SPELLING.get(t.norm, t.norm) for t in toks)


def _people(sentence: str, tokens: Sequence[Token]) -> list[Fact]:
    """A person in a role: a title followed by a name ("Defense Minister Sergei Shoigu",
    "Secretary of State Antony Blinken"), or a name followed by its title ("Alexander Gabuev,
    director of ..."). The role is the slot, the person (by surname) the value: another person
    in the same role is a conflict."""
    out: list[Fact] = []
    n = len(tokens)
    i = 0
    while i < n:
        if not tokens[i].kind & ROLE:
            i += 1
            continue
        j = i
        while j + 1 < n and tokens[j + 1].kind & ROLE and tokens[j + 1].start - tokens[j].end <= 4:
            j += 1
        role = tokens[i : j + 1]
        k = j + 1
        names: list[Token] = []
        while k < n and tokens[k].kind & NAME and tokens[k].start - (names or role)[-1].end <= 2:
            names.append(tokens[k])
            k += 1
        if not names and i >= 2 and tokens[i - 1].kind & NAME:
            # "Alexander Gabuev, director of ...": the name comes first.
            gap = sentence[tokens[i - 1].end : role[0].start]
            if gap.strip(" ,") in ("", "the", "a", "an"):
                m = i - 1
                while (
                    m > 0 and tokens[m - 1].kind & NAME and tokens[m].start - tokens[m - 1].end <= 2
                ):
                    m -= 1
                names = list(tokens[m:i])
        if names:
            before = [t.norm for t in tokens[max(0, i - 2) : i] if t.kind & (WORD | NAME)]
            context = frozenset(x for x in before if x not in {t.norm for t in names})
            title = sentence[role[0].start : role[-1].end]
            out.append(
                Fact(PERSON, _role_key(role), names[-1].norm, _surface(sentence, names),
                     names[0].start, names[-1].end, context, title)
            )  # fmt: skip
        i = max(j + 1, k)
    return out


PARAPHRASE = 0.5  # sentence similarity (idf cosine) above which sentences say the same thing
RELATED = 0.2  # below this, two sentences are about different things, whatever words they share


def aligned(a: Fact, b: Fact, similarity: Callable[[], float]) -> bool:
    """Do two facts speak of the same thing? ``similarity()`` is that of their sentences,
    asked for only when the answer depends on it (it is the costly part).

    Same kind and unit, and: near-paraphrase sentences; or related sentences whose context
    words around the values overlap; or, for a count specific enough on its own ("13 other
    nations"), any related sentence. A person in a role: overlapping contexts ("Russian"
    and "Chinese" defense ministers never align), or, without context, a role of two words
    or more ("defense minister"), since a bare "President" names several people in any
    story.
    """
    if a.kind != b.kind or a.unit != b.unit:
        return False
    if a.kind == PERSON:
        if a.context and b.context:
            return bool(a.context & b.context)
        return " " in a.unit or similarity() >= PARAPHRASE
    if a.kind == YEAR:
        # Years are dense (a biography has one per event) and each belongs to its own
        # event: only in related sentences do two years speak of the same thing.
        sim = similarity()
        return sim >= PARAPHRASE or (sim >= RELATED and bool(a.context & b.context))
    if a.context & b.context or a.unit.startswith("other "):
        return True
    # The same value in related sentences is the same fact told in other words; a different
    # value needs a near-paraphrase to be taken for the same slot.
    return similarity() >= (RELATED if a.value == b.value else PARAPHRASE)
