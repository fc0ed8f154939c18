"""Task-groups shape (phường Hàm Rồng): one task per group, assignments from `+ Agency: duty`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.plans.model import RawAssignment, RawTask
from pipelines.plans.shapes.task_groups import parse_task_groups
from tests.conftest import seed_text


@pytest.fixture(scope="module")
def tasks() -> dict[str, RawTask]:
    return {t.task_code: t for t in parse_task_groups(seed_text("ham_rong"))}


def _pairs(task: RawTask) -> list[tuple[str, str]]:
    return [(a.text, a.role) for a in task.assignments]


def test_six_groups_without_deadlines(tasks: dict[str, RawTask]) -> None:
    assert list(tasks) == ["1", "2", "3", "4", "5", "6"]
    for code, task in tasks.items():
        assert task.group_code == code
        assert task.deadline_text is None
        assert task.review_reasons == ["no deadline printed"]
        assert task.expected_output is None


def test_title_is_heading_then_activities(tasks: dict[str, RawTask]) -> None:
    task = tasks["1"]
    assert task.group_title == "Đẩy mạnh công tác tuyên truyền, phổ biến pháp luật"
    assert task.title.startswith(task.group_title + " - Tổ chức tuyên truyền thường xuyên")
    assert " - Vận động các hộ, cơ sở sản xuất, kinh doanh ký cam kết" in task.title
    assert "\n" not in task.title and "Phân công" not in task.title


def test_group_one_assignments(tasks: dict[str, RawTask]) -> None:
    assert _pairs(tasks["1"]) == [
        ("Phòng Kinh tế, Hạ tầng và Đô thị", "lead"),
        ("Mặt trận Tổ quốc và các đoàn thể", "coordinate"),
        ("Tổ dân phố, làng", "lead"),
    ]
    note = tasks["1"].assignments[0].note or ""
    assert note.startswith("Chủ trì, phối hợp với Trung tâm Cung ứng dịch vụ công")


def test_inline_assignments_on_one_line(tasks: dict[str, RawTask]) -> None:
    assert tasks["4"].assignments == [
        RawAssignment(
            "Mặt trận Tổ quốc Việt Nam phường",
            "lead",
            "Chủ trì công tác giám sát, phản biện xã hội; tiếp nhận ý kiến, kiến nghị của Nhân dân",
        ),
        RawAssignment(
            "Các đoàn thể chính trị – xã hội",
            "coordinate",
            "Phối hợp vận động đoàn viên, hội viên tham gia giám sát, phòng ngừa vi phạm",
        ),
    ]


def test_bullet_broken_over_a_blank_line_is_rejoined(tasks: dict[str, RawTask]) -> None:
    assert "UBND phường và cán bộ, công chức được phân công phụ trách địa bàn" in tasks["5"].title


def test_roles_follow_the_duty_verb(tasks: dict[str, RawTask]) -> None:
    assert _pairs(tasks["5"]) == [
        ("Văn phòng HĐND & UBND phường", "lead"),
        ("Phòng Kinh tế, Hạ tầng và Đô thị", "lead"),  # "Chịu trách nhiệm ..."
        ("Phòng Văn hóa – Xã hội", "lead"),
        ("Trung tâm Cung ứng dịch vụ công", "lead"),
        ("Công an phường", "coordinate"),
        ("Mặt trận Tổ quốc và các đoàn thể chính trị – xã hội", "coordinate"),  # "Tham gia"
    ]
    assert [a.role for a in tasks["3"].assignments] == ["lead", "coordinate", "coordinate"]


@pytest.mark.parametrize("key", ["thanh_hoa", "hung_yen_body", "hung_yen_appendix", "lao_cai"])
def test_other_shapes_give_nothing(key: str) -> None:
    assert parse_task_groups(seed_text(key)) == []


def test_group_without_assignments_is_flagged() -> None:
    text = (
        "III. NHIỆM VỤ VÀ GIẢI PHÁP\n1. Nhóm có phân công\n- Việc một.\n"
        "Phân công thực hiện:\n+ Công an xã: Phối hợp kiểm tra.\n+ Không có tên cơ quan\n"
        "2. Nhóm không phân công\n- Việc hai.\nIV. KINH PHÍ\n"
    )
    first, second = parse_task_groups(text)
    assert _pairs(first) == [("Công an xã", "coordinate")]
    assert first.review_reasons[0] == "no lead agency found"
    assert first.review_reasons[-1].startswith("assignment names no agency")
    assert second.assignments == []
    assert second.review_reasons == ["no lead agency found", "no deadline printed"]


_TOKENS = st.sampled_from(
    [
        "III. NHIỆM VỤ",
        "IV. KINH PHÍ",
        "1. ",
        "2. ",
        "- ",
        "+ ",
        "Phân công thực hiện:",
        "Đơn vị thực hiện: A: Chủ trì. B: Phối hợp.",
        ": ",
        ". ",
        "; ",
        "\n",
        "\n\n",
        "X",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_TOKENS, st.text(max_size=15)), max_size=80))
def test_never_raises(parts: list[str]) -> None:
    result = parse_task_groups("".join(parts))
    assert all(isinstance(t, RawTask) for t in result)
