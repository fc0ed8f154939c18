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
        "tax_arrears_vnd": pl.Int64,
        "confiscated_sales_vnd": pl.Int64,
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
        # False for an identical copy of another file: reported, not refused (its rows are
        # loaded once, from the other file)
        "is_refused": pl.Boolean,
    },
}
DATA_TABLES = ("task_progress", "tips", "enforcement", "target_counts")
DUPLICATE_PREFIX = "identical to "
ROW_TABLES = (*DATA_TABLES, "quarantine")  # rows of each workbook, kept by workbook_id


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
    results: list[WorkbookResult],
    fresh: dict[str, pl.DataFrame],
    cached: dict[str, pl.DataFrame] | None = None,
) -> ReportTables:
    """The report tables. Row tables (`ROW_TABLES`) take each accepted workbook's rows from
    `fresh` (the files read in this load) or, for results `from_cache`, from `cached` (the last
    load's tables), workbook by workbook in file order."""
    errors: list[dict] = []
    accepted: list[WorkbookResult] = []
    seen: dict[str, str] = {}
    for r in sorted(results, key=lambda r: r.file_name):
        copy_of = seen.get(r.sha256) if r.error is None else None
        if copy_of is not None:
            r.error = f"{DUPLICATE_PREFIX}{copy_of} (the same file sent twice)"
        if r.error is not None:
            errors.append(
                {
                    "file_name": r.file_name,
                    "sha256": r.sha256,
                    "reason": r.error,
                    "is_refused": copy_of is None,
                }
            )
            continue
        seen[r.sha256] = r.file_name
        accepted.append(r)

    replaced = _superseded(accepted)
    workbooks, counts = [], []
    for r in accepted:
        info = r.info
        assert info is not None
        workbooks.append(
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
        counts += [
            {"workbook_id": r.workbook_id, "file_name": r.file_name, **vars(c)} for c in r.counts
        ]
    frames = {
        "report_workbooks": _frame("report_workbooks", workbooks),
        "report_sheet_counts": _frame("report_sheet_counts", counts),
        "report_ingestion_errors": _frame("report_ingestion_errors", errors),
    }
    reused = [r for r in accepted if r.from_cache]
    if reused and cached is None:
        raise ValueError("results from the cache need the cache's rows")
    position = pl.DataFrame(
        {
            "workbook_id": [r.workbook_id for r in accepted],
            "_position": range(len(accepted)),
            "_cached": [r.from_cache for r in accepted],
        },
        schema={"workbook_id": pl.String, "_position": pl.Int64, "_cached": pl.Boolean},
    )
    for table in ROW_TABLES:
        parts = [(fresh[table], False)] + ([(cached[table], True)] if cached and reused else [])
        frames[table] = (
            pl.concat(
                [
                    rows.select(list(SCHEMAS[table]))
                    .cast(SCHEMAS[table])
                    .join(
                        position.filter(pl.col("_cached") == from_cache),
                        on="workbook_id",
                        how="inner",
                        maintain_order="left",
                    )
                    for rows, from_cache in parts
                ]
            )
            .sort("_position", maintain_order=True)
            .drop("_position", "_cached")
        )
    return ReportTables(frames)


def _frame(name: str, rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMAS[name], orient="row")
