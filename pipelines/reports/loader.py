"""Reading the report folder: the I/O edge of report ingestion."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipelines.plans.loader import plan_files
from pipelines.reports.ingest import PlanContext, WorkbookResult, ingest_workbook
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.tables import ReportTables, build_report_tables

_EPOCH = datetime(1970, 1, 1)
report_files = plan_files  # same rule: every file below the folder, hidden ones skipped


def ingest_files(
    paths: list[Path], root: Path | None, ctx: PlanContext, hasher: Pseudonymizer
) -> list[WorkbookResult]:
    results = []
    for path in paths:
        name = path.relative_to(root).as_posix() if root else path.name
        try:
            results.append(ingest_workbook(path, name, ctx, hasher))
        except OSError as exc:
            failed = WorkbookResult(name, "", _EPOCH, error=f"cannot read the file ({exc})")
            results.append(failed)
    return results


def load_report_folder(folder: Path, ctx: PlanContext, hasher: Pseudonymizer) -> ReportTables:
    return build_report_tables(ingest_files(report_files(folder), folder, ctx, hasher))
