"""Work done group by group, in worker processes when the corpus is large: the suspect engine
and the fact table both run this way. Results come back in the groups' order, whatever the
number of workers, so output is deterministic."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from typing import TypeVar

from .corpus import Corpus, Document

T = TypeVar("T")
R = TypeVar("R")


BYTES_PER_CLAIM = 150  # to guess a corpus's size before reading it
PARALLEL_FROM = 5_000  # claims; below this, starting worker processes costs more than it saves


def default_workers(claims: int) -> int:
    if claims < PARALLEL_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def workers_for(claims: int, given: int | None) -> int:
    """``given`` if set, else as many workers as ``claims`` warrant."""
    return default_workers(claims) if given is None else given


def prepare_workers(claims: int) -> None:
    """Start multiprocessing's resource tracker now, while stderr is the real one.

    Started lazily, it passes ``sys.stderr.fileno()`` to its process; inside a TUI that captures
    stderr, that is not a usable file descriptor and starting worker processes fails.
    """
    if default_workers(claims) > 1:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()


def _run_batch(fn: Callable[[Sequence[Document]], list[R]], batch: list[Sequence[Document]]):
    """In a worker: ``fn`` on each group of a batch (one round trip for several groups)."""
    return [fn(docs) for docs in batch]


BATCH_CLAIMS = 2_000  # claims per task sent to a worker: fewer round trips, still fine-grained


def groups_in_order(
    groups: Iterable[Sequence[Document]],
    local: Callable[[Sequence[Document]], list[T]],
    remote: Callable[[Sequence[Document]], list[R]],
    receive: Callable[[list[R]], list[T]],
    progress: Callable[[int, int | None], None] | None,
    workers: int,
    total: int | None,
) -> Iterator[list[T]]:
    """Run one function per group, yielding results in the groups' order: ``local`` in this
    process, or, with ``workers`` > 1, ``remote`` in worker processes with ``receive`` turning
    its results into ``local``'s. Groups are sent to the workers as they come (a corpus being
    read is scored meanwhile). ``progress(done, total)`` counts the claims of the groups
    done; ``total`` may be None (not known yet). Output does not depend on the number of
    workers."""
    done = 0
    pool = None
    if workers > 1:
        # "spawn": forking a process that runs threads (the app's workers) can deadlock it.
        try:
            pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn")
            )
        except (OSError, ValueError):
            pool = None  # no worker processes here (sandbox, captured stderr): one core it is
    if pool is None:
        for docs in groups:
            results = local(docs)
            done += _claims_in(docs)
            if progress is not None:
                progress(done, total)
            yield results
        return
    run = partial(_run_batch, remote)
    # Each batch sent, with the number of claims of each of its groups (for progress).
    pending: deque[tuple[Future[list[list[R]]], list[int]]] = deque()

    def finished(block: bool) -> Iterator[list[T]]:
        nonlocal done
        while pending and (block or pending[0][0].done()):
            future, sizes = pending.popleft()
            for rows, size in zip(future.result(), sizes, strict=True):
                results = receive(rows)
                done += size
                if progress is not None:
                    progress(done, total)
                yield results

    with pool:
        batch: list[Sequence[Document]] = []
        sizes: list[int] = []
        size = 0
        for docs in groups:
            batch.append(docs)
            sizes.append(_claims_in(docs))
            size += sum(len(d.sentences) for d in docs)
            if size >= BATCH_CLAIMS:
                pending.append((pool.submit(run, batch), sizes))
                batch, sizes, size = [], [], 0
                # Keep a few batches ahead of the workers, no more: memory stays bounded.
                yield from finished(block=len(pending) > 4 * workers)
        if batch:
            pending.append((pool.submit(run, batch), sizes))
        yield from finished(block=True)


def group_by(documents: Sequence[Document]) -> dict[str, list[Document]]:
    out: dict[str, list[Document]] = {}
    for d in documents:
        out.setdefault(d.group, []).append(d)
    return out


def same(rows: list[R]) -> list[R]:
    return rows


def _claims_in(docs: Sequence[Document]) -> int:
    return sum(1 for d in docs for s in d.sentences if s.is_claim)


def sorted_groups(corpus: Corpus) -> list[list[Document]]:
    return [docs for _, docs in sorted(corpus.groups.items())]


def claims_of(corpus: Corpus) -> int:
    return sum(len(d.claims) for d in corpus.documents)
