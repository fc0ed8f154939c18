"""Plain data records produced by the plan parser.

Shape parsers (one per document layout) emit `RawTask`s with text exactly as printed;
normalisers (deadlines, agencies, targets) turn that text into typed values. Keeping the
two apart lets every step be a pure function tested on the seed documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Role = Literal["lead", "coordinate"]

# Review reasons every layout gives the same words.
NO_LEAD = "no lead agency found"
NO_DEADLINE = "no deadline printed"
DeadlineKind = Literal["once", "recurring", "ongoing", "on_request", "event"]
Recurrence = Literal["weekly", "monthly", "quarterly", "annual"]
Level = Literal["national", "province", "commune"]


@dataclass
class RawAssignment:
    """One assignment line or cell, as printed.

    `text` may name one agency, several ("Sở Công Thương, các sở, ngành"), or a collective
    phrase ("UBND các xã, phường"); splitting and canonicalising is the agencies module's job.
    """

    text: str
    role: Role
    note: str | None = None  # e.g. the duty text after "Agency:" in ward plans, or "footnote 1"


@dataclass
class RawTask:
    task_code: str  # as printed: "2.3", "4", "1.12"
    title: str  # clean: no HTML, no line-wrap hyphenation, single spaces
    group_code: str | None = None
    group_title: str | None = None
    deadline_text: str | None = None
    expected_output: str | None = None
    assignments: list[RawAssignment] = field(default_factory=list)
    review_reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due_date: date | None = None
    recurrence: Recurrence | None = None
    review_reason: str | None = None  # set when the text could not be read with confidence


@dataclass(frozen=True)
class Target:
    metric: str  # e.g. "tip_acceptance_rate"
    comparator: Literal[">=", ">"]
    threshold: float  # 1.0 for 100%
    source_text: str  # the sentence or clause it was read from
    task_code: str | None = None  # set when stated inside a task


@dataclass(frozen=True)
class ReportingObligation:
    reporter: str  # as printed, e.g. "Các sở, ngành, đơn vị cấp tỉnh và UBND các xã, phường"
    recipient: str
    due_text: str  # as printed, e.g. "trước ngày 30/9"
    # recurring (annual, semiannual, quarterly, monthly: due_day/due_month) or one-off
    # (interim = sơ kết, final = tổng kết: due_date)
    kind: Literal["annual", "semiannual", "quarterly", "monthly", "interim", "final"]
    due_day: int | None = None
    due_month: int | None = None
    due_date: date | None = None  # one-off dates (sơ kết / tổng kết)


@dataclass
class PlanMeta:
    title: str | None = None
    issuer: str | None = None  # "Ủy ban nhân dân tỉnh Thanh Hóa"
    level: Level | None = None
    locality: str | None = None  # "Thanh Hóa", "Hàm Rồng"
    number: str | None = None  # "08/KH-UBND"; None when printed blank ("Số: /KH-UBND")
    issue_date: date | None = None  # only when day, month and year are all printed
    issue_year: int | None = None
    issue_month: int | None = None
    signer: str | None = None
    implements: list[str] = field(default_factory=list)  # ["397/NQ-CP"], ["08/KH-UBND"]
    implements_locality: str | None = None  # "Thanh Hóa" when a ward implements its province plan
    horizon_year: int | None = None
    # The locality in the official catalogue (`pipelines.plans.localities`); None when unknown.
    locality_code: str | None = None  # "38", "14758", "vn"
    province_code: str | None = None  # "38" for Thanh Hóa and for Hàm Rồng; "vn" nationally
    locality_type: str | None = None  # tỉnh, thành phố trung ương, xã, phường, đặc khu, quốc gia
