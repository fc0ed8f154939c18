"""Workbook results → the warehouse's report tables, with resubmissions resolved.

A later workbook (by Ngày báo cáo, then file time, then name) from the same agency for the same
plan and period supersedes the earlier ones: their rows stay, flagged through
`report_workbooks.is_superseded`, and the models downstream read only current workbooks.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.reports.ingest import WorkbookResult

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "report_workbooks": {
        "workbook_id": pl.String,
        "file_name": pl.String,
        "sha256": pl.String,
        "file_modified_at": pl.Datetime("us"),
        "agency_name_printed": pl.String,
        "agency_id": pl.String,
        "agency_name": pl.String,
        "agency_kind": pl.String,
        "plan_id": pl.String,
        "period": pl.String,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "report_date": pl.Date,
        "prepared_by": pl.String,
        "is_superseded": pl.Boolean,
        "superseded_by": pl.String,
        "rows_read": pl.Int64,
        "rows_loaded": pl.Int64,
        "rows_quarantined": pl.Int64,
    },
    "task_progress": {
        "workbook_id": pl.String,
        "row_number": pl.Int64,
        "task_code": pl.String,
        "status": pl.String,
        "completed_date": pl.Date,
        "output_document": pl.String,
        "note": pl.String,
    },
    "tips": {
        "workbook_id": pl.String,
        "row_number": pl.Int64,
        "tip_code": pl.String,
        "received_date": pl.Date,
        "channel": pl.String,
        "tip_type": pl.String,
        "field": pl.String,
        "accepted_date": pl.Date,
        "resolved_date": pl.Date,
        "outcome": pl.String,
        "criminal_signs": pl.String,
        "informant_hash": pl.String,
        "informant_phone_hash": pl.String,
    },
    "enforcement": {
        "workbook_id": pl.String,
        "row_number": pl.Int64,
        "field": pl.String,
        "inspections": pl.Int64,
        "violations": pl.Int64,
        "administrative_cases": pl.Int64,
        "fines_vnd": pl.Int64,
        "goods_value_vnd": pl.Int64,
        "prosecutions": pl.Int64,
        "defendants": pl.Int64,
    },
    "target_counts": {
        "workbook_id": pl.String,
        "row_number": pl.Int64,
        "metric": pl.String,
        "total": pl.Int64,
        "achieved": pl.Int64,
    },
    "quarantine": {
        "workbook_id": pl.String,
        "file_name": pl.String,
        "sheet": pl.String,
        "row_number": pl.Int64,
        "column_name": pl.String,
        "column_header": pl.String,
        "value": pl.String,
        "rule": pl.String,
        "reason_vi": pl.String,
        "reason_en": pl.String,
    },
    "report_sheet_counts": {
        "workbook_id": pl.String,
        "file_name": pl.String,
        "sheet": pl.String,
        "rows_read": pl.Int64,
        "rows_loaded": pl.Int64,
        "rows_quarantined": pl.Int64,
    },
    "report_ingestion_errors": {
        "file_name": pl.String,
        "sha256": pl.String,
        "reason": pl.String,
    },
}
DATA_TABLES = ("task_progress", "tips", "enforcement", "target_counts")


@dataclass
class ReportTables:
    frames: dict[str, pl.DataFrame]
    files_read: int = 0  # workbooks opened and validated in this load
    files_skipped: int = 0  # workbooks whose cached result (same content) was reused


def _superseded(accepted: list[WorkbookResult]) -> dict[str, str]:
    """workbook_id → the workbook_id that replaces it."""
    groups: dict[tuple[str, str, str], list[WorkbookResult]] = {}
    for r in accepted:
        assert r.info is not None
        groups.setdefault((r.info.plan_id, r.info.agency_id, r.info.period), []).append(r)
    replaced: dict[str, str] = {}
    for members in groups.values():
        ordered = sorted(members, key=lambda r: (r.info.report_date, r.modified_at, r.file_name))
        latest = ordered[-1].workbook_id
        replaced.update({r.workbook_id: latest for r in ordered[:-1]})
    return replaced


def build_report_tables(
    results: list[WorkbookResult], cached_rows: dict[str, pl.DataFrame] | None = None
) -> ReportTables:
    """The report tables; the data rows of results `from_cache` are taken from `cached_rows`
    (the last load's data tables)."""
    rows: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    accepted: list[WorkbookResult] = []
    seen: dict[str, str] = {}
    for r in sorted(results, key=lambda r: r.file_name):
        if r.error is None and r.sha256 in seen:
            r.error = f"identical to {seen[r.sha256]} (the same file sent twice)"
        if r.error is not None:
            rows["report_ingestion_errors"].append(
                {"file_name": r.file_name, "sha256": r.sha256, "reason": r.error}
            )
            continue
        seen[r.sha256] = r.file_name
        accepted.append(r)

    replaced = _superseded(accepted)
    positions: dict[str, list[int]] = {name: [] for name in DATA_TABLES}  # of fresh rows
    reused: list[tuple[str, int]] = []  # (workbook_id, position) of cached workbooks
    for position, r in enumerate(accepted):
        info = r.info
        assert info is not None
        rows["report_workbooks"].append(
            {
                "workbook_id": r.workbook_id,
                "file_name": r.file_name,
                "sha256": r.sha256,
                "file_modified_at": r.modified_at,
                "agency_name_printed": info.agency_name_printed,
                "agency_id": info.agency_id,
                "agency_name": info.agency_name,
                "agency_kind": info.agency_kind,
                "plan_id": info.plan_id,
                "period": info.period,
                "period_start": info.period_start,
                "period_end": info.period_end,
                "report_date": info.report_date,
                "prepared_by": info.prepared_by,
                "is_superseded": r.workbook_id in replaced,
                "superseded_by": replaced.get(r.workbook_id),
                "rows_read": sum(c.rows_read for c in r.counts),
                "rows_loaded": sum(c.rows_loaded for c in r.counts),
                "rows_quarantined": sum(c.rows_quarantined for c in r.counts),
            }
        )
        if r.from_cache:
            reused.append((r.workbook_id, position))
        for table in DATA_TABLES:
            part = r.rows.get(table, [])
            rows[table].extend(part)
            positions[table].extend([position] * len(part))
        rows["quarantine"].extend(r.quarantine)
        rows["report_sheet_counts"].extend(
            {"workbook_id": r.workbook_id, "file_name": r.file_name, **vars(c)} for c in r.counts
        )
    frames = {name: _frame(name, items) for name, items in rows.items()}
    if reused:
        if cached_rows is None:
            raise ValueError("results from the cache need the cache's rows")
        for table in DATA_TABLES:
            frames[table] = _in_file_order(
                table, frames[table], positions[table], cached_rows[table], reused
            )
    return ReportTables(frames)


def _in_file_order(
    table: str,
    fresh: pl.DataFrame,
    fresh_positions: list[int],
    cached: pl.DataFrame,
    reused: list[tuple[str, int]],
) -> pl.DataFrame:
    """Fresh and cached rows together, by workbook (file order), each workbook's rows in order."""
    books = pl.DataFrame(
        reused, schema={"workbook_id": pl.String, "_position": pl.Int64}, orient="row"
    )
    old = (
        cached.with_row_index("_seq")
        .join(books, on="workbook_id", how="inner")
        .with_columns(pl.col("_seq").cast(pl.Int64))
    )
    new = fresh.with_columns(
        pl.Series("_seq", range(fresh.height), dtype=pl.Int64),
        pl.Series("_position", fresh_positions, dtype=pl.Int64),
    )
    columns = [*SCHEMAS[table], "_seq", "_position"]
    both = pl.concat([old.select(columns), new.select(columns)])
    return both.sort("_position", "_seq").drop("_seq", "_position")


def _frame(name: str, rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMAS[name], orient="row")
