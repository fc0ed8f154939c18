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


def cmd_run(args: argparse.Namespace) -> int:
    from pipelines.run import run_all

    return run_all(echo=print)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plan389",
        description="Plans, agency reports and KPI marts for the Ban Chỉ đạo 389 standing office.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="materialize every asset in-process against PLAN389_DATA_DIR (default ./data)",
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
    return parser


def main(argv: list[str] | None = None) -> int:
    _absolute_data_dir_env()
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
