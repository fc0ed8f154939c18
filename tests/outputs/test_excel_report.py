"""The annual Excel report, built from the marts of a real pipeline run on the bundled data."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

from pipelines.outputs.cells import set_value
from pipelines.outputs.excel_report import write_plan_report
from pipelines.outputs.presentation import FIELD_LABELS, INDICATOR_LABELS, METRIC_LABELS
from pipelines.outputs.report_data import ReportError, load_report_data
from tests.outputs.support import (
    COMMUNE_ORDER,
    HAM_RONG,
    HUNG_YEN,
    LAST_YEAR,
    copy_marts,
    mart,
    with_communes,
    with_last_year,
)
from tests.tools import program

pytestmark = pytest.mark.e2e  # the module fixture runs the whole asset graph (~60 s) or reuses it

PLAN, YEAR = "thanh-hoa-08-kh-ubnd-2026", 2026
GENERATED_AT = datetime(2026, 11, 23, 9, 30)
SHEETS = [
    "Bìa",
    "Chỉ tiêu",
    "Kỳ báo cáo",
    "Địa bàn cấp dưới",
    "Nhiệm vụ",
    "Tố giác",
    "Xử lý vi phạm",
    "Báo cáo",
    "Chất lượng dữ liệu",
]
PAYLOAD = '=HYPERLINK("http://x","y")'


@dataclass(frozen=True)
class Built:
    marts: Path  # the published marts of the run
    path: Path  # the report for PLAN × YEAR
    work: Path  # scratch space for variants


@pytest.fixture(scope="module")
def built(bundled_marts: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("excel_report")
    path = write_plan_report(
        bundled_marts, PLAN, YEAR, root / "report.xlsx", generated_at=GENERATED_AT
    )
    return Built(bundled_marts, path, root)


def _marts_copy(built: Built, name: str, without: tuple[str, ...] = ()) -> Path:
    """The run's Parquet marts in a new folder, to alter one without touching the others."""
    target = built.work / name
    target.mkdir()
    for src in built.marts.glob("*.parquet"):
        if src.stem not in without:
            shutil.copy(src, target / src.name)
    return target


def _rows(ws, first: int, width: int) -> list[list]:
    """Rows from `first` until the first blank line."""
    out = []
    for row in ws.iter_rows(min_row=first, max_col=width, values_only=True):
        if all(v is None for v in row):
            break
        out.append(list(row))
    return out


def _find(ws, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


def test_sheets_and_cover(built: Built) -> None:
    wb = load_workbook(built.path)
    assert wb.sheetnames == SHEETS
    cover = {r[0]: r[1] for r in wb["Bìa"].iter_rows(min_row=6, max_col=2, values_only=True)}
    assert cover["Kế hoạch số"] == "08/KH-UBND"
    assert cover["Kỳ báo cáo"] == "năm 2026"
    assert cover["Thời điểm lập báo cáo"] == GENERATED_AT
    compliance = pl.read_parquet(built.marts / "mart_reporting_compliance.parquet")
    latest = compliance.filter(pl.col("plan_id") == PLAN)["last_submission_date"].max()
    assert cover["Báo cáo mới nhất nhận được"].date() == latest
    assert cover["Số liệu tính đến ngày"].date() == date(2026, 11, 23)  # the pinned as-of date


def test_kpi_rows_equal_the_mart(built: Built) -> None:
    mart = pl.read_parquet(built.marts / "mart_kpi_targets.parquet").filter(
        (pl.col("plan_id") == PLAN) & (pl.col("report_year") == YEAR) & (pl.col("scope") == "plan")
    )
    ws = load_workbook(built.path)["Chỉ tiêu"]
    sheet = {r[1]: r for r in _rows(ws, 5, 8)}
    assert len(sheet) == mart.height == 9
    for kpi in mart.iter_rows(named=True):
        _, _, _, actual, numerator, denominator, status, _ = sheet[METRIC_LABELS[kpi["metric"]]]
        assert (numerator, denominator) == (kpi["numerator"], kpi["denominator"])
        assert actual == pytest.approx(kpi["actual"])
        expected = {True: "Đạt", False: "Chưa đạt"}.get(kpi["met"], "Không đặt chỉ tiêu")
        assert status == expected
    resolution = sheet[METRIC_LABELS["tip_resolution_rate"]]
    assert (resolution[2], resolution[6]) == ("> 90%", "Chưa đạt")
    assert sheet[METRIC_LABELS["tip_acceptance_rate"]][2] == "≥ 100%"
    # the per-agency breakdown below, one line per agency × metric
    agency_rows = _rows(ws, _find(ws, "Chi tiết theo đơn vị") + 2, 8)
    assert len(agency_rows) == 11
    assert {r[7] for r in agency_rows} >= {"Công an tỉnh", "Sở Công Thương"}


def test_formats_frozen_panes_page_setup(built: Built) -> None:
    wb = load_workbook(built.path)
    kpi = wb["Chỉ tiêu"]
    assert all(kpi.cell(r, 4).number_format == "0.0%" for r in range(5, 14))
    assert all(kpi.cell(r, 5).number_format == "#,##0" for r in range(5, 14))
    tasks = wb["Nhiệm vụ"]
    assert tasks["G5"].number_format == tasks["H5"].number_format == "0.0%"
    assert wb["Xử lý vi phạm"]["E5"].number_format == "#,##0"  # fines, VND
    assert kpi["A4"].font.bold and kpi["A4"].fill.fgColor.rgb.endswith("DDEBF7")
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.freeze_panes == (None if ws.title == "Bìa" else "A5"), ws.title


def test_status_column_is_coloured_by_rules(built: Built) -> None:
    ws = load_workbook(built.path)["Chỉ tiêu"]
    rules = {
        (str(rng.sqref), rule.formula[0], rule.dxf.fill.bgColor.rgb[-6:])
        for rng in ws.conditional_formatting
        for rule in rng.rules
    }
    assert ("G5:G13", '"Đạt"', "C6EFCE") in rules
    assert ("G5:G13", '"Chưa đạt"', "FFC7CE") in rules


def test_tasks_tipoffs_and_compliance(built: Built) -> None:
    wb = load_workbook(built.path)
    overdue = _rows(wb["Nhiệm vụ"], _find(wb["Nhiệm vụ"], "Nhiệm vụ quá hạn (3)") + 2, 11)
    assert [(r[2], r[1], r[8]) for r in overdue] == [
        ("7.5", "Sở Y tế", 268),
        ("7.6", "Sở Văn hóa, Thể thao và Du lịch", 268),
        ("7.7", "Sở Công Thương", 268),
    ]
    tips = pl.read_parquet(built.marts / "mart_tipoffs_monthly.parquet").filter(
        (pl.col("plan_id") == PLAN) & (pl.col("report_year") == YEAR) & (pl.col("scope") == "plan")
    )
    months = _rows(wb["Tố giác"], 5, 14)
    assert months[-1][0] == "Cả năm 2026"
    flows = 1 + len(FIELD_LABELS)  # after the month and one column per field: received, ...
    assert months[-1][flows : flows + 3] == [
        tips["received"].sum(),
        tips["accepted"].sum(),
        tips["resolved"].sum(),
    ]
    assert (
        sum(r[1] for r in months[:-1])
        == tips.filter(pl.col("field") == "smuggling")["received"].sum()
    )
    compliance = _rows(wb["Báo cáo"], 5, 9)
    assert len(compliance) == 15
    assert compliance[0][8] == "Chưa báo cáo"
    late = next(r for r in compliance if r[8] == "Nộp muộn")
    assert (late[1], late[7]) == ("Sở Xây dựng", 18)


def _headline(marts: Path, plan: str, scope: str, period: str) -> dict[str, dict]:
    rows = mart(marts, "mart_headline_indicators").filter(
        (pl.col("plan_id") == plan) & (pl.col("scope") == scope) & (pl.col("period") == period)
    )
    return {r["indicator"]: r for r in rows.iter_rows(named=True)}


def test_period_sheet_equals_the_mart(built: Built) -> None:
    ws = load_workbook(built.path)["Kỳ báo cáo"]
    # Thanh Hóa reports yearly: the year to date is its year; then its tree's (with Hàm Rồng)
    for scope, band, label in (
        ("plan", 3, "Các đơn vị thực hiện Kế hoạch"),
        ("tree", 17, "Toàn địa bàn (Kế hoạch và các kế hoạch cấp dưới)"),
    ):
        assert [c.value for c in ws[band] if c.value] == [label, "Lũy kế năm 2026"]
        assert [c.value for c in ws[band + 1]] == [
            "STT",
            "Nội dung",
            "Kỳ này",
            "Cùng kỳ năm 2025",
            "So với cùng kỳ",
        ]
        year = _headline(built.marts, PLAN, scope, "2026")
        rows = _rows(ws, band + 2, 5)
        assert [r[1] for r in rows[:9]] == list(INDICATOR_LABELS.values())
        for (_, _, value, previous, change), code in zip(rows, INDICATOR_LABELS, strict=False):
            assert (value, previous, change) == (year[code]["ytd_value"], None, "—")
        assert rows[9][0] == "Chưa có số liệu theo tháng, quý của năm 2026."
    assert ws.cell(9, 3).value == 1322 and ws.cell(23, 3).value == 1339  # cases_total
    assert ws.cell(9, 3).number_format == "#,##0"
    assert ws.cell(9, 5).number_format == '"+"0.0%;"−"0.0%;0.0%'


def test_period_sheet_of_monthly_reports(built: Built) -> None:
    """Hưng Yên sent September's figures and a yearly report some agencies are missing from."""
    path = write_plan_report(built.marts, HUNG_YEN, YEAR, built.work / "hung_yen.xlsx")
    ws = load_workbook(path)["Kỳ báo cáo"]
    assert [c.value for c in ws[3] if c.value] == [
        "Các đơn vị thực hiện Kế hoạch",
        "Tháng 09/2026",
        "Quý III/2026 (chưa đủ kỳ)",
        "Lũy kế năm 2026 (chưa đủ kỳ)",
    ]
    month = _headline(built.marts, HUNG_YEN, "plan", "2026-09")
    quarter = _headline(built.marts, HUNG_YEN, "plan", "2026-Q3")
    year = _headline(built.marts, HUNG_YEN, "plan", "2026")
    assert not month["cases_total"]["ytd_is_complete"]  # September alone: not a year to date
    rows = _rows(ws, 5, 11)
    assert len(rows) == 9  # no note: every period has data; no tree: no plan below it
    for row, code in zip(rows, INDICATOR_LABELS, strict=True):
        assert row[2::3] == [month[code]["value"], quarter[code]["value"], year[code]["ytd_value"]]
        assert row[4::3] == ["—"] * 3
    assert rows[4][2::3] == [79, 79, 799]  # cases_total
    assert "Toàn địa bàn" not in [c.value for row in ws.iter_rows() for c in row]


def test_period_changes_are_percent_cells(built: Built) -> None:
    marts = with_last_year(copy_marts(built.marts, built.work / "last_year"))
    ws = load_workbook(write_plan_report(marts, PLAN, YEAR, built.work / "last_year.xlsx"))[
        "Kỳ báo cáo"
    ]
    rows = {r[1]: r[2:] for r in _rows(ws, 5, 5)[:9]}
    assert rows["Tổng số vụ vi phạm"] == [1322, LAST_YEAR["cases_total"], pytest.approx(0.322)]
    assert rows["Số vụ khác"] == [159, 200, pytest.approx(-0.205)]
    assert rows["Số bị can"] == [93, 0, "—"]  # last year's 0: no change to state
    assert rows["Số vụ khởi tố"] == [58, None, "—"]


def _tree_mart(marts: Path, plan: str) -> dict:
    status = mart(marts, "mart_plan_tree_status").filter(pl.col("report_year") == YEAR)
    return status.filter(pl.col("plan_id") == plan).row(0, named=True)


def test_tree_sheet_equals_the_mart(built: Built) -> None:
    ws = load_workbook(built.path)["Địa bàn cấp dưới"]
    header = [c.value for c in ws[4]]
    assert header[:3] == ["STT", "Địa bàn", "Số kế hoạch"] and header[-2:] == [
        "Tình trạng",
        "Lý do",
    ]
    ham_rong, own, total = _rows(ws, 5, 15)[:3]
    commune = _tree_mart(built.marts, HAM_RONG)
    assert ham_rong[:3] == [1, "phường Hàm Rồng", "(không ghi số)"]
    counts = ("kpis_met", "kpis_below", "kpis_without_data")
    assert ham_rong[3:6] == [commune[c] for c in counts] == [2, 1, 0]
    assert ham_rong[6] == METRIC_LABELS[commune["lowest_kpi_metric"]]
    assert ham_rong[7] == pytest.approx(commune["lowest_kpi_actual"])
    reports = ("reports_due", "reports_received", "reports_missing", "reports_late")
    assert ham_rong[8:13] == [commune[c] for c in (*reports, "tasks_overdue")] == [6, 3, 3, 0, 0]
    assert ham_rong[13:] == ["Chậm tiến độ", "1 chỉ tiêu chưa đạt; thiếu 3 báo cáo"]
    province = _tree_mart(built.marts, PLAN)
    assert own[:6] == [None, "Các đơn vị thực hiện Kế hoạch", "08/KH-UBND", 3, 5, 0]
    assert own[8:13] == [province[c] for c in (*reports, "tasks_overdue")]
    assert total[1] == "Toàn địa bàn"
    assert total[3:5] == [province["tree_kpis_met"], province["tree_kpis_below"]] == [2, 6]
    assert total[8:13] == [own[i] + ham_rong[i] for i in range(8, 13)] == [21, 9, 12, 1, 3]
    assert total[14] == "6 chỉ tiêu chưa đạt; thiếu 12 báo cáo; 3 nhiệm vụ quá hạn"
    rules = {
        (str(rng.sqref), rule.operator, rule.formula[0])
        for rng in ws.conditional_formatting
        for rule in rng.rules
    }
    assert {("K5:K7", "greaterThan", "0"), ("N5:N7", "equal", '"Chậm tiến độ"')} <= rules

    tree_kpis = mart(built.marts, "mart_kpi_targets").filter(
        (pl.col("plan_id") == PLAN) & (pl.col("report_year") == YEAR) & (pl.col("scope") == "tree")
    )
    kpis = _rows(ws, _find(ws, "Toàn địa bàn: chỉ tiêu (thấp nhất trước)") + 2, 7)
    assert len(kpis) == tree_kpis.height == 9
    assert [r[3] for r in kpis] == pytest.approx(sorted(tree_kpis["actual"]))  # lowest first
    lowest = tree_kpis.sort("actual").row(1, named=True)  # the first has no target
    assert kpis[1][1:] == [
        METRIC_LABELS[lowest["metric"]],
        "> 90%",
        pytest.approx(lowest["actual"]),
        lowest["numerator"],
        lowest["denominator"],
        "Chưa đạt",
    ]
    below = _rows(ws, _find(ws, "Chỉ tiêu của từng địa bàn cấp dưới (thấp nhất trước)") + 2, 8)
    commune_kpis = mart(built.marts, "mart_kpi_targets").filter(
        (pl.col("plan_id") == HAM_RONG) & (pl.col("scope") == "plan")
    )
    assert len(below) == commune_kpis.height == 6
    assert [r[3] for r in below] == pytest.approx(sorted(commune_kpis["actual"]))
    assert {r[7] for r in below} == {"phường Hàm Rồng"}


def test_tree_sheet_lists_communes_lowest_first(built: Built) -> None:
    marts = with_communes(copy_marts(built.marts, built.work / "communes"))
    ws = load_workbook(write_plan_report(marts, PLAN, YEAR, built.work / "communes.xlsx"))[
        "Địa bàn cấp dưới"
    ]
    rows = _rows(ws, 5, 15)
    assert [r[1] for r in rows] == [*COMMUNE_ORDER, "Các đơn vị thực hiện Kế hoạch", "Toàn địa bàn"]
    by_name = {r[1]: r for r in rows}
    assert by_name["xã Quảng Phú"][13:] == [
        "Chậm tiến độ",
        "2 chỉ tiêu chưa đạt; thiếu 2 báo cáo; 1 nhiệm vụ quá hạn",
    ]
    assert by_name["phường Đông Sơn"][13:] == ["Đúng tiến độ", None]
    assert by_name["phường An Hưng"][3:] == [None] * 10 + ["Chưa có số liệu", None]
    assert by_name["Toàn địa bàn"][10] == 9 + 3 + 2  # reports missing in the whole tree

    hung_yen = write_plan_report(built.marts, HUNG_YEN, YEAR, built.work / "no_tree.xlsx")
    ws = load_workbook(hung_yen)["Địa bàn cấp dưới"]
    assert ws["A4"].value == "Kế hoạch không có kế hoạch cấp dưới."


def test_enforcement_sheet_reads_the_mart_when_published(built: Built) -> None:
    marts = _marts_copy(built, "with_enforcement")
    fields = [
        "smuggling",
        "prohibited_goods",
        "trade_fraud",
        "counterfeit",
        "ip_infringement",
        "other",
    ]
    pl.DataFrame(
        {
            "plan_id": [PLAN] * 6,
            "report_year": [YEAR] * 6,
            "field": fields,
            "inspections": [412, 40, 305, 188, 64, 97],
            "violations": [298, 31, 241, 150, 41, 70],
            "administrative_cases": [280, 25, 233, 139, 38, 66],
            "fines_vnd": [
                8_450_000_000,
                900_000_000,
                5_120_500_000,
                2_310_000_000,
                640_000_000,
                415_000_000,
            ],
            "tax_arrears_vnd": [1_200_000_000, 0, 3_400_000_000, 0, 0, 10_000_000],
            "confiscated_sales_vnd": [560_000_000, 75_000_000, 0, 120_000_000, 0, 0],
            "goods_value_vnd": [
                41_870_300_000,
                2_000_000_000,
                18_902_000_000,
                9_455_750_000,
                3_120_000_000,
                1_250_000_000,
            ],
            "prosecutions": [14, 3, 6, 9, 2, 1],
            "defendants": [23, 4, 8, 15, 3, 1],
        }
    ).write_parquet(marts / "mart_enforcement_by_field.parquet")
    path = write_plan_report(marts, PLAN, YEAR, built.work / "enforcement.xlsx")
    rows = _rows(load_workbook(path)["Xử lý vi phạm"], 5, 10)
    assert [r[0] for r in rows] == [
        "Buôn lậu",
        "Hàng cấm",
        "Gian lận thương mại",
        "Hàng giả",
        "Xâm phạm sở hữu trí tuệ",
        "Khác",
        "Tổng cộng",
    ]
    assert rows[0][1:] == [
        412,
        298,
        280,
        8_450_000_000,
        1_200_000_000,
        560_000_000,
        41_870_300_000,
        14,
        23,
    ]
    assert rows[-1][1:] == [
        1106,
        831,
        781,
        17_835_500_000,
        4_610_000_000,
        755_000_000,
        76_598_050_000,
        35,
        54,
    ]

    absent = _marts_copy(built, "without_enforcement", without=("mart_enforcement_by_field",))
    path = write_plan_report(absent, PLAN, YEAR, built.work / "no_enforcement.xlsx")
    assert load_workbook(path)["Xử lý vi phạm"]["A6"].value == "Chưa có số liệu"


def test_submitted_text_is_never_a_formula(built: Built) -> None:
    """A formula typed into a workbook field reaches the report as inert text."""
    marts = _marts_copy(built, "injection")

    def poison(mart: str, column: str, where: pl.Expr) -> None:
        df = pl.read_parquet(marts / f"{mart}.parquet")
        df = df.with_columns(
            pl.when(where).then(pl.lit(PAYLOAD)).otherwise(pl.col(column)).alias(column)
        )
        df.write_parquet(marts / f"{mart}.parquet")

    poison("mart_task_completion_by_agency", "agency_name", pl.col("agency_name") == "Sở Y tế")
    poison("mart_plan_tasks", "expected_output", pl.col("task_code") == "7.5")
    poison("mart_quarantine", "offending_value", pl.col("plan_id") == PLAN)
    path = write_plan_report(marts, PLAN, YEAR, built.work / "injection.xlsx")

    wb = load_workbook(path, data_only=False)
    hits = [(ws.title, c) for ws in wb for row in ws.iter_rows() for c in row if c.value == PAYLOAD]
    assert {title for title, _ in hits} == {"Nhiệm vụ", "Chất lượng dữ liệu"}
    assert len(hits) >= 4  # agency, expected output, quarantine value (2 rows)
    assert all(cell.data_type == "s" for _, cell in hits)
    with zipfile.ZipFile(path) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)  # no formula anywhere
    assert sum(xml.count("HYPERLINK") for xml in sheets) == len(hits)


def test_set_value_keeps_text_as_text(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    values = [PAYLOAD, "+84 912 345 678", "-5", "@SUM(A1:A2)", "Sở\x07 Y tế", 12, None]
    for i, value in enumerate(values, start=1):
        set_value(ws.cell(i, 1), value)
    wb.save(tmp_path / "t.xlsx")
    back = load_workbook(tmp_path / "t.xlsx", data_only=False).active
    assert [back.cell(i, 1).value for i in range(1, 8)] == [*values[:4], "Sở Y tế", 12, None]
    assert all(back.cell(i, 1).data_type == "s" for i in range(1, 6))
    assert back["A1"].quotePrefix and not back["A5"].quotePrefix


def test_report_errors(built: Built) -> None:
    with pytest.raises(ReportError, match="thanh-hoa-08-kh-ubnd-2026"):
        load_report_data(built.marts, "thanh-hoa-08-kh-ubnd", YEAR)  # a near miss is suggested
    with pytest.raises(ReportError, match="Unknown plan id 'vn-397-nq-cp-2025'"):
        load_report_data(built.marts, "vn-397-nq-cp-2025", YEAR)  # the national reference node
    with pytest.raises(ReportError, match=r"No data for plan .* in 2019"):
        load_report_data(built.marts, PLAN, 2019)
    with pytest.raises(ReportError, match="mart_kpi_targets"):
        load_report_data(_marts_copy(built, "partial", without=("mart_kpi_targets",)), PLAN, YEAR)


def test_libreoffice_opens_and_prints_it(built: Built) -> None:
    libreoffice = program("libreoffice", "soffice", package="libreoffice-calc")
    pdftotext = program("pdftotext", package="poppler-utils")
    out = built.work / "pdf"
    profile = (built.work / "lo-profile").as_uri()  # a private profile: no clash with a user's
    subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(built.path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out / "report.pdf"
    assert pdf.is_file()
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert text.count("\f") >= len(SHEETS)  # a page (or more) per sheet
    for expected in (
        "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH",
        "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "Chỉ tiêu",
        "Chưa đạt",
        "Chưa báo cáo",
        "08/KH-UBND",
    ):
        assert expected in text, expected
    # the rate and count formats, whatever the decimal and thousands marks of the locale
    assert re.search(r"82[.,]2\s?%", text) and re.search(r"138[.,]294", text)
