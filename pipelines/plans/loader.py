"""Reading a folder (or a list) of plan files into plan tables: the I/O edge of the parser."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from pipelines.gc_control import paused_gc
from pipelines.plans.documents import SUPPORTED_SUFFIXES, DocumentError, DocumentText, read_document
from pipelines.plans.parsing import ParseCache, TextCache, text_key
from pipelines.plans.tables import PlanTables, build_plan_tables


def read_documents(
    paths: list[Path], root: Path | None = None, cache: TextCache | None = None
) -> tuple[list[DocumentText], list[tuple[str, str]]]:
    """Read each file; unreadable ones become (file name, reason) pairs instead of exceptions.

    `cache` keeps the text of files already read, by content: the cache is pruned to the files
    of this read."""
    docs: list[DocumentText] = []
    errors: list[tuple[str, str]] = []
    keys: list[str] = []
    for path in paths:
        name = path.relative_to(root).as_posix() if root else path.name
        try:
            data = path.read_bytes()
            key = text_key(hashlib.sha256(data).hexdigest(), path.suffix)
            cached = cache.get(key) if cache else None
            if cached is not None:
                docs.append(dataclasses.replace(cached, file_name=name))
            else:
                docs.append(read_document(path, name, data))
                if cache:
                    cache.put(key, dataclasses.replace(docs[-1], file_name=""))
            keys.append(key)
        except DocumentError as exc:
            errors.append((name, str(exc)))
        except OSError as exc:
            errors.append((name, f"{name}: cannot read the file ({exc.strerror})"))
    if cache:
        cache.prune(keys)
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
    texts = TextCache(cache_dir / "texts") if cache_dir else None
    with paused_gc():  # tens of thousands of parsed objects, all kept: see gc_control
        docs, errors = read_documents(supported, folder, texts)
        errors += [
            (p.relative_to(folder).as_posix(), f"unsupported file type '{p.suffix or '(none)'}'")
            for p in files
            if p.suffix.lower() not in SUPPORTED_SUFFIXES
        ]
        cache = ParseCache(cache_dir) if cache_dir else None
        return build_plan_tables(docs, errors, cache, workers)
