"""Static HTML dashboard per plan: "are the KPIs met?" for the steering committee's leaders.

Reads only the published marts (`$PLAN389_DATA_DIR/marts/*.parquet`). The pages of a folder
share one `plotly.min.js` beside them (inlined, the 4.6 MB library made a national set of ~3,400
pages weigh 16 GB), and a Content-Security-Policy forbids any network fetch, so the folder opens
offline.

Pages are Jinja2 templates (`templates/*.html.j2`) with autoescape on: every string from the data
is HTML-escaped where it lands, text or attribute. Chart figures go into their <script> as JSON
with <, >, & and ' escaped (`|tojson`), and the data text in them is escaped before plotly sees
it (plotly renders pseudo-HTML such as <b> in labels, and decodes entities). The words, labels
and number formats are those of the Excel report (`presentation`).

A page is rewritten only when what it shows changed (`batch.write_plan_documents`). The as-of
date it states ("Số liệu tính đến") moves every day though its figures may not: the page prints
the date it was written with, and the folder's `as-of.js`, rewritten by every run, sets it to the
marts' current as-of date when the page opens.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import jinja2
import plotly.io.json
import plotly.offline
import polars as pl

from pipelines.as_of import now_vn
from pipelines.outputs.batch import BatchResult, write_plan_documents
from pipelines.outputs.charts import (
    FONT,
    agency_figure,
    chart,
    compliance_figure,
    tip_figure,
)
from pipelines.outputs.presentation import (
    BEHIND,
    DASH,
    INDICATOR_LABELS,
    KPI_HEADERS,
    MET,
    NO_DATA,
    NO_NUMBER,
    NO_TARGET,
    NOT_MET,
    ON_TRACK,
    OWN_ROW,
    PERIOD_HEADERS,
    PERIOD_NOTE,
    SCOPE_LABELS,
    TREE_HEADERS,
    TREE_TOTAL,
    behind_text,
    compliance_label,
    count_text,
    date_text,
    format_change,
    incomplete_mark,
    indicator_label,
    issue_period_text,
    kpi_status,
    metric_label,
    missing_periods_note,
    missing_reports_text,
    percent_text,
    plan_number_text,
    previous_label,
    rows_after_note,
    target_text,
    tree_status,
)
from pipelines.outputs.report_data import (
    DOCUMENT_MARTS,
    HEADLINE_MART,
    ROWS_AFTER_MART,
    mart_of_plan,
    plan_tree,
    read_build_as_of,
    read_mart_file,
    year_as_of,
)
from pipelines.outputs.sections import PeriodSection, TreeView, period_sections

# KPI status → (CSS class, icon: the word carries the state, colour and icon only repeat it);
# problems first, so a leader scanning the page sees what is not met before what is.
STATUS_LOOK = {
    NOT_MET: ("not_met", "✘"),
    MET: ("met", "✔"),
    NO_DATA: ("no_data", "–"),
    NO_TARGET: ("no_target", ""),
}
TREE_LOOK = {BEHIND: "behind", ON_TRACK: "on_track", NO_DATA: "no_data"}  # status → CSS class
PLOTLY_FILE = "plotly.min.js"
AS_OF_FILE = "as-of.js"  # window.plan389AsOf = "YYYY-MM-DD": the marts' as-of date
NOT_KNOWN = "không rõ"


@functools.cache
def environment() -> jinja2.Environment:
    """The dashboard's templates, escaping by default."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipelines.outputs", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # |tojson with plotly's encoder (it knows numpy and dates); Jinja then escapes <, >, & and '
    # as \u003c..., so no text in a figure can close its <script>.
    env.policies["json.dumps_function"] = plotly.io.json.to_json_plotly
    env.policies["json.dumps_kwargs"] = {}
    env.globals.update(
        font=FONT,
        plotly_file=PLOTLY_FILE,
        as_of_file=AS_OF_FILE,
        NO_DATA=NO_DATA,
        DASH=DASH,
        PERIOD_HEADERS=PERIOD_HEADERS,
        PERIOD_NOTE=PERIOD_NOTE,
        TREE_HEADERS=TREE_HEADERS,
        KPI_HEADERS=KPI_HEADERS,
    )
    return env


def _render(template: str, page: dict) -> str:
    return environment().get_template(template).render(page=page)


def _read(marts_dir: Path, mart: str) -> pl.DataFrame:
    return read_mart_file(marts_dir / f"{mart}.parquet")


# --- KPI cards ------------------------------------------------------------------------------


def _kpi_card(row: dict) -> dict:
    """What a mart_kpi_targets row's card shows, as text."""
    status = kpi_status(row)
    css, icon = STATUS_LOOK[status]
    target = target_text(row["comparator"], row["threshold"])
    return {
        "metric": row["metric"],
        "status": status,
        "css": css,
        "label": metric_label(row["metric"]),
        "value": percent_text(row["actual"], near=row["threshold"]),
        "badge": f"{icon} {status}".strip(),
        "target": target if target == NO_TARGET else f"Chỉ tiêu: {target}",
        "counts": f"{count_text(row['numerator'])} / {count_text(row['denominator'])}",
        "source": row.get("target_source_text"),
    }


def _kpi_cards(kpis: pl.DataFrame) -> tuple[list[dict], str]:
    """The cards, problems first, and the summary line above them."""
    order = list(STATUS_LOOK)
    cards = sorted(
        (_kpi_card(row) for row in kpis.iter_rows(named=True)),
        key=lambda card: (order.index(card["status"]), card["metric"]),
    )
    with_target = kpis.filter(pl.col("comparator").is_not_null())
    met = with_target.filter(pl.col("met").fill_null(False)).height
    return cards, f"{MET} {count_text(met)}/{count_text(with_target.height)} chỉ tiêu"


# --- the period section and the tree view --------------------------------------------------


def _period_table(section: PeriodSection, year: int) -> dict:
    """One scope's latest month, quarter and year to date, as the page's table shows them."""
    rows = [
        {
            "indicator": code,
            "label": indicator_label(code),
            "cells": [_period_cell(block.figures.get(code)) for block in section.blocks],
        }
        for code in INDICATOR_LABELS
    ]
    return {
        "scope": section.scope,
        "label": SCOPE_LABELS[section.scope],
        "blocks": [
            {"role": b.role, "title": incomplete_mark(b.title, b.is_complete)}
            for b in section.blocks
        ],
        "previous": previous_label(year),
        "rows": rows if section.blocks else [],
        "note": missing_periods_note(section.missing, year),
    }


def _period_cell(figure: dict | None) -> dict:
    figure = figure or {"value": None, "previous_value": None, "change": None}
    return {
        "value": count_text(figure["value"]),
        "previous": count_text(figure["previous_value"]),
        "change": format_change(figure["change"]),
    }


def _tree_line(row: dict) -> dict:
    """A plan's line in its tree's table (a plan below, the plan itself, or the whole tree)."""
    status = tree_status(row)
    counts = (
        "kpis_met",
        "kpis_below",
        "kpis_without_data",
        "reports_due",
        "reports_received",
        "reports_missing",
        "reports_late",
        "tasks_overdue",
    )
    lowest = row.get("lowest_kpi_metric")
    return {
        "plan_id": row["plan_id"],
        "name": row["name"],
        "plan": plan_number_text(row["plan_number"]),
        **{key: count_text(row.get(key)) for key in counts},
        "lowest_kpi": metric_label(lowest) if lowest else DASH,
        "lowest_kpi_actual": percent_text(
            row.get("lowest_kpi_actual"), near=row.get("lowest_kpi_threshold")
        ),
        "missing": missing_reports_text(row.get("reports_missing")),
        "status": status,
        "css": TREE_LOOK[status],
        "reasons": behind_text(row),
    }


def _kpi_line(row: dict) -> dict:
    """A KPI's line in a table: the words and numbers of its card."""
    status = kpi_status(row)
    return {
        "label": metric_label(row["metric"]),
        "target": target_text(row["comparator"], row["threshold"]),
        "value": percent_text(row["actual"], near=row["threshold"]),
        "numerator": count_text(row["numerator"]),
        "denominator": count_text(row["denominator"]),
        "status": status,
        "css": STATUS_LOOK[status][0],
        "name": row.get("name"),
    }


def _tree(tree: TreeView | None) -> dict | None:
    if tree is None:
        return None
    below = [_tree_line(row) for row in tree.below]
    behind = sum(line["status"] == BEHIND for line in below)
    return {
        "below": below,
        "own": _tree_line(tree.own) | {"name": OWN_ROW},
        "total": _tree_line(tree.total),
        "total_label": TREE_TOTAL,
        "summary": f"{BEHIND}: {count_text(behind)}/{count_text(len(below))} địa bàn cấp dưới",
        "kpis": [_kpi_line(row) for row in tree.kpis.iter_rows(named=True)],
        "below_kpis": [_kpi_line(row) for row in tree.below_kpis.iter_rows(named=True)],
    }


# --- charts ---------------------------------------------------------------------------------


def _late_rows(compliance: pl.DataFrame) -> list[dict]:
    """Who is late or missing: the chart gives counts, leaders also want names."""
    rows = compliance.filter(pl.col("submission_status").is_in(["late", "missing"]))
    return [
        {
            "agency": r["agency_name"] or "",
            "status": compliance_label(r["submission_status"]),
            "due": date_text(r["due_date"], missing=NOT_KNOWN),
            "submitted": date_text(r["first_submission_date"]),
        }
        for r in rows.sort("submission_status", "agency_name").iter_rows(named=True)
    ]


# --- pages ----------------------------------------------------------------------------------


def _plan_row(marts_dir: Path, plan_id: str) -> dict:
    plans = _read(marts_dir, "mart_plans").filter(pl.col("plan_id") == plan_id)
    if plans.is_empty():
        raise ValueError(f"unknown plan {plan_id!r}")
    return plans.row(0, named=True)


def _issued(plan: dict) -> str:
    if plan["issue_date"]:
        return date_text(plan["issue_date"])
    return issue_period_text(plan.get("issue_month"), plan["issue_year"]) or NOT_KNOWN


def build_dashboard(
    marts_dir: Path, plan_id: str, year: int, generated_at: datetime | None = None
) -> str:
    """The dashboard of one plan and reporting year, as one HTML page."""
    plan = _plan_row(marts_dir, plan_id)

    def of_plan(mart: str) -> pl.DataFrame:
        frame = mart_of_plan(marts_dir / f"{mart}.parquet", plan_id)
        return frame.filter(pl.col("report_year") == year)

    kpis = of_plan("mart_kpi_targets").filter(pl.col("scope") == "plan")
    compliance = of_plan("mart_reporting_compliance")
    figures = {
        "chart-tips": (
            of_plan("mart_tipoffs_monthly").filter(pl.col("scope") == "plan"),
            tip_figure,
        ),
        "chart-agencies": (of_plan("mart_task_completion_by_agency"), agency_figure),
        "chart-compliance": (compliance, compliance_figure),
    }
    charts = {
        div_id: None if frame.is_empty() else chart(div_id, make(frame))
        for div_id, (frame, make) in figures.items()
    }
    cards, summary = _kpi_cards(kpis)
    tree = plan_tree(marts_dir, plan_id, year)
    periods = period_sections(of_plan(HEADLINE_MART), year, with_tree=tree is not None)
    rows_after = mart_of_plan(marts_dir / f"{ROWS_AFTER_MART}.parquet", plan_id)
    page = {
        "title": plan["title"] or plan_id,
        "year": year,
        "locality": plan["locality"] or "",
        "number": plan["plan_number"] or NO_NUMBER,
        "issuer": plan["issuer"] or "",
        "issued": _issued(plan),
        "as_of": date_text(year_as_of(read_build_as_of(marts_dir), year)),
        "generated_at": date_text(generated_at or now_vn()),
        "rows_after": rows_after_note(rows_after),
        "cards": cards,
        "summary": summary,
        "charts": charts,
        "charts_expected": sum(chart is not None for chart in charts.values()),
        "late": _late_rows(compliance),
        "periods": [_period_table(section, year) for section in periods],
        "tree": _tree(tree),
    }
    return _render("plan.html.j2", page)


def _tree_order(plans: list[dict]) -> list[tuple[dict, int]]:
    """Each plan followed by the plans below it (a province by its communes), with its depth."""
    ids = {plan["plan_id"] for plan in plans}
    below: dict[str | None, list[dict]] = {}
    for plan in plans:
        parent = plan["parent_plan_id"] if plan["parent_plan_id"] in ids else None
        below.setdefault(parent, []).append(plan)

    def walk(parent: str | None, depth: int) -> list[tuple[dict, int]]:
        return [
            item
            for plan in below.get(parent, [])
            for item in [(plan, depth), *walk(plan["plan_id"], depth + 1)]
        ]

    ordered = walk(None, 0)
    shown = {plan["plan_id"] for plan, _ in ordered}  # a cycle of parents is reached from no root
    return ordered + [(plan, 0) for plan in plans if plan["plan_id"] not in shown]


def _index(marts_dir: Path, plans: list[dict], year: int, generated_at: datetime) -> str:
    kpis = _read(marts_dir, "mart_kpi_targets").filter(
        (pl.col("scope") == "plan") & (pl.col("report_year") == year) & pl.col("met").is_not_null()
    )
    tally = {
        plan_id: (met, total)
        for plan_id, met, total in kpis.group_by("plan_id")
        .agg(pl.col("met").sum(), pl.len())
        .iter_rows()
    }
    rows = []
    for plan, depth in _tree_order(plans):
        met, total = tally.get(plan["plan_id"], (0, 0))
        rows.append(
            {
                "plan_id": plan["plan_id"],
                "depth": depth,
                "title": plan["title"] or plan["plan_id"],
                "number": plan["plan_number"] or "",
                "locality": plan["locality"] or "",
                "kpis_met": f"{count_text(met)}/{count_text(total)}",
            }
        )
    page = {
        "year": year,
        "as_of": date_text(year_as_of(read_build_as_of(marts_dir), year)),
        "generated_at": date_text(generated_at),
        "plans": rows,
    }
    return _render("index.html.j2", page)


def write_dashboard_page(
    marts_dir: Path, plan_id: str, year: int, out: Path, generated_at: datetime
) -> Path:
    out.write_text(build_dashboard(marts_dir, plan_id, year, generated_at), encoding="utf-8")
    return out


def write_as_of_script(folder: Path, as_of: date) -> Path:
    """The marts' as-of date, for every page of the folder to show (see the module docstring)."""
    path = folder / AS_OF_FILE
    path.write_text(f'window.plan389AsOf = "{as_of.isoformat()}";\n', encoding="utf-8")
    return path


def write_plotly_bundle(folder: Path) -> Path:
    """The plotly.js every page in `folder` loads (pages are useless without it)."""
    path = folder / PLOTLY_FILE
    path.write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    return path


@dataclass(frozen=True)
class DashboardPages:
    pages: list[Path]  # one per plan, then index.html
    batch: BatchResult  # the plan pages written this time, and those kept


def write_dashboards(
    marts_dir: Path,
    out_dir: Path,
    year: int | None = None,
    previous: Path | None = None,
    workers: int = 1,
) -> DashboardPages:
    """Write `<plan_id>.html` for every non-reference plan, `index.html`, `as-of.js` and
    `plotly.min.js`. Pages whose data did not change since they were written in `previous` are
    reused."""
    if year is None:
        year = _read(marts_dir, "mart_kpi_targets")["report_year"].max()
        if year is None:
            raise ValueError("mart_kpi_targets has no report year: nothing to show")
    plans = (
        _read(marts_dir, "mart_plans")
        .filter(pl.col("is_reference").not_().fill_null(True))
        .sort("plan_id")
        .to_dicts()
    )
    generated_at = now_vn()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_plotly_bundle(out_dir)
    write_as_of_script(out_dir, read_build_as_of(marts_dir))
    batch = write_plan_documents(
        write_dashboard_page,
        marts_dir,
        out_dir,
        previous or out_dir,
        {plan["plan_id"]: year for plan in plans},
        lambda plan_id, _: f"{plan_id}.html",
        DOCUMENT_MARTS,
        workers,
    )
    written = [out_dir / f"{plan['plan_id']}.html" for plan in plans]
    index = out_dir / "index.html"
    index.write_text(_index(marts_dir, plans, year, generated_at), encoding="utf-8")
    return DashboardPages([*written, index], batch)
