"""Worker processes for the parallel stages (reading posts, rendering outputs).

Workers are forked, so they share the parent's data without pickling it; the stages pass
their state through a module global set just before the pool starts.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from typing import Any


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
