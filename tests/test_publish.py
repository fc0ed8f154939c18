from pathlib import Path

import duckdb
import polars as pl

from pipelines.warehouse.publish import publish_marts


def _warehouse(path: Path, rows: int) -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        conn.execute(f"create table marts.mart_a as select range as id from range({rows})")
        conn.execute("create table marts.mart_b as select 'Sở Công Thương' as agency")
        conn.execute("create view marts.not_a_table as select 1 as x")


def test_publish_writes_parquet_and_views(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse, 3)
    marts = tmp_path / "marts"
    published = publish_marts(warehouse, marts)

    assert [(m.name, m.rows) for m in published] == [("mart_a", 3), ("mart_b", 1)]
    assert pl.read_parquet(marts / "mart_b.parquet")["agency"].to_list() == ["Sở Công Thương"]
    with duckdb.connect(str(marts / "marts.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from mart_a").fetchall() == [(3,)]
    # no temporary files are left behind
    assert sorted(p.name for p in marts.iterdir()) == [
        "mart_a.parquet",
        "mart_b.parquet",
        "marts.duckdb",
    ]


def test_reader_holding_old_marts_db_keeps_working(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse, 3)
    marts = tmp_path / "marts"
    publish_marts(warehouse, marts)

    reader = duckdb.connect(str(marts / "marts.duckdb"), read_only=True)
    try:
        warehouse.unlink()
        _warehouse(warehouse, 5)
        publish_marts(warehouse, marts)  # must not fail although a reader has the file open
        # the open session still answers; a new session sees the new publication
        assert reader.execute("select count(*) from mart_b").fetchall() == [(1,)]
    finally:
        reader.close()
    with duckdb.connect(str(marts / "marts.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from mart_a").fetchall() == [(5,)]
