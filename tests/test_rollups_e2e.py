"""Roll-ups, reporting periods and the headline indicators, checked against an oracle computed
here, in plain Python, from the rows the test writes, on a whole pipeline run.

The data: Thanh Hóa's province plan with Hàm Rồng ward's plan below it (the bundled documents),
and workbooks written for the test over two years:
- the provincial police report monthly (January to March 2026) and yearly (2025, 2026): the year
  must be the yearly report, never the yearly report plus the months;
- market surveillance reports quarterly (2025-Q1 to Q4, 2026-Q1 to Q3): 2026-9M is H1 + Q3, the
  year is incomplete, year-to-date compares with 2025's to the same quarter;
- the ward police report yearly; some of its tips were transferred to the provincial police
  (the same Mã tin and receiving date): counted once in the province's tree.
The run is made with calendar months and again with PLAN389_PERIOD_CUTOFF_DAY=15.
"""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.reports.spec import ENFORCEMENT, FIELDS, TIPS
from tests.conftest import PLANS_DIR, SEEDS
from tests.reports.workbooks import write_report

pytestmark = pytest.mark.e2e

PROVINCE, WARD = "thanh-hoa-08-kh-ubnd-2026", "ham-rong-kh-2026"
AS_OF = "2026-11-23"
LABEL = {c.code: c.label for c in FIELDS}
MEASURES = (
    "inspections",
    "violations",
    "fines_vnd",
    "tax_arrears_vnd",
    "confiscated_sales_vnd",
    "goods_value_vnd",
    "prosecutions",
    "defendants",
)
CODES = ["smuggling", "prohibited_goods", "trade_fraud", "counterfeit", "ip_infringement", "other"]


# ------------------------------------------------------------------ the data written


@dataclass
class Book:
    plan_id: str
    agency: str  # as printed in ThongTin
    agency_id: str
    period: str
    months: tuple[int, int, int]  # year, first month, last month (calendar labels)
    report_date: date
    xuly: dict[str, dict[str, int]] = field(default_factory=dict)  # field code → figures
    tips: list[dict] = field(default_factory=list)


def _figures(seed: int, code: str) -> dict[str, int]:
    """Distinct, checkable numbers per workbook and field."""
    k = CODES.index(code) + 1
    inspections = 10 * seed + k
    return {
        "inspections": inspections,
        "violations": inspections // 2 + k,
        "fines_vnd": 1_000_000 * (seed + k),
        "tax_arrears_vnd": 100_000 * seed * k,
        "confiscated_sales_vnd": 10_000 * (seed + 2 * k),
        "goods_value_vnd": 5_000_000 * seed + k,
        "prosecutions": seed % 3 + k % 2,
        "defendants": seed % 4 + k,
    }


def _book(plan, agency, agency_id, period, months, report_date, seed, codes=CODES) -> Book:
    return Book(
        plan, agency, agency_id, period, months, report_date, {c: _figures(seed, c) for c in codes}
    )


POLICE, MARKET, WARD_POLICE = (
    "38:cong-an-tinh",
    "38:chi-cuc-quan-ly-thi-truong",
    "14758:cong-an-phuong",
)


def _books() -> list[Book]:
    books = [
        _book(PROVINCE, "Công an tỉnh", POLICE, "2025", (2025, 1, 12), date(2025, 12, 20), 1),
        _book(PROVINCE, "Công an tỉnh", POLICE, "Năm 2026", (2026, 1, 12), date(2026, 11, 10), 2),
        *[
            _book(
                PROVINCE,
                "Công an tỉnh",
                POLICE,
                f"Tháng {m}/2026",
                (2026, m, m),
                date(2026, m + 1, 5),
                10 + m,
            )
            for m in (1, 2, 3)
        ],
        *[
            _book(
                PROVINCE,
                "Chi cục Quản lý thị trường",
                MARKET,
                f"{y}-Q{q}",
                (y, 3 * q - 2, 3 * q),
                date(y, 3 * q, 28),
                20 + 4 * (y - 2025) + q,
                codes=["counterfeit", "ip_infringement", "trade_fraud"],
            )
            for y, q in [
                (2025, 1),
                (2025, 2),
                (2025, 3),
                (2025, 4),
                (2026, 1),
                (2026, 2),
                (2026, 3),
            ]
        ],
        _book(
            WARD,
            "Công an phường",
            WARD_POLICE,
            "2026",
            (2026, 1, 12),
            date(2026, 11, 1),
            7,
            codes=["smuggling", "prohibited_goods", "other"],
        ),
    ]
    _add_tips(books)
    return books


def _tip(
    code: str,
    received: date,
    accepted: date | None,
    resolved: date | None,
    outcome: str | None,
    signs: bool | None = None,
    fld: str = "smuggling",
) -> dict:
    return {
        "tip_code": code,
        "received_date": received,
        "accepted_date": accepted,
        "resolved_date": resolved,
        "outcome": outcome,
        "criminal_signs": signs,
        "field": fld,
    }


def _add_tips(books: list[Book]) -> None:
    """Tips on the provincial police's 2026 register and the ward's; dates around the 14th/15th
    (the cut-off day of the second run) and around the turn of the year."""
    police = next(b for b in books if b.agency_id == POLICE and b.period == "Năm 2026")
    ward = next(b for b in books if b.agency_id == WARD_POLICE)
    d = date
    police.tips = [
        _tip("CA-1", d(2025, 12, 20), d(2025, 12, 21), d(2026, 1, 20), "prosecuted", True),
        _tip("CA-2", d(2026, 1, 14), d(2026, 1, 15), None, None),
        _tip("CA-3", d(2026, 1, 15), d(2026, 1, 16), d(2026, 2, 1), "not_prosecuted", False),
        _tip("CA-4", d(2026, 3, 14), None, None, None, fld="counterfeit"),
        _tip("CA-5", d(2026, 6, 15), d(2026, 6, 16), d(2026, 7, 1), "administrative", False),
        # transferred from the ward (same code and receiving date): resolved here
        _tip("HR-1", d(2026, 2, 10), d(2026, 2, 12), d(2026, 3, 20), "prosecuted", True),
        # transferred from the ward, still open here
        _tip("HR-2", d(2026, 4, 14), d(2026, 4, 20), None, None),
    ]
    ward.tips = [
        _tip("HR-1", d(2026, 2, 10), d(2026, 2, 10), d(2026, 2, 11), "transferred", False),
        _tip("HR-2", d(2026, 4, 14), d(2026, 4, 14), d(2026, 4, 15), "transferred", False),
        _tip(
            "HR-3",
            d(2026, 5, 2),
            d(2026, 5, 3),
            d(2026, 5, 30),
            "administrative",
            False,
            fld="other",
        ),
        # same code as one of the province's, another date: another tip
        _tip("CA-2", d(2026, 8, 14), d(2026, 8, 15), None, None),
    ]


_OUTCOME = {
    "prosecuted": "Khởi tố vụ án",
    "not_prosecuted": "Không khởi tố vụ án",
    "administrative": "Chuyển xử lý hành chính",
    "transferred": "Chuyển cơ quan có thẩm quyền",
}


def _write(book: Book, folder: Path) -> None:
    info = {
        "agency_name": book.agency,
        "plan_id": book.plan_id,
        "period": book.period,
        "report_date": book.report_date,
        "prepared_by": "Kiểm thử",
    }
    xuly = [
        [LABEL[c], *(figures.get(col.key) for col in ENFORCEMENT.columns[1:])]
        for c, figures in book.xuly.items()
    ]
    tips = [
        [
            t["tip_code"],
            t["received_date"],
            "Đường dây nóng",
            "Tố giác",
            LABEL[t["field"]],
            t["accepted_date"],
            t["resolved_date"],
            _OUTCOME.get(t["outcome"]),
            {True: "Có", False: "Không"}.get(t["criminal_signs"]),
            None,
            None,
        ]
        for t in book.tips
    ]
    sheets = {ENFORCEMENT: xuly}
    if tips:
        sheets[TIPS] = tips
    name = f"{book.plan_id}__{book.agency_id.split(':')[1]}__{book.period.replace('/', '-')}"
    write_report(folder / f"{name.replace(' ', '_')}.xlsx", info, sheets)


# ------------------------------------------------------------------ the runs


@dataclass
class Run:
    cutoff: int | None
    books: list[Book]
    marts: Path


def _run(tmp: Path, cutoff: int | None) -> Run:
    from pipelines.defs.warehouse.project import prepare_manifest
    from pipelines.run import run_all

    prepare_manifest()
    data = tmp / "data"
    (data / "raw" / "plans").mkdir(parents=True)
    (data / "raw" / "reports").mkdir(parents=True)
    for key in ("thanh_hoa", "ham_rong"):
        shutil.copy(PLANS_DIR / SEEDS[key], data / "raw" / "plans")
    books = _books()
    for book in books:
        _write(book, data / "raw" / "reports")
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLAN389_DATA_DIR", str(data))
        mp.setenv("PLAN389_AS_OF", AS_OF)
        mp.setenv("XDG_CONFIG_HOME", str(tmp / "config"))
        if cutoff is None:
            mp.delenv("PLAN389_PERIOD_CUTOFF_DAY", raising=False)
        else:
            mp.setenv("PLAN389_PERIOD_CUTOFF_DAY", str(cutoff))
        code = run_all(echo=lines.append)
    assert code == 0, "\n".join(lines)
    return Run(cutoff, books, data / "marts" / "marts.duckdb")


@pytest.fixture(scope="module", params=[None, 15], ids=["calendar", "cutoff15"])
def run(request, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp(f"rollups-{request.param}"), request.param)


def _sql(run: Run, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(run.marts), read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


# ------------------------------------------------------------------ the oracle


PERIOD_MONTHS = {
    **{f"{m:02d}": (m, m) for m in range(1, 13)},
    **{f"Q{q}": (3 * q - 2, 3 * q) for q in range(1, 5)},
    "H1": (1, 6),
    "H2": (7, 12),
    "9M": (1, 9),
    "": (1, 12),
}


def _months(year: int, tail: str) -> set[tuple[int, int]]:
    first, last = PERIOD_MONTHS[tail]
    return {(year, m) for m in range(first, last + 1)}


def _book_months(book: Book) -> set[tuple[int, int]]:
    year, first, last = book.months
    return {(year, m) for m in range(first, last + 1)}


def oracle_period(books: list[Book], year: int, tail: str, code: str, measure: str):
    """(value, is_complete) of one agency's figure by the rule, found by brute force: the exact
    report; else disjoint reports inside the period that cover it; else the largest set of
    disjoint reports inside it (partial)."""
    want = _months(year, tail)
    inside = [b for b in books if code in b.xuly and _book_months(b) <= want]
    if not inside:
        return None
    exact = [b for b in inside if _book_months(b) == want]
    if exact:
        return exact[0].xuly[code][measure], True
    best = None
    for n in range(len(inside), 0, -1):
        for combo in itertools.combinations(inside, n):
            spans = [_book_months(b) for b in combo]
            if sum(map(len, spans)) != len(set().union(*spans)):
                continue  # overlapping
            covered = len(set().union(*spans))
            if best is None or covered > best[0]:
                best = (covered, sum(b.xuly[code][measure] for b in combo))
        if best:
            break
    return best[1], best[0] == len(want)


def _agency_books(run: Run, agency_id: str) -> list[Book]:
    return [b for b in run.books if b.agency_id == agency_id]


# ------------------------------------------------------------------ the tests


PERIODS = [
    "2026-01",
    "2026-02",
    "2026-03",
    "2026-Q1",
    "2026-Q2",
    "2026-Q3",
    "2026-H1",
    "2026-9M",
    "2026",
    "2025",
    "2025-Q4",
    "2025-H2",
]


@pytest.mark.parametrize("agency_id", [POLICE, MARKET, WARD_POLICE])
def test_period_figures_follow_the_rule(run: Run, agency_id: str) -> None:
    """Monthly plus yearly (police), quarterly (market), yearly (ward): each period's figure by
    the rule, nothing counted twice, the same under both cut-off settings."""
    rows = _sql(
        run,
        "select period, field, violations, fines_vnd, tax_arrears_vnd, is_complete "
        "from mart_enforcement_by_period where agency_id = ?",
        agency_id,
    )
    got = {(p, f): (v, fines, tax, complete) for p, f, v, fines, tax, complete in rows}
    books = _agency_books(run, agency_id)
    expected = {}
    for period in PERIODS:
        year, _, tail = period.partition("-")
        for code in CODES:
            value = oracle_period(books, int(year), tail, code, "violations")
            if value is None:
                continue
            fines = oracle_period(books, int(year), tail, code, "fines_vnd")[0]
            tax = oracle_period(books, int(year), tail, code, "tax_arrears_vnd")[0]
            expected[(period, code)] = (value[0], fines, tax, value[1])
    assert expected, agency_id
    assert {k: got.get(k) for k in expected} == expected
    if agency_id == POLICE:  # the yearly report, not the yearly report plus the months
        smuggling = next(b for b in books if b.period == "Năm 2026").xuly["smuggling"]
        assert got[("2026", "smuggling")][0] == smuggling["violations"]


def _plan_period(run: Run, agencies: list[str], year: int, tail: str, codes, measures):
    total = 0
    for agency in agencies:
        for code in codes:
            for measure in measures:
                found = oracle_period(_agency_books(run, agency), year, tail, code, measure)
                total += found[0] if found else 0
    return total


HEADLINES = {
    "cases_smuggling_prohibited": (["smuggling", "prohibited_goods"], ["violations"]),
    "cases_counterfeit_ip": (["counterfeit", "ip_infringement"], ["violations"]),
    "cases_other": (["other"], ["violations"]),
    "budget_collected_vnd": (CODES, ["fines_vnd", "tax_arrears_vnd", "confiscated_sales_vnd"]),
    "criminal_cases_prosecuted": (CODES, ["prosecutions"]),
}


@pytest.mark.parametrize("indicator", sorted(HEADLINES))
def test_headline_indicators_plan_and_tree_with_changes(run: Run, indicator: str) -> None:
    codes, measures = HEADLINES[indicator]
    rows = _sql(
        run,
        "select plan_id, scope, period, value, previous_value, change, ytd_value, "
        "ytd_previous_value, ytd_change from mart_headline_indicators where indicator = ?",
        indicator,
    )
    got = {(r[0], r[1], r[2]): r[3:] for r in rows}
    units = {
        (PROVINCE, "plan"): [POLICE, MARKET],
        (PROVINCE, "tree"): [POLICE, MARKET, WARD_POLICE],
        (WARD, "tree"): [WARD_POLICE],
    }
    for (plan, scope), agencies in units.items():

        def value(year: int, tail: str) -> int:
            return _plan_period(run, agencies, year, tail, codes, measures)  # noqa: B023

        for period, ytd_tails in [
            ("2026", [""]),
            ("2026-Q3", ["Q1", "Q2", "Q3"]),
            ("2026-9M", ["9M"]),
        ]:
            tail = period.partition("-")[2]
            now, before = value(2026, tail), value(2025, tail)
            ytd_now = sum(value(2026, t) for t in ytd_tails)
            ytd_before = sum(value(2025, t) for t in ytd_tails)
            if (plan, scope, period) not in got:
                assert now == 0 and ytd_now == 0, (plan, scope, period)
                continue
            v, prev, change, ytd, ytd_prev, ytd_change = got[(plan, scope, period)]
            assert (v, ytd) == (now, ytd_now), (plan, scope, period)
            assert (prev or 0, ytd_prev or 0) == (before, ytd_before), (plan, scope, period)
            assert change == (pytest.approx((now - before) / before) if before else None)
            assert ytd_change == (
                pytest.approx((ytd_now - ytd_before) / ytd_before) if ytd_before else None
            )


# ---- tips: statistical months, the tree, transferred tips once


def _label_month(day: date, cutoff: int | None) -> date:
    """The month a day is counted in (independent of pipelines.periods)."""
    if cutoff is not None and day.day >= cutoff:
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return day.replace(day=1)


def _tree_tips(run: Run) -> dict[tuple, dict]:
    """The province's tree: one tip per (Mã tin, receiving date) (one province here), with the
    resolving unit's dates, else the receiving unit's, open."""
    groups: dict[tuple, list[dict]] = {}
    for book in run.books:
        for tip in book.tips:
            groups.setdefault((tip["tip_code"], tip["received_date"]), []).append(tip)
    out = {}
    for key, tips in groups.items():
        final = [t for t in tips if t["resolved_date"] and t["outcome"] != "transferred"]
        if len(tips) == 1:
            out[key] = tips[0]
        elif final:
            out[key] = max(final, key=lambda t: t["resolved_date"])
        elif all(t["resolved_date"] for t in tips):
            out[key] = max(tips, key=lambda t: t["resolved_date"])
        else:
            first = min(tips, key=lambda t: t["accepted_date"] or date.max)
            out[key] = {**first, "resolved_date": None, "outcome": None}
    return out


def test_monthly_tips_per_statistical_month_and_tree(run: Run) -> None:
    rows = _sql(
        run,
        "select plan_id, scope, agency_id, month, sum(received), sum(resolved) "
        "from mart_tipoffs_monthly group by all",
    )
    got = {(p, s, a, m): (rec, res) for p, s, a, m, rec, res in rows}
    police = [t for b in run.books if b.agency_id == POLICE for t in b.tips]
    months = {_label_month(t["received_date"], run.cutoff) for t in police}
    for month in months:
        received = sum(_label_month(t["received_date"], run.cutoff) == month for t in police)
        assert got[(PROVINCE, "plan", POLICE, month)][0] == received, month
    tree = _tree_tips(run)
    tree_months = {_label_month(d, run.cutoff) for _, d in tree}
    for month in tree_months:
        received = sum(_label_month(d, run.cutoff) == month for _, d in tree)
        resolved = sum(
            t["resolved_date"] is not None and _label_month(t["resolved_date"], run.cutoff) == month
            for t in tree.values()
        )
        assert got[(PROVINCE, "tree", None, month)] == (received, resolved), month
    all_tips = sum(len(b.tips) for b in run.books)
    assert len(tree) == all_tips - 2  # HR-1 and HR-2 were transferred: counted once


def _year_of(day: date, cutoff: int | None) -> int:
    return _label_month(day, cutoff).year if cutoff else day.year


def test_tree_kpis_count_a_transferred_tip_once(run: Run) -> None:
    """tip_acceptance_rate of 2026: tips received in the (statistical) year and accepted by the
    as-of date; at tree scope over the deduplicated tips, judged against the province's target."""
    as_of = date.fromisoformat(AS_OF)
    tree = _tree_tips(run)
    in_year = [t for t in tree.values() if _year_of(t["received_date"], run.cutoff) == 2026]
    accepted = [t for t in in_year if t["accepted_date"] and t["accepted_date"] <= as_of]
    [(numerator, denominator, threshold, met)] = _sql(
        run,
        "select numerator, denominator, threshold, met from mart_kpi_targets "
        "where plan_id = ? and scope = 'tree' and metric = 'tip_acceptance_rate' "
        "and report_year = 2026",
        PROVINCE,
    )
    assert (numerator, denominator) == (len(accepted), len(in_year))
    assert threshold == 1.0 and met == (len(accepted) == len(in_year))
    # CA-1, received 20/12/2025, belongs to 2026 only with the cut-off on the 15th
    ca1_in_2026 = any(t["tip_code"] == "CA-1" for t in in_year)
    assert ca1_in_2026 == (run.cutoff == 15)


def test_the_province_sees_which_communes_are_behind(run: Run) -> None:
    rows = _sql(
        run,
        "select plan_id, is_behind, behind_reasons, plans_below from mart_plan_tree_status "
        "where province_code = '38' and report_year = 2026 order by plan_id",
    )
    assert [r[0] for r in rows] == [WARD, PROVINCE]
    ward = rows[0]
    assert ward[3] == 0 and rows[1][3] == 1
    # the ward's police sent no progress on the ward's tasks: overdue or missing, it is behind
    assert ward[1] == bool(ward[2])
