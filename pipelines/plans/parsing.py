"""Parsing many plans: a content-hash cache and a process pool.

At national scale (~3,400 plans, 0.05–0.2 s each) parsing dominates a nightly run that changes
a handful of files. A plan's parse depends only on its files' names and bytes and on the parser
code, so results are cached under a key made of those: `pipelines.fingerprint` of this module (every
module it imports, their data files and package versions: no version number to forget to bump)
and each file's name and SHA-256.
Uncached plans are parsed in worker processes when there are enough of them to pay for the
workers' start-up.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipelines.fingerprint import inputs_fingerprint
from pipelines.parallel import map_in_processes, worker_count
from pipelines.plans.assemble import ParsedPlan, PlanError, parse_plan
from pipelines.plans.documents import DocumentText

MIN_PLANS_FOR_WORKERS = 80

Group = list[DocumentText]
Outcome = ParsedPlan | PlanError


@functools.cache
def parser_fingerprint() -> str:
    """Digest of every module, data file and package version that shapes a parse."""
    return inputs_fingerprint([__name__])


def group_key(group: Group) -> str:
    digest = hashlib.sha256(parser_fingerprint().encode())
    for doc in group:
        digest.update(f"\0{doc.file_name}\0{doc.sha256}".encode())
    return digest.hexdigest()


def _without_text(outcome: Outcome) -> Outcome:
    """The cached copy leaves out the documents' text: the run has it, and it is most of
    the bytes."""
    if isinstance(outcome, PlanError):
        return outcome
    docs = [(dataclasses.replace(d, text="", tables=[]), role) for d, role in outcome.documents]
    return dataclasses.replace(outcome, documents=docs)


def _with_documents(outcome: Outcome, group: Group) -> Outcome:
    if isinstance(outcome, PlanError):
        return outcome
    by_name = {d.file_name: d for d in group}
    docs = [(by_name[d.file_name], role) for d, role in outcome.documents]
    return dataclasses.replace(outcome, documents=docs, parent_plan_id=None)


def _parse_stripped(group: Group) -> Outcome:
    """Parse in a worker; the text goes back without the documents (the caller has them)."""
    try:
        return _without_text(parse_plan(group))
    except PlanError as exc:
        return exc


class PickleCache:
    """One pickle per entry under `folder`, written atomically (a killed run leaves at worst a
    stray temp file, never a torn entry). Entries not used by a load are pruned after it."""

    kinds: tuple[type, ...] = (object,)  # what an entry may hold; anything else is a miss

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def get(self, key: str):
        try:
            with self._path(key).open("rb") as handle:
                value = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None  # missing, or unreadable (an older layout): compute again
        return value if isinstance(value, self.kinds) else None

    def put(self, key: str, value: object) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self, keep: Iterable[str]) -> int:
        """Delete entries (and temp files) not in `keep`; returns how many went. Folders
        inside (another cache's) are left alone."""
        if not self.folder.exists():
            return 0
        wanted = {f"{k}.pickle" for k in keep}
        stale = [p for p in self.folder.iterdir() if p.name not in wanted and not p.is_dir()]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)


class ParseCache(PickleCache):
    """Parsed plans (or their errors) by `group_key`, without the documents' text."""

    kinds = (ParsedPlan, PlanError)

    def put(self, key: str, value: object) -> None:
        super().put(key, _without_text(value))  # type: ignore[arg-type]


class TextCache(PickleCache):
    """Documents' normalised text (and tables) by `text_key`: an unchanged file is neither
    extracted (.docx, .pdf), OCR'd (a scan) nor normalised again."""

    kinds = (DocumentText,)


@functools.cache
def reader_fingerprint() -> str:
    """Digest of the code that turns a file into its text (`documents` and the readers it
    calls, OCR included): a change elsewhere in the parser keeps the texts, so scans are not
    OCR'd again (seconds a page) after every parser change."""
    return inputs_fingerprint(["pipelines.plans.documents"])


def text_key(sha256: str, suffix: str) -> str:
    return hashlib.sha256(
        f"{reader_fingerprint()}\0{suffix.lower()}\0{sha256}".encode()
    ).hexdigest()


@dataclasses.dataclass
class ParseStats:
    parsed: int = 0
    cached: int = 0


def parse_groups(
    groups: list[Group], cache: ParseCache | None = None, workers: int | None = None
) -> tuple[list[Outcome], ParseStats]:
    """Parse each group (a plan's files), in order; cached results are reused."""
    keys = [group_key(g) for g in groups] if cache else []
    outcomes: list[Outcome | None] = [None] * len(groups)
    stats = ParseStats()
    if cache:
        for i, key in enumerate(keys):
            hit = cache.get(key)
            if hit is not None:
                outcomes[i] = _with_documents(hit, groups[i])
                stats.cached += 1
    todo = [i for i, o in enumerate(outcomes) if o is None]
    workers = workers or worker_count()
    chunk = max(1, len(todo) // (workers * 8))
    fresh = map_in_processes(
        _parse_stripped, [groups[i] for i in todo], workers, MIN_PLANS_FOR_WORKERS, chunk
    )
    for i, outcome in zip(todo, fresh, strict=True):
        outcomes[i] = _with_documents(outcome, groups[i])
    stats.parsed = len(todo)
    if cache:
        for i in todo:
            cache.put(keys[i], outcomes[i])  # type: ignore[arg-type]
        cache.prune(keys)
    return [o for o in outcomes if o is not None], stats
