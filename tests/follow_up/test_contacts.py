"""The agency contact file: tolerant headers, validation, and agency names resolved to the ids
the bundled plans give them (Thanh Hóa, Hưng Yên, Lào Cai and Phường Hàm Rồng)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from pipelines.follow_up.contacts import (
    Contact,
    contacts_path,
    plan_index,
    plans_from_frame,
    read_contacts,
    recipients,
    resolve_name,
)
from pipelines.plans.loader import load_plan_folder
from pipelines.settings import CONTACTS_FILE, DataPaths
from tests.conftest import PLANS_DIR

TH, HY, LC, HR = (
    "thanh-hoa-08-kh-ubnd-2026",
    "hung-yen-kh-2026",
    "lao-cai-kh-2025",
    "ham-rong-kh-2026",
)
TH_2027 = "thanh-hoa-kh-2027"  # a second Thanh Hóa plan, made by the test from the first


@pytest.fixture(scope="module")
def plan_agencies() -> pl.DataFrame:
    """Every (plan, agency) the bundled plans name, with the plan's locality and level: the
    frame the caller builds from the marts."""
    tables = load_plan_folder(PLANS_DIR)
    plans = tables.frames["plans"].filter(~pl.col("is_reference"))
    return (
        tables.frames["task_assignments"]
        .select("plan_id", "agency_id")
        .unique()
        .join(tables.frames["agencies"].select("agency_id", "name"), on="agency_id")
        .join(plans.select("plan_id", "locality_code", "level"), on="plan_id")
        .select(
            "plan_id", "agency_id", pl.col("name").alias("agency_name"), "locality_code", "level"
        )
        .sort("plan_id", "agency_id")
    )


@pytest.fixture(scope="module")
def with_second_plan(plan_agencies: pl.DataFrame) -> pl.DataFrame:
    """The bundled plans and a second Thanh Hóa plan naming the same agencies."""
    second = plan_agencies.filter(pl.col("plan_id") == TH).with_columns(plan_id=pl.lit(TH_2027))
    return pl.concat([plan_agencies, second])


def write_contacts(
    path: Path,
    header: list[str],
    rows: list[list[object]],
    *,
    title_rows: int = 0,
    start_column: int = 1,
    sheet: str = "DanhBa",
    more_sheets: dict[str, list[list[object]]] | None = None,
) -> Path:
    """A contact workbook: title rows, then the header and rows from `start_column`."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for number in range(title_rows):
        ws.append(["DANH BẠ THƯ ĐIỆN TỬ CÁC CƠ QUAN" if number == 0 else None])
    for line in [header, *rows]:
        ws.append([None] * (start_column - 1) + line)
    for name, lines in (more_sheets or {}).items():
        extra = wb.create_sheet(name)
        for line in lines:
            extra.append(line)
    wb.save(path)
    return path


def by_rule(problems: list[dict]) -> dict[str, list[tuple[int | None, str | None, object]]]:
    found: dict[str, list[tuple[int | None, str | None, object]]] = {}
    for problem in problems:
        found.setdefault(problem["rule"], []).append(
            (problem["row"], problem["column"], problem["value"])
        )
    return found


def test_contacts_file_is_under_raw(tmp_path: Path) -> None:
    assert contacts_path(DataPaths(tmp_path)) == tmp_path / "raw" / CONTACTS_FILE


def test_names_with_their_place_resolve_in_the_plans_naming_them(
    tmp_path: Path, plan_agencies: pl.DataFrame
) -> None:
    path = write_contacts(
        tmp_path / "agencies.xlsx",
        ["Tên cơ quan", "Email"],
        [
            ["Công an tỉnh Thanh Hóa", "pc03@congan.thanhhoa.gov.vn"],
            ["Sở Công Thương tỉnh Lào Cai", "sct@laocai.gov.vn"],
            ["Thuế tỉnh Hưng Yên", "thue@hungyen.gov.vn"],
            ["Công an phường Hàm Rồng", "caphuong@hamrong.thanhhoa.gov.vn"],
            ["Chi cục Hải quan khu vực IV", "hq4@customs.gov.vn"],
            ["Bộ Công an", "vanphong@bocongan.gov.vn"],
        ],
    )
    result = read_contacts(path, plan_agencies)
    assert result.problems == []
    assert [(c.plan_id, c.agency_id, c.email) for c in result.contacts] == [
        (TH, "38:cong-an-tinh", "pc03@congan.thanhhoa.gov.vn"),
        (LC, "15:so-cong-thuong", "sct@laocai.gov.vn"),
        (HY, "33:thue-tinh", "thue@hungyen.gov.vn"),
        (HR, "14758:cong-an-phuong", "caphuong@hamrong.thanhhoa.gov.vn"),
        (HY, "vn:chi-cuc-hai-quan-khu-vuc-iv", "hq4@customs.gov.vn"),
        (HY, "vn:bo-cong-an", "vanphong@bocongan.gov.vn"),
    ]
    # The agency's name is the plan's, whatever the file prints.
    assert result.contacts[0].agency_name == "Công an tỉnh"


def test_header_anywhere_in_the_top_rows_any_order_extra_columns(
    tmp_path: Path, plan_agencies: pl.DataFrame
) -> None:
    path = write_contacts(
        tmp_path / "agencies.xlsx",
        ["STT", "THƯ ĐIỆN TỬ", "Ghi chú", "Ma ke hoach (neu co)", "Đơn vị"],
        [
            [1, "ca@hungyen.gov.vn", "trực ban", " HUNG-YEN-KH-2026 ", "Công an tỉnh"],
            [None, None, None, None, None],
            [2, "yte@laocai.gov.vn", None, LC, "Sở Y tế"],
            [3, "not-an-address", None, None, "Phòng Văn hóa - Xã hội"],
        ],
        title_rows=3,
        start_column=3,
    )
    result = read_contacts(path, plan_agencies)
    assert [(c.plan_id, c.agency_id) for c in result.contacts] == [
        (HY, "33:cong-an-tinh"),
        (LC, "15:so-y-te"),
    ]
    # header on Excel row 4; the blank row 6 is skipped, row numbers are Excel's
    assert [(p["row"], p["column"], p["value"], p["rule"]) for p in result.problems] == [
        (8, "Email", "not-an-address", "invalid_email")
    ]
    assert result.problems[0]["reason_vi"] == "Địa chỉ thư điện tử không hợp lệ"
    assert result.problems[0]["sheet"] == "DanhBa"


def test_with_plan_id_a_bare_name_is_the_plans_own_agency(
    tmp_path: Path, plan_agencies: pl.DataFrame
) -> None:
    path = write_contacts(
        tmp_path / "agencies.xlsx",
        ["Cơ quan", "Email", "Mã kế hoạch"],
        [
            ["Công an tỉnh", "ca@thanhhoa.gov.vn", TH],
            ["Công an tỉnh", "ca@laocai.gov.vn", LC],
            ["Công an phường", "ca@hamrong.vn", HR],
            ["Quản lý thị trường", "qltt@thanhhoa.gov.vn", TH],
        ],
    )
    result = read_contacts(path, plan_agencies)
    assert result.problems == []
    assert [(c.plan_id, c.agency_id) for c in result.contacts] == [
        (TH, "38:cong-an-tinh"),
        (LC, "15:cong-an-tinh"),
        (HR, "14758:cong-an-phuong"),
        (TH, "38:chi-cuc-quan-ly-thi-truong"),
    ]


def test_an_agency_named_by_several_plans_gets_one_contact_per_plan(
    tmp_path: Path, with_second_plan: pl.DataFrame
) -> None:
    path = write_contacts(
        tmp_path / "agencies.xlsx",
        ["Tên cơ quan", "Email", "Mã kế hoạch"],
        [
            ["Công an tỉnh Thanh Hóa", "ca@thanhhoa.gov.vn", None],
            ["Sở Y tế tỉnh Thanh Hóa", "syt@thanhhoa.gov.vn", TH_2027],
        ],
    )
    result = read_contacts(path, with_second_plan)
    assert result.problems == []
    assert sorted((c.plan_id, c.agency_id, c.email) for c in result.contacts) == [
        (TH, "38:cong-an-tinh", "ca@thanhhoa.gov.vn"),
        (TH_2027, "38:cong-an-tinh", "ca@thanhhoa.gov.vn"),
        (TH_2027, "38:so-y-te", "syt@thanhhoa.gov.vn"),
    ]


def test_unknown_and_ambiguous_names_are_flagged_never_guessed(
    tmp_path: Path, plan_agencies: pl.DataFrame
) -> None:
    path = write_contacts(
        tmp_path / "agencies.xlsx",
        ["Tên cơ quan", "Email", "Mã kế hoạch"],
        [
            ["Sở Du lịch Vũ trụ", "a@vutru.gov.vn", None],  # no plan names it
            ["Sở Y tá tỉnh Thanh Hóa", "b@thanhhoa.gov.vn", None],  # a typo: not guessed
            ["Công an tỉnh", "c@congan.gov.vn", None],  # every province's police
            ["Công an tỉnh Thanh Hóa", "d@thanhhoa.gov.vn", HY],  # not Hưng Yên's plan
            ["Các sở, ban, ngành", "e@thanhhoa.gov.vn", None],  # a group, not an agency
            ["Sở Tài chính tỉnh Hưng Yên", "f@hungyen.gov.vn", None],  # fine
        ],
    )
    result = read_contacts(path, plan_agencies)
    assert [(c.plan_id, c.agency_id) for c in result.contacts] == [(HY, "33:so-tai-chinh")]
    assert by_rule(result.problems) == {
        "unknown_agency": [
            (2, "Tên cơ quan", "Sở Du lịch Vũ trụ"),
            (3, "Tên cơ quan", "Sở Y tá tỉnh Thanh Hóa"),
        ],
        "ambiguous_agency": [(4, "Tên cơ quan", "Công an tỉnh")],
        "agency_not_in_plan": [(5, "Tên cơ quan", "Công an tỉnh Thanh Hóa")],
        "collective": [(6, "Tên cơ quan", "Các sở, ban, ngành")],
    }
    ambiguous = next(p for p in result.problems if p["rule"] == "ambiguous_agency")
    assert "38:cong-an-tinh" in ambiguous["reason_en"]
    assert "33:cong-an-tinh" in ambiguous["reason_vi"]
    unknown = next(p for p in result.problems if p["rule"] == "unknown_agency")
    assert unknown["reason_vi"].startswith("Không tìm thấy cơ quan")


def test_row_checks_required_email_shape_unknown_plan_duplicates(
    tmp_path: Path, plan_agencies: pl.DataFrame
) -> None:
    path = write_contacts(
        tmp_path / "agencies.xlsx",
        ["Tên cơ quan", "Email", "Mã kế hoạch"],
        [
            [None, "x@thanhhoa.gov.vn", None],
            ["Sở Y tế tỉnh Hưng Yên", None, None],
            ["Sở Y tế tỉnh Hưng Yên", "syt@hungyen", None],
            ["Sở Y tế", "syt@hungyen.gov.vn", "kh-khong-co"],
            ["Sở Y tế tỉnh Hưng Yên", "syt@hungyen.gov.vn", None],
            ["Sở Y tế", "SYT@hungyen.gov.vn", HY],  # the same as the row above
        ],
    )
    result = read_contacts(path, plan_agencies)
    assert result.contacts == [
        Contact(HY, "33:so-y-te", "Sở Y tế", "syt@hungyen.gov.vn"),
    ]
    assert by_rule(result.problems) == {
        "required": [(2, "Tên cơ quan", None), (3, "Email", None)],
        "invalid_email": [(4, "Email", "syt@hungyen")],
        "unknown_plan": [(5, "Mã kế hoạch", "kh-khong-co")],
        "duplicate": [(7, "Email", "SYT@hungyen.gov.vn")],
    }
    duplicate = next(p for p in result.problems if p["rule"] == "duplicate")
    assert "6" in duplicate["reason_en"]
    assert set(result.problems[0]) == {
        "sheet",
        "row",
        "column",
        "value",
        "rule",
        "reason_vi",
        "reason_en",
    }


def test_several_addresses_in_a_cell_one_contact_each(
    tmp_path: Path, plan_agencies: pl.DataFrame
) -> None:
    path = write_contacts(
        tmp_path / "agencies.xlsx",
        ["Tên cơ quan", "Email"],
        [
            ["Sở Công Thương tỉnh Thanh Hóa", "vp@sct.thanhhoa.gov.vn; qlck@sct.thanhhoa.gov.vn"],
            ["Sở Xây dựng tỉnh Thanh Hóa", "a@sxd.thanhhoa.gov.vn,\nsai dia chi"],
        ],
    )
    result = read_contacts(path, plan_agencies)
    assert [(c.agency_id, c.email) for c in result.contacts] == [
        ("38:so-cong-thuong", "vp@sct.thanhhoa.gov.vn"),
        ("38:so-cong-thuong", "qlck@sct.thanhhoa.gov.vn"),
        ("38:so-xay-dung", "a@sxd.thanhhoa.gov.vn"),
    ]
    assert by_rule(result.problems) == {
        "invalid_email": [(3, "Email", "sai"), (3, "Email", "dia"), (3, "Email", "chi")]
    }
    assert recipients(result.contacts) == {
        (TH, "38:so-cong-thuong"): ("vp@sct.thanhhoa.gov.vn", "qlck@sct.thanhhoa.gov.vn"),
        (TH, "38:so-xay-dung"): ("a@sxd.thanhhoa.gov.vn",),
    }


def test_every_sheet_with_the_header_is_read(tmp_path: Path, plan_agencies: pl.DataFrame) -> None:
    path = write_contacts(
        tmp_path / "agencies.xlsx",
        ["Tên cơ quan", "Email"],
        [["Công an tỉnh Lào Cai", "ca@laocai.gov.vn"]],
        more_sheets={
            "Ghi chú": [["Danh bạ cập nhật tháng 11/2026"]],
            "Hàm Rồng": [
                ["Danh bạ phường"],
                ["Địa chỉ email", "Tên đơn vị"],
                ["ubmttq@hamrong.vn", "Ủy ban Mặt trận Tổ quốc Việt Nam phường Hàm Rồng"],
            ],
        },
    )
    result = read_contacts(path, plan_agencies)
    assert result.problems == []
    assert [(c.plan_id, c.agency_id) for c in result.contacts] == [
        (LC, "15:cong-an-tinh"),
        (HR, "14758:mat-tran-to-quoc-phuong"),
    ]


def test_a_file_without_the_header_or_not_a_workbook_is_one_problem(
    tmp_path: Path, plan_agencies: pl.DataFrame
) -> None:
    no_header = write_contacts(
        tmp_path / "agencies.xlsx", ["Cơ quan", "Điện thoại"], [["Sở Y tế", "0237"]]
    )
    result = read_contacts(no_header, plan_agencies)
    assert result.contacts == []
    assert [(p["row"], p["rule"]) for p in result.problems] == [(None, "header_not_found")]

    renamed_csv = tmp_path / "csv" / "agencies.xlsx"
    renamed_csv.parent.mkdir()
    renamed_csv.write_text("Tên cơ quan,Email\nSở Y tế,a@b.vn\n", encoding="utf-8")
    result = read_contacts(renamed_csv, plan_agencies)
    assert result.contacts == []
    assert [(p["row"], p["rule"]) for p in result.problems] == [(None, "unreadable_file")]
    assert "not a spreadsheet" in result.problems[0]["reason_en"]

    result = read_contacts(tmp_path / "missing" / "agencies.xlsx", plan_agencies)
    assert [p["rule"] for p in result.problems] == ["unreadable_file"]


def test_plan_agencies_must_have_the_columns(tmp_path: Path) -> None:
    path = write_contacts(tmp_path / "agencies.xlsx", ["Tên cơ quan", "Email"], [])
    with pytest.raises(ValueError, match="locality_code"):
        read_contacts(path, pl.DataFrame({"plan_id": [], "agency_id": [], "agency_name": []}))


def test_the_plan_index_finds_what_searching_every_plan_finds(
    with_second_plan: pl.DataFrame,
) -> None:
    plans = plans_from_frame(with_second_plan)
    names = [
        *with_second_plan["agency_name"].unique().sort(),
        "Công an tỉnh Thanh Hóa",
        "Sở Công Thương tỉnh Lào Cai",
        "Công an phường Hàm Rồng",
        "Chi cục Hải quan khu vực IV",
        "Sở Tài chính tỉnh Hưng Yên",
        "Sở Y tá tỉnh Thanh Hóa",
        "Sở Du lịch Vũ trụ",
        "Các sở, ban, ngành",
    ]
    index = plan_index(plans)
    for name in names:
        assert resolve_name(name, None, plans, index) == resolve_name(name, None, plans), name
