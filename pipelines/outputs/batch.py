"""Writing one document per plan for thousands of plans: skip what did not change, use cores.

A report or dashboard page takes ~0.3 s to write, so at national scale (~3,400 plans) writing all
of them every night would take longer than the whole load. Each document is keyed by a digest of
what it is drawn from (`report_data.plan_rows` of every mart it reads), the year, and the code
that draws them (`pipelines.fingerprint`). A document whose digest matches the one written last
time is hard-linked from the previous folder instead of written; the others are written by
worker processes. Digests live in `.digests.json` in the folder.

What a day passing changes alone is not content: the marts' `as_of_date` and `snapshot_date`
columns and the days overdue of unfinished tasks move every day, so they are left out of the
digest (a task falling due, a report going missing, a new row do change it). A document kept
from an earlier day states the as-of date it was written with (the dashboard shows the current
one through `as-of.js`), until its year ends: the digest holds whether the year is over, so
every document of a closed year is written once more, as of 31/12.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
import os
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pipelines.as_of import now_vn
from pipelines.fingerprint import inputs_fingerprint
from pipelines.outputs.report_data import (
    INGESTION_ERRORS_MART,
    TREE_STATUS_MART,
    ingestion_errors_shown,
    read_build_as_of,
    read_mart_file,
)
from pipelines.parallel import map_in_processes

DOCUMENT_CODE = ("pipelines.outputs.excel_report", "pipelines.outputs.dashboard", __name__)

DIGESTS = ".digests.json"
# Columns that move with the as-of date alone (see the module docstring).
DATED_COLUMNS = ("as_of_date", "days_overdue", "max_days_overdue", "snapshot_date")
DOCS_PER_JOB = 8
MIN_JOBS_FOR_WORKERS = 8  # fewer documents (< 57): a worker's start-up costs more than it saves

Writer = Callable[[Path, str, int, Path, datetime], object]  # marts, plan, year, out, now


@functools.cache
def _code_fingerprint() -> str:
    """The code that draws documents (labels from `reports.spec` included), its data files
    and package versions."""
    return inputs_fingerprint(DOCUMENT_CODE)


def digest_seed(plan_id: str, year: int, as_of: date) -> str:
    """What a plan's digest starts from: the drawing code, the plan, the year, and whether the
    year is over as of `as_of` (then its documents are written once more, as of 31/12)."""
    closed = as_of >= date(year, 12, 31)
    return f"{_code_fingerprint()}|{plan_id}|{year}|{'closed' if closed else 'open'}"


def plan_digests(marts_dir: Path, plan_years: dict[str, int], marts: tuple[str, ...]) -> dict:
    """plan id → digest of everything its document is drawn from (`plan_rows` of each mart),
    but for what only the as-of date moves."""
    as_of = read_build_as_of(marts_dir)
    per_plan: dict[str, hashlib._Hash] = {}
    for plan_id, year in plan_years.items():
        per_plan[plan_id] = hashlib.sha256(digest_seed(plan_id, year, as_of).encode())
    for mart in marts:
        path = marts_dir / f"{mart}.parquet"
        if not path.is_file():
            continue
        frame = read_mart_file(path)
        frame = frame.drop([c for c in DATED_COLUMNS if c in frame.columns])
        if mart == INGESTION_ERRORS_MART:  # which rejected files a plan shows: per plan
            hashes, shown = ingestion_errors_shown(marts_dir, frame, per_plan)
            for plan_id, digest in per_plan.items():
                rows = heapq.merge(shown[None], shown.get(plan_id, ()))
                digest.update(mart.encode() + _row_bytes([hashes[i] for i in rows]))
            continue
        if "plan_id" not in frame.columns:  # every plan's document shows the whole mart
            whole = mart.encode() + _row_bytes(frame.hash_rows(seed=0).to_list())
            for digest in per_plan.values():
                digest.update(whole)
            continue
        # One pass over the mart: each row's hash, gathered by plan in row order (what
        # `plan_rows` gives each plan), instead of ~3,400 per-plan passes.
        hashed = frame.select("plan_id", frame.hash_rows(seed=0).alias("_hash"))
        grouped = hashed.group_by("plan_id", maintain_order=True).agg("_hash")
        by_plan = dict(zip(grouped["plan_id"].to_list(), grouped["_hash"].to_list(), strict=True))
        for plan_id, digest in per_plan.items():
            digest.update(mart.encode() + _row_bytes(by_plan.get(plan_id, [])))
    _digest_plans_below(marts_dir, per_plan)
    return {plan_id: digest.hexdigest() for plan_id, digest in per_plan.items()}


def _digest_plans_below(marts_dir: Path, per_plan: dict[str, hashlib._Hash]) -> None:
    """A plan's tree view shows the plans below it (mart_plan_tree_status): a commune's report
    going missing or its task falling overdue rewrites its province's documents too."""
    path = marts_dir / f"{TREE_STATUS_MART}.parquet"
    if not path.is_file():
        return
    frame = read_mart_file(path)
    frame = frame.drop([c for c in DATED_COLUMNS if c in frame.columns])
    hashed = frame.select("plan_id", "parent_plan_id", frame.hash_rows(seed=0).alias("_hash")).sort(
        "plan_id", "_hash"
    )
    for key in ("plan_id", "parent_plan_id"):
        grouped = hashed.drop_nulls(key).group_by(key, maintain_order=True).agg("_hash")
        rows = dict(zip(grouped[key].to_list(), grouped["_hash"].to_list(), strict=True))
        for plan_id, digest in per_plan.items():
            digest.update(f"{TREE_STATUS_MART}:{key}".encode() + _row_bytes(rows.get(plan_id, [])))


def _row_bytes(values: list[int]) -> bytes:
    """Row hashes (u64) as bytes, in row order."""
    return struct.pack(f"<{len(values)}Q", *values)


@dataclass
class BatchResult:
    written: list[str]
    reused: list[str]


def _write_chunk(job: tuple[Writer, Path, list[tuple[str, int, Path]], datetime]) -> list[str]:
    writer, marts_dir, items, now = job
    for plan_id, year, out in items:
        writer(marts_dir, plan_id, year, out, now)
    return [out.name for _, _, out in items]


def write_plan_documents(
    writer: Writer,
    marts_dir: Path,
    staging: Path,
    previous: Path,
    plan_years: dict[str, int],
    name: Callable[[str, int], str],
    marts: tuple[str, ...],
    workers: int = 1,
) -> BatchResult:
    """Write (or reuse from `previous`) one document per plan into `staging`."""
    staging.mkdir(parents=True, exist_ok=True)
    digests = plan_digests(marts_dir, plan_years, marts)
    try:
        before = json.loads((previous / DIGESTS).read_text())
    except (OSError, ValueError):
        before = {}
    reused, todo = [], []
    for plan_id, year in plan_years.items():
        file_name = name(plan_id, year)
        old = previous / file_name
        if before.get(plan_id) == digests[plan_id] and old.is_file():
            _link_or_copy(old, staging / file_name)
            reused.append(file_name)
        else:
            todo.append((plan_id, year, staging / file_name))
    now = now_vn()
    jobs = [
        (writer, marts_dir, todo[i : i + DOCS_PER_JOB], now)
        for i in range(0, len(todo), DOCS_PER_JOB)
    ]
    done = map_in_processes(_write_chunk, jobs, workers, MIN_JOBS_FOR_WORKERS)
    written = [n for names in done for n in names]
    (staging / DIGESTS).write_text(json.dumps(digests, indent=0, sort_keys=True))
    return BatchResult(sorted(written), sorted(reused))


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)
