"""Frames in the app: the UI thread's CPU for each key and each screen update, in tmux.

Run: .venv/bin/python benchmarks/frames.py [--keys N]

Starts the real app in tmux (120x40) on the 2,000-document, 100k-claim corpus of
benchmarks/terminal.py, with benchmarks/frame_probe on PYTHONPATH: it times, on the UI thread,
each action (the key's handling) and each screen update (Textual's compositor drawing what
changed), and writes them to a log. Once every score is read it sends N `tab`s, then N `j`s,
250 ms apart (a reviewer's pace; no two keys share a frame), and prints for each key kind:
the CPU of the key (its action and the frames until the next key) and of single frames, p50 /
p95 / max. Issue 14's row is "moving to another document: no frame over 16 ms". CPU time, not
wall time, so another process on the machine inflates it less; nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.terminal import App, all_read, large_project, pane, wait_for  # noqa: E402


def quantiles(values: list[float]) -> str:
    v = sorted(values)
    if not v:
        return "none"
    p95 = v[min(len(v) - 1, int(0.95 * (len(v) - 1)))]
    return f"p50 {v[len(v) // 2]:5.1f} ms  p95 {p95:5.1f} ms  max {v[-1]:5.1f} ms  (n {len(v)})"


def report(log: Path, action: str, label: str) -> None:
    """Each key of one kind: its action, and the frames until the next action of any kind."""
    keys: list[float] = []
    frames: list[float] = []
    current: list[float] | None = None
    for line in log.read_text().splitlines():
        kind, _, ms = line.split("\t")
        if kind.startswith("action:"):
            if current is not None:
                keys.append(sum(current))
            current = [float(ms)] if kind == f"action:{action}" else None
        elif kind == "frame" and current is not None:
            current.append(float(ms))
            frames.append(float(ms))
    if current is not None:
        keys.append(sum(current))
    print(f"{label:<22} per key   {quantiles(keys)}", flush=True)
    print(f"{'':<22} per frame {quantiles(frames)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=60, help="keys of each kind")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("benchmarks/frames.py: tmux is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        log = project / "frames.log"
        probe = str(ROOT / "benchmarks" / "frame_probe")
        env, corpus, marker = large_project(project, probe, REVIEWER_FRAME_LOG=str(log))
        app = App(project, corpus, "frames", env)
        if wait_for(lambda: marker in pane()) is None:
            sys.exit("benchmarks/frames.py: the app did not show the corpus")
        wait_for(lambda: all_read(pane()), timeout=900, every=0.05)
        time.sleep(1.0)
        for key in ("Tab", "j"):
            for _ in range(args.keys):
                app.keys(key)
                time.sleep(0.25)
        time.sleep(0.5)
        app.quit()
        report(log, "document(1)", "tab (next document)")
        report(log, "sentence(1)", "j (next sentence)")


if __name__ == "__main__":
    main()
