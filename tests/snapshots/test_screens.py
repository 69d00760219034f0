"""Snapshots of the screens at the sizes reviewers use (80x24 over SSH up to 160x50), in a dark
and a light theme."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.app import ReviewerApp
from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session
from tests.conftest import SEEDS
from tests.ui.test_keys import ready


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReviewerApp:
    monkeypatch.chdir(tmp_path)  # the status line shows the path relative to here
    corpus = load_corpus([SEEDS]).corpus
    return ReviewerApp(corpus, Session(corpus, Path("annotations") / "ana.toml", "ana"))


async def _scored(pilot) -> None:
    await ready(pilot)


async def _tagged(pilot) -> None:
    await _scored(pilot)
    # A suspect tagged fabricated with evidence, one supported, and the cursor on a suspect.
    await pilot.press("n", "f", "1", "j", "s", "n")
    pilot.app.session.flush()  # saved: the status line says so
    await pilot.pause()


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 50)])
def test_main_screen(snap_compare, app: ReviewerApp, size: tuple[int, int], theme: str):
    async def themed(pilot) -> None:
        pilot.app.theme = theme
        await _tagged(pilot)

    assert snap_compare(app, terminal_size=size, run_before=themed)


def test_evidence_full_screen_at_80x24(snap_compare, app: ReviewerApp):
    async def full(pilot) -> None:
        await _tagged(pilot)
        await pilot.press("e")  # the suspect under the cursor: reasons and evidence, full screen
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=full)


def test_help_screen(snap_compare, app: ReviewerApp):
    async def open_help(pilot) -> None:
        await _scored(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_help)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_fact_table(snap_compare, app: ReviewerApp, size: tuple[int, int]):
    async def open_facts(pilot) -> None:
        await _scored(pilot)
        await pilot.press("t")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        # On the odd one out of the first disputed row, tagged contradicted from the grid.
        await pilot.press("right", "right", "right", "c")
        pilot.app.session.flush()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_facts)
