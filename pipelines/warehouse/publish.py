"""Publish the dbt marts for analysts without ever showing them a half-built state.

The warehouse is locked while a load writes it, so analysts read `marts/` instead:

    marts/releases/<id>/<mart>.parquet   one folder per successful build (the newest few kept)
    marts/marts.duckdb                   views over one release, swapped in by a rename
    marts/<mart>.parquet                 the latest release, each file replaced by a rename

A publication goes in steps that each leave a readable state, so a process killed at any point
(kill -9 included) never shows a half-written file:

1. every mart is written into `releases/.tmp-<id>/`, which no reader looks at;
2. the folder is renamed to `releases/<id>` once complete;
3. `marts.duckdb` is rebuilt beside the old one (`.marts.duckdb.tmp`) and renamed over it: this
   is the commit point, a session sees the previous release or the new one, all marts from the
   same build;
4. each `marts/<mart>.parquet` is replaced by a rename (a hard link to the release's file);
5. marts no longer built and releases beyond the newest few are removed.

The next publication first finishes an interrupted one: leftovers of steps 1, 3 and 5 are
deleted, and the top-level files are brought in line with the release `marts.duckdb` points at
(step 4 rolled forward). Publications are serialized by a lock on `releases/` (released by the
OS when a process dies), so this clean-up never touches another live publication.

Sessions that keep an old `marts.duckdb` open keep working while its release is among the kept
ones. `marts.duckdb` uses DuckDB's v1.0 storage format so DuckDB 1.x tools open it too.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.warehouse.locking import (
    WarehouseLockedError,
    is_lock_error,
    lock_wait_seconds,
    locked_message,
)

try:  # POSIX; elsewhere publications are not serialized across processes
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

MARTS_SCHEMA = "marts"
KEEP_RELEASES = 3
STORAGE_VERSION = "v1.0.0"
VIEWS_DB = "marts.duckdb"
STAGING_PREFIX = ".tmp-"  # a release being written (step 1)
TRASH_PREFIX = ".trash-"  # a release being deleted (step 5)
PUBLISH_LOCK_WAIT = 120.0  # seconds to wait for another process's publication


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
    """Open the warehouse to read, waiting (bounded) while another process writes it.

    `PLAN389_LOCK_WAIT_SECONDS`, when set, bounds the total wait instead of `attempts`.
    """
    wait = lock_wait_seconds()
    deadline = None if wait is None else time.monotonic() + wait
    for attempt in range(attempts):
        try:
            return duckdb.connect(str(warehouse), read_only=True)
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            pause = min(delay * 2**attempt, 10.0)
            if deadline is not None:
                pause = min(pause, deadline - time.monotonic())
            if attempt == attempts - 1 or pause <= 0:
                raise WarehouseLockedError(locked_message(str(warehouse), exc)) from None
            time.sleep(pause)
    raise AssertionError("unreachable")


def _release_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def publish_marts(warehouse: Path, marts_dir: Path) -> list[PublishedMart]:
    """Copy every table of the warehouse's `marts` schema into a new release and switch to it."""
    releases = marts_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    with _publication_lock(releases):
        finish_interrupted_publication(marts_dir)
        # Connect before creating anything: a locked warehouse leaves no trace.
        with _connect_read_only(warehouse) as conn:
            names = list_marts(conn)
            release_id = _release_id()
            staging = releases / f"{STAGING_PREFIX}{release_id}"
            staging.mkdir()
            try:
                counts = {name: _export_mart(conn, name, staging) for name in names}
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        release = releases / release_id
        staging.rename(release)
        _switch_views(marts_dir, release, sorted(counts))
        published = [
            _replace_top_level(marts_dir, release, name, rows) for name, rows in counts.items()
        ]
        _remove_dropped_marts(marts_dir, set(counts))
        _prune_releases(releases, keep=release)
    return sorted(published, key=lambda m: m.name)


def _export_mart(conn: duckdb.DuckDBPyConnection, name: str, folder: Path) -> int:
    """Write `marts.<name>` to `<folder>/<name>.parquet`; returns its row count."""
    target = folder / f"{name}.parquet"
    # Sorted on every column: the same marts give the same Parquet files, whatever order dbt's
    # parallel build left the rows in.
    rows = conn.execute(
        f"copy (select * from {MARTS_SCHEMA}.{name} order by all) "
        f"to {_sql_str(str(target))} (format parquet, compression zstd)"
    ).fetchall()
    return rows[0][0]


def _switch_views(marts_dir: Path, release: Path, names: list[str]) -> None:
    tmp = marts_dir / f".{VIEWS_DB}.tmp"
    _unlink_database(tmp)
    with duckdb.connect() as conn:
        conn.execute(f"attach {_sql_str(str(tmp))} as m (storage_version '{STORAGE_VERSION}')")
        for name in names:
            path = (release / f"{name}.parquet").resolve()
            conn.execute(
                f"create view m.{name} as select * from read_parquet({_sql_str(str(path))})"
            )
        conn.execute("detach m")  # checkpoints: everything is in the file, no WAL left
    os.replace(tmp, marts_dir / VIEWS_DB)


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


def _prune_releases(releases: Path, keep: Path | None = None) -> None:
    """Keep the newest releases (and `keep`); a release is hidden before it is deleted."""
    done = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in done[:-KEEP_RELEASES]:
        if keep is not None and old.name == keep.name:
            continue  # the current release, whatever the clock said when it was named
        trash = releases / f"{TRASH_PREFIX}{old.name}"
        old.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
    _remove_leftovers(releases)


def _remove_leftovers(releases: Path) -> None:
    """Folders of publications or prunings that died half-way (safe under the lock)."""
    for prefix in (STAGING_PREFIX, TRASH_PREFIX):
        for leftover in releases.glob(f"{prefix}*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _unlink_database(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def finish_interrupted_publication(marts_dir: Path) -> None:
    """Bring `marts/` back to a clean, consistent state after a publication that died.

    Deletes temporary files and folders, and rolls the top-level Parquet files forward to the
    release `marts.duckdb` points at (a kill between steps 3 and 5 left some of them older).
    Besides temporary names, only stale top-level files are touched (replaced by a rename, or
    removed when their mart is gone): a reader that has one open keeps reading it whole.
    """
    releases = marts_dir / "releases"
    if releases.is_dir():
        _remove_leftovers(releases)
    _unlink_database(marts_dir / f".{VIEWS_DB}.tmp")
    for leftover in marts_dir.glob(".*.parquet.tmp"):
        leftover.unlink(missing_ok=True)
    try:
        release = current_release(marts_dir)
    except duckdb.Error:  # e.g. someone holds marts.duckdb read-write: leave it as it is
        return
    if release is None or not release.is_dir():
        return
    names = {p.stem for p in release.glob("*.parquet")}
    for name in sorted(names):
        target = marts_dir / f"{name}.parquet"
        if not (target.exists() and os.path.samefile(release / f"{name}.parquet", target)):
            _replace_top_level(marts_dir, release, name, 0)
    _remove_dropped_marts(marts_dir, names)


@contextmanager
def _publication_lock(releases: Path) -> Iterator[None]:
    """One publication at a time per marts folder: an exclusive lock on `releases/` itself."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(releases, os.O_RDONLY)
    try:
        deadline = time.monotonic() + PUBLISH_LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"another process has been publishing to {releases.parent} for "
                        f"{PUBLISH_LOCK_WAIT:.0f} s"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # also releases the lock


def current_release(marts_dir: Path) -> Path | None:
    """The release `marts.duckdb` points at, as the file on disk says now."""
    db_path = marts_dir / VIEWS_DB
    if not db_path.exists():
        return None
    # ATTACH, not duckdb.connect(path): a connection this process still holds on an older
    # marts.duckdb would be handed back instead of the file now at that path.
    with duckdb.connect() as conn:
        conn.execute(f"attach {_sql_str(str(db_path))} as m (read_only)")
        sql = conn.execute(
            "select sql from duckdb_views() where database_name = 'm' and not internal limit 1"
        ).fetchall()
    if not sql:
        return None
    path = Path(sql[0][0].split("read_parquet('", 1)[1].split("'", 1)[0])
    return path.parent
