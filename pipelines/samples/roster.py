"""Who sends which workbook, when, for which period, and how dirty: the sample roster.

`demo_submissions` decides it for every plan, before any row is drawn: the demo set's one report
a year per agency (with a quarterly, a monthly, late files and a resubmission), and, at national
scale, earlier years, agencies reporting by month or by quarter, and the tip histories their
registers are cut from (`pipelines.samples.registers`). Every random choice comes from a
`random.Random` seeded by the seed plus what is being decided.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from pipelines.plans.localities import NATIONAL, locality
from pipelines.plans.text import slug
from pipelines.reports.spec import ENFORCEMENT, TARGET_COUNTS, TASK_PROGRESS, TIPS
from pipelines.samples import registers
from pipelines.samples import report_rows as sr
from pipelines.samples.report_rows import SamplePlan, printed_name

YEAR = 2026
SHEET_ORDER = (TASK_PROGRESS, TIPS, ENFORCEMENT, TARGET_COUNTS)

# Mess seen in real submissions. Light kinds are spread over files; the others mark one file.
LIGHT_DIRT: dict[str, set[str] | None] = {  # kind → sheets it can touch (None: any)
    "dates_as_text": None,  # 20/09/2026, 20-9-2026, 2026-09-20 typed as text
    "numbers_as_text": {ENFORCEMENT.name, TARGET_COUNTS.name},  # "1.234.567"
    "choice_variants": {TASK_PROGRESS.name, TIPS.name, ENFORCEMENT.name},  # case, spaces, NFD
    "yesno_variants": {TIPS.name},  # Có / có / x / Không / blank
    "title_rows": None,  # letterhead lines above the sheet title
    "extra_columns": None,  # STT first, "Ghi chú nội bộ" last
    "blank_rows": None,  # empty rows between data rows
}
ONE_FILE_DIRT = {  # kind → the sheet it needs
    "header_variants": TIPS.name,  # "MÃ TIN", "ngay tiep nhan", NFD, double spaces
    "negative_count": ENFORCEMENT.name,
    "violations_gt_inspections": ENFORCEMENT.name,
    "unknown_task_code": TASK_PROGRESS.name,
    "task_of_other_agency": TASK_PROGRESS.name,
}
DIRT_KINDS = (  # every kind a SampleFile.dirt may name
    *LIGHT_DIRT,
    *ONE_FILE_DIRT,
    "impossible_dates",  # 31/02, accepted before received, resolved after the report date
    "resubmission",  # a corrected __v2 of an earlier file (which carries impossible_dates)
    "missing_required_column",  # ToGiac without "Ngày tiếp nhận"
    "tasks_omitted",  # some of the agency's lead tasks are not in its TienDo
    "late_report",  # sent in October, after the annual deadline
)
STANDING_OFFICES = ("so-cong-thuong", "phong-kinh-te-ha-tang-va-do-thi")  # report the ChiTieu


@dataclass(frozen=True)
class SampleOptions:
    """Knobs for the roster; the defaults give the small committed demo set."""

    year: int = YEAR
    other_reporters: dict[str, int] = field(default_factory=lambda: {"province": 2, "commune": 1})
    light_dirt_rate: float = 0.3
    late_files: int = 2
    tips_police: tuple[int, int] = (95, 130)  # province police: tips to the horizon (or a year)
    tips_ward: tuple[int, int] = (35, 50)
    tips_border: tuple[int, int] = (35, 45)
    # National scale (the defaults leave them off): years before `year` send ToGiac and XuLy
    # only; some police and market surveillance send those by month or by quarter, to
    # `last_month` of `year`, and mostly not in their annual report, which keeps the TienDo;
    # commune police pass a share of their tips up to the province police.
    first_year: int = YEAR
    monthly_share: float = 0.0
    quarterly_share: float = 0.0
    periodic_annual_share: float = 0.0  # of those, also sending them in the annual report
    last_month: int = 10
    transfer_share: float = 0.0

    @property
    def tip_histories(self) -> bool:
        """Registers cut from one tip history per agency over the years, with the unit's code
        in the Mã tin (`registers`), as these knobs need; else one register drawn per file, as
        the committed demo set has them."""
        shares = (self.monthly_share, self.quarterly_share, self.transfer_share)
        return self.first_year < self.year or any(shares)


@dataclass(frozen=True)
class Submission:
    plan_id: str
    agency_id: str
    agency_name: str  # as printed in the workbook
    kind: str
    sheets: tuple[str, ...]
    report_date: date
    period: str  # 2026, 2026-Q3 or 2026-09
    tip_profile: sr.TipProfile | None = None
    dirt: frozenset[str] = frozenset()
    version: int = 1
    horizon: date | None = None  # last day of the agency's tip history (its latest report)
    tip_stream: registers.TipStream | None = None  # what its register is cut from (national)

    @property
    def file_name(self) -> str:
        suffix = f"__v{self.version}" if self.version > 1 else ""
        return f"{self.plan_id}__{slug(self.agency_name)}__{self.period}{suffix}.xlsx"


# ---------------------------------------------------------------------------- who sends what


def _before(rng: random.Random, deadline: date) -> date:
    return deadline - timedelta(rng.randint(0, 10))


def plan_roster(ctx: SamplePlan, rng: random.Random, opts: SampleOptions) -> list[Submission]:
    """Police, market surveillance, customs and the standing office always report; of the
    other lead agencies only a few do, so some leads are missing from the warehouse."""
    subs: list[Submission] = []
    others: list[str] = []
    office = next((a for s in STANDING_OFFICES for a in sorted(ctx.leads) if a.endswith(s)), None)
    for agency_id in sorted(ctx.leads):
        kind = ctx.agencies[agency_id][1]
        sheets = [TASK_PROGRESS.name]
        profile = None
        if kind == "police" and not agency_id.startswith("vn:"):
            low, high = opts.tips_ward if ctx.level == "commune" else opts.tips_police
            profile = sr.TipProfile(rng.randint(low, high), rng.randint(low // 12, high // 10))
            sheets += [TIPS.name, ENFORCEMENT.name]
        elif kind in ("market_surveillance", "customs"):
            sheets.append(ENFORCEMENT.name)
        elif agency_id == office and ctx.metrics:
            sheets.append(TARGET_COUNTS.name)
        else:
            others.append(agency_id)
            continue
        subs.append(_submission(ctx, agency_id, tuple(sheets), _before(rng, ctx.deadline), profile))
    for agency_id in rng.sample(others, min(len(others), opts.other_reporters[ctx.level])):
        sheets = (TASK_PROGRESS.name,)
        subs.append(_submission(ctx, agency_id, sheets, _before(rng, ctx.deadline), None))
    return subs


def _submission(
    ctx: SamplePlan, agency_id: str, sheets: tuple, day: date, profile: sr.TipProfile | None
) -> Submission:
    name, kind = ctx.agencies[agency_id]
    ordered = tuple(s.name for s in SHEET_ORDER if s.name in sheets)
    agency_name = printed_name(agency_id, name, ctx)
    period = str(ctx.deadline.year)
    return Submission(ctx.plan_id, agency_id, agency_name, kind, ordered, day, period, profile)


def _add(sub: Submission, *kinds: str) -> Submission:
    return replace(sub, dirt=sub.dirt | set(kinds))


def demo_submissions(
    contexts: list[SamplePlan], seed: int, opts: SampleOptions | None = None
) -> list[Submission]:
    """The whole roster with its periods, dates and dirt; no rows yet."""
    opts = opts or SampleOptions()
    rng = random.Random(f"{seed}|roster")
    by_plan = {c.plan_id: c for c in contexts}
    subs = [s for ctx in contexts for s in plan_roster(ctx, rng, opts)]
    subs = _special_files(subs, by_plan, rng, opts)
    subs = _spread_dirt(subs, by_plan, rng, opts)
    subs = _periods_and_dates(subs, by_plan, rng, opts)
    subs = _resubmit(subs, rng)
    if opts.tip_histories:
        subs = _tip_streams(_more_periods(subs, by_plan, seed, opts), by_plan, seed, opts)
    return sorted(subs, key=lambda s: s.file_name)


def _special(sub: Submission) -> bool:
    return bool(sub.dirt & {"impossible_dates", "missing_required_column"})


def _special_files(
    subs: list[Submission], by_plan: dict[str, SamplePlan], rng: random.Random, opts: SampleOptions
) -> list[Submission]:
    """A province police register to be resubmitted (v1 with impossible dates), and a border
    guard's register without the "Ngày tiếp nhận" column in another province."""
    provinces = [p for p, c in by_plan.items() if c.level == "province"]
    police = [i for i, s in enumerate(subs) if s.plan_id in provinces and TIPS.name in s.sheets]
    resub = rng.choice(police)
    subs[resub] = _add(subs[resub], "impossible_dates")
    guards = {
        p: a for p, c in by_plan.items() for a in c.leads if c.agencies[a][1] == "border_guard"
    }
    plan_id = rng.choice([p for p in provinces if p in guards and p != subs[resub].plan_id])
    ctx, border = by_plan[plan_id], guards[plan_id]
    subs = [s for s in subs if (s.plan_id, s.agency_id) != (plan_id, border)]
    profile = sr.TipProfile(rng.randint(*opts.tips_border), 3, field_weights=(60, 15, 15, 2, 8))
    sheets = (TASK_PROGRESS.name, TIPS.name)
    missing = _submission(ctx, border, sheets, _before(rng, ctx.deadline), profile)
    return [*subs, _add(missing, "missing_required_column")]


def _spread_dirt(
    subs: list[Submission], by_plan: dict[str, SamplePlan], rng: random.Random, opts: SampleOptions
) -> list[Submission]:
    """Light dirt at a rate, yet at least once each; one-file dirt on one eligible file."""

    def n_leads(sub: Submission) -> int:
        return len(by_plan[sub.plan_id].leads[sub.agency_id])

    long = {i for i, s in enumerate(subs) if s.sheets != (TASK_PROGRESS.name,) or n_leads(s) > 1}
    for kind, sheets_hit in LIGHT_DIRT.items():
        fits = [i for i, s in enumerate(subs) if sheets_hit is None or sheets_hit & set(s.sheets)]
        fits = [i for i in fits if i in long] if kind == "blank_rows" else fits  # needs 2 rows
        hit = {i for i in fits if rng.random() < opts.light_dirt_rate} or {rng.choice(fits)}
        subs = [_add(s, kind) if i in hit else s for i, s in enumerate(subs)]
    for kind, sheet in ONE_FILE_DIRT.items():
        i = rng.choice([i for i, s in enumerate(subs) if sheet in s.sheets and not _special(s)])
        subs[i] = _add(subs[i], kind)
    progress = [i for i, s in enumerate(subs) if n_leads(s) > 1]
    for i in {rng.choice(progress)} | {i for i in progress if rng.random() < 0.3}:
        subs[i] = _add(subs[i], "tasks_omitted")
    return subs


def _periods_and_dates(
    subs: list[Submission], by_plan: dict[str, SamplePlan], rng: random.Random, opts: SampleOptions
) -> list[Submission]:
    """Mostly the year; one quarterly progress report, one monthly enforcement report (not at
    national scale, where periodic reports carry ToGiac and XuLy only), and a few files sent
    late, in October."""
    month = None
    if not opts.tip_histories:
        quarter = rng.choice([i for i, s in enumerate(subs) if s.sheets == (TASK_PROGRESS.name,)])
        subs[quarter] = replace(subs[quarter], period=f"{opts.year}-Q3")
        month = rng.choice([i for i, s in enumerate(subs) if s.kind == "market_surveillance"])
        day = date(opts.year, 10, 5)
        subs[month] = replace(subs[month], period=f"{opts.year}-09", report_date=day)
    late_pool = [i for i, s in enumerate(subs) if not _special(s) and i != month]
    for i in rng.sample(late_pool, opts.late_files):
        deadline = by_plan[subs[i].plan_id].deadline
        day = max(deadline + timedelta(8), date(opts.year, 10, 5)) + timedelta(rng.randint(0, 12))
        subs[i] = _add(replace(subs[i], report_date=day), "late_report")
    return subs


def _resubmit(subs: list[Submission], rng: random.Random) -> list[Submission]:
    """The register with impossible dates comes again, corrected and a little longer."""
    i = next(i for i, s in enumerate(subs) if "impossible_dates" in s.dirt)
    v1 = subs[i]
    v2_date = v1.report_date + timedelta(rng.randint(10, 20))
    v2 = replace(v1, version=2, report_date=v2_date, dirt=v1.dirt - {"impossible_dates"})
    subs[i] = replace(v1, horizon=v2_date)  # both versions cut from one tip history
    return [*subs, _add(replace(v2, horizon=v2_date), "resubmission")]


def stream_name(agency_id: str) -> str:
    """An agency as the keys of its random streams name it: its locality's name, not its code
    (`thanh-hoa:so-y-te` for `38:so-y-te`), as agency ids were before they took the official
    codes; so that change left the committed demo set as it was."""
    code, _, role = agency_id.partition(":")
    found = locality(code)
    place = code if found is None or found is NATIONAL else slug(found.name)
    return f"{place}:{role}"


def agency_key(seed: int, plan_id: str, agency_id: str) -> str:
    """The key of an agency's random streams, shared by all its workbooks."""
    return f"{seed}|{plan_id}|{stream_name(agency_id)}"


# ---------------------------------------------------------------------------- national scale

FLOW_SHEETS = (TIPS.name, ENFORCEMENT.name)  # what earlier years and periodic reports carry
PERIODIC_KINDS = ("police", "market_surveillance")


def _more_periods(
    subs: list[Submission], by_plan: dict[str, SamplePlan], seed: int, opts: SampleOptions
) -> list[Submission]:
    """The earlier years' annual ToGiac and XuLy, and the agencies that send theirs by month
    or by quarter instead (some also in the annual report). An agency whose file carries a
    one-file mistake keeps it in its annual report; the border guard's register without
    "Ngày tiếp nhận" stays its only one (its Mã tin carry the province's code, as the province
    police's do)."""
    rng = random.Random(f"{seed}|periods")
    out: list[Submission] = []
    for sub in subs:
        flows = tuple(s for s in sub.sheets if s in FLOW_SHEETS)
        if not flows or sub.version > 1 or "missing_required_column" in sub.dirt:
            out.append(sub)
            continue
        plain = not sub.dirt - LIGHT_DIRT.keys() - {"late_report", "tasks_omitted"}
        draw = rng.random() if sub.kind in PERIODIC_KINDS and plain else 1.0
        months = 1 if draw < opts.monthly_share else 3
        periodic = draw < opts.monthly_share + opts.quarterly_share
        for year in range(opts.first_year, opts.year + 1):
            last = 12 if year < opts.year else opts.last_month
            if periodic:
                for end in range(months, last + 1, months):
                    period = f"{year}-{end:02d}" if months == 1 else f"{year}-Q{end // 3}"
                    day = date(year + end // 12, end % 12 + 1, 1) + timedelta(rng.randint(2, 11))
                    out.append(_flows(sub, flows, period, day, by_plan))
            elif year < opts.year:
                day = sub.report_date.replace(year=year) - timedelta(rng.randint(0, 7))
                out.append(_flows(sub, flows, str(year), day, by_plan))
        if periodic and rng.random() >= opts.periodic_annual_share:
            sub = _flows(sub, (TASK_PROGRESS.name,), sub.period, sub.report_date, by_plan)
        out.append(sub)
    return out


def _flows(
    sub: Submission,
    sheets: tuple[str, ...],
    period: str,
    day: date,
    by_plan: dict[str, SamplePlan],
) -> Submission:
    """The agency's file with these sheets, for this period: its dirt, as far as it shows."""
    leads = len(by_plan[sub.plan_id].leads[sub.agency_id])

    def shows(kind: str) -> bool:
        if kind == "late_report":
            return period == sub.period
        if kind == "tasks_omitted":
            return TASK_PROGRESS.name in sheets
        if kind not in LIGHT_DIRT:  # a one-file mistake stays in its file
            return False
        if kind == "blank_rows":  # needs two rows: XuLy has them, a TienDo may not
            return ENFORCEMENT.name in sheets or leads > 1
        fits = LIGHT_DIRT[kind]
        return fits is None or bool(fits & set(sheets))

    dirt = frozenset(k for k in sub.dirt if shows(k))
    return replace(sub, sheets=sheets, period=period, report_date=day, dirt=dirt)


def _tip_streams(
    subs: list[Submission], by_plan: dict[str, SamplePlan], seed: int, opts: SampleOptions
) -> list[Submission]:
    """Each register's tip history: its agency's over the years to its latest report, and for
    each province police, with the tips its province's commune police pass up."""
    horizon: dict[tuple[str, str], date] = {}
    for s in subs:
        key = (s.plan_id, s.agency_id)
        horizon[key] = max(horizon.get(key, date.min), s.horizon or s.report_date - timedelta(2))
    years = tuple(range(opts.first_year, opts.year + 1))
    streams: dict[tuple[str, str], registers.TipStream] = {}
    for s in (s for s in subs if s.tip_profile):
        key, ctx = (s.plan_id, s.agency_id), by_plan[s.plan_id]
        passes_up = ctx.level == "commune" and s.kind == "police"
        streams[key] = registers.TipStream(
            agency_key(seed, *key),
            ctx.locality_code or "",
            s.tip_profile,
            years,
            horizon[key],
            opts.transfer_share if passes_up else 0.0,
        )
    below: dict[str, list[registers.TipStream]] = {}
    for (plan_id, _), stream in streams.items():
        if stream.transfer_share:
            below.setdefault(_province(by_plan[plan_id]), []).append(stream)
    receivers = {}  # province code → its police: the first police register of its plan
    for s in sorted(subs, key=lambda s: (s.plan_id, s.agency_id)):
        ctx = by_plan[s.plan_id]
        if s.tip_profile and ctx.level == "province" and s.kind == "police":
            receivers.setdefault(ctx.locality_code, (s.plan_id, s.agency_id))
    for code, key in receivers.items():
        streams[key] = replace(streams[key], incoming=tuple(below.get(code, ())))
    return [replace(s, tip_stream=streams.get((s.plan_id, s.agency_id))) for s in subs]


def _province(ctx: SamplePlan) -> str:
    found = locality(ctx.locality_code)
    return found.province_code if found else ""
