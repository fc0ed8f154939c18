"""Table shape (Hưng Yên appendix): tab-separated rows with HTML and continuation rows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.plans.model import RawAssignment, RawTask
from pipelines.plans.shapes.task_table import parse_table_rows, parse_task_table
from tests.conftest import seed_text

EXPECTED_CODES = (
    [f"1.{i}" for i in range(1, 12)]
    + [f"2.{i}" for i in range(1, 8)]
    + [f"3.{i}" for i in range(1, 7)]
    + ["4", "5.1", "5.2"]
    + [f"6.{i}" for i in range(1, 5)]
    + [f"7.{i}" for i in range(1, 6)]
    + ["8.1", "8.2"]
)


@pytest.fixture(scope="module")
def tasks() -> dict[str, RawTask]:
    return {t.task_code: t for t in parse_task_table(seed_text("hung_yen_appendix"))}


def _texts(task: RawTask, role: str) -> list[str]:
    return [a.text for a in task.assignments if a.role == role]


def test_thirty_eight_tasks(tasks: dict[str, RawTask]) -> None:
    assert list(tasks) == EXPECTED_CODES
    assert all(t.group_code == t.task_code.split(".")[0] for t in tasks.values())
    assert all(t.review_reasons == [] for t in tasks.values())
    for task in tasks.values():  # no markup and no header text leaks into values
        values = [task.title, task.deadline_text or "", *(a.text for a in task.assignments)]
        assert not any("<" in v or "TÊN NHIỆM VỤ" in v for v in values)


def test_continuation_rows_append_cell_by_cell(tasks: dict[str, RawTask]) -> None:
    task = tasks["1.6"]
    assert task.title.endswith(
        "thẩm quyền) và tội phạm hình sự (các tội xâm phạm trật tự quản lý kinh tế của Bộ luật "
        "Hình sự)."
    )
    assert task.expected_output == "Báo cáo, văn bản rà soát"
    assert _texts(task, "coordinate") == ["Các Sở, ngành có liên quan, UBND các xã, phường"]
    assert tasks["3.2"].deadline_text == (
        "Theo chỉ đạo, hướng dẫn của Bộ, ngành Trung ương và địa phương"
    )
    assert tasks["7.3"].title.endswith("quảng cáo gian dối, dễ gây nhầm lẫn cho Nhân dân.")


def test_word_repeated_across_a_page_break_is_dropped(tasks: dict[str, RawTask]) -> None:
    assert _texts(tasks["2.5"], "coordinate")[0].endswith("chức năng, nhiệm vụ được giao")


def test_dash_and_list_cells_split_into_assignments(tasks: dict[str, RawTask]) -> None:
    assert _texts(tasks["1.1"], "lead") == ["Các Sở, ngành có liên quan", "UBND các xã, phường"]
    assert _texts(tasks["2.1"], "lead") == [  # "- UBND các xã," + continuation "phường."
        "Các Sở, ngành, đơn vị có liên quan",
        "UBND các xã, phường",
    ]
    assert _texts(tasks["2.4"], "lead") == [
        "Sở Công thương",
        "Các Sở, ngành có liên quan",
        "UBND các xã, phường",
    ]
    assert tasks["7.2"].assignments == [  # <li> items; the coordinating cell is empty
        RawAssignment("Các Sở, ngành có liên quan", "lead"),
        RawAssignment("UBND các xã, phường", "lead"),
    ]
    assert _texts(tasks["7.3"], "coordinate") == ["Các cơ quan có liên quan", "UBND các xã, phường"]
    assert _texts(tasks["1.2"], "lead") == ["Sở Y tế"]


def test_group_rows_and_the_group_that_is_a_task(tasks: dict[str, RawTask]) -> None:
    assert tasks["1.1"].group_title is not None
    assert tasks["1.1"].group_title.startswith("Đẩy mạnh công tác hoàn thiện thể chế")
    # group 6's bold heading continues after the page-break header
    assert tasks["6.1"].group_title == (
        "Đẩy mạnh việc ứng dụng khoa học, công nghệ, trang thiết bị hiện đại trong quản lý, "
        "giám sát, kiểm soát hàng hóa; đáp ứng các yêu cầu về tài chính, phương tiện, công nghệ, "
        "chuyển đổi số, cơ sở dữ liệu để kiểm soát các hàng hóa kinh doanh trên thị trường."
    )
    four = tasks["4"]
    assert (four.group_code, four.deadline_text) == (
        "4",
        "Thường xuyên (Theo Kế hoạch thanh tra, kiểm tra)",
    )
    assert four.group_title is not None and four.group_title.startswith(
        "Tăng cường công tác thanh tra"
    )
    assert four.title.startswith("- Tăng cường công tác thanh tra, kiểm tra đối với các cơ quan")
    assert four.title.count("- Tăng cường") == 3
    assert _texts(four, "lead") == ["Các Sở, ngành", "UBND các xã, phường"]


def test_list_titles_stay_on_one_line(tasks: dict[str, RawTask]) -> None:
    title = tasks["7.1"].title
    assert title.count(" - ") == 4 and "\n" not in title
    assert tasks["7.4"].title.startswith("- Quán triệt, yêu cầu các cơ quan báo chí")
    assert tasks["7.1"].deadline_text == "Định kỳ, thường xuyên"


def test_rows_as_cell_lists_with_other_headers_and_order() -> None:
    rows = [
        ["Ghi chú trước bảng"],
        ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
        ["1", "Nhóm A", "", "", ""],
        ["1.1", "Việc một", "Sở Tư pháp", "", ""],
        ["", "còn tiếp", "", "Các sở", "Quý I/2026"],
        ["2", "<strong>Nhóm B</strong>", "", "", ""],
        ["2.1", "Việc hai", "", "", "Năm 2026"],
    ]
    one, two = parse_table_rows(rows)
    assert (one.task_code, one.title, one.group_title) == ("1.1", "Việc một còn tiếp", "Nhóm A")
    assert one.assignments == [
        RawAssignment("Sở Tư pháp", "lead"),
        RawAssignment("Các sở", "coordinate"),
    ]
    assert one.deadline_text == "Quý I/2026"
    assert (two.group_code, two.group_title) == ("2", "Nhóm B")
    assert two.review_reasons == ["no lead agency found"]


def test_no_header_or_no_table_gives_nothing() -> None:
    assert parse_table_rows([["1.1", "Việc", "Sở"]]) == []
    assert parse_task_table(seed_text("thanh_hoa")) == []
    assert parse_task_table(seed_text("lao_cai")) == []
    assert parse_task_table("") == []


_CELLS = st.one_of(
    st.sampled_from(
        [
            "STT",
            "TÊN NHIỆM VỤ",
            "CƠ QUAN CHỦ TRÌ",
            "THỜI HẠN",
            "1",
            "1.1",
            "",
            "<b>2</b>",
            "<b>x",
            "<ul><li>- a</li></ul>",
            "- A - B",
            "</b>",
            "<p>",
        ]
    ),
    st.text(max_size=12),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_CELLS, max_size=7), max_size=12))
def test_never_raises_on_arbitrary_rows(rows: list[list[str]]) -> None:
    assert all(isinstance(t, RawTask) for t in parse_table_rows(rows))
    assert all(
        isinstance(t, RawTask) for t in parse_task_table("\n".join("\t".join(r) for r in rows))
    )
