"""The `plan389` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipelines.settings import DATA_DIR_ENV


def _absolute_data_dir_env() -> None:
    """Take a relative PLAN389_DATA_DIR from the caller's working directory, as users expect.

    dbt and the definitions read the variable later (and dbt from another directory), so it is
    made absolute once here, at the entry point.
    """
    value = os.environ.get(DATA_DIR_ENV)
    if value and not Path(value).expanduser().is_absolute():
        os.environ[DATA_DIR_ENV] = str(Path(value).expanduser().resolve())


def _as_of_argument(text: str) -> str:
    from pipelines.as_of import parse_as_of

    try:
        return parse_as_of(text, "--as-of").isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_run(args: argparse.Namespace) -> int:
    from pipelines.as_of import resolve_as_of
    from pipelines.periods import period_cutoff_day
    from pipelines.run import run_all

    try:  # settings refused before anything runs, with the reason
        resolve_as_of(flag=args.as_of)
        period_cutoff_day()
    except ValueError as exc:
        print(f"plan389: {exc}", file=sys.stderr)
        return 2
    return run_all(echo=print, as_of=args.as_of)


def cmd_parse_plan(args: argparse.Namespace) -> int:
    import json

    from pipelines.plans.loader import read_documents
    from pipelines.plans.summary import plan_summary, plan_to_dict
    from pipelines.plans.tables import build_plan_tables

    docs, read_errors = read_documents([Path(f) for f in args.files])
    tables = build_plan_tables(docs, read_errors)
    errors = [
        {"file": row["file_name"], "reason": row["reason"]}
        for row in tables.errors.iter_rows(named=True)
    ]
    if args.json:
        payload = {"plans": [plan_to_dict(p) for p in tables.plans], "errors": errors}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for plan in tables.plans:
            print("\n".join(plan_summary(plan)))
        for error in errors:
            print(f"ERROR {error['reason']}", file=sys.stderr)
    return 1 if errors or not tables.plans else 0


def _plan_tables():
    from pipelines.plans.loader import load_plan_folder
    from pipelines.settings import DataPaths

    return load_plan_folder(DataPaths.from_env().raw_plans)


def cmd_validate(args: argparse.Namespace) -> int:
    import secrets

    from pipelines.reports.ingest import PlanContext, ingest_workbook
    from pipelines.reports.privacy import Pseudonymizer

    path = Path(args.file)
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    if _is_review_workbook(path):
        return _validate_review(path)
    frames = _plan_tables().frames
    ctx = PlanContext.from_frames(
        frames["plans"], frames["task_assignments"], frames["plan_targets"]
    )
    # A throwaway key: nothing is stored, and informants never appear in the output in clear.
    hasher = Pseudonymizer(secrets.token_bytes(32))
    result = ingest_workbook(path, path.name, ctx, hasher)
    if result.error:
        print(f"{path.name}: cannot be used: {result.error}")
        return 1
    info = result.info
    print(
        f"{path.name}: {info.agency_name} · {info.plan_id} · kỳ {info.period} · {info.report_date}"
    )
    for count in result.counts:
        print(
            f"  {count.sheet}: {count.rows_read} rows read, {count.rows_loaded} valid, "
            f"{count.rows_quarantined} with problems"
        )
    for q in sorted(result.quarantine, key=lambda q: (q["sheet"], q["row_number"])):
        where = f"{q['sheet']} row {q['row_number']}, {q['column_header'] or q['column_name']}"
        value = f" (value: {q['value']})" if q["value"] is not None else ""
        prefix = f"{q['column_header']}: "
        reason = f"{q['reason_vi'].removeprefix(prefix)} / {q['reason_en'].removeprefix(prefix)}"
        print(f"  {where}: {reason}{value}")
    problems = len(result.quarantine)
    print(f"{problems} problem(s)" if problems else "no problems: the file can be sent")
    return 1 if problems else 0


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or Path(text).suffix.lower() in (
        ".txt", ".md", ".html", ".htm", ".docx", ".pdf",
    )  # fmt: skip


def cmd_review_plan(args: argparse.Namespace) -> int:
    from pipelines.plans.review.export import ExportError, write_review
    from pipelines.plans.review.layout import REVIEW_SUFFIX, is_review_name
    from pipelines.settings import DataPaths

    out = Path(args.out)
    if args.blank == bool(args.targets):
        print("give a PLAN_ID, the plan's FILE(s), or --blank (only one of them)", file=sys.stderr)
        return 2
    one = args.targets[0] if len(args.targets) == 1 else None
    by_id = one is not None and not Path(one).exists() and not _looks_like_path(one)
    missing = [f for f in args.targets if not by_id and not Path(f).is_file()]
    if missing:
        print(f"{', '.join(missing)}: no such file", file=sys.stderr)
        return 2
    paths = DataPaths.from_env()
    try:
        plan, content = write_review(
            out,
            plan_id=one if by_id else None,
            files=None if by_id or args.blank else [Path(f) for f in args.targets],
            plans_dir=paths.raw_plans,
            cache_dir=paths.cache / "plans",
        )
    except ExportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if plan is None:
        print(f"{out}: blank plan review workbook (a plan entered by hand)")
    else:
        flagged = sum(1 for t in content.tasks if t.get("review_reason"))
        state = "reviewed" if plan.review_file else "extracted"
        print(
            f"{out}: review workbook of {plan.plan_id} ({state}): {len(content.tasks)} tasks, "
            f"{flagged} to check, {len(content.changes)} change(s) from the extraction"
        )
    if not is_review_name(out.name):
        print(f"to apply it, save it in raw/plans/ with a name ending in {REVIEW_SUFFIX}")
    return 0


def _is_review_workbook(path: Path) -> bool:
    from pipelines.plans.review.layout import is_review_name
    from pipelines.plans.review.reading import has_plan_sheet

    return is_review_name(path.name) or (
        path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods") and has_plan_sheet(path)
    )


def _validate_review(path: Path) -> int:
    """What the next run would do with a plan review workbook; exit 1 if it would be refused."""
    import polars as pl

    from pipelines.plans.loader import load_plan_folder
    from pipelines.plans.review.layout import FIELD_LABELS
    from pipelines.settings import DataPaths

    paths = DataPaths.from_env()
    tables = load_plan_folder(paths.raw_plans, paths.cache / "plans", extra_review=path)
    reviews = tables.frames["plan_reviews"].filter(pl.col("file_name") == path.name)
    if reviews.is_empty():
        print(f"{path.name}: cannot be used: not read as a plan review workbook")
        return 1
    review = reviews.row(0, named=True)
    if review["status"] == "rejected":
        print(f"{path.name}: cannot be used: {review['error']}")
        return 1
    plan_id = review["plan_id"]
    if review["status"] == "superseded":
        print(f"{path.name}: {plan_id}: superseded by {review['superseded_by']} (a later review)")
    changes = tables.frames["plan_review_changes"].filter(pl.col("review_file") == path.name)
    tasks = tables.frames["plan_tasks"].filter(
        (pl.col("plan_id") == plan_id) & pl.col("source").is_in(["reviewed", "entered"])
    )
    print(
        f"{path.name}: plan {plan_id}, reviewed {review['reviewed_at']:%d/%m/%Y} "
        f"({review['reviewed_at_source']}): {tasks.height} task(s) given, "
        f"{changes.height} change(s) from the extraction"
    )
    if review["is_stale"]:
        print(f"  the plan's documents changed since the review: {review['changed_documents']}")
    for change in changes.iter_rows(named=True):
        where = f"task {change['task_code']}" if change["task_code"] else "plan"
        print(
            f"  {where}, {FIELD_LABELS.get(change['field'], change['field'])}: "
            f"{change['extracted_value']!r} → "
            f"{change['reviewed_value']!r}"
        )
    for task in tasks.filter(pl.col("needs_review")).iter_rows(named=True):
        print(f"  task {task['task_code']} still to check: {task['review_reason']}")
    if review["problems"]:
        print(f"  note: {review['problems']}")
    print("the review can be saved into raw/plans/ (name ending in .review.xlsx)")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from pipelines.reports.template import TemplateError, write_template_for
    from pipelines.settings import DataPaths

    try:
        name, tasks = write_template_for(
            args.plan, args.agency, Path(args.out), DataPaths.from_env().raw_plans, args.period
        )
    except TemplateError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"{args.out}: template for {name} ({args.plan}), {tasks} task(s) pre-filled")
    return 0


def cmd_sample_data(args: argparse.Namespace) -> int:
    from pipelines.parallel import worker_count
    from pipelines.samples.workbooks import generate_sample_reports
    from pipelines.settings import DataPaths

    out = Path(args.out)
    workers = args.workers or worker_count()
    if args.scale == "national":
        from pipelines.samples.national import NationalOptions, generate_national

        opts = NationalOptions(args.provinces, args.communes, args.tip_rows, seed=args.seed)
        generate_national(out, opts, workers)
        print(f"{out}: national sample set; load it with PLAN389_DATA_DIR={out} plan389 run")
        return 0
    manifest = generate_sample_reports(
        out, DataPaths.from_env().raw_plans, seed=args.seed, workers=workers
    )
    print(
        f"{out}: {len(manifest.files)} workbooks, {manifest.tip_rows} tips "
        f"({manifest.carried_over_tips} carried over from earlier years), "
        f"{manifest.progress_rows} task progress rows"
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pipelines.outputs.excel_report import write_plan_report
    from pipelines.outputs.report_data import ReportError, read_build_as_of, year_as_of
    from pipelines.settings import DataPaths

    marts = DataPaths.from_env().marts
    try:
        out = write_plan_report(marts, args.plan, args.year, Path(args.out))
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    built = read_build_as_of(marts)
    as_of = year_as_of(built, args.year)
    print(
        f"{out}: annual report of {args.plan} for {args.year}, figures as of "
        f"{as_of:%d/%m/%Y} (the marts were built as of {built:%d/%m/%Y})"
    )
    return 0


def cmd_follow_up(args: argparse.Namespace) -> int:
    from pipelines.follow_up.lists import FollowUpError
    from pipelines.follow_up.service import follow_up_days, run_follow_up
    from pipelines.outputs.presentation import follow_up_label
    from pipelines.settings import DataPaths

    paths = DataPaths.from_env()
    try:
        days = follow_up_days() if args.days is None else args.days
        outcome = run_follow_up(paths, Path(args.out), days, args.plan, send=args.send)
    except (FollowUpError, ValueError) as exc:
        print(f"plan389 follow-up: {exc}", file=sys.stderr)
        return 2
    follow, docs = outcome.follow, outcome.documents
    print(
        f"follow-up as of {follow.as_of:%d/%m/%Y} (the date the marts were built with), "
        f"deadlines {days} days ahead: {len(docs.packets)} agencies to chase; "
        f"{len(docs.written)} files written, {len(docs.kept)} unchanged, "
        f"{len(docs.removed)} removed, under {args.out}"
    )
    counts = follow.rows.group_by("category").len().sort("category")
    for category, n in counts.iter_rows():
        print(f"  {follow_up_label(category)}: {n}")
    if outcome.sending is not None:
        print(outcome.sending.summary())
        return 0 if outcome.sending.ok else 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plan389",
        description="Plans, agency reports and KPI marts for the Ban Chỉ đạo 389 standing office.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="materialize every asset in-process against PLAN389_DATA_DIR (default ./data); "
        "exit 0: all published and every file used, 3: published but some files refused, "
        "1: a step failed, 130: interrupted",
    )
    run.add_argument(
        "--as-of",
        type=_as_of_argument,
        metavar="YYYY-MM-DD",
        help="count every figure through this day (default: PLAN389_AS_OF, else today in "
        "Vietnam); rows dated later are loaded but not counted",
    )
    run.set_defaults(func=cmd_run)

    parse_plan = sub.add_parser(
        "parse-plan",
        help="parse plan documents and print what was read (files given together may form one "
        "plan: body + appendix); exit 1 if any file could not be used",
    )
    parse_plan.add_argument("files", nargs="+", metavar="FILE")
    parse_plan.add_argument("--json", action="store_true", help="print one JSON object")
    parse_plan.set_defaults(func=cmd_parse_plan)

    review = sub.add_parser(
        "review-plan",
        help="write a plan's review workbook (what was extracted, ready to correct in Excel; "
        "saved into raw/plans/ as *.review.xlsx, the next run applies it)",
    )
    review.add_argument(
        "targets",
        nargs="*",
        metavar="PLAN_ID | FILE",
        help="a plan id of the data directory (its review in force shown), or the plan's files",
    )
    review.add_argument("-o", "--out", required=True, metavar="REVIEW.xlsx")
    review.add_argument(
        "--blank", action="store_true", help="an empty workbook, to enter a plan with no document"
    )
    review.set_defaults(func=cmd_review_plan)

    template = sub.add_parser(
        "template", help="write the blank report workbook for one agency of one plan"
    )
    template.add_argument("--plan", required=True, metavar="PLAN_ID")
    template.add_argument("--agency", required=True, metavar="NAME")
    template.add_argument("--period", help="pre-fill Kỳ báo cáo (2026, 2026-Q3, 2026-09)")
    template.add_argument("out", metavar="OUT.xlsx")
    template.set_defaults(func=cmd_template)

    validate = sub.add_parser(
        "validate",
        help="check a report workbook before sending it, or a plan review workbook before "
        "saving it into raw/plans/: print every problem (and a review's changes), exit 1 if "
        "it cannot be used",
    )
    validate.add_argument("file", metavar="FILE")
    validate.set_defaults(func=cmd_validate)

    report = sub.add_parser(
        "report",
        help="write the annual Excel report of a plan from the published marts",
    )
    report.add_argument("--plan", required=True, metavar="PLAN_ID")
    report.add_argument("--year", required=True, type=int, metavar="YYYY")
    report.add_argument("out", metavar="OUT.xlsx")
    report.set_defaults(func=cmd_report)

    follow = sub.add_parser(
        "follow-up",
        help="write the đôn đốc lists (a workbook per agency with something to act on, a "
        "summary for the standing office) and the feedback copies of workbooks with rows in "
        "quarantine, from the published marts, as of the date they were built with",
    )
    follow.add_argument("--plan", metavar="PLAN_ID", help="one plan (default: every plan)")
    follow.add_argument(
        "--days",
        type=int,
        default=None,
        metavar="N",
        help="list deadlines falling in the next N days (default: PLAN389_FOLLOW_UP_DAYS, else 30)",
    )
    follow.add_argument(
        "--send",
        action="store_true",
        help="e-mail each agency its list and feedback copies, and the summary to "
        "PLAN389_SMTP_OFFICE_TO, as the weekly schedule does (needs PLAN389_SMTP_HOST, _PORT, "
        "_FROM; nothing is sent twice for the same rows)",
    )
    follow.add_argument("-o", "--out", required=True, metavar="DIR")
    follow.set_defaults(func=cmd_follow_up)

    sample = sub.add_parser(
        "sample-data",
        help="write deterministic, realistic sample report workbooks for the bundled plans",
    )
    sample.add_argument("--out", required=True, metavar="DIR")
    sample.add_argument("--seed", type=int, default=389)
    sample.add_argument(
        "--scale",
        choices=("demo", "national"),
        default="demo",
        help="demo: workbooks for the bundled plans, written into DIR; national: a whole data "
        "directory (DIR/raw/plans, DIR/raw/reports) for every province and commune",
    )
    sample.add_argument("--provinces", type=int, default=34, help="national scale only")
    sample.add_argument("--communes", type=int, default=3321, help="national scale only")
    sample.add_argument("--tip-rows", type=int, default=1_000_000, help="national scale only")
    sample.add_argument("--workers", type=int, default=0, help="processes (default: all cores)")
    sample.set_defaults(func=cmd_sample_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    _absolute_data_dir_env()
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
