"""Reading the report folder: the I/O edge of report ingestion."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from pathlib import Path

import polars as pl

from pipelines.parallel import map_in_processes
from pipelines.plans.loader import plan_files
from pipelines.reports.incremental import ReportCache
from pipelines.reports.ingest import PlanContext, WorkbookResult, file_mtime, ingest_workbooks
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.tables import ROW_TABLES, SCHEMAS, ReportTables, build_report_tables

report_files = plan_files  # same rule: every file below the folder, hidden ones skipped


CHUNK = 256  # workbooks per task: one pandera pass (~20 ms however small) per sheet kind
MIN_CHUNKS_FOR_WORKERS = 2  # more than 256 files: worth starting workers


def _empty_frames() -> dict[str, pl.DataFrame]:
    return {table: pl.DataFrame(schema=SCHEMAS[table]) for table in ROW_TABLES}


def _ingest_chunk(job: tuple[list[tuple[Path, str, str]], PlanContext, Pseudonymizer]):
    return ingest_workbooks(*job)


def ingest_files(
    paths: list[Path],
    root: Path | None,
    ctx: PlanContext,
    hasher: Pseudonymizer,
    cache: ReportCache | None = None,
    workers: int = 1,
) -> tuple[list[WorkbookResult], dict[str, pl.DataFrame], int]:
    """Results for every file, the rows of the files read (one frame per table, file order),
    and how many were read. Cached results are reused by content hash, and a file whose bytes
    another file already has is read once.

    Files not in the cache are read in chunks, across `workers` processes when there are many.
    """
    results: list[WorkbookResult | None] = []
    todo: list[tuple[int, Path, str, str]] = []  # position, path, name, sha256
    copies: list[tuple[int, int, Path, str]] = []  # position, position of the original, path, name
    first: dict[str, int] = {}  # sha256 → position of the file read
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
        elif digest in first:  # the same file sent twice: `build_report_tables` says so
            copies.append((len(results), first[digest], path, name))
            results.append(None)
        else:
            first[digest] = len(results)
            todo.append((len(results), path, name, digest))
            results.append(None)
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    jobs = [([item[1:] for item in chunk], ctx, hasher) for chunk in chunks]
    done = map_in_processes(_ingest_chunk, jobs, workers, MIN_CHUNKS_FOR_WORKERS)
    for chunk, batch in zip(chunks, done, strict=True):
        for (position, *_), result in zip(chunk, batch.results, strict=True):
            results[position] = result
    for position, original, path, name in copies:
        source = results[original]
        assert source is not None
        results[position] = dataclasses.replace(
            source, file_name=name, modified_at=file_mtime(path)
        )
    frames = {
        table: pl.concat([batch.frames[table] for batch in done]) if done else empty
        for table, empty in _empty_frames().items()
    }
    return [r for r in results if r is not None], frames, len(todo)


def load_report_folder(
    folder: Path,
    ctx: PlanContext,
    hasher: Pseudonymizer,
    cache: ReportCache | None = None,
    workers: int = 1,
) -> ReportTables:
    files = report_files(folder)
    results, fresh, read = ingest_files(files, folder, ctx, hasher, cache, workers)
    tables = build_report_tables(results, fresh, cache.frames if cache else None)
    tables.files_read, tables.files_skipped = read, len(files) - read
    return tables
