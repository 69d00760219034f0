"""Shared by the hostile tests: the real CLI in a subprocess, and what the app really draws."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def cli(*args: str, cwd: Path, timeout: float = 60, stdin: bytes | None = None):
    """``python -m reviewer ARGS`` in ``cwd``. A traceback is always a failure: every user
    mistake must end in one line and an exit status."""
    result = subprocess.run(
        [sys.executable, "-m", "reviewer", *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        input=stdin,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    return result


def error_line(result) -> str:
    """The one line a failed command printed (stderr has exactly one ``reviewer:`` line)."""
    lines = [ln for ln in result.stderr.decode().splitlines() if ln.startswith("reviewer:")]
    assert len(lines) == 1, result.stderr.decode()
    return lines[0]


def drawn_segments(app) -> list:
    """Every segment of the current screen, as the compositor hands it to the terminal."""
    update = app.screen._compositor.render_full_update()
    return [segment for line in update.strips for strip in line for segment in strip]


def drawn_text(app) -> str:
    update = app.screen._compositor.render_full_update()
    return "\n".join(
        "".join(segment.text for strip in line for segment in strip) for line in update.strips
    )


class TerminalModel:
    """What a terminal shows: every update the app sends (a whole screen, or only the parts of
    lines that changed) applied in turn to a grid of cells. A widget that changes without
    asking for those cells to be drawn again leaves them stale here, as on a real screen;
    ``render_full_update`` (``drawn_text``) would draw them afresh and hide it.

    Install before the app runs: it wraps the app's ``_display``, which the compositor calls
    with each update, headless too."""

    def __init__(self, app) -> None:
        from textual._compositor import CompositorUpdate

        self.cells: dict[tuple[int, int], tuple[str, object]] = {}
        self.updates: list = []
        shown = app._display

        def display(screen, renderable) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.updates.append(renderable)
                self._apply(renderable, app.console)
            shown(screen, renderable)

        app._display = display

    def _apply(self, update, console) -> None:
        from rich.cells import cell_len
        from rich.segment import ControlType

        x = y = 0
        for segment in update.__rich_console__(console, console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if segment.text == "\n":
                continue
            for ch in segment.text:
                self.cells[(x, y)] = (ch, segment.style)
                x += cell_len(ch)

    def stale(self, app) -> list[str]:
        """Cells that differ from what the widgets draw now (text or style), as one line per
        row: ``y: shown | now``. Textual keeps each widget's rendered lines until they are
        marked dirty, so those caches are emptied first: a row nobody marked is drawn afresh
        here, and differs from what the terminal was sent."""
        from rich.cells import cell_len

        for widget in app.screen.walk_children(with_self=True):
            widget._styles_cache.clear()
        update = app.screen._compositor.render_full_update()
        rows = []
        for y, line in enumerate(update.strips):
            x, shown, now = 0, [], []
            for strip in line:
                for segment in strip:
                    for ch in segment.text:
                        held = self.cells.get((x, y))
                        if held != (ch, segment.style):
                            shown.append(held[0] if held else "∅")
                            now.append(ch)
                        x += cell_len(ch)
            if now:
                rows.append(f"{y}: {''.join(shown)[:60]!r} | {''.join(now)[:60]!r}")
        return rows
