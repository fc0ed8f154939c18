"""A workbook already loaded (same bytes, same plans, parser and key) is not read again."""

import shutil
from pathlib import Path

import pytest

from pipelines.plans.loader import load_plan_folder
from pipelines.reports.incremental import ReportCache, fingerprint
from pipelines.reports.ingest import PlanContext
from pipelines.reports.loader import load_report_folder
from pipelines.reports.privacy import Pseudonymizer
from tests.conftest import PLANS_DIR, REPO_ROOT

HASHER = Pseudonymizer(b"k")
REPORTS = REPO_ROOT / "data" / "raw" / "reports"


@pytest.fixture(scope="module")
def ctx() -> PlanContext:
    frames = load_plan_folder(PLANS_DIR).frames
    return PlanContext.from_frames(
        frames["plans"], frames["task_assignments"], frames["plan_targets"]
    )


def test_second_load_reads_nothing_and_gives_the_same_tables(tmp_path: Path, ctx) -> None:
    shutil.copytree(REPORTS, tmp_path / "reports")
    first = load_report_folder(tmp_path / "reports", ctx, HASHER)
    assert (first.files_read, first.files_skipped) == (23, 0)

    second = load_report_folder(tmp_path / "reports", ctx, HASHER, ReportCache(first.frames))
    assert (second.files_read, second.files_skipped) == (0, 23)
    for name, frame in first.frames.items():
        assert frame.equals(second.frames[name]), name


def test_only_new_files_are_read_and_removed_files_disappear(tmp_path: Path, ctx) -> None:
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    names = sorted(p.name for p in folder.glob("*.xlsx"))
    held_back = folder / names[0]
    held_back.rename(tmp_path / names[0])
    first = load_report_folder(folder, ctx, HASHER)

    (tmp_path / names[0]).rename(held_back)  # one new workbook arrives
    (folder / names[-1]).unlink()  # and one is withdrawn
    second = load_report_folder(folder, ctx, HASHER, ReportCache(first.frames))
    assert (second.files_read, second.files_skipped) == (1, 21)
    files = set(second.frames["report_workbooks"]["file_name"])
    assert names[0] in files and names[-1] not in files
    gone = first.frames["report_workbooks"].filter(
        first.frames["report_workbooks"]["file_name"] == names[-1]
    )["workbook_id"][0]
    for table in ("tips", "task_progress", "quarantine", "report_sheet_counts"):
        assert gone not in set(second.frames[table]["workbook_id"]), table
    # cached and fresh rows come out as a load from scratch gives them, in the same order
    scratch = load_report_folder(folder, ctx, HASHER)
    for name, frame in scratch.frames.items():
        assert frame.equals(second.frames[name]), name


def test_fingerprint_changes_with_key_and_plans(ctx) -> None:
    base = fingerprint(ctx, HASHER)
    assert fingerprint(ctx, HASHER) == base
    assert fingerprint(ctx, Pseudonymizer(b"another key")) != base
    fewer = PlanContext(ctx.localities, ctx.tasks.slice(1), ctx.metrics)
    assert fingerprint(fewer, HASHER) != base
