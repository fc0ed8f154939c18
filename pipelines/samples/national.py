"""A national-scale sample set: every province's and commune's plan and their agencies' reports.

`plan389 sample-data --scale national --out DIR` writes `DIR/raw/plans/` (one plan per locality,
in the seed documents' shapes), `DIR/raw/reports/` (the workbooks their agencies send, dirtied
like the demo set) and `DIR/national-manifest.json` (what was written). Point
`PLAN389_DATA_DIR` at DIR to load it. Same arguments, same bytes.

The reports cover two years, 2025 (ToGiac and XuLy: the base of the changes on last year) and
2026; a few police and market surveillance agencies send theirs by month or by quarter, and
commune police pass some tips up to the province police (`pipelines.samples.registers`).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from pipelines.samples.localities import country
from pipelines.samples.plan_texts import commune_document, province_documents
from pipelines.samples.roster import YEAR, SampleOptions
from pipelines.samples.workbooks import SampleFile, generate_sample_reports

# Register rows a year per tip a profile receives in a year: the registers list the tips to the
# report date (September, most) and those still open from before; measured on the generator,
# used to size profiles for a wanted total.
ROWS_PER_TIP_YEAR = 0.85
PROVINCE_TIP_SHARE = 0.1  # of all tips: the province police's own registers


@dataclass(frozen=True)
class NationalOptions:
    provinces: int = 34
    communes: int = 3321
    tip_rows: int = 1_000_000  # about; the generator sizes registers to reach it
    commune_extra_tasks: tuple[int, int] = (8, 14)  # task groups beyond the ward seed's six
    seed: int = 389
    years: int = 2  # reporting years to 2026: the earlier ones send ToGiac and XuLy only
    monthly_share: float = 0.06  # of police and market surveillance agencies
    quarterly_share: float = 0.02
    periodic_annual_share: float = 0.1  # of those, also sending ToGiac and XuLy in the annual
    transfer_share: float = 0.04  # of commune police tips, passed up to the province police

    def sample_options(self) -> SampleOptions:
        per_tip = ROWS_PER_TIP_YEAR * self.years  # rows in all registers per tip a year
        commune_mean = self.tip_rows * (1 - PROVINCE_TIP_SHARE) / max(1, self.communes) / per_tip
        province_mean = self.tip_rows * PROVINCE_TIP_SHARE / self.provinces / per_tip
        return replace(
            SampleOptions(),
            other_reporters={"province": 5, "commune": 0},
            light_dirt_rate=0.05,
            late_files=max(2, self.communes // 100),
            tips_police=(int(province_mean * 0.8), int(province_mean * 1.2)),
            tips_ward=(int(commune_mean * 0.7), int(commune_mean * 1.3)),
            first_year=YEAR - self.years + 1,
            monthly_share=self.monthly_share,
            quarterly_share=self.quarterly_share,
            periodic_annual_share=self.periodic_annual_share,
            transfer_share=self.transfer_share,
        )


def write_plans(out: Path, opts: NationalOptions) -> int:
    """Write every plan document; returns how many files."""
    written = 0
    for province in country(opts.provinces, opts.communes, opts.seed):
        files = dict(province_documents(province))
        rng = random.Random(f"{opts.seed}|{province.name}|communes")
        for commune in province.communes:
            name, text = commune_document(commune, province, rng, opts.commune_extra_tasks)
            files[name] = text
        for name, text in files.items():
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
    return written


def generate_national(
    out: Path, opts: NationalOptions | None = None, workers: int = 1, echo: Callable = print
) -> dict:
    """Write the national set under `out`; returns (and saves) its manifest."""
    opts = opts or NationalOptions()
    plans_dir, reports_dir = out / "raw" / "plans", out / "raw" / "reports"
    started = time.perf_counter()
    plan_files = write_plans(plans_dir, opts)
    echo(f"plans: {plan_files} files ({time.perf_counter() - started:.0f} s)")
    sample = opts.sample_options()
    reports = generate_sample_reports(reports_dir, plans_dir, opts.seed, sample, workers)
    manifest = {
        "options": asdict(opts),
        "plan_files": plan_files,
        "plans": len({f.plan_id for f in reports.files}),
        "workbooks": len(reports.files),
        "tip_rows": reports.tip_rows,
        "task_progress_rows": reports.progress_rows,
        "enforcement_rows": reports.enforcement_rows,
        "target_rows": reports.target_rows,
        "passed_up_tips": reports.passed_up_tips,
        "by_year": by_year(reports.files),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "national-manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    echo(
        f"reports: {manifest['workbooks']} workbooks, {reports.tip_rows} tip rows, "
        f"{reports.progress_rows} task-progress rows, {reports.passed_up_tips} tips passed up "
        f"({manifest['seconds']:.0f} s)"
    )
    return manifest


def by_year(files: tuple[SampleFile, ...]) -> dict[str, dict[str, int]]:
    """Per reporting year: workbooks by period kind, and rows per sheet."""
    out: dict[str, dict[str, int]] = {}
    for f in files:
        kind = "year" if "-" not in f.period else "quarter" if "Q" in f.period else "month"
        year = out.setdefault(f.period[:4], {})
        year[f"{kind}_workbooks"] = year.get(f"{kind}_workbooks", 0) + 1
        for sheet, n in f.rows.items():
            year[f"{sheet}_rows"] = year.get(f"{sheet}_rows", 0) + n
    return {y: dict(sorted(counts.items())) for y, counts in sorted(out.items())}
