"""Pure generators of sample report rows: tips, task progress, enforcement results, target counts.

Rows are dicts keyed by the spec's column keys and hold clean values (`date`, `int`, labels as
printed in the dropdowns, `None` for blank); `workbooks` makes them look like real, messy
submissions and writes them. Every function takes its own `random.Random`, so the same seed
gives the same rows.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from pipelines.plans.agencies import resolve_agency
from pipelines.plans.text import fold
from pipelines.reports.spec import CHANNELS, FIELDS, OUTCOMES, TASK_STATUSES, TIP_TYPES

Row = dict[str, object]

# ---------------------------------------------------------------------------- people

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
FAMILY_WEIGHTS = (38, 12, 10, 7, 5, 5, 4, 3, 3, 3, 3)  # roughly the national shares
MIDDLE = {"m": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Công", "Thành", "Đình", "Ngọc")}
MIDDLE["f"] = ("Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Minh", "Phương", "Bích")
GIVEN = {
    "m": (
        "Anh",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Hải",
        "Hiếu",
        "Hùng",
        "Huy",
        "Khánh",
        "Long",
        "Mạnh",
        "Nam",
        "Phong",
        "Quân",
        "Sơn",
        "Thắng",
        "Toàn",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
    ),
    "f": (
        "Hà",
        "Hạnh",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "Nga",
        "Nhung",
        "Oanh",
        "Phượng",
        "Quyên",
        "Thảo",
        "Trang",
        "Vân",
        "Yến",
        "Hằng",
    ),
}
# Preparers' given names never end an informant's name, so a preparer (who is legitimately
# stored) can never be mistaken for a leaked informant by a privacy scan of the warehouse.
PREPARER_GIVEN = {
    "m": ("Khoa", "Lộc", "Nghĩa", "Phúc", "Tùng"),
    "f": ("Thư", "Uyên", "Diệp", "Giang"),
}


def person_name(rng: random.Random, given: dict[str, tuple[str, ...]] = GIVEN) -> str:
    sex = rng.choice("mf")
    family = rng.choices(FAMILY, FAMILY_WEIGHTS)[0]
    return f"{family} {rng.choice(MIDDLE[sex])} {rng.choice(given[sex])}"


def preparer_name(rng: random.Random) -> str:
    return person_name(rng, PREPARER_GIVEN)


def phone_number(rng: random.Random) -> str:
    """A 10-digit mobile number: 09x or 03[2-9] prefixes, as Vietnamese carriers issue them."""
    prefix = rng.choice(("09", "09", "03"))
    third = rng.randint(2, 9) if prefix == "03" else rng.randint(0, 9)
    return f"{prefix}{third}{rng.randint(0, 9_999_999):07d}"


def _weighted(rng: random.Random, labels: list[str], weights: tuple[int, ...]) -> str:
    return rng.choices(labels, weights)[0]


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


# ---------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class TaskRef:
    code: str
    deadline_kind: str | None
    due_date: date | None


@dataclass(frozen=True)
class SamplePlan:
    """What a plan says that sample reports draw on."""

    plan_id: str
    locality: str
    locality_code: str | None
    level: str
    deadline: date  # annual report due date in the reporting year
    tasks: dict[str, TaskRef]  # plan order
    leads: dict[str, list[str]]  # agency id → codes of tasks it leads
    assigned: dict[str, set[str]]  # agency id → codes of tasks it has any role in
    agencies: dict[str, tuple[str, str]]  # agency id → (canonical name, kind)
    metrics: list[str]  # count targets (reported in ChiTieu)


def sample_plans(frames: dict[str, pl.DataFrame], year: int) -> list[SamplePlan]:
    plans = frames["plans"].filter(~pl.col("is_reference")).sort("plan_id")
    agencies = {r["agency_id"]: r for r in frames["agencies"].iter_rows(named=True)}

    def by_plan(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
        # one pass instead of a filter per plan: thousands of plans at national scale
        return {k[0]: v for k, v in frame.partition_by("plan_id", as_dict=True).items()}

    all_tasks = by_plan(frames["plan_tasks"])
    all_assignments = by_plan(frames["task_assignments"])
    all_annual = by_plan(frames["reporting_obligations"].filter(pl.col("kind") == "annual"))
    all_targets = by_plan(frames["plan_targets"])
    out: list[SamplePlan] = []
    for plan in plans.iter_rows(named=True):
        pid = plan["plan_id"]
        empty = frames["plan_tasks"].clear()
        tasks = all_tasks.get(pid, empty).sort("task_seq")
        assignments = all_assignments.get(pid, frames["task_assignments"].clear())
        annual = all_annual.get(pid, frames["reporting_obligations"].clear())
        due = annual.sort("obligation_seq").row(0, named=True) if annual.height else None
        leads: dict[str, list[str]] = {}
        assigned: dict[str, set[str]] = {}
        for a in assignments.iter_rows(named=True):
            if agencies[a["agency_id"]]["is_group"]:
                continue  # a collective ("Các sở, ngành") never sends a workbook of its own
            assigned.setdefault(a["agency_id"], set()).add(a["task_code"])
            if a["role"] == "lead":
                leads.setdefault(a["agency_id"], []).append(a["task_code"])
        out.append(
            SamplePlan(
                plan_id=pid,
                locality=plan["locality"],
                locality_code=plan["locality_code"],
                level=plan["level"],
                deadline=date(year, due["due_month"], due["due_day"]) if due else date(year, 9, 30),
                tasks={
                    t["task_code"]: TaskRef(t["task_code"], t["deadline_kind"], t["due_date"])
                    for t in tasks.iter_rows(named=True)
                },
                leads={k: sorted(v, key=list(tasks["task_code"]).index) for k, v in leads.items()},
                assigned=assigned,
                agencies={k: (agencies[k]["name"], agencies[k]["kind"]) for k in assigned},
                metrics=[
                    m
                    for m in all_targets.get(pid, frames["plan_targets"].clear())["metric"]
                    if is_count_target(m)
                ],
            )
        )
    return out


def printed_name(agency_id: str, name: str, ctx: SamplePlan) -> str:
    """The name as an agency prints it on its letterhead, checked to resolve back to the agency."""
    loc = ctx.locality
    units = ("tỉnh", "thành phố", "phường", "xã")
    candidates = [f"{name} {loc}"] if name.endswith(tuple(f" {u}" for u in units)) else []
    if not agency_id.startswith("vn:"):
        candidates += [f"{name} {unit} {loc}" for unit in units]
    for text in [*candidates, name]:
        if resolve_agency(text, ctx.locality_code, ctx.level).agency_id == agency_id:
            return text
    return name


# ---------------------------------------------------------------------------- tips (ToGiac)


@dataclass(frozen=True)
class TipProfile:
    """How many tips a register holds and what they are about; scaled per agency."""

    received: int  # tips received in the reporting year up to the horizon
    carried_over: int  # tips of the year before, accepted but still open on 1 January
    field_weights: tuple[int, ...] = (30, 25, 25, 8, 12)  # FIELDS order
    anonymous_rate: float = 0.15
    repeat_rate: float = 0.06  # a known informant calls again


CHANNEL_WEIGHTS = (30, 20, 15, 5, 10, 20)  # CHANNELS order
TIP_TYPE_WEIGHTS = (45, 45, 10)  # TIP_TYPES order
ACCEPT_DELAYS = (0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 7)  # days from receipt to thụ lý
_CHANNELS, _TIP_TYPES = ([c.label for c in cs] for cs in (CHANNELS, TIP_TYPES))
_LABEL = {c.code: c.label for c in FIELDS}
# The fields of the tips and of the first XuLy rows, in the order their weights are given.
_FIELDS = [
    _LABEL[c] for c in ("smuggling", "trade_fraud", "counterfeit", "ip_infringement", "other")
]
_OUTCOME = {c.code: c.label for c in OUTCOMES}


def tip_outcome(rng: random.Random, signs: bool) -> str:
    if signs:  # most tips with criminal signs are prosecuted, not all: the 100% target slips
        code = rng.choices(("prosecuted", "suspended", "transferred"), (86, 8, 6))[0]
    else:
        code = rng.choices(("not_prosecuted", "administrative", "transferred"), (40, 45, 15))[0]
    return _OUTCOME[code]


def tip_code(year: int, n: int, unit: str = "") -> str:
    """A Mã tin: TG-2026-0001, or TG-2026-26734-0001 where registers carry the unit's code."""
    return f"TG-{year}-{unit}-{n:04d}" if unit else f"TG-{year}-{n:04d}"


def tip_field(rng: random.Random, profile: TipProfile) -> str:
    return _weighted(rng, _FIELDS, profile.field_weights)


def tip_row(
    rng: random.Random, profile: TipProfile, code: str, received: date, informants: list[tuple]
) -> Row:
    tip_type = _weighted(rng, _TIP_TYPES, TIP_TYPE_WEIGHTS)
    channel = _weighted(rng, _CHANNELS, CHANNEL_WEIGHTS)
    if tip_type == TIP_TYPES[2].label:  # prosecution requests come from other agencies
        channel = rng.choice((CHANNELS[2].label, CHANNELS[5].label))
    name: str | None = None
    phone: str | None = None
    if channel != CHANNELS[5].label and rng.random() >= profile.anonymous_rate:
        if informants and rng.random() < profile.repeat_rate:
            name, phone = rng.choice(informants)
        else:
            name, phone = person_name(rng), phone_number(rng) if rng.random() < 0.9 else None
            informants.append((name, phone))
    accepted = received + timedelta(rng.choice(ACCEPT_DELAYS)) if rng.random() < 0.95 else None
    resolved = accepted + timedelta(rng.randint(5, 60)) if accepted and rng.random() < 0.9 else None
    signs = rng.random() < 0.3 if resolved else None
    return {
        "tip_code": code,
        "received_date": received,
        "channel": channel,
        "tip_type": tip_type,
        "field": tip_field(rng, profile),
        "accepted_date": accepted,
        "resolved_date": resolved,
        "outcome": tip_outcome(rng, signs) if resolved else None,
        "criminal_signs": signs,
        "informant_name": name,
        "informant_phone": phone,
    }


def tip_history(
    rng: random.Random, profile: TipProfile, year: int, horizon: date, unit: str = ""
) -> list[Row]:
    """Every tip's life up to `horizon`, carried-over ones first; `snapshot` cuts it at a date.

    Carried-over tips were received and accepted in the year before and were open on 1 January:
    they keep their old dates and codes, and some are resolved during the year.
    """
    informants: list[tuple] = []
    rows: list[Row] = []
    start = date(year, 1, 2)
    old = sorted(
        _day_between(rng, date(year - 1, 10, 1), date(year - 1, 12, 20))
        for _ in range(profile.carried_over)
    )
    for n, received in enumerate(old, start=rng.randint(300, 400)):
        tip = tip_row(rng, profile, tip_code(year - 1, n, unit), received, informants)
        tip["accepted_date"] = min(
            received + timedelta(rng.choice(ACCEPT_DELAYS)), date(year - 1, 12, 31)
        )
        resolved = _day_between(rng, start, horizon) if rng.random() < 0.6 else None
        signs = rng.random() < 0.3 if resolved else None
        tip.update(resolved_date=resolved, criminal_signs=signs)
        tip["outcome"] = tip_outcome(rng, bool(signs)) if resolved else None
        rows.append(tip)
    days = sorted(_day_between(rng, start, horizon) for _ in range(profile.received))
    rows += [
        tip_row(rng, profile, tip_code(year, n, unit), d, informants) for n, d in enumerate(days, 1)
    ]
    return rows


def snapshot(tips: list[Row], as_of: date) -> list[Row]:
    """The register as an agency sees it on `as_of`: later tips and later steps not yet there."""

    def seen(day: object) -> bool:
        return isinstance(day, date) and day <= as_of

    out: list[Row] = []
    for tip in (t for t in tips if seen(t["received_date"])):
        row = dict(tip)
        if not seen(row["accepted_date"]):
            row["accepted_date"] = None
        if not (row["accepted_date"] and seen(row["resolved_date"])):
            row.update(resolved_date=None, outcome=None, criminal_signs=None)
        out.append(row)
    return out


# ---------------------------------------------------------------------------- progress (TienDo)


_STATUS = {c.code: c.label for c in TASK_STATUSES}
# Status weights by deadline kind: tasks already due are mostly done, standing duties run on.
STATUS_WEIGHTS = {
    "due": {"completed": 68, "in_progress": 20, "not_started": 5, "cannot_complete": 7},
    "standing": {"completed": 20, "in_progress": 68, "not_started": 9, "cannot_complete": 3},
    "later": {"completed": 15, "in_progress": 40, "not_started": 42, "cannot_complete": 3},
}
OUTPUTS = ("Kế hoạch số {n}/KH", "Báo cáo số {n}/BC", "Công văn số {n}/CV", "Quyết định số {n}/QĐ")
NOTES = {
    "in_progress": ("", "", "Đã triển khai đến các đơn vị trực thuộc", "Đang tổng hợp số liệu"),
    "not_started": ("", "Chưa có văn bản hướng dẫn", "Chờ kế hoạch của Bộ, ngành Trung ương"),
    "cannot_complete": ("Chưa được bố trí kinh phí", "Thiếu biên chế, chưa có trang thiết bị"),
    "completed": ("",),
    "late": ("Hoàn thành sau thời hạn do phải lấy ý kiến các đơn vị", "Chậm do chờ số liệu"),
}


def _bucket(task: TaskRef, report_date: date) -> str:
    if task.due_date and task.due_date <= report_date:
        return "due"
    return "standing" if task.deadline_kind in ("ongoing", "recurring") else "later"


def progress_row(rng: random.Random, task: TaskRef, report_date: date, year: int) -> Row:
    weights = STATUS_WEIGHTS[_bucket(task, report_date)]
    status = rng.choices(list(weights), list(weights.values()))[0]
    done: date | None = None
    output: str | None = None
    if status == "completed":
        if task.due_date and task.due_date <= report_date:  # some finish after their due date
            done = task.due_date + timedelta(rng.randint(-30, 25))
        else:
            done = _day_between(rng, date(year, 1, 15), report_date)
        done = min(max(done, date(year, 1, 10)), report_date)
        output = f"{rng.choice(OUTPUTS).format(n=rng.randint(12, 480))} ngày {done:%d/%m/%Y}"
    late = bool(done and task.due_date and done > task.due_date)
    return {
        "task_code": task.code,
        "status": _STATUS[status],
        "completed_date": done,
        "output_document": output,
        "note": rng.choice(NOTES["late" if late else status]) or None,
    }


# ---------------------------------------------------------------------------- enforcement (XuLy)

# Inspections per year and field for each kind of reporting force (low, high).
INSPECTION_SCALE = {
    "police": (30, 160),
    "market_surveillance": (80, 420),
    "customs": (20, 140),
    "border_guard": (10, 60),
}
FIELD_SHARE = (0.3, 0.3, 0.25, 0.08, 0.07)  # FIELDS order
PROSECUTING = {"police": (0.05, 0.2), "customs": (0.0, 0.04), "border_guard": (0.0, 0.08)}


def enforcement_rows(rng: random.Random, kind: str, scale: float = 1.0) -> list[Row]:
    """One row per field; `scale` shrinks a year to a month or a province to a ward."""
    low, high = INSPECTION_SCALE.get(kind, (10, 60))
    rows: list[Row] = []
    for label, share in zip(_FIELDS, FIELD_SHARE, strict=True):
        inspections = max(1, round(rng.randint(low, high) * share * 5 * scale))
        violations = round(inspections * rng.uniform(0.45, 0.95))
        p_low, p_high = PROSECUTING.get(kind, (0.0, 0.0))
        prosecutions = round(violations * rng.uniform(p_low, p_high))
        administrative = max(0, violations - prosecutions - rng.randint(0, 2))
        rows.append(_cases(rng, label, inspections, violations, prosecutions, administrative))
    # The columns and field added later come from their own generator, so that the rows drawn
    # before them, and everything drawn after, stay what they were.
    extra = random.Random(f"{kind}:{scale}:{[(r['inspections'], r['fines_vnd']) for r in rows]}")
    for row in rows:
        row.update(_budget_columns(extra, row))
    rows.insert(1, _prohibited_goods(extra, rows[0]))
    return rows


def _cases(
    rng: random.Random,
    label: str,
    inspections: int,
    violations: int,
    prosecutions: int,
    administrative: int,
    fines: tuple[int, int] = (6, 80),  # × 500,000 đồng a case
    goods: tuple[int, int] = (15_000, 260_000),  # × 1,000 đồng a violation
) -> Row:
    """One XuLy row: the money and the defendants drawn for the cases given."""
    return {
        "field": label,
        "inspections": inspections,
        "violations": violations,
        "administrative_cases": administrative,
        "fines_vnd": administrative * rng.randint(*fines) * 500_000,
        "goods_value_vnd": violations * rng.randint(*goods) * 1_000,
        "prosecutions": prosecutions,
        "defendants": prosecutions + rng.randint(0, prosecutions),
    }


def _budget_columns(rng: random.Random, row: Row) -> Row:
    """Truy thu thuế and Tiền bán hàng tịch thu: a share of the fines and of the goods' value."""
    return {
        "tax_arrears_vnd": round(row["fines_vnd"] * rng.uniform(0.0, 0.6) / 1000) * 1000,
        "confiscated_sales_vnd": round(row["goods_value_vnd"] * rng.uniform(0.0, 0.15) / 1000)
        * 1000,
    }


def _prohibited_goods(rng: random.Random, smuggling: Row) -> Row:
    """Hàng cấm (drugs aside: fireworks, wildlife, banned chemicals): fewer, larger cases."""
    inspections = max(1, round(smuggling["inspections"] * rng.uniform(0.1, 0.3)))
    violations = round(inspections * rng.uniform(0.5, 0.9))
    prosecutions = round(violations * rng.uniform(0.0, 0.3))
    administrative = max(0, violations - prosecutions)
    row = _cases(
        rng,
        _LABEL["prohibited_goods"],
        inspections,
        violations,
        prosecutions,
        administrative,
        fines=(10, 120),
        goods=(20_000, 400_000),
    )
    return {**row, **_budget_columns(rng, row)}


# ---------------------------------------------------------------------------- targets (ChiTieu)

# What each 100% target counts, as (smallest, largest) population and lowest achieved share.
TARGET_POPULATIONS = {
    "official_integrity_rate": (250, 900, 0.985),
    "agency_equipment_rate": (12, 30, 0.85),
    "ecommerce_commitment_rate": (800, 1500, 0.9),
    "health_business_outreach_rate": (400, 2000, 0.88),
    "consumer_outreach_rate": (40_000, 300_000, 0.9),
}


def is_count_target(metric: str) -> bool:
    """Targets an agency reports as counts; tip rates are computed from the tip registers."""
    return not metric.startswith(("tip_", "criminal_sign_"))


def target_rows(rng: random.Random, metrics: list[str], scale: float = 1.0) -> list[Row]:
    rows: list[Row] = []
    for metric in metrics:
        low, high, floor = TARGET_POPULATIONS.get(metric, (10, 100, 0.8))
        total = max(1, round(rng.randint(low, high) * scale))
        achieved = total if rng.random() < 0.25 else round(total * rng.uniform(floor, 0.999))
        rows.append({"metric": metric, "total": total, "achieved": achieved})
    return rows


# ---------------------------------------------------------------------------- content errors


def with_impossible_dates(rng: random.Random, tips: list[Row], report_date: date) -> list[Row]:
    """Three rows a validator must catch: 31/02, accepted before received, resolved too late."""
    rows = [dict(t) for t in tips]
    done = [
        i
        for i, t in enumerate(rows)
        if t["resolved_date"] and str(t["tip_code"]).startswith(f"TG-{report_date.year}")
    ]
    a, b, c = rng.sample(done, 3)
    rows[a]["received_date"] = f"31/02/{report_date.year}"  # text: no such day exists
    rows[b]["accepted_date"] = rows[b]["received_date"] - timedelta(3)  # type: ignore[operator]
    rows[c]["resolved_date"] = report_date + timedelta(rng.randint(5, 20))
    return rows


def with_bad_counts(rng: random.Random, rows: list[Row], kinds: set[str]) -> list[Row]:
    rows = [dict(r) for r in rows]
    if "negative_count" in kinds:
        rng.choice(rows)["administrative_cases"] = -rng.randint(1, 5)
    if "violations_gt_inspections" in kinds:
        row = rng.choice(rows)
        row["violations"] = row["inspections"] + rng.randint(1, 6)  # type: ignore[operator]
    return rows


def stray_task_codes(
    tasks: dict[str, TaskRef], assigned: set[str], kinds: set[str]
) -> list[TaskRef]:
    """Tasks a workbook should not report: one not in the plan, one led by someone else."""
    out: list[TaskRef] = []
    if "unknown_task_code" in kinds:
        code = next(c for c in ("9.1", "10.1", "99", "99.9") if c not in tasks)
        out.append(TaskRef(code, None, None))
    if "task_of_other_agency" in kinds:
        out.append(next(t for c, t in tasks.items() if c not in assigned))
    return out


# ---------------------------------------------------------------------------- values as typed

DATE_TEXT = (lambda d: f"{d:%d/%m/%Y}", lambda d: f"{d.day}-{d.month}-{d.year}", date.isoformat)
YES_FORMS, NO_FORMS = ("Có", "có", "x", "X"), ("Không", "không", None)
INTERNAL_NOTES = (None, None, None, "Đã xác minh", "Đội 2 theo dõi", "Kiểm tra lại số liệu")


def vn_number(n: int) -> str:
    """1234567 → "1.234.567", the Vietnamese thousands separator typed into a text cell."""
    return f"{n:,}".replace(",", ".")


def choice_variant(label: str, n: int) -> str:
    """Another case, padding, or decomposed Unicode: what retyping and copy-paste leave."""
    return (label.lower(), f"  {label} ", unicodedata.normalize("NFD", label), label.upper())[n % 4]


def header_variant(header: str, n: int) -> str:
    forms = (header.upper(), fold(header), header.replace(" ", "  ") + " ")
    return (*forms, unicodedata.normalize("NFD", header.lower()))[n % 4]
