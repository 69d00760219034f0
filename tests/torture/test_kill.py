"""Kill the tagging process with SIGKILL at random moments: no tag it reported is ever lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from benchmarks.synthetic import make_corpus
from tests.conftest import ROOT

KILLS = 200


def test_sigkill_at_random_moments_never_loses_a_saved_tag(tmp_path: Path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus, groups=4, docs_per_group=10, sentences_per_doc=60, seed=3)
    annotations = tmp_path / "annotations" / "torture.toml"
    rng = random.Random(1234)
    reported: dict[tuple[str, int, int], str] = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    mid_write_kills = 0
    for round_ in range(KILLS):
        child = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tests" / "torture" / "tagger.py"),
                str(corpus),
                str(annotations),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first.strip() == "ready", child.stderr.read() if child.stderr else first
        # Let it tag for a random while (several saves happen per millisecond window).
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        out = child.stdout.read()
        for line in out.splitlines():
            if line.count("\t") == 3:
                doc, start, end, label = line.split("\t")
                reported[(doc, int(start), int(end))] = label
        text = annotations.read_text(encoding="utf-8") if annotations.exists() else ""
        data = tomllib.loads(text) if text else {"annotation": []}  # must always parse
        on_disk = {(a["doc"], a["start"], a["end"]): a["label"] for a in data["annotation"]}
        missing = {k: v for k, v in reported.items() if on_disk.get(k) != v}
        assert not missing, f"round {round_}: reported as saved but not on disk: {missing}"
        # At most one tag was written but not yet reported when the kill came.
        extra = set(on_disk) - set(reported)
        assert len(extra) <= 1, f"round {round_}: {len(extra)} unreported tags"
        mid_write_kills += len(extra)
        for k in extra:
            reported[k] = on_disk[k]  # the next child starts from what is on disk
        # A writer killed mid-save may leave its temp file; the next session removes it.
        leftovers = [p for p in annotations.parent.iterdir() if p.name.endswith(".tmp")]
        assert len(leftovers) <= 1, leftovers
    assert len(reported) > KILLS, "the child should have saved many tags in total"
    print(
        f"{len(reported)} tags over {KILLS} kills; {mid_write_kills} kills between save and report"
    )
