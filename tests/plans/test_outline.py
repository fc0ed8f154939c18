"""Numbering and task sections, whatever the layout family."""

from __future__ import annotations

import pytest

from pipelines.plans.outline import numbering, plan_heading, sections, task_sections


@pytest.mark.parametrize(
    ("line", "kind", "label"),
    [
        ("III. NHIỆM VỤ VÀ GIẢI PHÁP", "roman", "III"),
        ("IV - TỔ CHỨC THỰC HIỆN", "roman", "IV"),
        ("II. Nhiệm vụ cụ thể", "roman", "II"),  # a short heading in sentence case
        ("1.2. Kiện toàn Ban Chỉ đạo", "dotted2", "1.2"),
        ("1.2 Kiện toàn Ban Chỉ đạo", "dotted2", "1.2"),
        ("2.1.3. Rà soát", "dotted3", "2.1.3"),
        ("12. Vận động Nhân dân", "arabic", "12"),
        ("3) Kiểm tra", "arabic", "3"),
        ("a) Nắm chắc tình hình", "letter", "a"),
        ("đ) Phối hợp", "letter", "đ"),
        ("- Cơ quan chủ trì: Sở Y tế", "bullet", "-"),
        ("+ Công an phường: Chủ trì", "bullet", "+"),
    ],
)
def test_numbering(line: str, kind: str, label: str) -> None:
    found = numbering(line)
    assert found is not None and (found.kind, found.label) == (kind, label)


@pytest.mark.parametrize(
    "line",
    [
        "2026 là năm bản lề",  # a year, not an item
        "V",  # a Roman numeral alone
        "1\tTuyên truyền\tSở Y tế",  # a table row
        "Trên đây là Kế hoạch …",
        "I. Trong quá trình thực hiện, nếu có khó khăn, các cơ quan, đơn vị báo cáo về Sở Công "
        "Thương để tổng hợp, báo cáo Ủy ban nhân dân tỉnh xem xét, chỉ đạo giải quyết;",
    ],
)
def test_not_numbering(line: str) -> None:
    assert numbering(line) is None


PLAN = """KẾ HOẠCH
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
II. NHIỆM VỤ CỤ THỂ
1. Việc một
2. Việc hai
III. KINH PHÍ
Ngân sách.
IV. TỔ CHỨC THỰC HIỆN
1. Sở Công Thương theo dõi.
Nơi nhận:
- Như trên;
TM. ỦY BAN NHÂN DÂN"""


def test_sections_end_at_the_next_heading_and_the_recipients() -> None:
    lines = PLAN.split("\n")
    found = sections(lines)
    assert [(s.label, s.heading) for s in found] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"),
        ("II", "NHIỆM VỤ CỤ THỂ"),
        ("III", "KINH PHÍ"),
        ("IV", "TỔ CHỨC THỰC HIỆN"),
    ]
    assert lines[found[-1].end] == "Nơi nhận:"
    assert [s.label for s in task_sections(lines)] == ["II"]


def test_organisation_section_holds_tasks_only_when_nothing_else_does() -> None:
    lines = PLAN.replace("II. NHIỆM VỤ CỤ THỂ", "II. MỤC TIÊU").split("\n")
    assert [s.label for s in task_sections(lines)] == ["IV"]


@pytest.mark.parametrize(
    "title", ["KẾ HOẠCH", "K Ế  H O Ạ C H", "Kế hoạch", "KẾ HOẠCH:", "**KẾ HOẠCH**"]
)
def test_the_plan_heading_in_any_case_or_spacing(title: str) -> None:
    assert plan_heading(["ỦY BAN NHÂN DÂN", title, "Thực hiện Nghị quyết …"]) == 1


def test_no_plan_heading() -> None:
    assert (
        plan_heading(["QUYẾT ĐỊNH", "Về việc kiện toàn Ban Chỉ đạo 389", "Kế hoạch số 08"]) is None
    )
