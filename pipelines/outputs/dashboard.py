"""Static HTML dashboard per plan: "are the KPIs met?" for the steering committee's leaders.

Reads only the published marts (`$PLAN389_DATA_DIR/marts/*.parquet`). The pages of a folder
share one `plotly.min.js` beside them (inlined, the 4.6 MB library made a national set of ~3,400
pages weigh 16 GB), and a Content-Security-Policy forbids any network fetch, so the folder opens
offline. Every string from the data is HTML-escaped, in the
page and in the charts (plotly renders pseudo-HTML such as <b> in labels, and decodes entities).

A page is rewritten only when what it shows changed (`batch.write_plan_documents`). The as-of
date it states ("Số liệu tính đến") moves every day though its figures may not: the page prints
the date it was written with, and the folder's `as-of.js`, rewritten by every run, sets it to the
marts' current as-of date when the page opens.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import plotly.graph_objects as go
import plotly.io
import plotly.offline
import polars as pl

from pipelines.as_of import now_vn
from pipelines.outputs.batch import BatchResult, write_plan_documents
from pipelines.outputs.report_data import (
    DOCUMENT_MARTS,
    ROWS_AFTER_MART,
    mart_of_plan,
    read_build_as_of,
    read_mart_file,
    rows_after_note,
    year_as_of,
)
from pipelines.reports.spec import METRIC_LABELS

# submission_status → (label, colour); order is the chart's order.
COMPLIANCE = {
    "on_time": ("Đúng hạn", "#1b7f3b"),
    "late": ("Nộp muộn", "#c77700"),
    "missing": ("Quá hạn, chưa nộp", "#b3261e"),
    "pending": ("Chưa đến hạn", "#6b7280"),
    "no_deadline": ("Kế hoạch không quy định hạn", "#9ca3af"),
}
# chart div id → (heading, note under the chart)
SECTIONS = {
    "chart-tips": (
        "Tố giác, tin báo về tội phạm theo tháng",
        "Cộng tất cả lĩnh vực và đơn vị. Quá hạn: tin chưa giải quyết quá 20 ngày kể từ khi "
        "tiếp nhận, tính tại cuối tháng.",
    ),
    "chart-agencies": (
        "Hoàn thành nhiệm vụ theo đơn vị",
        "Tỷ lệ đúng hạn chỉ tính trên nhiệm vụ đã đến hạn; để trống (–) khi đơn vị chưa có "
        "nhiệm vụ đến hạn.",
    ),
    "chart-compliance": ("Chấp hành chế độ báo cáo", ""),
}
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif'
PLOTLY_FILE = "plotly.min.js"
AS_OF_FILE = "as-of.js"  # window.plan389AsOf = "YYYY-MM-DD": the marts' as-of date
# No network at all: scripts inline or from the page's own folder, styles inline only, images
# and fonts only as data: URIs.
CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:"
)
CSS = f"""
*{{box-sizing:border-box}} body{{font-family:{FONT};margin:0;color:#1f2937;background:#f3f4f6}}
main,footer,header .in{{max-width:1200px;margin:0 auto;padding:16px}}
header{{background:#7f1d1d;color:#fff}} header h1{{font-size:1.4rem;margin:.2rem 0}}
header p{{margin:.2rem 0}} h2{{font-size:1.15rem;margin:1.6rem 0 .6rem}}
.summary{{font-size:1.05rem;font-weight:600}}
.cards{{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px}}
.card{{background:#fff;border-radius:8px;padding:12px 14px;border-left:8px solid #9ca3af}}
.card h3{{font-size:.95rem;margin:0 0 .4rem;min-height:2.6em}}
.card .value{{font-size:2rem;font-weight:700}} .meta,.note{{font-size:.85rem;color:#4b5563}}
.src{{font-size:.75rem;color:#6b7280;margin-top:.4rem;display:-webkit-box;
-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}}
.badge{{display:inline-block;font-weight:700;padding:2px 8px;border-radius:4px;margin:.3rem 0}}
.met{{border-color:#1b7f3b}} .met .badge{{background:#e6f4ea;color:#1b7f3b}}
.not_met{{border-color:#b3261e}} .not_met .badge{{background:#fdecea;color:#b3261e}}
.no_data .badge,.no_target .badge{{background:#eef0f3;color:#374151}}
.panel{{background:#fff;border-radius:8px;padding:8px;margin-bottom:12px;overflow-x:auto}}
table{{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}}
td,th{{border-bottom:1px solid #e5e7eb;padding:6px 8px;text-align:left}}
footer{{font-size:.8rem;color:#6b7280}}
@media (max-width:600px){{header h1{{font-size:1.1rem}} .card .value{{font-size:1.6rem}}}}
"""
# Records JS errors and counts charts whose Plotly.newPlot promise resolved, so a browser
# test can tell "every chart rendered" from "a script died half-way".
HEAD_SCRIPT = r"""
window.addEventListener('error', function (e) {
  document.documentElement.dataset.jsError = String(e.message);
});
// The marts' as-of date (as-of.js), capped at the page's report year's end, in #as-of.
window.addEventListener('DOMContentLoaded', function () {
  var el = document.getElementById('as-of');
  var iso = window.plan389AsOf;
  if (!el || !/^\d{4}-\d{2}-\d{2}$/.test(iso || '')) return;
  var end = el.dataset.year + '-12-31';
  var day = iso < end ? iso : end;
  el.textContent = day.slice(8, 10) + '/' + day.slice(5, 7) + '/' + day.slice(0, 4);
});
window.plan389ChartDone = function (id) {
  var el = document.getElementById(id);
  if (!el || !el.querySelector('.main-svg')) return;
  el.dataset.rendered = '1';
  var done = document.querySelectorAll('[data-rendered="1"]').length;
  if (done === Number(document.body.dataset.chartsExpected)) {
    document.body.dataset.chartsRendered = String(done);
  }
};
"""


def _read(marts_dir: Path, mart: str) -> pl.DataFrame:
    return read_mart_file(marts_dir / f"{mart}.parquet")


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _fmt_int(n: int | None) -> str:
    return "–" if n is None else f"{n:,}".replace(",", ".")


def _fmt_pct(value: float, threshold: float | None = None) -> str:
    """Vietnamese percentage; more decimals when one would blur the line against the target
    (99.97% must not read as 100% on a card saying "not met")."""
    for digits in range(1, 5):
        shown = round(value * 100, digits)
        if threshold is None or value == threshold or shown != round(threshold * 100, digits):
            break
    return f"{shown:.{digits}f}".replace(".", ",") + "%"


def _fmt_date(d: date | datetime | None, missing: str = "không rõ") -> str:
    if d is None:
        return missing
    return d.strftime("%d/%m/%Y %H:%M" if isinstance(d, datetime) else "%d/%m/%Y")


def _target_text(comparator: str | None, threshold: float | None) -> str:
    if comparator is None or threshold is None:
        return "Kế hoạch không đặt chỉ tiêu"
    sign = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(comparator, comparator)
    percent = round(threshold * 100, 4)
    shown = f"{percent:g}".replace(".", ",")  # "100", "90", "92,5": as the plan prints it
    return f"Chỉ tiêu: {html.escape(sign)} {shown}%"


def _status(row: dict) -> tuple[str, str]:
    """(css class, label) — the label carries the state, colour only repeats it."""
    if row["met"] is True:
        return "met", "✔ Đạt"
    if row["met"] is False:
        return "not_met", "✘ Chưa đạt"
    if row["actual"] is None:
        return "no_data", "– Chưa có số liệu"
    return "no_target", "Không có chỉ tiêu"


def _kpi_card(row: dict) -> str:
    css, label = _status(row)
    metric = row["metric"]
    value = "–" if row["actual"] is None else _fmt_pct(row["actual"], row["threshold"])
    source = row.get("target_source_text")
    return (
        f'<div class="card {css}" data-metric="{_esc(metric)}" data-status="{css}">'
        f"<h3>{_esc(METRIC_LABELS.get(metric, metric))}</h3>"
        f'<div class="value">{value}</div>'
        f'<div class="badge">{label}</div>'
        f'<div class="meta">{_target_text(row["comparator"], row["threshold"])}</div>'
        f'<div class="meta">{_fmt_int(row["numerator"])} / {_fmt_int(row["denominator"])}</div>'
        + (
            f'<div class="src" title="{_esc(source)}">Theo kế hoạch: “{_esc(source)}”</div>'
            if source
            else ""
        )
        + "</div>"
    )


def _kpi_section(kpis: pl.DataFrame) -> str:
    if kpis.is_empty():
        return '<h2>Chỉ tiêu</h2><p class="note">Chưa có số liệu chỉ tiêu cho năm này.</p>'
    # Problems first: a leader scanning the page sees what is not met before what is.
    order = {"not_met": 0, "met": 1, "no_data": 2, "no_target": 3}
    rows = sorted(kpis.to_dicts(), key=lambda r: (order[_status(r)[0]], r["metric"]))
    with_target = [r for r in rows if r["comparator"] is not None]
    met = sum(r["met"] is True for r in with_target)
    cards = "".join(_kpi_card(r) for r in rows)
    return (
        "<h2>Chỉ tiêu của kế hoạch</h2>"
        f'<p class="summary" id="kpi-summary">Đạt {met}/{len(with_target)} chỉ tiêu</p>'
        f'<div class="cards">{cards}</div>'
    )


def _layout(fig: go.Figure, height: int, **kwargs: object) -> go.Figure:
    fig.update_layout(  # the template goes in when the chart is written (see _chart)
        height=height,
        separators=",.",  # Vietnamese: decimal comma, thousands dot
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        **kwargs,
    )
    return fig


def _tip_figure(tips: pl.DataFrame) -> go.Figure:
    monthly = (
        tips.group_by("month")
        .agg(pl.col("received", "accepted", "resolved", "overdue_at_month_end").sum())
        .sort("month")
    )
    labels = [f"T{m.month}/{m.year}" for m in monthly["month"]]
    fig = go.Figure()
    for col, name, colour in [
        ("received", "Tiếp nhận", "#2563eb"),
        ("accepted", "Thụ lý", "#0d9488"),
        ("resolved", "Giải quyết", "#1b7f3b"),
    ]:
        fig.add_bar(x=labels, y=monthly[col].to_list(), name=name, marker_color=colour)
    fig.add_scatter(
        x=labels,
        y=monthly["overdue_at_month_end"].to_list(),
        name="Quá hạn cuối tháng",
        mode="lines+markers",
        line={"color": "#b3261e", "width": 3},
    )
    return _layout(fig, 380, barmode="group", yaxis={"title": "Số tin"})


def _short(name: str, width: int = 42) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _agency_figure(agencies: pl.DataFrame) -> go.Figure:
    rows = agencies.sort(["completion_rate", "agency_name"], descending=[True, False]).to_dicts()
    # Escaped before plotly sees them: plotly would render tags in labels, and decodes entities.
    names = [_esc(_short(r["agency_name"] or r["agency_id"])) for r in rows]
    hover = [
        f"{_esc(r['agency_name'])}<br>Hoàn thành {r['tasks_completed']}/{r['tasks_assigned']}"
        f" nhiệm vụ; đúng hạn {r['tasks_completed_on_time']}/{r['tasks_due']} đã đến hạn"
        for r in rows
    ]
    fig = go.Figure()
    for col, name, colour in [
        ("completion_rate", "Tỷ lệ hoàn thành", "#2563eb"),
        ("on_time_rate", "Tỷ lệ đúng hạn", "#1b7f3b"),
    ]:
        fig.add_bar(
            y=names,
            x=[r[col] for r in rows],
            name=name,
            orientation="h",
            marker_color=colour,
            customdata=hover,
            hovertemplate="%{customdata}<br>" + name + ": %{x:.0%}<extra></extra>",
            text=["–" if r[col] is None else f"{r[col]:.0%}" for r in rows],
            textposition="outside",
        )
    return _layout(
        fig,
        120 + 34 * len(rows),
        barmode="group",
        xaxis={"range": [0, 1.15], "tickformat": ".0%"},
        yaxis={"autorange": "reversed", "automargin": True},
    )


def _compliance_figure(compliance: pl.DataFrame) -> go.Figure:
    counts = dict(compliance.group_by("submission_status").len().iter_rows())
    statuses = [s for s in COMPLIANCE if s != "no_deadline" or counts.get(s)]
    values = [counts.get(s, 0) for s in statuses]
    fig = go.Figure(
        go.Bar(
            x=[COMPLIANCE[s][0] for s in statuses],
            y=values,
            marker_color=[COMPLIANCE[s][1] for s in statuses],
            text=values,
            textposition="outside",
            hovertemplate="%{x}: %{y} đơn vị<extra></extra>",
        )
    )
    return _layout(fig, 340, yaxis={"title": "Số đơn vị"}, showlegend=False)


def _compliance_table(compliance: pl.DataFrame) -> str:
    """Who is late or missing: the chart gives counts, leaders also want names."""
    rows = compliance.filter(pl.col("submission_status").is_in(["late", "missing"])).sort(
        "submission_status", "agency_name"
    )
    if rows.is_empty():
        return ""
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{cell}</td>"
            for cell in (
                _esc(r["agency_name"]),
                COMPLIANCE[r["submission_status"]][0],
                _fmt_date(r["due_date"]),
                _fmt_date(r["first_submission_date"], missing="–"),
            )
        )
        + "</tr>"
        for r in rows.to_dicts()
    )
    return (
        '<div class="panel"><table id="compliance-table"><thead><tr><th>Đơn vị</th>'
        "<th>Tình trạng</th><th>Hạn nộp</th><th>Ngày nộp</th></tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


@functools.cache
def _template() -> dict:
    return go.Figure(layout_template="plotly_white").to_plotly_json()["layout"]["template"]


def _chart(fig: go.Figure, div_id: str) -> str:
    # plotly validates and deep-copies a template set on a figure: ~90 ms a chart, most of a
    # national run's dashboards. The figure's JSON takes the same template, resolved once.
    spec = fig.to_plotly_json()
    spec["layout"]["template"] = _template()
    return plotly.io.to_html(
        spec,
        validate=False,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displayModeBar": False, "responsive": True},
        post_script="plan389ChartDone('{plot_id}');",
    )


def _section(div_id: str, frame: pl.DataFrame, make: Callable[[pl.DataFrame], go.Figure]) -> str:
    title, note = SECTIONS[div_id]
    empty = '<p class="note">Chưa có số liệu cho năm này.</p>'
    inner = empty if frame.is_empty() else _chart(make(frame), div_id)
    note_html = f'<p class="note">{note}</p>' if note else ""
    return f'<h2>{title}</h2><div class="panel">{inner}</div>{note_html}'


def _page(title: str, body: str, head_extra: str = "", body_attrs: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{CSS}</style>{head_extra}</head>"
        f"<body{body_attrs}>{body}</body></html>"
    )


def _plan_row(marts_dir: Path, plan_id: str) -> dict:
    plans = _read(marts_dir, "mart_plans").filter(pl.col("plan_id") == plan_id)
    if plans.is_empty():
        raise ValueError(f"unknown plan {plan_id!r}")
    return plans.row(0, named=True)


def _header(plan: dict, year: int, generated_at: datetime, as_of: date, note: str | None) -> str:
    number = plan["plan_number"] or "(chưa ghi số)"
    issued = _fmt_date(plan["issue_date"]) if plan["issue_date"] else plan["issue_year"]
    return (
        '<header><div class="in">'
        f"<p>Ban Chỉ đạo 389 · {_esc(plan['locality'] or '')}</p>"
        f"<h1>{_esc(plan['title'])}</h1>"
        f"<p>Kế hoạch số {_esc(number)} · {_esc(plan['issuer'])} · ban hành {_esc(issued)}</p>"
        f'<p>Năm báo cáo <b id="report-year">{year}</b> · Số liệu tính đến '
        f'<b id="as-of" data-year="{year}">{_fmt_date(as_of)}</b> · '
        f"Lập lúc {_fmt_date(generated_at)}</p>"
        + (f'<p id="rows-after-as-of">{_esc(note)}</p>' if note else "")
        + "</div></header>"
    )


def build_dashboard(
    marts_dir: Path, plan_id: str, year: int, generated_at: datetime | None = None
) -> str:
    """The dashboard of one plan and reporting year, as one self-contained HTML page."""
    plan = _plan_row(marts_dir, plan_id)
    generated_at = generated_at or now_vn()

    def of_plan(mart: str) -> pl.DataFrame:
        frame = mart_of_plan(marts_dir / f"{mart}.parquet", plan_id)
        return frame.filter(pl.col("report_year") == year)

    kpis = of_plan("mart_kpi_targets").filter(pl.col("scope") == "plan")
    tips, agencies = of_plan("mart_tipoffs_monthly"), of_plan("mart_task_completion_by_agency")
    compliance = of_plan("mart_reporting_compliance")
    rows_after = mart_of_plan(marts_dir / f"{ROWS_AFTER_MART}.parquet", plan_id)
    as_of = year_as_of(read_build_as_of(marts_dir), year)

    figures = {
        "chart-tips": (tips, _tip_figure),
        "chart-agencies": (agencies, _agency_figure),
        "chart-compliance": (compliance, _compliance_figure),
    }
    sections = "".join(_section(key, *spec) for key, spec in figures.items())
    charts = sum(not frame.is_empty() for frame, _ in figures.values())
    body = (
        _header(plan, year, generated_at, as_of, rows_after_note(rows_after))
        + f"<main>{_kpi_section(kpis)}{sections}{_compliance_table(compliance)}</main>"
        + '<footer><a href="index.html">← Danh sách kế hoạch</a> · Nguồn: plan389 marts</footer>'
    )
    head = (
        f'<script>{HEAD_SCRIPT}</script><script id="as-of-js" src="{AS_OF_FILE}"></script>'
        f'<script id="plotlyjs" src="{PLOTLY_FILE}"></script>'
    )
    return _page(f"{_esc(plan['title'])} – {year}", body, head, f' data-charts-expected="{charts}"')


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
    items = []
    for plan in plans:
        met, total = tally.get(plan["plan_id"], (0, 0))
        items.append(
            f'<tr><td><a href="{_esc(plan["plan_id"])}.html">{_esc(plan["title"])}</a></td>'
            f"<td>{_esc(plan['plan_number'] or '')}</td><td>{_esc(plan['locality'] or '')}</td>"
            f"<td>{met}/{total}</td></tr>"
        )
    body = (
        f'<header><div class="in"><h1>Ban Chỉ đạo 389 – Bảng theo dõi kế hoạch năm {year}</h1>'
        f"<p>Số liệu tính đến {_fmt_date(year_as_of(read_build_as_of(marts_dir), year))} · "
        f"Lập lúc {_fmt_date(generated_at)}</p></div></header><main>"
        "<table><thead><tr><th>Kế hoạch</th><th>Số</th><th>Địa bàn</th>"
        f"<th>Chỉ tiêu đạt</th></tr></thead><tbody>{''.join(items)}</tbody></table></main>"
    )
    return _page(f"Ban Chỉ đạo 389 – {year}", body)


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
