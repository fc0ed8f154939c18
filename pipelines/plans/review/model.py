"""A plan review as read from its workbook: plain records, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from pipelines.plans.model import ReportingObligation, Target


class ReviewError(ValueError):
    """The review workbook cannot be applied; the message says why (the plan stays as it was)."""


@dataclass
class ReviewTask:
    row: int  # the row in NhiemVu, for messages
    task_code: str
    title: str | None = None
    group_code: str | None = None
    group_title: str | None = None
    leads: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    due_date: date | None = None
    recurrence: str | None = None  # weekly / monthly / quarterly / annual
    expected_output: str | None = None
    delete: bool = False
    note: str | None = None
    problems: list[str] = field(default_factory=list)  # kept as text, flagged: "Ngày đến hạn …"


@dataclass
class PlanReview:
    file_name: str  # relative to raw/plans/
    sha256: str
    plan_id: str | None  # None: a plan entered by hand (no document)
    reviewed_at: datetime  # "Ngày rà soát", else the file's modification time
    reviewed_at_source: str  # "Ngày rà soát" or "file time"
    fields: dict[str, str | date | None]  # KeHoach values other than the id and review date
    documents: list[tuple[str, str]]  # (file name, SHA-256) the review was made on
    tasks: list[ReviewTask]
    targets: list[Target]
    obligations: list[ReportingObligation]
    problems: list[str] = field(default_factory=list)  # sheet-level, non-fatal
