"""Numbered items of the task section, the numbered-sections family (Thanh Hóa 08/KH-UBND):
tasks `N.M.` of section III only, with dashed label paragraphs and footnoted collectives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.plans.assemble import parse_plan
from pipelines.plans.documents import DocumentText
from pipelines.plans.model import RawAssignment, RawTask
from pipelines.plans.shapes.numbered_items import parse_numbered_items
from tests.conftest import SEEDS, seed_text


def parse_numbered_sections(text: str) -> list[RawTask]:
    result = parse_numbered_items(text)
    return result.tasks if result.family == "numbered_sections" else []


FOOTNOTE_AGENCIES = [
    "Sở Y tế",
    "Sở Nông nghiệp và Môi trường",
    "Sở Văn hoá, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Chi cục Hải quan khu vực X",
    "Thuế tỉnh Thanh Hóa",
    "Công an tỉnh",
    "Bộ Chỉ huy Quân sự tỉnh",
]


@pytest.fixture(scope="module")
def tasks() -> dict[str, RawTask]:
    return {t.task_code: t for t in parse_numbered_sections(seed_text("thanh_hoa"))}


def _roles(task: RawTask, role: str) -> list[str]:
    return [a.text for a in task.assignments if a.role == role]


def test_thirty_three_tasks_in_eight_groups(tasks: dict[str, RawTask]) -> None:
    sizes = {"1": 2, "2": 6, "3": 6, "4": 3, "5": 2, "6": 4, "7": 8, "8": 2}
    expected = [f"{g}.{m}" for g, n in sizes.items() for m in range(1, n + 1)]
    assert list(tasks) == expected
    assert all(t.group_code == t.task_code.split(".")[0] for t in tasks.values())
    assert tasks["8.2"].group_title == (
        "Đẩy mạnh hợp tác quốc tế trong hoạt động đấu tranh chống buôn lậu, gian lận thương mại, "
        "hàng giả, xâm phạm sở hữu trí tuệ"
    )


def test_sections_one_and_two_are_not_tasks(tasks: dict[str, RawTask]) -> None:
    # section II prints "1.1. Công tác đấu tranh ..." — only section III's 1.1 is a task
    assert tasks["1.1"].title.startswith("Rà soát các quy trình nghiệp vụ")
    assert not any(t.title.startswith("Kinh phí") for t in tasks.values())  # section IV


def test_exact_fields(tasks: dict[str, RawTask]) -> None:
    assert tasks["2.4"].deadline_text == "Theo yêu cầu của Bộ Tài chính, dự kiến năm 2027"
    assert tasks["7.5"].deadline_text == "Tháng 02/2026 và định kỳ theo quý"
    assert tasks["7.2"].deadline_text == "Thường xuyên, định kỳ (hàng tuần, hàng tháng…)"
    assert _roles(tasks["2.3"], "lead") == [
        "Cơ quan điều tra, cơ quan được giao tiến hành một số hoạt động điều tra"
    ]
    assert tasks["2.4"].assignments == [
        RawAssignment("Sở Tài chính", "lead"),
        RawAssignment("Sở Công Thương, các sở, ngành, đơn vị, địa phương", "coordinate"),
    ]
    assert tasks["1.2"].title.endswith("không để có khoảng trống pháp lý.")
    assert all(t.review_reasons == [] for t in tasks.values())


def test_field_on_the_task_line_and_note_in_between(tasks: dict[str, RawTask]) -> None:
    task = tasks["7.8"]
    assert task.title.endswith("chất lượng hàng hoá trên địa bàn tỉnh.")
    assert "Đơn vị" not in task.title
    assert _roles(task, "lead") == ["Sở Văn hóa, Thể thao và Du lịch"]
    (coordinate,) = [a for a in task.assignments if a.role == "coordinate"]
    assert coordinate.text == "Các sở, ngành, đơn vị cấp tỉnh, UBND các xã, phường"
    assert coordinate.note is not None and coordinate.note.startswith("Các cơ quan, đơn vị")
    assert task.deadline_text == "Định kỳ theo tháng"


def test_footnote_expands_the_collective_lead(tasks: dict[str, RawTask]) -> None:
    leads = [a for a in tasks["1.1"].assignments if a.role == "lead"]
    assert [a.text for a in leads] == FOOTNOTE_AGENCIES
    assert all(a.note and a.note.startswith("footnote 1: rà soát") for a in leads)
    assert "lĩnh vực y tế" in (leads[0].note or "")
    assert "tỉnh1" not in repr(tasks)


SYNTHETIC = """\
II. MỤC TIÊU
1. Mục tiêu
1.1. Không phải nhiệm vụ.
III. NHIỆM VỤ, GIẢI PHÁP
1. Nhóm một
1.1. Việc có đơn vị thực hiện wrap
tiếp theo dòng.
- Đơn vị phối hợp: Các sở, ngành2.
1.2. Việc không có gì.
2. Nhóm hai
2.1. Việc có thời hạn.
- Cơ quan chủ trì: Sở Tài chính
- Thời hạn hoàn thành: Quý II/2026.
- Kết quả: Báo cáo.
IV. KINH PHÍ
1.1. Không phải nhiệm vụ.

TM. ỦY BAN NHÂN DÂN
2 Gồm các sở theo lĩnh vực quản lý.
"""


def test_generic_rules_on_a_synthetic_plan() -> None:
    tasks = {t.task_code: t for t in parse_numbered_sections(SYNTHETIC)}
    assert list(tasks) == ["1.1", "1.2", "2.1"]
    assert tasks["1.1"].title == "Việc có đơn vị thực hiện wrap tiếp theo dòng."
    assert tasks["1.1"].assignments == [
        RawAssignment(
            "Các sở, ngành", "coordinate", "footnote 2: Gồm các sở theo lĩnh vực quản lý."
        )
    ]
    assert tasks["1.1"].review_reasons == ["no lead agency found", "no deadline printed"]
    assert tasks["1.2"].assignments == []
    assert tasks["2.1"].deadline_text == "Quý II/2026"
    assert tasks["2.1"].expected_output == "Báo cáo"
    assert tasks["2.1"].group_title == "Nhóm hai"
    assert tasks["2.1"].review_reasons == []


@pytest.mark.parametrize("key", ["ham_rong", "hung_yen_body", "hung_yen_appendix", "lao_cai"])
def test_other_layouts_are_not_numbered_sections(key: str) -> None:
    assert parse_numbered_sections(seed_text(key)) == []


def _doc(key: str) -> DocumentText:
    return DocumentText(SEEDS[key], "txt", key, 1, seed_text(key))


@pytest.mark.parametrize(
    ("keys", "family"),
    [
        (["thanh_hoa"], "numbered_sections"),
        (["hung_yen_body", "hung_yen_appendix"], "task_table"),
        (["lao_cai"], "task_table"),
        (["ham_rong"], "task_groups"),
    ],
)
def test_each_seed_is_read_in_its_family(keys: list[str], family: str) -> None:
    assert parse_plan([_doc(k) for k in keys]).shape == family


_TOKENS = st.sampled_from(
    [
        "III. NHIỆM VỤ",
        "IV. KINH PHÍ",
        "1. ",
        "1.1. ",
        "2.3 ",
        "- Đơn vị chủ trì:",
        "- Thời gian:",
        "(ghi chú)",
        "TM. UBND",
        "1 (1) Sở Y tế chủ trì",
        "tỉnh1 .",
        "\n",
        "\n\n",
        " ",
        "x",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_TOKENS, st.text(max_size=15)), max_size=80))
def test_never_raises(parts: list[str]) -> None:
    result = parse_numbered_items("".join(parts)).tasks
    assert all(isinstance(t, RawTask) and t.task_code for t in result)
