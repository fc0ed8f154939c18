"""Faults: a load killed (kill -9) at any stage, readers during a load, a locked warehouse.

The end-to-end part drives `plan389 run` in subprocesses on temporary data directories:

- one clean run (the reference), in the background;
- on a second directory, a chain of loads, each checked after the fact: a load of an older input
  (three workbooks missing) killed during publication; then, on the full input, loads killed
  inside the plan-table and the report-table transactions and during dbt; two loads refused
  because another process holds `warehouse.duckdb` (read-write, then read-only); and the
  recovery run, during which another process reads the published marts;
- the recovery run must publish exactly the marts of the clean run.

Kill points are exact: the runner below makes the process stop at a named point (after a given
raw table is written, after the n-th mart is published…) and print a line; the test then kills
the whole process group with SIGKILL. Which table or mart is drawn from a seeded random
generator, and the dbt kill lands on a seeded node number read from dbt's own output, so runs
are repeatable. Publication is also killed at each of its steps on its own (cheap: no dbt).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import pytest
from dagster_duckdb import DuckDBResource

from pipelines.warehouse import publish
from pipelines.warehouse.locking import (
    LOCK_WAIT_ENV,
    WarehouseLockedError,
    lock_wait_seconds,
    warehouse_connection,
)
from pipelines.warehouse.tables import read_table, replace_table, replace_tables
from tests.conftest import PINNED_AS_OF, REPO_ROOT

SEED = 389
MARKER = "FAULT POINT REACHED:"
RUN_TIMEOUT = 420  # seconds for one load, generous: the suite may share 2 cores
# Workbooks missing from the older input; adding them back does not change the plans, so the
# incremental cache stays valid (the case where a mixed state would be silently reused).
HELD_BACK = (
    "thanh-hoa-08-kh-ubnd-2026__cong-an-tinh-thanh-hoa__2026.xlsx",
    "hung-yen-kh-2026__cong-an-tinh-hung-yen__2026__v2.xlsx",
    "lao-cai-kh-2025__chi-cuc-hai-quan-khu-vuc-vii__2026.xlsx",
)
REPORT_RAW = ("report_workbooks", "tips", "task_progress", "quarantine", "report_sheet_counts")

# Runs `plan389 run` (or only the publication), stopping at the point PLAN389_TEST_FAULT names.
RUNNER = r"""
import json, os, sys, time

MARKER = "FAULT POINT REACHED:"
fault = json.loads(os.environ.get("PLAN389_TEST_FAULT") or "{}")


def stop(label):
    print(MARKER, label, flush=True)
    time.sleep(3600)  # until the test kills the process group


def stop_after_calls(module, name, nth, label):
    real, calls = getattr(module, name), [0]

    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        calls[0] += 1
        if calls[0] == nth:
            stop(f"{label} #{nth}")
        return result

    setattr(module, name, wrapper)


import pipelines.warehouse.publish as publish
import pipelines.warehouse.tables as tables

if "after_table" in fault:
    real_write = tables._write_table

    def write(conn, table, frame):
        real_write(conn, table, frame)
        if table == fault["after_table"]:
            stop(f"raw.{table} written, transaction not committed")

    tables._write_table = write
if "after_exports" in fault:
    stop_after_calls(publish, "_export_mart", fault["after_exports"], "mart in staging")
if "after_top_level" in fault:
    stop_after_calls(publish, "_replace_top_level", fault["after_top_level"], "top-level mart")
if fault.get("before_views_swap"):
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if os.path.basename(dst) == "marts.duckdb":
            stop("marts.duckdb rebuilt beside the old one, not renamed yet")
        return real_replace(src, dst, *args, **kwargs)

    os.replace = replace

if os.environ.get("PLAN389_TEST_PUBLISH_ONLY"):
    from pipelines.settings import DataPaths

    paths = DataPaths.from_env()
    publish.publish_marts(paths.warehouse, paths.marts)
    print("published", flush=True)
    sys.exit(0)

import pipelines.defs.warehouse.project as project

project.prepare_manifest = lambda: None  # the test prepared it once; dbt parse costs ~10 s
from pipelines.cli import main

sys.exit(main(["run"]))
"""

# Another process holding a DuckDB file open until killed.
HOLDER = r"""
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
conn.execute("select 1").fetchall()
print("held", flush=True)
time.sleep(3600)
"""

# A reader with marts/marts.duckdb and one Parquet file open through a whole load: it takes a
# snapshot of every mart (row count and content hash) and of the file, then keeps re-reading
# until told to stop, reporting any change or error.
READER = r"""
import hashlib, io, json, os, sys, time
from pathlib import Path
import duckdb
import pyarrow.parquet as pq

marts, parquet_name, stop_file = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
conn = duckdb.connect(str(marts / "marts.duckdb"), read_only=True)
held = open(marts / parquet_name, "rb")
names = [r[0] for r in conn.execute(
    "select view_name from duckdb_views() where not internal order by 1").fetchall()]


def snapshot():
    views = {}
    for name in names:
        views[name] = conn.execute(
            f"select count(*), md5(coalesce(string_agg(t::varchar, '|' order by t::varchar), '')) "
            f"from {name} t").fetchall()[0]
    data = os.pread(held.fileno(), os.fstat(held.fileno()).st_size, 0)
    rows = pq.read_table(io.BytesIO(data)).num_rows  # a complete, readable Parquet file
    return {"views": views, "parquet": [rows, hashlib.sha256(data).hexdigest()]}


first = snapshot()
print(json.dumps(first), flush=True)
polls, changed, errors = 0, 0, []
while not stop_file.exists():
    try:
        if json.loads(json.dumps(snapshot())) != json.loads(json.dumps(first)):
            changed += 1
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    polls += 1
    time.sleep(0.05)
print(json.dumps({"polls": polls, "changed": changed, "errors": errors[:5]}), flush=True)
"""


# --- helpers ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    lines: list[str]
    returncode: int
    seconds: float
    killed_at: str | None = None  # the line that triggered the kill


def _env(data: Path, **extra: str) -> dict[str, str]:
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PLAN389_DATA_DIR": str(data),
        "PLAN389_PII_KEY": "faults-test",  # the same key everywhere: the same hashes
        "PLAN389_AS_OF": PINNED_AS_OF,  # the same day everywhere, even across midnight
        "DAGSTER_HOME": str(data.parent / "dagster_home"),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("PLAN389_TEST_FAULT", "PLAN389_TEST_PUBLISH_ONLY", LOCK_WAIT_ENV):
        env.pop(name, None)
    (data.parent / "dagster_home").mkdir(exist_ok=True)
    return {**env, **extra}


def load(
    data: Path,
    fault: dict | None = None,
    kill_when: Callable[[str], bool] | None = None,
    publish_only: bool = False,
    **env: str,
) -> Outcome:
    """Run the runner on `data`; SIGKILL its process group at the fault point or when a line of
    its output satisfies `kill_when`."""
    extra = dict(env)
    if fault:
        extra["PLAN389_TEST_FAULT"] = json.dumps(fault)
    if publish_only:
        extra["PLAN389_TEST_PUBLISH_ONLY"] = "1"
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER],
        cwd=data.parent,
        env=_env(data, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: dbt dies with it
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    pumping = threading.Thread(target=pump, daemon=True)
    pumping.start()
    seen: list[str] = []
    killed_at = None
    try:
        while True:
            remaining = started + RUN_TIMEOUT - time.monotonic()
            line = lines.get(timeout=max(remaining, 0.1))
            if line is None:
                break
            seen.append(line)
            if line.startswith(MARKER) or (kill_when is not None and kill_when(line)):
                killed_at = line
                os.killpg(proc.pid, signal.SIGKILL)
                break
    except queue.Empty:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail(f"load did not finish in {RUN_TIMEOUT} s:\n" + "\n".join(seen[-40:]))
    proc.wait()
    pumping.join(timeout=30)
    proc.stdout.close()
    outcome = Outcome(seen, proc.returncode, time.monotonic() - started, killed_at)
    if (fault or kill_when) and killed_at is None:
        pytest.fail("the fault point was never reached:\n" + "\n".join(seen[-40:]))
    return outcome


class DbtNodeKill:
    """Kill when dbt starts its n-th node, n drawn (seeded) from the middle of the build."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.target: int | None = None

    def __call__(self, line: str) -> bool:
        parts = line.split()
        if len(parts) < 4 or parts[1] != "of" or parts[3] != "START":
            return False
        index, total = int(parts[0]), int(parts[2])
        if self.target is None:
            self.target = self.rng.randint(total // 4, 3 * total // 4)
        return index >= self.target


@contextmanager
def holding(path: Path, read_only: bool) -> Iterator[None]:
    """Another process with `path` open (read-only or read-write) for the block's duration."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), "ro" if read_only else "rw"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        yield
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under `root`."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def parquet_rows(marts: Path) -> dict[str, list[tuple]]:
    with duckdb.connect() as conn:
        return {
            p.name: conn.execute("select * from read_parquet(?) order by all", [str(p)]).fetchall()
            for p in sorted(marts.glob("*.parquet"))
        }


def view_rows(marts: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(marts / "marts.duckdb"), read_only=True) as conn:
        names = conn.execute(
            "select view_name from duckdb_views() where not internal order by 1"
        ).fetchall()
        return {n: conn.execute(f"select * from {n} order by all").fetchall() for (n,) in names}


def raw_state(data: Path, tables: tuple[str, ...]) -> dict[str, str]:
    """Content hash of raw tables (opening the file also replays its WAL)."""
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as conn:
        return {
            t: conn.execute(
                f"select count(*) || ':' || md5(coalesce(string_agg(r::varchar, '|' "
                f"order by r::varchar), '')) from raw.{t} r"
            ).fetchall()[0][0]
            for t in tables
        }


def leftovers(marts: Path) -> list[str]:
    """Temporary files or folders of a publication (not those of the reports and dashboards)."""
    found = [*marts.glob(".*.tmp*"), *marts.glob("releases/.*")]
    return sorted(
        str(p.relative_to(marts))
        for p in found
        if p.parent.name == "releases"
        or p.name.startswith(".marts.duckdb.")
        or p.name.endswith(".parquet.tmp")
    )


def copy_raw(target: Path) -> Path:
    shutil.copytree(REPO_ROOT / "data" / "raw", target / "raw")  # copy2: mtimes kept
    return target


# --- fast tests (no pipeline) ----------------------------------------------------------------


def test_replace_tables_is_all_or_nothing_on_error(tmp_path: Path) -> None:
    empty = pl.DataFrame(schema={"y": pl.String})
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        assert replace_tables(conn, {"a": pl.DataFrame({"x": [1]}), "b": empty}) == {"a": 1, "b": 0}
        assert read_table(conn, "b").columns == ["y"]  # an empty frame still makes the table
        with pytest.raises(duckdb.Error):
            # the second table cannot be created (a frame without columns): the first is
            # rolled back too
            replace_tables(conn, {"a": pl.DataFrame({"x": [1, 2, 3]}), "c": pl.DataFrame()})
        assert read_table(conn, "a")["x"].to_list() == [1]
        assert read_table(conn, "c") is None
        assert replace_table(conn, "a", pl.DataFrame({"x": [7, 8]})) == 2
        assert read_table(conn, "a")["x"].to_list() == [7, 8]


def test_replace_tables_killed_mid_transaction_keeps_the_previous_tables(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        replace_tables(conn, {"a": pl.DataFrame({"x": [1]}), "b": pl.DataFrame({"y": ["old"]})})
    child = f"""
import duckdb, polars as pl, sys, time
import pipelines.warehouse.tables as tables
real = tables._write_table
def write(conn, table, frame):
    real(conn, table, frame)
    if table == "a":
        print("{MARKER} a", flush=True); time.sleep(3600)
tables._write_table = write
conn = duckdb.connect({str(path)!r})
conn.execute("checkpoint")
tables.replace_tables(conn, {{"a": pl.DataFrame({{"x": list(range(100_000))}}),
                              "b": pl.DataFrame({{"y": ["new"]}})}})
"""
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().startswith(MARKER)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    with duckdb.connect(str(path)) as conn:  # recovery on open
        assert read_table(conn, "a")["x"].to_list() == [1]
        assert read_table(conn, "b")["y"].to_list() == ["old"]
        replace_tables(conn, {"a": pl.DataFrame({"x": [2]}), "b": pl.DataFrame({"y": ["next"]})})
        assert read_table(conn, "b")["y"].to_list() == ["next"]


def test_lock_wait_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LOCK_WAIT_ENV, raising=False)
    assert lock_wait_seconds() is None
    monkeypatch.setenv(LOCK_WAIT_ENV, "2.5")
    assert lock_wait_seconds() == 2.5
    for bad in ("soon", "-1", "nan"):
        monkeypatch.setenv(LOCK_WAIT_ENV, bad)
        with pytest.raises(ValueError, match=LOCK_WAIT_ENV):
            lock_wait_seconds()


@pytest.mark.parametrize("read_only", [False, True], ids=["held-read-write", "held-read-only"])
def test_a_held_warehouse_is_waited_for_as_long_as_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: bool
) -> None:
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.setenv(LOCK_WAIT_ENV, "0.5")
    resource = DuckDBResource(database=str(path))
    with holding(path, read_only):
        started = time.monotonic()
        with (
            pytest.raises(WarehouseLockedError, match="stayed locked") as error,
            warehouse_connection(resource),
        ):
            pass
        assert 0.4 < time.monotonic() - started < 5
        assert error.value.__cause__ is None and "DuckDB said" in str(error.value)
        if not read_only:  # readers share the file: only a writer keeps the publication out
            with pytest.raises(WarehouseLockedError):
                publish.publish_marts(path, tmp_path / "marts")
            assert leftovers(tmp_path / "marts") == []  # a refused publication leaves no trace
    with warehouse_connection(resource) as conn:  # the holder went away
        assert conn.execute("select 42").fetchall() == [(42,)]


def test_the_connection_is_closed_when_the_body_fails(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    resource = DuckDBResource(database=str(path))
    with pytest.raises(ZeroDivisionError), warehouse_connection(resource) as conn:
        leaked = conn
        raise ZeroDivisionError
    with pytest.raises(duckdb.ConnectionException):
        leaked.execute("select 1")


def _small_warehouse(path: Path, rows: int) -> None:
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        for name in ("mart_a", "mart_b", "mart_c"):
            conn.execute(f"create table marts.{name} as select range as id from range({rows})")


def test_an_interrupted_publication_is_finished_by_the_next_one(tmp_path: Path) -> None:
    warehouse, marts = tmp_path / "warehouse.duckdb", tmp_path / "marts"
    _small_warehouse(warehouse, 2)
    publish.publish_marts(warehouse, marts)
    old = publish.current_release(marts)
    _small_warehouse(warehouse, 5)
    with duckdb.connect(str(marts / "marts.duckdb"), read_only=True):  # held in this process
        publish.publish_marts(warehouse, marts)
        new = publish.current_release(marts)  # what the file says, not the held connection
    assert new != old
    # what a kill between the views swap and the last top-level rename leaves behind
    publish._replace_top_level(marts, old, "mart_b", 0)
    (marts / "mart_c.parquet").unlink()
    (marts / ".mart_c.parquet.tmp").write_bytes(b"PAR1 half")
    (marts / ".marts.duckdb.tmp").write_bytes(b"half")
    (marts / "releases" / ".tmp-20990101T000000000000Z").mkdir()
    (marts / "releases" / ".trash-20000101T000000000000Z").mkdir()

    publish.finish_interrupted_publication(marts)
    assert leftovers(marts) == []
    assert publish.current_release(marts) == new
    for name in ("mart_a", "mart_b", "mart_c"):
        assert os.path.samefile(marts / f"{name}.parquet", new / f"{name}.parquet")
    assert pl.read_parquet(marts / "mart_b.parquet").height == 5


# --- publication killed at each step (no dbt: the warehouse of the clean run) ------------------


@pytest.mark.e2e
def test_publication_killed_at_each_step(faults: Faults, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    warehouse, marts = data / "warehouse.duckdb", data / "marts"
    shutil.copy(faults.clean / "warehouse.duckdb", warehouse)
    publish.publish_marts(warehouse, marts)
    with duckdb.connect(str(warehouse)) as conn:  # the next build differs
        conn.execute(
            "delete from marts.mart_tipoffs_monthly where month = (select min(month) "
            "from marts.mart_tipoffs_monthly)"
        )
    n = len(list(marts.glob("*.parquet")))
    rng = random.Random(SEED + 1)
    steps = {  # fault → what it leaves behind
        json.dumps({"after_exports": rng.randint(1, n - 1)}): "releases/.tmp-",
        json.dumps({"before_views_swap": True}): ".marts.duckdb.tmp",
        json.dumps({"after_top_level": rng.randint(1, n - 1)}): None,
    }
    for step, leftover in steps.items():
        old_release = publish.current_release(marts)
        old = {p.name: p.read_bytes() for p in marts.glob("*.parquet")}
        outcome = load(data, fault=json.loads(step), publish_only=True)
        faults.kill_points.append(f"publication only: {outcome.killed_at}")
        if leftover:
            assert any(p.startswith(leftover) for p in leftovers(marts)), leftovers(marts)
        # marts.duckdb is whole, the previous release or (once swapped) the new one
        release = publish.current_release(marts)
        assert (release == old_release) == ("after_top_level" not in step)
        assert set(view_rows(marts)) == {name.removesuffix(".parquet") for name in old}
        # each top-level file is whole: the previous one or the new release's
        for path in marts.glob("*.parquet"):
            now = path.read_bytes()
            assert now == old[path.name] or now == (release / path.name).read_bytes()
            pl.read_parquet(path)
        # what the next publication does first: clean up, roll the top level forward
        publish.finish_interrupted_publication(marts)
        assert leftovers(marts) == []
        for path in marts.glob("*.parquet"):
            assert os.path.samefile(path, release / path.name)
        publish.publish_marts(warehouse, marts)
    assert len(list((marts / "releases").iterdir())) == publish.KEEP_RELEASES


# --- the end-to-end chain --------------------------------------------------------------------


@dataclass
class Faults:
    clean: Path  # data directory of the clean run
    chain: Path  # data directory of the killed loads and the recovery
    clean_run: Outcome
    recovery: Outcome
    kill_points: list[str] = field(default_factory=list)
    obs: dict[str, object] = field(default_factory=dict)


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Faults:
    from pipelines.defs.warehouse.project import prepare_manifest
    from pipelines.plans.tables import SCHEMAS as PLAN_TABLES
    from pipelines.reports.tables import SCHEMAS as REPORT_TABLES

    prepare_manifest()
    from pipelines.defs.warehouse.assets import mart_keys  # reads the manifest

    started = time.monotonic()
    rng = random.Random(SEED)
    root = tmp_path_factory.mktemp("faults")
    clean = copy_raw(root / "clean" / "data")
    chain = copy_raw(root / "chain" / "data")
    held = root / "held"
    held.mkdir()
    for name in HELD_BACK:
        (chain / "raw" / "reports" / name).rename(held / name)

    kills: list[str] = []
    obs: dict[str, object] = {}
    marts = chain / "marts"

    # 1. the older input, killed during publication, after some top-level files were replaced
    n_marts = len(mart_keys())
    out = load(chain, fault={"after_top_level": rng.randint(1, n_marts - 1)})
    kills.append(f"publication (older input): {out.killed_at}")
    obs["pub_release"] = publish.current_release(marts)
    obs["pub_views"] = view_rows(marts)
    obs["pub_top_level"] = {p.name: p.read_bytes() for p in marts.glob("*.parquet")}
    obs["pub_leftovers"] = leftovers(marts)
    obs["raw_older"] = raw_state(chain, (*PLAN_TABLES, *REPORT_RAW, "report_ingest_state"))

    # The reference run, beside the rest of the chain (which mostly keeps one core busy); then
    # a load refused because another process holds that warehouse read-write.
    background: dict[str, object] = {}

    def clean_then_locked() -> None:
        try:
            background["clean"] = load(clean)
            before = tree_digest(clean / "marts")
            with holding(clean / "warehouse.duckdb", read_only=False):
                locked = load(clean, **{LOCK_WAIT_ENV: "2"})
            background["locked"] = (locked, tree_digest(clean / "marts") == before)
        except BaseException as exc:  # pytest.fail included: re-raised after the join
            background["error"] = exc

    thread = threading.Thread(target=clean_then_locked)
    thread.start()

    # 2. the full input arrives; killed inside the plan-table transaction
    for name in HELD_BACK:
        shutil.copy2(held / name, chain / "raw" / "reports" / name)
    plan_table = rng.choice(list(PLAN_TABLES)[:-1])
    out = load(chain, fault={"after_table": plan_table})
    kills.append(f"plan_tables: {out.killed_at}")
    obs["raw_after_plan_kill"] = raw_state(chain, tuple(PLAN_TABLES))

    # 3. killed inside the report-table transaction (the cache fingerprint is written last)
    report_table = rng.choice(list(REPORT_TABLES))
    out = load(chain, fault={"after_table": report_table})
    kills.append(f"report_tables: {out.killed_at}")
    obs["raw_after_report_kill"] = raw_state(chain, (*REPORT_RAW, "report_ingest_state"))

    # 4. killed during dbt build
    marts_before_dbt = tree_digest(marts)
    out = load(chain, kill_when=DbtNodeKill(rng))
    kills.append(f"dbt: {out.killed_at}")
    obs["dbt_left_wal"] = (chain / "warehouse.duckdb.wal").exists()
    obs["marts_unchanged_by_dbt_kill"] = tree_digest(marts) == marts_before_dbt

    # 5. another process holds the warehouse read-only: the load fails clearly
    before = tree_digest(marts)
    with holding(chain / "warehouse.duckdb", read_only=True):
        out = load(chain, **{LOCK_WAIT_ENV: "2"})
    obs["locked_read-only"] = (out, tree_digest(marts) == before)

    # 6. the recovery run, with a reader holding marts.duckdb and a Parquet file open
    parquet_name = sorted(obs["pub_top_level"])[0]
    stop = root / "reader.stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(marts), parquet_name, str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        obs["reader_first"] = json.loads(reader.stdout.readline())
        recovery = load(chain)
        stop.touch()
        obs["reader_during"] = json.loads(reader.stdout.readline())
    finally:
        reader.kill()
        reader.wait()
        reader.stdout.close()

    thread.join()
    if "error" in background:
        raise background["error"]
    obs["locked_read-write"] = background["locked"]
    faults = Faults(clean, chain, background["clean"], recovery, kills, obs)
    faults.kill_points.append(f"fixture took {time.monotonic() - started:.0f} s")
    print("\n".join(faults.kill_points))
    return faults


# --- what the chain saw ------------------------------------------------------------------------


@pytest.mark.e2e
def test_kill_during_publication_shows_no_half_written_file(faults: Faults) -> None:
    release = faults.obs["pub_release"]
    assert release is not None  # killed after the views swap: the new release is visible
    # marts.duckdb is whole: every view reads a complete release
    views = faults.obs["pub_views"]
    assert len(views) == len(list(release.glob("*.parquet"))) > 0
    # the top-level files already replaced are the release's, byte for byte; none is partial
    top = faults.obs["pub_top_level"]
    assert 0 < len(top) < len(views)
    for name, content in top.items():
        assert content == (release / name).read_bytes(), name
    assert all(p.startswith((".", "releases/.")) for p in faults.obs["pub_leftovers"])


@pytest.mark.e2e
def test_kill_inside_the_raw_transactions_keeps_the_previous_load(faults: Faults) -> None:
    older = faults.obs["raw_older"]
    plans = faults.obs["raw_after_plan_kill"]
    assert plans == {t: older[t] for t in plans}
    # before the fix, tables written before the kill held the new load while the others (and
    # the cache fingerprint) held the old one: the next load reused the mix as a valid cache
    reports = faults.obs["raw_after_report_kill"]
    assert reports == {t: older[t] for t in reports}


@pytest.mark.e2e
def test_kill_during_dbt_leaves_the_marts_alone_and_the_wal_is_recovered(faults: Faults) -> None:
    assert faults.obs["dbt_left_wal"], "dbt was killed after committing models: a WAL remains"
    assert faults.obs["marts_unchanged_by_dbt_kill"]


@pytest.mark.e2e
@pytest.mark.parametrize("mode", ["read-write", "read-only"])
def test_a_held_warehouse_fails_the_load_clearly_and_publishes_nothing(
    faults: Faults, mode: str
) -> None:
    outcome, marts_unchanged = faults.obs[f"locked_{mode}"]
    text = "\n".join(outcome.lines)
    assert outcome.returncode == 1, text[-3000:]
    assert "plan389: run FAILED" in outcome.lines
    failed = [ln for ln in outcome.lines if ln.startswith("plan_tables: FAILED")]
    assert failed and "is locked by another process and stayed locked" in failed[0], text[-3000:]
    assert outcome.seconds < 120  # bounded: PLAN389_LOCK_WAIT_SECONDS=2
    assert marts_unchanged
    # the summary says what was not published and which documents were not written
    assert "plan389: the marts were NOT published: the previous release stays in place" in (
        outcome.lines
    )
    assert (
        "plan389: documents not written: official_reports (marts/reports/), "
        "kpi_dashboards (marts/dashboard/)"
    ) in outcome.lines


@pytest.mark.e2e
def test_a_reader_keeps_its_snapshot_during_a_load_then_sees_the_new_release(
    faults: Faults,
) -> None:
    first, during = faults.obs["reader_first"], faults.obs["reader_during"]
    assert during["errors"] == [] and during["changed"] == 0 and during["polls"] > 10
    old = faults.obs["pub_views"]
    assert {name: v[0] for name, v in first["views"].items()} == {n: len(r) for n, r in old.items()}
    marts = faults.chain / "marts"
    new = publish.current_release(marts)
    assert new is not None and new != faults.obs["pub_release"]
    with duckdb.connect(str(marts / "marts.duckdb"), read_only=True) as conn:
        tips = conn.execute("select count(*) from mart_tipoffs_monthly").fetchall()[0][0]
    assert tips != first["views"]["mart_tipoffs_monthly"][0]  # the full input: more tips


def _failures(run: Outcome) -> str:
    return "\n".join(ln for ln in run.lines if "FAILED" in ln or "Error" in ln)[-3000:]


@pytest.mark.e2e
def test_the_recovery_run_and_the_clean_run_complete(faults: Faults) -> None:
    for run in (faults.clean_run, faults.recovery):
        assert run.returncode == 0 and "plan389: run succeeded" in run.lines, _failures(run)


@pytest.mark.e2e
def test_the_recovery_run_publishes_the_marts_of_a_clean_run(faults: Faults) -> None:
    for run in (faults.clean_run, faults.recovery):
        assert any(ln.startswith("published_marts: done") for ln in run.lines), _failures(run)
    clean, chain = faults.clean / "marts", faults.chain / "marts"
    assert parquet_rows(chain) == parquet_rows(clean)
    assert view_rows(chain) == view_rows(clean)
    # byte for byte: publication sorts every mart, so the same marts give the same files
    for path in sorted(clean.glob("*.parquet")):
        assert path.read_bytes() == (chain / path.name).read_bytes(), path.name
    assert leftovers(chain) == []
    assert publish.current_release(chain).parent == chain / "releases"
