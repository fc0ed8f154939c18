"""What the tests of the period section and the tree view share: the published marts of the
bundled run, copied and altered where the bundled data lacks a case (a previous year to compare
with, more communes under Thanh Hóa), and the tables of a dashboard page read back as text."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import polars as pl

THANH_HOA, HAM_RONG, HUNG_YEN = "thanh-hoa-08-kh-ubnd-2026", "ham-rong-kh-2026", "hung-yen-kh-2026"
YEAR = 2026
# Thanh Hóa's plan-scope figures of 2025, for the comparison the bundled data cannot make
# (2026 figures: cases_total 1.322, cases_other 159, defendants 93).
LAST_YEAR = {"cases_total": 1000, "cases_other": 200, "defendants": 0}


class Status(NamedTuple):
    """A commune's mart_plan_tree_status figures (the rest are Hàm Rồng's)."""

    lowest: float | None
    behind: bool
    kpis: tuple[int, int]  # met, below
    reports: tuple[int, int, int, int]  # due, received, missing, late
    tasks: int  # overdue


# Communes added under Thanh Hóa beside Hàm Rồng (lowest KPI 89,39%, 3 reports missing,
# behind): plan id → locality, locality type, status (None: no row for the year).
HAM_RONG_LOWEST = -1.0  # stands for Hàm Rồng's own lowest KPI
COMMUNES = {
    "quang-phu-kh-2026": ("Quảng Phú", "xã", Status(0.5, True, (1, 2), (4, 2, 2, 1), 1)),
    "dong-son-kh-2026": (  # Hàm Rồng's lowest KPI, but on track: after it
        "Đông Sơn",
        "phường",
        Status(HAM_RONG_LOWEST, False, (3, 0), (2, 2, 0, 0), 0),
    ),
    "nam-ngan-kh-2026": (  # no KPI with a target
        "Nam Ngạn",
        "phường",
        Status(None, False, (0, 0), (0, 0, 0, 0), 0),
    ),
    "an-hung-kh-2026": ("An Hưng", "phường", None),
}
COMMUNE_ORDER = ["xã Quảng Phú", "phường Hàm Rồng", "phường Đông Sơn", "phường Nam Ngạn"]
COMMUNE_ORDER += ["phường An Hưng"]  # lowest KPI first, behind first on a tie, none last


def copy_marts(marts: Path, target: Path) -> Path:
    """The run's Parquet marts in a new folder, to alter without touching the others."""
    target.mkdir(parents=True)
    for path in marts.glob("*.parquet"):
        shutil.copy(path, target / path.name)
    return target


def mart(marts: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(marts / f"{name}.parquet")


def with_last_year(marts: Path) -> Path:
    """Thanh Hóa's plan-scope headline figures with a previous year (LAST_YEAR): the change as
    the mart computes it, null where last year's figure is 0."""
    path = marts / "mart_headline_indicators.parquet"
    frame = pl.read_parquet(path)
    mine = (pl.col("plan_id") == THANH_HOA) & (pl.col("scope") == "plan")
    previous = pl.col("indicator").replace_strict(LAST_YEAR, default=None, return_dtype=pl.Int64)
    columns = []
    for prefix in ("", "ytd_"):
        value = pl.col(f"{prefix}value")
        change = pl.when(previous > 0).then((value - previous) / previous)
        columns += [
            pl.when(mine).then(previous).otherwise(pl.col(f"{prefix}previous_value")),
            pl.when(mine).then(change).otherwise(pl.col(f"{prefix}change")),
        ]
    names = ["previous_value", "change", "ytd_previous_value", "ytd_change"]
    frame.with_columns(c.alias(n) for c, n in zip(columns, names, strict=True)).write_parquet(path)
    return marts


def with_communes(marts: Path) -> Path:
    """COMMUNES under Thanh Hóa, in mart_plans and (but one) in mart_plan_tree_status."""
    plans, status = mart(marts, "mart_plans"), mart(marts, "mart_plan_tree_status")
    ham_rong = plans.filter(pl.col("plan_id") == HAM_RONG)
    ham_rong_status = status.filter(pl.col("plan_id") == HAM_RONG)
    new_plans, new_status = [], []
    for plan_id, (locality, kind, row) in COMMUNES.items():
        new_plans.append(
            ham_rong.with_columns(
                plan_id=pl.lit(plan_id),
                locality=pl.lit(locality),
                locality_type=pl.lit(kind),
                title=pl.lit(f"Kế hoạch {kind} {locality}"),
            )
        )
        if row is None:
            continue
        lowest = row.lowest
        if lowest == HAM_RONG_LOWEST:
            lowest = ham_rong_status["lowest_kpi_actual"][0]
        due, received, missing, late = row.reports
        new_status.append(
            ham_rong_status.with_columns(
                plan_id=pl.lit(plan_id),
                tree_status_key=pl.lit(f"{plan_id}:{YEAR}"),
                locality=pl.lit(locality),
                kpis_met=pl.lit(row.kpis[0], pl.Int64),
                kpis_below=pl.lit(row.kpis[1], pl.Int64),
                lowest_kpi_metric=pl.lit("tip_acceptance_rate" if lowest else None, pl.String),
                lowest_kpi_actual=pl.lit(lowest, pl.Float64),
                reports_due=pl.lit(due, pl.Int64),
                reports_received=pl.lit(received, pl.Int64),
                reports_missing=pl.lit(missing, pl.Int64),
                reports_late=pl.lit(late, pl.Int64),
                tasks_overdue=pl.lit(row.tasks, pl.Int64),
                is_behind=pl.lit(row.behind),
            )
        )
    pl.concat([plans, *new_plans]).write_parquet(marts / "mart_plans.parquet")
    pl.concat([status, *new_status]).write_parquet(marts / "mart_plan_tree_status.parquet")
    return marts


# --- a dashboard page's tables, as text -------------------------------------------------------


@dataclass
class Row:
    attrs: dict[str, str | None]
    cells: list[str] = field(default_factory=list)


@dataclass
class Table:
    attrs: dict[str, str | None]
    rows: list[Row] = field(default_factory=list)

    def body(self) -> list[Row]:
        """Rows of <td> cells (the header's are <th>)."""
        return [row for row in self.rows if row.attrs.get("_td")]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._row: Row | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(Table(dict(attrs)))
        elif tag == "tr" and self.tables:
            self._row = Row(dict(attrs))
            self.tables[-1].rows.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            if tag == "td":
                self._row.attrs["_td"] = "1"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(page: str) -> list[Table]:
    """Every <table> of a page, each cell's text with its whitespace collapsed."""
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def table(page: str, **attrs: str) -> Table:
    """The one table of the page whose attributes include `attrs` (data_scope → data-scope)."""
    wanted = {key.replace("_", "-"): value for key, value in attrs.items()}
    found = [t for t in page_tables(page) if wanted.items() <= t.attrs.items()]
    assert len(found) == 1, (wanted, len(found))
    return found[0]
