"""Plan documents: read every file under `raw/plans/` into the warehouse."""

from datetime import UTC, datetime

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines.defs.metadata import markdown_preview
from pipelines.defs.resources import DataDirResource
from pipelines.plans.documents import SUPPORTED_SUFFIXES, DocumentError, read_document
from pipelines.warehouse.tables import replace_table

OWNER = "team:plan389-data"

DOCUMENT_SCHEMA = {
    "file_name": pl.String,
    "file_format": pl.String,
    "sha256": pl.String,
    "size_bytes": pl.Int64,
    "char_count": pl.Int64,
    "line_count": pl.Int64,
    "modified_at": pl.Datetime("us"),
    "ingested_at": pl.Datetime("us"),
}


@dg.asset(
    key=["raw", "plan_documents"],
    group_name="plans",
    kinds={"python", "duckdb"},
    owners=[OWNER],
    description="Every plan document under raw/plans/ (.txt, .md, .html, .docx, .pdf) with its "
    "SHA-256 and the size of its normalised text.",
)
def plan_documents(
    context: dg.AssetExecutionContext, data_dir: DataDirResource, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    folder = data_dir.paths.raw_plans
    now = datetime.now(UTC).replace(tzinfo=None)
    rows: list[dict] = []
    errors: list[str] = []
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    for path in files:
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        name = path.relative_to(folder).as_posix()
        try:
            doc = read_document(path, name)
        except DocumentError as exc:
            errors.append(str(exc))
            context.log.warning(str(exc))
            continue
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
        rows.append(
            {
                "file_name": name,
                "file_format": doc.file_format,
                "sha256": doc.sha256,
                "size_bytes": doc.size_bytes,
                "char_count": len(doc.text),
                "line_count": doc.text.count("\n") + 1,
                "modified_at": mtime,
                "ingested_at": now,
            }
        )
    frame = pl.DataFrame(rows, schema=DOCUMENT_SCHEMA)
    with duckdb.get_connection() as conn:
        replace_table(conn, "plan_documents", frame)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": frame.height,
            "files_unreadable": len(errors),
            "preview": dg.MetadataValue.md(
                markdown_preview(
                    frame.select("file_name", "file_format", "size_bytes", "line_count")
                )
            ),
        }
    )
