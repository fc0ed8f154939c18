"""The sample report generator: deterministic, in step with the committed demo set, and dirty in
every way its manifest says, judged by reading the written workbooks back."""

from __future__ import annotations

import random
import re
import unicodedata
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.plans.agencies import resolve_agency
from pipelines.plans.loader import load_plan_folder
from pipelines.reports.spec import (
    ENFORCEMENT,
    TARGET_COUNTS,
    TASK_PROGRESS,
    TIPS,
    SheetSpec,
)
from pipelines.samples import report_rows as sr
from pipelines.samples.roster import DIRT_KINDS
from pipelines.samples.workbooks import (
    SampleFile,
    SampleManifest,
    generate_sample_reports,
    workbook_bytes,
)
from tests.conftest import PLANS_DIR, REPO_ROOT
from tests.samples.reading import as_date, book, info, read_sheet

DEMO_DIR = REPO_ROOT / "data" / "raw" / "reports"
DATA_SPECS = (TASK_PROGRESS, TIPS, ENFORCEMENT, TARGET_COUNTS)
DATE_FORMS = {
    "dmy": r"\d{2}/\d{2}/\d{4}",
    "dash": r"\d{1,2}-\d{1,2}-\d{4}",
    "iso": r"\d{4}-\d{2}-\d{2}",
}
LABELS = {c.label for s in DATA_SPECS for col in s.columns for c in col.choices}

Generated = tuple[Path, SampleManifest]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("samples")
    return out, generate_sample_reports(out, PLANS_DIR)


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return load_plan_folder(PLANS_DIR).frames


@pytest.fixture(scope="module")
def facts(frames: dict[str, pl.DataFrame]) -> dict[str, dict]:
    """Plan task codes and each agency's lead and assigned tasks, to judge TienDo rows by."""
    out: dict[str, dict] = {"codes": {}, "lead": {}, "assigned": {}}
    for t in frames["plan_tasks"].iter_rows(named=True):
        out["codes"].setdefault(t["plan_id"], set()).add(t["task_code"])
    for a in frames["task_assignments"].iter_rows(named=True):
        key = (a["plan_id"], a["agency_id"])
        out["assigned"].setdefault(key, set()).add(a["task_code"])
        if a["role"] == "lead":
            out["lead"].setdefault(key, set()).add(a["task_code"])
    return out


# ---------------------------------------------------------------------------- reading back


def values(path: Path, spec: SheetSpec) -> list[object]:
    return [v for row in book(path).get(spec.name, []) for v in row]


def column(path: Path, spec: SheetSpec, key: str) -> list[object]:
    return [row.get(key) for row in read_sheet(path, spec)[2]] if spec.name in book(path) else []


def count(value: object) -> int:
    """A count as typed: 12, "12" or "1.234"."""
    return value if isinstance(value, int) else int(str(value).replace(".", ""))


# ---------------------------------------------------------------------------- the set


def test_same_seed_gives_identical_bytes(generated: Generated, tmp_path: Path) -> None:
    out, manifest = generated
    assert generate_sample_reports(tmp_path, PLANS_DIR) == manifest
    for f in manifest.files:
        assert (tmp_path / f.name).read_bytes() == (out / f.name).read_bytes(), f.name


def unzipped(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_committed_demo_set_is_a_fresh_generation(generated: Generated) -> None:
    """Same parts, same XML: compared unzipped, so another zlib build cannot fail it."""
    out, manifest = generated
    committed = sorted(p.name for p in DEMO_DIR.glob("*.xlsx"))
    assert committed == sorted(f.name for f in manifest.files)
    for name in committed:
        assert unzipped(DEMO_DIR / name) == unzipped(out / name), (
            f"{name} drifted: regenerate with generate_sample_reports("
            "Path('data/raw/reports'), Path('data/raw/plans'))"
        )
    assert (DEMO_DIR / ".gitkeep").exists()


def test_file_names_are_unique_and_follow_the_pattern(generated: Generated) -> None:
    out, manifest = generated
    names = [f.name for f in manifest.files]
    assert len(names) == len(set(names)) and 15 <= len(names) <= 25
    for f in manifest.files:
        suffix = "__v2" if f.replaces else ""
        assert re.fullmatch(rf"{f.plan_id}__[a-z0-9-]+__{f.period}{suffix}\.xlsx", f.name)
    assert sum((out / n).stat().st_size for n in names) < 1_000_000


def test_info_sheet_matches_the_manifest(generated: Generated) -> None:
    out, manifest = generated
    for f in manifest.files:
        meta = info(out / f.name)
        assert [meta["agency_name"], meta["plan_id"], meta["period"]] == [
            f.agency_name,
            f.plan_id,
            f.period,
        ]
        assert as_date(meta["report_date"]) == f.report_date and meta["prepared_by"]
    assert {"2026", "2026-Q3", "2026-09"} <= {f.period for f in manifest.files}


def test_named_agencies_resolve_to_plan_agencies(
    generated: Generated, frames: dict[str, pl.DataFrame]
) -> None:
    plans = {r["plan_id"]: r for r in frames["plans"].iter_rows(named=True)}
    known = set(frames["agencies"]["agency_id"])
    for f in generated[1].files:
        plan = plans[f.plan_id]
        agency = resolve_agency(f.agency_name, plan["locality_code"], plan["level"])
        assert agency.agency_id == f.agency_id and agency.agency_id in known, f.agency_name
        if plan["level"] == "province" and not f.agency_id.startswith("vn:"):
            assert plan["locality"] in f.agency_name  # printed as on a letterhead


def test_some_lead_agencies_send_nothing(generated: Generated) -> None:
    manifest = generated[1]
    sent = {(f.plan_id, f.agency_id) for f in manifest.files}
    assert manifest.not_reporting and not sent & set(manifest.not_reporting)
    assert {p for p, _ in manifest.not_reporting} == {p for p, _ in sent}


def test_row_counts_add_up(generated: Generated) -> None:
    out, manifest = generated
    registers = [f for f in manifest.files if TIPS.name in f.rows]
    assert all(40 <= f.rows[TIPS.name] <= 150 for f in registers)
    assert manifest.tip_rows == sum(f.rows[TIPS.name] for f in registers)
    assert manifest.progress_rows == sum(f.rows.get(TASK_PROGRESS.name, 0) for f in manifest.files)
    for f in manifest.files:
        for spec in (s for s in DATA_SPECS if s.name in f.rows):
            assert len(read_sheet(out / f.name, spec)[2]) == f.rows[spec.name], (f.name, spec.name)


def test_target_counts_cover_the_plans_count_targets(
    generated: Generated, frames: dict[str, pl.DataFrame]
) -> None:
    out, manifest = generated
    senders = [f for f in manifest.files if TARGET_COUNTS.name in f.rows]
    for f in senders:
        metrics = frames["plan_targets"].filter(pl.col("plan_id") == f.plan_id)["metric"]
        expected = {m for m in metrics if sr.is_count_target(m)}
        assert set(column(out / f.name, TARGET_COUNTS, "metric")) == expected
    provinces = frames["plans"].filter(pl.col("level") == "province")["plan_id"]
    assert {f.plan_id for f in senders} >= set(provinces)


def test_text_is_never_written_as_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    path.write_bytes(workbook_bytes({"S": [["=SUM(A1:A2)", "+84912345678", "-5", "@x"]]}))
    cells = next(openpyxl.load_workbook(path)["S"].iter_rows())
    assert [c.value for c in cells] == ["=SUM(A1:A2)", "+84912345678", "-5", "@x"]
    assert {c.data_type for c in cells} == {"s"}


# ---------------------------------------------------------------------------- tips


def test_tip_history_is_realistic() -> None:
    tips = sr.tip_history(random.Random(1), sr.TipProfile(400, 30), 2026, date(2026, 9, 30))
    new = [t for t in tips if str(t["tip_code"]).startswith("TG-2026")]
    assert 0.9 < sum(bool(t["accepted_date"]) for t in new) / len(new) < 0.99
    for t in tips:
        assert (t["outcome"] is None) == (t["resolved_date"] is None)
        assert (t["criminal_signs"] is None) == (t["resolved_date"] is None)
        took = t["accepted_date"] and (t["accepted_date"] - t["received_date"]).days
        assert took is None or 0 <= took <= 7
        assert t["informant_phone"] is None or re.fullmatch(
            r"0(9\d|3[2-9])\d{7}", t["informant_phone"]
        )
    resolved = [t for t in tips if t["resolved_date"]]
    signs = [t for t in resolved if t["criminal_signs"]]
    prosecuted = [t for t in signs if t["outcome"] == "Khởi tố vụ án"]
    assert 0.2 < len(signs) / len(resolved) < 0.4 and 0.7 < len(prosecuted) / len(signs) < 1
    names = [t["informant_name"] for t in tips if t["informant_name"]]
    assert len(set(names)) < len(names) < len(tips)  # repeat informants, and anonymous tips


def test_carried_over_tips_keep_their_2025_dates(generated: Generated) -> None:
    out, manifest = generated
    paths = [out / f.name for f in manifest.files if TIPS.name in f.rows]
    old = [r for p in paths for r in read_sheet(p, TIPS)[2] if r["tip_code"].startswith("TG-2025-")]
    assert len(old) == manifest.carried_over_tips > 0
    for row in old:
        if "received_date" in row:  # not in the register that lost the column
            assert as_date(row["received_date"]).year == 2025
        assert as_date(row["accepted_date"]) <= date(2025, 12, 31)
        assert row["resolved_date"] is None or as_date(row["resolved_date"]) >= date(2026, 1, 1)
    assert any(r["resolved_date"] for r in old) and any(r["resolved_date"] is None for r in old)


def test_manifest_lists_every_informant(generated: Generated) -> None:
    out, manifest = generated
    paths = [out / f.name for f in manifest.files]
    assert set(manifest.informant_names) == {
        v for p in paths for v in column(p, TIPS, "informant_name") if v
    }
    assert set(manifest.informant_phones) == {
        v for p in paths for v in column(p, TIPS, "informant_phone") if v
    }
    preparers = {info(p)["prepared_by"] for p in paths}
    assert not preparers & set(manifest.informant_names)
    # and never can be: a preparer's given name never ends an informant's name
    assert not {g for v in sr.PREPARER_GIVEN.values() for g in v} & {
        g for v in sr.GIVEN.values() for g in v
    }


def test_resubmission_corrects_the_first_version(generated: Generated) -> None:
    out, manifest = generated
    v2 = next(f for f in manifest.files if f.replaces)
    v1 = next(f for f in manifest.files if f.name == v2.replaces)
    assert (v1.agency_id, v1.plan_id, v1.period) == (v2.agency_id, v2.plan_id, v2.period)
    assert v2.report_date > v1.report_date
    assert "impossible_dates" in v1.dirt and "impossible_dates" not in v2.dirt
    old = {r["tip_code"]: r for r in read_sheet(out / v1.name, TIPS)[2]}
    new = {r["tip_code"]: r for r in read_sheet(out / v2.name, TIPS)[2]}
    assert set(old) < set(new)  # a few tips added
    assert "31/02/2026" in {r["received_date"] for r in old.values()}
    assert all(as_date(r["received_date"]) for r in new.values())


# ---------------------------------------------------------------------------- dirt


def typed_dates(path: Path) -> set[str]:
    texts = [v for s in DATA_SPECS for v in values(path, s) if isinstance(v, str)]
    texts.append(str(info(path)["report_date"]))
    return {form for form, rx in DATE_FORMS.items() for t in texts if re.fullmatch(rx, t)}


def choice_forms(path: Path) -> set[str]:
    forms = set()
    for v in (v for s in DATA_SPECS for v in values(path, s)):
        if not isinstance(v, str) or v in LABELS:
            continue
        if unicodedata.normalize("NFC", v) in LABELS:
            forms.add("nfd")
        elif v.strip() in LABELS:
            forms.add("spaces")
        elif v.casefold() in {label.casefold() for label in LABELS}:
            forms.add("case")
    return forms


def data_specs(path: Path) -> list[SheetSpec]:
    return [s for s in DATA_SPECS if s.name in book(path)]


def has_blank_row(path: Path) -> bool:
    for spec in data_specs(path):
        h, _, rows = read_sheet(path, spec)
        if len(book(path)[spec.name][h + 1 :]) > len(rows):
            return True
    return False


def has_impossible_dates(path: Path) -> bool:
    rows = read_sheet(path, TIPS)[2]
    report = as_date(info(path)["report_date"])
    steps = [
        [as_date(r[k]) for k in ("received_date", "accepted_date", "resolved_date")] for r in rows
    ]
    return (
        any(r["received_date"] == "31/02/2026" for r in rows)
        and any(got and took and took < got for got, took, _ in steps)
        and any(done and done > report for *_, done in steps)
    )


def task_codes(path: Path) -> set[str]:
    return {str(c) for c in column(path, TASK_PROGRESS, "task_code")}


Check = Callable[[Path, SampleFile, dict], bool]
# Each kind of dirt, judged from the workbook's cells and the plan's facts alone.
CHECKS: dict[str, Check] = {
    "dates_as_text": lambda p, f, facts: bool(typed_dates(p)),
    "numbers_as_text": lambda p, f, facts: any(
        isinstance(v, str) and re.fullmatch(r"-?\d{1,3}(\.\d{3})*", v)
        for s in (ENFORCEMENT, TARGET_COUNTS)
        for v in values(p, s)
    ),
    "choice_variants": lambda p, f, facts: bool(choice_forms(p)),
    "yesno_variants": lambda p, f, facts: bool(
        set(column(p, TIPS, "criminal_signs")) - {"Có", "Không", None}
    ),
    "title_rows": lambda p, f, facts: all(read_sheet(p, s)[0] > 1 for s in data_specs(p)),
    "extra_columns": lambda p, f, facts: all(
        {"STT", "Ghi chú nội bộ"} <= set(read_sheet(p, s)[1]) for s in data_specs(p)
    ),
    "blank_rows": lambda p, f, facts: has_blank_row(p),
    "header_variants": lambda p, f, facts: bool(
        {v for v in read_sheet(p, TIPS)[1] if v} - {c.header for c in TIPS.columns}
    ),
    "missing_required_column": lambda p, f, facts: "Ngày tiếp nhận" not in read_sheet(p, TIPS)[1],
    "negative_count": lambda p, f, facts: any(
        count(v) < 0
        for r in read_sheet(p, ENFORCEMENT)[2]
        for k, v in r.items()
        if k not in (None, "field") and v is not None
    ),
    "violations_gt_inspections": lambda p, f, facts: any(
        count(r["violations"]) > count(r["inspections"]) for r in read_sheet(p, ENFORCEMENT)[2]
    ),
    "unknown_task_code": lambda p, f, facts: bool(task_codes(p) - facts["codes"][f.plan_id]),
    "task_of_other_agency": lambda p, f, facts: bool(
        task_codes(p) & facts["codes"][f.plan_id] - facts["assigned"][(f.plan_id, f.agency_id)]
    ),
    "tasks_omitted": lambda p, f, facts: bool(
        facts["lead"][(f.plan_id, f.agency_id)] - task_codes(p)
    ),
    "impossible_dates": lambda p, f, facts: has_impossible_dates(p),
    "late_report": lambda p, f, facts: as_date(info(p)["report_date"]).month == 10,
    "resubmission": lambda p, f, facts: p.name.endswith("__v2.xlsx") and f.replaces is not None,
}


def dirt_not_shown(out: Path, manifest: SampleManifest, facts: dict) -> list[tuple[str, str]]:
    """(kind, file) pairs where the manifest claims dirt that the workbook does not show."""
    return [
        (kind, f.name)
        for f in manifest.files
        for kind in f.dirt
        if not CHECKS[kind](out / f.name, f, facts)
    ]


def test_every_kind_of_dirt_has_a_check() -> None:
    assert set(CHECKS) == set(DIRT_KINDS)


@pytest.mark.parametrize("kind", DIRT_KINDS)
def test_each_kind_of_dirt_is_in_every_file_marked_with_it(
    kind: str, generated: Generated, facts: dict
) -> None:
    out, manifest = generated
    marked = [f for f in manifest.files if kind in f.dirt]
    assert marked, f"no file carries {kind}"
    for f in marked:
        assert CHECKS[kind](out / f.name, f, facts), (kind, f.name)


def test_all_variant_forms_appear_somewhere(generated: Generated) -> None:
    out, manifest = generated
    paths = [out / f.name for f in manifest.files]
    assert set().union(*(typed_dates(p) for p in paths)) == set(DATE_FORMS)
    assert set().union(*(choice_forms(p) for p in paths)) == {"nfd", "spaces", "case"}
    yes_no = {v for p in paths for v in column(p, TIPS, "criminal_signs")}
    assert {"Có", "có", "x", "Không", None} <= yes_no
    typed = [v for p in paths for s in (ENFORCEMENT, TARGET_COUNTS) for v in values(p, s)]
    assert any(isinstance(v, str) and re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", v) for v in typed)


def test_files_without_dirt_have_the_template_layout(generated: Generated) -> None:
    out, manifest = generated
    clean = [f for f in manifest.files if not f.dirt]
    assert clean
    for f in clean:
        for spec in data_specs(out / f.name):
            h, headers, _ = read_sheet(out / f.name, spec)
            assert h == 1 and headers == [c.header for c in spec.columns]  # title, then header


def test_another_seed_gives_other_data_and_an_honest_manifest(
    generated: Generated, tmp_path: Path, facts: dict
) -> None:
    other = generate_sample_reports(tmp_path, PLANS_DIR, seed=7)
    assert other.informant_names != generated[1].informant_names
    assert {kind for f in other.files for kind in f.dirt} == set(DIRT_KINDS)
    assert dirt_not_shown(tmp_path, other, facts) == []
