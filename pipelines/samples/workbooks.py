"""Deterministic sample report workbooks for the bundled plans: realistic, and realistically messy.

`generate_sample_reports` reads the plans, decides who reports what (`roster.demo_submissions`),
makes the rows (`report_rows`, and `registers` for tip registers cut from histories over years),
dirties them the way real submissions are dirty (`layout_sheet`) and writes byte-stable .xlsx
files. Every random choice comes from a `random.Random` seeded by the seed plus what is being made
(plan, agency, file), so one workbook does not shift when another is added and a larger roster
(more provinces, more periods) is a matter of parameters.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from pipelines.parallel import map_in_processes
from pipelines.plans.loader import load_plan_folder
from pipelines.reports.normalize import parse_period
from pipelines.reports.spec import (
    ENFORCEMENT,
    INFO_FIELDS,
    INFO_SHEET,
    TARGET_COUNTS,
    TASK_PROGRESS,
    TIPS,
    SheetSpec,
)
from pipelines.samples import registers
from pipelines.samples import report_rows as sr
from pipelines.samples.report_rows import SamplePlan, sample_plans
from pipelines.samples.roster import (
    SHEET_ORDER,
    YEAR,
    SampleOptions,
    Submission,
    agency_key,
    demo_submissions,
)

FIXED_TIME = datetime(YEAR, 1, 1)  # workbook properties and zip entries: same bytes every run


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
    carried_over_tips: int  # rows of tips received in a year before the register's
    progress_rows: int
    enforcement_rows: int
    target_rows: int
    not_reporting: tuple[tuple[str, str], ...]  # (plan id, agency id) leads without a workbook
    passed_up_tips: int = 0  # tips a register lists under another unit's Mã tin (passed up)


# ---------------------------------------------------------------------------- rows per file


def sheet_rows(
    sub: Submission, ctx: SamplePlan, seed: int, opts: SampleOptions
) -> dict[str, list[sr.Row]]:
    """Clean rows (plus the content errors the file is meant to carry) for each sheet."""
    key = agency_key(seed, sub.plan_id, sub.agency_id)
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
        if sub.tip_stream:  # the period's part of the agency's history over the years
            _, start, end = period_bounds(sub.period)
            entries = registers.history(sub.tip_stream)
            tips = registers.register(entries, start, end, as_of, carry="-" not in sub.period)
        else:
            history = sr.tip_history(rng, sub.tip_profile, opts.year, sub.horizon or as_of)
            tips = sr.snapshot(history, as_of)
        if "impossible_dates" in sub.dirt:
            tips = sr.with_impossible_dates(rng, tips, sub.report_date)
        out[TIPS.name] = tips
    if ENFORCEMENT.name in sub.sheets:
        rng = random.Random(f"{key}|{sub.period}|enforcement")
        months = period_bounds(sub.period)[0]
        # figures for a part of the year that annual reports cover to September
        scale = (months / 9 if "-" in sub.period else 1.0) * (0.08 if commune else 1.0)
        rows = sr.enforcement_rows(rng, sub.kind, scale)
        out[ENFORCEMENT.name] = sr.with_bad_counts(rng, rows, set(sub.dirt))
    if TARGET_COUNTS.name in sub.sheets:
        rng = random.Random(f"{key}|targets")
        out[TARGET_COUNTS.name] = sr.target_rows(rng, ctx.metrics, 0.05 if commune else 1.0)
    return out


def period_bounds(period: str) -> tuple[int, date, date]:
    """A period code's months, first day and last day."""
    (_, start, end), _ = parse_period(period)
    return (end.year - start.year) * 12 + end.month - start.month + 1, start, end


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
    key = agency_key(seed, sub.plan_id, sub.agency_id)
    preparer = sr.preparer_name(random.Random(f"{key}|by"))
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
) -> tuple[SampleFile, set[str], set[str], int, set[str]]:
    """Write one workbook in a worker; return what the manifest needs of its tips."""
    sub, ctx, seed, opts, out_dir = job
    entry, tips = write_submission(sub, ctx, seed, opts, out_dir)
    names = {str(t["informant_name"]) for t in tips if t["informant_name"]}
    phones = {str(t["informant_phone"]) for t in tips if t["informant_phone"]}
    codes = [str(t["tip_code"]) for t in tips]
    carried = sum(code[3:7] < sub.period[:4] for code in codes)  # TG-2025-… in a 2026 register
    unit = sub.tip_stream.unit if sub.tip_stream else None
    passed_in = {code for code in codes if unit and code.split("-")[2] != unit}
    return entry, names, phones, carried, passed_in


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
        passed_up_tips=len(set().union(*(w[4] for w in written))),
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
