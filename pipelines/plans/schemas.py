"""pandera models for the parsed plan tables (polars backend).

They guard the parser: a plan whose tables break a rule is rejected as a whole and recorded in
`plan_ingestion_errors`, so no half-understood plan reaches the marts.
"""

from __future__ import annotations

from datetime import date
from typing import get_args

import pandera.polars as pa
import polars as pl

from pipelines.plans.agency_catalog import AgencyKind
from pipelines.plans.localities import COMMUNE_TYPES, NATIONAL, PROVINCE_TYPES

LEVELS = ["national", "province", "commune"]
LOCALITY_TYPES = [*PROVINCE_TYPES, *COMMUNE_TYPES, NATIONAL.type]
DEADLINE_KINDS = ["once", "recurring", "ongoing", "on_request", "event"]
RECURRENCES = ["weekly", "monthly", "quarterly", "annual"]
PLAN_SOURCES = ("extracted", "reviewed", "entered")  # where a plan's and a task's values come from
ROLES = ["lead", "coordinate"]
AGENCY_KINDS = list(get_args(AgencyKind))
OBLIGATION_KINDS = ["annual", "semiannual", "quarterly", "monthly", "interim", "final"]
COMPARATORS = [">=", ">"]
NATIONAL_GROUP_SOURCES = ["group_title", "keywords", "unmapped", "reference"]
FIRST_DUE, LAST_DUE = date(2020, 1, 1), date(2035, 12, 31)


def _flagged_with_reason(data: pa.PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select(pl.col("needs_review") == pl.col("review_reason").is_not_null())


class PlanSchema(pa.DataFrameModel):
    plan_id: str = pa.Field(unique=True)
    title: str = pa.Field(nullable=True)
    issuer: str = pa.Field(nullable=True)
    level: str = pa.Field(isin=LEVELS)
    locality: str = pa.Field(nullable=True)
    locality_code: str = pa.Field(nullable=True, str_matches=r"^(?:vn|\d{2}|\d{5})$")
    province_code: str = pa.Field(nullable=True, str_matches=r"^(?:vn|\d{2})$")
    locality_type: str = pa.Field(nullable=True, isin=LOCALITY_TYPES)
    number: str = pa.Field(nullable=True)
    issue_date: date = pa.Field(nullable=True)
    issue_year: int = pa.Field(nullable=True, ge=2000, le=2100)
    issue_month: int = pa.Field(nullable=True, ge=1, le=12)
    signer: str = pa.Field(nullable=True)
    implements: str = pa.Field(nullable=True)
    parent_plan_id: str = pa.Field(nullable=True)
    horizon_year: int = pa.Field(nullable=True, ge=2000, le=2100)
    shape: str
    source_files: str = pa.Field(nullable=True)
    source: str = pa.Field(isin=list(PLAN_SOURCES))
    review_file: str = pa.Field(nullable=True)
    is_reference: bool
    needs_review: bool
    review_reason: str = pa.Field(nullable=True)

    class Config:
        strict = True

    @pa.dataframe_check(error="a plan needs review exactly when it has a reason")
    def review_has_reason(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _flagged_with_reason(data)


class PlanTaskSchema(pa.DataFrameModel):
    plan_id: str
    # as printed: "2.3", "1.12", "1.a" (an agency's duty a), "III.2" (two task sections)
    task_code: str = pa.Field(str_matches=r"^[0-9A-Za-zđ]{1,5}(\.[0-9A-Za-zđ]{1,5})*$")
    task_seq: int = pa.Field(ge=1)
    group_code: str = pa.Field(nullable=True)
    group_title: str = pa.Field(nullable=True)
    title: str = pa.Field(str_length={"min_value": 3})
    deadline_text: str = pa.Field(nullable=True)
    deadline_kind: str = pa.Field(isin=DEADLINE_KINDS)
    due_date: date = pa.Field(
        nullable=True, in_range={"min_value": FIRST_DUE, "max_value": LAST_DUE}
    )
    recurrence: str = pa.Field(nullable=True, isin=RECURRENCES)
    expected_output: str = pa.Field(nullable=True)
    national_group_code: str = pa.Field(nullable=True, isin=[str(n) for n in range(1, 9)])
    national_group_source: str = pa.Field(isin=NATIONAL_GROUP_SOURCES)
    lead_count: int = pa.Field(ge=0)
    needs_review: bool
    review_reason: str = pa.Field(nullable=True)
    source: str = pa.Field(isin=list(PLAN_SOURCES))
    stale_review: bool
    extraction_review_reason: str = pa.Field(nullable=True)
    reviewer_note: str = pa.Field(nullable=True)

    class Config:
        strict = True
        unique = ["plan_id", "task_code"]

    @pa.dataframe_check(error="a task needs a lead agency or a needs_review reason")
    def lead_or_review(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("lead_count") > 0)
            | (pl.col("needs_review") & pl.col("review_reason").is_not_null())
        )

    @pa.dataframe_check(error="needs_review is set exactly when there is a reason")
    def review_has_reason(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _flagged_with_reason(data)


class TaskAssignmentSchema(pa.DataFrameModel):
    plan_id: str
    task_code: str
    agency_id: str
    role: str = pa.Field(isin=ROLES)
    text_as_printed: str
    note: str = pa.Field(nullable=True)

    class Config:
        strict = True
        unique = ["plan_id", "task_code", "agency_id"]


class AgencySchema(pa.DataFrameModel):
    agency_id: str = pa.Field(unique=True)
    name: str
    kind: str = pa.Field(isin=AGENCY_KINDS)
    locality: str = pa.Field(nullable=True)
    locality_code: str = pa.Field(nullable=True, str_matches=r"^(?:vn|\d{2}|\d{5})$")
    is_group: bool
    aliases: str

    class Config:
        strict = True


class PlanTargetSchema(pa.DataFrameModel):
    plan_id: str
    metric: str
    comparator: str = pa.Field(isin=COMPARATORS)
    threshold: float = pa.Field(gt=0.0, le=1.0)
    source_text: str
    task_code: str = pa.Field(nullable=True)

    class Config:
        strict = True


class ReportingObligationSchema(pa.DataFrameModel):
    plan_id: str
    obligation_seq: int = pa.Field(ge=1)
    reporter: str
    recipient: str = pa.Field(nullable=True)
    due_text: str
    kind: str = pa.Field(isin=OBLIGATION_KINDS)
    due_day: int = pa.Field(nullable=True, ge=1, le=31)
    due_month: int = pa.Field(nullable=True, ge=1, le=12)
    due_date: date = pa.Field(nullable=True)

    class Config:
        strict = True
        unique = ["plan_id", "obligation_seq"]


PLAN_TABLE_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "plans": PlanSchema,
    "plan_tasks": PlanTaskSchema,
    "task_assignments": TaskAssignmentSchema,
    "plan_targets": PlanTargetSchema,
    "reporting_obligations": ReportingObligationSchema,
}
