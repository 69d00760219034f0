"""Loaded by benchmarks/frames.py (through PYTHONPATH) into the app it starts in tmux: writes
the UI thread's CPU time of every action and every screen update to $REVIEWER_FRAME_LOG, one
line each (kind, perf_counter at the start, milliseconds). Not part of the app."""

from __future__ import annotations

import os
import time

_path = os.environ.get("REVIEWER_FRAME_LOG")
if _path:
    import textual.app
    import textual.screen

    _log = open(_path, "w", buffering=1)  # noqa: SIM115 - open for the app's lifetime
    _update = textual.screen.Screen._on_timer_update
    _run_action = textual.app.App.run_action

    def _timed_update(self, *args, **kwargs):
        cpu, wall = time.thread_time(), time.perf_counter()
        result = _update(self, *args, **kwargs)
        _log.write(f"frame\t{wall:.6f}\t{(time.thread_time() - cpu) * 1000:.3f}\n")
        return result

    async def _timed_action(self, action, *args, **kwargs):
        cpu, wall = time.thread_time(), time.perf_counter()
        result = await _run_action(self, action, *args, **kwargs)
        _log.write(f"action:{action}\t{wall:.6f}\t{(time.thread_time() - cpu) * 1000:.3f}\n")
        return result

    textual.screen.Screen._on_timer_update = _timed_update  # type: ignore[method-assign]
    textual.app.App.run_action = _timed_action  # type: ignore[method-assign]
