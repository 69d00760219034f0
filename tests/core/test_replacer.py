"""The helper process that replaces annotation files (reviewer/core/replacer.py): the same bytes
and guarantees as writing in the app's own process, and every failure of the helper ends in the
file written anyway."""

from __future__ import annotations

import errno
import io
import json
import mmap
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reviewer.core import replacer as replacer_module
from reviewer.core.files import remove_stale_temps
from reviewer.core.replacer import Replacer, serve
from tests.conftest import ROOT


def signature(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def up(r: Replacer) -> Replacer:
    """Once its helper has started (until then writes are done here, see the last test)."""
    for _ in range(500):
        if r.available or r.helper is None:
            break
        time.sleep(0.01)
    assert r.available, r.failure
    return r


@pytest.fixture
def replacer():
    r = up(Replacer())
    yield r
    r.close()


def test_the_helper_writes_the_bytes_keeps_the_mode_and_returns_the_new_signature(
    tmp_path: Path, replacer: Replacer
):
    assert replacer.available, replacer.failure
    target = tmp_path / "ana.toml"
    target.write_bytes(b"old")
    target.chmod(0o600)
    small, large = b"schema = 1\n", os.urandom(3_000_000)  # the shared buffer grows for it
    for data in (small, large, small):
        sig = replacer.replace(target, data)
        assert target.read_bytes() == data
        assert sig == signature(target)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert replacer.helper is not None and replacer.helper.proc.poll() is None  # still working
    assert temporaries(tmp_path) == []


def test_a_disk_error_in_the_helper_is_the_same_oserror(tmp_path: Path, replacer: Replacer):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError) as caught:
        replacer.replace(tmp_path / "file" / "ana.toml", b"data")
    assert caught.value.errno == errno.ENOTDIR and caught.value.strerror == "Not a directory"
    assert replacer.available  # a disk error is an answer, not a broken helper
    replacer.replace(tmp_path / "ana.toml", b"after")
    assert (tmp_path / "ana.toml").read_bytes() == b"after"


def test_a_killed_helper_means_the_write_is_done_here(tmp_path: Path, replacer: Replacer):
    target = tmp_path / "ana.toml"
    replacer.replace(target, b"one")
    assert replacer.helper is not None
    replacer.helper.proc.kill()
    replacer.helper.proc.wait()
    assert replacer.replace(target, b"two") == signature(target)
    assert target.read_bytes() == b"two"
    assert not replacer.available and "helper" in replacer.failure
    assert replacer.replace(target, b"three") == signature(target)  # and from then on
    assert target.read_bytes() == b"three"


def test_a_helper_that_stops_answering_is_stopped_and_the_write_done_here(tmp_path: Path):
    replacer = up(Replacer(timeout=0.5))
    try:
        target = tmp_path / "ana.toml"
        replacer.replace(target, b"one")
        assert replacer.helper is not None
        proc = replacer.helper.proc
        proc.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        assert replacer.replace(target, b"two") == signature(target)
        assert 0.4 < time.monotonic() - started < 10
        assert target.read_bytes() == b"two"
        assert proc.poll() is not None  # killed: it can never rename its copy over a newer file
        assert "no answer" in replacer.failure
        assert temporaries(tmp_path) == []
    finally:
        replacer.close()


def test_without_a_helper_the_write_is_done_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delattr(os, "memfd_create")  # as on macOS
    replacer = Replacer()
    assert not replacer.available and "not started" in replacer.failure
    target = tmp_path / "ana.toml"
    assert replacer.replace(target, b"data") == signature(target)
    assert not replacer.start(target, b"data")  # nothing started: the caller writes
    replacer.close()


def test_the_helper_writes_a_temporary_file_and_never_renames_it(tmp_path: Path):
    """The helper writes and fsyncs the temporary file, with the set's mode; the set itself is
    replaced by the app (see the next test for why)."""
    target = tmp_path / "ana.toml"
    target.write_bytes(b"the file as the app last saved it")
    target.chmod(0o600)
    data = b"the next save"
    memfd = os.memfd_create("test")
    os.ftruncate(memfd, mmap.PAGESIZE)
    with mmap.mmap(memfd, mmap.PAGESIZE) as mem:
        mem[: len(data)] = data
    request = {"path": str(target), "size": len(data), "capacity": mmap.PAGESIZE}
    answers = io.StringIO()
    serve(memfd, [json.dumps(request).encode() + b"\n"], answers)
    os.close(memfd)
    ready, answer = (json.loads(line) for line in answers.getvalue().splitlines())
    assert ready == {"ready": True}
    temp = Path(answer["temp"])
    assert temp.parent == tmp_path and temp.name.startswith(f".ana.toml.{os.getpid()}.")
    assert temp.read_bytes() == data and stat.S_IMODE(temp.stat().st_mode) == 0o600
    assert tuple(answer["signature"]) == signature(temp)  # the rename keeps it
    assert target.read_bytes() == b"the file as the app last saved it"


APP_KILLED_MID_SAVE = """
import os, select, sys, time
from pathlib import Path
from reviewer.core.replacer import Replacer
r = Replacer()
for _ in range(500):
    if r.available:
        break
    time.sleep(0.01)
target = Path(sys.argv[1])
r.replace(target, b"acknowledged")
assert r.start(target, b"handed over, never acknowledged")
select.select([r.helper._from], [], [], 10)  # the helper has written it and answered
print(r.helper.proc.pid, flush=True)
time.sleep(60)
"""


def test_a_save_handed_over_never_lands_once_the_app_is_dead(tmp_path: Path):
    """SIGKILL to the app after its helper has written the save: the file keeps the last
    acknowledged state for good, because only the app renames. Before, the helper renamed, and
    a rename under way when the app died could land after the app was reaped (the kill test
    caught one), over whatever the next session had saved by then."""
    target = tmp_path / "ana.toml"
    app = subprocess.Popen(
        [sys.executable, "-c", APP_KILLED_MID_SAVE, str(target)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert app.stdout is not None
    helper = int(app.stdout.readline())
    app.kill()
    app.wait()
    for _ in range(50):  # the helper dies with the app; whatever it does, nothing lands
        time.sleep(0.01)
        assert target.read_bytes() == b"acknowledged"
    (temp,) = temporaries(tmp_path)  # its write, left for the next session to remove
    assert temp.startswith(f".ana.toml.{helper}.")
    assert (tmp_path / temp).read_bytes() == b"handed over, never acknowledged"
    assert remove_stale_temps(target) == 1  # what the next session does, under its lock
    assert temporaries(tmp_path) == [] and target.read_bytes() == b"acknowledged"


def test_an_answer_naming_another_file_is_not_renamed(
    tmp_path: Path, replacer: Replacer, monkeypatch: pytest.MonkeyPatch
):
    """The app renames only a temporary file of its own helper beside the set: a confused
    helper is given up and the save written here."""
    target = tmp_path / "ana.toml"
    (tmp_path / "other").mkdir()
    elsewhere = tmp_path / "other" / f".ana.toml.{replacer.helper.proc.pid}.x.tmp"  # type: ignore[union-attr]
    elsewhere.write_bytes(b"not this")
    monkeypatch.setattr(
        replacer_module._Helper,
        "_answer",
        lambda self: {"temp": str(elsewhere), "signature": [0, 0, 0, 0]},
    )
    assert replacer.replace(target, b"the save") == signature(target)
    assert target.read_bytes() == b"the save" and elsewhere.read_bytes() == b"not this"
    assert not replacer.available and "unexpected file" in replacer.failure


def test_an_answer_without_a_readable_signature_means_the_write_is_done_here(
    tmp_path: Path, replacer: Replacer, monkeypatch: pytest.MonkeyPatch
):
    target = tmp_path / "ana.toml"
    pid = replacer.helper.proc.pid  # type: ignore[union-attr]
    temp = str(tmp_path / f".ana.toml.{pid}.x.tmp")
    monkeypatch.setattr(
        replacer_module._Helper, "_answer", lambda self: {"temp": temp, "signature": ["x"]}
    )
    assert replacer.replace(target, b"the save") == signature(target)
    assert target.read_bytes() == b"the save"
    assert not replacer.available and "unreadable answer" in replacer.failure
    assert temporaries(tmp_path) == []


def test_one_replacer_serves_one_thread_at_a_time_without_losing_order(tmp_path: Path):
    """Writes started on one thread and finished on another (as the app's UI thread and writer
    do) land in order."""
    replacer = up(Replacer())
    try:
        target = tmp_path / "ana.toml"
        for n in range(20):
            assert replacer.start(target, f"write {n}".encode())
            done: list[object] = []
            t = threading.Thread(target=lambda done=done: done.append(replacer.finish()))
            t.start()
            t.join(10)
            assert done == [signature(target)]
            assert target.read_text() == f"write {n}"
    finally:
        replacer.close()


def test_the_helper_dies_with_the_app_even_in_the_middle_of_a_write(tmp_path: Path):
    """SIGKILL to the app while its helper is held up (stopped, as in a write): the kernel kills
    the helper too (PR_SET_PDEATHSIG), so the write can never land after a new session has
    opened the file. An idle helper would end anyway, at the end of its input."""
    app = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from reviewer.core.replacer import Replacer; r = Replacer();"
            "[time.sleep(0.01) for _ in range(500) if not r.available];"
            "r.replace(Path(sys.argv[1]), b'x'); print(r.helper.proc.pid, flush=True);"
            "time.sleep(60)",
            str(tmp_path / "ana.toml"),
        ],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert app.stdout is not None
    helper = int(app.stdout.readline())
    os.kill(helper, 0)  # alive while the app is
    os.kill(helper, signal.SIGSTOP)  # it will not read the end of its input
    app.kill()
    app.wait()
    for _ in range(200):
        try:
            os.kill(helper, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{helper}/stat").read_text().split(") ")[1].startswith("Z"):
            break  # dead, waiting for init to reap it
        time.sleep(0.01)
    else:
        raise AssertionError("the helper outlived the app by 2 s")


def test_until_the_helper_is_up_writes_are_done_here(tmp_path: Path):
    """A save right after opening does not wait for the helper's interpreter to start."""
    replacer = Replacer()
    try:
        assert replacer.helper is not None
        target = tmp_path / "ana.toml"
        replacer.replace(target, b"first")  # an interpreter takes tens of ms to start
        assert target.read_bytes() == b"first"
        assert not replacer.helper._ready  # so this was written here, without waiting
        up(replacer)
        assert replacer.replace(target, b"second") == signature(target)
        assert replacer.helper is not None and replacer.helper._ready
    finally:
        replacer.close()
