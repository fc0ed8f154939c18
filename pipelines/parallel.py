"""CPU-bound work on several cores: how many processes, and when they are worth starting.

Parsing plans, reading workbooks and writing per-plan documents all fan out the same way.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

WORKERS_ENV = "PLAN389_WORKERS"

_NOTHING = object()

Job = TypeVar("Job")
Result = TypeVar("Result")


def worker_count() -> int:
    """Worker processes for CPU-bound steps: PLAN389_WORKERS, else every core."""
    value = os.environ.get(WORKERS_ENV, "")
    return max(1, int(value)) if value.isdigit() else max(1, os.cpu_count() or 1)


def map_in_processes(
    fn: Callable[..., Result],
    jobs: Sequence[Job],
    workers: int,
    min_jobs: int,
    chunksize: int = 1,
    shared: object = _NOTHING,
) -> list[Result]:
    """`[fn(job) for job in jobs]`, in order, on `workers` processes when there are at least
    `min_jobs` jobs; with fewer, a worker's start-up (1–3 s) costs more than it saves.

    With `shared`, it is `fn(shared, job)`: what every job needs goes to each worker once
    instead of being pickled with every job (the plan context of a national load is 5 MB:
    0.3 s a job)."""
    if workers > 1 and len(jobs) >= min_jobs:
        # spawn, not fork: Dagster's threads and polars' thread pool do not survive a fork
        context = multiprocessing.get_context("spawn")
        if shared is _NOTHING:
            with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context) as pool:
                return list(pool.map(fn, jobs, chunksize=chunksize))
        with ProcessPoolExecutor(
            min(workers, len(jobs)),
            mp_context=context,
            initializer=_keep_shared,
            initargs=(shared,),
        ) as pool:
            return list(pool.map(functools.partial(_with_shared, fn), jobs, chunksize=chunksize))
    if shared is _NOTHING:
        return [fn(job) for job in jobs]
    return [fn(shared, job) for job in jobs]


_shared: object = None  # in a worker: the `shared` value it was started with


def _keep_shared(value: object) -> None:
    global _shared
    _shared = value


def _with_shared(fn: Callable[..., Result], job: object) -> Result:
    return fn(_shared, job)
