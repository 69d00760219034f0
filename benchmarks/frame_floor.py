"""What one frame costs in Textual itself: the floor under benchmarks/frames.py's figures.

Run: .venv/bin/python benchmarks/frame_floor.py [--keys N]

Starts, in tmux at 120x40 (the size frames.py uses), a Textual app with the review screen's
layout at that width (the document list, 24 columns; the text; the evidence panel under it; the
status line) whose widgets do no work of their own: each is a Line API view that returns strips
built once, styled spans of 4-25 cells as the document view's rows are. Then it sends N keys of
two kinds, 250 ms apart, and prints the UI thread's CPU per key and per frame (the same probe
as frames.py):
- `f`: every widget shows its other set of strips, as `tab` to another document changes the
  whole screen in the app;
- `j`: only the text view changes, as a move to the next sentence repaints the text.
Both runs are printed twice: as Textual leaves the garbage collector, and with the heap frozen
after the first frame (`gc.freeze()`, as the app does once every score is read). Whatever the
app's figures exceed these by is the app's own work; the rest is Textual's compositor, styles
and output on this machine. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def floor_app(freeze: bool):
    """The app, built in the child only (the driver does not import Textual)."""
    from rich.segment import Segment
    from rich.style import Style
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal, Vertical
    from textual.geometry import Size
    from textual.scroll_view import ScrollView
    from textual.strip import Strip

    rnd = random.Random(14)
    styles = [Style(color=f"#{rnd.randrange(1 << 24):06x}", bold=i % 3 == 0) for i in range(12)]

    class Cached(ScrollView):
        """Rows built once, two sets of them; ``flip`` shows the other set."""

        def __init__(self, rows: int, seed: int, id: str) -> None:
            super().__init__(id=id)
            r = random.Random(seed)
            self.sets: list[list[Strip]] = []
            for _ in range(2):
                strips = []
                for _ in range(rows):
                    segments, width = [], 0
                    while width < 100:
                        n = r.randint(4, 25)
                        segments.append(Segment("x" * n, r.choice(styles)))
                        width += n
                    strips.append(Strip(segments, width))
                self.sets.append(strips)
            self.shown = 0
            self.virtual_size = Size(100, rows)

        def render_line(self, y: int) -> Strip:
            strips = self.sets[self.shown]
            y += self.scroll_offset.y
            width = self.scrollable_content_region.width
            return strips[y].crop_extend(0, width, None) if y < len(strips) else Strip.blank(width)

        def flip(self) -> None:
            self.shown ^= 1
            self.refresh()

    class Floor(App):
        CSS = """
        #documents { width: 24; border-right: solid $panel-lighten-2; background: $surface;
                     scrollbar-size-vertical: 1; }
        #reading { width: 1fr; layout: vertical; }
        #document { height: 1fr; padding: 0 1 0 0; scrollbar-size-vertical: 1; }
        #evidence { height: 40%; border-top: solid $panel-lighten-2; padding: 0 1;
                    background: $surface; overflow-y: scroll; scrollbar-size-vertical: 1; }
        #status { height: 1; background: $panel; padding: 0 1; }
        """
        BINDINGS = [("f", "flip_all", "every widget"), ("j", "flip_text", "the text")]

        def compose(self) -> ComposeResult:
            with Horizontal():
                yield Cached(2000, 1, "documents")
                with Vertical(id="reading"):
                    yield Cached(200, 2, "document")
                    yield Cached(60, 3, "evidence")
            yield Cached(1, 4, "status")

        def on_mount(self) -> None:
            if freeze:
                self.call_after_refresh(gc.freeze)

        def action_flip_all(self) -> None:
            for widget in self.query(Cached):
                widget.flip()

        def action_flip_text(self) -> None:
            self.query_one("#document", Cached).flip()

    return Floor()


def run(keys: int, freeze: bool) -> None:
    from benchmarks.frames import report
    from benchmarks.terminal import SESSION, App, tmux

    class Floor(App):
        def __init__(self, project: Path, env: dict[str, str]) -> None:
            command = [sys.executable, __file__, "--app"] + (["--freeze"] if freeze else [])
            self._launch(project, command, "floor", env)

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "frames.log"
        env = {
            "REVIEWER_FRAME_LOG": str(log),
            "PYTHONPATH": f"{ROOT / 'benchmarks' / 'frame_probe'}:{ROOT}",
            "TERM": os.environ.get("TERM", "xterm-256color"),
        }
        app = Floor(Path(tmp), env)
        deadline = time.monotonic() + 60
        while not (log.exists() and "frame" in log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        for key in ("f", "j"):
            for _ in range(keys):
                app.keys(key)
                time.sleep(0.25)
        time.sleep(0.5)
        tmux("kill-session", "-t", SESSION)  # the floor app has no quit key of its own
        heap = "heap frozen" if freeze else "collector as is"
        print(f"Textual alone, 120x40, {heap}:", flush=True)
        report(log, "flip_all", "whole screen (tab)")
        report(log, "flip_text", "text only (j)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=60, help="keys of each kind")
    parser.add_argument("--app", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--freeze", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app:
        floor_app(args.freeze).run()
        return
    if shutil.which("tmux") is None:
        sys.exit("benchmarks/frame_floor.py: tmux is not installed")
    for freeze in (False, True):
        run(args.keys, freeze)


if __name__ == "__main__":
    main()
