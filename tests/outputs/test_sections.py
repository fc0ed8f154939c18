"""The period section and the tree view: which periods are shown, drawn from small frames."""

from __future__ import annotations

import polars as pl

from pipelines.outputs.presentation import INDICATOR_LABELS
from pipelines.outputs.sections import period_sections


def _headlines(*periods: tuple[str, str, int, bool], scope: str = "plan") -> pl.DataFrame:
    """mart_headline_indicators rows: (kind, period, period_index, complete) × every indicator,
    each value 10 × the period's place in the list + the indicator's, year to date × 100."""
    rows = []
    for p, (kind, period, index, complete) in enumerate(periods, start=1):
        for i, indicator in enumerate(reversed(INDICATOR_LABELS)):  # stored in another order
            rows.append(
                {
                    "plan_id": "p",
                    "scope": scope,
                    "report_year": int(period[:4]),
                    "period_kind": kind,
                    "period": period,
                    "period_index": index,
                    "indicator": indicator,
                    "value": 10 * p + i,
                    "is_complete": complete,
                    "previous_value": 8 * p if i else 0,
                    "change": 0.25 if i else None,
                    "ytd_value": 100 * (10 * p + i),
                    "ytd_is_complete": complete,
                    "ytd_previous_value": None,
                    "ytd_change": None,
                }
            )
    return pl.DataFrame(rows)


def test_the_latest_month_and_quarter_and_the_year_to_date() -> None:
    frame = _headlines(
        ("month", "2026-08", 8, True),
        ("month", "2026-09", 9, True),
        ("quarter", "2026-Q2", 2, True),
        ("quarter", "2026-Q3", 3, False),
        ("month", "2025-12", 12, True),  # another year
    )
    [section] = period_sections(frame, 2026, with_tree=False)
    assert section.scope == "plan" and section.missing == []
    month, quarter, ytd = section.blocks
    assert [b.role for b in section.blocks] == ["month", "quarter", "ytd"]
    assert (month.title, month.is_complete) == ("Tháng 09/2026", True)
    assert (quarter.title, quarter.is_complete) == ("Quý III/2026", False)
    # September and Q3 both end in September: the complete one wins
    assert (ytd.title, ytd.is_complete) == ("Lũy kế từ đầu năm đến hết tháng 09/2026", True)
    assert list(month.figures) == list(INDICATOR_LABELS)  # in the order reports list them
    last = len(INDICATOR_LABELS) - 1
    assert month.figures["cases_smuggling_prohibited"] == {
        "value": 20 + last,
        "previous_value": 16,
        "change": 0.25,
        "is_complete": True,
    }
    assert ytd.figures["cases_smuggling_prohibited"]["value"] == 100 * (20 + last)  # ytd_value
    assert ytd.figures["goods_value_vnd"]["change"] is None


def test_year_to_date_through_the_period_ending_last_the_coarsest_on_a_tie() -> None:
    frame = _headlines(
        ("month", "2026-09", 9, True),
        ("half", "2026-H2", 2, False),
        ("year", "2026", 1, False),
        ("nine_months", "2026-9M", 1, True),
    )
    [section] = period_sections(frame, 2026, with_tree=False)
    assert section.missing == ["quarter"]
    ytd = section.blocks[-1]
    assert (ytd.role, ytd.title, ytd.is_complete) == ("ytd", "Lũy kế năm 2026", False)
    assert ytd.figures["goods_value_vnd"]["value"] == 100 * 30  # the year's, not the half's


def test_a_tree_section_beside_the_plans_and_a_year_without_data() -> None:
    frame = pl.concat(
        [_headlines(("year", "2026", 1, True)), _headlines(("year", "2026", 1, True), scope="tree")]
    )
    plan, tree = period_sections(frame, 2026, with_tree=True)
    assert (plan.scope, tree.scope) == ("plan", "tree")
    assert [b.title for b in tree.blocks] == ["Lũy kế năm 2026"]
    assert plan.missing == tree.missing == ["month", "quarter"]
    [empty] = period_sections(frame, 2027, with_tree=False)
    assert (empty.blocks, empty.missing) == ([], ["month", "quarter", "ytd"])
