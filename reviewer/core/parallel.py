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
PARALLEL_FROM = 3_000  # claims; below this, starting worker processes costs more than it saves
# (measured: 3,000 claims take 1.9-2.9 s in one process, 1.5-2.1 s with two; 2,000 gain nothing)


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


Part = Callable[[Sequence[Document], int, int], list[R]]
Task = tuple[Sequence[Document], int, int]  # a group, and which of how many parts of it


def _run_batch(
    whole: Callable[[Sequence[Document]], list[R]], part: Part[R] | None, batch: list[Task]
) -> list[list[R]]:
    """In a worker: each task of a batch (one round trip for several groups), a whole group
    by ``whole``, a part of one by ``part``."""
    return [whole(docs) if n == 1 or part is None else part(docs, i, n) for docs, i, n in batch]


BATCH_CLAIMS = 2_000  # claims per task sent to a worker: fewer round trips, still fine-grained
# A group this large, with several documents, is worked on in parts, one per worker: one dense
# group (200 answers to one prompt) would otherwise keep every core but one idle. Each part
# builds the group's index again (a fifth to a third of a dense group's time), then does its share.
SPLIT_FROM = BATCH_CLAIMS


def parts_of(claims: int, parts: int) -> list[int]:
    """How many of ``claims`` each of ``parts`` covers: the share ``part_range`` gives it."""
    return [claims * (i + 1) // parts - claims * i // parts for i in range(parts)]


def part_range(n: int, part: int, parts: int) -> range:
    """The items of ``n`` that part ``part`` of ``parts`` covers: consecutive, in order, and
    together every item once."""
    return range(n * part // parts, n * (part + 1) // parts)


def groups_in_order(
    groups: Iterable[Sequence[Document]],
    local: Callable[[Sequence[Document]], list[T]],
    remote: Callable[[Sequence[Document]], list[R]],
    receive: Callable[[list[R]], list[T]],
    progress: Callable[[int, int | None], None] | None,
    workers: int,
    total: int | None,
    remote_part: Part[R] | None = None,
) -> Iterator[list[T]]:
    """Run one function per group, yielding results in the groups' order: ``local`` in this
    process, or, with ``workers`` > 1, ``remote`` in worker processes with ``receive`` turning
    its results into ``local``'s. Groups are sent to the workers as they come (a corpus being
    read is scored meanwhile). With ``remote_part``, a group of ``SPLIT_FROM`` claims or more
    is sent as one part per worker: ``remote_part(docs, i, n)`` gives part ``i`` of ``n`` of
    ``remote(docs)``, and the parts are joined in order before ``receive``.
    ``progress(done, total)`` counts the claims done; ``total`` may be None (not known yet).
    Output does not depend on the number of workers."""
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
    run = partial(_run_batch, remote, remote_part)
    # Each batch sent, with the claims of each of its tasks (for progress) and whether the
    # task ends its group (a group in parts is whole when its last part is back).
    pending: deque[tuple[Future[list[list[R]]], list[tuple[int, bool]]]] = deque()
    held: list[R] = []  # the parts of a group back so far

    def finished(block: bool) -> Iterator[list[T]]:
        nonlocal done, held
        while pending and (block or pending[0][0].done()):
            future, tasks = pending.popleft()
            for rows, (size, last) in zip(future.result(), tasks, strict=True):
                held.extend(rows)
                done += size
                if not last:
                    continue
                results = receive(held)
                held = []
                if progress is not None:
                    progress(done, total)
                yield results

    with pool:
        batch: list[Task] = []
        tasks: list[tuple[int, bool]] = []
        size = 0

        def send() -> Iterator[list[T]]:
            nonlocal batch, tasks, size
            pending.append((pool.submit(run, batch), tasks))
            batch, tasks, size = [], [], 0
            # Keep a few batches ahead of the workers, no more: memory stays bounded.
            yield from finished(block=len(pending) > 4 * workers)

        for docs in groups:
            claims = _claims_in(docs)
            if remote_part is not None and claims >= SPLIT_FROM and len(docs) > 1:
                if batch:
                    yield from send()
                shares = parts_of(claims, workers)
                for i, share in enumerate(shares):
                    batch, tasks = [(docs, i, workers)], [(share, i == workers - 1)]
                    yield from send()
                continue
            batch.append((docs, 0, 1))
            tasks.append((claims, True))
            size += sum(len(d.sentences) for d in docs)
            if size >= BATCH_CLAIMS:
                yield from send()
        if batch:
            yield from send()
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
