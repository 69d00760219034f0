"""The review app measured where users feel it: in a real terminal (tmux), from outside.

Run: .venv/bin/python benchmarks/terminal.py [--tags N] [--runs N]

Prints, for a 2,000-document / 100,000-claim corpus (500 groups of 4 documents):
- first document on screen: `tmux new-session` to the first claim drawn in the pane, first
  opening (no score cache) and second opening (cache on disk); then until the status line says
  "suspects left" (every suspect scored and counted: on a second opening the counts come from the
  cache's summary while the scores are still read), and until every score and sentence is read
  (the status no longer says "reading scores" or "reading sentences");
- tag -> file renamed: `tmux send-keys` to the annotation file replaced on disk (a new inode),
  with 10,000 annotations in the file, p50 / p95 / max over N tags: a new label on one tagged
  sentence again and again, then a first tag on each of N untagged suspects (`n` to the next
  one, its panel drawn, then the tag: how a reviewer goes through a corpus); then the same N
  keys to a raw tty program that replaces the same file on each key (this measure's floor on
  the machine: tmux and the disk, no Textual);
- moving to another document: `send-keys tab` to the pane showing the next document's name;
- quit: `send-keys q` to the process gone.
Times include tmux itself (a send-keys and a capture-pane take 1-3 ms each): that is what a user
at the keyboard waits for. Nothing is asserted; compare the figures with the README.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.synthetic import make_corpus, seed_annotations  # noqa: E402

SESSION = "reviewer-bench"
REVIEWER = [sys.executable, "-m", "reviewer"]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def pane() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_for(predicate, timeout: float = 120.0, every: float = 0.002) -> float | None:
    """perf_counter() at the first moment ``predicate()`` holds; None after ``timeout``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return time.perf_counter()
        time.sleep(every)
    return None


class App:
    """One `reviewer review` in a detached tmux session of 120x40."""

    def __init__(self, project: Path, corpus: Path, annotator: str, env: dict[str, str]) -> None:
        command = [*REVIEWER, "review", str(corpus), "--annotator", annotator]
        self._launch(project, command, annotator, env)

    def _launch(self, project: Path, command: list[str], name: str, env: dict[str, str]) -> None:
        """Start ``command`` in ``project`` with ``env``, in the session of a fresh tmux window;
        ``self.done`` appears when it exits."""
        self.done = project / f".exited-{name}"
        self.done.unlink(missing_ok=True)
        program = " ".join(shlex.quote(x) for x in command)
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script = f"cd {shlex.quote(str(project))} && env {exports} {program}; touch {self.done}"
        tmux("kill-session", "-t", SESSION)
        self.started = time.perf_counter()
        tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", script)

    def keys(self, *keys: str) -> float:
        t = time.perf_counter()
        tmux("send-keys", "-t", SESSION, *keys)
        return t

    def quit(self) -> float | None:
        t = self.keys("q")
        end = wait_for(self.done.exists, timeout=30)
        tmux("kill-session", "-t", SESSION)
        return None if end is None else end - t


def first_claim_of(corpus: Path) -> str:
    from reviewer.core.corpus import load_corpus

    doc = load_corpus([corpus]).corpus.documents[0]
    return doc.sentence_text(doc.claims[0])[:40]


def all_read(screen: str) -> bool:
    """Every score is in: the counts show, and nothing is still being read or scored."""
    status = next((line for line in screen.splitlines() if "suspects left" in line), "")
    return bool(status) and "reading " not in status


def opening(project: Path, corpus: Path, env: dict[str, str], marker: str, name: str) -> None:
    app = App(project, corpus, "opener", env)
    first = wait_for(lambda: marker in pane())
    scored = wait_for(lambda: "suspects left" in pane(), timeout=600, every=0.02)
    read = wait_for(lambda: all_read(pane()), timeout=600, every=0.02)
    quit_time = app.quit()

    def secs(t: float | None) -> str:
        return "never" if t is None else f"{t - app.started:5.2f} s"

    print(
        f"{name:<28} first document {secs(first)}   all suspects shown {secs(scored)}   "
        f"every score read {secs(read)}   "
        f"q to exit {'never' if quit_time is None else f'{quit_time:.2f} s'}",
        flush=True,
    )


def inode(path: Path) -> int:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return -1


def renamed_after(app: App, path: Path, key: str) -> float | None:
    """Seconds from ``key`` to ``path`` replaced on disk (a new inode); None if it never is."""
    before = inode(path)
    t = app.keys(key)
    end = wait_for(lambda: inode(path) != before, timeout=5, every=0.0005)
    time.sleep(0.05)  # a reviewer's pace is far slower; keeps tags from coalescing
    return None if end is None else end - t


def renames(app: App, path: Path, tags: int) -> list[float]:
    """Seconds from each key (`c` and `s` in turn) to ``path`` replaced on disk, sorted."""
    seen = (renamed_after(app, path, "c" if i % 2 == 0 else "s") for i in range(tags))
    return sorted(t for t in seen if t is not None)


def first_tags(app: App, path: Path, tags: int) -> list[float]:
    """Seconds from a first tag (`c`) on each of ``tags`` untagged suspects to ``path``
    replaced on disk, sorted. Before each, `n` moves to the next untagged suspect and the
    pane is given time to show it; only the tag is timed."""
    latencies: list[float] = []
    for _ in range(tags):
        screen = pane()
        app.keys("n")
        wait_for(lambda s=screen: (now := pane()) != s and "Tagged " not in now, timeout=5)
        time.sleep(0.1)  # the move's frames drawn, the cursor file written
        if (t := renamed_after(app, path, "c")) is not None:
            latencies.append(t)
    return sorted(latencies)


def spread(lat: list[float]) -> str:
    p95 = lat[int(0.95 * (len(lat) - 1))]
    return (
        f"p50 {statistics.median(lat) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {lat[-1] * 1000:.1f} ms"
    )


def tag_latency(project: Path, corpus: Path, env: dict[str, str], marker: str, tags: int) -> None:
    annotations = project / "annotations" / "ten_thousand.toml"
    app = App(project, corpus, "ten_thousand", env)
    wait_for(lambda: marker in pane())
    wait_for(lambda: all_read(pane()), timeout=600, every=0.02)
    time.sleep(0.5)
    lat = renames(app, annotations, tags)
    first = first_tags(app, annotations, tags)
    switches: list[float] = []
    for _ in range(10):
        screen = pane()
        t = app.keys("Tab")
        end = wait_for(lambda s=screen: pane() != s, timeout=5)
        if end is not None:
            switches.append(end - t)
        time.sleep(0.1)
    quit_time = app.quit()
    if not lat:
        print("tag latency: no write observed")
        return
    print(
        f"tag -> file renamed, 10,000 annotations, {len(lat)}/{tags} tags: {spread(lat)}",
        flush=True,
    )
    if first:
        print(f"  first tags, {len(first)}/{tags} untagged suspects: {spread(first)}", flush=True)
    raw = Floor(project, annotations, env)
    floor = renames(raw, annotations, tags)
    raw.quit()
    if floor:
        print(
            f"  the floor, same file: a raw tty program replacing it on each key: {spread(floor)}",
            flush=True,
        )
    if switches:
        switches.sort()
        print(
            f"tab -> next document drawn (incl. capture-pane polling): "
            f"median {statistics.median(switches) * 1000:.1f} ms, max {switches[-1] * 1000:.1f} ms",
            flush=True,
        )
    if quit_time is not None:
        print(f"q to exit with 10,000 annotations: {quit_time:.2f} s")


class Floor(App):
    """The tag measure's floor in the same tmux window: a program that puts the terminal in raw
    mode and, on each key, replaces ``path`` with the same bytes through the app's own
    ``write_atomic`` (temporary file, fsync, rename, the folder's fsync). No Textual, no frame,
    no helper: what is left is tmux delivering the key and the disk."""

    def __init__(self, project: Path, path: Path, env: dict[str, str]) -> None:
        self._launch(project, [sys.executable, __file__, "--floor", str(path)], "floor", env)
        wait_for(lambda: "ready" in pane(), timeout=30)


def floor_program(path: Path) -> None:
    import termios
    import tty

    from reviewer.core.files import write_atomic

    data = path.read_bytes()
    saved = termios.tcgetattr(0)
    tty.setraw(0)
    try:
        print("ready", end="", flush=True)
        while (key := os.read(0, 1)) and key != b"q":
            write_atomic(path, data)
    finally:
        termios.tcsetattr(0, termios.TCSADRAIN, saved)


def large_project(project: Path, path: str = "", **env: str) -> tuple[dict[str, str], Path, str]:
    """The 2,000-document, 100k-claim corpus written under ``project``, the environment the app
    runs in (its caches kept in ``project``; ``path`` put before the project on PYTHONPATH,
    ``env`` added), and the first claim's text, which shows the corpus is on screen."""
    env = {
        "XDG_CACHE_HOME": str(project / "cache"),
        "XDG_STATE_HOME": str(project / "state"),
        "PYTHONPATH": f"{path}:{ROOT}" if path else str(ROOT),
        "TERM": os.environ.get("TERM", "xterm-256color"),
        **env,
    }
    corpus = project / "large"
    make_corpus(corpus, groups=500, docs_per_group=4, sentences_per_doc=50, seed=11)
    print(f"cores: {os.cpu_count()}; corpus: 2,000 documents, 100,000 claims", flush=True)
    return env, corpus, first_claim_of(corpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tags", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1, help="repeat the openings (0: none)")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor is not None:
        floor_program(args.floor)
        return
    if shutil.which("tmux") is None:
        sys.exit("benchmarks/terminal.py: tmux is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        env, corpus, marker = large_project(project)
        for run in range(args.runs):
            shutil.rmtree(project / "cache", ignore_errors=True)
            opening(project, corpus, env, marker, f"first opening (run {run + 1})")
            opening(project, corpus, env, marker, f"second opening (run {run + 1})")
        tagged = project / "annotations" / "ten_thousand.toml"
        tagged.parent.mkdir(parents=True, exist_ok=True)
        seed_annotations(corpus, tagged, 10_000)
        print(f"annotation file: {tagged.stat().st_size / 2**20:.1f} MiB", flush=True)
        tag_latency(project, corpus, env, marker, args.tags)


if __name__ == "__main__":
    main()
