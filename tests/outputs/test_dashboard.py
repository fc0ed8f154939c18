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
from PIL import Image

from pipelines.outputs.dashboard import (
    build_dashboard,
    environment,
    write_as_of_script,
    write_dashboards,
    write_plotly_bundle,
)
from pipelines.outputs.presentation import INDICATOR_LABELS
from tests.outputs import support
from tests.outputs.support import (
    COMMUNE_ORDER,
    COMMUNES,
    HAM_RONG,
    HUNG_YEN,
    copy_marts,
    page_tables,
    table,
    with_communes,
    with_last_year,
)
from tests.tools import program

pytestmark = pytest.mark.e2e

THANH_HOA = "thanh-hoa-08-kh-ubnd-2026"
EVIL = '<script>alert(1)</script><img src=x onerror="document.body.dataset.pwned=1">'
BREAKOUT = '"><img src=x onerror="document.body.dataset.pwned=1">'  # out of an attribute
SCRIPT, ATTRIBUTE = "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'
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
    pattern = rf'<div class="card [a-z_]+" data-metric="{metric}".*?</div>\s*</div>'
    match = re.search(pattern, page, flags=re.S)
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
        shown = f"{row['actual'] * 100:.1f}".replace(".", ",").removesuffix(",0") + "%"
        assert f'<div class="value">{shown}</div>' in card
        assert f"{row['numerator']:,} / {row['denominator']:,}".replace(",", ".") in card
        expected = {True: "✔ Đạt", False: "✘ Chưa đạt", None: "Không đặt chỉ tiêu"}[row["met"]]
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


def _rewrite(marts: Path, mart: str, where: pl.Expr, texts: dict[str, str]) -> None:
    """Put `texts` (column → value) in the rows of a mart `where` holds."""
    frame = pl.read_parquet(marts / f"{mart}.parquet")
    frame.with_columns(
        pl.when(where).then(pl.lit(text)).otherwise(pl.col(column)).alias(column)
        for column, text in texts.items()
    ).write_parquet(marts / f"{mart}.parquet")


def _evil_marts(marts_dir: Path, target: Path) -> Path:
    copy = _copy_marts(marts_dir, target)
    for mart in ("mart_task_completion_by_agency", "mart_reporting_compliance"):
        _rewrite(copy, mart, pl.col("agency_name") == "Sở Xây dựng", {"agency_name": EVIL})
    thanh_hoa = pl.col("plan_id") == THANH_HOA
    _rewrite(copy, "mart_plans", thanh_hoa, {"title": EVIL})
    _rewrite(copy, "mart_kpi_targets", thanh_hoa, {"target_source_text": BREAKOUT})
    return copy


def _hostile_marts(marts_dir: Path, target: Path) -> Path:
    """Thanh Hóa's plan, targets and agencies named with markup, in text and attributes."""
    copy = _copy_marts(marts_dir, target)
    thanh_hoa = pl.col("plan_id") == THANH_HOA
    plan = {"title": SCRIPT, "issuer": ATTRIBUTE, "locality": SCRIPT, "plan_number": ATTRIBUTE}
    _rewrite(copy, "mart_plans", thanh_hoa, plan)
    _rewrite(copy, "mart_plans", pl.col("plan_id") == HAM_RONG, {"locality": SCRIPT})  # its tree
    _rewrite(copy, "mart_kpi_targets", thanh_hoa, {"target_source_text": ATTRIBUTE})
    for mart in ("mart_task_completion_by_agency", "mart_reporting_compliance"):
        _rewrite(copy, mart, thanh_hoa, {"agency_name": SCRIPT + ATTRIBUTE})
    return copy


def test_hostile_text_is_shown_as_text(marts_dir: Path, tmp_path: Path) -> None:
    pages = write_dashboards(_hostile_marts(marts_dir, tmp_path / "marts"), tmp_path / "out").pages
    for path in pages:
        page = _without_bundle(path.read_text(encoding="utf-8"))
        assert "<script>alert" not in page, path.name
        assert "<img src=x" not in page, path.name
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    page = (tmp_path / "out" / f"{THANH_HOA}.html").read_text(encoding="utf-8")
    script, attribute = "&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror"
    assert f"<title>{script} – 2026</title>" in page
    assert f"<h1>{script}</h1>" in page
    assert f"Kế hoạch số {attribute}=alert(1)&gt; · {attribute}" in page
    assert f'title="{attribute}=alert(1)&gt;">' in page  # an attribute stays one attribute
    assert f"<td>{script}{attribute}=alert(1)&gt;</td>" in page  # who reported late
    assert f'.html">{script}</a>' in index
    assert f'<a href="{HAM_RONG}.html">phường {script}</a>' in page  # a plan below it


def test_figure_json_cannot_close_its_script() -> None:
    text = "</script><script>alert(1)</script><!-- & ' \""
    out = (
        environment()
        .from_string("<script>f({{ figure|tojson }});</script>")
        .render(figure={"data": [{"name": text}]})
    )
    assert out.count("<") == 2 and out.count(">") == 2  # its own two tags, nothing else
    assert "&" not in out and "'" not in out


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


# --- the period section and the tree view ------------------------------------------------


def _headline(marts: Path, plan: str, scope: str, period: str) -> dict[str, dict]:
    rows = support.mart(marts, "mart_headline_indicators").filter(
        (pl.col("plan_id") == plan) & (pl.col("scope") == scope) & (pl.col("period") == period)
    )
    return {r["indicator"]: r for r in rows.iter_rows(named=True)}


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_period_section_equals_the_mart(marts_dir: Path, thanh_hoa_page: Path) -> None:
    page = thanh_hoa_page.read_text(encoding="utf-8")
    labels = {"plan": "Các đơn vị thực hiện Kế hoạch"}
    labels["tree"] = "Toàn địa bàn (Kế hoạch và các kế hoạch cấp dưới)"  # with Hàm Rồng
    for scope, label in labels.items():
        shown = table(page, data_scope=scope)
        assert shown.rows[0].cells == [label, "Lũy kế năm 2026"]  # a yearly report only
        assert shown.rows[1].cells == ["Nội dung", "Kỳ này", "Cùng kỳ năm 2025", "So với cùng kỳ"]
        year = _headline(marts_dir, THANH_HOA, scope, "2026")
        rows = shown.body()
        assert [r.attrs["data-indicator"] for r in rows] == list(INDICATOR_LABELS)
        for row in rows:
            figure = year[row.attrs["data-indicator"]]
            assert figure["previous_value"] is None  # the bundled data has no 2025
            label = INDICATOR_LABELS[figure["indicator"]]
            assert row.cells == [label, _count(figure["ytd_value"]), "–", "—"]
    assert table(page, data_scope="plan").body()[4].cells[1] == "1.322"  # cases_total
    assert table(page, data_scope="tree").body()[4].cells[1] == "1.339"
    assert page.count("Chưa có số liệu theo tháng, quý của năm 2026.") == 2
    assert "(chưa đủ kỳ): có đơn vị chưa báo cáo đủ kỳ." in page  # the legend


def test_period_section_of_monthly_reports(marts_dir: Path, pages: list[Path]) -> None:
    page = next(p for p in pages if p.stem == HUNG_YEN).read_text(encoding="utf-8")
    shown = table(page, data_scope="plan")
    assert shown.rows[0].cells == [
        "Các đơn vị thực hiện Kế hoạch",
        "Tháng 09/2026",
        "Quý III/2026 (chưa đủ kỳ)",  # some agencies have not reported July and August
        "Lũy kế năm 2026 (chưa đủ kỳ)",
    ]
    month = _headline(marts_dir, HUNG_YEN, "plan", "2026-09")["cases_total"]
    quarter = _headline(marts_dir, HUNG_YEN, "plan", "2026-Q3")["cases_total"]
    year = _headline(marts_dir, HUNG_YEN, "plan", "2026")["cases_total"]
    total = next(r for r in shown.body() if r.attrs["data-indicator"] == "cases_total")
    values = [month["value"], quarter["value"], year["ytd_value"]]
    assert total.cells[1::3] == [_count(v) for v in values] == ["79", "79", "799"]
    assert not any(t.attrs.get("data-scope") == "tree" for t in page_tables(page))
    assert 'id="tree-section"' not in page  # no plan below Hưng Yên's


def test_period_changes_are_signed(marts_dir: Path, tmp_path: Path) -> None:
    marts = with_last_year(copy_marts(marts_dir, tmp_path / "marts"))
    rows = table(build_dashboard(marts, THANH_HOA, 2026), data_scope="plan").body()
    shown = {r.cells[0]: r.cells[1:] for r in rows}
    assert shown["Tổng số vụ vi phạm"] == ["1.322", "1.000", "+32,2%"]
    assert shown["Số vụ khác"] == ["159", "200", "−20,5%"]
    assert shown["Số bị can"] == ["93", "0", "—"]  # last year's 0: no change to state
    assert shown["Số vụ khởi tố"] == ["58", "–", "—"]


def test_tree_view_equals_the_mart(marts_dir: Path, thanh_hoa_page: Path) -> None:
    page = thanh_hoa_page.read_text(encoding="utf-8")
    shown = table(page, id="tree-table")
    assert shown.rows[0].cells[:3] == ["#", "Địa bàn", "Số kế hoạch"]
    ham_rong, own, total = shown.body()
    assert ham_rong.attrs["data-plan"] == HAM_RONG and ham_rong.attrs["data-status"] == "behind"
    status = support.mart(marts_dir, "mart_plan_tree_status").filter(pl.col("plan_id") == HAM_RONG)
    row = status.row(0, named=True)
    assert (row["reports_missing"], row["is_behind"]) == (3, True)
    assert ham_rong.cells == [
        "1",
        "phường Hàm Rồng Thiếu 3 báo cáo",  # the missing reports marked by the name
        "(không ghi số)",
        *(_count(row[c]) for c in ("kpis_met", "kpis_below", "kpis_without_data")),
        "Tỷ lệ cơ sở kinh doanh hàng liên quan sức khỏe được tuyên truyền",
        "89,4%",
        *(_count(row[c]) for c in ("reports_due", "reports_received", "reports_missing")),
        *(_count(row[c]) for c in ("reports_late", "tasks_overdue")),
        "Chậm tiến độ",
        "1 chỉ tiêu chưa đạt; thiếu 3 báo cáo",
    ]
    assert f'<a href="{HAM_RONG}.html">phường Hàm Rồng</a>' in page
    assert '<span class="flag missing">Thiếu 3 báo cáo</span>' in page
    assert own.cells[1:4] == ["Các đơn vị thực hiện Kế hoạch Thiếu 9 báo cáo", "08/KH-UBND", "3"]
    assert total.cells[1] == "Toàn địa bàn Thiếu 12 báo cáo"
    assert total.cells[8:13] == ["21", "9", "12", "1", "3"]  # the province's and Hàm Rồng's
    assert 'id="tree-summary">Chậm tiến độ: 1/1 địa bàn cấp dưới</p>' in page
    tree_kpis = table(page, id="tree-kpis").body()
    actuals = support.mart(marts_dir, "mart_kpi_targets").filter(
        (pl.col("plan_id") == THANH_HOA) & (pl.col("scope") == "tree")
    )["actual"]
    assert len(tree_kpis) == actuals.len() == 9
    assert [r.cells[3] for r in tree_kpis][:3] == ["0%", "79,7%", "82,1%"]  # lowest first
    assert tree_kpis[1].cells[-1] == "Chưa đạt" and tree_kpis[-1].cells[-1] == "Đạt"
    below = table(page, id="below-kpis").body()
    assert [r.cells[1] for r in below] == ["phường Hàm Rồng"] * 6
    assert [r.cells[4] for r in below] == ["75%", "88,9%", "89,4%", "95,9%", "100%", "100%"]


def test_tree_view_lists_communes_lowest_first(marts_dir: Path, tmp_path: Path) -> None:
    marts = with_communes(copy_marts(marts_dir, tmp_path / "marts"))
    out = tmp_path / "pages"
    write_dashboards(marts, out)
    page = (out / f"{THANH_HOA}.html").read_text(encoding="utf-8")
    rows = table(page, id="tree-table").body()[:-2]
    names = [r.cells[1].split(" Thiếu ")[0] for r in rows]
    assert names == COMMUNE_ORDER
    flagged = {name for name, r in zip(names, rows, strict=True) if "Thiếu" in r.cells[1]}
    assert flagged == {"xã Quảng Phú", "phường Hàm Rồng"}
    assert [r.attrs["data-status"] for r in rows] == [
        "behind",
        "behind",
        "on_track",
        "on_track",
        "no_data",  # An Hưng: no row for the year
    ]
    for plan_id in COMMUNES:
        assert f'<a href="{plan_id}.html">' in page
        assert (out / f"{plan_id}.html").is_file()
        assert 'id="tree-section"' not in (out / f"{plan_id}.html").read_text(encoding="utf-8")
    # the index lists each commune under its province
    index = (out / "index.html").read_text(encoding="utf-8")
    order = re.findall(r'<tr class="depth-(\d)" data-plan="([^"]+)"', index)
    at = order.index(("0", THANH_HOA))
    assert {plan for _, plan in order[at + 1 : at + 6]} == {HAM_RONG, *COMMUNES}
    assert {depth for depth, _ in order[at + 1 : at + 6]} == {"1"}


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


# Records where the period and tree sections lie on the page (CSS px from its top).
SECTION_PROBE = """<script>
window.addEventListener('load', function () {
  var top = document.getElementById('ky-bao-cao').getBoundingClientRect().top;
  var bottom = document.getElementById('tree-section').getBoundingClientRect().bottom;
  document.body.dataset.views = Math.round(top + scrollY) + ' ' + Math.round(bottom + scrollY);
});
</script></body>"""
VIEWS_WINDOW = (1280, 3600)
FLAG_PINK = (253, 236, 234)  # .flag.missing: the "Thiếu N báo cáo" mark
HEADER_RED = (127, 29, 29)  # the page's header band


def test_period_and_tree_views_screenshot(
    chromium: str, thanh_hoa_page: Path, tmp_path: Path
) -> None:
    """Thanh Hóa's dashboard in Chromium, cut to its period and tree sections."""
    site = tmp_path / "site"
    shutil.copytree(thanh_hoa_page.parent, site)
    page = site / thanh_hoa_page.name
    probe = site / "probe.html"  # the same page, telling where its sections lie
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", SECTION_PROBE))
    width, height = VIEWS_WINDOW
    window = (f"--window-size={width},{height}", "--hide-scrollbars")
    window += ("--force-device-scale-factor=1", "--virtual-time-budget=5000")
    dom = _browse(chromium, probe, tmp_path, *window, "--dump-dom").stdout
    top, bottom = map(int, re.search(r'data-views="(\d+) (\d+)"', dom).groups())
    assert 0 < top < bottom <= height - 20, (top, bottom)  # both within the window

    full = tmp_path / "thanh-hoa.png"
    _browse(chromium, page, tmp_path, *window, f"--screenshot={full}")
    views = tmp_path / "thanh-hoa-period-and-tree.png"
    with Image.open(full) as image:
        assert image.size == VIEWS_WINDOW
        image.convert("RGB").crop((0, top - 8, width, bottom + 8)).save(views)
    assert views.stat().st_size > 20_000
    with Image.open(views) as image:
        colours = dict((rgb, n) for n, rgb in image.getcolors(1 << 20))
        assert len(colours) > 50  # text and tables, not a blank or single-colour band
        assert colours.get(FLAG_PINK, 0) > 500  # the missing reports' marks are drawn
        assert HEADER_RED not in colours  # the cut is the sections, not the page's top
        assert image.height == bottom - top + 16


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
