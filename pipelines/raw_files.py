"""What changed under the raw folder since the last look (pure functions, no Dagster).

The state maps each file's path relative to the scanned folder ("plans/x.txt") to
`[size, mtime_ns, sha256]`. Content decides what counts as a change; size and mtime only decide
whether a file must be hashed again, so a sensor can rescan thousands of workbooks cheaply.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

State = dict[str, list]  # relative path -> [size, mtime_ns, sha256]; JSON-friendly for cursors
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self, limit: int = 10) -> str:
        """'2 added, 1 changed, 0 removed: plans/a.txt, …' with at most `limit` paths."""
        counts = (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"
        )
        paths = [*self.added, *self.changed, *self.removed]
        if not paths:
            return counts
        shown = ", ".join(paths[:limit])
        more = f" and {len(paths) - limit} more" if len(paths) > limit else ""
        return f"{counts}: {shown}{more}"


def visible_files(folder: Path) -> list[Path]:
    """Files below `folder`, sub-folders included; hidden ('.') and Office lock ('~$') skipped.

    Same rule as the plan and report loaders, so the sensor watches exactly what they read.
    """
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "~$")) for part in p.relative_to(folder).parts)
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(path: Path, previous: list | None) -> list | None:
    """`[size, mtime_ns, sha256]`, reusing the previous hash when size and mtime are unchanged."""
    try:
        stat = path.stat()
        if previous is not None and previous[:2] == [stat.st_size, stat.st_mtime_ns]:
            return [stat.st_size, stat.st_mtime_ns, previous[2]]
        return [stat.st_size, stat.st_mtime_ns, file_sha256(path)]
    except FileNotFoundError:  # deleted between listing and reading: treat as absent
        return None


def scan(folder: Path, previous: State | None) -> tuple[State, Changes]:
    """The folder's current state and how it differs, by content, from `previous`."""
    previous = previous or {}
    state: State = {}
    for path in visible_files(folder):
        rel = path.relative_to(folder).as_posix()
        entry = _entry(path, previous.get(rel))
        if entry is not None:
            state[rel] = entry
    changes = Changes(
        added=sorted(rel for rel in state if rel not in previous),
        changed=sorted(
            rel for rel in state if rel in previous and state[rel][2] != previous[rel][2]
        ),
        removed=sorted(rel for rel in previous if rel not in state),
    )
    return state, changes


def state_digest(state: State) -> str:
    """SHA-256 over the sorted (path, content hash) pairs: equal for equal content, mtimes aside."""
    digest = hashlib.sha256()
    for rel in sorted(state):
        digest.update(f"{rel}\0{state[rel][2]}\n".encode())
    return digest.hexdigest()
