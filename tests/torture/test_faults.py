"""Disk full and a read-only annotations folder, simulated: the app says so, keeps the tags in
memory, retries, and loses nothing when the disk works again.

The faults are injected into this process's system calls, so the app writes here (no helper
process); a disk error met by the helper comes back as the same OSError (tests/core/
test_replacer.py) and takes the same path from there."""

from __future__ import annotations

import errno
import os
import tomllib
from pathlib import Path

import pytest

from reviewer.app import ReviewerApp
from reviewer.core import replacer as replacer_module
from reviewer.core import store as store_module
from reviewer.core.corpus import load_corpus
from reviewer.core.session import Session
from reviewer.screens.review import ReviewScreen
from tests.conftest import SEEDS


@pytest.fixture(autouse=True)
def no_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(timeout: float) -> None:
        raise OSError("no helper process in these tests")

    monkeypatch.setattr(replacer_module, "_Helper", unavailable)


def labels_on_disk(path: Path, session: Session | None = None) -> list[str]:
    if session is not None:
        session.flush()
    if not path.exists():
        return []
    return [a["label"] for a in tomllib.loads(path.read_text()).get("annotation", [])]


@pytest.mark.parametrize(
    ("call", "err", "message"),
    [
        ("write", errno.ENOSPC, "No space left on device"),
        ("open", errno.EROFS, "Read-only file system"),
    ],
)
async def test_failed_saves_are_kept_retried_and_written_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, err: int, message: str
):
    monkeypatch.setattr(ReviewScreen, "RETRY_SECONDS", 0.05)
    corpus = load_corpus([SEEDS]).corpus
    path = tmp_path / "annotations" / "ana.toml"
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        screen = app.screen
        await pilot.press("s")  # one tag saved normally
        assert labels_on_disk(path, screen.session) == ["supported"]
        before = path.read_bytes()

        real = getattr(os, call)
        broken = {"on": True}

        def failing(*args, **kwargs):
            target = str(args[0]) if call == "open" else ""
            if broken["on"] and (call == "write" or target.endswith(".tmp")):
                raise OSError(err, message)
            return real(*args, **kwargs)

        monkeypatch.setattr(store_module.os, call, failing)
        await pilot.press("j", "f", "j", "c")
        screen.session.flush()
        await pilot.pause()
        assert screen.session.unsaved
        status = str(screen.query_one("#status").render())
        assert "NOT SAVED" in status and message in status
        assert path.read_bytes() == before  # the old file is intact, not torn
        # No temporary file is left; the lock file beside the set is the only other entry.
        assert sorted(p.name for p in path.parent.iterdir()) == [".ana.toml.lock", "ana.toml"]
        # Tags are in memory: the screen shows them.
        assert screen.session.get(screen.doc, screen.sentence).label == "contradicted"

        broken["on"] = False  # space returns
        for _ in range(40):
            await pilot.pause(0.05)
            if not screen.session.unsaved:
                break
        assert not screen.session.unsaved
        assert labels_on_disk(path, screen.session) == ["supported", "fabricated", "contradicted"]
        assert "saved to" in str(screen.query_one("#status").render())


async def test_quit_with_unsaved_tags_warns_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(ReviewScreen, "RETRY_SECONDS", 60)  # no retry during this test
    corpus = load_corpus([SEEDS]).corpus
    path = tmp_path / "annotations" / "ana.toml"
    app = ReviewerApp(corpus, Session(corpus, path, "ana"))
    real = os.replace

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        monkeypatch.setattr(store_module.os, "replace", full)
        await pilot.press("f")
        app.session.flush()
        await pilot.pause()
        await pilot.press("q")
        assert app.is_running, "the first q must not drop unsaved tags"
        monkeypatch.setattr(store_module.os, "replace", real)  # space returns
        app.session.retry_save()
        app.session.flush()
        await pilot.press("q")
    assert labels_on_disk(path) == ["fabricated"]
