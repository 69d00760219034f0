"""Loaded by every Python process started with this folder on PYTHONPATH (the command and the
workers it spawns): switches off the engine checks named in REVIEWER_ABLATE. Used by
``benchmarks/ablation.py`` only; never on a user's path."""

import os
import sys

if os.environ.get("REVIEWER_ABLATE"):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    from benchmarks.ablation import apply

    apply(os.environ["REVIEWER_ABLATE"])
