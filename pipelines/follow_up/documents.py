"""Write the follow-up lists and the feedback copies, only where their content changed.

Under an output root (the published marts folder for the `follow_up` asset, `-o DIR` for
`plan389 follow-up`):

- `follow-up/<plan_id>/<agency slug>.xlsx`: one agency's list (agencies with something to act
  on; collectives are no agency one can write to and appear in the summaries only);
- `follow-up/<plan_id>/tong-hop.xlsx`: the plan's standing office's summary;
- `follow-up/tong-hop.xlsx`: every plan in scope (and the files refused whole);
- `feedback/<plan_id>/<agency slug>/<file>`: a copy of each current workbook with quarantined
  rows, the offending cells marked (`.xlsx` for an `.xls`/`.ods`);
- `feedback/<plan_id or _refused>/<file>.Loi.xlsx`: why a file was refused whole.

A file whose content key (lists.content_key; for a copy, its source's bytes and problems) is the
one recorded at its last writing is kept as it is; a file no longer called for is removed.
`.contents.json` in each folder records the keys.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.follow_up.feedback import copy_name, write_feedback_copy, write_refusal_workbook
from pipelines.follow_up.lists import (
    REFUSED_FOLDER,
    FollowUp,
    agency_slug,
    chased,
    content_key,
    content_keys,
    refused_folders,
)
from pipelines.follow_up.workbooks import agency_workbook, summary_workbook
from pipelines.parallel import map_in_processes, worker_count

LISTS_FOLDER = "follow-up"
FEEDBACK_FOLDER = "feedback"
CONTENTS = ".contents.json"
SUMMARY_NAME = "tong-hop.xlsx"
PROBLEM_COLUMNS = ("sheet", "row_number", "column_name", "column_header", "offending_value",
                   "rule", "reason_vi")  # fmt: skip
# Writing a list takes ~10 ms: below this many, worker start-up (1-3 s) costs more than it saves
MIN_FILES_FOR_WORKERS = 400
CHUNKS_PER_WORKER = 8


@dataclass(frozen=True)
class AgencyPacket:
    """What one agency is sent: its list and the feedback copies of its files."""

    plan_id: str
    agency_id: str
    agency_name: str
    workbook: Path
    feedback: tuple[Path, ...]
    content_key: str


@dataclass
class FollowUpResult:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    packets: list[AgencyPacket] = field(default_factory=list)
    summary: Path | None = None
    summary_key: str = ""


@dataclass(frozen=True)
class _Planned:
    """A document the follow-up calls for: where, its content key, and how to write it (`kind`
    and what the writer needs besides the rows, which are sliced only for documents written)."""

    path: Path
    key: str
    kind: str  # agency | plan_summary | summary | copy | refusal
    args: tuple = ()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _feedback_plan(follow: FollowUp, raw_reports: Path, root: Path) -> dict[str, _Planned]:
    """Feedback copies of the current workbooks with quarantined rows: file name → plan."""
    planned: dict[str, _Planned] = {}
    quarantine = follow.quarantine.sort("file_name", "sheet", "row_number", maintain_order=True)
    for (file_name,), rows in quarantine.group_by("file_name", maintain_order=True):
        first = rows.row(0, named=True)
        slug = agency_slug(first["agency_id"] or "") or "_khac"
        source = raw_reports / file_name
        if not source.is_file():
            continue  # the file left raw/ since the marts were built
        target_dir = root / FEEDBACK_FOLDER / first["plan_id"] / slug
        problems = rows.select(PROBLEM_COLUMNS).to_dicts()
        key = _digest(_file_digest(source), json.dumps(problems, default=str, ensure_ascii=False))
        planned[file_name] = _Planned(
            target_dir / copy_name(source), key, "copy", (source, problems, target_dir)
        )
    return planned


def _refusals_plan(follow: FollowUp, root: Path) -> list[_Planned]:
    refused = follow.rows.filter(pl.col("category") == "file_refused")
    planned = []
    folders = refused_folders(refused, follow.plan_ids)
    for row, folder in zip(refused.iter_rows(named=True), folders, strict=True):
        target = root / FEEDBACK_FOLDER / folder / f"{Path(row['file_name']).name}.Loi.xlsx"
        reason = row["detail"] or ""
        key = _digest(row["file_name"], reason)
        planned.append(_Planned(target, key, "refusal", (row["file_name"], reason)))
    return planned


def _relative(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start)).as_posix()


def _agency_lists(follow: FollowUp) -> pl.DataFrame:
    """One row per agency one can write to with something to act on: plan_id, agency_id,
    agency_name, the content key of its rows and the files of its rows."""
    rows = chased(follow.rows)
    keys = content_keys(rows, ["plan_id", "agency_id"])
    names = rows.group_by("plan_id", "agency_id").agg(
        pl.col("agency_name").drop_nulls().first(),
        pl.col("file_name").drop_nulls().unique().sort().alias("files"),
    )
    return keys.join(names, on=["plan_id", "agency_id"]).sort("plan_id", "agency_id")


def plan_documents(
    follow: FollowUp, raw_reports: Path, root: Path
) -> tuple[list[_Planned], list[AgencyPacket], Path | None, str]:
    """Every document the follow-up calls for, with its content key (nothing written yet)."""
    copies = _feedback_plan(follow, raw_reports, root)
    planned: list[_Planned] = [*copies.values(), *_refusals_plan(follow, root)]
    plans = {r["plan_id"]: r for r in follow.plans.iter_rows(named=True)}
    lists = root / LISTS_FOLDER
    packets: list[AgencyPacket] = []
    for plan_id, agency_id, rows_key, agency_name, files in _agency_lists(follow).iter_rows():
        path = lists / plan_id / f"{agency_slug(agency_id)}.xlsx"
        mine = [f for f in files if f in copies]
        links = {f: _relative(copies[f].path, path.parent) for f in mine}
        # the list's rows and its feedback copies' problems: what the agency is told
        key = _digest(rows_key, str(follow.days), *(copies[f].key for f in mine))
        plan = plans.get(plan_id, {"plan_id": plan_id})
        planned.append(_Planned(path, key, "agency", (plan_id, agency_id, plan, links)))
        packets.append(
            AgencyPacket(
                plan_id,
                agency_id,
                agency_name or agency_id,
                path,
                tuple(copies[f].path for f in mine),
                key,
            )
        )
    with_plan = follow.rows.filter(pl.col("plan_id").is_not_null())
    for plan_id, rows_key in content_keys(with_plan, ["plan_id"]).sort("plan_id").iter_rows():
        key = _digest(rows_key, str(follow.days))
        planned.append(_Planned(lists / plan_id / SUMMARY_NAME, key, "plan_summary", (plan_id,)))
    summary, summary_key = None, ""
    if not follow.rows.is_empty():
        summary = lists / SUMMARY_NAME
        summary_key = _digest(content_key(follow.rows), str(follow.days))
        planned.append(_Planned(summary, summary_key, "summary"))
    return planned, packets, summary, summary_key


def _jobs(follow: FollowUp, items: list[_Planned]) -> list[tuple]:
    """What each writer needs, the rows sliced for the documents to write only."""
    rows = follow.rows
    pairs = {item.args[:2] for item in items if item.kind == "agency"}
    plan_ids = {item.args[0] for item in items if item.kind == "plan_summary"}
    by_agency = (
        rows.filter(
            pl.struct("plan_id", "agency_id").is_in(
                pl.Series([{"plan_id": p, "agency_id": a} for p, a in pairs])
            )
        ).partition_by("plan_id", "agency_id", as_dict=True)
        if pairs
        else {}
    )
    by_plan = (
        rows.filter(pl.col("plan_id").is_in(list(plan_ids))).partition_by("plan_id", as_dict=True)
        if plan_ids
        else {}
    )
    jobs: list[tuple] = []
    for item in items:
        if item.kind == "agency":
            plan_id, agency_id, plan, links = item.args
            args = (by_agency[(plan_id, agency_id)], plan, follow.as_of, follow.days, links)
        elif item.kind == "plan_summary":
            args = (by_plan[item.args], follow.as_of, follow.days)
        elif item.kind == "summary":
            args = (rows, follow.as_of, follow.days)
        else:
            args = item.args
        jobs.append((item.kind, item.path, args))
    return jobs


def _write_job(job: tuple) -> None:
    kind, path, args = job
    if kind == "agency":
        agency_workbook(*args, path)
    elif kind in ("plan_summary", "summary"):
        summary_workbook(*args, path)
    elif kind == "copy":
        write_feedback_copy(*args)
    elif kind == "refusal":
        write_refusal_workbook(*args, path)
    else:  # pragma: no cover - a kind plan_documents does not make
        raise ValueError(f"unknown follow-up document kind {kind!r}")


def _write_chunk(jobs: list[tuple]) -> None:
    for job in jobs:
        _write_job(job)


def write_documents(follow: FollowUp, items: list[_Planned], workers: int | None = None) -> None:
    """Write `items`, on several processes when there are enough of them (the largest first:
    the overall summary holds every row)."""
    for item in items:
        item.path.parent.mkdir(parents=True, exist_ok=True)
    jobs = sorted(_jobs(follow, items), key=lambda job: job[0] != "summary")
    workers = worker_count() if workers is None else workers
    if workers > 1 and len(jobs) >= MIN_FILES_FOR_WORKERS:
        count = workers * CHUNKS_PER_WORKER
        chunks = [jobs[i::count] for i in range(count)]
        map_in_processes(_write_chunk, chunks, workers, min_jobs=2)
    else:
        _write_chunk(jobs)


def _read_contents(folder: Path) -> dict[str, str]:
    try:
        return json.loads((folder / CONTENTS).read_text())
    except (OSError, ValueError):
        return {}


def write_follow_up(follow: FollowUp, raw_reports: Path, root: Path) -> FollowUpResult:
    """Write what changed, keep what did not, remove what is no longer called for (within the
    plan's folders when the follow-up is one plan's, else everywhere under the two folders)."""
    plan_id = follow.plan_id
    planned, packets, summary, summary_key = plan_documents(follow, raw_reports, root)
    if plan_id is not None:  # one plan: its own folders only
        planned = [p for p in planned if plan_id in p.path.relative_to(root).parts[:2]]
        summary, summary_key = None, ""
    result = FollowUpResult(packets=packets, summary=summary, summary_key=summary_key)
    to_write: list[_Planned] = []
    records: dict[Path, dict[str, str]] = {}
    for folder in (LISTS_FOLDER, FEEDBACK_FOLDER):
        base = root / folder
        before = _read_contents(base)
        after: dict[str, str] = {}
        mine = [p for p in planned if p.path.is_relative_to(base)]
        for item in mine:
            name = item.path.relative_to(base).as_posix()
            after[name] = item.key
            if before.get(name) == item.key and item.path.is_file():
                result.kept.append(item.path)
            else:
                to_write.append(item)
        scope = [base / plan_id] if plan_id is not None else [base]
        for stale in _stale(scope, {p.path for p in mine}):
            stale.unlink()
            result.removed.append(stale)
        if plan_id is not None:  # keep the other plans' records
            after = {k: v for k, v in before.items() if not k.startswith(f"{plan_id}/")} | after
        records[base] = after
    write_documents(follow, to_write)
    result.written = [item.path for item in to_write]
    for base, after in records.items():  # recorded once every file is written
        base.mkdir(parents=True, exist_ok=True)
        (base / CONTENTS).write_text(json.dumps(after, indent=0, sort_keys=True))
    return result


def _stale(folders: list[Path], wanted: set[Path]) -> list[Path]:
    found = [f for folder in folders if folder.is_dir() for f in folder.rglob("*.xlsx")]
    return sorted(f for f in found if f not in wanted)


__all__ = ["REFUSED_FOLDER", "AgencyPacket", "FollowUpResult", "write_follow_up"]
