"""The systemd units in deploy/, installed as deploy/README.md says: what they start, where, and
that systemd accepts them."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.defs.automation.housekeeping import RETENTION_ENV

REPO_ROOT = Path(__file__).resolve().parents[1]
DEPLOY = REPO_ROOT / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def render(unit: Path, system_wide: bool = False) -> str:
    """What the README's install loop writes: `sed "s|@REPO@|$PWD|g"` (and `User=` system-wide)."""
    text = unit.read_text().replace("@REPO@", str(REPO_ROOT))
    return re.sub(r"(?m)^#User=.*$", "User=plan389", text) if system_wide else text


def directives(text: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(f"{key}=")]


def test_units_start_the_venvs_programs_by_absolute_path() -> None:
    assert [u.name for u in UNITS] == [
        "plan389-dagster-daemon.service",
        "plan389-dagster-webserver.service",
    ]
    venv_bin = Path(sys.executable).parent
    for unit in UNITS:
        text = render(unit)
        assert re.search(r"@\w+@", text) is None  # every placeholder filled
        assert directives(text, "WorkingDirectory") == [str(REPO_ROOT)]  # pyproject names defs
        commands = directives(text, "ExecStartPre") + directives(text, "ExecStart")
        programs = [c.split()[0] for c in commands]
        assert programs[0] == "/bin/sh"  # dagster.yaml copied into DAGSTER_HOME
        for program in programs[1:]:
            assert Path(program).parent == venv_bin and Path(program).is_file(), program
        assert "dagster-dbt project prepare-and-package" in commands[1]
        assert "PATH" not in text  # nothing relies on it
        assert directives(text, "EnvironmentFile") == ["-%E/plan389/plan389.env"]
        assert "DAGSTER_HOME=%S/plan389/dagster_home" in directives(text, "Environment")


def test_webserver_listens_on_loopback_by_default() -> None:
    text = render(DEPLOY / "plan389-dagster-webserver.service")
    assert "PLAN389_WEB_HOST=127.0.0.1" in directives(text, "Environment")
    assert directives(text, "ExecStart")[0].endswith(
        "dagster-webserver -h ${PLAN389_WEB_HOST} -p ${PLAN389_WEB_PORT}"
    )


def test_env_example_names_every_setting_the_units_and_code_read() -> None:
    example = (DEPLOY / "plan389.env.example").read_text()
    for name in (
        "PLAN389_DATA_DIR",
        "DAGSTER_HOME",
        "PLAN389_PII_KEY",
        RETENTION_ENV,
        "PLAN389_WEB_HOST",
        "PLAN389_WEB_PORT",
    ):
        assert re.search(rf"(?m)^#?{name}=", example), name


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("system_wide", [False, True], ids=["user", "system"])
def test_systemd_accepts_the_installed_units(tmp_path: Path, system_wide: bool) -> None:
    for unit in UNITS:
        (tmp_path / unit.name).write_text(render(unit, system_wide))
    done = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
    )
    # It checks syntax, specifiers and that every program exists (some problems only warn).
    said = [line for line in (done.stdout + done.stderr).splitlines() if "plan389" in line]
    assert done.returncode == 0 and said == [], done.stdout + done.stderr
