"""Reading a folder (or a list) of plan files into plan tables: the I/O edge of the parser."""

from __future__ import annotations

from pathlib import Path

from pipelines.plans.documents import SUPPORTED_SUFFIXES, DocumentError, DocumentText, read_document
from pipelines.plans.parsing import ParseCache
from pipelines.plans.tables import PlanTables, build_plan_tables


def read_documents(
    paths: list[Path], root: Path | None = None
) -> tuple[list[DocumentText], list[tuple[str, str]]]:
    """Read each file; unreadable ones become (file name, reason) pairs instead of exceptions."""
    docs: list[DocumentText] = []
    errors: list[tuple[str, str]] = []
    for path in paths:
        name = path.relative_to(root).as_posix() if root else path.name
        try:
            docs.append(read_document(path, name))
        except DocumentError as exc:
            errors.append((name, str(exc)))
        except OSError as exc:
            errors.append((name, f"{name}: cannot read the file ({exc.strerror})"))
    return docs, errors


def plan_files(folder: Path) -> list[Path]:
    """Plan files under a folder, in a stable order; hidden and temporary files are skipped."""
    if not folder.exists():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "~$")) for part in p.relative_to(folder).parts)
    )


def load_plan_folder(
    folder: Path, cache_dir: Path | None = None, workers: int | None = None
) -> PlanTables:
    """Every plan under `folder`; `cache_dir` keeps parses of unchanged files between runs."""
    files = plan_files(folder)
    supported = [p for p in files if p.suffix.lower() in SUPPORTED_SUFFIXES]
    docs, errors = read_documents(supported, folder)
    errors += [
        (p.relative_to(folder).as_posix(), f"unsupported file type '{p.suffix or '(none)'}'")
        for p in files
        if p.suffix.lower() not in SUPPORTED_SUFFIXES
    ]
    cache = ParseCache(cache_dir) if cache_dir else None
    return build_plan_tables(docs, errors, cache, workers)
