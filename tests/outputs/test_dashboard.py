"""The per-plan HTML dashboard, built from the marts of a real run and opened in Chromium."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from datetime import date, datetime
from pathlib import Path

import plotly.offline
import polars as pl
import pytest

from pipelines.outputs.dashboard import (
    _fmt_pct,
    build_dashboard,
    write_as_of_script,
    write_dashboards,
    write_plotly_bundle,
)
from tests.tools import program

pytestmark = pytest.mark.e2e

THANH_HOA = "thanh-hoa-08-kh-ubnd-2026"
EVIL = '<script>alert(1)</script><img src=x onerror="document.body.dataset.pwned=1">'
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def marts_dir(bundled_marts: Path) -> Path:
    return bundled_marts


@pytest.fixture(scope="module")
def pages(marts_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_dashboards(marts_dir, tmp_path_factory.mktemp("pages")).pages


@pytest.fixture(scope="module")
def thanh_hoa_page(pages: list[Path]) -> Path:
    return next(p for p in pages if p.stem == THANH_HOA)


def _without_bundle(page: str) -> str:
    """The page minus its plotly.js tag (the one script allowed to load from a file)."""
    return re.sub(r'<script id="plotlyjs"[^>]*>.*?</script>', "", page, flags=re.S)


def _card(page: str, metric: str) -> str:
    match = re.search(rf'<div class="card [a-z_]+" data-metric="{metric}".*?</div></div>', page)
    assert match, f"no card for {metric}"
    return match.group(0)


def _plan_kpis(marts_dir: Path, plan_id: str, year: int) -> list[dict]:
    return (
        pl.read_parquet(marts_dir / "mart_kpi_targets.parquet")
        .filter(
            (pl.col("plan_id") == plan_id)
            & (pl.col("report_year") == year)
            & (pl.col("scope") == "plan")
        )
        .to_dicts()
    )


def _copy_marts(marts_dir: Path, target: Path) -> Path:
    target.mkdir()
    for path in marts_dir.glob("*.parquet"):
        shutil.copy(path, target / path.name)
    return target


# --- files and content ------------------------------------------------------------------


def test_one_page_per_plan_and_an_index(marts_dir: Path, pages: list[Path]) -> None:
    plans = pl.read_parquet(marts_dir / "mart_plans.parquet").filter(~pl.col("is_reference"))
    assert sorted(p.name for p in pages) == sorted(
        [f"{pid}.html" for pid in plans["plan_id"]] + ["index.html"]
    )
    index = (pages[0].parent / "index.html").read_text(encoding="utf-8")
    for pid in plans["plan_id"]:
        assert f'href="{pid}.html"' in index
    assert "năm 2026" in index  # default year: the latest in mart_kpi_targets


def test_page_needs_no_network(pages: list[Path]) -> None:
    bundle = pages[0].parent / "plotly.min.js"
    assert bundle.read_text(encoding="utf-8") == plotly.offline.get_plotlyjs()
    for path in pages:
        page = path.read_text(encoding="utf-8")
        outside = _without_bundle(page).lower()
        for needle in ('src="http', 'href="http', "src='http", "cdn", "<link", "@import"):
            assert needle not in outside, f"{path.name}: {needle}"
        assert "<script src" not in outside
        assert "default-src 'none'" in page  # CSP: the browser refuses any fetch anyway
        if path.name != "index.html":  # plotly.js from the folder, not 4.6 MB in every page
            assert page.count('<script id="plotlyjs" src="plotly.min.js"></script>') == 1
            assert path.stat().st_size < 300_000


def test_header_shows_plan_year_and_dates(marts_dir: Path) -> None:
    at = datetime(2026, 11, 23, 9, 30)
    page = build_dashboard(marts_dir, THANH_HOA, 2026, generated_at=at)
    assert "Kế hoạch số 08/KH-UBND" in page
    assert "Ủy ban nhân dân tỉnh Thanh Hóa" in page
    assert '<b id="report-year">2026</b>' in page
    assert "Lập lúc 23/11/2026 09:30" in page
    # the as-of date of the marts (mart_build_info); as-of.js updates it on a kept page
    assert 'Số liệu tính đến <b id="as-of" data-year="2026">23/11/2026</b>' in page
    assert '<script id="as-of-js" src="as-of.js"></script>' in page


def test_kpi_cards_equal_the_mart(marts_dir: Path, thanh_hoa_page: Path) -> None:
    page = thanh_hoa_page.read_text(encoding="utf-8")
    kpis = _plan_kpis(marts_dir, THANH_HOA, 2026)
    assert kpis
    for row in kpis:
        card = _card(page, row["metric"])
        shown = f"{row['actual'] * 100:.1f}".replace(".", ",") + "%"
        assert f'<div class="value">{shown}</div>' in card
        assert f"{row['numerator']:,} / {row['denominator']:,}".replace(",", ".") in card
        expected = {True: "✔ Đạt", False: "✘ Chưa đạt", None: "Không có chỉ tiêu"}[row["met"]]
        assert expected in card
    acceptance = next(r for r in kpis if r["metric"] == "tip_acceptance_rate")
    assert (acceptance["numerator"], acceptance["denominator"]) == (89, 96)
    assert '<div class="value">92,7%</div>' in _card(page, "tip_acceptance_rate")
    met = sum(r["met"] is True for r in kpis)
    assert f"Đạt {met}/{sum(r['comparator'] is not None for r in kpis)} chỉ tiêu" in page


def test_no_data_card_is_neither_met_nor_zero(marts_dir: Path, tmp_path: Path) -> None:
    copy = _copy_marts(marts_dir, tmp_path / "marts")
    kpis = pl.read_parquet(copy / "mart_kpi_targets.parquet")
    empty = (pl.col("plan_id") == THANH_HOA) & (pl.col("metric") == "tip_resolution_rate")
    kpis.with_columns(
        *(pl.when(empty).then(None).otherwise(pl.col(c)).alias(c) for c in ("actual", "met")),
        pl.when(empty).then(0).otherwise(pl.col("numerator")).alias("numerator"),
        pl.when(empty).then(0).otherwise(pl.col("denominator")).alias("denominator"),
    ).write_parquet(copy / "mart_kpi_targets.parquet")
    card = _card(build_dashboard(copy, THANH_HOA, 2026), "tip_resolution_rate")
    assert 'data-status="no_data"' in card
    assert "Chưa có số liệu" in card
    assert '<div class="value">–</div>' in card
    assert "Chỉ tiêu: &gt; 90%" in card  # the target is still shown


def test_percent_never_rounds_onto_the_target() -> None:
    assert _fmt_pct(0.99996, 1.0) == "99,996%"  # not "100,0%" on a "not met" card
    assert _fmt_pct(0.927083, 1.0) == "92,7%"
    assert _fmt_pct(0.9, 0.9) == "90,0%"


def _evil_marts(marts_dir: Path, target: Path) -> Path:
    copy = _copy_marts(marts_dir, target)
    for mart in ("mart_task_completion_by_agency", "mart_reporting_compliance"):
        frame = pl.read_parquet(copy / f"{mart}.parquet")
        frame.with_columns(
            pl.when(pl.col("agency_name") == "Sở Xây dựng")
            .then(pl.lit(EVIL))
            .otherwise(pl.col("agency_name"))
            .alias("agency_name")
        ).write_parquet(copy / f"{mart}.parquet")
    return copy


@pytest.fixture
def evil_page(marts_dir: Path, tmp_path: Path) -> Path:
    page = build_dashboard(_evil_marts(marts_dir, tmp_path / "marts"), THANH_HOA, 2026)
    path = tmp_path / "evil.html"
    path.write_text(page, encoding="utf-8")
    write_plotly_bundle(tmp_path)
    return path


def test_agency_names_are_escaped(evil_page: Path) -> None:
    page = _without_bundle(evil_page.read_text(encoding="utf-8"))
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x onerror" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text in the table


# --- in a real browser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    return program("chromium", "chromium-browser", package="chromium")


def _browse(chromium: str, page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _dom(chromium: str, page: Path, tmp_path: Path) -> str:
    result = _browse(chromium, page, tmp_path, "--virtual-time-budget=5000", "--dump-dom")
    assert "</body>" in result.stdout, result.stderr[-2000:]
    return result.stdout


def _charts_in(page: Path) -> int:
    return len(re.findall(r'<div id="chart-[a-z]+"', page.read_text(encoding="utf-8")))


def test_screenshot(chromium: str, thanh_hoa_page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    _browse(
        chromium,
        thanh_hoa_page,
        tmp_path,
        "--virtual-time-budget=5000",
        "--window-size=1280,2400",
        f"--screenshot={shot}",
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 2400)  # IHDR width, height
    assert len(data) > 100_000  # a blank page is a few kB; cards and charts are not


def test_every_chart_renders_without_js_errors(
    chromium: str, pages: list[Path], tmp_path: Path
) -> None:
    for page in pages:
        if page.name == "index.html":
            continue
        expected = _charts_in(page)
        dom = _dom(chromium, page, tmp_path)
        body = re.search(r"<body[^>]*>", dom).group(0)
        assert f'data-charts-expected="{expected}"' in body, page.name
        assert f'data-charts-rendered="{expected}"' in body, page.name
        plots = re.findall(r"<div[^>]*\bjs-plotly-plot\b[^>]*>", dom)
        assert len(plots) == expected
        assert all('data-rendered="1"' in tag for tag in plots)
        assert dom.count('class="main-svg"') >= expected
        assert "data-js-error" not in dom


def _console_lines(result: subprocess.CompletedProcess, page: Path) -> list[str]:
    # Chromium's own noise (dbus, GPU, sandbox) never carries CONSOLE or the page's URL.
    return [
        line
        for line in result.stderr.splitlines()
        if ("CONSOLE" in line or "Uncaught" in line) and page.as_uri() in line
    ]


def test_no_console_errors(chromium: str, thanh_hoa_page: Path, tmp_path: Path) -> None:
    logging = ("--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom")
    control = tmp_path / "broken.html"
    control.write_text("<html><body><script>notDefined()</script></body></html>")
    caught = _console_lines(_browse(chromium, control, tmp_path, *logging), control)
    assert any("Uncaught" in line for line in caught), "this Chromium logs no console lines"
    result = _browse(chromium, thanh_hoa_page, tmp_path, *logging)
    assert _console_lines(result, thanh_hoa_page) == []


def test_evil_agency_name_does_not_execute(chromium: str, evil_page: Path, tmp_path: Path) -> None:
    dom = _dom(chromium, evil_page, tmp_path)
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-pwned" not in body
    assert f'data-charts-rendered="{_charts_in(evil_page)}"' in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom


def test_a_kept_page_shows_the_as_of_date_of_the_current_marts(
    chromium: str, thanh_hoa_page: Path, tmp_path: Path
) -> None:
    """A page whose figures did not change is kept the next night; the folder's as-of.js,
    rewritten by every run, puts the new as-of date in it (capped at the report year's end)."""
    folder = tmp_path / "kept"
    shutil.copytree(thanh_hoa_page.parent, folder)
    page = folder / thanh_hoa_page.name
    assert '<b id="as-of" data-year="2026">23/11/2026</b>' in page.read_text(encoding="utf-8")
    write_as_of_script(folder, date(2026, 11, 24))
    assert '<b id="as-of" data-year="2026">24/11/2026</b>' in _dom(chromium, page, tmp_path)
    write_as_of_script(folder, date(2027, 2, 1))  # 2026 is over: counted to 31/12
    assert '<b id="as-of" data-year="2026">31/12/2026</b>' in _dom(chromium, page, tmp_path)
