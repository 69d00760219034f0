"""Set commands at scale: `reviewer validate` and `reviewer stats` on 100k annotations.

Run: .venv/bin/python benchmarks/sets.py [--claims N]

Builds a synthetic corpus (groups of 10 documents, 25 sentences each) and one annotation set
that tags every claim (100k annotations by default, a 20 MB TOML file, written the way the app
writes it), then runs each command as users do, in a fresh process, and prints wall time and
peak memory. `stats` needs the engine's scores for its "suspects left" column: its first run
scores the corpus (the time of `reviewer suspects`) and fills the cache; later runs read the
cache. Issue 14's target is 3 s for `validate` and for `stats` from the cache.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synthetic import make_corpus, seed_annotations  # noqa: E402


def run(label: str, argv: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "reviewer", *argv],
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    status = "ok" if done.returncode in (0, 1) else f"exit {done.returncode}"
    print(f"{label:<44} {seconds:>7.2f} s  peak {peak / 1024:>5.0f} MiB  {status}", flush=True)
    if done.returncode not in (0, 1):
        print(done.stderr.decode("utf-8", "replace")[-2000:], file=sys.stderr)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    args = parser.parse_args()
    groups = max(1, args.claims // 250)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        root = project / "corpus"
        make_corpus(root, groups, 10, 25)
        path = project / "annotations" / "bench.toml"
        started = time.perf_counter()
        n = seed_annotations(root, path, args.claims, mixed=True)
        size = path.stat().st_size / 2**20
        print(f"{n:,} annotations, {size:.1f} MiB of TOML ({time.perf_counter() - started:.1f} s)")
        corpus = ["--corpus", str(root)]
        run("validate (finds the corpus it names)", ["validate", str(path)], project)
        run("validate --corpus (every quote checked)", ["validate", str(path), *corpus], project)
        run("stats, first run (scores the corpus)", ["stats", str(path), *corpus], project)
        run("stats, from the cache", ["stats", str(path), *corpus], project)


if __name__ == "__main__":
    main()
