"""Worker processes for the parallel stages (reading posts, rendering outputs).

Workers are forked, so they share the parent's data without pickling it; the stages pass
their state through a module global set just before the pool starts.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, MutableSequence, Sequence
from typing import Any, cast


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _ignore_interrupts() -> None:
    """Pool workers leave Ctrl-C to the main process, which stops them without tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def fork_map(
    function: Callable[[Any], Any], items: Sequence[Any], jobs: int, chunk: int = 1
) -> list:
    """``[function(item) for item in items]`` in ``jobs`` forked processes, in order."""
    with multiprocessing.get_context("fork").Pool(jobs, _ignore_interrupts) as pool:
        return pool.map(function, items, chunksize=chunk)


def fork_shares(function: Callable[[int], Any], jobs: int) -> list:
    """``[function(worker) for worker in range(jobs)]`` at once: worker 0 is this process,
    the others are forked. A forked process copies every memory page it touches, and CPython
    writes reference counts even where it only reads; this process's pages are its own
    already, so working here too saves one copy of everything the workers look at."""
    if jobs <= 1:
        return [function(0)]
    with multiprocessing.get_context("fork").Pool(jobs - 1, _ignore_interrupts) as pool:
        others = pool.map_async(function, range(1, jobs), chunksize=1)
        mine = function(0)
        return [mine, *others.get()]


class SharedSpans:
    """Items ``0 .. count-1`` shared out among forked workers in batches.

    Each worker starts with one contiguous span and takes batches from its front; once its span
    is empty, it takes from the back of the largest span left. So each worker mostly handles
    neighbouring items (render/parallel.py orders outputs so that neighbours show the same
    posts, whose cards a worker then renders once), and no worker idles while another still
    has work.
    Created before the pool forks: the bounds live in shared memory.
    """

    def __init__(self, count: int, workers: int, batch: int) -> None:
        self.batch = batch
        self.bounds = multiprocessing.get_context("fork").Array("q", 2 * workers)
        size = -(-count // workers)
        for worker in range(workers):
            start = min(count, worker * size)
            self.bounds[2 * worker] = start
            self.bounds[2 * worker + 1] = min(count, start + size)

    def take(self, worker: int) -> range:
        """The next batch for ``worker``; empty when every item has been taken."""
        with self.bounds.get_lock():
            bounds = cast(MutableSequence[int], self.bounds.get_obj())  # int64s, unlocked
            start, end = bounds[2 * worker], bounds[2 * worker + 1]
            if start < end:
                bounds[2 * worker] = stop = min(end, start + self.batch)
                return range(start, stop)
            spans = range(len(bounds) // 2)
            largest = max(spans, key=lambda span: bounds[2 * span + 1] - bounds[2 * span])
            start, end = bounds[2 * largest], bounds[2 * largest + 1]
            bounds[2 * largest + 1] = begin = max(start, end - self.batch)
            return range(begin, end)
