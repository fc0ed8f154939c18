"""National-scale benchmark: full load, nightly incremental load, and the bare-read floor.

    python bench/national.py [--data DIR] [--workers N] [--generate]

Stages, each in its own process so its memory is its own:
1. bare read: every workbook under DIR/raw/reports read with fastexcel alone (all sheets, as
   text), on as many processes as the pipeline uses; the floor for workbook ingestion;
2. full load: `plan389 run` on DIR from an empty warehouse (no caches);
3. incremental load: 1% of the plan and report files changed or added, then `plan389 run`;
   three times (--incremental-runs), each from the full load's state with other files changed:
   the median is judged, the runs' spread shown;
4. next-day nightly load: from the full load's state, the as-of date one day later and 1% of
   the files changed, as the nightly schedule meets them: every "days overdue" has moved;
5. follow-up: `plan389 follow-up -o NEW_DIR` for every plan from the full load's published
   marts, into an empty folder (every list and feedback copy written): its own stage and target
   (≤ 5 min), apart from the loads (which include the `follow_up` asset's incremental writing).

Every load counts through a pinned as-of date (--as-of, default 2026-12-01, after the sample
set's last report), the next-day load through the day after, so runs on different days compare.

It prints wall time per stage and per pipeline step, rows per second, the peak memory of the
whole process tree (workers included), and ingestion throughput / bare-read throughput, and
appends them with the machine's details to bench/RESULTS.md. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
RESULTS = REPO / "bench" / "RESULTS.md"
# The ingestion / bare-read ratio is measured, no longer judged: the 0.5 target was retired by
# the user (the serial ~0.35 with the hostile-file pre-scan stands; bench/ingest_floor.py).
TARGETS = {"full_s": 600, "full_peak_gib": 8, "incremental_s": 60, "follow_up_s": 300}
AS_OF = "2026-12-01"


# ---------------------------------------------------------------------------- measuring


def _descendants(pid: int) -> list[int]:
    """Every process below `pid`: one pass over /proc (a pass per child, as before, cost
    ~20 ms a poll with five descendants: CPU taken from the run it measures)."""
    parent: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parent.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parent.get(todo.pop(), [])
        found += children
        todo += children
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run `cmd`; returns (wall seconds, peak RSS of its process tree in bytes, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, cwd=REPO)
    peak = 0
    stop = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not stop.is_set():
            tree = [proc.pid, *_descendants(proc.pid)]
            peak = max(peak, sum(_rss(p) for p in tree))
            stop.wait(0.25)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out, _ = proc.communicate()
    stop.set()
    watcher.join()
    if proc.returncode != 0:
        sys.stderr.write(out[-4000:])
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return time.perf_counter() - started, peak, out


# ---------------------------------------------------------------------------- stages


def bare_read_files(paths: list[Path]) -> int:
    """The floor: every sheet of each workbook read as text by fastexcel, nothing else; the
    rows read. Also timed, serially, by bench/ingest_floor.py."""
    import fastexcel

    rows = 0
    for path in paths:
        try:
            reader = fastexcel.read_excel(path)
        except Exception:
            continue
        for name in reader.sheet_names:
            rows += reader.load_sheet(name, header_row=None, dtypes="string").to_polars().height
    return rows


BARE_READ = f"""
import json, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from national import bare_read_files

if __name__ == "__main__":
    folder, workers = Path(sys.argv[1]), int(sys.argv[2])
    files = sorted(p for p in folder.rglob("*.xlsx"))
    chunks = [files[i::workers * 8] for i in range(workers * 8)]
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        rows = sum(pool.map(bare_read_files, chunks))
    seconds = time.perf_counter() - started
    print(json.dumps({{"files": len(files), "rows": rows, "seconds": seconds}}))
"""

LOAD = """
import json, os
import dagster as dg
from pipelines.run import run_all

instance = dg.DagsterInstance.ephemeral()
code = run_all(echo=lambda line: None, instance=instance, live=False)
run = instance.get_runs()[0]
stats = instance.get_run_step_stats(run.run_id)
steps = {s.step_key: round(s.end_time - s.start_time, 1) for s in stats}
documents = {}
for key in ("official_reports", "kpi_dashboards"):
    event = instance.get_latest_materialization_event(dg.AssetKey(key))
    metadata = event.asset_materialization.metadata if event else {}
    documents |= {
        name: value.value for name, value in metadata.items()
        if name.endswith(("_written", "_unchanged"))
    }
print(json.dumps({"exit": code, "steps": steps, "documents": documents}))
"""

COUNTS = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
q = lambda sql: con.execute(sql).fetchall()[0][0]
print(json.dumps({
    "plans": q("select count(*) from raw.plans where not is_reference"),
    "plan_tasks": q("select count(*) from raw.plan_tasks"),
    "workbooks": q("select count(*) from raw.report_workbooks"),
    "rows_read": q("select sum(rows_read) from raw.report_sheet_counts"),
    "rows_quarantined": q("select sum(rows_quarantined) from raw.report_sheet_counts"),
    "tips": q("select count(*) from raw.tips"),
    "task_progress": q("select count(*) from raw.task_progress"),
}))
"""


def bare_read(data: Path, workers: int, env: dict[str, str]) -> dict:
    wall, peak, out = run_measured(
        [PYTHON, "-c", BARE_READ, str(data / "raw" / "reports"), str(workers)], env
    )
    return json.loads(out.strip().splitlines()[-1]) | {"wall": wall, "peak": peak}


def load(data: Path, env: dict[str, str]) -> dict:
    wall, peak, out = run_measured([PYTHON, "-c", LOAD], env | {"PLAN389_DATA_DIR": str(data)})
    result = json.loads(out.strip().splitlines()[-1])
    if result["exit"] not in (0, 3):  # 3: published, some generated files refused on purpose
        raise SystemExit(f"plan389 run on {data} failed (exit {result['exit']})")
    return result | {"wall": wall, "peak": peak}


def follow_up(data: Path, env: dict[str, str]) -> dict:
    """Every plan's follow-up lists and feedback copies, written into an empty folder."""
    out = data.with_name(data.name + "-follow-up")
    shutil.rmtree(out, ignore_errors=True)
    cmd = [PYTHON, "-m", "pipelines.cli", "follow-up", "-o", str(out)]
    wall, peak, text = run_measured(cmd, env | {"PLAN389_DATA_DIR": str(data)})
    files = sum(1 for _ in out.rglob("*.xlsx"))
    agencies = sum(1 for p in (out / "follow-up").rglob("*.xlsx") if p.name != "tong-hop.xlsx")
    shutil.rmtree(out, ignore_errors=True)
    return {"wall": wall, "peak": peak, "files": files, "agencies": agencies, "out": text}


def counts(data: Path, env: dict[str, str]) -> dict:
    _, _, out = run_measured([PYTHON, "-c", COUNTS, str(data / "warehouse.duckdb")], env)
    return json.loads(out)


def change_one_percent(data: Path, seed: int = 8) -> dict:
    """Edit 0.5% of the workbooks (a note in a data row), add 0.5% as resubmissions (a later
    Ngày báo cáo and a note), and touch 1% of the plan files (a line appended)."""
    from openpyxl import load_workbook

    rng = random.Random(seed)
    books = sorted((data / "raw" / "reports").rglob("*.xlsx"))
    picked = rng.sample(books, max(2, len(books) // 100))
    half = len(picked) // 2
    for path in picked[:half]:
        wb = load_workbook(path)
        ws = wb[wb.sheetnames[-1]]
        ws.cell(ws.max_row, ws.max_column + 1).value = "Đã rà soát lại số liệu"
        wb.save(path)
    for path in picked[half:]:  # a corrected report, signed a week later: supersedes the first
        wb = load_workbook(path)
        for label, value in wb["ThongTin"].iter_rows(max_col=2):
            if label.value == "Ngày báo cáo" and isinstance(value.value, datetime):
                value.value += timedelta(days=7)
        ws = wb[wb.sheetnames[-1]]
        ws.cell(ws.max_row, ws.max_column + 1).value = "Báo cáo bổ sung"
        wb.save(path.with_name(path.stem + "__bo-sung.xlsx"))
    plans = sorted((data / "raw" / "plans").rglob("*.txt"))
    touched = rng.sample(plans, max(1, len(plans) // 100))
    for path in touched:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n(Bản cập nhật)\n")
    return {"workbooks_changed": half, "workbooks_added": len(picked) - half, "plans": len(touched)}


def reset(data: Path) -> None:
    """An empty warehouse: no tables, no published marts, no parse cache."""
    for name in ("warehouse.duckdb", "warehouse.duckdb.wal"):
        (data / name).unlink(missing_ok=True)
    for name in ("marts", "cache", "reports"):
        shutil.rmtree(data / name, ignore_errors=True)


# ---------------------------------------------------------------------------- reporting


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 1024**3, 1),
        "python": platform.python_version(),
        "commit": commit or "?",
    }


def gib(n: int) -> float:
    return round(n / 1024**3, 2)


def _documents(run: dict) -> str:
    d = run.get("documents", {})
    return (
        f"reports {d.get('reports_written', '?')} written / {d.get('reports_unchanged', '?')} "
        f"kept, pages {d.get('pages_written', '?')} written / {d.get('pages_unchanged', '?')} kept"
    )


def report(res: dict) -> str:
    full, inc, bare, c = res["full"], res["incremental"], res["bare"], res["counts"]
    nxt = res.get("next_day")
    ingest_s = full["steps"].get("report_tables", float("nan"))
    walls = [r["wall"] for r in res.get("incremental_runs", [inc])]
    ratio = bare["seconds"] / ingest_s
    rows = c["rows_read"]
    ok = {
        "full_s": full["wall"] <= TARGETS["full_s"],
        "full_peak_gib": gib(full["peak"]) <= TARGETS["full_peak_gib"],
        "incremental_s": inc["wall"] <= TARGETS["incremental_s"],
        "next_day_s": nxt is not None and nxt["wall"] <= TARGETS["incremental_s"],
        "follow_up_s": "follow_up" in res and res["follow_up"]["wall"] <= TARGETS["follow_up_s"],
    }
    fol = res.get("follow_up")
    mark = {True: "met", False: "MISSED"}
    m = res["machine"]
    lines = [
        f"## {res['when']} · commit {m['commit']} · {res['label']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']};"
        f" workers {res['workers']}.",
        f"Data: {c['plans']} plans ({c['plan_tasks']} tasks), {c['workbooks']} workbooks, "
        f"{rows:,} data rows read ({c['tips']:,} tips, {c['task_progress']:,} task-progress, "
        f"{c['rows_quarantined']:,} quarantined).",
        "",
        "| stage | wall s | peak GiB | rows/s | target |",
        "|---|---:|---:|---:|---|",
        f"| bare read (fastexcel only) | {bare['seconds']:.1f} | {gib(bare['peak'])} | "
        f"{bare['rows'] / bare['seconds']:,.0f} | floor |",
        f"| full load | {full['wall']:.1f} | {gib(full['peak'])} | {rows / full['wall']:,.0f} | "
        f"≤ 600 s {mark[ok['full_s']]}; ≤ 8 GiB {mark[ok['full_peak_gib']]} |",
        f"| incremental load (1%: {res['changes']}), median of {len(walls)} "
        f"({' / '.join(f'{w:.1f}' for w in walls)} s) | {inc['wall']:.1f} | {gib(inc['peak'])} | "
        f"– | ≤ 60 s {mark[ok['incremental_s']]} |",
        *(
            [
                f"| next-day nightly load (as of {res['next_as_of']}; {nxt['changes']}) | "
                f"{nxt['wall']:.1f} | {gib(nxt['peak'])} | – | ≤ 60 s {mark[ok['next_day_s']]} |"
            ]
            if nxt
            else []
        ),
        *(
            [
                f"| follow-up, every plan ({fol['agencies']:,} agency workbooks, "
                f"{fol['files']:,} files in all, from scratch) | {fol['wall']:.1f} | "
                f"{gib(fol['peak'])} | – | ≤ 300 s {mark[ok['follow_up_s']]} |"
            ]
            if fol
            else []
        ),
        f"| workbook ingestion (report_tables step, full load) | {ingest_s:.1f} | – | "
        f"{rows / ingest_s:,.0f} | ratio to bare read {ratio:.2f} (target retired) |",
        "",
        "Steps, full load (s): "
        + ", ".join(f"{k} {v}" for k, v in sorted(full["steps"].items(), key=lambda kv: -kv[1])),
        "",
        "Steps, incremental load, the median run (s): "
        + ", ".join(f"{k} {v}" for k, v in sorted(inc["steps"].items(), key=lambda kv: -kv[1])),
        "",
        f"Documents: full load {_documents(full)}; incremental (median) {_documents(inc)}"
        + (f"; next day {_documents(nxt)}" if nxt else "")
        + ".",
        "",
    ]
    if nxt:
        steps = sorted(nxt["steps"].items(), key=lambda kv: -kv[1])
        lines += ["Steps, next-day load (s): " + ", ".join(f"{k} {v}" for k, v in steps), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/plan389-national"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--generate", action="store_true", help="(re)generate the data first")
    parser.add_argument("--label", default="national scale")
    parser.add_argument(
        "--incremental-runs", type=int, default=3, help="incremental loads; the median counts"
    )
    parser.add_argument("--as-of", default=AS_OF, help="as-of date of the loads (YYYY-MM-DD)")
    args = parser.parse_args()
    env = os.environ | {"PLAN389_WORKERS": str(args.workers), "PLAN389_AS_OF": args.as_of}
    next_as_of = (date.fromisoformat(args.as_of) + timedelta(days=1)).isoformat()
    data = args.data.resolve()
    pristine = data.with_name(data.name + "-pristine")
    if args.generate or not (data / "raw" / "reports").exists():
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(pristine, ignore_errors=True)  # a copy of the set generated before
        subprocess.run(
            [PYTHON, "-m", "pipelines.cli", "sample-data", "--scale", "national", "--out",
             str(data), "--workers", str(args.workers)],
            check=True, cwd=REPO, env=env,
        )  # fmt: skip
    if not pristine.exists():  # the incremental stage edits files: keep the generated set
        shutil.copytree(data / "raw", pristine / "raw")
    shutil.rmtree(data / "raw")
    shutil.copytree(pristine / "raw", data / "raw")
    reset(data)
    res: dict = {"machine": machine(), "workers": args.workers, "label": args.label}
    res["when"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print("bare read…", flush=True)
    res["bare"] = bare_read(data, args.workers, env)
    print(f"  {res['bare']['seconds']:.1f} s", flush=True)
    print("full load…", flush=True)
    res["full"] = load(data, env)
    print(f"  {res['full']['wall']:.1f} s, peak {gib(res['full']['peak'])} GiB", flush=True)
    res["counts"] = counts(data, env)
    print("follow-up, every plan…", flush=True)
    res["follow_up"] = follow_up(data, env)
    print(f"  {res['follow_up']['wall']:.1f} s", flush=True)
    # This VM's speed drifts (the same run has taken 40 s and 55 s an hour apart): the
    # incremental load runs several times, each from the state the full load left, each with
    # its own 1% of changes; the median is judged.
    after_full = data.with_name(data.name + "-after-full")
    shutil.rmtree(after_full, ignore_errors=True)
    shutil.copytree(data, after_full, symlinks=True)
    runs = []
    for i in range(args.incremental_runs):
        if i:
            shutil.rmtree(data)
            shutil.copytree(after_full, data, symlinks=True)
        changes = ", ".join(f"{v} {k}" for k, v in change_one_percent(data, seed=8 + i).items())
        print(f"incremental load {i + 1}/{args.incremental_runs} ({changes})…", flush=True)
        runs.append(load(data, env) | {"changes": changes})
        print(f"  {runs[-1]['wall']:.1f} s", flush=True)
    # The next night: one day later, 1% of the files changed (other files than above).
    shutil.rmtree(data)
    shutil.copytree(after_full, data, symlinks=True)
    changes = ", ".join(f"{v} {k}" for k, v in change_one_percent(data, seed=30).items())
    print(f"next-day load, as of {next_as_of} ({changes})…", flush=True)
    res["next_day"] = load(data, env | {"PLAN389_AS_OF": next_as_of}) | {"changes": changes}
    res["next_as_of"] = next_as_of
    print(f"  {res['next_day']['wall']:.1f} s", flush=True)
    shutil.rmtree(after_full, ignore_errors=True)
    res["incremental_runs"] = runs
    res["incremental"] = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    res["changes"] = res["incremental"]["changes"]
    text = report(res)
    print(text)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `python bench/national.py`.\n\n")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")


if __name__ == "__main__":
    main()
