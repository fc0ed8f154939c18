"""From documents to parsed plans: join body and appendix files, read the tasks in the layout
family that fits the document, and normalise deadlines, agencies, targets and reporting duties.

Everything here is pure (documents in, records out); the Dagster asset and the CLI do the I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipelines.plans.agencies import Agency, resolve_agency, split_agency_text
from pipelines.plans.deadlines import parse_deadline
from pipelines.plans.documents import DocumentText
from pipelines.plans.metadata import extract_metadata
from pipelines.plans.model import Deadline, PlanMeta, RawTask, ReportingObligation, Target
from pipelines.plans.national import NATIONAL_NUMBER, NATIONAL_PLAN_ID, map_to_national_group
from pipelines.plans.obligations import extract_reporting_obligations
from pipelines.plans.outline import numbering, plan_heading, task_sections
from pipelines.plans.plan_ids import make_plan_id
from pipelines.plans.shapes.numbered_items import parse_numbered_items
from pipelines.plans.shapes.pdf_table import parse_pdf_table
from pipelines.plans.shapes.task_groups import parse_task_groups
from pipelines.plans.shapes.task_table import parse_task_table
from pipelines.plans.targets import extract_targets
from pipelines.plans.text import fold

MIN_DUE_YEAR, MAX_DUE_YEAR = 2020, 2035

# Layout families read by a parser of their own, tried in this order before the numbered
# items (which name their family themselves: numbered_sections, inline_labels, agency_centric,
# prose). The reading that finds the most tasks with a lead, then the most tasks, wins; ties go
# to the earlier one.
SHAPES: tuple[tuple[str, Callable[[str], list[RawTask]]], ...] = (
    ("task_groups", parse_task_groups),
    ("task_table", parse_task_table),  # tables: tab-separated, HTML, .docx, .pdf, Markdown
    ("task_table", parse_pdf_table),  # a table printed as PDF text, columns interleaved
)
OCR = "OCR"


class PlanError(ValueError):
    """The documents do not yield a usable plan; the message names the files and the reason."""


@dataclass
class ParsedAssignment:
    task_code: str
    agency: Agency
    role: str
    text: str  # the assignment text as printed
    note: str | None


@dataclass
class ParsedTask:
    raw: RawTask
    seq: int
    deadline: Deadline
    national_group_code: str | None
    national_group_source: str
    review_reasons: list[str]
    source: str = "extracted"  # extracted / reviewed (a review workbook gave it) / entered
    stale_review: bool = False  # reviewed on documents that have changed since
    extraction_reason: str | None = None  # why extraction flagged it, kept after review
    reviewer_note: str | None = None  # "Ghi chú của người rà soát"

    @property
    def needs_review(self) -> bool:
        return bool(self.review_reasons)


@dataclass
class ParsedPlan:
    plan_id: str
    meta: PlanMeta
    documents: list[tuple[DocumentText, str]]  # (document, role: body / appendix)
    shape: str
    tasks: list[ParsedTask]
    assignments: list[ParsedAssignment]
    targets: list[Target]
    obligations: list[ReportingObligation]
    implements_refs: list[str] = field(default_factory=list)  # "397/NQ-CP", "08/KH-UBND@Thanh Hóa"
    parent_plan_id: str | None = None
    source: str = "extracted"  # extracted / reviewed / entered (a review workbook, no document)
    review_file: str | None = None  # the review workbook in force
    # Extracted tasks the review marked Xóa, with their assignments: shown again, still marked,
    # when the plan is exported for review, so the deletion stands.
    deleted_tasks: list[tuple[ParsedTask, list[ParsedAssignment]]] = field(default_factory=list)


# ------------------------------------------------------------------------- grouping files

_APPENDIX_HEAD = re.compile(r"^[#\s]*phu luc\b")
_NAME_ROLE = re.compile(r"[-_ .](body|appendix|phu-?luc|pl|noi-?dung)$")


def is_appendix_only(doc: DocumentText) -> bool:
    """An appendix file: it opens with PHỤ LỤC and has no plan heading (KẾ HOẠCH) before it."""
    for line in doc.text.split("\n"):
        folded = fold(line)
        if not folded:
            continue
        if _APPENDIX_HEAD.match(folded):
            return True
        if folded.strip("# ") == "ke hoach" or folded.startswith("so:"):
            return False
    return False


def _stem(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    return _NAME_ROLE.sub("", base)


def group_documents(docs: list[DocumentText]) -> tuple[list[list[DocumentText]], list[str]]:
    """Bodies each with their appendix files; returns (groups, errors for orphan appendices).

    An appendix joins the body whose file name has the same stem (`x-body.txt` + `x-appendix.md`)
    or, failing that, the body whose locality the appendix names ("Kèm theo Kế hoạch … của UBND
    tỉnh Hưng Yên").
    """
    bodies = [d for d in docs if not is_appendix_only(d)]
    groups: dict[str, list[DocumentText]] = {d.file_name: [d] for d in bodies}
    by_stem: dict[tuple[str, str], list[DocumentText]] = {}
    for body in bodies:
        by_stem.setdefault((_folder(body.file_name), _stem(body.file_name)), []).append(body)
    localities: dict[str, str | None] = {}  # body file → its locality, read only when needed
    errors: list[str] = []
    for appendix in (d for d in docs if is_appendix_only(d)):
        body = _matching_body(appendix, bodies, by_stem, localities)
        if body is None:
            errors.append(
                f"{appendix.file_name}: an appendix (PHỤ LỤC) without its plan body; "
                "give the body file with it"
            )
        else:
            groups[body.file_name].append(appendix)
    return list(groups.values()), errors


def _folder(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else ""


def _matching_body(
    appendix: DocumentText,
    bodies: list[DocumentText],
    by_stem: dict[tuple[str, str], list[DocumentText]],
    localities: dict[str, str | None],
) -> DocumentText | None:
    same_stem = by_stem.get((_folder(appendix.file_name), _stem(appendix.file_name)), [])
    if len(same_stem) == 1:
        return same_stem[0]
    head = fold(appendix.text[:2000])
    named = []
    for body in bodies:
        if body.file_name not in localities:
            localities[body.file_name] = extract_metadata(body.text).locality
        if (loc := localities[body.file_name]) and fold(loc) in head:
            named.append(body)
    return named[0] if len(named) == 1 else None


# ------------------------------------------------------------------------------ parsing


def _choose_shape(text: str) -> tuple[str, list[RawTask]]:
    best_name, best = "none", []
    items = parse_numbered_items(text)
    readings = [(name, parse(text)) for name, parse in SHAPES] + [(items.family, items.tasks)]
    for name, tasks in readings:
        if _reading_score(tasks) > _reading_score(best):
            best_name, best = name, tasks
    return best_name, best


def _reading_score(tasks: list[RawTask]) -> tuple[int, int]:
    """Tasks with a lead first, then tasks: a reading that finds more items but not who leads
    them (a topic heading taken for an agency) loses to one that reads every lead."""
    led = sum(any(a.role == "lead" for a in t.assignments) for t in tasks)
    return led, len(tasks)


def _unread_section(text: str) -> str | None:
    """`line N: section "…" has K items but no task could be read`, for a task section with
    enumerated items (numbered lines, or numbered table rows) that gave no task."""
    lines = text.split("\n")
    for section in task_sections(lines):
        body = lines[section.start + 1 : section.end]
        items = sum(1 for line in body if (n := numbering(line)) and n.kind != "roman")
        rows = [line.split("\t")[0].strip() for line in body if "\t" in line]
        items += sum(1 for first in rows if first[:1].isdigit())
        if items:
            return (
                f'line {section.start + 1}: section "{section.label}. {section.heading}" has '
                f"{items} items but no task could be read"
            )
    return None


def checked_deadline(raw: RawTask) -> Deadline:
    deadline = parse_deadline(raw.deadline_text)
    due = deadline.due_date
    if due is not None and not (MIN_DUE_YEAR <= due.year <= MAX_DUE_YEAR):
        # Keep the text as printed but never a date outside the plans' horizon.
        return Deadline(
            kind=deadline.kind,
            due_date=None,
            recurrence=deadline.recurrence,
            review_reason=f"due date {due.isoformat()} outside {MIN_DUE_YEAR}–{MAX_DUE_YEAR}",
        )
    return deadline


def resolve_assignments(
    raw: RawTask, meta: PlanMeta, ocr: bool = False, split: bool = True
) -> list[ParsedAssignment]:
    """Each agency a task names, once per role; names read by OCR are matched tolerantly.
    `split=False` takes each assignment's text as one name (a review workbook's cells)."""
    rows: list[ParsedAssignment] = []
    seen: set[tuple[str, str]] = set()
    for assignment in raw.assignments:
        mentions = split_agency_text(assignment.text) if split else []
        for mention in mentions or [assignment.text]:
            agency = resolve_agency(mention, meta.locality_code, meta.level, tolerant=ocr)
            key = (agency.agency_id, assignment.role)
            if key in seen:  # the same agency named twice in one cell
                continue
            seen.add(key)
            rows.append(
                ParsedAssignment(raw.task_code, agency, assignment.role, mention, assignment.note)
            )
    # An agency that both leads and coordinates a task leads it.
    leads = {r.agency.agency_id for r in rows if r.role == "lead"}
    return [r for r in rows if r.role == "lead" or r.agency.agency_id not in leads]


def make_task(raw: RawTask, seq: int, assignments: list[ParsedAssignment]) -> ParsedTask:
    deadline = checked_deadline(raw)
    national, source = map_to_national_group(raw.group_title, raw.title)
    reasons = [*raw.review_reasons, deadline.review_reason]
    if not any(a.role == "lead" for a in assignments):
        reasons.append("no lead agency found")
    unique = list(dict.fromkeys(r for r in reasons if r))
    return ParsedTask(raw, seq, deadline, national, source, unique)


def parse_plan(docs: list[DocumentText]) -> ParsedPlan:
    """Parse one plan from its files (a body, optionally with appendix files)."""
    names = ", ".join(d.file_name for d in docs)
    body = next((d for d in docs if not is_appendix_only(d)), None)
    if body is None:
        raise PlanError(f"{names}: no plan body (only an appendix)")
    text = "\n\n".join(d.text for d in [body, *[d for d in docs if d is not body]])
    meta = extract_metadata(body.text)
    plan_id = make_plan_id(meta)
    shape, raw_tasks = _choose_shape(text)
    if not raw_tasks:
        is_plan = plan_heading(body.text.split("\n")) is not None or meta.title
        what = None if is_plan else "not a plan (no KẾ HOẠCH heading)"
        raise PlanError(f"{names}: {what or _unread_section(text) or 'no tasks found'}")
    ocr = any(d.ocr for d in docs)
    if ocr:  # read by OCR: every task to check
        for raw in raw_tasks:
            raw.review_reasons.append(OCR)
    if plan_id is None:
        raise PlanError(f"{names}: cannot tell the plan's locality and year from the letterhead")

    tasks, assignments = [], []
    for seq, raw in enumerate(raw_tasks, start=1):
        rows = resolve_assignments(raw, meta, ocr)
        assignments.extend(rows)
        tasks.append(make_task(raw, seq, rows))
    targets = extract_targets(text, {t.task_code: t.title for t in raw_tasks})
    refs = [
        f"{number}@{meta.implements_locality}" if meta.implements_locality else number
        for number in meta.implements
    ]
    documents = [(d, "body" if d is body else "appendix") for d in docs]
    return ParsedPlan(
        plan_id=plan_id,
        meta=meta,
        documents=documents,
        shape=shape,
        tasks=tasks,
        assignments=assignments,
        targets=targets,
        obligations=extract_reporting_obligations(body.text),
        implements_refs=refs,
    )


def link_parents(plans: list[ParsedPlan]) -> None:
    """Set `parent_plan_id`: 397/NQ-CP for province plans, the province plan for a ward plan."""
    by_number = {
        (p.meta.number, fold(p.meta.locality or "")): p.plan_id for p in plans if p.meta.number
    }
    for plan in plans:
        for ref in plan.implements_refs:
            number, _, locality = ref.partition("@")
            if number == NATIONAL_NUMBER:
                plan.parent_plan_id = NATIONAL_PLAN_ID
            elif (number, fold(locality)) in by_number:
                plan.parent_plan_id = by_number[(number, fold(locality))]
            if plan.parent_plan_id:
                break
