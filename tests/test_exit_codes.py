"""What `plan389 run` exits with (cron alerts on it): the code of each kind of outcome."""

import pytest

from pipelines.run import RunOutcome

PUBLISHED = {"materialized": ("mart_plans", "published_marts")}


@pytest.mark.parametrize(
    ("outcome", "code"),
    [
        (RunOutcome(**PUBLISHED), 0),
        # a refused file: the others' data is published; the cron line can tell it apart
        (RunOutcome(refusal_checks=("raw/report_workbooks:files_readable",), **PUBLISHED), 3),
        (RunOutcome(refusal_checks=("raw/plans:plan_files_parsed",), **PUBLISHED), 3),
        # a step failed after publication (a document not written) or before it
        (RunOutcome(failed_steps=("official_reports",), **PUBLISHED), 1),
        (RunOutcome(failed_steps=("warehouse_models",)), 1),
        # refused files do not hide a real failure
        (
            RunOutcome(
                failed_steps=("plan_tables",),
                refusal_checks=("raw/report_workbooks:files_readable",),
            ),
            1,
        ),
        (RunOutcome(failed_checks=("raw/report_sheet_counts:rows_accounted_for",)), 1),
        (RunOutcome(), 1),  # nothing failed, yet nothing was published
        (RunOutcome(failed_steps=("warehouse_models",), interrupted=True), 130),
    ],
)
def test_exit_code(outcome: RunOutcome, code: int) -> None:
    assert outcome.exit_code == code
