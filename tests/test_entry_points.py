"""Every entry point finds the venv's own dbt with nothing on PATH, as a systemd unit or a cron
line starts it: `dagster definitions validate`, `dagster dev`, `dagster-daemon run`, and the
preparation step of the units in deploy/. (`plan389 run` is in tests/test_pipeline_e2e.py.)

Each removes the manifest's key first, so the entry point must run `dbt parse` itself.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import dagster as dg
import pytest
from dagster._core.definitions.run_request import InstigatorType

from pipelines.defs.warehouse.project import MANIFEST_KEY, dbt_project, project_fingerprint

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the venv's bin/, never put on PATH here
BARE_PATH = "/usr/bin:/bin"
KEY_FILE = Path(dbt_project.manifest_path).with_name(MANIFEST_KEY)

T = TypeVar("T")

pytestmark = pytest.mark.e2e


@pytest.fixture
def bare_env(tmp_path: Path) -> dict[str, str]:
    """What a systemd unit gives: a short PATH without the venv, a DAGSTER_HOME with the repo's
    dagster.yaml, a data directory of its own. The manifest is made stale."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home)
    shutil.copytree(REPO_ROOT / "data" / "raw", tmp_path / "data" / "raw")
    KEY_FILE.unlink(missing_ok=True)
    return {
        "PATH": BARE_PATH,
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DAGSTER_HOME": str(home),
        "PLAN389_DATA_DIR": str(tmp_path / "data"),
        "PLAN389_PII_KEY": "entry-points-test",
    }


def assert_parsed() -> None:
    """The entry point ran dbt parse (with the venv's dbt: PATH has none) and keyed it."""
    assert KEY_FILE.read_text() == project_fingerprint()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start a long-running command in its own process group, output to a file; stop the whole
    group at the end (SIGTERM, as systemd does; then SIGKILL to whatever is left)."""
    started: list[subprocess.Popen[bytes]] = []

    def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log_path = tmp_path / f"{Path(args[0]).name}.log"
        with log_path.open("wb") as log:  # the child keeps its own copy open
            proc = subprocess.Popen(
                args, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        proc.log_path = log_path  # type: ignore[attr-defined]
        started.append(proc)
        return proc

    yield _start
    for proc in started:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
        _exited(proc, seconds=60)
        os.killpg(proc.pid, signal.SIGKILL)  # code servers, run workers left behind
    proc.wait()


def _exited(proc: subprocess.Popen[bytes], seconds: int) -> bool:
    """Counted in sleeps, not clock readings: under faketime the clock may stand still."""
    for _ in range(seconds * 10):
        if proc.poll() is not None:
            return True
        time.sleep(0.1)
    return False


def poll(proc: subprocess.Popen[bytes], probe: Callable[[], T | None], timeout: int) -> T:
    """Call `probe` about once a second until it returns a value; fail with the process's log
    if the process exits or `timeout` tries pass."""
    for _ in range(timeout):
        if proc.poll() is not None:
            break
        if (value := probe()) is not None:
            return value
        time.sleep(1)
    log = proc.log_path.read_text(errors="replace")[-4000:]  # type: ignore[attr-defined]
    pytest.fail(f"{proc.args[0]} (exit {proc.poll()}): nothing after {timeout} tries\n{log}")


def test_definitions_validate_without_venv_on_path(bare_env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(BIN / "dagster"), "definitions", "validate"],
        cwd=REPO_ROOT,
        env=bare_env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "All code locations passed validation" in done.stdout + done.stderr
    assert_parsed()


def test_daemon_loads_the_code_location_without_venv_on_path(
    bare_env: dict[str, str], start: Callable[..., subprocess.Popen[bytes]]
) -> None:
    # The units' preparation step (deploy/): the daemon itself, outside `dagster dev`, expects a
    # manifest and runs no dbt.
    prepared = subprocess.run(
        [str(BIN / "dagster-dbt"), "project", "prepare-and-package", "--file",
         str(REPO_ROOT / "pipelines" / "defs" / "warehouse" / "project.py")],
        cwd=REPO_ROOT, env=bare_env, capture_output=True, text=True,
    )  # fmt: skip
    assert prepared.returncode == 0, prepared.stdout[-3000:] + prepared.stderr[-3000:]
    assert_parsed()

    # The instance's storage is made before the daemon starts: two processes creating a new
    # SQLite storage at once can both stamp its schema ("more than one head present").
    with dg.DagsterInstance.from_config(bare_env["DAGSTER_HOME"]) as instance:
        daemon = start([str(BIN / "dagster-daemon"), "run"], bare_env)

        # The scheduler records a schedule that is on by default (nightly_purge) the first time
        # it sees it: only a daemon that loaded the code location knows it exists.

        def purge_schedule_seen() -> str | None:
            states = instance.all_instigator_state(instigator_type=InstigatorType.SCHEDULE)
            for state in states:
                if state.instigator_name == "nightly_purge":
                    return state.origin.repository_origin.code_location_origin.location_name
            return None

        assert poll(daemon, purge_schedule_seen, timeout=120) == "plan389"

        def beating() -> bool | None:  # each daemon sends its first heartbeat on its own
            return {"SCHEDULER", "SENSOR"} <= set(instance.get_daemon_heartbeats()) or None

        assert poll(daemon, beating, timeout=60)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _asset_keys(port: int) -> set[str] | None:
    query = json.dumps({"query": "{ assetNodes { assetKey { path } } }"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=query,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            nodes = json.load(response).get("data", {}).get("assetNodes") or []
    except (OSError, ValueError):  # not listening yet, or not answering yet
        return None
    return {"/".join(node["assetKey"]["path"]) for node in nodes} or None


def test_dagster_dev_serves_the_asset_graph_without_venv_on_path(
    bare_env: dict[str, str], start: Callable[..., subprocess.Popen[bytes]]
) -> None:
    port = _free_port()
    dev = start([str(BIN / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)], bare_env)
    keys = poll(dev, lambda: _asset_keys(port), timeout=240)
    assert {"raw/plans", "raw/tips", "mart_kpi_targets", "published_marts"} <= keys
    assert_parsed()  # prepare_if_dev ran dbt parse with the venv's dbt
