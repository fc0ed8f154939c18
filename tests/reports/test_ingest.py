"""One workbook → loaded rows, quarantine rows with reasons, or a file-level error."""

import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.plans.loader import load_plan_folder
from pipelines.reports.ingest import PlanContext, WorkbookResult, ingest_workbook
from pipelines.reports.loader import load_report_folder
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.spec import ENFORCEMENT, TARGET_COUNTS, TASK_PROGRESS, TIPS
from tests.conftest import PLANS_DIR
from tests.reports.workbooks import POLICE_TH, write_report

HASHER = Pseudonymizer(b"test-key")


@pytest.fixture(scope="module")
def ctx() -> PlanContext:
    frames = load_plan_folder(PLANS_DIR).frames
    return PlanContext.from_frames(
        frames["plans"], frames["task_assignments"], frames["plan_targets"]
    )


def _ingest(path: Path, ctx: PlanContext) -> WorkbookResult:
    return ingest_workbook(path, path.name, ctx, HASHER)


def _tip(
    code: str,
    received="05/03/2026",
    accepted="06/03/2026",
    resolved=None,
    outcome=None,
    signs=None,
    name="Nguyễn Văn An",
    phone="0912345678",
    channel="Đường dây nóng",
):
    return [
        code,
        received,
        channel,
        "Tố giác",
        "Buôn lậu",
        accepted,
        resolved,
        outcome,
        signs,
        name,
        phone,
    ]


def _rules(result: WorkbookResult) -> list[tuple[int, str, str]]:
    return sorted((q["row_number"], q["column_name"], q["rule"]) for q in result.quarantine)


def test_clean_register_loads_every_row_and_hashes_informants(tmp_path: Path, ctx) -> None:
    rows = [
        _tip("TG-1"),
        _tip("TG-2", resolved="20/04/2026", outcome="Khởi tố vụ án", signs="Có"),
        _tip("TG-3", accepted=None, name=None, phone=None),
    ]
    result = _ingest(write_report(tmp_path / "a.xlsx", POLICE_TH, {TIPS: rows}), ctx)
    assert result.error is None and result.quarantine == []
    assert result.info.agency_id == "38:cong-an-tinh"
    tips = result.rows["tips"]
    assert [t["tip_code"] for t in tips] == ["TG-1", "TG-2", "TG-3"]
    assert [t["row_number"] for t in tips] == [3, 4, 5]  # title row, header row, then data
    assert tips[1]["outcome"] == "prosecuted" and tips[1]["criminal_signs"] == "yes"
    assert tips[0]["informant_hash"] == HASHER.name("nguyễn văn an") == tips[1]["informant_hash"]
    assert tips[2]["informant_hash"] is None
    assert all(
        "Nguyễn" not in str(v) and "0912345678" not in str(v) for t in tips for v in t.values()
    )


def test_dirty_layout_still_reads(tmp_path: Path, ctx) -> None:
    header = [
        "STT",
        "MÃ TIN",
        "ngay tiep nhan",
        "Kênh",
        "Loại",
        "Lĩnh  vực",
        "Ngày thụ lý",
        "Ngày giải quyết",
        "Kết quả",
        "Có dấu hiệu tội phạm",
        "Người cung cấp tin",
        "Số điện thoại",
        "Ghi chú nội bộ",
    ]
    rows = [
        [1, *_tip("TG-1", received="2026-03-05", channel="  đường DÂY nóng "), "x"],
        [None] * 13,
        [
            2,
            *_tip(
                "TG-2", received="5-3-2026", resolved="9/4/2026", outcome="khởi tố vụ án", signs="x"
            ),
            None,
        ],
    ]
    path = write_report(
        tmp_path / "b.xlsx", POLICE_TH, {TIPS: rows}, title_rows=3, headers={"ToGiac": header}
    )
    result = _ingest(path, ctx)
    assert result.quarantine == []
    assert [(t["tip_code"], t["received_date"], t["row_number"]) for t in result.rows["tips"]] == [
        ("TG-1", date(2026, 3, 5), 5),
        ("TG-2", date(2026, 3, 5), 7),
    ]
    assert result.counts[0].rows_read == 2


def test_every_tip_rule_quarantines_with_its_reason(tmp_path: Path, ctx) -> None:
    rows = [
        _tip("TG-1", received="31/02/2026"),  # row 3: impossible date
        _tip("TG-2", received="10/03/2026", accepted="09/03/2026"),  # accepted before received
        _tip("TG-3", resolved="01/03/2026", outcome="Tạm đình chỉ"),  # resolved before accepted
        _tip("TG-4", resolved="20/04/2026"),  # resolved without outcome
        _tip("TG-5", outcome="Khởi tố vụ án"),  # outcome without resolution
        _tip("TG-6", accepted=None, resolved="20/04/2026", outcome="Tạm đình chỉ"),
        _tip("TG-7", received="01/10/2026", accepted=None),  # after the report date (25/09)
        _tip("TG-1"),  # row 10: duplicate of row 3's code — but row 3 was quarantined
        _tip("TG-2b", channel="Facebook"),
        _tip("TG-8"),
        _tip("TG-8"),  # row 13: duplicate
    ]
    result = _ingest(write_report(tmp_path / "c.xlsx", POLICE_TH, {TIPS: rows}), ctx)
    assert _rules(result) == [
        (3, "received_date", "impossible_date"),
        (4, "accepted_date", "accepted_before_received"),
        (5, "resolved_date", "resolved_before_accepted"),
        (6, "outcome", "resolution_without_outcome"),
        (7, "outcome", "outcome_without_resolution"),
        (8, "resolved_date", "resolved_without_acceptance"),
        (9, "received_date", "date_after_report"),
        (11, "channel", "invalid_choice"),
        (13, "tip_code", "duplicate_tip_code"),
    ]
    q = next(q for q in result.quarantine if q["rule"] == "accepted_before_received")
    assert q["sheet"] == "ToGiac" and q["column_header"] == "Ngày thụ lý"
    assert q["reason_vi"] == "Ngày thụ lý: Ngày thụ lý trước ngày tiếp nhận"
    assert q["reason_en"] == "Ngày thụ lý: Accepted (thụ lý) before it was received"
    assert q["value"] == "2026-03-09"
    [count] = result.counts
    assert (count.rows_read, count.rows_loaded, count.rows_quarantined) == (11, 2, 9)
    assert {t["tip_code"] for t in result.rows["tips"]} == {"TG-1", "TG-8"}


def test_missing_required_column_quarantines_every_row(tmp_path: Path, ctx) -> None:
    header = [c.header for c in TIPS.columns if c.key != "received_date"]
    rows = [[r for i, r in enumerate(_tip(f"TG-{n}")) if i != 1] for n in range(3)]
    path = write_report(tmp_path / "d.xlsx", POLICE_TH, {TIPS: rows}, headers={"ToGiac": header})
    result = _ingest(path, ctx)
    assert result.rows["tips"] == []
    assert {(q["column_name"], q["rule"]) for q in result.quarantine} == {
        ("received_date", "missing_column")
    }
    assert result.counts[0].rows_quarantined == 3


def test_task_progress_rules(tmp_path: Path, ctx) -> None:
    info = {**POLICE_TH, "agency_name": "Sở Công Thương"}
    rows = [
        ["2.6", "Hoàn thành", "15/03/2026", "Kế hoạch số 12", None],  # led by Sở Công Thương
        ["1.1", "Đang thực hiện", None, None, None],  # footnote lead
        ["2.1", "Chưa thực hiện", None, None, None],  # "Các sở, ban, ngành" (a collective)
        ["6.2", "Hoàn thành", "01/04/2026", None, None],  # led by Công an tỉnh
        ["9.9", "Hoàn thành", "01/04/2026", None, None],  # not in the plan
        ["3.1", "Hoàn thành", None, None, None],  # completed without a date
        ["3.2", None, None, None, None],  # template row left untouched: blank
    ]
    result = _ingest(write_report(tmp_path / "e.xlsx", info, {TASK_PROGRESS: rows}), ctx)
    assert [r["task_code"] for r in result.rows["task_progress"]] == ["2.6", "1.1", "2.1"]
    assert _rules(result) == [
        (6, "task_code", "task_not_assigned"),
        (7, "task_code", "task_not_in_plan"),
        (8, "completed_date", "completed_without_date"),
    ]
    assert result.counts[0].rows_read == 6


def test_enforcement_and_target_counts(tmp_path: Path, ctx) -> None:
    enforcement = [
        [
            "Buôn lậu",
            "120",
            "45",
            "40",
            "1.234.500.000",
            "300.000.000",
            "12.000.000",
            "2.500.000.000",
            "5",
            "7",
        ],
        [
            "Hàng giả",
            "30",
            "31",
            "20",
            None,
            None,
            None,
            None,
            None,
            None,
        ],  # violations > inspections
        ["Gian lận thương mại", "-1", "0", None, None, None, None, None, None, None],
        ["Buôn lậu", "1", "1", None, None, None, None, None, None, None],
    ]
    targets = [
        ["ecommerce_commitment_rate", "1.240", "1.175"],
        ["made_up_rate", 10, 5],
        ["consumer_outreach_rate", 10, 11],
    ]
    info = {**POLICE_TH, "agency_name": "Sở Công Thương"}
    path = write_report(
        tmp_path / "f.xlsx", info, {ENFORCEMENT: enforcement, TARGET_COUNTS: targets}
    )
    result = _ingest(path, ctx)
    [row] = result.rows["enforcement"]
    assert (row["field"], row["fines_vnd"], row["goods_value_vnd"]) == (
        "smuggling",
        1234500000,
        2500000000,
    )
    assert (row["tax_arrears_vnd"], row["confiscated_sales_vnd"]) == (300_000_000, 12_000_000)
    assert result.rows["target_counts"] == [
        {
            "workbook_id": result.workbook_id,
            "row_number": 3,
            "metric": "ecommerce_commitment_rate",
            "total": 1240,
            "achieved": 1175,
        }
    ]
    found = sorted(
        (q["sheet"], q["row_number"], q["column_name"], q["rule"]) for q in result.quarantine
    )
    assert found == [
        ("ChiTieu", 4, "metric", "unknown_metric"),
        ("ChiTieu", 5, "achieved", "achieved_exceeds_total"),
        ("XuLy", 4, "violations", "violations_exceed_inspections"),
        ("XuLy", 5, "inspections", "negative_count"),
        ("XuLy", 5, "violations", "violations_exceed_inspections"),  # 0 > -1: both rules hold
        ("XuLy", 6, "field", "duplicate_field"),
    ]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_text("Mã tin,Ngày\nTG-1,2026-01-01\n"), "not a spreadsheet"),
        (lambda p: p.write_bytes(b""), "empty"),
        (
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
            "password-protected",
        ),
    ],
)
def test_unusable_files_are_errors(tmp_path: Path, ctx, make, reason: str) -> None:
    path = tmp_path / "x.xlsx"
    make(path)
    result = _ingest(path, ctx)
    assert result.error is not None and reason in result.error
    assert result.rows == {} and result.quarantine == []


def test_truncated_zip_bomb_and_missing_info(tmp_path: Path, ctx) -> None:
    good = write_report(tmp_path / "good.xlsx", POLICE_TH, {TIPS: [_tip("TG-1")]})
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "corrupt or truncated" in _ingest(truncated, ctx).error

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024**2))
    assert "zip bomb" in _ingest(bomb, ctx).error

    no_info = write_report(tmp_path / "noinfo.xlsx", POLICE_TH, {TIPS: [_tip("TG-1")]})
    from openpyxl import load_workbook

    wb = load_workbook(no_info)
    del wb["ThongTin"]
    wb.save(no_info)
    assert "no ThongTin sheet" in _ingest(no_info, ctx).error

    unknown = write_report(tmp_path / "u.xlsx", {**POLICE_TH, "plan_id": "ha-noi-kh-2026"}, {})
    assert "unknown Mã kế hoạch 'ha-noi-kh-2026'" in _ingest(unknown, ctx).error


def test_folder_resubmission_and_accounting(tmp_path: Path, ctx) -> None:
    write_report(
        tmp_path / "v1.xlsx", POLICE_TH, {TIPS: [_tip("TG-1"), _tip("TG-2", received="x")]}
    )
    later = {**POLICE_TH, "report_date": date(2026, 9, 28)}
    write_report(tmp_path / "v2.xlsx", later, {TIPS: [_tip("TG-1"), _tip("TG-2"), _tip("TG-3")]})
    (tmp_path / "notes.txt").write_text("not a workbook")
    tables = load_report_folder(tmp_path, ctx, HASHER).frames

    books = tables["report_workbooks"].sort("file_name")
    assert books["is_superseded"].to_list() == [True, False]
    assert books["superseded_by"][0] == books["workbook_id"][1]
    assert tables["report_ingestion_errors"]["file_name"].to_list() == ["notes.txt"]
    # every row read is loaded or quarantined, per file and sheet
    counts = tables["report_sheet_counts"]
    assert (counts["rows_read"] == counts["rows_loaded"] + counts["rows_quarantined"]).all()
    loaded = tables["tips"].group_by("workbook_id").len()
    quarantined = tables["quarantine"].group_by("workbook_id").agg(pl.col("row_number").n_unique())
    assert loaded["len"].sum() + quarantined["row_number"].sum() == counts["rows_read"].sum() == 5


def test_old_template_xuly_loads_with_the_new_columns_null(tmp_path: Path, ctx) -> None:
    """A workbook made before Truy thu thuế and Tiền bán hàng tịch thu were added still loads;
    the new field Hàng cấm is accepted."""
    old = [c.header for c in ENFORCEMENT.columns if c.key not in NEW_XULY_COLUMNS]
    rows = [
        ["Buôn lậu", 10, 4, 4, 50_000_000, 90_000_000, 0, 0],
        ["Hàng cấm", 6, 3, 2, 20_000_000, 40_000_000, 1, 2],
    ]
    path = write_report(
        tmp_path / "old.xlsx", POLICE_TH, {ENFORCEMENT: rows}, headers={ENFORCEMENT.name: old}
    )
    result = _ingest(path, ctx)
    assert result.error is None and result.quarantine == []
    loaded = {r["field"]: r for r in result.rows["enforcement"]}
    assert set(loaded) == {"smuggling", "prohibited_goods"}
    assert loaded["prohibited_goods"]["defendants"] == 2
    assert {(r["tax_arrears_vnd"], r["confiscated_sales_vnd"]) for r in loaded.values()} == {
        (None, None)
    }


NEW_XULY_COLUMNS = ("tax_arrears_vnd", "confiscated_sales_vnd")
