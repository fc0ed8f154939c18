"""Another process holding warehouse.duckdb: bounded waiting, then a clear error."""

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from pipelines.warehouse import publish
from pipelines.warehouse.locking import WarehouseLockedError, warehouse_connection


@pytest.fixture
def held_warehouse(tmp_path: Path):
    """A warehouse file opened read-write by another process for the test's duration."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts; create table marts.mart_a as select 1 as x")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    yield path
    holder.kill()
    holder.wait()


def test_publication_waits_boundedly_then_says_why(
    held_warehouse: Path, tmp_path: Path, monkeypatch
):
    real_connect = publish._connect_read_only
    monkeypatch.setattr(
        publish, "_connect_read_only", lambda path: real_connect(path, attempts=3, delay=0.05)
    )
    started = time.monotonic()
    with pytest.raises(WarehouseLockedError, match="locked by another process") as error:
        publish.publish_marts(held_warehouse, tmp_path / "marts")
    assert time.monotonic() - started < 10
    assert "marts/marts.duckdb" in str(error.value)
    assert not (tmp_path / "marts" / "marts.duckdb").exists()  # nothing half-published


def test_asset_connection_turns_the_lock_into_a_clear_error(held_warehouse: Path, monkeypatch):
    from dagster._utils import backoff as backoff_module

    # the resource's own backoff (about 100 s) shortened for the test
    def quick_delays():
        while True:
            yield 0.01

    real = backoff_module.backoff
    monkeypatch.setattr(
        "dagster_duckdb.resource.backoff",
        lambda **kw: real(**{**kw, "max_retries": 1, "delay_generator": quick_delays()}),
    )
    resource = DuckDBResource(database=str(held_warehouse))
    with (
        pytest.raises(WarehouseLockedError, match="stayed locked after retrying"),
        warehouse_connection(resource),
    ):
        pass


def test_other_errors_are_not_disguised(tmp_path: Path) -> None:
    resource = DuckDBResource(database=str(tmp_path / "w.duckdb"))
    with pytest.raises(duckdb.CatalogException), warehouse_connection(resource) as conn:
        conn.execute("select * from no_such_table")
