"""Pausing Python's cyclic garbage collector around work that allocates many small objects and
creates no reference cycles (scoring a group, reading a large annotation set).

The collector's passes over the young objects, and now and then over every object alive, cost
20-40% of such work and free nothing (the objects are freed by reference counting). The pause
is process-wide: a thread that allocates meanwhile only sees its cycles collected later.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block, on again after it if it was on before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
