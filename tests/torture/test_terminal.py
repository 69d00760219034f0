"""The installed `reviewer` command in a real terminal (tmux): keys in, screen out, TOML on disk."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SEEDS

REVIEWER = Path(sys.executable).parent / "reviewer"
pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not REVIEWER.exists(), reason="reviewer is not installed in this venv"),
]


def tmux(socket: str, *args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", socket, *args], capture_output=True, text=True, check=False
    ).stdout


def wait_for(socket: str, predicate, timeout: float = 20.0, colours: bool = False) -> str:
    """The screen once ``predicate`` holds for it; ``colours``: with its escape sequences."""
    deadline = time.monotonic() + timeout
    screen = ""
    capture = (
        ["capture-pane", "-e", "-p", "-t", "r"] if colours else ["capture-pane", "-p", "-t", "r"]
    )
    while time.monotonic() < deadline:
        screen = tmux(socket, *capture)
        if predicate(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"timed out; the screen was:\n{screen}")


def start_on_seeds(tmp_path: Path, size: tuple[int, int] = (120, 40), then: str = "") -> str:
    """The installed reviewer on the seeds, annotator tt, in a tmux server of its own (its
    state and cache in ``tmp_path``), followed by the shell commands ``then``: the socket."""
    (tmp_path / "seeds").symlink_to(SEEDS)
    socket = f"reviewer-test-{tmp_path.name}"
    env = f"XDG_STATE_HOME={tmp_path / 'state'} XDG_CACHE_HOME={tmp_path / 'cache'}"
    command = (
        f"cd {shlex.quote(str(tmp_path))} && env {env} {shlex.quote(str(REVIEWER))} --annotator tt"
        + then
    )
    tmux(socket, "new-session", "-d", "-s", "r", "-x", str(size[0]), "-y", str(size[1]), command)
    return socket


def quit_and_wait(socket: str) -> None:
    """``q``, then the app's tmux session gone (every save on disk), at most 10 s."""
    tmux(socket, "send-keys", "-t", "r", "q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "r" in tmux(socket, "list-sessions", "-F", "#S").split():
        time.sleep(0.1)


def test_installed_reviewer_in_tmux(tmp_path: Path):
    socket = start_on_seeds(tmp_path)
    try:
        screen = wait_for(socket, lambda s: "suspects left" in s)  # scored and drawn
        assert "000_3a2d618653cc8c15.txt" in screen and "0/187 tagged" in screen
        tmux(socket, "send-keys", "-t", "r", "n")
        tmux(socket, "send-keys", "-t", "r", "f")
        wait_for(socket, lambda s: "1/187 tagged" in s)
        tmux(socket, "send-keys", "-t", "r", "j")
        tmux(socket, "send-keys", "-t", "r", "s")
        screen = wait_for(socket, lambda s: "2/187 tagged" in s)
        assert "Tagged supported" in screen
        quit_and_wait(socket)
    finally:
        tmux(socket, "kill-server")
    data = tomllib.loads((tmp_path / "annotations" / "tt.toml").read_text())
    assert data["annotator"] == "tt" and data["corpus"] == "seeds"
    assert sorted(a["label"] for a in data["annotation"]) == ["fabricated", "supported"]
    for a in data["annotation"]:
        text = (SEEDS / a["doc"]).read_text(encoding="utf-8")
        assert text[a["start"] : a["end"]] == a["quote"]


def test_escape_then_a_key_sent_at_once_is_both_keys_outside_text_fields(tmp_path: Path):
    # A terminal sends alt+f as escape then f, so Textual read "escape, f" arriving together
    # (typed fast, one send-keys, one SSH packet) as alt+f, "escape, 1" as "¡": the help
    # stayed open and the tag or the link was lost. In a note, escape-b (option+left in
    # macOS Terminal) must still move by a word, not cancel what is being written.
    socket = start_on_seeds(tmp_path)
    try:
        wait_for(socket, lambda s: "suspects left" in s)
        tmux(socket, "send-keys", "-t", "r", "?")
        wait_for(socket, lambda s: "reviewer keys" in s)
        tmux(socket, "send-keys", "-t", "r", "Escape", "f")
        wait_for(socket, lambda s: "1/187 tagged" in s and "reviewer keys" not in s)
        tmux(socket, "send-keys", "-t", "r", "j")
        tmux(socket, "send-keys", "-t", "r", "Escape", "s")
        wait_for(socket, lambda s: "2/187 tagged" in s)
        tmux(socket, "send-keys", "-t", "r", "Escape", "1")
        wait_for(socket, lambda s: "1 evidence linked" in s)
        tmux(socket, "send-keys", "-t", "r", "a")
        wait_for(socket, lambda s: "enter saves" in s)
        tmux(socket, "send-keys", "-t", "r", "-l", "abc")
        wait_for(socket, lambda s: "abc" in s)
        tmux(socket, "send-keys", "-t", "r", "Escape", "b")
        time.sleep(0.5)
        screen = wait_for(socket, lambda s: "enter saves" in s and "abc" in s)
        tmux(socket, "send-keys", "-t", "r", "-l", "x")  # at the word's start: "xabc"
        tmux(socket, "send-keys", "-t", "r", "Enter")
        wait_for(socket, lambda s: "enter saves" not in s)
        quit_and_wait(socket)
    finally:
        tmux(socket, "kill-server")
    data = tomllib.loads((tmp_path / "annotations" / "tt.toml").read_text())
    tags = sorted(data["annotation"], key=lambda a: (a["doc"], a["start"]))
    assert [a["label"] for a in tags] == ["fabricated", "supported"], screen
    assert len(tags[1]["evidence"]) == 1
    assert tags[1]["note"] == "xabc"


def test_quitting_gives_the_terminal_back_as_it_was(tmp_path: Path):
    # Quitting no longer waits for Textual's input thread (reviewer.driver): the terminal
    # must still come back in line mode with echo, off the alternate screen, and the shell
    # must read the next keys typed, not a thread left polling.
    stty = tmp_path / "stty.txt"
    socket = start_on_seeds(
        tmp_path,
        (100, 30),
        f"; stty -a > {shlex.quote(str(stty))}; echo LEFT-THE-APP; "
        'read line; echo "got:$line"; sleep 30',
    )
    try:
        wait_for(socket, lambda s: "suspects left" in s)
        tmux(socket, "send-keys", "-t", "r", "q")
        screen = wait_for(socket, lambda s: "LEFT-THE-APP" in s)
        assert "suspects left" not in screen  # the app's screen is gone (alternate screen left)
        tmux(socket, "send-keys", "-t", "r", "hello", "Enter")
        wait_for(socket, lambda s: "got:hello" in s)
    finally:
        tmux(socket, "kill-server")
    modes = stty.read_text().split()
    assert "icanon" in modes and "echo" in modes and "isig" in modes


_LEAD = re.compile(r"(?:\x1b\[[0-9;]*m)*")
_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def _background(bg: str, sequences: str) -> str:
    """The background after the SGR ``sequences``, starting from ``bg``: "5;N" (256 colours),
    "2;R;G;B" or "default". tmux writes only what changes from the cell before, across line
    ends too, so the state is carried from line to line."""
    for params in _SGR.findall(sequences):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            p = parts[i]
            if p in ("", "0", "49"):
                bg = "default"
            elif p in ("38", "48", "58"):  # a colour: its arguments are not attributes
                n = 2 if parts[i + 1 : i + 2] == ["5"] else 4
                if p == "48":
                    bg = ";".join(parts[i + 1 : i + 1 + n])
                i += n
            i += 1
    return bg


def _list_backgrounds(screen: str) -> dict[str, str]:
    """The document list's entries as the terminal shows them: name prefix ("002") -> the
    background its name row is drawn on."""
    out = {}
    bg = "default"
    for line in screen.splitlines():
        lead = _LEAD.match(line).group()  # type: ignore[union-attr]
        bg = _background(bg, lead)
        plain = _SGR.sub("", line)
        if plain[:3].isdigit() and ".txt" in plain[:30]:
            out[plain[:3]] = bg
        bg = _background(bg, line[len(lead) :])
    return out


def test_moving_between_documents_lights_one_entry_on_the_terminal(tmp_path: Path):
    # The list repaints only the entries the highlight leaves and reaches. A snapshot renders
    # the whole screen afresh and cannot see an entry left lit: the terminal can.
    socket = start_on_seeds(tmp_path)

    def lit(screen: str) -> set[str]:
        backgrounds = _list_backgrounds(screen)
        if len(backgrounds) != 5:
            return set()
        usual = Counter(backgrounds.values()).most_common(1)[0][0]
        return {name for name, bg in backgrounds.items() if bg != usual}

    def shown(expected: str) -> None:
        wait_for(socket, lambda screen: lit(screen) == {expected}, colours=True)

    try:
        wait_for(socket, lambda s: "suspects left" in s)
        shown("000")
        for expected in ("001", "002", "003"):
            tmux(socket, "send-keys", "-t", "r", "Tab")
            shown(expected)
        tmux(socket, "send-keys", "-t", "r", "BTab")
        shown("002")
    finally:
        tmux(socket, "kill-server")
