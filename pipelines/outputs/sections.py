"""The period section and the tree view of a plan's documents (the annual report and the
dashboard draw both from here): pure functions over mart frames."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.outputs.presentation import (
    INDICATOR_LABELS,
    TREE_TOTAL,
    locality_name,
    period_end_month,
    period_label,
    ytd_label,
)


@dataclass(frozen=True)
class PeriodBlock:
    """One period of the period section: the latest month, the latest quarter, or the year to
    date, each figure beside the same period of the year before."""

    role: str  # month, quarter or ytd
    title: str  # "Tháng 09/2026", "Quý III/2026", "Lũy kế năm 2026"
    is_complete: bool  # every agency's figures cover the whole period
    figures: dict[str, dict]  # indicator → value, previous_value, change, is_complete


@dataclass(frozen=True)
class PeriodSection:
    """The period blocks of one scope (`plan`, or `tree`: with every plan below it)."""

    scope: str
    blocks: list[PeriodBlock]
    missing: list[str]  # roles without data: month, quarter, ytd


@dataclass(frozen=True)
class TreeView:
    """A plan's tree: the plans right below it, lowest KPI first, its own row and the total."""

    own: dict  # the plan's mart_plan_tree_status row, named
    below: list[dict]  # the same of each plan below it (nulls for one with no row that year)
    total: dict  # the tree: its KPIs (scope tree), the reports and tasks of every plan in it
    kpis: pl.DataFrame  # mart_kpi_targets, scope tree, lowest first
    below_kpis: pl.DataFrame  # the plans below: their KPIs (scope plan), lowest first


PERIOD_ROLES = ("month", "quarter", "ytd")
_COARSE_FIRST = {"year": 0, "nine_months": 1, "half": 2, "quarter": 3, "month": 4}


def period_sections(headlines: pl.DataFrame, year: int, with_tree: bool) -> list[PeriodSection]:
    """mart_headline_indicators rows of a plan → its period section, and its tree's."""
    of_year = headlines.filter(pl.col("report_year") == year)
    scopes = ("plan", "tree") if with_tree else ("plan",)
    return [_period_section(of_year.filter(pl.col("scope") == scope), scope) for scope in scopes]


def _period_section(rows: pl.DataFrame, scope: str) -> PeriodSection:
    periods = rows.group_by("period_kind", "period", "period_index").agg(
        pl.col("ytd_is_complete").all()
    )
    picked = {}
    for kind in ("month", "quarter"):  # the latest of its kind with data
        latest = periods.filter(pl.col("period_kind") == kind).sort("period_index").tail(1)
        picked[kind] = latest.row(0, named=True) if latest.height else None
    # year to date through the period ending last; of those, the one complete, the coarsest
    picked["ytd"] = max(
        periods.iter_rows(named=True),
        key=lambda p: (
            period_end_month(p["period_kind"], p["period"]),
            p["ytd_is_complete"],
            -_COARSE_FIRST[p["period_kind"]],
        ),
        default=None,
    )
    blocks = [
        _period_block(rows, role, period) for role, period in picked.items() if period is not None
    ]
    return PeriodSection(scope, blocks, [r for r in PERIOD_ROLES if picked[r] is None])


def _period_block(rows: pl.DataFrame, role: str, period: dict) -> PeriodBlock:
    kind, name = period["period_kind"], period["period"]
    prefix = "ytd_" if role == "ytd" else ""
    figures = {
        r["indicator"]: {
            "value": r[f"{prefix}value"],
            "previous_value": r[f"{prefix}previous_value"],
            "change": r[f"{prefix}change"],
            "is_complete": bool(r["ytd_is_complete" if prefix else "is_complete"]),
        }
        for r in rows.filter(pl.col("period") == name).iter_rows(named=True)
    }
    figures = {code: figures[code] for code in INDICATOR_LABELS if code in figures}
    title = ytd_label(kind, name) if role == "ytd" else period_label(kind, name)
    complete = all(f["is_complete"] for f in figures.values())
    return PeriodBlock(role, title, complete, figures)


def children_of(plans: pl.DataFrame, plan_id: str) -> list[str]:
    below = plans.filter(
        (pl.col("parent_plan_id") == plan_id) & ~pl.col("is_reference").fill_null(False)
    )
    return below["plan_id"].to_list()


def tree_view(
    plans: pl.DataFrame,
    status: pl.DataFrame,
    kpis: pl.DataFrame,
    plan_id: str,
    children: list[str],
    year: int,
) -> TreeView:
    """The tree of `plan_id` in `year`, from mart_plans, mart_plan_tree_status and
    mart_kpi_targets: communes lowest KPI first, then behind first, then by name."""
    in_tree = _descendants(plans, plan_id) | {plan_id}
    names = plans.filter(pl.col("plan_id").is_in(in_tree)).select(
        "plan_id",
        "plan_number",
        pl.struct("locality", "locality_type")
        .map_elements(lambda p: locality_name(p["locality"], p["locality_type"]), pl.String)
        .alias("name"),
    )
    of_year = kpis.filter(pl.col("report_year") == year)
    thresholds = of_year.filter(pl.col("scope") == "plan").select(  # of each lowest KPI
        "plan_id", lowest_kpi_metric="metric", lowest_kpi_threshold="threshold"
    )
    status = status.filter(pl.col("report_year") == year).drop("locality", "level")
    rows = names.join(status, on="plan_id", how="left").join(  # no row that year: nulls
        thresholds, on=["plan_id", "lowest_kpi_metric"], how="left"
    )
    below = rows.filter(pl.col("plan_id").is_in(children)).sort(
        ["lowest_kpi_actual", "is_behind", "name"],
        descending=[False, True, False],
        nulls_last=True,
    )
    own = rows.filter(pl.col("plan_id") == plan_id).row(0, named=True)
    tree_kpis = of_year.filter((pl.col("plan_id") == plan_id) & (pl.col("scope") == "tree"))
    tree_kpis = tree_kpis.sort("actual", "metric", nulls_last=True)  # lowest first
    order = pl.col("plan_id").replace_strict(below["plan_id"].to_list(), range(below.height))
    below_kpis = (
        of_year.filter(pl.col("plan_id").is_in(children) & (pl.col("scope") == "plan"))
        .join(names, on="plan_id", how="left")
        .sort(order, pl.col("actual"), pl.col("metric"), nulls_last=True, maintain_order=True)
    )
    total = _tree_total(own, rows, tree_kpis)
    return TreeView(own, below.to_dicts(), total, tree_kpis, below_kpis)


def _descendants(plans: pl.DataFrame, plan_id: str) -> set[str]:
    parents = dict(zip(plans["plan_id"], plans["parent_plan_id"], strict=True))
    found, frontier = set(), {plan_id}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _tree_total(own: dict, in_tree: pl.DataFrame, tree_kpis: pl.DataFrame) -> dict:
    """The tree as a row of the table: its own KPIs are the tree's (scope tree), its reports
    and tasks those of every plan in it."""
    targeted = tree_kpis.filter(pl.col("threshold").is_not_null())
    lowest = targeted.drop_nulls("actual").head(1)
    counts = ("reports_due", "reports_received", "reports_missing", "reports_late")
    total = {c: int(in_tree[c].fill_null(0).sum()) for c in (*counts, "tasks_overdue")}
    total |= {
        "plan_id": own["plan_id"],
        "name": TREE_TOTAL,
        "plan_number": "",
        "kpis_met": own["tree_kpis_met"],
        "kpis_below": own["tree_kpis_below"],
        "kpis_without_data": targeted.filter(pl.col("met").is_null()).height,
        "lowest_kpi_metric": lowest["metric"][0] if lowest.height else None,
        "lowest_kpi_actual": lowest["actual"][0] if lowest.height else None,
        "lowest_kpi_threshold": lowest["threshold"][0] if lowest.height else None,
    }
    behind = total["kpis_below"] or total["reports_missing"] or total["tasks_overdue"]
    return total | {"is_behind": bool(behind)}
