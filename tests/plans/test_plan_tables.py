"""Seed documents → plan tables: the exact expectations of the plan-parsing issue."""

import json
import shutil
import unicodedata
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.cli import main
from pipelines.plans.loader import load_plan_folder
from pipelines.plans.tables import PlanTables
from tests.conftest import PLANS_DIR, SEEDS

TH, HY, LC, HR = (
    "thanh-hoa-08-kh-ubnd-2026",
    "hung-yen-kh-2026",
    "lao-cai-kh-2025",
    "ham-rong-kh-2026",
)


@pytest.fixture(scope="module")
def tables() -> PlanTables:
    return load_plan_folder(PLANS_DIR)


def _codes(tables: PlanTables, plan_id: str) -> list[str]:
    tasks = tables.frames["plan_tasks"].filter(pl.col("plan_id") == plan_id).sort("task_seq")
    return tasks["task_code"].to_list()


def test_every_seed_loads_without_errors(tables: PlanTables) -> None:
    assert tables.errors.height == 0
    plans = tables.frames["plans"].sort("plan_id")
    assert plans["plan_id"].to_list() == [HR, HY, LC, TH, "vn-397-nq-cp-2025"]
    docs = tables.frames["plan_documents"]
    assert dict(zip(docs["file_name"], docs["plan_id"], strict=True)) == {
        SEEDS["thanh_hoa"]: TH,
        SEEDS["ham_rong"]: HR,
        SEEDS["hung_yen_body"]: HY,
        SEEDS["hung_yen_appendix"]: HY,
        SEEDS["lao_cai"]: LC,
    }


def test_seed_localities_from_the_official_catalogue(tables: PlanTables) -> None:
    plans = tables.frames["plans"]
    got = {
        r["plan_id"]: (r["locality"], r["locality_code"], r["province_code"], r["level"])
        for r in plans.iter_rows(named=True)
    }
    assert got == {
        TH: ("Thanh Hóa", "38", "38", "province"),
        HY: ("Hưng Yên", "33", "33", "province"),
        LC: ("Lào Cai", "15", "15", "province"),
        HR: ("Hàm Rồng", "14758", "38", "commune"),
        "vn-397-nq-cp-2025": (None, "vn", "vn", "national"),
    }
    assert plans.filter(pl.col("plan_id") == HR)["locality_type"].item() == "phường"
    assert not plans["needs_review"].any()
    agencies = tables.frames["agencies"]
    codes = dict(zip(agencies["agency_id"], agencies["locality_code"], strict=True))
    assert (
        codes["14758:cong-an-phuong"] == "14758" and codes["vn:chi-cuc-hai-quan-khu-vuc-x"] == "vn"
    )
    assert all(a.split(":")[0] == c for a, c in codes.items())


def test_thanh_hoa_33_tasks_in_8_groups(tables: PlanTables) -> None:
    codes = _codes(tables, TH)
    assert len(codes) == 33
    groups = {c.split(".")[0] for c in codes}
    assert groups == {str(n) for n in range(1, 9)}
    assert codes[:3] == ["1.1", "1.2", "2.1"] and codes[-1] == "8.2"
    task = tables.frames["plan_tasks"].filter(
        (pl.col("plan_id") == TH) & (pl.col("task_code") == "7.5")
    )
    row = task.row(0, named=True)
    assert row["deadline_text"] == "Tháng 02/2026 và định kỳ theo quý"
    assert (row["deadline_kind"], row["due_date"], row["recurrence"]) == (
        "recurring",
        date(2026, 2, 28),
        "quarterly",
    )


def test_thanh_hoa_footnote_expands_the_collective_lead(tables: PlanTables) -> None:
    leads = tables.frames["task_assignments"].filter(
        (pl.col("plan_id") == TH) & (pl.col("task_code") == "1.1") & (pl.col("role") == "lead")
    )
    assert leads.height == 10
    assert "38:so-y-te" in leads["agency_id"].to_list()
    assert "38:bo-chi-huy-quan-su-tinh" in leads["agency_id"].to_list()
    assert not any(":group:" in a for a in leads["agency_id"])


def test_hung_yen_38_tasks_from_the_appendix_joined_to_the_body(tables: PlanTables) -> None:
    expected = (
        [f"1.{n}" for n in range(1, 12)]
        + [f"2.{n}" for n in range(1, 8)]
        + [f"3.{n}" for n in range(1, 7)]
        + ["4", "5.1", "5.2"]
        + [f"6.{n}" for n in range(1, 5)]
        + [f"7.{n}" for n in range(1, 6)]
        + ["8.1", "8.2"]
    )
    assert _codes(tables, HY) == expected
    plan = tables.frames["plans"].filter(pl.col("plan_id") == HY).row(0, named=True)
    assert plan["signer"] == "Lê Quang Hòa"
    assert plan["number"] is None and plan["issue_date"] is None and plan["issue_year"] == 2026
    assert plan["source_files"] == f"{SEEDS['hung_yen_body']}; {SEEDS['hung_yen_appendix']}"


def test_lao_cai_47_leaf_tasks_and_merged_cells_flagged(tables: PlanTables) -> None:
    assert _codes(tables, LC) == [f"1.{n}" for n in range(1, 13)] + [str(n) for n in range(2, 37)]
    tasks = tables.frames["plan_tasks"].filter(pl.col("plan_id") == LC)
    inherited = tasks.filter(pl.col("review_reason").str.contains("inherited from merged cell"))
    assert set(inherited["task_code"]) >= {"1.1", "1.2", "10", "11", "12", "13"}
    # the merged lead applies to every row it spans
    leads = tables.frames["task_assignments"].filter(
        (pl.col("plan_id") == LC)
        & pl.col("task_code").is_in(["1.1", "1.2", "1.3"])
        & (pl.col("role") == "lead")
    )
    assert set(leads["agency_id"]) == {"15:so-y-te"}
    assert leads.height == 3


def test_ham_rong_six_groups_with_assignments(tables: PlanTables) -> None:
    assert _codes(tables, HR) == ["1", "2", "3", "4", "5", "6"]
    a = tables.frames["task_assignments"].filter(pl.col("plan_id") == HR)
    group_2 = a.filter(pl.col("task_code") == "2")
    assert (
        group_2.filter(pl.col("role") == "lead")["agency_id"].to_list()[0] == "14758:cong-an-phuong"
    )
    assert ("14758:phong-kinh-te-ha-tang-va-do-thi", "coordinate") in zip(
        group_2["agency_id"], group_2["role"], strict=True
    )
    tasks = tables.frames["plan_tasks"].filter(pl.col("plan_id") == HR)
    assert tasks["needs_review"].all()  # the ward plan prints no deadlines
    assert set(tasks["review_reason"]) == {"no deadline printed"}


@pytest.mark.parametrize("plan_id", [TH, HY, LC])
def test_tip_targets_read_from_each_province_plan(tables: PlanTables, plan_id: str) -> None:
    targets = tables.frames["plan_targets"].filter(pl.col("plan_id") == plan_id)
    found = {(r["metric"], r["comparator"], r["threshold"]) for r in targets.iter_rows(named=True)}
    assert ("tip_acceptance_rate", ">=", 1.0) in found
    assert ("tip_resolution_rate", ">", 0.9) in found
    assert ("criminal_sign_prosecution_rate", ">=", 1.0) in found


def _duties(tables: PlanTables, plan_id: str) -> set[tuple]:
    frame = tables.frames["reporting_obligations"].filter(pl.col("plan_id") == plan_id)
    return {
        (r["kind"], r["due_day"], r["due_month"], r["due_date"])
        for r in frame.iter_rows(named=True)
    }


def test_reporting_duties(tables: PlanTables) -> None:
    assert _duties(tables, TH) == {("annual", 30, 9, None), ("annual", 5, 10, None)}
    assert _duties(tables, HY) == {
        ("annual", 20, 9, None),
        ("interim", 20, 12, date(2027, 12, 20)),
        ("final", 20, 12, date(2030, 12, 20)),
    }
    assert _duties(tables, LC) == {
        ("annual", 1, 10, None),
        ("annual", 5, 10, None),
        ("interim", 5, 1, date(2028, 1, 5)),
        ("final", 5, 1, date(2031, 1, 5)),
    }
    assert _duties(tables, HR) == {("annual", 25, 9, None), ("annual", 30, 9, None)}


def test_plan_tree(tables: PlanTables) -> None:
    plans = tables.frames["plans"]
    parents = dict(zip(plans["plan_id"], plans["parent_plan_id"], strict=True))
    assert parents == {
        "vn-397-nq-cp-2025": None,
        TH: "vn-397-nq-cp-2025",
        HY: "vn-397-nq-cp-2025",
        LC: "vn-397-nq-cp-2025",
        HR: TH,
    }
    assert tables.frames["national_solution_groups"].height == 8


def test_agencies_unify_variants_but_not_localities(tables: PlanTables) -> None:
    agencies = tables.frames["agencies"]
    ids = set(agencies["agency_id"])
    assert {"38:so-tai-chinh", "33:so-tai-chinh", "15:so-tai-chinh"} <= ids
    # "Sở Công thương" and "Sở Công Thương" are one agency in Hưng Yên
    hy = agencies.filter(pl.col("agency_id") == "33:so-cong-thuong").row(0, named=True)
    assert "Sở Công thương" in hy["aliases"] and "Sở Công Thương" in hy["aliases"]
    assert hy["kind"] == "department"
    groups = agencies.filter(pl.col("is_group"))
    assert "38:group:ubnd-cac-xa-phuong" in groups["agency_id"].to_list()


def _variant(text: str) -> bytes:
    """The same document as a worse file: NFD, CRLF, a BOM and non-breaking spaces."""
    nfd = unicodedata.normalize("NFD", text).replace(" ", "\u00a0", 50)
    return b"\xef\xbb\xbf" + nfd.replace("\n", "\r\n").encode()


def test_output_does_not_depend_on_encoding_details(tmp_path: Path, tables: PlanTables) -> None:
    for name in SEEDS.values():
        (tmp_path / name).write_bytes(_variant((PLANS_DIR / name).read_text(encoding="utf-8")))
    variant = load_plan_folder(tmp_path)
    assert variant.errors.height == 0
    for name in (
        "plans",
        "plan_tasks",
        "task_assignments",
        "plan_targets",
        "reporting_obligations",
    ):
        assert variant.frames[name].equals(tables.frames[name]), name


def test_bad_files_are_errors_and_the_rest_still_load(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "letter.txt").write_text(
        "Kính gửi anh chị,\nHẹn gặp lại tuần sau.\n", encoding="utf-8"
    )
    (tmp_path / "no-tasks.txt").write_text(
        "Số: 12/KH-UBND\nNinh Bình, ngày 02 tháng 3 năm 2026\nKẾ HOẠCH\nPhòng chống buôn lậu\n"
        "I. MỤC ĐÍCH\n1. Nâng cao nhận thức.\n",
        encoding="utf-8",
    )
    (tmp_path / "scan.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / SEEDS["lao_cai"]).write_bytes((PLANS_DIR / SEEDS["lao_cai"]).read_bytes())

    tables = load_plan_folder(tmp_path)
    assert tables.frames["plans"].filter(~pl.col("is_reference"))["plan_id"].to_list() == [LC]
    reasons = dict(zip(tables.errors["file_name"], tables.errors["reason"], strict=True))
    assert set(reasons) == {"empty.txt", "binary.txt", "letter.txt", "no-tasks.txt", "scan.jpg"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "not a plan" in reasons["letter.txt"]
    assert "no tasks found" in reasons["no-tasks.txt"]
    assert "unsupported file type" in reasons["scan.jpg"]


def test_a_plan_breaking_a_schema_rule_is_rejected_whole(tmp_path: Path) -> None:
    text = (PLANS_DIR / SEEDS["thanh_hoa"]).read_text(encoding="utf-8")
    # print task 1.2 as a second 1.1: task codes must be unique per plan
    (tmp_path / "dup.txt").write_text(
        text.replace("\n1.2. Rà soát tổng thể", "\n1.1. Rà soát tổng thể")
    )
    tables = load_plan_folder(tmp_path)
    assert tables.frames["plan_tasks"].height == 0
    row = tables.errors.row(0, named=True)
    assert (row["file_name"], row["stage"]) == ("dup.txt", "validate")
    assert "plan_tasks" in row["reason"] and "unique" in row["reason"]


def test_cli_parse_plan_json(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(PLANS_DIR / SEEDS["hung_yen_body"]), str(PLANS_DIR / SEEDS["hung_yen_appendix"])]
    assert main(["parse-plan", *files, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["errors"] == []
    [plan] = payload["plans"]
    assert plan["plan_id"] == HY and len(plan["tasks"]) == 38
    task = next(t for t in plan["tasks"] if t["task_code"] == "5.1")
    assert task["deadline_text"] == "Quý I năm 2026" and task["due_date"] == "2026-03-31"
    assert task["lead_agencies"] == ["Sở Công Thương"]
    assert (plan["locality_code"], plan["province_code"]) == ("33", "33")
    assert task["lead_agency_ids"] == ["33:so-cong-thuong"]
    for t in plan["tasks"]:  # ids parallel to the names
        assert len(t["lead_agency_ids"]) == len(t["lead_agencies"])
        assert len(t["coordinating_agency_ids"]) == len(t["coordinating_agencies"])
    assert {"metric": "tip_resolution_rate", "comparator": ">", "threshold": 0.9}.items() <= next(
        t for t in plan["targets"] if t["metric"] == "tip_resolution_rate"
    ).items()
    duty = next(o for o in plan["reporting_obligations"] if o["kind"] == "interim")
    assert duty["due_date"] == "2027-12-20"


def test_cli_parse_plan_fails_on_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["parse-plan", str(tmp_path / "empty.txt")]) == 1
    assert "empty.txt" in capsys.readouterr().err


def test_a_second_load_takes_unchanged_files_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from polars.testing import assert_frame_equal

    from pipelines.plans import documents
    from pipelines.plans.parsing import ParseStats

    plans, cache = tmp_path / "plans", tmp_path / "cache"
    shutil.copytree(PLANS_DIR, plans)
    assert load_plan_folder(plans, cache, workers=1).stats == ParseStats(parsed=4, cached=0)
    assert len(list((cache / "texts").glob("*.pickle"))) == 5

    normalised: list[str] = []
    real = documents.normalize_document
    monkeypatch.setattr(
        documents, "normalize_document", lambda raw: normalised.append(raw) or real(raw)
    )
    edited = plans / SEEDS["ham_rong"]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n(Bản cập nhật)\n", encoding="utf-8")
    second = load_plan_folder(plans, cache, workers=1)
    assert len(normalised) == 1  # only the edited file was read and normalised again
    assert second.stats == ParseStats(parsed=1, cached=3)
    assert len(list((cache / "texts").glob("*.pickle"))) == 5  # the old text was pruned

    uncached = load_plan_folder(plans)
    for name, frame in uncached.frames.items():
        assert_frame_equal(second.frames[name], frame, check_row_order=False)
