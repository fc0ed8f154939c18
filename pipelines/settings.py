"""Where plan389 reads and writes: one setting, `PLAN389_DATA_DIR`.

The dbt profile (`dbt_project/profiles.yml`) resolves the same variable the same way, so the
Dagster assets and dbt always open the same `warehouse.duckdb`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DATA_DIR_ENV = "PLAN389_DATA_DIR"


def data_dir() -> Path:
    """The data directory; a relative value is taken from the repository root (as dbt does)."""
    value = Path(os.environ.get(DATA_DIR_ENV) or "data").expanduser()
    return value if value.is_absolute() else REPO_ROOT / value


CONTACTS_FILE = "agencies.xlsx"  # under raw/: the follow-up mail's addresses


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def raw_plans(self) -> Path:
        return self.root / "raw" / "plans"

    @property
    def raw_reports(self) -> Path:
        return self.root / "raw" / "reports"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def cache(self) -> Path:
        """Derived data kept between runs to skip unchanged inputs (safe to delete)."""
        return self.root / "cache"

    @property
    def marts(self) -> Path:
        return self.root / "marts"

    @property
    def contacts(self) -> Path:
        """The agencies' e-mail addresses for the follow-up mail (optional)."""
        return self.root / "raw" / CONTACTS_FILE

    @property
    def state(self) -> Path:
        """What must outlive a warehouse rebuild: the follow-up sent log."""
        return self.root / "state"

    @classmethod
    def from_env(cls) -> DataPaths:
        return cls(data_dir())
