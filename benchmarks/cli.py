"""Running the engine the way users do, for the quality benchmarks."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path


def json_rows(command: str, corpus: Path) -> tuple[list[dict], float]:
    """Every record of `reviewer COMMAND CORPUS --json`, and the seconds it took."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "reviewer", command, str(corpus), "--json"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return [json.loads(line) for line in out.split("\n") if line], time.perf_counter() - started


def suspects_rows(corpus: Path) -> tuple[list[dict], float]:
    """Every claim's record from `reviewer suspects CORPUS --json`, and the seconds it took."""
    return json_rows("suspects", corpus)


def facts_rows(corpus: Path) -> tuple[list[dict], float]:
    """Every fact row from `reviewer facts CORPUS --json`, and the seconds it took."""
    return json_rows("facts", corpus)
