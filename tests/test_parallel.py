"""map_in_processes: the same results, in order, serially and on worker processes."""

from pipelines.parallel import map_in_processes


def _square(job: int) -> int:
    return job * job


def test_results_in_order_serial_and_parallel() -> None:
    jobs = list(range(20))
    serial = map_in_processes(_square, jobs, workers=1, min_jobs=1)
    assert serial == [j * j for j in jobs]
    assert map_in_processes(_square, jobs, workers=2, min_jobs=4, chunksize=3) == serial
