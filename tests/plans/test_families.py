"""Each layout family on a small plan of its own: the family read, codes, roles, deadlines.

The corpus (tests/plans/corpus/, `test_corpus.py`) holds whole documents; these pin the rules."""

from __future__ import annotations

import pytest

from pipelines.plans.assemble import PlanError, parse_plan
from pipelines.plans.documents import DocumentText
from pipelines.plans.shapes.task_table import column_role, parse_task_table

HEAD = """ỦY BAN NHÂN DÂN
TỈNH PHÚ THỌ
Số: 21/KH-UBND
Phú Thọ, ngày 15 tháng 01 năm 2026
KẾ HOẠCH
Thực hiện Nghị quyết số 397/NQ-CP ngày 05/12/2025 của Chính phủ
I. MỤC ĐÍCH, YÊU CẦU
1. Phân công rõ trách nhiệm.
2. Báo cáo kịp thời.
"""
TAIL = """III. TỔ CHỨC THỰC HIỆN
1. Sở Công Thương theo dõi, đôn đốc.
2. Định kỳ 6 tháng (trước ngày 15/6) và năm (trước ngày 15/11), các cơ quan báo cáo kết quả
về Sở Công Thương.
Nơi nhận:
- Như trên;
TM. ỦY BAN NHÂN DÂN
"""


def _plan(body: str):
    return parse_plan([DocumentText("phu-tho.txt", "txt", "x", 1, HEAD + body + TAIL)])


def _roles(plan, code: str, role: str) -> list[str]:
    return [a.text for a in plan.assignments if a.task_code == code and a.role == role]


def test_inline_labels() -> None:
    plan = _plan(
        "II. NHIỆM VỤ TRỌNG TÂM\n"
        "1. Tuần tra biên giới. Cơ quan chủ trì: Công an tỉnh. Cơ quan phối hợp: Sở Y tế. "
        "Thời hạn hoàn thành: Quý II/2026.\n"
        "2. Kiểm tra chợ (Chủ trì: Chi cục Quản lý thị trường; thời hạn: Tháng 12/2026).\n"
        "3. Tuyên truyền pháp luật.\nCơ quan phối hợp: Sở Tư pháp.\nThời hạn: Thường xuyên.\n"
    )
    assert plan.shape == "inline_labels"
    assert [t.raw.task_code for t in plan.tasks] == ["1", "2", "3"]
    assert _roles(plan, "1", "lead") == ["Công an tỉnh"]
    assert _roles(plan, "1", "coordinate") == ["Sở Y tế"]
    assert [t.deadline.due_date.isoformat() for t in plan.tasks[:2]] == ["2026-06-30", "2026-12-31"]
    assert plan.tasks[2].review_reasons == ["no lead agency found"]  # kept, flagged
    assert plan.tasks[2].deadline.kind == "ongoing"
    # the organisation section adds no task; its reporting duties are two kinds
    assert [(o.kind, o.due_day, o.due_month) for o in plan.obligations] == [
        ("semiannual", 15, 6),
        ("annual", 15, 11),
    ]


def test_agency_centric() -> None:
    plan = _plan(
        "II. NHIỆM VỤ CỦA CÁC CƠ QUAN, ĐƠN VỊ\n"
        "1. Công an tỉnh\n"
        "a) Đấu tranh các đường dây buôn lậu. Thời gian thực hiện: Thường xuyên.\n"
        "b) Phối hợp với Bộ Chỉ huy Quân sự tỉnh tuần tra. Thời gian thực hiện: Quý III/2026.\n"
        "2. Đề nghị Ủy ban MTTQ Việt Nam tỉnh\n"
        "- Vận động Nhân dân tố giác vi phạm.\n"
        "- Giám sát việc thực hiện Kế hoạch.\n"
        "3. Các nhiệm vụ khác\n"
        "a) Xây dựng cơ sở dữ liệu dùng chung. Thời gian thực hiện: Năm 2026.\n"
    )
    assert plan.shape == "agency_centric"
    assert [t.raw.task_code for t in plan.tasks] == ["1.a", "1.b", "2.1", "2.2", "3.a"]
    assert _roles(plan, "1.b", "lead") == ["Công an tỉnh"]
    assert _roles(plan, "1.b", "coordinate") == ["Bộ Chỉ huy Quân sự tỉnh"]
    assert _roles(plan, "2.2", "lead") == ["Ủy ban MTTQ Việt Nam tỉnh"]
    assert _roles(plan, "3.a", "lead") == []  # a topic heading is not an agency
    assert "no lead agency found" in plan.tasks[-1].review_reasons


def test_prose() -> None:
    plan = _plan(
        "II. NHIỆM VỤ, GIẢI PHÁP\n"
        "1. Giao Công an tỉnh chủ trì, phối hợp với Sở Công Thương, Chi cục Hải quan khu vực "
        "VI tăng cường đấu tranh, hoàn thành trước ngày 30/6/2026.\n"
        "2. Sở Y tế có trách nhiệm kiểm tra an toàn thực phẩm; thực hiện thường xuyên.\n"
    )
    assert plan.shape == "prose"
    assert _roles(plan, "1", "lead") == ["Công an tỉnh"]
    assert _roles(plan, "1", "coordinate") == ["Sở Công Thương", "Chi cục Hải quan khu vực VI"]
    assert plan.tasks[0].deadline.due_date.isoformat() == "2026-06-30"
    assert _roles(plan, "2", "lead") == ["Sở Y tế"] and plan.tasks[1].deadline.kind == "ongoing"


def test_a_task_section_whose_items_give_no_task_is_an_error() -> None:
    body = (
        "II. NHIỆM VỤ CỤ THỂ\nBảng phân công:\n"
        "1\tTuyên truyền\tCông an tỉnh\n2\tKiểm tra\tSở Y tế\n"  # a table without its header
    )
    with pytest.raises(PlanError, match=r'line 10: section "II. NHIỆM VỤ CỤ THỂ" has 2 items but '
                       r"no task could be read"):  # fmt: skip
        _plan(body)


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Nội dung nhiệm vụ", "title"),
        ("Nội dung công việc", "title"),
        ("Tên nhiệm vụ", "title"),
        ("Cơ quan chủ trì", "lead"),
        ("Đơn vị thực hiện", "lead"),
        ("Đơn vị phối hợp", "coordinate"),
        ("Cơ quan chủ trì, phối hợp", "coordinate"),
        ("Thời gian thực hiện", "deadline"),
        ("Thời hạn hoàn thành", "deadline"),
        ("Tiến độ", "deadline"),
        ("Sản phẩm đầu ra", "output"),
        ("Kết quả/sản phẩm", "output"),
        ("Ghi chú", "note"),
        ("STT", None),
    ],
)
def test_column_roles(header: str, role: str | None) -> None:
    assert column_role(header) == role


def test_table_in_any_column_order_with_roman_groups() -> None:
    rows = [
        "TT\tThời hạn\tĐơn vị thực hiện\tNội dung công việc\tĐơn vị phối hợp\tGhi chú",
        "I\tTUYÊN TRUYỀN\t\t\t\t",
        "1\tQuý I/2026\tPhòng Kinh tế\tTuyên truyền\tCông an xã\tghi chú",
        "2\tThường xuyên\tCông an xã\tTuần tra\t\t",
        "II.\tKIỂM TRA\t\t\t\t",
        "3\tTháng 12/2026\tĐội Quản lý thị trường số 4\tKiểm tra chợ\tPhòng Kinh tế\t",
    ]
    tasks = parse_task_table("\n".join(rows))
    assert [(t.task_code, t.group_code, t.title) for t in tasks] == [
        ("1", "I", "Tuyên truyền"),
        ("2", "I", "Tuần tra"),
        ("3", "II", "Kiểm tra chợ"),
    ]
    assert [(a.text, a.role) for a in tasks[0].assignments] == [
        ("Phòng Kinh tế", "lead"),
        ("Công an xã", "coordinate"),
    ]
    assert tasks[2].deadline_text == "Tháng 12/2026"
