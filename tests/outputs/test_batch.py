"""Per-plan documents: rewritten only when the plan's published rows change."""

import hashlib
import struct
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipelines.outputs.batch import digest_seed, plan_digests, write_plan_documents
from pipelines.outputs.report_data import plan_rows

MARTS = ("mart_plans", "mart_kpi_targets", "mart_ingestion_errors")
AS_OF = date(2026, 11, 23)
CALLS: list[str] = []


def _writer(marts: Path, plan_id: str, year: int, out: Path, now: datetime) -> None:
    CALLS.append(plan_id)
    rows = pl.read_parquet(marts / "mart_kpi_targets.parquet").filter(pl.col("plan_id") == plan_id)
    out.write_text(f"{plan_id} {year} {rows['value'].to_list()}")


def _publish(
    marts: Path, kpis: dict[str, list[int]], errors: list[str], as_of: date = AS_OF
) -> None:
    marts.mkdir(exist_ok=True)
    pl.DataFrame({"as_of_date": [as_of]}).write_parquet(marts / "mart_build_info.parquet")
    pl.DataFrame({"plan_id": list(kpis)}).write_parquet(marts / "mart_plans.parquet")
    pl.DataFrame(
        {
            "plan_id": [p for p, vs in kpis.items() for _ in vs],
            "value": [v for vs in kpis.values() for v in vs],
        }
    ).write_parquet(marts / "mart_kpi_targets.parquet")
    pl.DataFrame(
        {"source_domain": "reports", "file_name": errors, "reason": "zip hỏng"},
        schema={"source_domain": pl.String, "file_name": pl.String, "reason": pl.String},
    ).write_parquet(marts / "mart_ingestion_errors.parquet")


def _run(marts: Path, out: Path, previous: Path, years: dict[str, int]):
    CALLS.clear()
    return write_plan_documents(
        _writer, marts, out, previous, years, lambda p, y: f"{p}_{y}.txt", MARTS
    )


def test_only_changed_plans_are_written_again(tmp_path: Path):
    marts = tmp_path / "marts"
    years = {"a": 2026, "b": 2026, "c": 2026}
    _publish(marts, {"a": [1, 2], "b": [3], "c": [4]}, [])
    first = _run(marts, tmp_path / "v1", tmp_path / "none", years)
    assert first.written == ["a_2026.txt", "b_2026.txt", "c_2026.txt"] and not first.reused

    _publish(marts, {"a": [1, 2], "b": [3, 5], "c": [4]}, [])  # b's rows changed
    second = _run(marts, tmp_path / "v2", tmp_path / "v1", years)
    assert second.written == ["b_2026.txt"] and CALLS == ["b"]
    assert second.reused == ["a_2026.txt", "c_2026.txt"]
    assert (tmp_path / "v2" / "b_2026.txt").read_text() == "b 2026 [3, 5]"
    assert (tmp_path / "v2" / "a_2026.txt").read_text() == "a 2026 [1, 2]"

    third = _run(marts, tmp_path / "v3", tmp_path / "v2", years | {"c": 2027})  # c's year moved
    assert third.written == ["c_2027.txt"]

    _publish(marts, {"a": [1, 2], "b": [3, 5], "c": [4]}, ["x.xlsx"])  # rows of no plan: all
    fourth = _run(marts, tmp_path / "v4", tmp_path / "v3", years | {"c": 2027})
    assert fourth.written == ["a_2026.txt", "b_2026.txt", "c_2027.txt"]

    # a rejected file naming one plan is shown in that plan's report only
    _publish(marts, {"a": [1, 2], "b": [3, 5], "c": [4]}, ["x.xlsx", "b__so-y-te.xlsx"])
    fifth = _run(marts, tmp_path / "v5", tmp_path / "v4", years | {"c": 2027})
    assert fifth.written == ["b_2026.txt"]


def test_a_missing_previous_file_is_written_again(tmp_path: Path):
    marts = tmp_path / "marts"
    _publish(marts, {"a": [1]}, [])
    _run(marts, tmp_path / "v1", tmp_path / "none", {"a": 2026})
    (tmp_path / "v1" / "a_2026.txt").unlink()
    again = _run(marts, tmp_path / "v2", tmp_path / "v1", {"a": 2026})
    assert again.written == ["a_2026.txt"]


def test_digests_taken_in_one_pass_equal_those_of_each_plans_rows(tmp_path: Path):
    marts = tmp_path / "marts"
    _publish(marts, {"a": [1, 2], "b": [3], "c": []}, ["x.xlsx", "b__so-y-te.xlsx"])
    pl.DataFrame({"month": [1, 2], "tips": [5, 7]}).write_parquet(marts / "mart_whole.parquet")
    kinds = (*MARTS, "mart_whole")  # by plan, rejected files, a mart without plan_id
    years = {"a": 2026, "b": 2026, "c": 2027, "d": 2026}  # d: in no mart
    digests = plan_digests(marts, years, kinds)
    for plan_id, year in years.items():
        expected = hashlib.sha256(digest_seed(plan_id, year, AS_OF).encode())
        for mart in kinds:
            hashes = plan_rows(marts, mart, plan_id).hash_rows(seed=0).to_list()
            expected.update(mart.encode() + struct.pack(f"<{len(hashes)}Q", *hashes))
        assert digests[plan_id] == expected.hexdigest(), plan_id
    assert len(set(digests.values())) == len(years)


def test_rejected_files_digested_in_one_pass_as_each_plan_is_shown_them(tmp_path: Path):
    # a commune plan's id holds its province plan's id; "hp" is in no published mart
    marts = tmp_path / "marts"
    plans = {"hp-2026": [1], "hp-2026-xa-an": [2], "hd-2026": [3]}
    files = ["z.xlsx", "hp-2026-xa-an__so.xlsx", "hd-2026.xlsx", "a.xlsx", "a.xlsx", "hp-2026.x"]
    _publish(marts, plans, files)
    years = dict.fromkeys([*plans, "hp"], 2026)
    digests = plan_digests(marts, years, ("mart_ingestion_errors",))
    shown = {}
    for plan_id, year in years.items():
        rows = plan_rows(marts, "mart_ingestion_errors", plan_id)
        shown[plan_id] = rows["file_name"].to_list()
        hashes = rows.hash_rows(seed=0).to_list()
        expected = hashlib.sha256(digest_seed(plan_id, year, AS_OF).encode())
        expected.update(b"mart_ingestion_errors" + struct.pack(f"<{len(hashes)}Q", *hashes))
        assert digests[plan_id] == expected.hexdigest(), plan_id
    assert shown["hd-2026"] == ["a.xlsx", "a.xlsx", "hd-2026.xlsx", "z.xlsx"]
    assert shown["hp-2026"] == ["a.xlsx", "a.xlsx", "hp-2026-xa-an__so.xlsx", "hp-2026.x", "z.xlsx"]
    assert shown["hp-2026-xa-an"] == ["a.xlsx", "a.xlsx", "hp-2026-xa-an__so.xlsx", "z.xlsx"]
    assert shown["hp"] == shown["hp-2026"]


def _completion(marts: Path, rows: list[dict], as_of: date) -> None:
    """A mart_task_completion and the build's as-of date, as a run publishes them."""
    pl.DataFrame({"as_of_date": [as_of]}).write_parquet(marts / "mart_build_info.parquet")
    pl.DataFrame(rows).write_parquet(marts / "mart_task_completion.parquet")


def _overdue(days: int, as_of: date, **extra) -> dict:
    return {
        "plan_id": "a",
        "task_code": "1.1",
        "due_date": date(2026, 2, 28),
        "is_overdue": True,
        "days_overdue": days,
        "as_of_date": as_of,
        "snapshot_date": as_of,
        **extra,
    }


def test_a_day_passing_alone_is_not_a_change_but_a_task_falling_due_is(tmp_path: Path):
    marts = tmp_path / "marts"
    marts.mkdir()
    kinds = ("mart_task_completion",)
    years = {"a": 2026}
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    _completion(marts, [_overdue(268, monday)], monday)
    before = plan_digests(marts, years, kinds)
    _completion(marts, [_overdue(269, tuesday)], tuesday)  # days and dates moved, nothing else
    assert plan_digests(marts, years, kinds) == before
    due = {**_overdue(0, tuesday), "task_code": "1.2", "is_overdue": False}
    _completion(marts, [_overdue(269, tuesday), due], tuesday)  # a second task fell due
    assert plan_digests(marts, years, kinds) != before
    _completion(marts, [_overdue(269, tuesday, is_overdue=False)], tuesday)  # reported done
    assert plan_digests(marts, years, kinds) != before


def test_when_the_year_ends_its_documents_are_written_once_more(tmp_path: Path):
    marts = tmp_path / "marts"
    marts.mkdir()
    kinds = ("mart_task_completion",)
    eve, end, after = date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 15)
    _completion(marts, [_overdue(305, eve)], eve)
    open_year = plan_digests(marts, {"a": 2026}, kinds)
    _completion(marts, [_overdue(306, end)], end)
    closed = plan_digests(marts, {"a": 2026}, kinds)
    assert closed != open_year
    _completion(marts, [_overdue(306, end)], after)  # as of 2027: 2026 stays counted to 31/12
    assert plan_digests(marts, {"a": 2026}, kinds) == closed


def _tree_status(marts: Path, missing: dict[str, int], overdue_days: int = 3) -> None:
    pl.DataFrame(
        {
            "plan_id": ["prov", "com-a", "com-b", "other"],
            "parent_plan_id": [None, "prov", "prov", None],
            "reports_missing": [missing.get(p, 0) for p in ("prov", "com-a", "com-b", "other")],
            "max_days_overdue": [overdue_days] * 4,
            "as_of_date": [AS_OF] * 4,
        }
    ).write_parquet(marts / "mart_plan_tree_status.parquet")


def test_a_change_in_a_plan_below_rewrites_the_plan_above(tmp_path: Path):
    """The province's tree view shows its communes: a commune's report going missing rewrites the
    province and the commune, not an unrelated plan; a day passing alone rewrites nothing."""
    marts = tmp_path / "marts"
    years = {"prov": 2026, "com-a": 2026, "com-b": 2026, "other": 2026}
    _publish(marts, {p: [1] for p in years}, [])
    _tree_status(marts, {})
    before = plan_digests(marts, years, MARTS)
    _tree_status(marts, {}, overdue_days=4)  # a day later: only the dated column moved
    assert plan_digests(marts, years, MARTS) == before
    _tree_status(marts, {"com-a": 1})
    after = plan_digests(marts, years, MARTS)
    changed = {p for p in years if after[p] != before[p]}
    assert changed == {"prov", "com-a"}
