"""Engine speed: seconds and peak memory of `reviewer suspects --json` on synthetic corpora.

Run: .venv/bin/python benchmarks/speed.py [--quick]

Cases (targets on a 2-core machine): 10k, 50k and 100k claim sentences in groups of 10 documents
(100k under 20 s and 1 GiB), and one dense group of 200 documents x 25 sentences (under 5 s).
Each case runs the command users run, in a fresh process; peak memory is the largest process
(the command or one of its workers), read from getrusage.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.synthetic import make_corpus  # noqa: E402


def run_case(name: str, groups: int, docs: int, sentences: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / name
        written = make_corpus(root, groups, docs, sentences)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "reviewer", "suspects", str(root), "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            check=True,
        ).stdout
        seconds = time.perf_counter() - started
        peak_kib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
        claims = out.count(b"\n")
        print(
            f"{name:<28} {written:>8,} sentences {claims:>8,} claims {seconds:>7.2f} s  "
            f"peak {peak_kib / 1024:>6.0f} MiB  ({len(out) / 2**20:.0f} MiB JSON)",
            flush=True,
        )
        return seconds, peak_kib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="only the small cases")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}")
    t10, _ = run_case("10k (40 groups of 10)", 40, 10, 25)
    run_case("dense (1 group of 200 x 25)", 1, 200, 25)
    if args.quick:
        return
    t50, _ = run_case("50k (200 groups of 10)", 200, 10, 25)
    t100, _ = run_case("100k (400 groups of 10)", 400, 10, 25)
    print(f"time ratio 100k / 50k (input doubled): {t100 / t50:.2f}")
    print(f"time ratio 100k / 10k (input x10):     {t100 / t10:.2f}")


if __name__ == "__main__":
    main()
