from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.none() | st.text(max_size=14) | st.from_regex(r"\A(\+?84|0)[ .\-]?\d{2,10}\Z"),
        max_size=30,
    )
)
def test_column_wise_hashes_equal_one_by_one(values: list[str | None]) -> None:
    hasher = Pseudonymizer(b"k")
    series = pl.Series(values, dtype=pl.String)
    assert hasher.phones(series).to_list() == [hasher.phone(v) for v in values]
    assert hasher.names(series).to_list() == [hasher.name(v) for v in values]
