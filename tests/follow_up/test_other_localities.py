"""Đôn đốc beyond the bundled data: a whole run over two plans of other localities — Cà Mau's
province plan (agency-centric text) and Trảng Bom commune's plan in Đồng Nai (markdown), from
the extraction corpus — with workbooks written here, then the follow-up lists, the feedback
copy and the mail, checked against what the plans say as of 23/11/2026 (the yearly reports were
due on 15/11):

- Cà Mau's Sở Công Thương reported on time: 2.a done, 2.b in progress, 2.c "done" with an
  impossible completion date (quarantined, so unreported);
- Trảng Bom's Công an xã reported 1.c in progress;
- nobody else reported.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from pipelines.follow_up.documents import FEEDBACK_FOLDER, LISTS_FOLDER, SUMMARY_NAME
from pipelines.follow_up.service import run_follow_up
from pipelines.plans.loader import load_plan_folder
from pipelines.reports.spec import TASK_PROGRESS
from pipelines.settings import CONTACTS_FILE, DataPaths
from tests.follow_up.test_follow_up import _sections
from tests.follow_up.test_mail import Collector, Server, _serve
from tests.reports.workbooks import write_report

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).parents[1] / "plans" / "corpus"
AS_OF = date(2026, 11, 23)
OVERDUE, NO_PROGRESS = "NHIỆM VỤ QUÁ HẠN", "NHIỆM VỤ CHƯA BÁO CÁO TIẾN ĐỘ"
MISSING, DUE_SOON = "BÁO CÁO CHƯA GỬI (QUÁ HẠN)", "NHIỆM VỤ SẮP ĐẾN HẠN"


def _days(due: str) -> int:
    return (AS_OF - date.fromisoformat(due)).days


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from pipelines.defs.warehouse.project import prepare_manifest
    from pipelines.run import run_all

    prepare_manifest()
    tmp = tmp_path_factory.mktemp("other-localities")
    data = tmp / "data"
    plans_dir = data / "raw" / "plans"
    plans_dir.mkdir(parents=True)
    (data / "raw" / "reports").mkdir(parents=True)
    shutil.copy(CORPUS / "11-ca-mau-agency-centric" / "document.txt", plans_dir / "ca-mau.txt")
    shutil.copy(
        CORPUS / "05-dong-nai-commune-agency-centric" / "document.md", plans_dir / "trang-bom.md"
    )
    plans = load_plan_folder(plans_dir).frames["plans"].filter(~pl.col("is_reference"))
    ids = dict(plans.select("locality", "plan_id").iter_rows())
    ca_mau, trang_bom = ids["Cà Mau"], ids["Trảng Bom"]
    report = data / "raw" / "reports"
    write_report(
        report / "ca-mau-so-cong-thuong-2026.xlsx",
        {
            "agency_name": "Sở Công Thương tỉnh Cà Mau",
            "plan_id": ca_mau,
            "period": "2026",
            "report_date": date(2026, 11, 10),
            "prepared_by": "Kiểm thử",
        },
        {
            TASK_PROGRESS: [
                ["2.a", "Hoàn thành", "20/03/2026", "Quyết định kiện toàn", None],
                ["2.b", "Đang thực hiện", None, None, None],
                ["2.c", "Hoàn thành", "31/02/2026", None, None],  # no such day: quarantined
            ]
        },
    )
    write_report(
        report / "trang-bom-cong-an-xa-2026.xlsx",
        {
            "agency_name": "Công an xã Trảng Bom",
            "plan_id": trang_bom,
            "period": "2026",
            "report_date": date(2026, 11, 12),
            "prepared_by": "Kiểm thử",
        },
        {TASK_PROGRESS: [["1.c", "Đang thực hiện", None, None, None]]},
    )
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLAN389_DATA_DIR", str(data))
        mp.setenv("PLAN389_AS_OF", AS_OF.isoformat())
        mp.setenv("XDG_CONFIG_HOME", str(tmp / "config"))
        code = run_all(echo=lines.append)
    assert code == 0, "\n".join(lines)
    return {"data": data, "ca_mau": ca_mau, "trang_bom": trang_bom}


def _list_of(run: dict, plan_id: str, agency_name: str) -> dict[str, list[tuple]]:
    """The sections of the list the follow-up asset wrote for the agency named so."""
    folder = run["data"] / "marts" / LISTS_FOLDER / plan_id
    for path in sorted(folder.glob("*.xlsx")):
        if path.name == SUMMARY_NAME:
            continue
        ws = load_workbook(path)["DonDoc"]
        if ws["C2"].value == agency_name:
            return _sections(path)
    raise AssertionError(f"no list for {agency_name} in {plan_id}")


def _tasks(sections: dict[str, list[tuple]], title: str) -> dict[str, int | None]:
    """Task code → days in a section."""
    return {str(r[1]): r[4] for r in sections.get(title, [])}


def test_province_agencies_get_what_the_plan_holds_them_to(run: dict) -> None:
    plan = run["ca_mau"]
    trade = _list_of(run, plan, "Sở Công Thương")
    # 2.a done; 2.b in progress past 30/6; 2.c's only line was quarantined: unreported
    assert _tasks(trade, OVERDUE) == {"2.b": _days("2026-06-30"), "2.c": _days("2026-09-30")}
    assert MISSING not in trade  # sent on 10/11, before 15/11
    [(_, file_name, rows, link, _)] = [r[:5] for r in trade["TỆP BÁO CÁO CẦN SỬA"]]
    assert (file_name, rows) == ("ca-mau-so-cong-thuong-2026.xlsx", 1)
    folder = run["data"] / "marts" / LISTS_FOLDER / plan
    copy = (folder / link).resolve()
    assert copy.is_relative_to(run["data"] / "marts" / FEEDBACK_FOLDER / plan)
    wb = load_workbook(copy)
    marked = {
        (ws.title, cell.coordinate) for ws in wb.worksheets for row in ws.iter_rows()
        for cell in row if cell.comment is not None
    }  # fmt: skip
    assert marked == {("TienDo", "C5")}  # title, header, 2.a, 2.b, then 2.c's completion date
    assert "31/02/2026" in wb["TienDo"]["C5"].comment.text

    market = _list_of(run, plan, "Chi cục Quản lý thị trường")
    assert _tasks(market, OVERDUE) == {"3.b": _days("2026-09-30")}
    assert set(_tasks(market, NO_PROGRESS)) == {"3.a"}  # ongoing: only when unreported
    assert [r[1] for r in market[MISSING]] == ["Báo cáo năm 2026"]
    # a task two agencies lead is on both lists
    for name in ("Sở Y tế", "Sở Nông nghiệp và Môi trường"):
        assert _tasks(_list_of(run, plan, name), OVERDUE) == {"6.a": _days("2026-09-30")}
    police = _list_of(run, plan, "Công an tỉnh")
    assert set(_tasks(police, NO_PROGRESS)) == {"1.a", "1.b"} and OVERDUE not in police


def test_commune_agencies_and_the_days_ahead(run: dict) -> None:
    plan = run["trang_bom"]
    police = _list_of(run, plan, "Công an xã")
    assert _tasks(police, OVERDUE) == {"1.c": _days("2026-06-30")}
    assert set(_tasks(police, NO_PROGRESS)) == {"1.a", "1.b"}
    economy = _list_of(run, plan, "Phòng Kinh tế")
    assert _tasks(economy, OVERDUE) == {
        "3.a": _days("2026-03-31"),
        "3.b": _days("2026-06-30"),
        "3.c": _days("2026-09-30"),
    }
    office = _list_of(run, plan, "Văn phòng HĐND và UBND xã")  # one office, not two agencies
    assert _tasks(office, OVERDUE) == {"2.a": _days("2026-02-28")}
    with pytest.raises(AssertionError, match="no list"):
        _list_of(run, plan, "UBND xã")
    culture = _list_of(run, plan, "Phòng Văn hóa – Xã hội")
    assert DUE_SOON not in culture  # 4.b is due 31/12: 38 days away, beyond the 30 shown
    paths = DataPaths(run["data"])
    ahead = run_follow_up(paths, run["data"] / "ahead", days=60, plan_id=plan)
    rows = ahead.follow.rows.filter(pl.col("category") == "due_soon")
    assert rows.select("task_code", "days").rows() == [("4.b", _days("2026-12-31"))]


def test_the_trade_department_is_mailed_its_list_and_copy(run: dict) -> None:
    data = run["data"]
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Tên cơ quan", "Email"])
    wb.active.append(["Sở Công Thương tỉnh Cà Mau", "vanthu@sct.camau.gov.vn"])
    wb.save(data / "raw" / CONTACTS_FILE)
    server: Server
    for server in _serve(Collector()):
        env = {
            "PLAN389_SMTP_HOST": "127.0.0.1",
            "PLAN389_SMTP_PORT": str(server.port),
            "PLAN389_SMTP_FROM": "bcd389@camau.gov.vn",
            "PLAN389_SMTP_TLS": "none",
        }
        outcome = run_follow_up(DataPaths(data), data / "sent", send=True, env=env)
        assert outcome.sending.ok and outcome.sending.contact_problems == []
        [received] = server.handler.received
        assert received.rcpt_tos == ["vanthu@sct.camau.gov.vn"]
        names = [a.get_filename() for a in received.message.iter_attachments()]
        assert names[1:] == ["ca-mau-so-cong-thuong-2026.xlsx"] and len(names) == 2
