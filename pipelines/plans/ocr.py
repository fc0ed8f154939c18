"""OCR of a scanned PDF (no text layer) with Tesseract: the subprocess edge.

Each page is rasterised by `pdftoppm` (poppler-utils) to a greyscale image at `DPI`; its ruled
tables are found and their rules painted out (`ruling.py`); `tesseract -l vie` reads it into
word boxes (TSV), which `ocr_layout.py` turns back into lines and tab-separated table rows, the
text `office.py` writes for a text PDF. Pages are read `worker_count()` at a time, each
Tesseract on one thread (faster on two cores than one page at a time on two threads: see
README, *Plan documents → data*).

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
from pipelines.plans.ocr_layout import Table, page_content, parse_tsv
from pipelines.plans.ruling import erase_rules, find_grids, find_rules

DPI = 300
PSM = 4  # one column of text of varying sizes: 3 (automatic) drops a table's lone digits
LANGUAGE = "vie"
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
    with Image.open(image_path) as image:
        grids = find_grids(*find_rules(image, DPI), DPI)
        if grids:
            image_path = stem.with_name(f"{stem.name}-clean.pgm")
            erase_rules(image, grids).save(image_path)
    read = ["tesseract", str(image_path), "stdout", "-l", LANGUAGE, "--psm", str(PSM)]
    tsv = _run(
        [*read, "--dpi", str(DPI), "tsv"],
        f"{label}: OCR failed on page {number}",
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # its threads only slow it down
    )
    return page_content(parse_tsv(tsv), grids)


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
