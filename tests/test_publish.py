from pathlib import Path

import duckdb
import polars as pl

from pipelines.warehouse.publish import KEEP_RELEASES, current_release, publish_marts


def _warehouse(path: Path, rows: int, with_b: bool = True) -> None:
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        conn.execute(f"create table marts.mart_a as select range as id from range({rows})")
        if with_b:
            conn.execute("create table marts.mart_b as select 'Sở Công Thương' as agency")
        conn.execute("create view marts.not_a_table as select 1 as x")


def test_publish_writes_parquet_views_and_a_release(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse, 3)
    marts = tmp_path / "marts"
    published = publish_marts(warehouse, marts)

    assert [(m.name, m.rows) for m in published] == [("mart_a", 3), ("mart_b", 1)]
    assert pl.read_parquet(marts / "mart_b.parquet")["agency"].to_list() == ["Sở Công Thương"]
    with duckdb.connect(str(marts / "marts.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from mart_a").fetchall() == [(3,)]
        tags = conn.execute("select tags from duckdb_databases() where not internal").fetchall()
    assert tags[0][0]["storage_version"].startswith("v1.0.0")  # DuckDB 1.x tools can open it
    release = current_release(marts)
    assert release is not None and release.parent == marts / "releases"
    assert sorted(p.name for p in release.iterdir()) == ["mart_a.parquet", "mart_b.parquet"]
    # no temporary files are left behind
    assert sorted(p.name for p in marts.iterdir()) == [
        "mart_a.parquet",
        "mart_b.parquet",
        "marts.duckdb",
        "releases",
    ]


def test_reader_holding_old_marts_db_keeps_its_release(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse, 3)
    marts = tmp_path / "marts"
    publish_marts(warehouse, marts)

    reader = duckdb.connect(str(marts / "marts.duckdb"), read_only=True)
    try:
        _warehouse(warehouse, 5)
        publish_marts(warehouse, marts)  # must not fail although a reader has the file open
        # the open session still sees the whole old release; a new session sees the new one
        assert reader.execute("select count(*) from mart_a").fetchall() == [(3,)]
        assert reader.execute("select count(*) from mart_b").fetchall() == [(1,)]
    finally:
        reader.close()
    with duckdb.connect(str(marts / "marts.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from mart_a").fetchall() == [(5,)]


def test_old_releases_are_pruned_and_dropped_marts_removed(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    marts = tmp_path / "marts"
    for n in range(KEEP_RELEASES + 2):
        _warehouse(warehouse, n, with_b=n < 2)
        publish_marts(warehouse, marts)
    assert len(list((marts / "releases").iterdir())) == KEEP_RELEASES
    assert not (marts / "mart_b.parquet").exists()
    assert pl.read_parquet(marts / "mart_a.parquet").height == KEEP_RELEASES + 1


def test_a_document_folder_stranded_by_a_kill_mid_swap_is_put_back(tmp_path: Path) -> None:
    from pipelines.defs.publish.assets import _swap_in

    final = tmp_path / "reports"
    stranded = tmp_path / ".reports.old"  # killed after the first rename, before the second
    stranded.mkdir()
    (stranded / "a_2026.xlsx").write_text("old")
    new = tmp_path / ".reports.tmp"
    new.mkdir()
    (new / "a_2026.xlsx").write_text("new")

    _swap_in(new, final)

    assert (final / "a_2026.xlsx").read_text() == "new"
    assert not stranded.exists() and not new.exists()
