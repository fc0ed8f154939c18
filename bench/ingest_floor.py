"""Where workbook ingestion's time goes, per workbook, against the bare fastexcel read.

    python bench/ingest_floor.py [--data DIR] [--files N] [--repeats N]

Needs DIR loaded by `bench/national.py` (its warehouse holds the plan context that validation
checks rows against). On one process, over the same N workbooks sampled from DIR/raw/reports
(fixed seed), it times, and keeps the fastest of --repeats runs of each (this VM's speed
drifts; one process keeps the cores' sharing out of the figures):

1. bare read: fastexcel alone, every sheet as text (what `bench/national.py` calls the floor);
2. pre-scan: the checks that guard calamine against hostile files (`check_file`: every zip
   member inflated within bounds, every sheet's extent measured);
3. read: `read_sheets`, i.e. the pre-scan, then fastexcel with its bounds;
4. ingest: `ingest_workbooks` in the pipeline's chunks of 256: the read, the ThongTin sheet,
   typing, pseudonymising informants, pandera validation and the quarantine.

and derives what the ≥ 0.5 ingestion target of `bench/national.py` leaves for everything that
is not fastexcel: at most one bare read's time per workbook. Appends the table to
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is scripts, not a package
from national import RESULTS, bare_read_files, machine

from pipelines.defs.reports.assets import PLAN_INPUTS
from pipelines.reports.ingest import PlanContext, ingest_workbooks
from pipelines.reports.loader import CHUNK, report_files
from pipelines.reports.privacy import Pseudonymizer
from pipelines.reports.reader import check_file, read_sheets
from pipelines.warehouse.tables import read_table


def plan_context(warehouse: Path) -> PlanContext:
    """The context the report tables step validates against, from the loaded warehouse."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return PlanContext.from_frames(*(read_table(con, name) for name in PLAN_INPUTS))


def fastest_ms(step: Callable[[], None], files: int, repeats: int) -> float:
    """The fastest of `repeats` runs, in ms per workbook."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        step()
        best = min(best, (time.perf_counter() - started) * 1000 / files)
    return best


def measure(data: Path, n_files: int, repeats: int) -> dict[str, float]:
    ctx = plan_context(data / "warehouse.duckdb")
    files = report_files(data / "raw" / "reports")
    random.Random(389).shuffle(files)
    files = files[:n_files]
    items = [(p, p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files]
    hasher = Pseudonymizer(b"bench ingest floor")

    def bare() -> None:
        bare_read_files(files)

    def prescan() -> None:
        for path in files:
            check_file(path)

    def read() -> None:
        for path in files:
            read_sheets(path)

    def ingest() -> None:
        for i in range(0, len(items), CHUNK):
            ingest_workbooks(items[i : i + CHUNK], ctx, hasher)

    ingest()  # warm: first-use costs (regexes, pandera's checks) are paid once per worker
    steps = {"bare": bare, "prescan": prescan, "read": read, "ingest": ingest}
    return {"files": len(files)} | {k: fastest_ms(f, len(files), repeats) for k, f in steps.items()}


def report(ms: dict[str, float], repeats: int) -> str:
    bare, prescan, read, ingest = ms["bare"], ms["prescan"], ms["read"], ms["ingest"]
    rest = ingest - read  # ThongTin, typing, hashing, validation, quarantine
    # ratio 0.5: ingest ≤ 2 × bare, of which fastexcel's part of `read` is spent already
    allowed = 2 * bare - (read - prescan)
    m = machine()
    rows = [
        ("bare read (fastexcel only)", bare, "the floor"),
        ("pre-scan (hostile-file checks)", prescan, "guards calamine"),
        ("read (`read_sheets`: pre-scan, then fastexcel)", read, ""),
        ("ThongTin, typing, hashing, validation, quarantine", rest, "ingest − read"),
        ("ingest (`ingest_workbooks`, chunks of 256)", ingest, ""),
    ]
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · commit {m['commit']} · ingestion floor "
        f"(serial, {int(ms['files'])} workbooks, fastest of {repeats})",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}.",
        "",
        "| part | ms per workbook | |",
        "|---|---:|---|",
        *[f"| {label} | {value:.2f} | {note} |" for label, value, note in rows],
        "",
        f"- Serial ratio, bare read / ingest: **{bare / ingest:.2f}** (on two workers "
        "`bench/national.py` measures less: the workers share the cores and the chunks' "
        "hand-offs).",
        f"- Without any pre-scan it would be {bare / (ingest - prescan):.2f}; without typing, "
        f"hashing and validation {bare / (ingest - rest):.2f}.",
        f"- A ratio of 0.5 leaves {allowed:.2f} ms per workbook beside fastexcel's own read "
        f"({read - prescan:.2f} ms within `read_sheets`) for everything else; that takes "
        f"{prescan + rest:.2f} ms now (pre-scan {prescan:.2f}, the rest {rest:.2f}): a "
        f"{1 - allowed / (prescan + rest):.0%} cut of all the Python work, with the "
        "parallel losses still on top.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/plan389-national"))
    parser.add_argument("--files", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not (args.data / "warehouse.duckdb").exists():
        sys.exit(f"{args.data}/warehouse.duckdb not found: run bench/national.py first")
    text = report(measure(args.data.resolve(), args.files, args.repeats), args.repeats)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text)


if __name__ == "__main__":
    main()
