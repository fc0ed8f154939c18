"""Feedback copies: the agency's own workbook back with a comment and a fill on exactly the
quarantined cells, a first sheet Loi linking every problem, informants blanked; refusals.

Problems come from ingesting the files for real (`ingest_workbook`), renamed as
mart_quarantine names the value (`offending_value`).
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook

from pipelines.follow_up.feedback import (
    AUTHOR,
    PROBLEM_FILL,
    Problem,
    problem_note,
    refusal_reason_vi,
    typed_value,
    write_feedback_copy,
    write_refusal_workbook,
)
from pipelines.outputs.cells import set_value
from pipelines.plans.loader import load_plan_folder
from pipelines.reports.ingest import PlanContext, ingest_workbook
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.schemas import FIXES, RULES
from pipelines.reports.spec import INFO_FIELDS, TIPS
from pipelines.reports.template import write_template_for
from tests.conftest import PLANS_DIR, REPO_ROOT
from tests.reports.test_formats import ROWS as FORMAT_ROWS
from tests.reports.test_formats import write_ods, write_xls
from tests.reports.workbooks import POLICE_TH, write_report

HASHER = Pseudonymizer(b"test-key")
SAMPLE = REPO_ROOT / "data/raw/reports/hung-yen-kh-2026__cong-an-tinh-hung-yen__2026.xlsx"
PLAN = "thanh-hoa-08-kh-ubnd-2026"
LOI_HEADER = ("Trang tính", "Dòng", "Cột", "Giá trị", "Lỗi", "Cách sửa")
# The template's ToGiac columns: A Mã tin … K Số điện thoại, in spec order.
TIP_LETTER = {c.key: get_column_letter(i) for i, c in enumerate(TIPS.columns, start=1)}
_LINK = re.compile(r"^'((?:[^']|'')+)'!([A-Z]+[0-9]+)$")


@pytest.fixture(scope="module")
def ctx() -> PlanContext:
    frames = load_plan_folder(PLANS_DIR).frames
    return PlanContext.from_frames(
        frames["plans"], frames["task_assignments"], frames["plan_targets"]
    )


# ---------------------------------------------------------------------------- helpers


def _quarantine(path: Path, ctx: PlanContext) -> list[dict]:
    """The file's quarantine rows, as mart_quarantine names the value."""
    result = ingest_workbook(path, path.name, ctx, HASHER)
    assert result.error is None, result.error
    return [
        {**{k: v for k, v in q.items() if k != "value"}, "offending_value": q["value"]}
        for q in result.quarantine
    ]


def _comments(wb: OpenpyxlWorkbook) -> dict[tuple[str, str], Comment]:
    return {
        (ws.title, cell.coordinate): cell.comment
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.comment is not None
    }


def _filled(wb: OpenpyxlWorkbook) -> set[tuple[str, str]]:
    return {
        (ws.title, cell.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == PROBLEM_FILL.fgColor.rgb
    }


def _links(wb: OpenpyxlWorkbook) -> list[tuple[str, str]]:
    """(sheet, cell) each Loi row links to, checked to be an internal, quoted location."""
    found = []
    for row in wb["Loi"].iter_rows(min_row=3):
        link = row[0].hyperlink
        assert link is not None and not link.target and link.location
        match = _LINK.match(link.location)
        assert match, link.location
        found.append((match[1].replace("''", "'"), match[2]))
    return found


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def _assert_marks(copy: Path, expected: set[tuple[str, str]], problems: list[dict]) -> None:
    """Comments and fills on exactly `expected`; Loi first, one linked row per problem."""
    wb = load_workbook(copy)
    comments = _comments(wb)
    assert set(comments) == expected
    assert {c.author for c in comments.values()} == {AUTHOR}
    assert _filled(wb) == expected
    assert wb.sheetnames[0] == "Loi" and wb.active.title == "Loi"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Loi"]
    loi = wb["Loi"]
    assert [c.value for c in loi[2]] == list(LOI_HEADER)
    assert loi.freeze_panes == "A3"
    assert loi.page_setup.orientation == "landscape" and loi.page_setup.fitToWidth == 1
    assert loi.max_row - 2 == len(problems)
    assert set(_links(wb)) <= expected  # every link lands on a marked cell
    listed = sorted(
        (str(r[0]), r[1], r[4], r[5]) for r in loi.iter_rows(min_row=3, values_only=True)
    )
    assert listed == sorted(
        (p["sheet"], p["row_number"], p["reason_vi"], FIXES[p["rule"]]) for p in problems
    )


# ---------------------------------------------------------------------------- the sample


def test_sample_submission_marks_exactly_the_quarantined_cells(tmp_path: Path, ctx) -> None:
    problems = _quarantine(SAMPLE, ctx)
    assert sorted((p["rule"], p["column_name"], p["row_number"]) for p in problems) == [
        ("accepted_before_received", "accepted_date", 88),
        ("date_after_report", "resolved_date", 22),
        ("impossible_date", "received_date", 91),
    ]
    copy = write_feedback_copy(SAMPLE, problems, tmp_path / "out")
    assert copy == tmp_path / "out" / SAMPLE.name
    # the two-field rule marks Ngày tiếp nhận and Ngày thụ lý of row 88
    expected = {
        ("ToGiac", f"{TIP_LETTER['received_date']}88"),
        ("ToGiac", f"{TIP_LETTER['accepted_date']}88"),
        ("ToGiac", f"{TIP_LETTER['received_date']}91"),
        ("ToGiac", f"{TIP_LETTER['resolved_date']}22"),
    }
    assert expected == {("ToGiac", "B88"), ("ToGiac", "F88"), ("ToGiac", "B91"), ("ToGiac", "G22")}
    _assert_marks(copy, expected, problems)

    comments = _comments(load_workbook(copy))
    own = comments[("ToGiac", "F88")].text
    assert own == (
        "Lỗi: Ngày thụ lý: Ngày thụ lý trước ngày tiếp nhận\nGiá trị: 2026-07-06\n"
        f"Cách sửa: {FIXES['accepted_before_received']}"
    )
    original = load_workbook(SAMPLE)["ToGiac"]
    assert original["B88"].value == datetime(2026, 7, 9)
    assert "Giá trị: 2026-07-09" in comments[("ToGiac", "B88")].text  # the other field's value
    assert "Giá trị: 31/02/2026" in comments[("ToGiac", "B91")].text
    with zipfile.ZipFile(copy) as archive:  # openpyxl reads no comment size back: the VML
        vml = [archive.read(n) for n in archive.namelist() if n.endswith(".vml")]
    assert len(vml) == 1 and vml[0].count(b"width:340px") == 4

    loi = load_workbook(copy)["Loi"]
    rows = list(loi.iter_rows(min_row=3, values_only=True))
    assert [r[:4] for r in rows] == [  # in sheet, row and column order
        ("ToGiac", 22, "Ngày giải quyết (cột G)", "2026-10-07"),
        ("ToGiac", 88, "Ngày thụ lý (cột F), Ngày tiếp nhận (cột B)", "2026-07-06"),
        ("ToGiac", 91, "Ngày tiếp nhận (cột B)", "31/02/2026"),
    ]
    assert _links(load_workbook(copy)) == [("ToGiac", "G22"), ("ToGiac", "F88"), ("ToGiac", "B91")]
    assert SAMPLE.name in loi["A1"].value


def test_copy_keeps_every_value_but_the_informants(tmp_path: Path, ctx) -> None:
    copy = write_feedback_copy(SAMPLE, _quarantine(SAMPLE, ctx), tmp_path)
    original, marked = load_workbook(SAMPLE), load_workbook(copy)
    assert marked.sheetnames == ["Loi", *original.sheetnames]
    pii = {TIP_LETTER["informant_name"], TIP_LETTER["informant_phone"]}
    secrets: set[str] = set()
    for ws in original.worksheets:
        other = marked[ws.title]
        assert (other.max_row, other.max_column) == (ws.max_row, ws.max_column)
        assert other.freeze_panes == ws.freeze_panes
        for row in ws.iter_rows():
            for cell in row:
                kept = other[cell.coordinate].value
                if ws.title == "ToGiac" and cell.column_letter in pii and cell.row > 2:
                    assert kept is None
                    if cell.value is not None:
                        secrets.add(str(cell.value))
                else:
                    assert kept == cell.value, (ws.title, cell.coordinate)
    assert len(secrets) > 20  # the sample does name informants
    assert original["ToGiac"]["J2"].value == marked["ToGiac"]["J2"].value == "Người cung cấp tin"
    xml = _xml(copy)
    assert not [s for s in secrets if s in xml]


def test_resent_feedback_copy_is_marked_afresh(tmp_path: Path, ctx) -> None:
    """An agency fixing the copy itself and sending it back: only what is still wrong is
    marked, and the copy has one Loi sheet."""
    first = write_feedback_copy(SAMPLE, _quarantine(SAMPLE, ctx), tmp_path / "first")
    wb = load_workbook(first)
    wb["ToGiac"]["F88"].value = date(2026, 7, 10)  # accepted after received now
    resent = tmp_path / "resent" / SAMPLE.name
    resent.parent.mkdir()
    wb.save(resent)
    problems = _quarantine(resent, ctx)
    assert sorted(p["row_number"] for p in problems) == [22, 91]
    second = write_feedback_copy(resent, problems, tmp_path / "second")
    _assert_marks(second, {("ToGiac", "B91"), ("ToGiac", "G22")}, problems)
    assert load_workbook(second).sheetnames == ["Loi", "ThongTin", "TienDo", "ToGiac", "XuLy"]


def test_agency_comments_are_kept(tmp_path: Path, ctx) -> None:
    wb = load_workbook(SAMPLE)
    wb["ToGiac"]["A3"].comment = Comment("hỏi lại phòng PC02", "Đơn vị")
    wb["ToGiac"]["F88"].comment = Comment("ngày theo sổ", "Đơn vị")
    sent = tmp_path / SAMPLE.name
    wb.save(sent)
    copy = write_feedback_copy(sent, _quarantine(sent, ctx), tmp_path / "out")
    comments = _comments(load_workbook(copy))
    assert comments[("ToGiac", "A3")].text == "hỏi lại phòng PC02"
    assert comments[("ToGiac", "A3")].author == "Đơn vị"
    text = comments[("ToGiac", "F88")].text
    assert text.startswith("Lỗi: Ngày thụ lý") and text.endswith("ngày theo sổ")
    assert {k for k, c in comments.items() if c.author == AUTHOR} == {
        ("ToGiac", "B88"),
        ("ToGiac", "F88"),
        ("ToGiac", "B91"),
        ("ToGiac", "G22"),
    }


# ---------------------------------------------------------------------------- the template


def _put(ws, row: int, values: list[object]) -> None:
    for column, value in enumerate(values, start=1):
        if value is not None:
            set_value(ws.cell(row, column), value)


def _filled_template(path: Path) -> Path:
    """The official template of Sở Công Thương, filled in with one mistake of each kind."""
    write_template_for(PLAN, "Sở Công Thương", path, PLANS_DIR, period="2026")
    wb = load_workbook(path)
    info = wb["ThongTin"]
    for row in info.iter_rows(min_row=1, max_col=2):
        if row[0].value == "Ngày báo cáo":
            row[1].value = date(2026, 9, 20)
    progress = wb["TienDo"]  # codes 1.1, 2.6, 3.1, … pre-filled in A3:A9
    progress["B3"] = "Hoàn thành"  # no Ngày hoàn thành
    progress["B4"] = "Đang thực hiện"
    progress["B5"], progress["C5"] = "Hoàn thành", date(2026, 10, 1)  # after the report
    tips = wb["ToGiac"]
    hot, deny, smuggle, charged = "Đường dây nóng", "Tố giác", "Buôn lậu", "Khởi tố vụ án"
    rows: list[list[object]] = [
        # accepted before received, and resolved before accepted: F3 twice
        ["TG-1", "05/03/2026", hot, deny, smuggle, "01/03/2026", date(2026, 2, 1), charged],
        ["TG-2", "05/03/2026", "=1+1", deny, smuggle],  # not a channel
        ["TG-3", "31/02/2026", hot, deny, smuggle],  # no such day
        ["TG-4", "05/03/2026", hot, deny, smuggle, None, "01/04/2026", charged],
        ["TG-5", "05/03/2026", hot, deny, smuggle, "06/03/2026", None, charged],
        ["TG-6", "05/03/2026", hot, deny, smuggle, "06/03/2026", "01/04/2026"],
        ["TG-7", "05/03/2026", hot, deny, smuggle],
        ["TG-7", "05/03/2026", hot, deny, smuggle],  # the code again
        ["TG-8", "05/03/2026", hot, None, smuggle],  # no Loại
    ]
    for number, values in enumerate(rows, start=3):
        _put(tips, number, values + [None] * (9 - len(values)))
        _put(tips, number, [None] * 9 + [f"Người Báo Tin Số {number}", f"09{number:08d}"])
    enforcement = wb["XuLy"]
    _put(enforcement, 3, [smuggle, 5, 7])  # more violations than inspections
    _put(enforcement, 4, ["Hàng giả", 3, 1, None, "abc"])  # Tiền phạt not a number
    _put(enforcement, 5, [smuggle, 2, 1])  # the field again
    _put(enforcement, 6, ["Khác", -1, 0])  # negative, and more violations than inspections
    targets = wb["ChiTieu"]  # metrics pre-filled in A3:A7
    targets["B3"], targets["C3"] = 10, 12  # more achieved than the total
    targets["C4"] = 5  # no total
    wb.save(path)
    return path


TEMPLATE_MARKS = {
    # TienDo: completed_without_date (both), date_after_report
    ("TienDo", "B3"),
    ("TienDo", "C3"),
    ("TienDo", "C5"),
    # ToGiac
    ("ToGiac", "B3"),  # accepted_before_received
    ("ToGiac", "F3"),  # accepted_before_received, resolved_before_accepted
    ("ToGiac", "G3"),  # resolved_before_accepted
    ("ToGiac", "C4"),  # invalid_choice
    ("ToGiac", "B5"),  # impossible_date
    ("ToGiac", "F6"),  # resolved_without_acceptance
    ("ToGiac", "G6"),
    ("ToGiac", "G7"),  # outcome_without_resolution
    ("ToGiac", "H7"),
    ("ToGiac", "G8"),  # resolution_without_outcome
    ("ToGiac", "H8"),
    ("ToGiac", "A10"),  # duplicate_tip_code
    ("ToGiac", "D11"),  # required
    # XuLy
    ("XuLy", "B3"),  # violations_exceed_inspections
    ("XuLy", "C3"),
    ("XuLy", "E4"),  # invalid_number
    ("XuLy", "A5"),  # duplicate_field
    ("XuLy", "B6"),  # negative_count, violations_exceed_inspections
    ("XuLy", "C6"),
    # ChiTieu
    ("ChiTieu", "B3"),  # achieved_exceeds_total
    ("ChiTieu", "C3"),
    ("ChiTieu", "B4"),  # required
}


@pytest.fixture(scope="module")
def template_case(tmp_path_factory: pytest.TempPathFactory, ctx) -> tuple[Path, list, Path]:
    folder = tmp_path_factory.mktemp("template")
    sent = _filled_template(folder / "so-cong-thuong.xlsx")
    problems = _quarantine(sent, ctx)
    return sent, problems, write_feedback_copy(sent, problems, folder / "out")


def test_template_every_rule_marks_its_cells(template_case) -> None:
    _sent, problems, copy = template_case
    assert {p["rule"] for p in problems} == {
        "completed_without_date",
        "date_after_report",
        "accepted_before_received",
        "resolved_before_accepted",
        "invalid_choice",
        "impossible_date",
        "resolved_without_acceptance",
        "outcome_without_resolution",
        "resolution_without_outcome",
        "duplicate_tip_code",
        "required",
        "violations_exceed_inspections",
        "invalid_number",
        "duplicate_field",
        "negative_count",
        "achieved_exceeds_total",
    }
    _assert_marks(copy, TEMPLATE_MARKS, problems)
    comments = _comments(load_workbook(copy))
    both = comments[("ToGiac", "F3")].text  # two problems, one comment
    assert both.count("Lỗi: ") == 2
    assert RULES["accepted_before_received"][1] in both
    assert RULES["resolved_before_accepted"][1] in both
    assert "Giá trị: 2026-03-01" in both
    assert comments[("XuLy", "B6")].text.count("Lỗi: ") == 2
    assert "Giá trị: (trống)" in comments[("ChiTieu", "B4")].text


def test_template_layout_and_values_untouched(template_case) -> None:
    sent, _, copy = template_case
    original, marked = load_workbook(sent), load_workbook(copy)
    assert marked.sheetnames == ["Loi", *original.sheetnames]
    for ws in original.worksheets:
        other = marked[ws.title]
        assert other.sheet_state == ws.sheet_state
        assert other.protection.sheet == ws.protection.sheet
        assert other.freeze_panes == ws.freeze_panes
        assert set(map(str, other.merged_cells.ranges)) == set(map(str, ws.merged_cells.ranges))
        assert [(v.sqref, v.formula1) for v in other.data_validations.dataValidation] == [
            (v.sqref, v.formula1) for v in ws.data_validations.dataValidation
        ]
        assert {k: d.width for k, d in other.column_dimensions.items()} == {
            k: d.width for k, d in ws.column_dimensions.items()
        }
        for row in ws.iter_rows():
            for cell in row:
                if ws.title == "ToGiac" and cell.column in (10, 11) and cell.row > 2:
                    assert other[cell.coordinate].value is None
                else:
                    assert other[cell.coordinate].value == cell.value
    xml = _xml(copy)
    assert "Người Báo Tin" not in xml
    assert not [n for n in range(3, 12) if f"09{n:08d}" in xml]


def test_text_that_looks_like_a_formula_stays_text(template_case) -> None:
    _, _, copy = template_case
    wb = load_workbook(copy)
    cell = wb["ToGiac"]["C4"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    shown = next(r for r in wb["Loi"].iter_rows(min_row=3) if r[3].value == "=1+1")
    assert shown[3].data_type == "s"
    with zipfile.ZipFile(copy) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)


# ---------------------------------------------------------------------------- other layouts

SHUFFLED = [
    "informant_phone",
    "outcome",
    "tip_code",
    "accepted_date",
    "channel",
    "informant_name",
    "received_date",
    "field",
    "resolved_date",
    "criminal_signs",
    "tip_type",
]


def _shifted_report(path: Path, keys: list[str], rows: list[dict[str, object]]) -> Path:
    """ThongTin, and a ToGiac table whose header is at C5, its columns in `keys` order."""
    wb = Workbook()
    info = wb.active
    info.title = "ThongTin"
    for column in INFO_FIELDS:
        info.append([column.header, POLICE_TH.get(column.key)])
    ws = wb.create_sheet("ToGiac")
    ws["C2"] = TIPS.title
    headers = {c.key: c.header for c in TIPS.columns}
    for offset, key in enumerate(keys):
        ws.cell(5, 3 + offset, headers[key])
        for number, row in enumerate(rows, start=6):
            if row.get(key) is not None:
                ws.cell(number, 3 + offset, row[key])
    ws.cell(5, 3 + len(keys), "Ghi chú nội bộ")
    wb.save(path)
    return path


def _tip(code: str, **changes: object) -> dict[str, object]:
    tip: dict[str, object] = {
        "tip_code": code,
        "received_date": "05/03/2026",
        "channel": "Trực tiếp",
        "tip_type": "Tin báo",
        "field": "Hàng giả",
        "informant_name": f"Phạm Bí Mật {code}",
        "informant_phone": f"0987{code[-1]}54321",
    }
    return tip | changes


SHIFTED_ROWS = [
    _tip("TG-1"),
    _tip("TG-2", accepted_date="01/03/2026"),  # accepted before received
    _tip("TG-3", received_date="31/02/2026"),  # no such day
    _tip("TG-4", channel=None),  # required
]


def _letter(key: str, keys: list[str] = SHUFFLED) -> str:
    return get_column_letter(3 + keys.index(key))


def test_table_at_c5_with_shuffled_columns(tmp_path: Path, ctx) -> None:
    sent = _shifted_report(tmp_path / "c5.xlsx", SHUFFLED, SHIFTED_ROWS)
    problems = _quarantine(sent, ctx)
    assert sorted((p["row_number"], p["column_name"], p["rule"]) for p in problems) == [
        (7, "accepted_date", "accepted_before_received"),
        (8, "received_date", "impossible_date"),
        (9, "channel", "required"),
    ]
    copy = write_feedback_copy(sent, problems, tmp_path / "out")
    expected = {
        ("ToGiac", f"{_letter('received_date')}7"),
        ("ToGiac", f"{_letter('accepted_date')}7"),
        ("ToGiac", f"{_letter('received_date')}8"),
        ("ToGiac", f"{_letter('channel')}9"),
    }
    assert expected == {("ToGiac", "I7"), ("ToGiac", "F7"), ("ToGiac", "I8"), ("ToGiac", "G9")}
    _assert_marks(copy, expected, problems)
    ws = load_workbook(copy)["ToGiac"]
    for key in ("informant_name", "informant_phone"):
        assert ws[f"{_letter(key)}5"].value == TIPS.column(key).header
        assert [ws[f"{_letter(key)}{r}"].value for r in range(6, 10)] == [None] * 4
    assert ws[f"{_letter('tip_code')}6"].value == "TG-1"
    xml = _xml(copy)
    for tip in SHIFTED_ROWS:
        assert str(tip["informant_name"]) not in xml and str(tip["informant_phone"]) not in xml


def test_missing_column_marks_the_first_column_of_the_table(tmp_path: Path, ctx) -> None:
    keys = [k for k in SHUFFLED if k != "tip_type"]
    sent = _shifted_report(tmp_path / "c5.xlsx", keys, SHIFTED_ROWS[:2])
    problems = _quarantine(sent, ctx)
    assert sorted((p["row_number"], p["column_name"], p["rule"]) for p in problems) == [
        (6, "tip_type", "missing_column"),
        (7, "tip_type", "missing_column"),
    ]
    copy = write_feedback_copy(sent, problems, tmp_path / "out")
    _assert_marks(copy, {("ToGiac", "C6"), ("ToGiac", "C7")}, problems)  # the table starts at C
    loi = load_workbook(copy)["Loi"]
    assert [r[2] for r in loi.iter_rows(min_row=3, values_only=True)] == [
        "Loại (không có cột này)"
    ] * 2
    comment = _comments(load_workbook(copy))[("ToGiac", "C6")].text
    assert "Giá trị" not in comment and FIXES["missing_column"] in comment


def test_header_not_found_marks_column_a_and_still_blanks_informants(tmp_path: Path, ctx) -> None:
    header = ["Số hiệu", "Ngày nhận", "Nguồn", "Dạng", "Nhóm", "Người cung cấp tin"]
    rows = [["TG-1", "05/03/2026", "x", "y", "z", "Lê Thầm Kín"], ["TG-2", None, None, None]]
    sent = write_report(tmp_path / "h.xlsx", POLICE_TH, {TIPS: rows}, headers={"ToGiac": header})
    problems = _quarantine(sent, ctx)
    assert {(p["row_number"], p["column_name"], p["rule"]) for p in problems} == {
        (r, "*", "header_not_found") for r in (1, 2, 3, 4)
    }
    copy = write_feedback_copy(sent, problems, tmp_path / "out")
    _assert_marks(copy, {("ToGiac", f"A{r}") for r in (1, 2, 3, 4)}, problems)
    ws = load_workbook(copy)["ToGiac"]
    assert ws["F2"].value == "Người cung cấp tin" and ws["F3"].value is None
    assert "Lê Thầm Kín" not in _xml(copy)
    assert [r[2] for r in load_workbook(copy)["Loi"].iter_rows(min_row=3, values_only=True)] == [
        "Cả dòng"
    ] * 4


@pytest.mark.parametrize("writer", [write_xls, write_ods], ids=["xls", "ods"])
def test_legacy_and_libreoffice_files_get_an_xlsx_copy(tmp_path: Path, ctx, writer) -> None:
    suffix = ".xls" if writer is write_xls else ".ods"
    sent = writer(tmp_path / f"sent{suffix}")
    problems = _quarantine(sent, ctx)
    assert [(p["row_number"], p["column_name"], p["rule"]) for p in problems] == [
        (5, "accepted_date", "impossible_date")
    ]
    copy = write_feedback_copy(sent, problems, tmp_path / "out")
    assert copy == tmp_path / "out" / "sent.xlsx"
    _assert_marks(copy, {("ToGiac", "F5")}, problems)
    wb = load_workbook(copy)
    assert wb.sheetnames == ["Loi", "ThongTin", "ToGiac"]
    ws = wb["ToGiac"]
    assert [c.value for c in ws[2]] == [c.header for c in TIPS.columns]
    assert [ws.cell(3, c).value for c in range(1, 3)] == ["TG-1", datetime(2026, 3, 5)]
    assert ws["B4"].value == "07/03/2026" and ws["F5"].value == "31/02/2026"
    assert ws["J3"].value is None and ws["K3"].value is None
    assert wb["ThongTin"]["B4"].value == datetime(2026, 9, 25)
    assert "Nguyễn Văn An" not in _xml(copy) and "0912345678" not in _xml(copy)
    assert FORMAT_ROWS[0][9] == "Nguyễn Văn An"
    # the copy reads back as the submission did (informants aside)
    again = _quarantine(copy, ctx)
    assert [(p["row_number"], p["rule"]) for p in again] == [(5, "impossible_date")]


def test_same_inputs_same_bytes(tmp_path: Path, ctx) -> None:
    problems = _quarantine(SAMPLE, ctx)
    first = write_feedback_copy(SAMPLE, problems, tmp_path / "a").read_bytes()
    assert write_feedback_copy(SAMPLE, problems, tmp_path / "b").read_bytes() == first
    sent = write_xls(tmp_path / "sent.xls")
    problems = _quarantine(sent, ctx)
    first = write_feedback_copy(sent, problems, tmp_path / "c").read_bytes()
    assert write_feedback_copy(sent, problems, tmp_path / "d").read_bytes() == first


def test_the_submission_itself_is_never_overwritten(tmp_path: Path, ctx) -> None:
    sent = tmp_path / SAMPLE.name
    sent.write_bytes(SAMPLE.read_bytes())
    with pytest.raises(ValueError, match="overwrite"):
        write_feedback_copy(sent, _quarantine(sent, ctx), tmp_path)
    assert sent.read_bytes() == SAMPLE.read_bytes()


def test_informant_values_are_never_shown() -> None:
    # Ingestion quarantines no informant cell today (free text, optional); a problem on one
    # would carry the name's keyed hash, and nothing of it is shown.
    problem = Problem.of(
        {
            "sheet": "ToGiac",
            "row_number": 3,
            "column_name": "informant_name",
            "column_header": "Người cung cấp tin",
            "offending_value": HASHER.name("nguyễn văn an"),
            "rule": "required",
            "reason_vi": "Người cung cấp tin: Thiếu giá trị bắt buộc",
        }
    )
    assert problem.value is None
    assert "Giá trị" not in problem_note(problem, "informant_name", None)


def test_calamine_texts_become_values() -> None:
    assert typed_value("5") == 5 and typed_value("-2") == -2 and typed_value("5.5") == 5.5
    assert typed_value("2026-03-05 00:00:00") == datetime(2026, 3, 5)
    assert typed_value("2026-03-05T10:30:00") == datetime(2026, 3, 5, 10, 30)
    assert typed_value("2026-01-02") == datetime(2026, 1, 2)
    assert typed_value("true") is True
    for text in ("0912345678", "1.10", "1,5", "2026-02-31", "=SUM(1)", "TG-1"):
        assert typed_value(text) == text


# ---------------------------------------------------------------------------- refusals


def _no_info(path: Path) -> Path:
    wb = Workbook()
    wb.active.title = "ToGiac"
    wb.save(path)
    return path


def _unknown_plan(path: Path) -> Path:
    return write_report(path, POLICE_TH | {"plan_id": "khong-co-ke-hoach"}, {})


def _csv(path: Path) -> Path:
    path.write_text("Mã tin;Ngày tiếp nhận\nTG-1;05/03/2026\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "reason_vi"),
    [
        (_no_info, "Không có sheet ThongTin"),
        (_unknown_plan, "Mã kế hoạch 'khong-co-ke-hoach' ở sheet ThongTin không có trong"),
        (_csv, "Tệp không phải bảng tính"),
    ],
    ids=["no-thongtin", "unknown-plan", "csv"],
)
def test_refused_file_gets_a_one_page_loi_workbook(
    tmp_path: Path, ctx, make, reason_vi: str
) -> None:
    sent = make(tmp_path / "bao-cao.xlsx")
    result = ingest_workbook(sent, sent.name, ctx, HASHER)
    assert result.error is not None
    target = tmp_path / "out" / "bao-cao.xlsx"
    assert write_refusal_workbook(sent.name, result.error, target) == target
    wb = load_workbook(target)
    assert wb.sheetnames == ["Loi"]
    ws = wb["Loi"]
    rows = {r[0]: r[1] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert ws["A1"].value == "KHÔNG SỬ DỤNG ĐƯỢC TỆP BÁO CÁO"
    assert rows["Tệp"] == "bao-cao.xlsx"
    assert rows["Lý do"].startswith(reason_vi)
    assert rows["Chi tiết (kỹ thuật)"] == result.error
    assert "gửi lại tệp theo mẫu" in rows["Cần làm"].lower()
    assert "plan389 template" in rows["Cần làm"]
    again = write_refusal_workbook(sent.name, result.error, tmp_path / "again.xlsx")
    assert again.read_bytes() == target.read_bytes()


def test_refusal_with_an_unknown_reason_shows_it_as_is(tmp_path: Path) -> None:
    assert refusal_reason_vi("something new went wrong") is None
    target = write_refusal_workbook("=bad.xlsx", "something new went wrong", tmp_path / "r.xlsx")
    ws = load_workbook(target)["Loi"]
    rows = {r[0]: r[1] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["Lý do"] == "something new went wrong"
    assert "Chi tiết (kỹ thuật)" not in rows
    assert rows["Tệp"] == "=bad.xlsx" and ws["B3"].data_type == "s"
