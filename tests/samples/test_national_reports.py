"""The national sample set's reports: two years, agencies reporting by month or by quarter, and
tips the commune police pass up to the province police; judged on a tiny set read back."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from pipelines.plans.localities import locality
from pipelines.reports.spec import ENFORCEMENT, INFO_SHEET, TASK_PROGRESS, TIPS
from pipelines.samples import registers
from pipelines.samples import report_rows as sr
from pipelines.samples.national import NationalOptions, generate_national
from pipelines.samples.workbooks import generate_sample_reports, period_bounds
from tests.samples.reading import as_date, book, info, read_sheet

OPTIONS = NationalOptions(
    provinces=2,
    communes=8,
    tip_rows=4000,
    monthly_share=0.2,
    quarterly_share=0.1,
    periodic_annual_share=0.5,
)
FLOWS = {INFO_SHEET, TIPS.name, ENFORCEMENT.name}
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
QUARTERS = [f"2025-Q{q}" for q in range(1, 5)] + [f"2026-Q{q}" for q in range(1, 4)]

National = tuple[Path, dict]


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> National:
    out = tmp_path_factory.mktemp("national")
    return out, generate_national(out, OPTIONS, workers=1, echo=lambda *_: None)


def workbooks(out: Path) -> list[Path]:
    return sorted((out / "raw" / "reports").glob("*.xlsx"))


def period(path: Path) -> str:
    return path.stem.split("__")[2]


def agency(path: Path) -> tuple[str, str]:
    plan_id, agency_slug = path.stem.split("__")[:2]
    return plan_id, agency_slug


def tips(path: Path) -> list[dict]:
    return read_sheet(path, TIPS)[2] if TIPS.name in book(path) else []


def unit(code: str) -> str:
    return str(code).split("-")[2]  # TG-2026-26734-0001


@pytest.fixture(scope="module")
def units(national: National) -> dict[tuple[str, str], str]:
    """Each register's unit code: the one most of its agency's Mã tin carry."""
    codes: dict[tuple[str, str], Counter] = {}
    for path in workbooks(national[0]):
        codes.setdefault(agency(path), Counter()).update(unit(r["tip_code"]) for r in tips(path))
    return {a: c.most_common(1)[0][0] for a, c in codes.items() if c}


def test_two_years_with_task_progress_only_in_the_annual_2026(national: National) -> None:
    out, manifest = national
    paths = workbooks(out)
    assert {period(p)[:4] for p in paths} == {"2025", "2026"}
    for path in paths:
        if period(path) != "2026":  # 2025, and every month or quarter: the flows only
            assert set(book(path)) <= FLOWS, path.name
    progress = [p for p in paths if TASK_PROGRESS.name in book(p) and not p.stem.endswith("v2")]
    assert {period(p) for p in progress} == {"2026"}
    assert set(Counter(agency(p) for p in progress).values()) == {1}  # one annual per lead
    by_year = manifest["by_year"]
    counts = [n for year in by_year.values() for k, n in year.items() if k.endswith("_workbooks")]
    assert sum(counts) == manifest["workbooks"] == len(paths)
    assert "TienDo_rows" not in by_year["2025"] and by_year["2025"]["ToGiac_rows"] > 0
    assert manifest["task_progress_rows"] == by_year["2026"]["TienDo_rows"]
    assert 0.7 < manifest["tip_rows"] / OPTIONS.tip_rows < 1.4


def test_periodic_reporters_send_every_period_to_the_horizon(national: National, units) -> None:
    paths = workbooks(national[0])
    periodic: dict[tuple[str, str], list[str]] = {}
    for path in (p for p in paths if "-" in period(p)):
        periodic.setdefault(agency(path), []).append(period(path))
    monthly = [a for a, periods in periodic.items() if sorted(periods) == MONTHS]
    quarterly = [a for a, periods in periodic.items() if sorted(periods) == QUARTERS]
    assert monthly and quarterly and len(monthly) + len(quarterly) == len(periodic)
    annual = {agency(p): set(book(p)) for p in paths if period(p) == "2026"}
    assert all(TASK_PROGRESS.name in annual[a] for a in periodic)
    assert any(TIPS.name not in annual[a] for a in periodic)  # most send flows by period only
    for path in (p for p in paths if "-" in period(p)):
        _, start, end = period_bounds(period(path))
        assert as_date(info(path)["report_date"]) > end
        for row in tips(path):  # the tips received in the period (its own: not passed up)
            if unit(row["tip_code"]) == units[agency(path)]:
                assert start <= as_date(row["received_date"]) <= end, (path.name, row)


def test_tips_passed_up_keep_their_code_and_receiving_date(national: National, units) -> None:
    out, manifest = national
    current = [p for p in workbooks(out) if not p.with_name(f"{p.stem}__v2.xlsx").exists()]
    rows = [(p, r) for p in current for r in tips(p) if "received_date" in r]
    passed = [(p, r) for p, r in rows if unit(r["tip_code"]) != units[agency(p)]]
    for p, r in passed:  # province police, listing a commune of their own province
        assert len(units[agency(p)]) == 2
        assert locality(unit(r["tip_code"])).province_code == units[agency(p)]
    assert manifest["passed_up_tips"] == len({r["tip_code"] for _, r in passed}) > 10
    sent = {
        r["tip_code"]: r
        for p, r in rows
        if len(units[agency(p)]) == 5 and r["outcome"] == registers.TRANSFERRED
    }
    pairs = [(sent[r["tip_code"]], r) for _, r in passed if r["tip_code"] in sent]
    assert len(pairs) > len(passed) / 2
    for low, high in pairs:
        assert as_date(low["received_date"]) == as_date(high["received_date"])
        accepted = as_date(high["accepted_date"])
        assert accepted is None or accepted >= as_date(low["resolved_date"])
    assert sum(bool(high["resolved_date"]) for _, high in pairs) > len(pairs) / 2


def test_same_arguments_same_bytes(national: National, tmp_path: Path) -> None:
    out, _ = national
    again = generate_sample_reports(
        tmp_path, out / "raw" / "plans", OPTIONS.seed, OPTIONS.sample_options(), workers=2
    )
    assert sorted(f.name for f in again.files) == [p.name for p in workbooks(out)]
    for path in workbooks(out):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_history_over_the_years_is_cut_into_registers() -> None:
    profile = sr.TipProfile(300, 25)
    commune = registers.TipStream("1|c", "26734", profile, (2025, 2026), date(2026, 9, 20), 0.05)
    province = registers.TipStream(
        "1|p", "26", profile, (2025, 2026), date(2026, 11, 5), incoming=(commune,)
    )
    entries = registers.history(province)
    passed = [e for e in entries if unit(e.row["tip_code"]) == "26734"]
    sent = {t.code: t for year in (2025, 2026) for t in registers.transfers(commune, year)}
    assert passed and {e.row["tip_code"] for e in passed} == set(sent)
    own = {e.row["tip_code"]: e.row for e in registers.history(commune)}
    for e in passed:
        low, high = own[e.row["tip_code"]], e.row
        assert low["outcome"] == registers.TRANSFERRED and low["resolved_date"] == e.intake
        assert high["received_date"] == low["received_date"] < high["accepted_date"]
    first, last = date(2026, 3, 1), date(2026, 3, 31)
    march = registers.register(entries, first, last, date(2026, 4, 6), carry=False)
    listed = {r["tip_code"] for r in march}
    assert listed and all(first <= e.intake <= last for e in entries if e.row["tip_code"] in listed)
    new_year = date(2026, 1, 1)
    year = registers.register(entries, new_year, date(2026, 12, 31), date(2026, 9, 20), carry=True)
    carried = [r for r in year if r["received_date"] < new_year]
    assert carried and all(r["accepted_date"] for r in carried)
    assert all(r["resolved_date"] is None or r["resolved_date"] >= new_year for r in carried)
