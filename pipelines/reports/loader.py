"""Reading the report folder: the I/O edge of report ingestion."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from pipelines.plans.loader import plan_files
from pipelines.reports.ingest import PlanContext, WorkbookResult, ingest_workbook
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.tables import ReportTables, build_report_tables

report_files = plan_files  # same rule: every file below the folder, hidden ones skipped


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def ingest_files(
    paths: list[Path],
    root: Path | None,
    ctx: PlanContext,
    hasher: Pseudonymizer,
    cache: dict[str, WorkbookResult] | None = None,
) -> tuple[list[WorkbookResult], int]:
    """Results for every file, reusing cached ones by content hash; also how many were read."""
    results: list[WorkbookResult] = []
    read = 0
    for path in paths:
        name = path.relative_to(root).as_posix() if root else path.name
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            cached = (cache or {}).get(digest)
            if cached is not None:  # same bytes as already loaded: not read or validated again
                results.append(
                    dataclasses.replace(cached, file_name=name, modified_at=_mtime(path))
                )
                continue
            read += 1
            results.append(ingest_workbook(path, name, ctx, hasher))
        except OSError as exc:
            epoch = datetime(1970, 1, 1)
            results.append(WorkbookResult(name, "", epoch, error=f"cannot read the file ({exc})"))
    return results, read


def load_report_folder(
    folder: Path,
    ctx: PlanContext,
    hasher: Pseudonymizer,
    cache: dict[str, WorkbookResult] | None = None,
) -> ReportTables:
    files = report_files(folder)
    results, read = ingest_files(files, folder, ctx, hasher, cache)
    tables = build_report_tables(results)
    tables.files_read, tables.files_skipped = read, len(files) - read
    return tables
