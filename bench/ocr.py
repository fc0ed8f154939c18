"""OCR benchmark: seconds and accuracy of reading a scanned plan, by DPI, page segmentation
mode (--psm), pages read at once (--workers) and Tesseract threads per page (--threads).

    python bench/ocr.py [--scan-dpi 200] [--dpi 200 300] [--psm 3 4 6] [--workers 1 2]
                        [--threads 1 2] [--runs 3] [--append]

It makes the test suite's scans (`tests/plans/scans.py`; needs img2pdf) at --scan-dpi: the
plan `tests/plans/scan_sources/cao-bang_2026_plan.txt` printed at 13 pt (3 A4 pages) and the
one-page task table of `tests/plans/test_ocr.py`. Each configuration reads the plan --runs
times with `read_document` (no cache) and reports the median wall time, the CPU seconds of
the read (Tesseract's included), and against the source text the share of characters
recognised (difflib ratio; "folded": diacritics and case aside) and the tasks whose code and
lead agencies are right; then the table's cells read right (diacritics aside). --append adds
the table to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.plans import ocr  # noqa: E402
from pipelines.plans.assemble import parse_plan  # noqa: E402
from pipelines.plans.documents import DocumentText, read_document  # noqa: E402
from pipelines.plans.text import fold  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"
DEFAULT_TEXT = REPO / "tests" / "plans" / "scan_sources" / "cao-bang_2026_plan.txt"


def make_scans(folder: Path, dpi: int) -> tuple[Path, Path]:
    from tests.plans.scans import scan_pdf, table_pdf, text_pdf
    from tests.plans.test_ocr import ROWS, WIDTHS

    printed = text_pdf(DEFAULT_TEXT.read_text(encoding="utf-8"), folder / "printed.pdf")
    table = table_pdf(ROWS, folder / "table.pdf", WIDTHS)
    return scan_pdf(printed, folder / "plan.pdf", dpi), scan_pdf(table, folder / "t.pdf", dpi)


def cpu_seconds() -> float:
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def leads(doc: DocumentText) -> dict[str, list[str]]:
    plan = parse_plan([doc])
    return {
        t.raw.task_code: [fold(a.text) for a in t.raw.assignments if a.role == "lead"]
        for t in plan.tasks
    }


def measure(scan: Path, table: Path, source: DocumentText, runs: int) -> dict[str, float | str]:
    from tests.plans.test_ocr import EXPECTED

    times, cpu, doc = [], [], None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), cpu_seconds()
        doc = read_document(scan)
        times.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - started_cpu)
    assert doc is not None
    expected, got = leads(source), leads(doc)
    right = sum(1 for code, agencies in expected.items() if got.get(code) == agencies)
    cells = [fold(c) for t in read_document(table).tables for row in t for c in row]
    want = [fold(c) for row in EXPECTED for c in row]
    matcher = difflib.SequenceMatcher(None, cells, want, autojunk=False)
    cells_right = sum(block.size for block in matcher.get_matching_blocks())
    return {
        "seconds": statistics.median(times),
        "cpu": statistics.median(cpu),
        "chars": difflib.SequenceMatcher(None, source.text, doc.text, autojunk=False).ratio(),
        "folded": difflib.SequenceMatcher(
            None, fold(source.text), fold(doc.text), autojunk=False
        ).ratio(),
        "tasks": f"{right}/{len(expected)}",
        "cells": f"{cells_right}/{len(want)}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scan-dpi", type=int, default=200, help="resolution of the scans")
    parser.add_argument("--dpi", type=int, nargs="+", default=[ocr.DPI])
    parser.add_argument("--psm", type=int, nargs="+", default=[ocr.PSM])
    parser.add_argument("--workers", type=int, nargs="+", default=[2], help="pages at once")
    parser.add_argument("--threads", type=int, nargs="+", default=[ocr.THREADS], help="per page")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--append", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        scan, table = make_scans(Path(tmp), args.scan_dpi)
        source = read_document(DEFAULT_TEXT)
        rows = []
        configs = itertools.product(args.dpi, args.psm, args.workers, args.threads)
        for dpi, psm, workers, threads in configs:
            ocr.DPI, ocr.PSM, ocr.THREADS = dpi, psm, threads
            os.environ["PLAN389_WORKERS"] = str(workers)
            result = measure(scan, table, source, args.runs)
            rows.append((dpi, psm, workers, threads, result))
            print(
                f"dpi {dpi} psm {psm} workers {workers} threads {threads}: "
                f"{result['seconds']:.1f} s "
                f"(cpu {result['cpu']:.1f} s), chars {result['chars']:.3f}, "
                f"folded {result['folded']:.3f}, tasks right {result['tasks']}, "
                f"table cells right {result['cells']}",
                flush=True,
            )
    if args.append:
        append(rows, args.scan_dpi, args.runs)
    return 0


def append(rows: list, scan_dpi: int, runs: int) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    lines = [
        "",
        f"## {stamp} · OCR of a scanned plan: `python bench/ocr.py {' '.join(sys.argv[1:])}`",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, niceness {os.nice(0)} (other jobs ran: load "
        f"average {load:.1f} at the end). Document: the "
        f"tests' Cao Bằng plan (13 pt, 3 A4 pages) and task table (1 page), scanned at "
        f"{scan_dpi} dpi; median of {runs} reads of the plan.",
        "",
        "| dpi | psm | pages at once | threads each | seconds | CPU s | characters right "
        "| folded | tasks + leads | table cells |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for dpi, psm, workers, threads, r in rows:
        lines.append(
            f"| {dpi} | {psm} | {workers} | {threads} | {r['seconds']:.1f} | {r['cpu']:.1f} "
            f"| {r['chars']:.3f} | {r['folded']:.3f} | {r['tasks']} | {r['cells']} |"
        )
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
