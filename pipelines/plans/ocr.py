"""OCR of a scanned PDF (no text layer) with Tesseract: the subprocess edge.

Each page is rasterised by `pdftoppm` (poppler-utils) to a greyscale image at `DPI`; its ruled
tables are found and their cells stacked under the page (`ruling.py`); `tesseract -l vie`
reads that into word boxes (TSV), which `ocr_layout.py` puts back in place and turns into
lines and tab-separated table rows, the text `office.py` writes for a text PDF. Pages are
read `worker_count()` at a time, each Tesseract on one thread (its own threads made it slower:
see bench/ocr.py and README, *Plan documents → data*).

Without Tesseract, its Vietnamese data or pdftoppm, a scanned PDF is refused with a message
naming the Debian packages to install.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipelines.parallel import worker_count
from pipelines.plans.ocr_layout import Table, page_content, parse_tsv, unstack
from pipelines.plans.ruling import find_grids, find_rules, stack_cells

DPI = 300
PSM = 6  # one block of text: 3 (automatic) and 4 (one column) drop a table's lone digits
LANGUAGE = "vie"
THREADS = 1  # Tesseract's own threads, per page: two made a page slower on two cores
PAGE_TIMEOUT_SECONDS = 300
PACKAGES = "tesseract-ocr tesseract-ocr-vie poppler-utils"


def missing_packages() -> list[str]:
    """Debian packages OCR needs that are not installed (by the programs on PATH)."""
    missing = []
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        missing += ["tesseract-ocr", "tesseract-ocr-vie"]
    elif LANGUAGE not in _languages(tesseract):
        missing.append("tesseract-ocr-vie")
    if shutil.which("pdftoppm") is None:
        missing.append("poppler-utils")
    return missing


@functools.cache
def _languages(tesseract: str) -> frozenset[str]:
    done = subprocess.run(
        [tesseract, "--list-langs"], capture_output=True, text=True, check=False, timeout=60
    )
    return frozenset(line.strip() for line in done.stdout.splitlines()[1:])


def ocr_pdf(path: Path, label: str, pages: int) -> tuple[str, list[Table]]:
    """Text (tables as tab-separated lines) and tables of a scanned PDF of `pages` pages."""
    from pipelines.plans.documents import DocumentError

    if missing := missing_packages():
        raise DocumentError(
            f"{label}: a scanned PDF (no text layer); OCR needs the Debian packages "
            f"tesseract-ocr and tesseract-ocr-vie (and poppler-utils), missing here: "
            f"{', '.join(missing)}; install them: apt-get install {PACKAGES}"
        )
    workers = max(1, min(worker_count(), pages))
    with (
        tempfile.TemporaryDirectory(prefix="plan389-ocr-") as tmp,
        ThreadPoolExecutor(workers) as pool,
    ):
        jobs = [pool.submit(ocr_page, path, n, Path(tmp), label) for n in range(1, pages + 1)]
        results = [job.result() for job in jobs]
    lines = [line for page_lines, _ in results for line in page_lines]
    tables = [table for _, page_tables in results for table in page_tables]
    return "\n".join(lines), tables


def ocr_page(pdf: Path, number: int, tmp: Path, label: str) -> tuple[list[str], list[Table]]:
    """Lines and tables of page `number` (1-based)."""
    from PIL import Image

    stem, page = tmp / f"page-{number}", str(number)
    raster = ["pdftoppm", "-gray", "-singlefile", "-r", str(DPI), "-f", page, "-l", page]
    _run([*raster, str(pdf), str(stem)], f"{label}: page {number} could not be rasterised")
    image_path = stem.with_suffix(".pgm")
    slots = []
    with Image.open(image_path) as image:
        grids = find_grids(*find_rules(image, DPI), DPI)
        if grids:
            stacked, slots = stack_cells(image, grids, DPI)
            image_path = stem.with_name(f"{stem.name}-cells.pgm")
            stacked.save(image_path)
    read = ["tesseract", str(image_path), "stdout", "-l", LANGUAGE, "--psm", str(PSM)]
    tsv = _run(
        [*read, "--dpi", str(DPI), "tsv"],
        f"{label}: OCR failed on page {number}",
        env={**os.environ, "OMP_THREAD_LIMIT": str(THREADS)},
    )
    words = parse_tsv(tsv)
    return page_content(unstack(words, slots) if slots else words, grids)


def _run(command: list[str], failure: str, env: dict[str, str] | None = None) -> str:
    from pipelines.plans.documents import DocumentError

    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=True,
            timeout=PAGE_TIMEOUT_SECONDS,
            env=env,
        )
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "").strip().splitlines()[-1:] or [f"exit {exc.returncode}"]
        raise DocumentError(f"{failure} ({detail[0]})") from exc
    except subprocess.TimeoutExpired as exc:
        raise DocumentError(f"{failure} (over {PAGE_TIMEOUT_SECONDS} s)") from exc
    return done.stdout
