"""Publish the dbt marts for analysts without ever showing them a half-built state.

The warehouse is locked while a load writes it, so analysts read `marts/` instead:

    marts/releases/<id>/<mart>.parquet   one folder per successful build (the newest few kept)
    marts/marts.duckdb                   views over one release, swapped in by a rename
    marts/<mart>.parquet                 the latest release, each file replaced by a rename

A release folder is written under a temporary name and renamed when complete; `marts.duckdb` is
rebuilt beside the old one and renamed over it, so a session sees the previous release or the new
one, all marts from the same build. Sessions that keep an old `marts.duckdb` open keep working
while its release is among the kept ones. `marts.duckdb` uses DuckDB's v1.0 storage format so
DuckDB 1.x tools open it too.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.warehouse.locking import WarehouseLockedError, is_lock_error, locked_message

MARTS_SCHEMA = "marts"
KEEP_RELEASES = 3
STORAGE_VERSION = "v1.0.0"


@dataclass(frozen=True)
class PublishedMart:
    name: str
    path: Path  # the top-level marts/<name>.parquet
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


def _connect_read_only(warehouse: Path, attempts: int = 20, delay: float = 0.5):
    """Open the warehouse to read, waiting (bounded) while another process writes it."""
    for attempt in range(attempts):
        try:
            return duckdb.connect(str(warehouse), read_only=True)
        except duckdb.IOException as exc:
            if not is_lock_error(exc) or attempt == attempts - 1:
                if is_lock_error(exc):
                    raise WarehouseLockedError(locked_message(str(warehouse), exc)) from exc
                raise
            time.sleep(min(delay * 2**attempt, 10.0))
    raise AssertionError("unreachable")


def _release_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def publish_marts(warehouse: Path, marts_dir: Path) -> list[PublishedMart]:
    """Copy every table of the warehouse's `marts` schema into a new release and switch to it."""
    releases = marts_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    release_id = _release_id()
    staging = releases / f".tmp-{release_id}"
    staging.mkdir()
    counts: dict[str, int] = {}
    with _connect_read_only(warehouse) as conn:
        for name in list_marts(conn):
            target = staging / f"{name}.parquet"
            # Sorted on every column: the same marts give the same Parquet files, whatever
            # order dbt's parallel build left the rows in.
            conn.execute(
                f"copy (select * from {MARTS_SCHEMA}.{name} order by all) "
                f"to {_sql_str(str(target))} (format parquet, compression zstd)"
            )
            counts[name] = conn.execute(f"select count(*) from {MARTS_SCHEMA}.{name}").fetchall()[
                0
            ][0]
    release = releases / release_id
    staging.rename(release)
    _switch_views(marts_dir, release, sorted(counts))
    published = [
        _replace_top_level(marts_dir, release, name, rows) for name, rows in counts.items()
    ]
    _remove_dropped_marts(marts_dir, set(counts))
    _prune_releases(releases)
    return sorted(published, key=lambda m: m.name)


def _switch_views(marts_dir: Path, release: Path, names: list[str]) -> None:
    db_path = marts_dir / "marts.duckdb"
    tmp = marts_dir / ".marts.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    with duckdb.connect() as conn:
        conn.execute(f"attach {_sql_str(str(tmp))} as m (storage_version '{STORAGE_VERSION}')")
        for name in names:
            path = (release / f"{name}.parquet").resolve()
            conn.execute(
                f"create view m.{name} as select * from read_parquet({_sql_str(str(path))})"
            )
        conn.execute("detach m")
    os.replace(tmp, db_path)


def _replace_top_level(marts_dir: Path, release: Path, name: str, rows: int) -> PublishedMart:
    source = release / f"{name}.parquet"
    target = marts_dir / f"{name}.parquet"
    tmp = marts_dir / f".{name}.parquet.tmp"
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)  # same bytes as the release, no second copy on disk
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return PublishedMart(name, target, rows)


def _remove_dropped_marts(marts_dir: Path, names: set[str]) -> None:
    for path in marts_dir.glob("*.parquet"):
        if path.stem not in names:
            path.unlink()


def _prune_releases(releases: Path) -> None:
    done = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in done[:-KEEP_RELEASES]:
        shutil.rmtree(old, ignore_errors=True)
    for leftover in releases.glob(".tmp-*"):  # a publication that crashed half-way
        shutil.rmtree(leftover, ignore_errors=True)


def current_release(marts_dir: Path) -> Path | None:
    """The release `marts.duckdb` points at (for tests and the CLI summary)."""
    db_path = marts_dir / "marts.duckdb"
    if not db_path.exists():
        return None
    with duckdb.connect(str(db_path), read_only=True) as conn:
        sql = conn.execute("select sql from duckdb_views() where not internal limit 1").fetchall()
    if not sql:
        return None
    path = Path(sql[0][0].split("read_parquet('", 1)[1].split("'", 1)[0])
    return path.parent
