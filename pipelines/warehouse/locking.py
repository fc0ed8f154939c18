"""One writer at a time: a clear error when the warehouse stays locked.

DuckDB lets one process write a database file, or many read it, never both. Dagster runs that
write it are serialized by the `duckdb_warehouse` pool; what remains is a process outside Dagster
(a second `plan389 run`, an analyst who opened `warehouse.duckdb` read-write). The DuckDB
resource already retries the connection with a bounded backoff (about 100 s); when it gives up,
this says what happened instead of DuckDB's raw lock error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from dagster_duckdb import DuckDBResource


class WarehouseLockedError(RuntimeError):
    pass


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def locked_message(path: str, exc: BaseException) -> str:
    return (
        f"The warehouse {path} is locked by another process and stayed locked after retrying. "
        "Another load may be running, or someone opened the file read-write (analysts should "
        f"query marts/marts.duckdb instead). DuckDB said: {exc}"
    )


@contextmanager
def warehouse_connection(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        with resource.get_connection() as conn:
            yield conn
    except duckdb.IOException as exc:
        if is_lock_error(exc):
            raise WarehouseLockedError(locked_message(resource.database, exc)) from exc
        raise
