from pathlib import Path

import pytest

from pipelines.reports.privacy import Pseudonymizer, key_path, load_key


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("PLAN389_PII_KEY", raising=False)
    return tmp_path


def test_the_key_is_created_once_private_and_reused(config_home: Path) -> None:
    first = load_key()
    assert len(first) == 64
    assert key_path().stat().st_mode & 0o777 == 0o600
    assert load_key() == first
    assert [p.name for p in key_path().parent.iterdir()] == ["pii.key"]  # no temp file left


def test_an_empty_key_left_by_a_killed_run_is_replaced(config_home: Path) -> None:
    key_path().parent.mkdir(parents=True)
    key_path().write_text("")
    key = load_key()
    assert len(key) == 64
    assert Pseudonymizer(key)._hash("phone", "0912") != Pseudonymizer(b"")._hash("phone", "0912")
