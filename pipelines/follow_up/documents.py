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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.follow_up.feedback import write_feedback_copy, write_refusal_workbook
from pipelines.follow_up.lists import (
    REFUSED_FOLDER,
    FollowUp,
    agencies_to_chase,
    agency_slug,
    content_key,
    refused_plan,
)
from pipelines.follow_up.workbooks import agency_workbook, summary_workbook

LISTS_FOLDER = "follow-up"
FEEDBACK_FOLDER = "feedback"
CONTENTS = ".contents.json"
SUMMARY_NAME = "tong-hop.xlsx"
LEGACY_SUFFIXES = (".xls", ".ods", ".xlsm")  # their copies are written as .xlsx
PROBLEM_COLUMNS = ("sheet", "row_number", "column_name", "column_header", "offending_value",
                   "rule", "reason_vi")  # fmt: skip


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
    path: Path
    key: str
    write: Callable[[Path], object]


def copy_name(file_name: str) -> str:
    """The feedback copy's name: the original's, as .xlsx for a legacy or macro workbook."""
    path = Path(file_name)
    return path.stem + ".xlsx" if path.suffix.lower() in LEGACY_SUFFIXES else path.name


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
            target_dir / copy_name(Path(file_name).name),
            key,
            lambda _path, s=source, p=problems, t=target_dir: write_feedback_copy(s, p, t),
        )
    return planned


def _refusals_plan(follow: FollowUp, root: Path, plan_ids: tuple[str, ...]) -> list[_Planned]:
    refused = follow.rows.filter(pl.col("category") == "file_refused")
    planned = []
    for row in refused.iter_rows(named=True):
        folder = refused_plan(row["file_name"], row["detail"], plan_ids)
        target = root / FEEDBACK_FOLDER / folder / f"{Path(row['file_name']).name}.Loi.xlsx"
        reason = row["detail"] or ""
        planned.append(
            _Planned(
                target,
                _digest(row["file_name"], reason),
                lambda path, n=row["file_name"], r=reason: write_refusal_workbook(n, r, path),
            )
        )
    return planned


def _relative(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start)).as_posix()


def plan_documents(
    follow: FollowUp, raw_reports: Path, root: Path, plan_ids: tuple[str, ...]
) -> tuple[list[_Planned], list[AgencyPacket], Path | None, str]:
    """Every document the follow-up calls for, with its content key (nothing written yet)."""
    planned: list[_Planned] = []
    copies = _feedback_plan(follow, raw_reports, root)
    planned += list(copies.values())
    refusals = _refusals_plan(follow, root, plan_ids)
    planned += refusals
    plans = {r["plan_id"]: r for r in follow.plans.iter_rows(named=True)}
    lists = root / LISTS_FOLDER
    packets: list[AgencyPacket] = []
    rows = follow.rows
    by_agency = rows.filter(pl.col("agency_id").is_not_null()).partition_by(
        "plan_id", "agency_id", as_dict=True
    )
    for plan_id, agency_id in agencies_to_chase(rows):
        mine = by_agency[(plan_id, agency_id)]
        path = lists / plan_id / f"{agency_slug(agency_id)}.xlsx"
        files = [f for f in mine["file_name"].drop_nulls() if f in copies]
        links = {f: _relative(copies[f].path, path.parent) for f in files}
        # the list's rows and its feedback copies' problems: what the agency is told
        key = _digest(content_key(mine), str(follow.days), *(copies[f].key for f in files))
        plan = plans.get(plan_id, {"plan_id": plan_id})
        planned.append(
            _Planned(
                path,
                key,
                lambda p, m=mine, pl_=plan, ln=links: agency_workbook(
                    m, pl_, follow.as_of, follow.days, ln, p
                ),
            )
        )
        packets.append(
            AgencyPacket(
                plan_id,
                agency_id,
                mine["agency_name"].drop_nulls().first() or agency_id,
                path,
                tuple(copies[f].path for f in files),
                key,
            )
        )
    for (plan_id,), mine in rows.filter(pl.col("plan_id").is_not_null()).group_by(
        "plan_id", maintain_order=True
    ):
        key = _digest(content_key(mine), str(follow.days))
        planned.append(
            _Planned(
                lists / plan_id / SUMMARY_NAME,
                key,
                lambda p, m=mine: summary_workbook(m, follow.as_of, follow.days, p),
            )
        )
    summary, summary_key = None, ""
    if not rows.is_empty():
        summary = lists / SUMMARY_NAME
        summary_key = _digest(content_key(rows), str(follow.days))
        planned.append(
            _Planned(
                summary,
                summary_key,
                lambda p: summary_workbook(rows, follow.as_of, follow.days, p),
            )
        )
    return planned, packets, summary, summary_key


def _read_contents(folder: Path) -> dict[str, str]:
    try:
        return json.loads((folder / CONTENTS).read_text())
    except (OSError, ValueError):
        return {}


def write_follow_up(
    follow: FollowUp,
    raw_reports: Path,
    root: Path,
    plan_id: str | None = None,
    plan_ids: tuple[str, ...] = (),
) -> FollowUpResult:
    """Write what changed, keep what did not, remove what is no longer called for (within the
    plan's folders when `plan_id` is given, else everywhere under the two folders)."""
    planned, packets, summary, summary_key = plan_documents(follow, raw_reports, root, plan_ids)
    if plan_id is not None:  # one plan: its own folders only
        planned = [p for p in planned if plan_id in p.path.relative_to(root).parts[:2]]
        summary, summary_key = None, ""
    result = FollowUpResult(packets=packets, summary=summary, summary_key=summary_key)
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
                continue
            item.path.parent.mkdir(parents=True, exist_ok=True)
            item.write(item.path)
            result.written.append(item.path)
        scope = [base / plan_id] if plan_id is not None else [base]
        for stale in _stale(scope, {p.path for p in mine}):
            stale.unlink()
            result.removed.append(stale)
        if plan_id is not None:  # keep the other plans' records
            after = {k: v for k, v in before.items() if not k.startswith(f"{plan_id}/")} | after
        base.mkdir(parents=True, exist_ok=True)
        (base / CONTENTS).write_text(json.dumps(after, indent=0, sort_keys=True))
    return result


def _stale(folders: list[Path], wanted: set[Path]) -> list[Path]:
    found = [f for folder in folders if folder.is_dir() for f in folder.rglob("*.xlsx")]
    return sorted(f for f in found if f not in wanted)


__all__ = ["REFUSED_FOLDER", "AgencyPacket", "FollowUpResult", "copy_name", "write_follow_up"]
