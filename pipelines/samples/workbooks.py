"""Deterministic sample report workbooks for the bundled plans: realistic, and realistically messy.

`generate_sample_reports` reads the plans, decides who reports what (`demo_submissions`), makes
the rows (`report_rows`), dirties them the way real submissions are dirty (`layout_sheet`) and
writes byte-stable .xlsx files. Every random choice comes from a `random.Random` seeded by the
seed plus what is being made (plan, agency, file), so one workbook does not shift when another is
added and a larger roster (more provinces, more periods) is a matter of parameters.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from pipelines.parallel import map_in_processes
from pipelines.plans.loader import load_plan_folder
from pipelines.plans.localities import NATIONAL, locality
from pipelines.plans.text import slug
from pipelines.reports.spec import (
    ENFORCEMENT,
    INFO_FIELDS,
    INFO_SHEET,
    TARGET_COUNTS,
    TASK_PROGRESS,
    TIPS,
    SheetSpec,
)
from pipelines.samples import report_rows as sr
from pipelines.samples.report_rows import SamplePlan, printed_name, sample_plans

YEAR = 2026
FIXED_TIME = datetime(YEAR, 1, 1)  # workbook properties and zip entries: same bytes every run
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
    tips_police: tuple[int, int] = (95, 130)  # tips received by the horizon, province police
    tips_ward: tuple[int, int] = (35, 50)
    tips_border: tuple[int, int] = (35, 45)


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

    @property
    def file_name(self) -> str:
        suffix = f"__v{self.version}" if self.version > 1 else ""
        return f"{self.plan_id}__{slug(self.agency_name)}__{self.period}{suffix}.xlsx"


@dataclass(frozen=True)
class SampleFile:
    name: str
    agency_id: str
    agency_name: str
    plan_id: str
    period: str
    report_date: date
    rows: dict[str, int]  # data rows per sheet
    dirt: tuple[str, ...]
    replaces: str | None = None  # the earlier version this file corrects


@dataclass(frozen=True)
class SampleManifest:
    files: tuple[SampleFile, ...]
    informant_names: tuple[str, ...]
    informant_phones: tuple[str, ...]
    tip_rows: int
    carried_over_tips: int  # rows dated in the year before
    progress_rows: int
    enforcement_rows: int
    target_rows: int
    not_reporting: tuple[tuple[str, str], ...]  # (plan id, agency id) leads without a workbook


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
    return sorted(_resubmit(subs, rng), key=lambda s: s.file_name)


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
    """Mostly the year; one quarterly progress report, one monthly enforcement report, and a
    few files sent late, in October."""
    quarter = rng.choice([i for i, s in enumerate(subs) if s.sheets == (TASK_PROGRESS.name,)])
    subs[quarter] = replace(subs[quarter], period=f"{opts.year}-Q3")
    month = rng.choice([i for i, s in enumerate(subs) if s.kind == "market_surveillance"])
    subs[month] = replace(subs[month], period=f"{opts.year}-09", report_date=date(opts.year, 10, 5))
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


# ---------------------------------------------------------------------------- rows per file


def stream_name(agency_id: str) -> str:
    """An agency as the keys of its random streams name it: its locality's name, not its code
    (`thanh-hoa:so-y-te` for `38:so-y-te`), as agency ids were before they took the official
    codes; so that change left the committed demo set as it was."""
    code, _, role = agency_id.partition(":")
    found = locality(code)
    place = code if found is None or found is NATIONAL else slug(found.name)
    return f"{place}:{role}"


def sheet_rows(
    sub: Submission, ctx: SamplePlan, seed: int, opts: SampleOptions
) -> dict[str, list[sr.Row]]:
    """Clean rows (plus the content errors the file is meant to carry) for each sheet."""
    key = f"{seed}|{sub.plan_id}|{stream_name(sub.agency_id)}"  # shared by an agency's versions
    as_of = sub.report_date - timedelta(2)  # figures run to a couple of days before signing
    commune = ctx.level == "commune"
    out: dict[str, list[sr.Row]] = {}
    if TASK_PROGRESS.name in sub.sheets:
        rng = random.Random(f"{key}|progress")
        tasks = [ctx.tasks[c] for c in ctx.leads[sub.agency_id]]
        if "tasks_omitted" in sub.dirt:
            dropped = rng.sample(tasks, max(1, len(tasks) // 4))
            tasks = [t for t in tasks if t not in dropped]
        tasks += sr.stray_task_codes(ctx.tasks, ctx.assigned[sub.agency_id], set(sub.dirt))
        out[TASK_PROGRESS.name] = [sr.progress_row(rng, t, as_of, opts.year) for t in tasks]
    if TIPS.name in sub.sheets and sub.tip_profile:
        rng = random.Random(f"{key}|tips")
        history = sr.tip_history(rng, sub.tip_profile, opts.year, sub.horizon or as_of)
        tips = sr.snapshot(history, as_of)
        if "impossible_dates" in sub.dirt:
            tips = sr.with_impossible_dates(rng, tips, sub.report_date)
        out[TIPS.name] = tips
    if ENFORCEMENT.name in sub.sheets:
        rng = random.Random(f"{key}|{sub.period}|enforcement")
        scale = (1 / 9 if "-" in sub.period else 1.0) * (0.08 if commune else 1.0)
        rows = sr.enforcement_rows(rng, sub.kind, scale)
        out[ENFORCEMENT.name] = sr.with_bad_counts(rng, rows, set(sub.dirt))
    if TARGET_COUNTS.name in sub.sheets:
        rng = random.Random(f"{key}|targets")
        out[TARGET_COUNTS.name] = sr.target_rows(rng, ctx.metrics, 0.05 if commune else 1.0)
    return out


# ---------------------------------------------------------------------------- cells and layout


def _marked(rng: random.Random, n: int, rate: float = 0.25) -> set[int]:
    """Row indices a kind of dirt touches: about `rate` of them, never none."""
    hit = {i for i in range(n) if rng.random() < rate}
    return hit or ({rng.randrange(n)} if n else set())


def render_rows(
    columns: list, rows: list[sr.Row], dirt: frozenset[str], rng: random.Random
) -> list[list[object]]:
    kinds = ("dates_as_text", "numbers_as_text", "choice_variants")
    marks = {k: _marked(rng, len(rows)) if k in dirt else set() for k in kinds}
    out: list[list[object]] = []
    n = {k: rng.randrange(12) for k in kinds}  # cycles through each kind's forms from a random one
    for i, row in enumerate(rows):
        cells: list[object] = []
        for col in columns:
            value = row[col.key]
            if col.kind == "yesno" and value is not None:
                forms = sr.YES_FORMS if value else sr.NO_FORMS
                value = rng.choice(forms) if "yesno_variants" in dirt else forms[0]
            elif isinstance(value, date) and i in marks["dates_as_text"]:
                value = sr.DATE_TEXT[n["dates_as_text"] % 3](value)
                n["dates_as_text"] += 1
            elif isinstance(value, int) and i in marks["numbers_as_text"]:
                value = sr.vn_number(value)
            elif col.kind == "choice" and value and i in marks["choice_variants"]:
                value = sr.choice_variant(str(value), n["choice_variants"])
                n["choice_variants"] += 1
            cells.append(value)
        out.append(cells)
    return out


def layout_sheet(
    spec: SheetSpec, rows: list[sr.Row], sub: Submission, rng: random.Random
) -> list[list[object]]:
    """A data sheet from A1 down: title, header, data; [] is a blank row."""
    columns = list(spec.columns)
    if spec is TIPS and "missing_required_column" in sub.dirt:
        columns = [c for c in columns if c.key != "received_date"]
    headers = [c.header for c in columns]
    if spec is TIPS and "header_variants" in sub.dirt:
        headers = [sr.header_variant(h, i) for i, h in enumerate(headers)]
    body = render_rows(columns, rows, sub.dirt, rng)
    if "extra_columns" in sub.dirt:
        headers = ["STT", *headers, "Ghi chú nội bộ"]
        body = [[i, *r, rng.choice(sr.INTERNAL_NOTES)] for i, r in enumerate(body, 1)]
    if "blank_rows" in sub.dirt and len(body) > 1:
        for i in sorted(rng.sample(range(1, len(body)), min(3, len(body) - 1)), reverse=True):
            body.insert(i, [])
    top: list[list[object]] = [[spec.title]]
    if "title_rows" in sub.dirt:
        stamp = f"(Kèm theo báo cáo ngày {sub.report_date:%d/%m/%Y})"
        top = [[sub.agency_name.upper()], [spec.title], [stamp]]
    return [*top, headers, *body]


def info_rows(sub: Submission, preparer: str) -> list[list[object]]:
    """ThongTin: one label/value pair per row."""
    day = f"{sub.report_date:%d/%m/%Y}" if "dates_as_text" in sub.dirt else sub.report_date
    values = {
        "agency_name": sub.agency_name,
        "plan_id": sub.plan_id,
        "period": sub.period,
        "report_date": day,
        "prepared_by": preparer,
    }
    return [[c.header, values[c.key]] for c in INFO_FIELDS]


# ---------------------------------------------------------------------------- writing


def stable_zip(data: bytes) -> bytes:
    """openpyxl stamps the save time into docProps/core.xml and every zip entry: pin both."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, values in enumerate(rows, 1):
            for c, value in enumerate(values, 1):
                if value is None:
                    continue
                cell = ws.cell(r, c, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text even if it starts with "="
                elif isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(value, int) and abs(value) >= 1000:
                    cell.number_format = "#,##0"
    wb.properties.creator = wb.properties.lastModifiedBy = "plan389 sample-data"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return stable_zip(buf.getvalue())


def write_submission(
    sub: Submission, ctx: SamplePlan, seed: int, opts: SampleOptions, out_dir: Path
) -> tuple[SampleFile, list[sr.Row]]:
    """Write one workbook; returns its manifest entry and the tip rows it holds."""
    rows = sheet_rows(sub, ctx, seed, opts)
    rng = random.Random(f"{seed}|render|{sub.file_name}")
    who = stream_name(sub.agency_id)
    preparer = sr.preparer_name(random.Random(f"{seed}|{sub.plan_id}|{who}|by"))
    sheets = {INFO_SHEET: info_rows(sub, preparer)}
    sheets |= {
        s.name: layout_sheet(s, rows[s.name], sub, rng) for s in SHEET_ORDER if s.name in rows
    }
    (out_dir / sub.file_name).write_bytes(workbook_bytes(sheets))
    entry = SampleFile(
        name=sub.file_name,
        agency_id=sub.agency_id,
        agency_name=sub.agency_name,
        plan_id=sub.plan_id,
        period=sub.period,
        report_date=sub.report_date,
        rows={k: len(v) for k, v in rows.items()},
        dirt=tuple(sorted(sub.dirt)),
        replaces=replace(sub, version=1).file_name if sub.version > 1 else None,
    )
    return entry, rows.get(TIPS.name, [])


def _write_worker(
    job: tuple[Submission, SamplePlan, int, SampleOptions, Path],
) -> tuple[SampleFile, set[str], set[str], int]:
    """Write one workbook in a worker; return what the manifest needs of its tips."""
    sub, ctx, seed, opts, out_dir = job
    entry, tips = write_submission(sub, ctx, seed, opts, out_dir)
    names = {str(t["informant_name"]) for t in tips if t["informant_name"]}
    phones = {str(t["informant_phone"]) for t in tips if t["informant_phone"]}
    carried = sum(str(t["tip_code"]).startswith(f"TG-{opts.year - 1}") for t in tips)
    return entry, names, phones, carried


def generate_sample_reports(
    out_dir: Path,
    plans_dir: Path,
    seed: int = 389,
    options: SampleOptions | None = None,
    workers: int = 1,
) -> SampleManifest:
    """Write the sample workbooks for the plans in `plans_dir` into `out_dir`; same seed, same
    bytes (whatever `workers`). Files of the same names are overwritten, other files are left
    alone."""
    opts = options or SampleOptions()
    contexts = sample_plans(load_plan_folder(plans_dir, workers=workers).frames, opts.year)
    by_plan = {c.plan_id: c for c in contexts}
    subs = demo_submissions(contexts, seed, opts)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(s, by_plan[s.plan_id], seed, opts, out_dir) for s in subs]
    written = map_in_processes(_write_worker, jobs, workers, min_jobs=100, chunksize=32)
    files = tuple(w[0] for w in written)
    reported = {(s.plan_id, s.agency_id) for s in subs}

    def total(sheet: SheetSpec) -> int:
        return sum(f.rows.get(sheet.name, 0) for f in files)

    return SampleManifest(
        files=files,
        informant_names=tuple(sorted(set().union(*(w[1] for w in written)))),
        informant_phones=tuple(sorted(set().union(*(w[2] for w in written)))),
        tip_rows=total(TIPS),
        carried_over_tips=sum(w[3] for w in written),
        progress_rows=total(TASK_PROGRESS),
        enforcement_rows=total(ENFORCEMENT),
        target_rows=total(TARGET_COUNTS),
        not_reporting=tuple(
            (c.plan_id, a)
            for c in contexts
            for a in sorted(c.leads)
            if (c.plan_id, a) not in reported
        ),
    )
