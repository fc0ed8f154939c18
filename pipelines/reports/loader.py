"""Reading the report folder: the I/O edge of report ingestion."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from pathlib import Path

from pipelines.parallel import map_in_processes
from pipelines.plans.loader import plan_files
from pipelines.reports.incremental import ReportCache
from pipelines.reports.ingest import PlanContext, WorkbookResult, file_mtime, ingest_workbooks
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.tables import ReportTables, build_report_tables

report_files = plan_files  # same rule: every file below the folder, hidden ones skipped


CHUNK = 256  # workbooks per task: one pandera pass (~20 ms however small) per sheet kind
MIN_CHUNKS_FOR_WORKERS = 2  # more than 256 files: worth starting workers


def _ingest_chunk(job: tuple[list[tuple[Path, str, str]], PlanContext, Pseudonymizer]):
    return ingest_workbooks(*job)


def ingest_files(
    paths: list[Path],
    root: Path | None,
    ctx: PlanContext,
    hasher: Pseudonymizer,
    cache: ReportCache | None = None,
    workers: int = 1,
) -> tuple[list[WorkbookResult], int]:
    """Results for every file, reusing cached ones by content hash; also how many were read.

    Files not in the cache are read in chunks, across `workers` processes when there are many.
    """
    results: list[WorkbookResult | None] = []
    todo: list[tuple[int, Path, str, str]] = []  # position, path, name, sha256
    for path in paths:
        name = path.relative_to(root).as_posix() if root else path.name
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            epoch = datetime(1970, 1, 1)
            results.append(WorkbookResult(name, "", epoch, error=f"cannot read the file ({exc})"))
            continue
        cached = cache.get(digest) if cache else None
        if cached is not None:  # same bytes as already loaded: not read or validated again
            moved = dataclasses.replace(cached, file_name=name, modified_at=file_mtime(path))
            results.append(moved)
            continue
        todo.append((len(results), path, name, digest))
        results.append(None)
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    jobs = [([item[1:] for item in chunk], ctx, hasher) for chunk in chunks]
    done = map_in_processes(_ingest_chunk, jobs, workers, MIN_CHUNKS_FOR_WORKERS)
    for chunk, chunk_results in zip(chunks, done, strict=True):
        for (position, *_), result in zip(chunk, chunk_results, strict=True):
            results[position] = result
    return [r for r in results if r is not None], len(todo)


def load_report_folder(
    folder: Path,
    ctx: PlanContext,
    hasher: Pseudonymizer,
    cache: ReportCache | None = None,
    workers: int = 1,
) -> ReportTables:
    files = report_files(folder)
    results, read = ingest_files(files, folder, ctx, hasher, cache, workers)
    tables = build_report_tables(results, cache.frames if cache else None)
    tables.files_read, tables.files_skipped = read, len(files) - read
    return tables
