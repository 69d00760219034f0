"""Tokens for comparing sentences across documents: normalised words with typed details.

Generic English rules only (stop words, spelled numbers, weekdays, months, titles, nationality
adjectives); nothing here is taken from any particular corpus.

Real input is not always clean prose: machine summaries are lowercased and tokenised
(``locke 's``, ``does n't``, ``$ 5,000``, `` `` quote '' ``, ``UNK``), chatbot answers glue
citation markers to words (``hardware AP News2.``). Names are recognised by their capitals
where a document has capitals, and, in a lowercased document, by the casing the rest of the
group uses for the same word (the ``Lexicon``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves s t also however although though yet upon per via amid amidst among within
    without whose whether may might must shall us said says say according including like well
    even still already around across along toward towards onto since ago one ones another many
    much several wo ca unk""".split()
)

WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
MONTHS = frozenset(
    """january february march april may june july august september october november
    december""".split()
)
_AMBIGUOUS_MONTHS = frozenset(("may", "march"))  # verbs too: a month only when written so
CARDINALS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "dozen": 12,
}  # fmt: skip
# "first" is left out: it is a superlative far more often ("for the first time") than a rank.
ORDINALS = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}  # fmt: skip
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
ROLES = frozenset(
    """president minister mayor governor secretary chancellor king queen prince princess senator
    ambassador chairman chairwoman chair director ceo founder spokesman spokeswoman
    spokesperson general commander judge premier leader chief head official officer councillor
    councilor representative deputy envoy emperor pope bishop captain coach manager editor
    professor lieutenant colonel admiral sheriff attorney prosecutor commissioner boss
    secretary-general""".split()
)
# Words that make a title with a role word ("Prime Minister", "Defense Secretary"): capitalised,
# they belong to the role, never to the name that follows it.
TITLE_WORDS = frozenset(
    """prime deputy vice foreign defence defense interior home finance health justice trade
    acting former chief senior executive general state affairs security agriculture education
    energy environment transport culture labour labor economy treasury attorney supreme
    assistant associate""".split()
)
# Nationality and region adjectives: capitalised, but not names of their own.
DEMONYMS = frozenset(
    """american british english scottish welsh irish french german italian spanish portuguese
    dutch belgian swiss austrian swedish norwegian danish finnish icelandic polish czech slovak
    hungarian romanian bulgarian greek turkish russian ukrainian belarusian georgian armenian
    azerbaijani kazakh uzbek chinese japanese korean mongolian vietnamese thai cambodian
    laotian burmese malaysian indonesian filipino singaporean indian pakistani bangladeshi
    nepalese afghan iranian iraqi syrian lebanese israeli palestinian jordanian saudi yemeni
    omani emirati qatari kuwaiti egyptian libyan tunisian algerian moroccan sudanese ethiopian
    somali kenyan ugandan tanzanian rwandan nigerian ghanaian senegalese malian congolese
    angolan zambian zimbabwean mozambican namibian african canadian mexican cuban haitian
    dominican jamaican guatemalan honduran salvadoran nicaraguan panamanian colombian
    venezuelan ecuadorian peruvian bolivian brazilian paraguayan uruguayan argentine
    argentinian chilean australian zealander european asian arab arabic latin nordic baltic
    balkan soviet sino western eastern northern southern central atlantic pacific
    mediterranean middle""".split()
)
SUPERLATIVE_WORDS = frozenset(
    """first record largest biggest highest lowest longest shortest oldest youngest greatest
    smallest fastest unprecedented historic never only ever""".split()
)
_NOT_SUPERLATIVE = frozenset(
    """interest honest forest west protest request suggest arrest latest contest modest harvest
    invest manifest nest rest test best guest chest digest quest""".split()
)
# A number's unit, said in other words: "13 other nations" and "12 other countries" count the
# same thing. Generic English, a small table.
UNIT_SYNONYMS = {
    "nation": "country", "soldier": "troop", "serviceman": "troop", "servicemen": "troop",
    "person": "people", "individual": "people", "percent": "%", "pc": "%", "dollar": "$",
    "usd": "$", "pound": "£", "gbp": "£", "euro": "€", "eur": "€", "yen": "¥", "yr": "year",
    "hr": "hour", "min": "minute", "sec": "second", "kilometre": "km", "kilometer": "km",
    "metre": "m", "meter": "m", "mile": "mi",
}  # fmt: skip
CURRENCY = {"$": "$", "£": "£", "€": "€", "¥": "¥"}

_DETERMINERS = frozenset("""the both these those their its his her our your my""".split())
_CONTRACTION_BASES = frozenset(
    """don can won isn aren didn doesn hasn haven wasn weren couldn shouldn wouldn let that
    there""".split()
)

# Word pieces: a word, a time (2:07:00), a score (3-1), a number with separators. The word
# comes first: it is most tokens, and the other forms start with a digit.
_TOKEN = re.compile(
    # A designation ("Tarn-2", "F-16", "COVID-19"): one name, not a name and a number. Tried
    # first, it fails at once on the lower-case words that are most tokens. "Mid-2020" and
    # "Pre-1990" are a word and a year.
    r"[A-Z][A-Za-z]*(?<!Mid)(?<!Pre)(?<!Post)(?<!Late)(?<!Early)(?<!Circa)-\d+[A-Za-z]?(?![\w-])"
    r"|[^\W\d_][^\W_]*(?:['’][^\W_]+)*"  # most tokens: a word (inner apostrophes kept)
    r"|(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?![\w:])"
    r"|(?<![\w-])\d{1,2}[-–]\d{1,2}(?![\w-])"
    r"|\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?%?(?![^\W_])"
    r"|[^\W_]+(?:['’][^\W_]+)*"  # what is left: letters and digits mixed ("4x4")
)
_QUOTE = re.compile(r"[\"“”]([^\"“”]{3,400})[\"“”]|``\s?([^`']{3,400}?)\s?''")
_CITATION = re.compile(r"([A-Za-z]{2,})(\d{1,2})")

NUM, DAY, MONTH, NAME, ROLE, SUPER, WORD, CITE = 1, 2, 4, 8, 16, 32, 64, 128
CHECKABLE = NUM | DAY | MONTH | NAME | SUPER | CITE


class Token(NamedTuple):
    """A content token. A NamedTuple: tokenising builds one per word, and a tuple is several
    times cheaper to build than a frozen dataclass."""

    norm: str  # what is compared across documents
    start: int  # offsets in the sentence text, for quoting in reasons
    end: int
    kind: int
    unit: str = ""  # numbers: what is counted ("day", "troop", "%", "time"; "@year" for dates)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light, predictable stemmer: plurals, possessives and past tenses, enough to match
    paraphrases ("launched on Tuesday", "Tuesday's launch")."""
    w = word.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("'"):
        w = w[:-1]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return _past_root(w)


_SILENT_E = ("at", "bl", "iz", "iv", "nc", "rc", "ur", "os", "ag", "ng", "rg", "dg", "ud")


def _past_root(w: str) -> str:
    """A word without its past-tense ending: "opened" and "opens" are "open", "launched" is
    "launch" (a light Porter step 1b: "arrived" is "arrive", "planned" is "plan"). Short words
    are left whole ("used", "based"), and "-ing" forms too ("morning", "evening")."""
    if len(w) < 6 or not w.endswith("ed") or w.endswith("eed"):
        return w
    w = w[:-2]
    if w[-1] == w[-2] and w[-1] not in "lsz":
        return w[:-1]  # "planned", "stopped"
    if w.endswith(_SILENT_E):
        return w + "e"  # "announced", "arrived", "created", "secured", "changed"
    return w


def unit_of(word: str) -> str:
    base = stem(word.lower())
    return UNIT_SYNONYMS.get(base, base)


def _number(raw: str) -> str | None:
    digits = raw.rstrip("%")
    ordinal = ""
    for suf in ("st", "nd", "rd", "th", "s"):
        if digits.endswith(suf) and digits[: -len(suf)].replace(",", "").replace(".", "").isdigit():
            ordinal = "th" if suf != "s" else ""
            digits = digits[: -len(suf)]
            break
    digits = digits.replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    return f"#{value:g}{ordinal}"


_TITLE_WORD = re.compile(r"[^\W\d_]{4,}")


def is_title_case(sentence: str) -> bool:
    """A heading in Title Case: capitals there say nothing about names."""
    words = _TITLE_WORD.findall(sentence)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


_LETTERS = re.compile(r"[^\W\d_]+")


def is_cased(text: str) -> bool:
    """Does the text use capitals at all? Lowercased machine output does not (an all-caps
    placeholder such as UNK aside): there, a capital says nothing and none is expected.
    The first 1,500 characters (some 250 words) tell."""
    upper = total = 0
    for w in _LETTERS.findall(text[:1_500]):
        total += 1
        if w[0].isupper() and not w.isupper():
            upper += 1
    return total == 0 or upper >= max(1, total // 100)


_CLOSING = "\"'”’»)]"


def is_heading_like(sentence: str) -> bool:
    """Title Case without sentence punctuation: a heading, where capitals say nothing about
    names. A name-dense sentence that ends like prose is not one."""
    return sentence.rstrip().rstrip(_CLOSING)[-1:] not in ".!?" and is_title_case(sentence)


_FIRST_TWO = re.compile(r"\s*([^\W\d_]+) ([^\W\d_]+)")


def capitalised_mid_sentence(sentence: str) -> set[str]:
    """Lower-cased words written with a capital inside a sentence: names, in ordinary prose.
    A capitalised first word counts when a capitalised word follows it directly ("Gary Locke
    will..."), the rule ``tokenize`` uses."""
    if is_heading_like(sentence):
        return set()
    words = _LETTERS.findall(sentence)
    names = {w.lower() for w in words[1:] if w[0].isupper() and not w.isupper()}
    first = _FIRST_TWO.match(sentence)
    if (
        first
        and first.group(1)[0].isupper()
        and first.group(2)[0].isupper()
        and first.group(1).lower() not in STOPWORDS
    ):
        names.add(first.group(1).lower())
    return names


_LOWER_WORD = re.compile(r"\b[a-z][a-z'’]+\b")


def lower_words(text: str) -> set[str]:
    """Words that occur in lower case in ``text``: evidence that they are ordinary words."""
    return set(_LOWER_WORD.findall(text))


@dataclass(frozen=True)
class Lexicon:
    """What a group's cased documents say about words: ``names`` are written with a capital
    inside sentences, ``lower`` in lower case. A lowercased document borrows this knowledge."""

    names: frozenset[str] = frozenset()
    lower: frozenset[str] = frozenset()

    @classmethod
    def of(cls, texts: Iterable[tuple[str, Iterable[str]]]) -> Lexicon:
        """From (document text, its claim sentences); lowercased documents teach nothing."""
        return cls.from_words(
            (sentence, split_words(sentence))
            for text, sentences in texts
            if is_cased(text)
            for sentence in sentences
        )

    @classmethod
    def from_words(cls, sentences: Iterable[tuple[str, Words]]) -> Lexicon:
        """From the claim sentences of the group's cased documents, already split into words
        (``split_words``): each sentence is split once, for this and for ``tokenize``."""
        names: set[str] = set()
        lower: set[str] = set()
        for sentence, words in sentences:
            heading = is_heading_like(sentence)
            first = -1
            for k, (word, _, end) in enumerate(words):
                c = word[0]
                if c.islower():
                    if len(word) > 1:
                        lower.add(word)
                    if first < 0:
                        first = k
                elif c.isalpha():
                    if first < 0:
                        first = k
                        # A capitalised first word is a name only when another capitalised
                        # word follows it directly ("Gary Locke will...").
                        nxt = words[k + 1] if k + 1 < len(words) else None
                        if (
                            nxt is not None
                            and nxt[1] == end + 1
                            and nxt[0][0].isupper()
                            and word.lower() not in STOPWORDS
                            and not heading
                        ):
                            names.add(_bare(word.lower()))
                    elif not heading and not word.isupper():
                        names.add(_bare(word.lower()))
        return cls(frozenset(names), frozenset(lower))


Words = list[tuple[str, int, int]]  # (word, start, end) pieces of a sentence


def _bare(lower: str) -> str:
    """A name without its possessive: "kilmarnock's" is "kilmarnock" (tokenised text writes
    "kilmarnock 's")."""
    return lower[:-2] if lower.endswith(("'s", "’s")) else lower


_new = tuple.__new__


def split_words(sentence: str) -> Words:
    """The word pieces of a sentence: what ``tokenize`` classifies."""
    return [(m[0], m.start(), m.end()) for m in _TOKEN.finditer(sentence)]


def tokenize(
    sentence: str, lexicon: Lexicon = Lexicon(), cased: bool = True, raw: Words | None = None
) -> list[Token]:
    """Content tokens of a sentence with their kinds; stop words dropped.

    In a cased document a capitalised word inside a sentence is a name; a capitalised first
    word is one only if another capitalised word follows it directly or the group writes it
    capitalised elsewhere; in a Title Case heading only words the group capitalises elsewhere
    are names. In a lowercased document a word is a name when the group's cased documents
    capitalise it and never write it in lower case. Title words ("Prime", "Minister") and
    nationality adjectives ("Belarusian") are never names.
    """
    out: list[Token] = []
    if raw is None:
        raw = split_words(sentence)
    title = cased and is_heading_like(sentence)
    first_alpha = next((k for k, w in enumerate(raw) if w[0][0].isalpha()), len(raw))
    last_word = len(raw) - 1
    pending: Token | None = None  # a number waiting for its unit (the next content word)
    for i, (word, s, e) in enumerate(raw):
        first = word[0]
        if pending is None and cased and first.islower():
            # Most words of prose: lower case, no number waiting for them. What they are
            # depends on the word alone, and is looked up.
            plain = _plain_word(word)
            if plain is not _CONTEXT:
                if plain is not None:
                    out.append(_new(Token, (plain[0], s, e, plain[1], "")))
                continue
        if first.isdigit():
            pending = None
            if ":" in word:
                out.append(Token("#" + word, s, e, NUM, "time"))
                continue
            if "-" in word or "–" in word:
                out.append(Token("#" + word.replace("–", "-"), s, e, NUM, "score"))
                continue
            norm = _number(word)
            if norm is None:
                continue
            value = float(norm[1:].rstrip("th"))
            before = sentence[max(0, s - 2) : s].strip()
            if before[-1:] in CURRENCY:
                out.append(Token(norm, s, e, NUM, CURRENCY[before[-1]]))
                pending = out[-1]
                continue
            if word.endswith("%") or sentence[e : e + 2].strip()[:1] == "%":
                out.append(Token(norm, s, e, NUM, "%"))
                continue
            if (
                1000 <= value <= 2100
                and value.is_integer()
                and "," not in word
                and not norm.endswith("th")
            ):
                out.append(Token(norm, s, e, NUM, "@year"))  # a calendar year, not a duration
                continue
            out.append(Token(norm, s, e, NUM))
            pending = out[-1]
            continue
        lower = word.lower()
        if lower in STOPWORDS and lower not in MONTHS:
            continue  # most tokens; "may" may be a month, checked below
        if lower in SCALES and out and out[-1].kind == NUM and out[-1].end >= s - 1:
            prev = out[-1]
            value = float(prev.norm[1:].rstrip("th")) * SCALES[lower]
            out[-1] = Token(f"#{value:g}", prev.start, e, NUM, prev.unit)
            pending = out[-1]
            continue
        if (
            lower in CARDINALS
            or (
                lower in ORDINALS
                # "a 30-second clip": a unit after a number, not an ordinal
                and not (out and out[-1].kind == NUM and sentence[out[-1].end : s] in "- ")
            )
        ):
            # "the two nations" refers back to things already named; it is not a count claim.
            # "The three-day visit" is a measure, and "the third quarter" an ordinal, though.
            is_ordinal = lower in ORDINALS
            if (
                not is_ordinal
                and i
                and raw[i - 1][0].lower() in _DETERMINERS
                and sentence[e : e + 1] != "-"
            ):
                continue
            value = ORDINALS[lower] if is_ordinal else CARDINALS[lower]
            tok = Token(f"#{value:g}{'th' if is_ordinal else ''}", s, e, NUM)
            out.append(tok)
            pending = tok
            continue
        if "'" in lower or "’" in lower:
            base, _, suffix = lower.replace("’", "'").partition("'")
            if (
                base in STOPWORDS
                or base in _CONTRACTION_BASES
                or suffix in ("t", "re", "ll", "ve", "m", "d")
            ):
                continue
        base = stem(lower)  # "Thursday's" is a weekday, "presidents" a title
        is_month = base in MONTHS and (
            first.isupper()
            or (not cased and (base not in _AMBIGUOUS_MONTHS or _number_follows(raw, i)))
        )
        if not is_month and (lower in STOPWORDS or (len(lower) < 2 and not word.isupper())):
            continue
        if i == last_word and first.isupper() and (cite := _CITATION.fullmatch(word)):
            # "...supply lines CNN1." or "The Guardian4.": a citation marker, not a name.
            source = cite.group(1)
            k = len(out)
            while k and out[k - 1].kind & NAME and sentence[out[k - 1].end : s].strip() == "":
                k -= 1
                s = out[k].start
            if k == len(out) and i and raw[i - 1][0][:1].isupper():
                # "The Guardian4": "The" is a stop word, but part of the source's name.
                prev_word, prev_start, prev_end = raw[i - 1]
                if sentence[prev_end:s].strip() == "":
                    s = prev_start
            del out[k:]
            out.append(Token(f"cite:{stem(source.lower())}", s, e, CITE))
            pending = None
            continue
        kind = WORD
        if "-" in word:
            kind = NAME  # a designation ("Tarn-2"): only these word pieces hold a hyphen
        elif base in WEEKDAYS:
            kind = DAY
        elif is_month:
            kind = MONTH
        elif base in ROLES or (
            base in TITLE_WORDS and (first.isupper() or not cased) and _role_follows(raw, i)
        ):
            kind = ROLE
        elif lower in DEMONYMS:
            kind = WORD
        elif cased and first.isupper():
            known = _bare(lower) in lexicon.names
            if title:
                name = known
            elif i == first_alpha:
                # "Alexander Gabuev said" is a name; "Historically, China" is not: the next word
                # must follow directly, with nothing but a space between.
                nxt = raw[i + 1] if i + 1 < len(raw) else ("", e, e)
                joined = sentence[e : nxt[1]] == " " and nxt[0][:1].isupper()
                name = lower not in lexicon.lower and (known or joined)
            else:
                name = True
            if name:
                kind = NAME
        elif not cased and _bare(lower) in lexicon.names and lower not in lexicon.lower:
            kind = NAME
        kind = _superlative(lower, kind)
        if (
            pending is not None
            and kind & (WORD | ROLE)
            and not pending.unit
            # "Realpolitik 2.0: Uniting ...": punctuation ends the number's phrase.
            and not _PHRASE_END.search(sentence, pending.end, s)
        ):
            # The unit of a number is the content word right after it ("four-day" -> day,
            # "13 other nations" -> other country); "18-month-old" is an age, not a month.
            unit = unit_of(word)
            if sentence[e : e + 4].lower() == "-old":
                unit += "-old"
            if "other" in sentence[pending.end : s].lower().split():
                unit = "other " + unit
            idx = out.index(pending)
            out[idx] = Token(pending.norm, pending.start, pending.end, pending.kind, unit)
        pending = None
        out.append(_new(Token, (base, s, e, kind, "")))  # Token(...) without its Python frame
    return out


_PHRASE_END = re.compile(r"[:;,()\[\]!?]")
_CONTEXT = ("", 0)  # a word whose token depends on the words around it


@lru_cache(maxsize=200_000)
def _plain_word(word: str) -> tuple[str, int] | None:
    """What ``tokenize`` makes of a word written in lower case in a cased document when no
    number waits for a unit: (norm, kind), None for a stop word, ``_CONTEXT`` when the words
    around it decide (numbers, scales, contractions). The same rules, in the same order, as
    its loop."""
    lower = word.lower()
    if lower in STOPWORDS and lower not in MONTHS:
        return None
    if (
        lower in SCALES
        or lower in CARDINALS
        or lower in ORDINALS
        or "'" in lower
        or "’" in lower
        or "-" in word
        or lower in MONTHS
    ):
        return _CONTEXT
    if len(lower) < 2:
        return None
    base = stem(lower)
    return base, _superlative(lower, DAY if base in WEEKDAYS else ROLE if base in ROLES else WORD)


def _superlative(lower: str, kind: int) -> int:
    """``kind`` marked SUPER when the word is a superlative ("largest", "first")."""
    if lower in SUPERLATIVE_WORDS or (
        len(lower) > 5 and lower.endswith("est") and lower not in _NOT_SUPERLATIVE and kind == WORD
    ):
        return kind | SUPER
    return kind


def _number_follows(raw: list[tuple[str, int, int]], i: int) -> bool:
    return i + 1 < len(raw) and raw[i + 1][0][:1].isdigit()


def _role_follows(raw: list[tuple[str, int, int]], i: int) -> bool:
    """A title word belongs to a role when a role word follows within two words ("Prime
    Minister", "Secretary of State", "Defense Minister")."""
    for word, _, _ in raw[i + 1 : i + 3]:
        if stem(word.lower()) in ROLES:
            return True
    return (
        i > 0 and raw[i - 1][0].lower() == "of" and i > 1 and stem(raw[i - 2][0].lower()) in ROLES
    )


def citation(sentence: str, tok: Token) -> tuple[str, str]:
    """(source, marker) of a citation token: ("AP News", "2") for "AP News2"."""
    surface = sentence[tok.start : tok.end]
    m = re.search(r"\d+$", surface)
    return (surface[: m.start()], m.group()) if m else (surface, "")


def quotes(sentence: str) -> list[tuple[int, int, str]]:
    """Quoted passages of at least three words: (start, end, text). Both typographic quotes
    and the tokenised `` ... '' form count."""
    if '"' not in sentence and "“" not in sentence and "``" not in sentence:
        return []  # most sentences: no second look
    out = []
    for m in _QUOTE.finditer(sentence):
        group = 1 if m.group(1) is not None else 2
        body = m.group(group)
        if len(body.split()) >= 3:
            out.append((m.start(group), m.end(group), body))
    return out


def name_phrases(sentence: str, tokens: list[Token]) -> list[tuple[str, list[Token]]]:
    """Runs of adjacent name tokens ("Maria Keller"), with their surface text. Role words break
    a run: "Secretary of State Antony Blinken" names "Antony Blinken"."""
    phrases: list[tuple[str, list[Token]]] = []
    run: list[Token] = []

    def flush() -> None:
        if run:
            phrases.append((sentence[run[0].start : run[-1].end], list(run)))
            run.clear()

    for tok in tokens:
        if tok.kind & NAME and (not run or _adjacent(sentence, run[-1], tok)):
            run.append(tok)
        elif tok.kind & NAME:
            flush()
            run.append(tok)
        else:
            flush()
    flush()
    return phrases


def _adjacent(sentence: str, a: Token, b: Token) -> bool:
    gap = sentence[a.end : b.start]
    return len(gap) <= 3 and gap.strip(" .-'’") == ""
