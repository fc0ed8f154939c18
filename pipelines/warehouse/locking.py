"""One writer at a time: a clear error when the warehouse stays locked.

DuckDB lets one process write a database file, or many read it, never both. Dagster runs that
write it are serialized by the `duckdb_warehouse` pool; what remains is a process outside Dagster
(a second `plan389 run`, an analyst who opened `warehouse.duckdb`, even read-only). Opening the
warehouse is retried with a bounded backoff (the DuckDB resource's own, about 100 s); when it
gives up, this says what happened instead of DuckDB's raw lock error.

`PLAN389_LOCK_WAIT_SECONDS` (optional) sets how long to wait for the lock instead, for the
Python steps and the publication alike (dbt's own wait is `retries` in `profiles.yml`): `0`
fails at once, which is what tests and impatient operators want.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import duckdb
from dagster_duckdb import DuckDBResource

LOCK_WAIT_ENV = "PLAN389_LOCK_WAIT_SECONDS"
MAX_DELAY = 10.0  # seconds between two attempts, at most


class WarehouseLockedError(RuntimeError):
    pass


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def locked_message(path: str, exc: BaseException) -> str:
    return (
        f"The warehouse {path} is locked by another process and stayed locked after retrying. "
        "Another load may be running, or someone opened the file (analysts should "
        f"query marts/marts.duckdb instead). DuckDB said: {exc}"
    )


def lock_wait_seconds() -> float | None:
    """`PLAN389_LOCK_WAIT_SECONDS` as seconds, or None when unset (the default waits apply)."""
    value = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also rejects nan
        raise ValueError(f"{LOCK_WAIT_ENV} must be a number of seconds >= 0, not {value!r}")
    return seconds


def connect_waiting(
    database: str,
    wait_seconds: float,
    read_only: bool = False,
    config: dict[str, Any] | None = None,
    first_delay: float = 0.1,
) -> duckdb.DuckDBPyConnection:
    """Open `database`, retrying while another process holds its lock, for `wait_seconds`."""
    deadline = time.monotonic() + wait_seconds
    delay = first_delay
    while True:
        try:
            return duckdb.connect(database, read_only=read_only, config=config or {})
        except duckdb.IOException as exc:
            remaining = deadline - time.monotonic()
            if not is_lock_error(exc):
                raise
            if remaining <= 0:
                # The message quotes DuckDB's; without the chained cause, this is what the run's
                # summary line shows.
                raise WarehouseLockedError(locked_message(database, exc)) from None
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, MAX_DELAY)


@contextmanager
def warehouse_connection(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the warehouse, closed on every exit (errors included).

    Only opening the connection is retried and reported as `WarehouseLockedError`; errors
    raised while using it are not disguised.
    """
    with ExitStack() as stack:
        wait = lock_wait_seconds()
        if wait is None:
            try:  # the resource's own bounded backoff
                conn = stack.enter_context(resource.get_connection())
            except duckdb.IOException as exc:
                if is_lock_error(exc):
                    raise WarehouseLockedError(locked_message(resource.database, exc)) from None
                raise
        else:
            config = {"custom_user_agent": "dagster", **resource.connection_config}
            conn = connect_waiting(resource.database, wait, config=config)
        # The resource's context manager does not close the connection when the body raises.
        stack.callback(conn.close)
        yield conn
