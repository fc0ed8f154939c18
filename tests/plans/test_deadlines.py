"""parse_deadline: the brief's required mappings and every deadline text printed in the seeds."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.plans.deadlines import parse_deadline
from pipelines.plans.model import Deadline
from pipelines.plans.text import squash
from tests.conftest import seed_text

D = date
REVIEW = "review"  # marker: a review_reason must be set
# text → (kind, due_date, recurrence, REVIEW or None)
ONGOING = ("ongoing", None, None, None)
ON_REQUEST = ("on_request", None, None, None)
ANNUAL = ("recurring", None, "annual", None)
PERIODIC_NO_PERIOD = ("recurring", None, None, REVIEW)
QUARTERLY_FROM_FEB = ("recurring", D(2026, 2, 28), "quarterly", None)

REQUIRED = {
    "02/2026": ("once", D(2026, 2, 28), None, None),
    "12/2025": ("once", D(2025, 12, 31), None, None),
    "2027": ("once", D(2027, 12, 31), None, None),
    "Năm 2026": ("once", D(2026, 12, 31), None, None),
    "Quý I năm 2026": ("once", D(2026, 3, 31), None, None),
    "Tháng 5/2026": ("once", D(2026, 5, 31), None, None),
    "Tháng 02/2026 và định kỳ theo quý": QUARTERLY_FROM_FEB,
    "02/2026 và định kỳ theo quý thực hiện sau khi hoàn thành nhiệm vụ sau tháng 02/2026": (
        QUARTERLY_FROM_FEB
    ),
    "Thường xuyên": ONGOING,
    "Thường xuyên, hằng năm": ANNUAL,
    "Thường xuyên hằng năm": ANNUAL,
    "Hằng năm": ANNUAL,
    "Định kỳ theo tháng": ("recurring", None, "monthly", None),
    "Thường xuyên, định kỳ (hàng tuần, hàng tháng…)": ("recurring", None, "weekly", None),
    "Định kỳ, thường xuyên": PERIODIC_NO_PERIOD,
    "Theo yêu cầu của cơ quan cấp trên": ON_REQUEST,
    "Khi Bộ Tài chính có văn bản chỉ đạo": ON_REQUEST,
    "Theo chỉ đạo, hướng dẫn của Bộ Y tế": ON_REQUEST,
    "Theo tiến độ của Bộ Công Thương": ON_REQUEST,
    "Theo yêu cầu của Bộ Tài chính, dự kiến năm 2027": ("on_request", D(2027, 12, 31), None, None),
    "Theo tiến độ của Bộ Tài chính, dự kiến năm 2026": ("on_request", D(2026, 12, 31), None, None),
    "Sau khi Đề án của Chính phủ được ban hành": ("event", None, None, None),
    "Kỳ họp thứ 10, Quốc hội khóa XV": ("event", None, None, REVIEW),
    "Thường xuyên, đột xuất": ONGOING,
    "Thường xuyên/đột xuất": ONGOING,
    "Thường xuyên (Theo chỉ đạo của Bộ Công Thương)": ONGOING,
}

# Every other distinct deadline text printed in Thanh Hóa, Hưng Yên (appendix) and Lào Cai.
SEED_ONLY = {
    "Thường xuyên, theo yêu cầu của cơ quan cấp trên": ONGOING,
    "Thường xuyên, định kỳ": PERIODIC_NO_PERIOD,
    "Thường xuyên định kỳ": PERIODIC_NO_PERIOD,
    "Định kỳ": PERIODIC_NO_PERIOD,
    "Định kỳ, thường xuyên,": PERIODIC_NO_PERIOD,
    "Thường xuyên (Theo Chương trình, Kế hoạch thanh tra, kiểm tra của cơ quan, đơn vị)": ONGOING,
    "Thường xuyên (Theo Kế hoạch thanh tra, kiểm tra)": ONGOING,
    "Theo yêu cầu của Bộ Nội vụ, dự kiến năm 2027": ("on_request", D(2027, 12, 31), None, None),
    "Theo tiến độ của Bộ Công an, dự kiến năm 2027": ("on_request", D(2027, 12, 31), None, None),
    "Theo tiến độ của Bộ Tài chính, dự kiến năm 2028": ("on_request", D(2028, 12, 31), None, None),
    "Theo chỉ đạo của Ban Chỉ đạo Trung ương về Phát triển khoa học, công nghệ, đổi mới sáng "
    "tạo và chuyển đổi số; Bộ Công an": ON_REQUEST,
    "Theo chỉ đạo của Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng "
    "tạo": ON_REQUEST,
    "Theo chỉ đạo của Ban Chỉ đạo Trung ương về phát triển khoa Học, công nghệ, đổi mới sáng "
    "tạo và chuyển đổi số": ON_REQUEST,
    "Theo chỉ đạo, hướng dẫn của Bộ Công Thương": ON_REQUEST,
    "Theo chỉ đạo, hướng dẫn của Bộ Công an": ON_REQUEST,
    "Theo chỉ đạo, hướng dẫn của Bộ Văn hóa, Thể thao và Du lịch": ON_REQUEST,
    "Theo chỉ đạo, hướng dẫn của Bộ, ngành Trung ương và địa phương": ON_REQUEST,
    "Theo Chương trình, Kế hoạch công tác của Ban Chỉ đạo 389 (tỉnh)": ON_REQUEST,
    "Khi Bộ Nội vụ có văn bản chỉ đạo": ON_REQUEST,
    "Khi Bộ Công Thương có văn bản chỉ đạo": ON_REQUEST,
    "Khi Bộ Công an có văn bản chỉ đạo": ON_REQUEST,
    "2026": ("once", D(2026, 12, 31), None, None),
    "2028": ("once", D(2028, 12, 31), None, None),
    "02/2026 và định kỳ theo quý thực hiện đối với các sàn thương mại điện tử, mạng xã hội mới "
    "phát sinh sau thời điểm tháng 02/2026": QUARTERLY_FROM_FEB,
}
ALL = {**REQUIRED, **SEED_ONLY}


def _check(deadline: Deadline, expected: tuple) -> None:
    kind, due, recurrence, review = expected
    assert (deadline.kind, deadline.due_date, deadline.recurrence) == (kind, due, recurrence)
    assert (deadline.review_reason is not None) == (review == REVIEW), deadline.review_reason


@pytest.mark.parametrize("text", list(ALL))
def test_deadline_text(text: str) -> None:
    _check(parse_deadline(text), ALL[text])


@pytest.mark.parametrize("text", list(ALL))
def test_deadline_text_survives_nfd_case_spacing_and_full_stop(text: str) -> None:
    odd = unicodedata.normalize("NFD", "  " + text.upper().replace(" ", "   ") + ". ")
    _check(parse_deadline(odd), ALL[text])


def _key(text: str) -> str:
    return squash(text).rstrip(" .,")


def _seed_deadline_texts() -> set[str]:
    """Deadline texts printed in Thanh Hóa (`Thời gian thực hiện:`) and Hưng Yên's THỜI HẠN."""
    found = set(re.findall(r"Thời gian thực hiện:\s*(.+)", seed_text("thanh_hoa")))
    rows: list[str] = []
    for line in seed_text("hung_yen_appendix").split("\n"):
        cells = line.split("\t")
        if cells[0].strip() == "STT" or len(cells) < 2:
            continue
        cell = re.sub(r"<[^>]+>", " ", cells[2]) if len(cells) > 2 else ""
        if cells[0].strip():
            rows.append(cell)
        elif rows:  # continuation row: the task above, split by a page break
            rows[-1] += " " + cell
    return {_key(t) for t in found | set(rows) if _key(t)}


def test_every_table_deadline_in_thanh_hoa_and_hung_yen_is_covered() -> None:
    covered = {_key(t) for t in ALL}
    assert _seed_deadline_texts() - covered == set()


@pytest.mark.parametrize("text", list(SEED_ONLY))
def test_seed_only_texts_are_really_printed_in_a_seed(text: str) -> None:
    seeds = " ".join(squash(seed_text(k)) for k in ("thanh_hoa", "hung_yen_appendix", "lao_cai"))
    assert _key(text) in seeds or _key(text) in _seed_deadline_texts()  # or split by a page break


@pytest.mark.parametrize("text", [None, "", "   ", " . ", "\n"])
def test_missing_deadline_is_flagged_not_ongoing(text: str | None) -> None:
    deadline = parse_deadline(text)
    assert deadline.kind == "event"
    assert deadline.due_date is None
    assert deadline.review_reason == "no deadline printed"


def test_unknown_text_is_flagged() -> None:
    deadline = parse_deadline("Xem Phụ lục 2")
    assert deadline.review_reason and "unrecognised" in deadline.review_reason
    assert deadline.due_date is None


@pytest.mark.parametrize("text", ["02/2062", "Năm 2019", "2040"])
def test_implausible_year_is_kept_but_flagged(text: str) -> None:
    deadline = parse_deadline(text)
    assert deadline.kind == "once" and deadline.due_date is not None
    assert "outside 2020–2035" in (deadline.review_reason or "")


@pytest.mark.parametrize("text", ["13/2026", "31/02/2026"])
def test_impossible_date_is_dropped_and_flagged(text: str) -> None:
    deadline = parse_deadline(text)
    assert deadline.due_date is None
    assert "impossible date" in (deadline.review_reason or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trước 30/6/2026", ("once", D(2026, 6, 30), None, None)),
        ("ngày 15 tháng 3 năm 2027", ("once", D(2027, 3, 15), None, None)),
        ("Quý 3/2026", ("once", D(2026, 9, 30), None, None)),
        ("Quý IV năm 2027", ("once", D(2027, 12, 31), None, None)),
        ("Giai đoạn 2026-2030", ("once", D(2030, 12, 31), None, REVIEW)),
        ("Hàng quý", ("recurring", None, "quarterly", None)),
        ("Định kỳ 6 tháng", ("recurring", None, None, REVIEW)),
        ("Đột xuất", ON_REQUEST),
        (
            "Thường xuyên, hằng năm (trước 30/11/2026)",
            ("recurring", D(2026, 11, 30), "annual", None),
        ),
    ],
)
def test_other_shapes(text: str, expected: tuple) -> None:
    _check(parse_deadline(text), expected)


@given(st.one_of(st.none(), st.text(max_size=300)))
def test_never_raises(text: str | None) -> None:
    deadline = parse_deadline(text)
    assert deadline.kind in {"once", "recurring", "ongoing", "on_request", "event"}
    if deadline.kind == "once":
        assert deadline.due_date is not None
    if deadline.kind != "recurring":
        assert deadline.recurrence is None


@given(
    st.from_regex(r"(Tháng |Quý |Năm |)\d{1,4}[/ ]?\d{0,5}( và định kỳ theo quý)?", fullmatch=True)
)
def test_date_like_text_never_raises(text: str) -> None:
    assert isinstance(parse_deadline(text), Deadline)
