"""Legacy .xls and LibreOffice .ods submissions read exactly like .xlsx."""

from datetime import date
from pathlib import Path

import pytest
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from pipelines.plans.loader import load_plan_folder
from pipelines.reports.ingest import PlanContext, ingest_workbook
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.spec import INFO_FIELDS, TIPS
from tests.conftest import PLANS_DIR
from tests.reports.workbooks import POLICE_TH, write_report

ROWS = [
    [
        "TG-1",
        date(2026, 3, 5),
        "Đường dây nóng",
        "Tố giác",
        "Buôn lậu",
        "06/03/2026",
        None,
        None,
        None,
        "Nguyễn Văn An",
        "0912345678",
    ],
    [
        "TG-2",
        "07/03/2026",
        "Văn bản",
        "Tin báo",
        "Hàng giả",
        date(2026, 3, 8),
        date(2026, 4, 1),
        "Khởi tố vụ án",
        "Có",
        None,
        None,
    ],
    [
        "TG-3",
        "2026-03-09",
        "trực tiếp",
        "Tố giác",
        "Khác",
        "31/02/2026",
        None,
        None,
        None,
        None,
        None,
    ],
]


def _sheets() -> dict[str, list[list[object]]]:
    info = [[c.header, POLICE_TH.get(c.key)] for c in INFO_FIELDS]
    return {"ThongTin": info, "ToGiac": [[TIPS.title], [c.header for c in TIPS.columns], *ROWS]}


def write_xls(path: Path) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for name, rows in _sheets().items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write(r, c, value, date_style)
                elif value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path) -> Path:
    doc = OpenDocumentSpreadsheet()
    for name, rows in _sheets().items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                if isinstance(value, date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.strftime("%d/%m/%Y")))
                elif value is None:
                    cell = TableCell()
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def ctx() -> PlanContext:
    frames = load_plan_folder(PLANS_DIR).frames
    return PlanContext.from_frames(
        frames["plans"], frames["task_assignments"], frames["plan_targets"]
    )


def _loaded(result) -> list[tuple]:
    keys = (
        "tip_code",
        "received_date",
        "channel",
        "accepted_date",
        "resolved_date",
        "outcome",
        "criminal_signs",
        "informant_hash",
    )
    return [tuple(t[k] for k in keys) for t in result.rows["tips"]]


@pytest.mark.parametrize("writer", [write_xls, write_ods], ids=["xls", "ods"])
def test_legacy_and_libreoffice_formats_match_xlsx(
    tmp_path: Path, ctx: PlanContext, writer
) -> None:
    hasher = Pseudonymizer(b"k")
    suffix = ".xls" if writer is write_xls else ".ods"
    xlsx = write_report(tmp_path / "ref.xlsx", POLICE_TH, {TIPS: ROWS})
    other = writer(tmp_path / f"sent{suffix}")
    expected = ingest_workbook(xlsx, xlsx.name, ctx, hasher)
    result = ingest_workbook(other, other.name, ctx, hasher)
    assert result.error is None
    assert result.info.report_date == date(2026, 9, 25)
    assert _loaded(result) == _loaded(expected)
    assert [t[0] for t in _loaded(result)] == ["TG-1", "TG-2"]
    assert _loaded(result)[1][1:7] == (
        date(2026, 3, 7),
        "document",
        date(2026, 3, 8),
        date(2026, 4, 1),
        "prosecuted",
        "yes",
    )
    assert [(q["row_number"], q["rule"]) for q in result.quarantine] == [(5, "impossible_date")]
