"""Writing ingested frames into the warehouse's `raw` schema."""

from __future__ import annotations

import duckdb
import polars as pl

RAW_SCHEMA = "raw"


def replace_table(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Replace `raw.<table>` with `frame` in one transaction; returns the row count.

    An empty frame still creates the table with its columns, so dbt sources always exist.
    """
    arrow = frame.to_arrow()
    conn.execute(f"create schema if not exists {RAW_SCHEMA}")
    conn.begin()
    try:
        conn.register("_incoming", arrow)
        conn.execute(f"create or replace table {RAW_SCHEMA}.{table} as select * from _incoming")
        conn.unregister("_incoming")
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    return frame.height


def read_table(conn: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame | None:
    """`raw.<table>` as a frame, or None when it does not exist yet (first load)."""
    exists = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [RAW_SCHEMA, table],
    ).fetchall()[0][0]
    return conn.sql(f"select * from {RAW_SCHEMA}.{table}").pl() if exists else None
