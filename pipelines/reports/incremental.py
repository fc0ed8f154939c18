"""Incremental report loading: a workbook already loaded (same bytes) is not read again.

The warehouse's own report tables are the cache: a workbook's result is rebuilt from its rows
there, keyed by the file's SHA-256. The cache is valid only while everything that shaped those
rows is unchanged, so all of it goes into a fingerprint stored with the tables; when it differs,
every workbook is read again:

- the code: every module reading, typing, validating and resolving report rows (agency names
  included: `plans/agencies.py`, `plans/agency_catalog.py`), the reference data files beside them
  and the versions of the packages they import (`pipelines.fingerprint`);
- the plan context (tasks, assignments, targets);
- the informant-hashing key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl

from pipelines.fingerprint import PACKAGE_ROOT, inputs_fingerprint
from pipelines.reports.ingest import PlanContext, SheetCount, WorkbookInfo, WorkbookResult
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.tables import ROW_TABLES, SCHEMAS

# What shapes a workbook's rows: the modules these import are found from here.
CODE_ENTRIES = ("pipelines.reports.ingest", "pipelines.reports.tables", __name__)
STATE_SCHEMA = {"fingerprint": pl.String, "code_fingerprint": pl.String}


def code_fingerprint(root: Path | None = None) -> str:
    """Digest of the code, reference data and package versions report rows depend on (in the
    `pipelines` package at `root`, by default this one)."""
    return inputs_fingerprint(CODE_ENTRIES, root or PACKAGE_ROOT)


def fingerprint(ctx: PlanContext, hasher: Pseudonymizer, code: str) -> str:
    """Everything a cached workbook result depends on besides the file's own bytes."""
    payload = {
        "code": code,
        "plans": sorted([k, v[0] or "", v[1] or ""] for k, v in ctx.localities.items()),
        "assigned": [[plan, task, *leads] for plan, task, leads in ctx.tasks.iter_rows()],
        "metrics": sorted([k, *sorted(v)] for k, v in ctx.metrics.items()),
        # a different key gives different hashes: the stored ones would not match new files
        "key": hasher.name("plan389 fingerprint"),
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def _by_workbook(frame: pl.DataFrame) -> dict[str, list[dict]]:
    if frame.is_empty():
        return {}
    return {
        key[0]: part.to_dicts()
        for key, part in frame.partition_by(
            "workbook_id", as_dict=True, maintain_order=True
        ).items()
    }


class ReportCache:
    """The last load's results by SHA-256, rebuilt from its report tables.

    A cached workbook's data and quarantine rows are not split out of those tables:
    `build_report_tables` takes them from `frames` in one join (a national load keeps ~1M of
    them; split per workbook, or as dicts, rebuilding took longer than reading the changed
    files)."""

    def __init__(self, frames: dict[str, pl.DataFrame]) -> None:
        self.frames = {
            table: frames[table].select(list(SCHEMAS[table])).cast(SCHEMAS[table])
            for table in ROW_TABLES
        }
        counts = _by_workbook(frames["report_sheet_counts"])
        self.results: dict[str, WorkbookResult] = {}
        for book in frames["report_workbooks"].iter_rows(named=True):
            wid = book["workbook_id"]
            info = WorkbookInfo(**{k: book[k] for k in WorkbookInfo.__dataclass_fields__})
            self.results[book["sha256"]] = WorkbookResult(
                file_name=book["file_name"],
                sha256=book["sha256"],
                modified_at=book["file_modified_at"],
                info=info,
                counts=[
                    SheetCount(c["sheet"], c["rows_read"], c["rows_loaded"], c["rows_quarantined"])
                    for c in counts.get(wid, [])
                ],
                from_cache=True,
            )
        for error in frames["report_ingestion_errors"].iter_rows(named=True):
            # "identical to …" depends on the other files present, not on this file: re-decide
            if error["sha256"] and error["is_refused"]:
                self.results.setdefault(
                    error["sha256"],
                    WorkbookResult(
                        error["file_name"], error["sha256"], None, error=error["reason"]
                    ),
                )

    def get(self, sha256: str) -> WorkbookResult | None:
        return self.results.get(sha256)


def state_frame(key: str, code: str) -> pl.DataFrame:
    """The row stored with the report tables, vouching for what they were made from."""
    return pl.DataFrame([{"fingerprint": key, "code_fingerprint": code}], schema=STATE_SCHEMA)


def reusable_cache(
    state: pl.DataFrame | None, previous: dict[str, pl.DataFrame | None], key: str
) -> ReportCache | None:
    """The last load's results, if they were made from the same inputs as this load (`key`)
    and all their tables are there; else None: every workbook is read again."""
    if state is None or "fingerprint" not in state.columns:
        return None
    if state["fingerprint"].to_list() != [key] or any(f is None for f in previous.values()):
        return None
    return ReportCache(previous)  # type: ignore[arg-type]
