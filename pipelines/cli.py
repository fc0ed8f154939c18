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
    return parser


def main(argv: list[str] | None = None) -> int:
    _absolute_data_dir_env()
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
