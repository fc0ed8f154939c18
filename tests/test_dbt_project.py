"""The dbt project's owner: `prepare_manifest` parses only when the project changed; the dbt
resource skips start-up work the assets do not use."""

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import pipelines.defs.warehouse.project as project


def test_fingerprint_follows_project_files_not_dbt_output(tmp_path: Path) -> None:
    root = tmp_path / "dbt_project"
    shutil.copytree(project.dbt_project.project_dir, root, ignore=shutil.ignore_patterns("target"))
    before = project.project_fingerprint(root)
    (root / "target").mkdir()
    (root / "target" / "manifest.json").write_text("{}")
    (root / "logs").mkdir(exist_ok=True)
    (root / "logs" / "dbt.log").write_text("a log line")
    assert project.project_fingerprint(root) == before
    model = next((root / "models" / "marts").glob("*.sql"))
    model.write_text(model.read_text() + "\n-- edited\n")
    assert project.project_fingerprint(root) != before


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def cli(self, args: list[str], **_: object) -> "_Recorder":
        self.calls.append(args)
        return self

    def wait(self) -> None:
        pass


def test_prepare_manifest_parses_only_when_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    project.prepare_manifest()  # a real parse when this checkout has none yet
    manifest = Path(project.dbt_project.manifest_path)
    key_file = manifest.with_name(project.MANIFEST_KEY)
    assert manifest.exists() and key_file.read_text() == project.project_fingerprint()

    recorder = _Recorder()
    monkeypatch.setattr(project, "dbt_resource", lambda: recorder)
    project.prepare_manifest()
    assert recorder.calls == []  # unchanged project: no dbt start-up

    key_file.write_text("a project edited since")
    project.prepare_manifest()
    assert recorder.calls == [["--quiet", "parse"]]
    assert key_file.read_text() == project.project_fingerprint()


def test_prune_run_targets_keeps_the_newest(tmp_path: Path) -> None:
    for i in range(8):
        run = tmp_path / f"warehouse_models-{i:02d}"
        run.mkdir()
        (run / "run_results.json").write_text("{}")
        os.utime(run, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "manifest.json").write_text("{}")
    (tmp_path / "other-00").mkdir()
    removed = project.prune_run_targets(tmp_path, "warehouse_models", keep=3)
    assert sorted(p.name for p in removed) == [f"warehouse_models-{i:02d}" for i in range(5)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.json",
        "other-00",
        "warehouse_models-05",
        "warehouse_models-06",
        "warehouse_models-07",
    ]


def test_dbt_version_read_from_the_installed_package_not_a_dbt_start_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from dagster_dbt.core import resource as dagster_dbt_resource

    beside = project.dbt_resource()
    reported = subprocess.check_output([beside.dbt_executable, "--version"], text=True)
    runs: list[list[str]] = []

    def check_output(args: list[str], **_: object) -> bytes:
        runs.append(args)
        return b"Core:\n  - installed: 1.10.4\n"

    monkeypatch.setattr(dagster_dbt_resource, "check_output", check_output)
    assert f"installed: {beside._cli_version}" in reported
    assert runs == []  # the dbt beside this Python: its version without starting it

    other = tmp_path / "bin" / "dbt"
    other.parent.mkdir()
    other.write_text("#!/bin/sh\n")
    other.chmod(0o755)
    elsewhere = project.Plan389DbtCliResource(
        project_dir=project.dbt_project, dbt_executable=str(other)
    )
    assert str(elsewhere._cli_version) == "1.10.4"  # any other dbt is asked, as dagster-dbt does
    assert runs == [[str(other), "--version"]]
    assert elsewhere._initialize_dbt_core_adapter(["build"]) is None


def test_venv_dbt_wins_over_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A systemd unit or cron line has no venv on PATH; another dbt on PATH must not win."""
    other = tmp_path / "dbt"
    other.write_text("#!/bin/sh\n")
    other.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    beside = Path(sys.executable).with_name("dbt")
    assert project.dbt_executable() == str(beside)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert project.dbt_resource().dbt_executable == str(beside)


def test_dagster_dbt_prepares_through_prepare_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    """`dagster dev` (prepare_if_dev), `dagster definitions validate` and `dagster-dbt project
    prepare-and-package` (preparer.prepare) all parse the way `plan389 run` does."""
    calls: list[str] = []
    monkeypatch.setattr(project, "prepare_manifest", lambda: calls.append("parse"))
    for name in ("DAGSTER_IS_DEV_CLI", "DAGSTER_IS_DEFS_VALIDATION_CLI"):
        monkeypatch.delenv(name, raising=False)
    project.dbt_project.prepare_if_dev()
    assert calls == []  # outside dagster dev and validate, nothing runs dbt
    monkeypatch.setenv("DAGSTER_IS_DEV_CLI", "1")
    project.dbt_project.prepare_if_dev()
    monkeypatch.delenv("DAGSTER_IS_DEV_CLI")
    monkeypatch.setenv("DAGSTER_IS_DEFS_VALIDATION_CLI", "1")
    project.dbt_project.prepare_if_dev()
    project.dbt_project.preparer.prepare(project.dbt_project)
    assert calls == ["parse"] * 3


def test_prepare_manifest_parses_once_when_started_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project.prepare_manifest()
    key_file = Path(project.dbt_project.manifest_path).with_name(project.MANIFEST_KEY)
    key_file.unlink()

    class SlowRecorder(_Recorder):
        def wait(self) -> None:
            time.sleep(0.5)  # a parse takes a while: the other caller arrives meanwhile

    recorder = SlowRecorder()
    monkeypatch.setattr(project, "dbt_resource", lambda: recorder)
    callers = [threading.Thread(target=project.prepare_manifest) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert recorder.calls == [["--quiet", "parse"]]
    assert key_file.read_text() == project.project_fingerprint()
