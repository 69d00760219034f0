"""Tokens for comparing sentences across documents: normalised words with typed details.

Generic English rules only (stop words, spelled numbers, weekdays, months, titles); nothing here
is taken from any particular corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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
    much several""".split()
)

WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
MONTHS = frozenset(
    """january february march april may june july august september october november
    december""".split()
)
SPELLED = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
ROLES = frozenset(
    """president minister mayor governor secretary chancellor king queen prince princess senator
    ambassador chairman chairwoman chair director ceo founder spokesman spokeswoman
    spokesperson general commander judge premier leader chief head official officer councillor
    councilor representative deputy envoy emperor pope bishop captain coach manager editor
    professor lieutenant colonel admiral sheriff attorney prosecutor commissioner""".split()
)
SUPERLATIVE_WORDS = frozenset(
    """first record largest biggest highest lowest longest shortest oldest youngest greatest
    smallest fastest unprecedented historic never only ever""".split()
)
_NOT_SUPERLATIVE = frozenset(
    """interest honest forest west protest request suggest arrest latest contest modest harvest
    invest manifest nest rest test best guest chest digest quest""".split()
)

_DETERMINERS = frozenset("""the both these those their its his her our your my""".split())
_CONTRACTION_BASES = frozenset(
    """don can won isn aren didn doesn hasn haven wasn weren couldn shouldn wouldn let that
    there""".split()
)

# Word pieces: runs of letters (keeping inner apostrophes) or numbers with separators.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?%?(?![^\W_])|[^\W_]+(?:['’][^\W_]+)*")
_QUOTE = re.compile(r"[\"“”]([^\"“”]{3,400})[\"“”]")

NUM, DAY, MONTH, NAME, ROLE, SUPER, WORD = 1, 2, 4, 8, 16, 32, 64
CHECKABLE = NUM | DAY | MONTH | NAME | SUPER


@dataclass(frozen=True, slots=True)
class Token:
    norm: str  # what is compared across documents
    start: int  # offsets in the sentence text, for quoting in reasons
    end: int
    kind: int
    unit: str = ""  # for numbers: the content word that follows ("day", "troop", "%")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light, predictable stemmer: plurals and possessives, enough to match paraphrases."""
    w = word.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("'"):
        w = w[:-1]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _number(raw: str) -> str | None:
    digits = raw.rstrip("%")
    for suf in ("st", "nd", "rd", "th", "s"):
        if digits.endswith(suf) and digits[: -len(suf)].replace(",", "").replace(".", "").isdigit():
            digits = digits[: -len(suf)]
            break
    digits = digits.replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    return f"#{value:g}"


def is_title_case(sentence: str) -> bool:
    """A heading in Title Case: capitals there say nothing about names."""
    words = [w for w in re.findall(r"[^\W\d_]+", sentence) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def capitalised_mid_sentence(sentence: str) -> set[str]:
    """Lower-cased words written with a capital inside a sentence: names, in ordinary prose."""
    if is_title_case(sentence):
        return set()
    words = re.findall(r"[^\W\d_]+", sentence)
    return {w.lower() for w in words[1:] if w[0].isupper()}


def tokenize(
    sentence: str,
    lower_seen: frozenset[str] | set[str] = frozenset(),
    upper_mid: frozenset[str] | set[str] | None = None,
) -> list[Token]:
    """Content tokens of a sentence with their kinds; stop words dropped.

    ``lower_seen`` holds words seen in lower case in the group and ``upper_mid`` words seen
    capitalised inside ordinary sentences. A capitalised first word is a name only if another
    capitalised word follows it or the group writes it capitalised elsewhere; in a Title Case
    heading only words the group capitalises elsewhere are names.
    """
    out: list[Token] = []
    raw = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    title = is_title_case(sentence)
    pending_scale: Token | None = None
    for i, (word, s, e) in enumerate(raw):
        if word[0].isdigit():
            norm = _number(word)
            if norm is None:
                continue
            value = float(norm[1:])
            kind = NUM
            if word.endswith("%"):
                out.append(Token(norm, s, e, kind, "%"))
                continue
            if 1000 <= value <= 2100 and value.is_integer() and "," not in word:
                out.append(Token(norm, s, e, kind, "year"))
                continue
            tok = Token(norm, s, e, kind)
            out.append(tok)
            pending_scale = tok
            continue
        lower = word.lower()
        if lower in SCALES and out and out[-1].kind == NUM:
            prev = out[-1]
            value = float(prev.norm[1:]) * SCALES[lower]
            out[-1] = Token(f"#{value:g}", prev.start, e, NUM)
            pending_scale = out[-1]
            continue
        if lower in SPELLED:
            # "the two nations" refers back to things already named; it is not a count claim.
            # "The three-day visit" is a measure, though: hyphenated compounds stay numbers.
            if i and raw[i - 1][0].lower() in _DETERMINERS and sentence[e : e + 1] != "-":
                continue
            tok = Token(f"#{SPELLED[lower]:g}", s, e, NUM)
            out.append(tok)
            pending_scale = tok
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
        is_month = base in MONTHS and word[0].isupper()
        if not is_month and (lower in STOPWORDS or (len(lower) < 2 and not word.isupper())):
            continue
        kind = WORD
        if base in WEEKDAYS:
            kind = DAY
        elif is_month:
            kind = MONTH
        elif word[0].isupper():
            initial = not any(t for t in raw[:i] if t[0][0].isalpha())
            known = upper_mid is not None and lower in upper_mid
            if title:
                name = known if upper_mid is not None else lower not in lower_seen
            elif initial:
                # "Alexander Gabuev said" is a name; "Historically, China" is not: the next word
                # must follow directly, with nothing but a space between.
                nxt = raw[i + 1] if i + 1 < len(raw) else ("", e, e)
                joined = sentence[e : nxt[1]] == " " and nxt[0][:1].isupper()
                name = lower not in lower_seen and (known or joined)
            else:
                name = True
            if name:
                kind = NAME
        if base in ROLES:
            kind = ROLE
        if lower in SUPERLATIVE_WORDS or (
            len(lower) > 5
            and lower.endswith("est")
            and lower not in _NOT_SUPERLATIVE
            and kind == WORD
        ):
            kind |= SUPER
        norm = base
        if pending_scale is not None and kind & (WORD | ROLE) and not out[-1].unit:
            # The unit of a number is the content word right after it ("four-day" -> day).
            last = out[-1]
            if last is pending_scale:
                out[-1] = Token(last.norm, last.start, last.end, last.kind, norm)
        pending_scale = None
        out.append(Token(norm, s, e, kind))
    return out


def lower_words(text: str) -> set[str]:
    """Words that occur in lower case in ``text``: evidence that they are ordinary words."""
    return {m.group() for m in re.finditer(r"\b[a-z][a-z'’]+\b", text)}


def quotes(sentence: str) -> list[tuple[int, int, str]]:
    """Quoted passages of at least three words: (start, end, text)."""
    out = []
    for m in _QUOTE.finditer(sentence):
        body = m.group(1)
        if len(body.split()) >= 3:
            out.append((m.start(1), m.end(1), body))
    return out


def name_phrases(sentence: str, tokens: list[Token]) -> list[tuple[str, list[Token]]]:
    """Runs of adjacent name tokens ("Maria Keller"), with their surface text."""
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
