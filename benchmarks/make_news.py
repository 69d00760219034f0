"""Build the labelled news development set in benchmarks/data/news/ from source articles.

Run: .venv/bin/python benchmarks/make_news.py   (deterministic: same sources, same set)

Sources: benchmarks/data/news/sources/<event>/ (articles written for this project: several
outlets retelling one fictional event in their own words) and seeds/ (real coverage of one event).
For each event and each chosen article, a variant group is written to corpus/<event>-<n>/: the
other articles unchanged, and that article replaced by a changed copy whose truth we know:
numbers, weekdays, durations and names swapped; quotes, people, organisations and figures
invented. labels.jsonl gives every claim of every changed copy, with exact offsets:
label "changed" (and the mutation) or "original". The other outlets' paraphrases are the
negatives' natural support. Caveat: unchanged sentences of seeds/ are "original", not verified
true; the seeds contain errors of their own, so figures on them are conservative.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from reviewer.core.corpus import segment  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "news"
SPELLED = "two three four five six seven eight nine ten eleven twelve".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
FAKE_PEOPLE = [
    "Margaret Quill",
    "Tomas Reiner",
    "Aisha Varga",
    "Lukas Brenner",
    "Celia Monroe",
    "Oskar Lindqvist",
    "Nadia Petrenko",
    "Graham Holt",
    "Ines Carvalho",
    "Viktor Sand",
]
FAKE_ORGS = [
    "Institute for Civic Infrastructure",
    "Harlow Policy Centre",
    "European Safety Forum",
    "Meridian Research Group",
    "National Audit Council",
    "Baltic Monitoring Agency",
]
ROLES = ["senior fellow", "director", "chief economist", "spokesperson", "head of research"]
QUOTES = [
    "Nobody who looks at the numbers honestly can call this a success",
    "We warned about these risks two years ago and were ignored",
    "This is the most important decision the region has taken in a generation",
    "The real costs will only become clear in the coming months",
    "What we are seeing is a turning point, not a one-off",
]


@dataclass
class Change:
    start: int
    end: int  # span of the changed or inserted sentence in the new text
    kind: str


def _claims(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in segment(text) if s.is_claim]


def _mutate_sentence(rng: random.Random, sentence: str, kind: str, article: str) -> str | None:
    if kind == "number":
        found = list(re.finditer(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w.]?\d)", sentence))
        found = [m for m in found if not (1900 <= float(m.group().replace(",", "")) <= 2100)]
        if not found:
            return None
        m = rng.choice(found)
        value = float(m.group().replace(",", ""))
        new = value * rng.choice([0.5, 1.5, 2, 3]) if value > 20 else value + rng.randint(2, 6)
        shown = f"{new:,.1f}" if "." in m.group() else f"{round(new):,}"
        if "," not in m.group():
            shown = shown.replace(",", "")
        return sentence[: m.start()] + shown + sentence[m.end() :]
    if kind == "duration":
        m = re.search(rf"\b({'|'.join(SPELLED)})([- ])(day|week|month|year)", sentence, re.I)
        if not m:
            return None
        word = rng.choice([w for w in SPELLED if w != m.group(1).lower()])
        if m.group(1)[0].isupper():
            word = word.capitalize()
        return sentence[: m.start(1)] + word + sentence[m.end(1) :]
    if kind == "weekday":
        m = re.search(rf"\b({'|'.join(WEEKDAYS)})\b", sentence)
        if not m:
            return None
        day = rng.choice([d for d in WEEKDAYS if d != m.group(1)])
        return sentence[: m.start()] + day + sentence[m.end() :]
    if kind == "name":
        # A person: a capitalised pair whose surname the article also uses on its own.
        # Not the sentence's first word, and not part of a longer name ("Northern Space Office").
        for m in re.finditer(r"(?<=\w )([A-Z][a-z]+) ([A-Z][a-z]+)\b(?! [A-Z])", sentence):
            alone = re.findall(rf"(?<!{m.group(1)} )\b{m.group(2)}\b", article)
            if alone:
                return sentence[: m.start()] + rng.choice(FAKE_PEOPLE) + sentence[m.end() :]
        return None
    return None


def _inserted(rng: random.Random, kind: str) -> str:
    person, org = rng.choice(FAKE_PEOPLE), rng.choice(FAKE_ORGS)
    if kind == "quote":
        return f'"{rng.choice(QUOTES)}," said {person}, {rng.choice(ROLES)} at the {org}.'
    if kind == "figure":
        return f"The {org} estimated the wider cost at {rng.randint(12, 480)} million euros."
    return f"The {org} said on {rng.choice(WEEKDAYS)} that it had opened an inquiry."  # org


def make_changed(text: str, rng: random.Random) -> tuple[str, list[Change]]:
    """A changed copy of ``text`` and where its changes are (offsets in the new text)."""
    claims = _claims(text)
    edits: list[tuple[int, int, str, str]] = []  # (start, end, replacement, kind), old offsets
    used: set[int] = set()
    for kind in ["number", "weekday", "duration", "name"]:
        order = list(range(len(claims)))
        rng.shuffle(order)
        for i in order:
            if i in used:
                continue
            s, e = claims[i]
            new = _mutate_sentence(rng, text[s:e], kind, text)
            if new is not None and new != text[s:e]:
                edits.append((s, e, new, kind))
                used.add(i)
                break
    for kind in ["quote", "figure", "organisation"]:
        free = [i for i in range(len(claims)) if i not in used]
        i = rng.choice(free)
        used.add(i)
        s, e = claims[i]
        # A paragraph of its own after that sentence, so it never joins a headline.
        edits.append((e, e, "\n\n" + _inserted(rng, kind), kind))
    edits.sort(key=lambda x: (x[0], x[1]))
    out, changes, pos, shift = [], [], 0, 0
    for s, e, new, kind in edits:
        out.append(text[pos:s])
        begin = s + shift
        out.append(new)
        lead = len(new) - len(new.lstrip())
        changes.append(Change(begin + lead, begin + len(new), kind))
        shift += len(new) - (e - s)
        pos = e
    out.append(text[pos:])
    return "".join(out), changes


def main() -> None:
    rng = random.Random(20261122)
    corpus = DATA / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    events = {p.name: sorted(p.glob("*.txt")) for p in sorted((DATA / "sources").iterdir())}
    events["seeds"] = sorted((ROOT / "seeds").glob("*.txt"))
    labels = []
    for event, files in events.items():
        victims = [files[0], files[len(files) // 2]]
        for n, victim in enumerate(victims, 1):
            group = f"{event}-{n}"
            folder = corpus / group
            folder.mkdir(parents=True)
            for f in files:
                if f != victim:
                    (folder / f.name).write_bytes(f.read_bytes())
            changed, changes = make_changed(victim.read_text(encoding="utf-8"), rng)
            name = f"{victim.stem}-changed.txt"
            (folder / name).write_text(changed, encoding="utf-8")
            for s, e in _claims(changed):
                hit = next((c for c in changes if c.start < e and s < c.end), None)
                labels.append(
                    {
                        "group": group,
                        "doc": f"{group}/{name}",
                        "start": s,
                        "end": e,
                        "text": changed[s:e],
                        "label": "changed" if hit else "original",
                        "mutation": hit.kind if hit else "",
                        "source": "seeds" if event == "seeds" else "written",
                    }
                )
    with open(DATA / "labels.jsonl", "w", encoding="utf-8") as fh:
        for row in labels:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    changed_n = sum(r["label"] == "changed" for r in labels)
    print(
        f"{len(events)} events, {len(events) * 2} groups, {len(labels)} labelled claims, "
        f"{changed_n} changed"
    )


if __name__ == "__main__":
    main()
