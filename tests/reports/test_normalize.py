from datetime import date

import pytest

from pipelines.reports.normalize import (
    header_key,
    parse_choice,
    parse_count,
    parse_date,
    parse_period,
    parse_yes_no,
    period_kind,
)
from pipelines.reports.spec import CHANNELS, FIELDS, OUTCOMES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-09-20 00:00:00", date(2026, 9, 20)),  # a real Excel date, as fastexcel shows it
        ("2026-09-20", date(2026, 9, 20)),
        ("20/09/2026", date(2026, 9, 20)),
        ("20-9-2026", date(2026, 9, 20)),
        ("5.1.2026", date(2026, 1, 5)),
        ("46285", date(2026, 9, 20)),  # a date typed as its serial number
        (" 01/02/2026 ", date(2026, 2, 1)),
    ],
)
def test_dates_in_every_shape_agencies_type(raw: str, expected: date) -> None:
    assert parse_date(raw) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("31/02/2026", "impossible_date"),
        ("2026-13-01", "impossible_date"),
        ("hôm qua", "invalid_date"),
        ("12", "invalid_date"),
    ],
)
def test_bad_dates_say_why(raw: str, rule: str) -> None:
    assert parse_date(raw) == (None, rule)


def test_blank_is_not_a_problem() -> None:
    assert parse_date(None) == (None, None)
    assert parse_date("   ") == (None, None)
    assert parse_count("") == (None, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("1 234 567", 1234567),
        ("12", 12),
        ("12.0", 12),
        ("1.000", 1000),
        ("-3", -3),
        ("0", 0),
    ],
)
def test_counts_with_vietnamese_separators(raw: str, expected: int) -> None:
    assert parse_count(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["12,5", "mười", "1.23.4", "1e6"])
def test_non_counts(raw: str) -> None:
    assert parse_count(raw) == (None, "invalid_number")


def test_choices_in_any_case_spacing_or_unicode_form() -> None:
    nfd = "Buo\u0302\u0301n la\u0302\u0323u"  # "Buôn lậu" decomposed
    assert parse_choice(nfd, FIELDS) == ("smuggling", None)
    assert parse_choice("  khởi tố   VỤ ÁN ", OUTCOMES) == ("prosecuted", None)
    assert parse_choice("duong day nong", CHANNELS) == ("hotline", None)
    assert parse_choice("hotline", CHANNELS) == ("hotline", None)
    assert parse_choice("Facebook", CHANNELS) == (None, "invalid_choice")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Có", "yes"),
        ("có", "yes"),
        ("x", "yes"),
        ("X", "yes"),
        ("Không", "no"),
        ("khong", "no"),
        (None, None),
    ],
)
def test_yes_no(raw: str | None, expected: str | None) -> None:
    assert parse_yes_no(raw) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026", ("2026", date(2026, 1, 1), date(2026, 12, 31))),
        ("Năm 2026", ("2026", date(2026, 1, 1), date(2026, 12, 31))),
        ("2026-Q3", ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))),
        ("Q3/2026", ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))),
        ("2026-09", ("2026-09", date(2026, 9, 1), date(2026, 9, 30))),
        ("02/2028", ("2028-02", date(2028, 2, 1), date(2028, 2, 29))),
        ("Tháng 9/2026", ("2026-09", date(2026, 9, 1), date(2026, 9, 30))),
        ("Quý III/2026", ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))),
        ("quý iv/2026", ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))),
        ("2026-H1", ("2026-H1", date(2026, 1, 1), date(2026, 6, 30))),
        ("6 tháng đầu năm 2026", ("2026-H1", date(2026, 1, 1), date(2026, 6, 30))),
        ("6 tháng cuối năm 2026", ("2026-H2", date(2026, 7, 1), date(2026, 12, 31))),
        ("2026-9M", ("2026-9M", date(2026, 1, 1), date(2026, 9, 30))),
        ("9 tháng đầu năm 2026", ("2026-9M", date(2026, 1, 1), date(2026, 9, 30))),
    ],
)
def test_periods(raw: str, expected: tuple) -> None:
    assert parse_period(raw) == (expected, None)


def test_header_keys_ignore_case_diacritics_and_spacing() -> None:
    assert (
        header_key("Ngày  tiếp nhận")
        == header_key("ngay tiep nhan")
        == header_key("NGÀY TIẾP NHẬN")
    )
    assert header_key("ToGiac") == header_key("To Giac") == header_key("TỐ GIÁC")


@pytest.mark.parametrize("raw", ["2026-13", "Quý V/2026", "6 tháng giữa năm 2026", "2026-H3"])
def test_not_periods(raw: str) -> None:
    assert parse_period(raw) == (None, "invalid_period")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("2026", "year"),
        ("2026-H2", "half"),
        ("2026-9M", "nine_months"),
        ("2026-Q1", "quarter"),
        ("2026-11", "month"),
    ],
)
def test_period_kind(code: str, kind: str) -> None:
    assert period_kind(code) == kind
