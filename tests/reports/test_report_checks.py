"""The report step's checks on real workbooks: refused files fail `files_readable`, an identical
copy does not, and a report dated after today (Vietnam) is flagged but loaded."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from pipelines.as_of import today_vn
from pipelines.defs.reports.assets import _check_results
from pipelines.plans.loader import load_plan_folder
from pipelines.reports.ingest import PlanContext
from pipelines.reports.loader import load_report_folder
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.spec import TIPS
from tests.conftest import PLANS_DIR
from tests.reports.workbooks import POLICE_TH, write_report


@pytest.fixture(scope="module")
def ctx() -> PlanContext:
    frames = load_plan_folder(PLANS_DIR).frames
    return PlanContext.from_frames(
        frames["plans"], frames["task_assignments"], frames["plan_targets"]
    )


def _checks(folder: Path, ctx: PlanContext) -> dict[str, object]:
    tables = load_report_folder(folder, ctx, Pseudonymizer(b"k"))
    return {result.check_name: result for result in _check_results(tables.frames)}


def test_identical_copy_passes_files_readable_and_a_broken_file_fails_it(
    tmp_path: Path, ctx
) -> None:
    sent = write_report(tmp_path / "a.xlsx", POLICE_TH, {TIPS: []})
    shutil.copy(sent, tmp_path / "a-resent.xlsx")
    checks = _checks(tmp_path, ctx)
    readable = checks["files_readable"]
    assert readable.passed
    assert readable.metadata["identical_copies"].value == 1
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    readable = _checks(tmp_path, ctx)["files_readable"]
    assert not readable.passed
    assert readable.metadata["files_rejected"].value == 1


def test_a_report_dated_after_today_is_flagged_not_refused(tmp_path: Path, ctx) -> None:
    today = today_vn()
    write_report(tmp_path / "today.xlsx", {**POLICE_TH, "report_date": today}, {TIPS: []})
    assert _checks(tmp_path, ctx)["report_dates_not_in_future"].passed

    tomorrow = {**POLICE_TH, "agency_name": "Sở Công Thương", "report_date": today + timedelta(1)}
    write_report(tmp_path / "tomorrow.xlsx", tomorrow, {TIPS: []})
    checks = _checks(tmp_path, ctx)
    future = checks["report_dates_not_in_future"]
    assert not future.passed and future.severity.value == "WARN"
    assert future.metadata["workbooks_dated_in_future"].value == 1
    assert "tomorrow.xlsx" in future.metadata["workbooks"].value
    assert checks["files_readable"].passed  # loaded, not refused
