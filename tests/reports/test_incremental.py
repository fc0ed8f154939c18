"""A workbook already loaded (same bytes, same plans, code and key) is not read again."""

import shutil
from pathlib import Path

import pytest

from pipelines.fingerprint import PACKAGE_ROOT
from pipelines.plans.loader import load_plan_folder
from pipelines.reports.incremental import (
    ReportCache,
    code_fingerprint,
    fingerprint,
    reusable_cache,
    state_frame,
)
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
    code = code_fingerprint()
    base = fingerprint(ctx, HASHER, code)
    assert fingerprint(ctx, HASHER, code) == base
    assert fingerprint(ctx, Pseudonymizer(b"another key"), code) != base
    fewer = PlanContext(ctx.localities, ctx.tasks.slice(1), ctx.metrics)
    assert fingerprint(fewer, HASHER, code) != base


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the `pipelines` package to edit (the code the fingerprint reads)."""
    copy = tmp_path / "pipelines"
    shutil.copytree(PACKAGE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_code_fingerprint_follows_what_shapes_report_rows(package_copy: Path) -> None:
    base = code_fingerprint(package_copy)
    assert base == code_fingerprint(PACKAGE_ROOT)  # a faithful copy: same inputs, same key

    dashboard = package_copy / "outputs" / "dashboard.py"  # draws documents, not rows
    dashboard.write_text(dashboard.read_text() + "\n# unrelated edit\n")
    assert code_fingerprint(package_copy) == base

    normalize = package_copy / "reports" / "normalize.py"  # imported by ingestion
    normalize.write_text(normalize.read_text() + "\n# a rule changed\n")
    assert code_fingerprint(package_copy) != base


def test_reference_data_beside_the_code_is_an_input(package_copy: Path) -> None:
    base = code_fingerprint(package_copy)
    regions = package_copy / "plans" / "reference" / "customs_regions.csv"
    text = regions.read_text(encoding="utf-8")
    regions.write_text(text.replace("38,Thanh Hóa,X,", "38,Thanh Hóa,XI,"), encoding="utf-8")
    edited = code_fingerprint(package_copy)
    assert edited != base
    (regions.parent / "agencies.csv").write_text("slug,name\nso-tu-phap,Sở Tư pháp\n")
    assert code_fingerprint(package_copy) != edited  # a new data file counts too


def test_changed_agency_catalogue_reads_every_workbook_again(
    tmp_path: Path, ctx, package_copy: Path
) -> None:
    """What the report asset does between two loads: reuse the last tables only when the key
    stored with them is this load's key."""
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    first = load_report_folder(folder, ctx, HASHER)
    stored = state_frame(fingerprint(ctx, HASHER, code_fingerprint(package_copy)), "code")

    same = fingerprint(ctx, HASHER, code_fingerprint(package_copy))
    cache = reusable_cache(stored, first.frames, same)
    assert cache is not None
    assert load_report_folder(folder, ctx, HASHER, cache).files_read == 0

    catalog = package_copy / "plans" / "agency_catalog.py"
    catalog.write_text(catalog.read_text().replace("Sở Tư pháp", "Sở Tư pháp tỉnh", 1))
    changed = fingerprint(ctx, HASHER, code_fingerprint(package_copy))
    assert changed != same
    assert reusable_cache(stored, first.frames, changed) is None
    again = load_report_folder(folder, ctx, HASHER, reusable_cache(stored, first.frames, changed))
    assert (again.files_read, again.files_skipped) == (23, 0)


def test_no_cache_from_an_older_state_table_or_missing_tables(ctx) -> None:
    import polars as pl

    old_layout = pl.DataFrame({"parser_version": ["reports-2"]})
    assert reusable_cache(old_layout, {}, "k") is None
    assert reusable_cache(state_frame("k", "c"), {"tips": None}, "k") is None
