"""Extraction accuracy on the corpus of plans written for other provinces and communes.

    python bench/extraction.py [--work DIR] [--misses]

Builds every document of `tests/plans/corpus/` (binaries from their sources, scans by OCR),
parses it as `plan389 parse-plan` does, and compares with its answer key: tasks found, leads
right, due dates right, targets and reporting duties found, per document and per layout family.
Prints Markdown tables (the README holds the latest); `--misses` lists every difference.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.plans.corpus import Score, iter_scores


def _pct(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.0f}%)" if total else "–"


def _row(name: str, fmt: str, shape: str, scores: list[Score]) -> str:
    def total(attr: str) -> int:
        return sum(getattr(s, attr) for s in scores)

    tasks = total("tasks_expected")
    return (
        f"| {name} | {fmt} | {shape} | {_pct(total('tasks_matched'), tasks)} "
        f"| {total('tasks_found')} | {_pct(total('leads_right'), tasks)} "
        f"| {_pct(total('coordinators_right'), tasks)} "
        f"| {_pct(total('due_dates_right'), tasks)} "
        f"| {_pct(total('targets_right'), total('targets_expected'))} "
        f"| {_pct(total('obligations_right'), total('obligations_expected'))} |"
    )


HEADER = (
    "| document | format | family read | tasks found / expected | tasks read | leads right "
    "| coordinators right | due dates right | targets | reporting duties |\n"
    "|---|---|---|---|---:|---|---|---|---|---|"
)


def report(scores: list[Score]) -> str:
    lines = [HEADER]
    lines += [_row(s.doc, s.format, s.shape or "(error)", [s]) for s in scores]
    by_family: dict[str, list[Score]] = defaultdict(list)
    for s in scores:
        by_family[s.family].append(s)
    lines += ["", HEADER.replace("document", "layout family")]
    for family, group in sorted(by_family.items()):
        formats = ", ".join(sorted({s.format for s in group}))
        lines.append(_row(family, formats, f"{len(group)} documents", group))
    lines.append(_row("**all**", "", f"{len(scores)} documents", scores))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, help="where to build the documents")
    parser.add_argument("--misses", action="store_true", help="list every difference")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scores = list(iter_scores(args.work or Path(tmp)))
    print(report(scores))
    if args.misses:
        for s in scores:
            for miss in s.misses:
                print(f"{s.doc}: {miss}")


if __name__ == "__main__":
    main()
