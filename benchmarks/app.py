"""Review app benchmarks: start time, tag latency, memory. Prints figures; asserts nothing.

Run: .venv/bin/python benchmarks/app.py [--quick]

- start: seconds from process start until the first document is on screen and a key works, for
  the seeds and for 2,000 documents / 100,000 claims in 500 groups; then until every suspect is
  scored, on a first opening (worker) and a second opening (cache on disk).
- tag latency: key press to the TOML file renamed into place, p50 / p95, with 10,000 annotations
  already in the file; and the longest time the UI's event loop was blocked meanwhile.
- memory: peak RSS of the app process (and of its scoring workers) on the large corpus.
Targets (2 cores): seeds < 1 s; large < 2 s to the first document, < 2 s to all suspects when
cached; tag p95 < 50 ms, no block longer than a frame (16 ms); peak RSS < 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.synthetic import make_corpus, seed_annotations  # noqa: E402


def run_app(corpus: Path, annotations: Path, env: dict[str, str], tags: int = 0) -> dict:
    started = time.time()
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "app_harness.py"),
            str(corpus),
            str(annotations),
            "--tags",
            str(tags),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["launched"] = started
    return result


def show(name: str, r: dict) -> None:
    t0 = r["launched"]
    print(
        f"{name:<34} first document {r['first_document'] - t0:5.2f} s  "
        f"key works {str(r['key_works']):<5} all suspects {r['all_suspects'] - t0:6.2f} s  "
        f"(load {r['corpus_loaded'] - t0:.2f} s)  peak RSS {r['peak_rss_kib'] / 1024:.0f} MiB"
        + (
            f", workers {r['peak_rss_children_kib'] / 1024:.0f} MiB"
            if r.get("peak_rss_children_kib")
            else ""
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="seeds only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        env = {
            **os.environ,
            "XDG_CACHE_HOME": str(base / "cache"),
            "XDG_STATE_HOME": str(base / "state"),
        }
        print(f"cores: {os.cpu_count()}")
        show("seeds, first opening", run_app(ROOT / "seeds", base / "a1" / "s.toml", env))
        show("seeds, second opening", run_app(ROOT / "seeds", base / "a1" / "s.toml", env))
        if args.quick:
            return
        big = base / "large"
        make_corpus(big, groups=500, docs_per_group=4, sentences_per_doc=50, seed=11)
        show("2,000 docs / 100k claims, first", run_app(big, base / "a2" / "b.toml", env))
        show("2,000 docs / 100k claims, second", run_app(big, base / "a2" / "b.toml", env))
        tagged = base / "a3" / "ten_thousand.toml"
        tagged.parent.mkdir(parents=True)
        seed_annotations(big, tagged, 10_000)
        print(f"annotation file with 10,000 annotations: {tagged.stat().st_size / 2**20:.1f} MiB")
        r = run_app(big, tagged, env, tags=200)
        lat = sorted(r["tag_latencies"])
        p50 = statistics.median(lat) * 1000
        p95 = lat[int(0.95 * (len(lat) - 1))] * 1000
        print(
            f"tag latency over {len(lat)} tags (key press -> TOML renamed): p50 {p50:.1f} ms, "
            f"p95 {p95:.1f} ms, max {lat[-1] * 1000:.1f} ms; longest UI block "
            f"{r['max_block'] * 1000:.1f} ms; {r['annotations_in_file']} annotations at the end"
        )


if __name__ == "__main__":
    main()
