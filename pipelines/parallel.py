"""CPU-bound work on several cores: how many processes, and when they are worth starting.

Parsing plans, reading workbooks and writing per-plan documents all fan out the same way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

WORKERS_ENV = "PLAN389_WORKERS"

Job = TypeVar("Job")
Result = TypeVar("Result")


def worker_count() -> int:
    """Worker processes for CPU-bound steps: PLAN389_WORKERS, else every core."""
    value = os.environ.get(WORKERS_ENV, "")
    return max(1, int(value)) if value.isdigit() else max(1, os.cpu_count() or 1)


def map_in_processes(
    fn: Callable[[Job], Result],
    jobs: Sequence[Job],
    workers: int,
    min_jobs: int,
    chunksize: int = 1,
) -> list[Result]:
    """`[fn(job) for job in jobs]`, in order, on `workers` processes when there are at least
    `min_jobs` jobs; with fewer, a worker's start-up (1–3 s) costs more than it saves."""
    if workers > 1 and len(jobs) >= min_jobs:
        # spawn, not fork: Dagster's threads and polars' thread pool do not survive a fork
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context) as pool:
            return list(pool.map(fn, jobs, chunksize=chunksize))
    return [fn(job) for job in jobs]
