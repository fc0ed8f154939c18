"""The dashboard's charts: plotly figures from mart frames, as the JSON the page embeds.

Data text in a chart is HTML-escaped first: plotly renders tags in labels and decodes entities.
"""

from __future__ import annotations

import functools
import html

import plotly.graph_objects as go
import polars as pl

from pipelines.outputs.presentation import (
    RATE_LABELS,
    TIP_LABELS,
    compliance_label,
    count_text,
    percent_text,
)

# submission_status → colour; order is the chart's order.
COMPLIANCE_COLOURS = {
    "on_time": "#1b7f3b",
    "late": "#c77700",
    "missing": "#b3261e",
    "pending": "#6b7280",
    "no_deadline": "#9ca3af",
}
# Family names unquoted: the same text serves plotly and the page's CSS, escaping nothing.
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, Arial, sans-serif"


def chart_text(value: object) -> str:
    """Data text for a chart label: escaped, as plotly renders tags and decodes entities."""
    return html.escape("" if value is None else str(value))


def layout(fig: go.Figure, height: int, **kwargs: object) -> go.Figure:
    fig.update_layout(  # the template goes in when the chart is written (see chart)
        height=height,
        separators=",.",  # Vietnamese: decimal comma, thousands dot
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        **kwargs,
    )
    return fig


def tip_figure(tips: pl.DataFrame) -> go.Figure:
    monthly = (
        tips.group_by("month")
        .agg(pl.col("received", "accepted", "resolved", "overdue_at_month_end").sum())
        .sort("month")
    )
    labels = [f"T{m.month}/{m.year}" for m in monthly["month"]]
    fig = go.Figure()
    for col, colour in [("received", "#2563eb"), ("accepted", "#0d9488"), ("resolved", "#1b7f3b")]:
        fig.add_bar(x=labels, y=monthly[col].to_list(), name=TIP_LABELS[col], marker_color=colour)
    fig.add_scatter(
        x=labels,
        y=monthly["overdue_at_month_end"].to_list(),
        name=TIP_LABELS["overdue_at_month_end"],
        mode="lines+markers",
        line={"color": "#b3261e", "width": 3},
    )
    return layout(fig, 380, barmode="group", yaxis={"title": "Số tin"})


def short(name: str, width: int = 42) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def agency_figure(agencies: pl.DataFrame) -> go.Figure:
    rows = agencies.sort(["completion_rate", "agency_name"], descending=[True, False]).to_dicts()
    names = [chart_text(short(r["agency_name"] or r["agency_id"])) for r in rows]
    hover = [
        f"{chart_text(r['agency_name'])}<br>Hoàn thành {count_text(r['tasks_completed'])}/"
        f"{count_text(r['tasks_assigned'])} nhiệm vụ; đúng hạn "
        f"{count_text(r['tasks_completed_on_time'])}/{count_text(r['tasks_due'])} đã đến hạn"
        for r in rows
    ]
    fig = go.Figure()
    for (col, name), colour in zip(RATE_LABELS.items(), ("#2563eb", "#1b7f3b"), strict=True):
        fig.add_bar(
            y=names,
            x=[r[col] for r in rows],
            name=name,
            orientation="h",
            marker_color=colour,
            customdata=hover,
            hovertemplate="%{customdata}<br>" + name + ": %{text}<extra></extra>",
            text=[percent_text(r[col]) for r in rows],
            textposition="outside",
        )
    return layout(
        fig,
        120 + 34 * len(rows),
        barmode="group",
        xaxis={"range": [0, 1.15], "tickformat": ".0%"},
        yaxis={"autorange": "reversed", "automargin": True},
    )


def compliance_figure(compliance: pl.DataFrame) -> go.Figure:
    counts = dict(compliance.group_by("submission_status").len().iter_rows())
    statuses = [s for s in COMPLIANCE_COLOURS if s != "no_deadline" or counts.get(s)]
    values = [counts.get(s, 0) for s in statuses]
    fig = go.Figure(
        go.Bar(
            x=[compliance_label(s) for s in statuses],
            y=values,
            marker_color=[COMPLIANCE_COLOURS[s] for s in statuses],
            text=[count_text(v) for v in values],
            textposition="outside",
            hovertemplate="%{x}: %{text} đơn vị<extra></extra>",
        )
    )
    return layout(fig, 340, yaxis={"title": "Số đơn vị"}, showlegend=False)


@functools.cache
def plotly_template() -> dict:
    return go.Figure(layout_template="plotly_white").to_plotly_json()["layout"]["template"]


def chart(div_id: str, fig: go.Figure) -> dict:
    # plotly validates and deep-copies a template set on a figure: ~90 ms a chart, most of a
    # national run's dashboards. The figure's JSON takes the same template, resolved once.
    spec = fig.to_plotly_json()
    spec["layout"]["template"] = plotly_template()
    return {"id": div_id, "height": spec["layout"]["height"], "figure": spec}
