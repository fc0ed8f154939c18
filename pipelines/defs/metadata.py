"""Materialization metadata helpers shared by the asset modules."""

from __future__ import annotations

import dagster as dg
import polars as pl


def markdown_preview(frame: pl.DataFrame, limit: int = 10) -> str:
    """A small markdown table of the first rows (Dagster renders it in the asset page)."""
    if frame.height == 0:
        return "_no rows_"
    head = frame.head(limit)

    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        text = text.replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= 80 else text[:77] + "..."

    lines = [
        "| " + " | ".join(head.columns) + " |",
        "|" + "---|" * len(head.columns),
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in head.iter_rows()]
    if frame.height > limit:
        lines.append(f"\n_{frame.height - limit} more rows_")
    return "\n".join(lines)


def frame_metadata(frame: pl.DataFrame) -> dict[str, object]:
    """Row count, column schema and a preview: what every table-writing asset reports."""
    return {
        "dagster/row_count": frame.height,
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name, str(dtype)) for name, dtype in frame.schema.items()]
        ),
        "preview": dg.MetadataValue.md(markdown_preview(frame)),
    }
