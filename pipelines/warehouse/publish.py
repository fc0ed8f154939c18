"""Publish the dbt marts for analysts: Parquet files plus a small `marts.duckdb` of views.

The warehouse file is locked while a load writes it, so analysts never query it directly.
Each mart is copied to `<name>.parquet` through a temporary file and renamed into place, and
`marts.duckdb` (views over those files) is rebuilt beside it and renamed over the old one:
a reader sees the previous publication or the new one, never a half-written file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class PublishedMart:
    name: str
    path: Path
    rows: int


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def list_marts(conn: duckdb.DuckDBPyConnection, schema: str = MARTS_SCHEMA) -> list[str]:
    rows = conn.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [schema],
    ).fetchall()
    return [r[0] for r in rows]


def publish_marts(warehouse: Path, marts_dir: Path) -> list[PublishedMart]:
    """Copy every table of the warehouse's `marts` schema to Parquet and rebuild `marts.duckdb`."""
    marts_dir.mkdir(parents=True, exist_ok=True)
    published: list[PublishedMart] = []
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for name in list_marts(conn):
            target = marts_dir / f"{name}.parquet"
            tmp = marts_dir / f".{name}.parquet.tmp"
            conn.execute(
                f"copy (select * from {MARTS_SCHEMA}.{name}) to {_sql_str(str(tmp))} "
                "(format parquet, compression zstd)"
            )
            rows = conn.execute(f"select count(*) from {MARTS_SCHEMA}.{name}").fetchall()[0][0]
            published.append(PublishedMart(name, target, rows))
            os.replace(tmp, target)
    _rebuild_views(marts_dir, published)
    return published


def _rebuild_views(marts_dir: Path, marts: list[PublishedMart]) -> None:
    db_path = marts_dir / "marts.duckdb"
    tmp = marts_dir / ".marts.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp)) as conn:
        for mart in marts:
            conn.execute(
                f"create view {mart.name} as "
                f"select * from read_parquet({_sql_str(str(mart.path.resolve()))})"
            )
    os.replace(tmp, db_path)
