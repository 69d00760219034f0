"""The single-writer lock (reviewer/core/lock.py): held while a reviewer has the set open, and
not mistaken for held when a killed reviewer's last process is still on its way out."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reviewer.core import lock as lock_module
from reviewer.core.lock import SetLock
from tests.conftest import ROOT

# A reviewer that holds the lock and starts a process (as the app starts its save helper), whose
# fork-to-exec window, where the child holds a copy of every descriptor, lasts 2 s here.
HOLDER_STARTING_A_PROCESS = """
import subprocess, sys, time
from pathlib import Path
from reviewer.core.lock import SetLock
lock = SetLock(Path(sys.argv[1]))
assert lock.acquire() is None
print("starting", flush=True)
# Popen returns once the child has exec'd: it is killed while it waits for that.
subprocess.Popen([sys.executable, "-c", "pass"], close_fds=True, start_new_session=True,
                 preexec_fn=lambda: time.sleep(2))
"""


def test_a_lock_released_while_waiting_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(lock_module, "WAIT", 10.0)  # every opening waits WAIT (0.5 s) by default
    path = tmp_path / "ana.toml"
    first, second = SetLock(path), SetLock(path)
    assert first.acquire() is None
    threading.Timer(0.1, first.release).start()  # a reviewer quitting
    assert second.acquire() is None and second.held
    second.release()


def test_a_lock_held_past_the_wait_names_its_holder(tmp_path: Path):
    path = tmp_path / "ana.toml"
    first, second = SetLock(path), SetLock(path)
    assert first.acquire() is None
    why = second.acquire(wait=0.05)
    assert why is not None and why.startswith("in use by another reviewer")
    assert f"pid {os.getpid()}" in why and not second.held
    first.release()
    assert second.acquire(wait=0) is None
    second.release()


def test_a_killed_reviewer_starting_a_process_does_not_keep_the_set_locked(tmp_path: Path):
    """SIGKILL to a reviewer while the process it was starting sits between fork and exec: that
    process still holds the lock for a moment. Reopening the set at once waits it out instead of
    opening read-only (the kill test met this: its next session found the set in use)."""
    path = tmp_path / "ana.toml"
    app = subprocess.Popen(
        [sys.executable, "-c", HOLDER_STARTING_A_PROCESS, str(path)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert app.stdout is not None and app.stdout.readline() == b"starting\n"
    time.sleep(0.3)  # in the child's window
    app.kill()
    app.wait()
    reopened = SetLock(path)
    assert reopened.acquire(wait=0) is not None  # the dead reviewer's child still holds it
    assert reopened.acquire(wait=10) is None  # gone once that child execs
    reopened.release()
