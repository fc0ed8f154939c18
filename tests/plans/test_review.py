"""The plan review workbook: written from a plan, edited with openpyxl as an official would in
Excel, read back and applied. Plans from other provinces and communes (the extraction corpus)
as well as the seeds; every bad workbook refused with its reason while the plan stays as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from pipelines.plans.loader import load_plan_folder, read_documents, read_reviews
from pipelines.plans.review.export import review_content, write_review
from pipelines.plans.review.workbook import ReviewContent, write_review_workbook
from pipelines.plans.tables import PlanTables, build_plan_tables
from pipelines.raw_files import scan
from tests.conftest import PLANS_DIR, SEEDS
from tests.plans import corpus
from tests.plans.review_edits import (
    add_task,
    edit,
    headers,
    plan_value,
    set_plan,
    set_task,
    task_values,
)

# A commune of Nghệ An whose plan is a Markdown table (corpus document 08): not a seed.
NAM_CAN = "08-nghe-an-commune-md-table"
NAM_CAN_ID = "nam-can-18-kh-ubnd-2026"


def _corpus_files(name: str, folder: Path) -> list[Path]:
    doc = next(d for d in corpus.corpus_docs() if d.name == name)
    return corpus.build(doc, folder)


def _tables(files: list[Path], reviews: list[Path] = ()) -> PlanTables:
    docs, errors = read_documents(files)
    return build_plan_tables(docs, errors, reviews=read_reviews(list(reviews)))


def _tasks(tables: PlanTables, plan_id: str) -> dict[str, dict]:
    frame = tables.frames["plan_tasks"].filter(pl.col("plan_id") == plan_id)
    return {row["task_code"]: row for row in frame.iter_rows(named=True)}


def _agencies(tables: PlanTables, plan_id: str, code: str, role: str) -> list[str]:
    names = tables.frames["agencies"].select("agency_id", "name")
    rows = tables.frames["task_assignments"].filter(
        (pl.col("plan_id") == plan_id) & (pl.col("task_code") == code) & (pl.col("role") == role)
    )
    return rows.join(names, on="agency_id", how="left")["name"].to_list()


def _changes(tables: PlanTables) -> set[tuple]:
    frame = tables.frames["plan_review_changes"]
    return {
        (r["task_code"], r["field"], r["extracted_value"], r["reviewed_value"])
        for r in frame.iter_rows(named=True)
    }


@pytest.fixture(scope="module")
def nam_can(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    """The Nậm Cắn plan's document and its exported, unedited review workbook."""
    folder = tmp_path_factory.mktemp("nam_can")
    files = _corpus_files(NAM_CAN, folder / "doc")
    plan, _ = write_review(folder / f"{NAM_CAN_ID}.review.xlsx", files=files)
    assert plan is not None and plan.plan_id == NAM_CAN_ID
    return files, folder / f"{NAM_CAN_ID}.review.xlsx"


def _copy(review: Path, tmp_path: Path, name: str | None = None) -> Path:
    out = tmp_path / (name or review.name)
    out.write_bytes(review.read_bytes())
    return out


# ------------------------------------------------------------------ round trip


ROUND_TRIP = [
    [PLANS_DIR / SEEDS["thanh_hoa"]],
    [PLANS_DIR / SEEDS["ham_rong"]],
    [PLANS_DIR / SEEDS["lao_cai"]],
    [PLANS_DIR / SEEDS["hung_yen_body"], PLANS_DIR / SEEDS["hung_yen_appendix"]],
    *[
        doc.name
        for doc in corpus.corpus_docs()
        if doc.format != "scan"  # the scans: the same tables, through OCR (slow)
    ],
]
# What a review changes by nature: who gave the values, and the flags it clears.
_REVIEW_COLUMNS = {
    "plans": ["source", "review_file"],
    "plan_tasks": [
        "source",
        "stale_review",
        "extraction_review_reason",
        "needs_review",
        "review_reason",
        "reviewer_note",
        "deadline_kind",
    ],
    "task_assignments": ["text_as_printed"],
}


@pytest.mark.parametrize("files", ROUND_TRIP, ids=lambda f: f if isinstance(f, str) else f[0].stem)
def test_an_unedited_review_changes_nothing(files: list[Path] | str, tmp_path: Path) -> None:
    if isinstance(files, str):
        files = _corpus_files(files, tmp_path / "doc")
    _, content = write_review(tmp_path / "p.review.xlsx", files=files)
    base = _tables(files)
    reviewed = _tables(files, [tmp_path / "p.review.xlsx"])

    assert reviewed.frames["plan_review_changes"].is_empty()
    assert reviewed.errors.is_empty()
    assert reviewed.frames["plan_reviews"]["status"].to_list() == ["applied"]
    for name in ("plans", "plan_tasks", "task_assignments", "plan_targets",
                 "reporting_obligations", "agencies"):  # fmt: skip
        drop = _REVIEW_COLUMNS.get(name, [])
        before = base.frames[name].drop(drop).sort(pl.all())
        after = reviewed.frames[name].drop(drop).sort(pl.all())
        assert before.equals(after), name
    tasks = reviewed.frames["plan_tasks"]
    assert set(tasks["source"]) == {"reviewed"}
    # The official saw every task: only a task still without a lead stays flagged.
    assert set(tasks.filter(pl.col("needs_review"))["review_reason"]) <= {"no lead agency found"}
    flagged = base.frames["plan_tasks"].filter(pl.col("needs_review"))
    kept = tasks.filter(pl.col("task_code").is_in(flagged["task_code"].to_list()))
    assert kept["extraction_review_reason"].to_list() == flagged["review_reason"].to_list()

    # Exported again with the review in force: the same workbook, cell for cell.
    again = review_content(reviewed, reviewed.plans[0])
    assert [t["title"] for t in again.tasks] == [t["title"] for t in content.tasks]
    assert [t["due_date"] for t in again.tasks] == [t["due_date"] for t in content.tasks]
    assert again.changes == []


# ------------------------------------------------------------------ edits


def _official_edits(wb) -> None:
    ws = wb["NhiemVu"]
    set_task(ws, "1", leads="Phòng Kinh tế")  # a lead corrected
    set_task(ws, "5", due=date(2026, 6, 30))  # "Thường xuyên", but the office wants 30/06
    set_task(ws, "10", leads="Phòng Kinh tế", note="chủ trì theo Quyết định 12/QĐ-UBND")
    set_task(ws, "11", action="Xóa")  # not a task of this plan
    add_task(
        ws,
        code="13",
        group="II",
        title="Kiểm tra các kho hàng, bến bãi ven biên giới",
        leads="Công an xã; Đồn Biên phòng cửa khẩu quốc tế Nậm Cắn",
        coordinators="Đội Quản lý thị trường số 7",
        deadline="Quý IV/2026",
        due="31/12/2026",  # typed as text
    )
    set_plan(wb["KeHoach"], "Ngày rà soát", date(2026, 3, 2))
    set_plan(wb["KeHoach"], "Người rà soát", "Nguyễn Văn A")


@pytest.fixture(scope="module")
def edited(nam_can, tmp_path_factory: pytest.TempPathFactory) -> tuple[PlanTables, PlanTables]:
    files, review = nam_can
    out = tmp_path_factory.mktemp("edited") / review.name
    edit(review, _official_edits, out)
    return _tables(files), _tables(files, [out])


def test_every_edit_is_applied(edited: tuple[PlanTables, PlanTables]) -> None:
    base, tables = edited
    tasks = _tasks(tables, NAM_CAN_ID)
    assert _agencies(tables, NAM_CAN_ID, "1", "lead") == ["Phòng Kinh tế"]
    assert _agencies(tables, NAM_CAN_ID, "10", "lead") == ["Phòng Kinh tế"]
    assert tasks["5"]["due_date"] == date(2026, 6, 30)
    assert tasks["5"]["deadline_text"] == "Thường xuyên"  # kept as printed
    assert "11" not in tasks
    assert tasks["13"]["title"] == "Kiểm tra các kho hàng, bến bãi ven biên giới"
    assert tasks["13"]["due_date"] == date(2026, 12, 31)
    assert sorted(_agencies(tables, NAM_CAN_ID, "13", "lead")) == [
        "Công an xã",
        "Đồn Biên phòng cửa khẩu quốc tế Nậm Cắn",
    ]
    assert _agencies(tables, NAM_CAN_ID, "13", "coordinate") == ["Đội Quản lý thị trường số 7"]
    # Every task of an applied review is `reviewed`, the added one too, and none is flagged.
    assert {t["source"] for t in tasks.values()} == {"reviewed"}
    assert not any(t["needs_review"] for t in tasks.values())
    assert tasks["10"]["extraction_review_reason"] == "no lead agency found"
    assert tasks["10"]["reviewer_note"] == "chủ trì theo Quyết định 12/QĐ-UBND"
    assert len(tasks) == len(_tasks(base, NAM_CAN_ID))  # one deleted, one added
    plan = tables.frames["plans"].filter(pl.col("plan_id") == NAM_CAN_ID).row(0, named=True)
    assert (plan["source"], plan["review_file"]) == ("reviewed", f"{NAM_CAN_ID}.review.xlsx")


def test_each_change_is_listed_once(edited: tuple[PlanTables, PlanTables]) -> None:
    _, tables = edited
    changes = tables.frames["plan_review_changes"]
    assert set(changes["plan_id"]) == {NAM_CAN_ID}
    assert set(changes["review_file"]) == {f"{NAM_CAN_ID}.review.xlsx"}
    assert set(changes["reviewed_at"].dt.date()) == {date(2026, 3, 2)}
    assert {(c[0], c[1]) for c in _changes(tables)} == {
        ("1", "lead_agencies"),
        ("5", "due_date"),
        ("10", "lead_agencies"),
        ("11", "task"),
        ("13", "task"),
    }
    assert ("1", "lead_agencies", "Phòng Văn hóa – Xã hội", "Phòng Kinh tế") in _changes(tables)
    assert ("5", "due_date", None, "2026-06-30") in _changes(tables)
    assert ("10", "lead_agencies", None, "Phòng Kinh tế") in _changes(tables)
    assert ("11", "task", _tasks(edited[0], NAM_CAN_ID)["11"]["title"], "Xóa") in _changes(tables)
    review = tables.frames["plan_reviews"].row(0, named=True)
    assert review["status"] == "applied"
    assert (review["tasks_added"], review["tasks_deleted"], review["changes"]) == (1, 1, 5)
    assert review["reviewed_at_source"] == "Ngày rà soát"


def test_review_plan_again_shows_the_reviewed_values(
    edited: tuple[PlanTables, PlanTables], tmp_path: Path
) -> None:
    _, tables = edited
    out = tmp_path / "again.review.xlsx"
    write_review_workbook(out, review_content(tables, tables.plans[0]))
    wb = load_workbook(out)
    tasks = task_values(wb["NhiemVu"])
    assert tasks["11"]["Thao tác"] == "Xóa"  # still marked: the deletion stands
    assert tasks["1"]["Cơ quan chủ trì"] == "Phòng Kinh tế"
    assert tasks["5"]["Ngày đến hạn"].date() == date(2026, 6, 30)
    assert tasks["13"]["Cơ quan phối hợp"] == "Đội Quản lý thị trường số 7"
    assert tasks["10"]["Lý do gắn cờ khi trích xuất"] == "no lead agency found"
    assert tasks["10"]["Ghi chú của người rà soát"] == "chủ trì theo Quyết định 12/QĐ-UBND"
    assert plan_value(wb["KeHoach"], "Mã kế hoạch") == NAM_CAN_ID
    # DoiChieu: what the review changed, beside the extraction.
    changes = [[c.value for c in row] for row in wb["DoiChieu"].iter_rows(min_row=2)]
    assert ["1", "Cơ quan chủ trì", "Phòng Văn hóa – Xã hội", "Phòng Kinh tế"] in changes


def test_the_round_trip_is_idempotent(
    edited: tuple[PlanTables, PlanTables], nam_can, tmp_path: Path
) -> None:
    """The reviewed plan exported and imported unchanged logs the same changes, no new ones."""
    files, _ = nam_can
    _, tables = edited
    again = tmp_path / f"{NAM_CAN_ID}.review.xlsx"
    write_review_workbook(again, review_content(tables, tables.plans[0]))
    edit(again, lambda wb: set_plan(wb["KeHoach"], "Ngày rà soát", date(2026, 3, 2)))
    second = _tables(files, [again])
    assert _changes(second) == _changes(tables)
    assert (
        second.frames["plan_tasks"]
        .drop("stale_review")
        .equals(tables.frames["plan_tasks"].drop("stale_review"))
    )


def test_unreadable_date_and_unknown_agency_are_kept_and_flagged(nam_can, tmp_path: Path) -> None:
    files, review = nam_can

    def change(wb) -> None:
        ws = wb["NhiemVu"]
        set_task(ws, "2", due="cuối quý III")
        set_task(ws, "4", leads="Phòng Kinh tế; Ban Quản lý chợ Nậm Ngọc Xyz")
        set_task(ws, "6", recurrence="thỉnh thoảng")

    tables = _tables(files, [edit(review, change, _copy(review, tmp_path))])
    assert tables.errors.is_empty()
    tasks = _tasks(tables, NAM_CAN_ID)
    assert tasks["2"]["needs_review"]
    assert "'cuối quý III' is not a date" in tasks["2"]["review_reason"]
    assert tasks["2"]["due_date"] == date(2026, 6, 30)  # from Thời hạn "Quý II/2026"
    assert tasks["4"]["needs_review"]
    assert "Ban Quản lý chợ Nậm Ngọc Xyz" in tasks["4"]["review_reason"]
    assert "Phòng Kinh tế" in _agencies(tables, NAM_CAN_ID, "4", "lead")
    printed = tables.frames["task_assignments"].filter(pl.col("task_code") == "4")
    assert "Ban Quản lý chợ Nậm Ngọc Xyz" in printed["text_as_printed"].to_list()
    assert tasks["6"]["needs_review"] and "thỉnh thoảng" in tasks["6"]["review_reason"]
    assert not tasks["1"]["needs_review"]


def test_an_agency_named_as_in_the_catalogue_is_not_flagged(nam_can, tmp_path: Path) -> None:
    """A name the plan never printed, resolved through the catalogue as plan text is."""
    files, review = nam_can
    out = edit(
        review,
        lambda wb: set_task(wb["NhiemVu"], "3", coordinators="Trạm Y tế xã"),
        _copy(review, tmp_path),
    )
    tasks = _tasks(_tables(files, [out]), NAM_CAN_ID)
    assert not tasks["3"]["needs_review"], tasks["3"]["review_reason"]


def test_the_later_review_wins_and_both_are_named(nam_can, tmp_path: Path) -> None:
    files, review = nam_can

    def dated(day: date, lead: str):
        def change(wb) -> None:
            set_plan(wb["KeHoach"], "Ngày rà soát", day)
            set_task(wb["NhiemVu"], "1", leads=lead)

        return change

    late = edit(review, dated(date(2026, 4, 1), "Công an xã"), tmp_path / "a-late.review.xlsx")
    early = edit(review, dated(date(2026, 2, 1), "Phòng Kinh tế"), tmp_path / "b.review.xlsx")
    tables = _tables(files, [late, early])
    assert _agencies(tables, NAM_CAN_ID, "1", "lead") == ["Công an xã"]
    rows = {r["file_name"]: r for r in tables.frames["plan_reviews"].iter_rows(named=True)}
    assert rows["a-late.review.xlsx"]["status"] == "applied"
    assert rows["b.review.xlsx"]["status"] == "superseded"
    assert rows["b.review.xlsx"]["superseded_by"] == "a-late.review.xlsx"
    assert set(tables.frames["plan_review_changes"]["review_file"]) == {"a-late.review.xlsx"}


def test_without_review_date_the_file_time_decides(nam_can, tmp_path: Path) -> None:
    files, review = nam_can
    old = edit(review, lambda wb: set_task(wb["NhiemVu"], "1", leads="Phòng Kinh tế"),
               tmp_path / "old.review.xlsx")  # fmt: skip
    new = edit(review, lambda wb: set_task(wb["NhiemVu"], "1", leads="Công an xã"),
               tmp_path / "new.review.xlsx")  # fmt: skip
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_750_000_000, 1_750_000_000))
    tables = _tables(files, [new, old])
    assert _agencies(tables, NAM_CAN_ID, "1", "lead") == ["Công an xã"]
    applied = tables.frames["plan_reviews"].filter(pl.col("status") == "applied").row(0, named=True)
    assert (applied["file_name"], applied["reviewed_at_source"]) == ("new.review.xlsx", "file time")


# ------------------------------------------------------------------ stale reviews


def test_a_review_of_an_older_document_still_applies_and_is_marked_stale(
    nam_can, tmp_path: Path
) -> None:
    files, review = nam_can
    reviewed = edit(
        review,
        lambda wb: set_task(wb["NhiemVu"], "1", leads="Phòng Kinh tế"),
        _copy(review, tmp_path),
    )
    changed = tmp_path / "doc" / files[0].name
    changed.parent.mkdir()
    text = files[0].read_text(encoding="utf-8")
    changed.write_text(text.replace("trước ngày 30/4/2026", "trước ngày 15/5/2026"), "utf-8")
    assert changed.read_text(encoding="utf-8") != text

    tables = _tables([changed], [reviewed])
    review_row = tables.frames["plan_reviews"].row(0, named=True)
    assert review_row["status"] == "applied" and review_row["is_stale"]
    assert review_row["changed_documents"] == changed.name
    tasks = _tasks(tables, NAM_CAN_ID)
    assert _agencies(tables, NAM_CAN_ID, "1", "lead") == ["Phòng Kinh tế"]
    assert all(t["stale_review"] for t in tasks.values() if t["source"] == "reviewed")
    # The review's row for task 4 holds the old deadline: it wins, and the change says so.
    assert tasks["4"]["due_date"] == date(2026, 4, 30)
    assert ("4", "due_date", "2026-05-15", "2026-04-30") in _changes(tables)

    # Exported again: the new extraction beside the review, and a note saying the document changed.
    content = review_content(tables, tables.plans[0])
    assert content.stale_note and changed.name in content.stale_note
    assert {"task_code": "4", "field": "Ngày đến hạn", "extracted_value": "2026-05-15",
            "reviewed_value": "2026-04-30"} in content.changes  # fmt: skip


# ------------------------------------------------------------------ plans entered by hand


def _fill_blank(wb) -> None:
    plan = wb["KeHoach"]
    set_plan(plan, "Tên kế hoạch", "Phòng, chống buôn lậu, gian lận thương mại năm 2026")
    set_plan(plan, "Số hiệu", "41/KH-UBND")
    set_plan(plan, "Ngày ban hành", "12/03/2026")
    set_plan(plan, "Cơ quan ban hành", "Ủy ban nhân dân xã Nậm Cắn")
    set_plan(plan, "Địa bàn", "Nậm Cắn")
    set_plan(plan, "Mã địa bàn", "16837")
    set_plan(plan, "Cấp", "Xã")
    tasks = wb["NhiemVu"]
    add_task(tasks, code="1", title="Tuyên truyền tại các bản", leads="Phòng Văn hóa – Xã hội",
             coordinators="Công an xã", due=date(2026, 6, 30))  # fmt: skip
    add_task(tasks, code="2", title="Kiểm tra hàng hóa tại chợ", leads="Công an xã",
             recurrence="Hằng quý")  # fmt: skip
    targets = wb["ChiTieu"]
    targets.append(["tip_resolution_rate", ">", "92%", "giải quyết tố giác đạt trên 92%", None])
    duties = wb["BaoCao"]
    duties.append(["Công an xã", "UBND xã", "trước ngày 10/12", "Hằng năm", 10, 12, None])


def test_a_blank_workbook_filled_in_makes_an_entered_plan(tmp_path: Path) -> None:
    blank = tmp_path / "moi.review.xlsx"
    plan, _ = write_review(blank)
    assert plan is None
    wb = load_workbook(blank)
    assert plan_value(wb["KeHoach"], "Mã kế hoạch") is None
    assert wb.active.title == "KeHoach"
    edit(blank, _fill_blank)

    tables = build_plan_tables([], [], reviews=read_reviews([blank]))
    assert tables.errors.is_empty(), tables.errors.to_dicts()
    plan_row = tables.frames["plans"].filter(pl.col("source") == "entered").row(0, named=True)
    assert plan_row["plan_id"] == NAM_CAN_ID.replace("18-", "41-")
    assert (plan_row["source"], plan_row["review_file"]) == ("entered", "moi.review.xlsx")
    assert (plan_row["locality_code"], plan_row["province_code"]) == ("16837", "40")
    assert plan_row["issue_date"] == date(2026, 3, 12)
    tasks = _tasks(tables, plan_row["plan_id"])
    assert {t["source"] for t in tasks.values()} == {"entered"}
    assert tasks["1"]["due_date"] == date(2026, 6, 30)
    assert tasks["2"]["recurrence"] == "quarterly"
    assert not any(t["needs_review"] for t in tasks.values())
    assert tables.frames["plan_targets"]["threshold"].to_list() == [0.92]
    assert tables.frames["reporting_obligations"]["kind"].to_list() == ["annual"]
    assert tables.frames["plan_documents"]["document_role"].to_list() == ["review"]


def test_a_blank_workbook_without_locality_is_refused(tmp_path: Path) -> None:
    blank = tmp_path / "moi.review.xlsx"
    write_review(blank)
    edit(blank, lambda wb: add_task(wb["NhiemVu"], code="1", title="x", leads="Công an xã"))
    tables = build_plan_tables([], [], reviews=read_reviews([blank]))
    assert tables.plans == []
    assert tables.errors["stage"].to_list() == ["review"]
    assert "needs Địa bàn and Ngày ban hành" in tables.errors["reason"][0]


# ------------------------------------------------------------------ bad workbooks


def _unknown_plan(wb) -> None:
    set_plan(wb["KeHoach"], "Mã kế hoạch", "nam-can-99-kh-ubnd-2026")
    set_task(wb["NhiemVu"], "1", leads="Công an xã")


def _duplicate_codes(wb) -> None:
    set_task(wb["NhiemVu"], "1", leads="Công an xã")
    add_task(wb["NhiemVu"], code="3", title="một nhiệm vụ khác", leads="Công an xã")


def _missing_sheet(wb) -> None:
    set_task(wb["NhiemVu"], "1", leads="Công an xã")
    del wb["ChiTieu"]


def _code_missing(wb) -> None:
    add_task(wb["NhiemVu"], title="quên mã", leads="Công an xã")


BAD = {
    "unknown_plan": (_unknown_plan, "names no loaded plan"),
    "duplicate_codes": (_duplicate_codes, "duplicate Mã nhiệm vụ in NhiemVu: 3 (rows 4, 14)"),
    "missing_sheet": (_missing_sheet, "sheet(s) ChiTieu missing"),
    "task_without_code": (_code_missing, "has content but no Mã nhiệm vụ"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_review_is_refused_and_the_plan_stays(case: str, nam_can, tmp_path: Path) -> None:
    files, review = nam_can
    change, reason = BAD[case]
    bad = edit(review, change, _copy(review, tmp_path))
    base, tables = _tables(files), _tables(files, [bad])
    _assert_refused(tables, base, bad.name, reason)


def _assert_refused(tables: PlanTables, base: PlanTables, name: str, reason: str) -> None:
    errors = tables.errors
    assert errors.height == 1 and errors.row(0, named=True)["stage"] == "review"
    assert errors["file_name"][0] == name and reason in errors["reason"][0], errors["reason"][0]
    assert tables.frames["plan_reviews"]["status"].to_list() == ["rejected"]
    assert tables.frames["plan_review_changes"].is_empty()
    assert tables.frames["plan_tasks"].equals(base.frames["plan_tasks"])  # extraction in force
    assert set(tables.frames["plan_tasks"]["source"]) == {"extracted"}


def _truncated(review: Path, out: Path) -> None:
    data = review.read_bytes()
    out.write_bytes(data[: len(data) // 2])


def _not_a_workbook(review: Path, out: Path) -> None:
    out.write_text("Mã kế hoạch,nam-can-18-kh-ubnd-2026\n", encoding="utf-8")


def _encrypted(review: Path, out: Path) -> None:
    """An OLE container: how Excel stores a password-protected .xlsx."""
    out.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_truncated, "corrupt or truncated"),
        (_not_a_workbook, "not a spreadsheet"),
        (_encrypted, "password-protected"),
    ],
    ids=["truncated", "text_renamed", "encrypted"],
)
def test_a_broken_file_is_refused_by_the_container_checks(
    make, reason: str, nam_can, tmp_path: Path
) -> None:
    files, review = nam_can
    out = tmp_path / review.name
    make(review, out)
    base, tables = _tables(files), _tables(files, [out])
    _assert_refused(tables, base, out.name, reason)


def test_a_report_workbook_among_the_plans_is_refused(tmp_path: Path) -> None:
    from pipelines.samples.workbooks import generate_sample_reports

    reports = tmp_path / "reports"
    generate_sample_reports(reports, PLANS_DIR)
    report = sorted(reports.glob("*.xlsx"))[0]
    found = read_reviews([report])
    assert found.reviews == []
    assert "not a plan review workbook (no KeHoach sheet)" in found.refused[0][1]


def test_a_review_workbook_under_another_name_is_still_read(nam_can, tmp_path: Path) -> None:
    """Told apart by its KeHoach sheet when an office renamed it."""
    _, review = nam_can
    found = read_reviews([_copy(review, tmp_path, "rasoat_kehoach.xlsx")])
    assert [r.plan_id for r in found.reviews] == [NAM_CAN_ID] and found.refused == []


# ------------------------------------------------------------------ the workbook itself


def test_the_workbook_is_ready_to_edit_and_safe(tmp_path: Path) -> None:
    content = ReviewContent(
        fields={"plan_id": "x-kh-2026", "title": '=HYPERLINK("http://evil","bấm")'},
        documents=[("x.txt", "ab" * 32)],
        tasks=[
            {"task_code": "1", "title": "=1+1", "leads": "+Công an xã", "review_reason": None},
            {"task_code": "2", "title": "@SUM(A1)", "leads": "-x", "review_reason": "no lead"},
        ],
        agencies=["Công an xã", "=cmd|' /C calc'!A0"],
    )
    out = tmp_path / "x.review.xlsx"
    write_review_workbook(out, content)
    wb = load_workbook(out)
    assert wb.sheetnames[:5] == ["HuongDan", "KeHoach", "NhiemVu", "ChiTieu", "BaoCao"]
    assert wb["DanhMuc"].sheet_state == "hidden"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
    tasks = wb["NhiemVu"]
    columns = headers(tasks)
    assert tasks.cell(2, columns["Nội dung"]).value == "=1+1"
    # Flagged rows highlighted, the reason beside them.
    flagged = tasks.cell(3, columns["Nội dung"]).fill.fgColor.rgb
    assert flagged != tasks.cell(2, columns["Nội dung"]).fill.fgColor.rgb
    assert tasks.cell(3, columns["Cần rà soát"]).value == "no lead"
    # Suggestions in warning style: several agencies in one cell are never blocked.
    lead_col = tasks.cell(1, columns["Cơ quan chủ trì"]).column_letter
    validations = {str(dv.sqref).split(":")[0]: dv for dv in tasks.data_validations.dataValidation}
    lead = validations[f"{lead_col}2"]
    assert lead.type == "list" and lead.errorStyle == "warning"
    assert lead.formula1.startswith("DanhMuc!") or lead.formula1.startswith("=DanhMuc!")
    assert all(dv.errorStyle == "warning" for dv in tasks.data_validations.dataValidation)


def test_the_workbook_is_the_same_bytes_each_time(nam_can, tmp_path: Path) -> None:
    files, review = nam_can
    write_review(tmp_path / "again.review.xlsx", files=files)
    assert (tmp_path / "again.review.xlsx").read_bytes() == review.read_bytes()


# ------------------------------------------------------------------ the data folder and CLI


def _plan389(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture
def plans_folder(data_copy: Path, nam_can) -> Path:
    files, _ = nam_can
    folder = data_copy / "raw" / "plans"
    for f in files:
        (folder / f.name).write_bytes(f.read_bytes())
    return data_copy


def test_cli_review_plan_validate_and_the_folder(plans_folder: Path, tmp_path: Path) -> None:
    env = {**os.environ}
    out = tmp_path / f"{NAM_CAN_ID}.review.xlsx"
    done = _plan389("review-plan", NAM_CAN_ID, "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert f"review workbook of {NAM_CAN_ID} (extracted): 12 tasks, 1 to check" in done.stdout

    edit(out, lambda wb: set_task(wb["NhiemVu"], "10", leads="Phòng Kinh tế"))
    checked = _plan389("validate", str(out), env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "task 10, Cơ quan chủ trì: None → 'Phòng Kinh tế'" in checked.stdout

    bad = tmp_path / "bad.review.xlsx"
    edit(out, _duplicate_codes, bad)
    refused = _plan389("validate", str(bad), env=env)
    assert refused.returncode == 1
    assert "cannot be used" in refused.stdout and "duplicate Mã nhiệm vụ" in refused.stdout

    # Saved into raw/plans/: the folder applies it, the sensor's scan sees it.
    before, _ = scan(plans_folder / "raw", None)
    (plans_folder / "raw" / "plans" / out.name).write_bytes(out.read_bytes())
    _, changes = scan(plans_folder / "raw", before)
    assert changes.any and f"plans/{out.name}" in changes.summary()
    tables = load_plan_folder(plans_folder / "raw" / "plans")
    assert _agencies(tables, NAM_CAN_ID, "10", "lead") == ["Phòng Kinh tế"]
    reviewed = _plan389("review-plan", NAM_CAN_ID, "-o", str(tmp_path / "r.xlsx"), env=env)
    assert f"{NAM_CAN_ID} (reviewed): 12 tasks, 0 to check, 1 change(s)" in reviewed.stdout
    assert "save it in raw/plans/ with a name ending in .review.xlsx" in reviewed.stdout

    blank = _plan389("review-plan", "--blank", "-o", str(tmp_path / "new.review.xlsx"), env=env)
    assert blank.returncode == 0 and "blank plan review workbook" in blank.stdout
    unknown = _plan389("review-plan", "khong-co-kh-2026", "-o", str(tmp_path / "u.xlsx"), env=env)
    assert unknown.returncode == 1 and "Unknown plan id" in unknown.stderr
