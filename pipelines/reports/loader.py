"""Reading the report folder: the I/O edge of report ingestion."""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from pipelines.plans.loader import plan_files
from pipelines.reports.ingest import PlanContext, WorkbookResult, ingest_workbooks
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.tables import ReportTables, build_report_tables

report_files = plan_files  # same rule: every file below the folder, hidden ones skipped


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


CHUNK = 64  # workbooks per task: one pandera pass per sheet kind per chunk
MIN_FILES_FOR_WORKERS = 200  # fewer than this: a worker's start-up (~3 s) is not worth it


def _ingest_chunk(job: tuple[list[tuple[Path, str]], PlanContext, Pseudonymizer]):
    return ingest_workbooks(*job)


def ingest_files(
    paths: list[Path],
    root: Path | None,
    ctx: PlanContext,
    hasher: Pseudonymizer,
    cache: dict[str, WorkbookResult] | None = None,
    workers: int = 1,
) -> tuple[list[WorkbookResult], int]:
    """Results for every file, reusing cached ones by content hash; also how many were read.

    Files not in the cache are read in chunks, across `workers` processes when there are many.
    """
    results: list[WorkbookResult | None] = []
    todo: list[tuple[int, Path, str]] = []
    for path in paths:
        name = path.relative_to(root).as_posix() if root else path.name
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            epoch = datetime(1970, 1, 1)
            results.append(WorkbookResult(name, "", epoch, error=f"cannot read the file ({exc})"))
            continue
        cached = (cache or {}).get(digest)
        if cached is not None:  # same bytes as already loaded: not read or validated again
            results.append(dataclasses.replace(cached, file_name=name, modified_at=_mtime(path)))
            continue
        todo.append((len(results), path, name))
        results.append(None)
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    jobs = [([(path, name) for _, path, name in chunk], ctx, hasher) for chunk in chunks]
    if workers > 1 and len(todo) >= MIN_FILES_FOR_WORKERS:
        # spawn: polars' thread pool in this process does not survive a fork
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            done = list(pool.map(_ingest_chunk, jobs))
    else:
        done = [_ingest_chunk(job) for job in jobs]
    for chunk, chunk_results in zip(chunks, done, strict=True):
        for (position, _, _), result in zip(chunk, chunk_results, strict=True):
            results[position] = result
    return [r for r in results if r is not None], len(todo)


def load_report_folder(
    folder: Path,
    ctx: PlanContext,
    hasher: Pseudonymizer,
    cache: dict[str, WorkbookResult] | None = None,
    workers: int = 1,
) -> ReportTables:
    files = report_files(folder)
    results, read = ingest_files(files, folder, ctx, hasher, cache, workers)
    tables = build_report_tables(results)
    tables.files_read, tables.files_skipped = read, len(files) - read
    return tables
