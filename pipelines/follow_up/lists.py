"""The follow-up lists, read from the published marts (never the warehouse, which a load locks).

`mart_follow_up` holds what every agency has to act on as of the build's as-of date, with
upcoming deadlines `follow_up_horizon_days` ahead; a list shows the next `days` of them. The
functions here only select, order and key those rows; `workbooks.py` lays them out.

Same content means the same rows: an item's key, category, due date, status, counts and detail,
not its `days` (which grows every day) nor the as-of date. A list whose rows are unchanged is not
rewritten nor sent again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.outputs.report_data import build_as_of, plans_named_in

FOLLOW_UP_MART = "mart_follow_up"
DEFAULT_DAYS = 30
# How far ahead mart_follow_up holds upcoming deadlines: dbt var follow_up_horizon_days
# (dbt_project.yml; a test keeps the two equal).
HORIZON_DAYS = 90
AHEAD = ("due_soon", "report_due")  # categories of deadlines still to come
CATEGORIES = (
    "overdue",
    "due_soon",
    "no_progress",
    "report_missing",
    "report_due",
    "report_late",
    "rows_quarantined",
    "file_refused",
)
TASK_CATEGORIES = ("overdue", "due_soon", "no_progress")
REPORT_CATEGORIES = ("report_missing", "report_due", "report_late")
FILE_CATEGORIES = ("rows_quarantined", "file_refused")
# What makes two lists the same (see the module docstring).
CONTENT_COLUMNS = (
    "follow_up_key",
    "category",
    "item",
    "due_date",
    "status",
    "file_name",
    "rows_quarantined",
    "detail",
)
REFUSED_FOLDER = "_refused"  # files refused whole whose plan is not known


class FollowUpError(ValueError):
    """The published marts cannot give the lists asked for."""


@dataclass(frozen=True)
class FollowUp:
    """The follow-up rows in scope, and what the lists need around them."""

    as_of: date
    days: int
    rows: pl.DataFrame  # mart_follow_up rows, in the window, sorted
    plans: pl.DataFrame  # plan_id, plan_title, plan_number, locality (every plan in scope)
    quarantine: pl.DataFrame  # mart_quarantine rows of current workbooks in scope
    plan_id: str | None = None  # the one plan in scope, or None for every plan
    plan_ids: tuple[str, ...] = ()  # every published plan (refused files name theirs)


def read_follow_up(
    marts_dir: Path, days: int = DEFAULT_DAYS, plan_id: str | None = None
) -> FollowUp:
    """The published follow-up rows (one plan's, or every plan's), deadlines `days` ahead."""
    marts_dir = Path(marts_dir)
    path = marts_dir / f"{FOLLOW_UP_MART}.parquet"
    if not path.is_file():
        raise FollowUpError(f"{path} is not published yet: run `plan389 run` first")
    if not 0 <= days <= HORIZON_DAYS:
        raise FollowUpError(
            f"days ahead must be between 0 and {HORIZON_DAYS} (what the marts hold), not {days}"
        )
    as_of = build_as_of(pl.read_parquet(marts_dir / "mart_build_info.parquet"))
    rows = pl.read_parquet(path)
    plans = pl.read_parquet(marts_dir / "mart_plans.parquet")
    plan_ids = tuple(plans["plan_id"])
    quarantine = pl.read_parquet(marts_dir / "mart_quarantine.parquet").filter(
        ~pl.col("is_superseded").fill_null(False) & pl.col("plan_id").is_not_null()
    )
    if plan_id is not None:
        if plan_id not in set(plans["plan_id"]):
            raise FollowUpError(f"unknown plan {plan_id!r}")
        rows = rows.filter(pl.col("plan_id") == plan_id)
        plans = plans.filter(pl.col("plan_id") == plan_id)
        quarantine = quarantine.filter(pl.col("plan_id") == plan_id)
    plans = plans.filter(~pl.col("is_reference").fill_null(False))
    return FollowUp(
        as_of, days, in_window(rows, days), _plan_labels(plans), quarantine, plan_id, plan_ids
    )


def in_window(rows: pl.DataFrame, days: int) -> pl.DataFrame:
    """Everything past or due, and what falls due in the next `days` days; in list order."""
    ahead = pl.col("category").is_in(AHEAD)
    kept = rows.filter(~ahead | (pl.col("days") >= -days))
    order = pl.col("category").replace_strict(
        list(CATEGORIES), list(range(len(CATEGORIES))), default=len(CATEGORIES)
    )
    return kept.sort(
        [order, pl.col("days"), "due_date", "plan_id", "agency_name", "task_code", "item"],
        descending=[False, True, False, False, False, False, False],
        nulls_last=True,
        maintain_order=True,
    )


def _plan_labels(plans: pl.DataFrame) -> pl.DataFrame:
    return plans.select(
        "plan_id", pl.col("title").alias("plan_title"), "plan_number", "locality"
    ).sort("plan_id")


def agency_slug(agency_id: str) -> str | None:
    """The part of an agency id after its locality (`38:cong-an-tinh` → `cong-an-tinh`); None
    for a collective (`38:group:…`), which is no agency one can write to."""
    _, _, slug = agency_id.partition(":")
    if not slug or slug.startswith("group:"):
        return None
    return slug


def content_keys(rows: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """`by` and `content_key` for each group of rows: SHA-256 of its rows' content
    (CONTENT_COLUMNS), whatever their order. One pass for every list of a national run."""
    line = pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("\x00") for c in CONTENT_COLUMNS], separator="\x1f"
    )
    grouped = rows.group_by(by).agg(line.sort().str.join("\x1e").alias("_content"))
    digests = [hashlib.sha256(text.encode()).hexdigest() for text in grouped["_content"]]
    return grouped.drop("_content").with_columns(pl.Series("content_key", digests, pl.String))


def content_key(rows: pl.DataFrame) -> str:
    """SHA-256 of the rows' content (CONTENT_COLUMNS), whatever their order."""
    keys = content_keys(rows.with_columns(_all=pl.lit(0)), ["_all"])
    return keys["content_key"][0] if keys.height else hashlib.sha256(b"").hexdigest()


def chased(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows of agencies with something to act on that one can write to: in a plan, with an
    agency_slug (not a collective, not the office's own rows)."""
    slug = pl.col("agency_id").str.extract(r"^[^:]*:(.+)$")
    return rows.filter(
        pl.col("plan_id").is_not_null() & slug.is_not_null() & ~slug.str.starts_with("group:")
    )


def urgency(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per plan × agency: most days overdue first, then the nearest due date, with the
    count of each category. Rows with no agency (files refused whole) come last, as one line."""
    counts = [(pl.col("category") == c).sum().cast(pl.Int64).alias(c) for c in CATEGORIES]
    past = pl.when(pl.col("days") > 0).then(pl.col("days"))
    upcoming = pl.when(pl.col("days") <= 0).then(pl.col("due_date"))
    return (
        rows.group_by("plan_id", "agency_id", maintain_order=True)
        .agg(
            pl.col("agency_name").drop_nulls().first(),
            past.max().alias("most_days_overdue"),
            upcoming.min().alias("next_due_date"),
            *counts,
            pl.len().alias("items"),
        )
        .sort(
            [
                pl.col("agency_id").is_null(),
                "most_days_overdue",
                "next_due_date",
                "plan_id",
                "agency_name",
            ],
            descending=[False, True, False, False, False],
            nulls_last=True,
        )
    )


def refused_folders(refused: pl.DataFrame, plan_ids: tuple[str, ...]) -> list[str]:
    """For each file refused whole (file_name, detail), its feedback folder: the one plan its
    name or reason names, else REFUSED_FOLDER (the rule the plan reports use to show rejected
    files)."""
    frame = refused.select("file_name", pl.col("detail").alias("reason"))
    return [
        next(iter(named)) if len(named) == 1 else REFUSED_FOLDER
        for named in plans_named_in(frame, plan_ids)
    ]
