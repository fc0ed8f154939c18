"""Writing ingested frames into the warehouse's `raw` schema.

A load writes several tables that only make sense together (the report tables and the
incremental-cache fingerprint that vouches for them; the plan tables of one parse), so
`replace_tables` replaces them all in one transaction: a load killed half-way (kill -9, power
cut) leaves every table of the previous load, and DuckDB's WAL recovery on the next open drops
the uncommitted rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress

import duckdb
import polars as pl

RAW_SCHEMA = "raw"


def _write_table(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """`create or replace` one table from a frame, inside the caller's transaction."""
    view = f"_incoming_{table}"
    conn.register(view, frame.to_arrow())
    try:
        conn.execute(f"create or replace table {RAW_SCHEMA}.{table} as select * from {view}")
    finally:
        conn.unregister(view)


def replace_tables(
    conn: duckdb.DuckDBPyConnection, frames: Mapping[str, pl.DataFrame]
) -> dict[str, int]:
    """Replace `raw.<name>` by each frame, all in one transaction; returns name → row count.

    Either every table is replaced or none is (an error rolls back, a killed process leaves an
    uncommitted transaction that DuckDB discards). An empty frame still creates the table with
    its columns, so dbt sources always exist.
    """
    conn.begin()
    try:
        conn.execute(f"create schema if not exists {RAW_SCHEMA}")
        for table, frame in frames.items():
            _write_table(conn, table, frame)
        conn.commit()
    except BaseException:  # also KeyboardInterrupt: Dagster's answer to Ctrl-C
        with suppress(duckdb.Error):  # keep the original error if the rollback fails too
            conn.rollback()
        raise
    return {table: frame.height for table, frame in frames.items()}


def replace_table(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Replace `raw.<table>` with `frame` in one transaction; returns the row count.

    Tables that belong together go through `replace_tables` instead.
    """
    return replace_tables(conn, {table: frame})[table]


def read_table(conn: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame | None:
    """`raw.<table>` as a frame, or None when it does not exist yet (first load)."""
    exists = conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [RAW_SCHEMA, table],
    ).fetchall()[0][0]
    return conn.sql(f"select * from {RAW_SCHEMA}.{table}").pl() if exists else None
