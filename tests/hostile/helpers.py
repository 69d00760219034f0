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
