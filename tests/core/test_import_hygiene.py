"""The core and the non-interactive commands must not pull in Textual (or rich, for the core)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    return {m.split(".")[0] for m in out.split()}


def test_core_imports_neither_textual_nor_rich():
    mods = loaded_after(
        "import reviewer, reviewer.core.corpus, reviewer.core.suspects, reviewer.core.store, "
        "reviewer.core.session, reviewer.core.cache, reviewer.core.text, reviewer.core.state"
    )
    assert "textual" not in mods and "rich" not in mods


def test_cli_without_review_does_not_import_textual():
    mods = loaded_after(
        "from reviewer.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['suspects', 'seeds', '--json'])"
    )
    assert "textual" not in mods
