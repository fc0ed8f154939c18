"""Reading a folder (or a list) of plan files into plan tables: the I/O edge of the parser."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from pipelines.gc_control import paused_gc
from pipelines.plans.documents import SUPPORTED_SUFFIXES, DocumentError, DocumentText, read_document
from pipelines.plans.parsing import ParseCache, TextCache, text_key
from pipelines.plans.review.layout import (
    PLAN_SHEET,
    REVIEW_SUFFIX,
    SPREADSHEET_SUFFIXES,
    is_review_name,
)
from pipelines.plans.review.model import ReviewError
from pipelines.plans.review.reading import has_plan_sheet, read_review
from pipelines.plans.tables import PlanTables, ReviewInput, build_plan_tables


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


def read_reviews(paths: list[Path], root: Path | None = None) -> ReviewInput:
    """Read each spreadsheet beside the plans as a plan review workbook. One without a KeHoach
    sheet and not named `*.review.xlsx` is refused as not a review (report workbooks go to
    raw/reports/); a review that cannot be used is refused with the reason."""
    found = ReviewInput()
    for path in paths:
        name = path.relative_to(root).as_posix() if root else path.name
        if not is_review_name(name) and not has_plan_sheet(path):
            found.refused.append(
                (
                    name,
                    f"{name}: a spreadsheet that is not a plan review workbook (no {PLAN_SHEET} "
                    "sheet); agencies' report workbooks go in raw/reports/, plan reviews are "
                    f"named *{REVIEW_SUFFIX} (write one with `plan389 review-plan`)",
                )
            )
            continue
        try:
            found.reviews.append(read_review(path, name))
            found.sizes[name] = path.stat().st_size
        except ReviewError as exc:
            found.refused.append((name, str(exc)))
    return found


def load_plan_folder(
    folder: Path,
    cache_dir: Path | None = None,
    workers: int | None = None,
    extra_review: Path | None = None,
) -> PlanTables:
    """Every plan under `folder`, with the review workbooks beside them applied; `cache_dir`
    keeps parses of unchanged files between runs. `extra_review` is applied as if it were
    saved in the folder (in place of a file of the same name): what `plan389 validate` shows."""
    files = plan_files(folder)
    if extra_review is not None:
        files = [p for p in files if p.name != extra_review.name]
    supported = [p for p in files if p.suffix.lower() in SUPPORTED_SUFFIXES]
    sheets = [p for p in files if p.suffix.lower() in SPREADSHEET_SUFFIXES]
    texts = TextCache(cache_dir / "texts") if cache_dir else None
    with paused_gc():  # tens of thousands of parsed objects, all kept: see gc_control
        docs, errors = read_documents(supported, folder, texts)
        errors += [
            (p.relative_to(folder).as_posix(), f"unsupported file type '{p.suffix or '(none)'}'")
            for p in files
            if p.suffix.lower() not in SUPPORTED_SUFFIXES | SPREADSHEET_SUFFIXES
        ]
        cache = ParseCache(cache_dir) if cache_dir else None
        reviews = read_reviews(sheets, folder)
        if extra_review is not None:
            extra = read_reviews([extra_review], extra_review.parent)
            reviews.reviews += extra.reviews
            reviews.refused += extra.refused
            reviews.sizes |= extra.sizes
        return build_plan_tables(docs, errors, cache, workers, reviews)
