"""Informants' names and phone numbers never go past ingestion in clear.

They are replaced by HMAC-SHA256 under a secret key, so the warehouse can still count repeat
informants without holding who they are. The key comes from `PLAN389_PII_KEY`; when unset, one
is generated once and kept in the user's config directory (`$XDG_CONFIG_HOME/plan389/pii.key`,
mode 600), outside the repository and outside the published marts. Losing the key only means
new hashes will not match old ones; it never exposes anyone.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

import polars as pl

KEY_ENV = "PLAN389_PII_KEY"


def key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "plan389" / "pii.key"


def load_key() -> bytes:
    """The HMAC key: PLAN389_PII_KEY, else the key file (created on first use)."""
    if value := os.environ.get(KEY_ENV):
        return value.encode()
    path = key_path()
    # An empty file can only be left by a kill mid-write (before the atomic link below existed);
    # nothing was ever hashed with it, so it is replaced.
    if not path.exists() or not path.read_text().strip():
        _create_key_file(path)
    return path.read_text().strip().encode()


def _create_key_file(path: Path) -> None:
    """Write a new key whole or not at all; if two runs race, the first link wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        if path.exists() and not path.read_text().strip():
            path.unlink()
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)
    finally:
        os.unlink(temp)


def normalize_name(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def normalize_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "0" + digits[2:] if digits.startswith("84") and len(digits) == 11 else digits


class Pseudonymizer:
    """Keyed hashes of informant identifiers (name and phone are hashed separately)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else load_key()

    def _hash(self, kind: str, value: str) -> str:
        return hmac.digest(self._key, f"{kind}:{value}".encode(), "sha256").hex()

    def name(self, value: str | None) -> str | None:
        return self._hash("name", normalize_name(value)) if value and value.strip() else None

    def phone(self, value: str | None) -> str | None:
        digits = normalize_phone(value) if value else ""
        return self._hash("phone", digits) if digits else None

    def names(self, values: pl.Series) -> pl.Series:
        """`name` of each value; each distinct text hashed once."""
        return _each_distinct(values, self.name)

    def phones(self, values: pl.Series) -> pl.Series:
        """`phone` of each value; each distinct text hashed once."""
        return _each_distinct(values.cast(pl.String), self.phone)


def _each_distinct(values: pl.Series, hash_text: Callable[[str], str | None]) -> pl.Series:
    distinct = values.drop_nulls().unique(maintain_order=True)
    hashed = pl.Series([hash_text(v) for v in distinct.to_list()], dtype=pl.String)
    return values.replace_strict(distinct, hashed, default=None, return_dtype=pl.String)
