"""What each of the engine's checks costs in time and buys in quality.

Run: .venv/bin/python benchmarks/ablation.py [--rounds 3] [--only NAME,NAME]

Each variant switches off one family of checks (``VARIANTS``) by patching the engine in every
process (``ablate_site/sitecustomize.py`` on PYTHONPATH, so the command's workers are patched
too), then prints:
- CPU time per claim, in one process, of the group index and of scoring (10k claims in groups of
  10, and one dense group of 200 x 25), the best of two passes; variants are alternated round by
  round, since this machine's speed drifts by half within an hour;
- the quality figures of `wikibio.py` (NonFact AUC-PR), `frank.py` (partial Pearson, all) and
  `news.py` (AP, all and seeds part), each running `reviewer suspects --json` as users do.

It answers the question the speed targets raise (benchmarks/PROFILE.md): how much faster would an
engine be that checks less, and what would it miss.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _replace(owner: object, name: str, value: object) -> None:
    """Set ``owner.name``, which must exist: a renamed function would otherwise be patched in
    name only, and the "variant" would measure the full engine."""
    if not hasattr(owner, name):
        raise SystemExit(f"ablation.py: {owner!r} has no {name}: update the variant")
    setattr(owner, name, value)


def _defaults(function: Any, expected: tuple[object, ...], value: tuple[object, ...]) -> None:
    """Replace a function's default arguments, which must still be ``expected``."""
    if function.__defaults__ != expected:
        raise SystemExit(
            f"ablation.py: {function.__qualname__} defaults are {function.__defaults__}, "
            f"not {expected}: update the variant"
        )
    function.__defaults__ = value


def _no_slot_conflicts() -> None:
    from reviewer.core import suspects

    _replace(suspects, "_fact_sides", lambda g, uid: {})


def _no_implied_alignments() -> None:
    from reviewer.core.index import GroupIndex

    def unit_alignments(self: GroupIndex, uid: int) -> list[list[tuple[int, int]]]:
        return [self.aligned_facts(uid, k) for k in range(len(self.units[uid].facts))]

    _replace(GroupIndex, "unit_alignments", unit_alignments)


def _no_paraphrase_checks() -> None:
    from reviewer.core import suspects

    _replace(suspects, "_aligned_conflicts", lambda *args: False)
    _replace(suspects, "_swapped_roles", lambda *args: None)


def _no_word_order() -> None:
    from reviewer.core.index import GroupIndex

    _defaults(GroupIndex.__init__, (True,), (False,))


def _fewer_candidates() -> None:
    from reviewer.core.index import MAX_CANDIDATES, POSTING_BUDGET, GroupIndex

    # documents compared, postings walked
    _defaults(GroupIndex.candidates, (MAX_CANDIDATES, POSTING_BUDGET), (8, 150))


VARIANTS: dict[str, tuple[str, list[Callable[[], None]]]] = {
    "full": ("the engine as it ships", []),
    "no-slot-conflicts": (
        "no fact compared slot by slot (numbers, days, people in roles)",
        [_no_slot_conflicts],
    ),
    "no-implied-alignments": (
        "no slot aligned through another slot's shared value",
        [_no_implied_alignments],
    ),
    "no-paraphrase-checks": (
        "no names replaced in near-paraphrases, no swapped roles",
        [_no_paraphrase_checks],
    ),
    "no-word-order": ("no adjacent word pairs", [_no_word_order]),
    "fewer-candidates": (
        "8 documents compared (not 24), 150 postings (not 400)",
        [_fewer_candidates],
    ),
    "stripped": (
        "all of: no slot conflicts, no paraphrase checks, no word order, fewer candidates",
        [_no_slot_conflicts, _no_paraphrase_checks, _no_word_order, _fewer_candidates],
    ),
}


APPLIED: list[str] = []  # what ``apply`` switched off in this process


def apply(names: str) -> None:
    """Switch off the checks of each variant named (comma-separated)."""
    for name in names.split(","):
        for patch in VARIANTS[name][1]:
            patch()
        APPLIED.append(name)


def cpu_per_claim() -> dict[str, float]:
    """CPU ms per claim of the index and of scoring, best of two passes, per corpus shape."""
    from benchmarks.synthetic import make_corpus
    from reviewer.core.corpus import load_corpus
    from reviewer.core.index import GroupIndex
    from reviewer.core.memory import collector_paused
    from reviewer.core.suspects import _assess_unit

    out = {}
    for label, shape in (("groups", (40, 10, 25)), ("dense", (1, 200, 25))):
        with tempfile.TemporaryDirectory() as tmp:
            make_corpus(Path(tmp) / "c", *shape)
            groups = list(load_corpus([Path(tmp) / "c"]).corpus.groups.values())
        best = (float("inf"), float("inf"))
        for _ in range(2):
            with collector_paused():
                t0 = time.process_time()
                indexes = [GroupIndex(docs) for docs in groups]
                t1 = time.process_time()
                for g in indexes:
                    for uid in range(len(g.units)):
                        _assess_unit(g, uid, "")
                t2 = time.process_time()
            claims = sum(len(g.units) for g in indexes)
            best = min(best, ((t1 - t0) / claims * 1e3, (t2 - t1) / claims * 1e3), key=sum)
        out[f"{label} index"], out[f"{label} scoring"] = best
    return out


_ENGINE = re.compile(r"^reviewer engine\s+(.*)$", re.M)
_NUMBER = re.compile(r"-?\d+\.\d+")


def quality() -> dict[str, float]:
    """The engine's line of each quality benchmark, run in this (patched) environment."""
    found = {}
    for script, picks in (
        ("wikibio.py", {"wikibio NonFact": 0}),
        ("frank.py", {"FRANK Pearson": 0}),
        ("news.py", {"news AP": 0, "news seeds AP": 4}),
    ):
        done = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / script)],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"ablation.py: {script} failed: {_last_line(done.stderr)}")
        line = _ENGINE.search(done.stdout)
        if line is None:
            sys.exit(f"ablation.py: {script} printed no engine line")
        numbers = [float(x) for x in _NUMBER.findall(line.group(1))]
        for name, at in picks.items():
            found[name] = numbers[at]
    return found


def _applied_in_site() -> list[str]:
    """The variants sitecustomize applied (it imports this file as ``benchmarks.ablation``,
    another module object than the ``__main__`` running)."""
    site = sys.modules.get("benchmarks.ablation")
    return list(site.APPLIED) if site is not None else []


def run_variant(name: str, with_quality: bool) -> dict[str, float]:
    env = dict(os.environ, REVIEWER_ABLATE=name)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "benchmarks" / "ablate_site"), *filter(None, [env.get("PYTHONPATH")])]
    )
    args = [sys.executable, __file__, "--measure"] + (["--quality"] if with_quality else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"ablation.py: variant {name} failed: {_last_line(done.stderr)}")
    return json.loads(done.stdout.splitlines()[-1])


def _last_line(text: str) -> str:
    """What a failed child said last (its error, not the whole traceback)."""
    return (text.strip().splitlines() or ["no message"])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=",".join(VARIANTS))
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quality", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # a child: the patches are in place (sitecustomize)
        # Python reports a failing sitecustomize on stderr and runs on: check it did its work.
        if _applied_in_site() != os.environ.get("REVIEWER_ABLATE", "").split(","):
            sys.exit(f"ablation.py: {os.environ.get('REVIEWER_ABLATE')}: not applied")
        result = cpu_per_claim()
        if args.quality:
            result |= quality()
        print(json.dumps(result))
        return
    if args.rounds < 1:
        sys.exit(f"ablation.py: --rounds {args.rounds}: at least one round is needed")
    names = args.only.split(",")
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        sys.exit(f"ablation.py: no variant {unknown[0]!r} (known: {', '.join(VARIANTS)})")
    for name in names:
        print(f"{name:<22} {VARIANTS[name][0]}")
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names:
            runs[name].append(run_variant(name, with_quality=r == 0))
            print(f"round {r + 1}: {name:<22} {runs[name][-1]}", file=sys.stderr, flush=True)
    keys = list(runs[names[0]][0])
    cpu = [k for k in keys if k.endswith(("index", "scoring"))]
    print(f"\nCPU ms per claim, median of {args.rounds} alternated rounds (best of 2 passes each);")
    print("quality from the first round (the engine is deterministic)")
    print(f"{'variant':<22}" + "".join(f"{k:>16}" for k in keys))
    for name in names:
        cells = [
            statistics.median(run[k] for run in runs[name]) if k in cpu else runs[name][0][k]
            for k in keys
        ]
        print(f"{name:<22}" + "".join(f"{c:>16.3f}" for c in cells))


if __name__ == "__main__":
    main()
