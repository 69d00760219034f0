"""The fact table on the project's labelled news set, and how fast it is.

Run: .venv/bin/python benchmarks/facts.py [--quick]

Quality (benchmarks/data/news/, built by make_news.py), through `reviewer facts --json`:
- a *swapped* detail (number, weekday, duration, name changed in place) is found when a disputed
  row has a cell in the changed sentence whose value disagrees with the row's majority: the
  row names the changed document;
- an *inserted* detail (an invented quote, figure or organisation's statement) is found when a
  single-source row has a cell in the inserted sentence;
- precision: the share of disputed rows that touch a planted change. The written events are
  consistent by construction, so any other disputed row there is a false alarm. The seeds are
  real coverage with disagreements of their own: a disputed row that is also disputed in the
  unchanged seeds is reported apart (a real disagreement, not a false alarm), and the rest as
  false alarms.

Speed: one group of 25 synthetic documents x 25 sentences (in process, best of 5), the 119
groups of 21 documents of wikibio-dev, and `reviewer facts --json` against `reviewer suspects
--json` on a synthetic corpus of 100k claims (skipped with --quick).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.cli import facts_rows  # noqa: E402
from benchmarks.synthetic import make_corpus  # noqa: E402
from reviewer.core.corpus import Document, load_corpus, segment  # noqa: E402
from reviewer.core.fact_table import group_facts  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "news"
WIKIBIO = ROOT.parent / "shared" / "data" / "wikibio-dev" / "dataset.json"
SWAPS = ("number", "weekday", "duration", "name")


def _touches(row: dict, change: dict, odd_only: bool) -> bool:
    values = defaultdict(set)
    for c in row["cells"]:
        values[c["value"]].add(c["doc"])
    for c in row["cells"]:
        if c["doc"] != change["doc"] or not (
            c["start"] < change["end"] and change["start"] < c["end"]
        ):
            continue
        if not odd_only:
            return True
        # The majority value is given by more documents than any other (rows name it).
        if row["majority"] is None or c["value"] != row["majority"]:
            return True
    return False


def _original_rows() -> dict[str, tuple[list[dict], dict[str, str]]]:
    """The fact table of each unchanged event (its articles as written), by event, with the
    text of each article."""
    out = {}
    for folder in [*sorted((DATA / "sources").iterdir()), ROOT / "seeds"]:
        rows, _ = facts_rows(folder)
        texts = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.txt")}
        out[folder.name] = (rows, texts)
    return out


def _stated_once(change: dict, originals: dict) -> bool:
    """Did the unchanged article state the changed detail where no other article does? Its
    original sentence is the most alike of the article's sentences; if every fact row with a
    cell there has one document only, no disagreement could have been found."""
    from rapidfuzz import fuzz

    event = change["group"].rsplit("-", 1)[0]
    rows, texts = originals[event]
    name = change["doc"].split("/")[-1].replace("-changed", "")
    text = texts[name]
    sentences = [(s.start, s.end) for s in segment(text) if s.is_claim]
    start, end = max(sentences, key=lambda se: fuzz.ratio(text[se[0] : se[1]], change["text"]))
    # The words the change replaced: where the original sentence and the changed one differ.
    ops = SequenceMatcher(None, text[start:end], change["text"], autojunk=False).get_opcodes()
    changed = [(start + i1, start + i2) for tag, i1, i2, _, _ in ops if tag != "equal"]

    def cells_there(r: dict, spans: list[tuple[int, int]], value: bool) -> bool:
        lo, hi = ("value_start", "value_end") if value else ("start", "end")
        return any(
            c["doc"] == name and c[lo] < e and s < c[hi] for c in r["cells"] for s, e in spans
        )

    # The rows of the replaced value itself; if it is no fact of the original, every row of
    # the sentence.
    there = [r for r in rows if cells_there(r, changed, True)] or [
        r for r in rows if cells_there(r, [(start, end)], False)
    ]
    return all(len({c["doc"] for c in r["cells"]}) == 1 for r in there)


def quality() -> None:
    labels = [json.loads(x) for x in (DATA / "labels.jsonl").read_text().splitlines() if x]
    changes = defaultdict(list)
    for r in labels:
        if r["label"] == "changed":
            changes[r["group"]].append(r)
    rows, seconds = facts_rows(DATA / "corpus")
    by_group = defaultdict(list)
    for r in rows:
        by_group[r["group"]].append(r)
    # Disagreements the unchanged seeds already have: real, not planted.
    seed_rows, _ = facts_rows(ROOT / "seeds")
    natural = {
        (r["fact"], frozenset(c["value"] for c in r["cells"])) for r in seed_rows if r["disputed"]
    }
    originals = _original_rows()
    found = defaultdict(lambda: [0, 0])
    disputed = defaultdict(lambda: {"planted": 0, "natural": 0, "false": 0})
    missed = []
    disputable = defaultdict(lambda: [0, 0])  # swaps another document could dispute: found, all
    for group, group_rows in sorted(by_group.items()):
        source = "seeds" if group.startswith("seeds") else "written"
        for ch in changes[group]:
            kind = ch["mutation"]
            if kind in SWAPS:
                ok = any(r["disputed"] and _touches(r, ch, True) for r in group_rows)
            else:
                ok = any(r["state"] == "single" and _touches(r, ch, False) for r in group_rows)
            found[(source, kind)][0] += ok
            found[(source, kind)][1] += 1
            alone = kind in SWAPS and _stated_once(ch, originals)
            if kind in SWAPS and not alone:
                disputable[source][0] += ok
                disputable[source][1] += 1
            if not ok:
                missed.append(f"{'*' if alone else ' '} {group} {kind}: {ch['text'][:80]}")
        for r in group_rows:
            if not r["disputed"]:
                continue
            if any(_touches(r, ch, False) for ch in changes[group]):
                disputed[source]["planted"] += 1
            elif (r["fact"], frozenset(c["value"] for c in r["cells"])) in natural:
                disputed[source]["natural"] += 1
            else:
                disputed[source]["false"] += 1
    n_groups = len(by_group)
    print(f"news set: {n_groups} groups, {len(rows)} fact rows, reviewer facts: {seconds:.1f} s\n")
    print("planted changes found (swaps: as a disputed row naming the changed document;")
    print("inserts: as a single-source row of the changed document)")
    for source in ("written", "seeds"):
        swap = [found[(source, k)] for k in SWAPS]
        ins = [v for (s, k), v in found.items() if s == source and k not in SWAPS]
        print(
            f"  {source:<8} swaps {sum(a for a, _ in swap)}/{sum(b for _, b in swap)}   "
            f"inserts {sum(a for a, _ in ins)}/{sum(b for _, b in ins)}   by kind: "
            + ", ".join(
                f"{k} {found[(source, k)][0]}/{found[(source, k)][1]}"
                for k in sorted({k for s, k in found if s == source and found[(s, k)][1]})
            )
        )
    print(
        "  swaps of a detail another unchanged document states too (disputable): "
        + ", ".join(
            f"{source} {disputable[source][0]}/{disputable[source][1]}"
            for source in ("written", "seeds")
        )
    )
    print("\ndisputed rows (precision: rows touching a planted change or a real disagreement)")
    for source in ("written", "seeds"):
        d = disputed[source]
        total = sum(d.values())
        good = d["planted"] + d["natural"]
        print(
            f"  {source:<8} {total} rows: {d['planted']} planted, {d['natural']} already disputed "
            f"in the unchanged articles, {d['false']} false alarms -> precision "
            f"{100.0 * good / total if total else 0.0:.0f}%"
        )
    if missed:
        print("\nmissed (* = the unchanged articles state this detail in one document only:")
        print("   there is no other document to disagree with)")
        for m in missed:
            print(f"  {m}")


def _best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def speed(quick: bool) -> None:
    print("\nspeed")
    with tempfile.TemporaryDirectory() as tmp:
        make_corpus(Path(tmp) / "g25", 1, 25, 25)
        docs = list(load_corpus([Path(tmp) / "g25"]).corpus.documents)
        claims = sum(len(d.claims) for d in docs)
        t = _best(lambda: group_facts(docs))
        print(f"  one group, 25 synthetic documents ({claims} claims): {t:.3f} s (target 0.2 s)")
    if WIKIBIO.exists():
        data = json.loads(WIKIBIO.read_text())
        times = []
        for g in data:
            texts = [g["gpt3_text"], *g["gpt3_text_samples"]]
            group = [
                Document(f"g/{k}.txt", "g", "", x, tuple(segment(x))) for k, x in enumerate(texts)
            ]
            times.append(_best(lambda group=group: group_facts(group), 1))
        times.sort()
        median = times[len(times) // 2]
        print(
            f"  wikibio-dev, {len(times)} groups of 21 documents: median {median:.3f} s, "
            f"slowest {times[-1]:.3f} s"
        )
    if quick:
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "big"
        make_corpus(root, 400, 10, 25)
        for command in ("facts", "suspects"):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "reviewer", command, str(root), "--json"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
            )
            print(
                f"  reviewer {command} --json, 100k claims: {time.perf_counter() - started:.1f} s"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 100k-claim corpus")
    args = parser.parse_args()
    quality()
    speed(args.quick)


if __name__ == "__main__":
    main()
