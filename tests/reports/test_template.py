"""The blank report template: lead tasks of an agency, sheets and headers of spec, safety."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.outputs.cells import FIXED_TIME, set_value
from pipelines.plans.loader import load_plan_folder
from pipelines.plans.tables import PlanTables
from pipelines.reports import spec
from pipelines.reports.template import (
    DATA_ROWS,
    DEADLINE_HELP,
    TASK_TITLE_HELP,
    TemplateError,
    agency_tasks,
    write_template,
    write_template_for,
)
from tests.conftest import PLANS_DIR

PLAN = "thanh-hoa-08-kh-ubnd-2026"
# Verified in the seed: "- Đơn vị chủ trì: Sở Công Thương" under 2.6, 3.1, 3.2, 5.2, 6.1, 7.7,
# plus item (6) of footnote 1 ("Các sở, ngành, đơn vị cấp tỉnh1") under task 1.1.
SCT_LEAD_TASKS = ["1.1", "2.6", "3.1", "3.2", "5.2", "6.1", "7.7"]
INJECTION = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def tables() -> PlanTables:
    return load_plan_folder(PLANS_DIR)


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("template") / "so-cong-thuong.xlsx"
    name, count = write_template_for(PLAN, "so cong thuong", out, PLANS_DIR, period="2026")
    assert (name, count) == ("Sở Công Thương", len(SCT_LEAD_TASKS))
    return out


def _column_values(ws: Worksheet, col: int) -> list:
    return [ws.cell(r, col).value for r in range(3, ws.max_row + 1)]


# ---------------------------------------------------------------------------- agency_tasks


def test_lead_tasks_of_so_cong_thuong_in_task_order(tables: PlanTables) -> None:
    name, tasks = agency_tasks(tables, PLAN, "Sở Công Thương")
    assert name == "Sở Công Thương"
    assert [t["task_code"] for t in tasks] == SCT_LEAD_TASKS
    assert set(tasks[0]) == {"task_code", "title", "deadline_text", "due_date"}
    assert tasks[1]["title"].startswith("Xây dựng Kế hoạch triển khai thực hiện Đề án")


@pytest.mark.parametrize(
    "variant",
    [
        "so cong thuong",
        "Sở Công thương",
        "SỞ CÔNG THƯƠNG",
        "  Sở   Công  Thương ",
        "sở công thương",
    ],
)
def test_name_variants_resolve_to_the_same_agency(tables: PlanTables, variant: str) -> None:
    name, tasks = agency_tasks(tables, PLAN, variant)
    assert name == "Sở Công Thương"
    assert [t["task_code"] for t in tasks] == SCT_LEAD_TASKS


def test_coordinator_only_agency_gets_no_tasks(tables: PlanTables) -> None:
    name, tasks = agency_tasks(tables, PLAN, "các sở, ban, ngành, địa phương")
    assert name == "Các sở, ban, ngành, địa phương"
    assert tasks == []


def test_unknown_plan_names_the_closest_plans(tables: PlanTables) -> None:
    with pytest.raises(TemplateError, match="Unknown plan id") as err:
        agency_tasks(tables, "thanh-hoa-2026", "Sở Công Thương")
    assert "Không tìm thấy kế hoạch" in str(err.value)
    assert PLAN in str(err.value)


def test_agency_not_in_plan_names_the_closest_agencies(tables: PlanTables) -> None:
    with pytest.raises(TemplateError, match="not assigned in plan") as err:
        agency_tasks(tables, PLAN, "Sở Công Thuơng Hà Nội")
    message = str(err.value)
    assert "không được giao nhiệm vụ" in message
    assert "Sở Công Thương" in message.split("closest names:")[1]
    with pytest.raises(TemplateError):
        agency_tasks(tables, PLAN, "   ")


# ---------------------------------------------------------------------------- workbook layout


def test_sheets_and_headers_follow_spec(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    names = [s.name for s in spec.DATA_SHEETS]
    assert wb.sheetnames == ["HuongDan", spec.INFO_SHEET, *names, "DanhMuc"]
    assert wb["DanhMuc"].sheet_state == "hidden"
    for sheet in spec.DATA_SHEETS:
        ws = wb[sheet.name]
        n = len(sheet.columns)
        assert ws.cell(1, 1).value == sheet.title
        assert ws.cell(1, 1).font.bold
        assert f"A1:{get_column_letter(n)}1" in {str(r) for r in ws.merged_cells.ranges}
        headers = [ws.cell(2, i).value for i in range(1, n + 1)]
        assert headers == [c.header for c in sheet.columns]
        assert all(ws.cell(2, i).font.bold for i in range(1, n + 1))
        assert ws.freeze_panes == "A3"
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_info_sheet_is_prefilled(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)[spec.INFO_SHEET]
    labels = [ws.cell(r, 1).value for r in range(1, len(spec.INFO_FIELDS) + 1)]
    assert labels == [f.header for f in spec.INFO_FIELDS]
    values = {f.key: ws.cell(r, 2) for r, f in enumerate(spec.INFO_FIELDS, start=1)}
    assert values["agency_name"].value == "Sở Công Thương"
    assert values["plan_id"].value == PLAN
    assert values["period"].value == "2026"
    assert values["report_date"].value is None
    assert values["report_date"].number_format == "DD/MM/YYYY"
    assert values["prepared_by"].value is None


def test_task_progress_is_prefilled_with_reference_columns(
    workbook_path: Path, tables: PlanTables
) -> None:
    ws = load_workbook(workbook_path)["TienDo"]
    n = len(spec.TASK_PROGRESS.columns)
    assert [ws.cell(2, n + 1).value, ws.cell(2, n + 2).value] == [TASK_TITLE_HELP, DEADLINE_HELP]
    assert _column_values(ws, 1) == SCT_LEAD_TASKS
    note = next(i for i, c in enumerate(spec.TASK_PROGRESS.columns, 1) if c.key == "note")
    assert _column_values(ws, note) == [None] * len(SCT_LEAD_TASKS)
    _, tasks = agency_tasks(tables, PLAN, "Sở Công Thương")
    assert _column_values(ws, n + 1) == [t["title"] for t in tasks]
    assert _column_values(ws, n + 2)[-1] == "Tháng 02/2026 và định kỳ theo quý"
    assert ws.protection.sheet and not ws.cell(3, 1).protection.locked


def test_target_counts_list_count_metrics_only(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)["ChiTieu"]
    assert _column_values(ws, 1) == [
        "official_integrity_rate",
        "agency_equipment_rate",
        "ecommerce_commitment_rate",
        "health_business_outreach_rate",
        "consumer_outreach_rate",
    ]


def test_every_choice_column_has_a_dropdown_over_danhmuc(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    lists = wb["DanhMuc"]
    for sheet in spec.DATA_SHEETS:
        ws = wb[sheet.name]
        by_col: dict[int, list] = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                min_col, min_row, _, max_row = range_boundaries(str(rng))
                assert (min_row, max_row) == (3, 2 + DATA_ROWS)
                by_col.setdefault(min_col, []).append(dv)
        for i, column in enumerate(sheet.columns, start=1):
            kinds = {dv.type for dv in by_col.get(i, [])}
            if column.kind in ("choice", "yesno"):
                (dv,) = by_col[i]
                assert dv.type == "list" and dv.formula1.startswith("'DanhMuc'!")
                ref = dv.formula1.split("!")[1].replace("$", "")
                assert [c.value for (c,) in lists[ref]] == column.labels
            elif column.kind == "date":
                assert kinds == {"date"}
                assert ws.column_dimensions[get_column_letter(i)].number_format == ("DD/MM/YYYY")
            elif column.kind in ("int", "money"):
                assert kinds == {"whole"}
                assert by_col[i][0].operator == "greaterThanOrEqual"
            else:
                assert kinds == set()


def test_guide_sheet_explains_the_rules(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)["HuongDan"]
    text = "\n".join(str(c.value) for (c,) in ws.iter_rows(max_col=1) if c.value)
    assert "dd/mm/yyyy" in text and "Không đổi tên" in text and "Sở Công Thương" in text
    assert "Người cung cấp tin" in text and "bí mật" in text
    assert all(c.label in text for c in spec.OUTCOMES)


# ---------------------------------------------------------------------------- reading back


def test_reads_back_with_polars_calamine(workbook_path: Path) -> None:
    for sheet in spec.DATA_SHEETS:
        df = pl.read_excel(
            workbook_path, sheet_name=sheet.name, engine="calamine", read_options={"header_row": 1}
        )
        assert df.columns[: len(sheet.columns)] == [c.header for c in sheet.columns]
    progress = pl.read_excel(
        workbook_path, sheet_name="TienDo", engine="calamine", read_options={"header_row": 1}
    )
    assert progress["Mã nhiệm vụ"].to_list() == SCT_LEAD_TASKS
    assert progress.height == len(SCT_LEAD_TASKS)  # formatted empty rows are not data


def test_formula_text_stays_literal_text(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    task = {"task_code": "=1+1", "title": INJECTION, "deadline_text": None, "due_date": None}
    write_template(out, "=A1", INJECTION, [task])
    wb = load_workbook(out, data_only=False)
    n = len(spec.TASK_PROGRESS.columns)
    for cell, text in [
        (wb["TienDo"].cell(3, n + 1), INJECTION),
        (wb["TienDo"].cell(3, 1), "=1+1"),
        (wb[spec.INFO_SHEET]["B1"], INJECTION),
        (wb[spec.INFO_SHEET]["B2"], "=A1"),
    ]:
        assert (cell.value, cell.data_type) == (text, "s")
    df = pl.read_excel(out, sheet_name="TienDo", engine="calamine", read_options={"header_row": 1})
    assert df[TASK_TITLE_HELP].to_list() == [INJECTION]
    assert df["Mã nhiệm vụ"].to_list() == ["=1+1"]


def test_set_value_drops_characters_excel_rejects() -> None:
    cell = Workbook().active["A1"]
    assert set_value(cell, "a\x01b").value == "ab"
    assert cell.data_type == "s"


def test_output_is_deterministic(tmp_path: Path, tables: PlanTables) -> None:
    name, tasks = agency_tasks(tables, PLAN, "Sở Công Thương")
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_template(a, PLAN, name, tasks, period="2026-Q3")
    write_template(b, PLAN, name, tasks, period="2026-Q3")
    assert a.read_bytes() == b.read_bytes()
    props = load_workbook(a).properties
    assert props.creator == "plan389"
    assert props.created == FIXED_TIME and props.modified == FIXED_TIME


def test_malformed_period_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="Invalid period"):
        write_template(tmp_path / "x.xlsx", PLAN, "Sở Công Thương", [], period="Q3/2026")
    assert not (tmp_path / "x.xlsx").exists()


def test_write_template_for_refuses_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    with pytest.raises(TemplateError):
        write_template_for(PLAN, "Sở Giáo dục và Đào tạo", out, PLANS_DIR)
    assert not out.exists()
