"""map_in_processes: the same results, in order, serially and on worker processes."""

import os

from pipelines.parallel import map_in_processes


def _square(job: int) -> int:
    return job * job


def _offset(shared: dict[str, int], job: int) -> tuple[int, int]:
    return job + shared["offset"], os.getpid()


def test_results_in_order_serial_and_parallel() -> None:
    jobs = list(range(20))
    serial = map_in_processes(_square, jobs, workers=1, min_jobs=1)
    assert serial == [j * j for j in jobs]
    assert map_in_processes(_square, jobs, workers=2, min_jobs=4, chunksize=3) == serial


def test_shared_value_reaches_every_job_once_per_worker() -> None:
    shared = {"offset": 100}
    jobs = list(range(12))
    serial = map_in_processes(_offset, jobs, workers=1, min_jobs=1, shared=shared)
    assert [value for value, _ in serial] == [j + 100 for j in jobs]
    assert {pid for _, pid in serial} == {os.getpid()}  # too few workers asked: no pool

    parallel = map_in_processes(_offset, jobs, workers=2, min_jobs=4, shared=shared)
    assert [value for value, _ in parallel] == [j + 100 for j in jobs]
    assert os.getpid() not in {pid for _, pid in parallel}
