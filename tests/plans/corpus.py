"""The extraction corpus: plans written for other provinces and communes, in every layout family
and input format, each with an answer key (`tests/plans/corpus/<doc>/expected.json`).

Text formats (.txt, .md, .html) are committed as they are. Binaries are not: a .docx, a text
.pdf or a scan is built at test time from `document.src.md`, the document's lines with tables
written as `| a | b |` rows (`^^`: merged with the cell above, `<<`: merged with the cell to the
left, `**x**`: bold, ` \\n `: a new paragraph in the cell, `---page---`: a page break).

`score` compares a parse with the key: tasks found, leads, due dates, targets and reporting
duties. `bench/extraction.py` prints the table; `test_corpus.py` holds the targets.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.plans.assemble import ParsedPlan
from pipelines.plans.text import fold

CORPUS = Path(__file__).resolve().parent / "corpus"
SOURCE = "document.src.md"


@dataclass(frozen=True)
class CorpusDoc:
    name: str
    folder: Path
    expected: dict

    @property
    def family(self) -> str:
        return self.expected["family"]

    @property
    def format(self) -> str:
        return self.expected["format"]


def corpus_docs() -> list[CorpusDoc]:
    return [
        CorpusDoc(p.name, p, json.loads((p / "expected.json").read_text(encoding="utf-8")))
        for p in sorted(CORPUS.iterdir())
        if (p / "expected.json").is_file()
    ]


# ------------------------------------------------------------------------- building files


@dataclass
class Block:
    lines: list[str] = field(default_factory=list)  # paragraphs
    rows: list[list[str]] = field(default_factory=list)  # a table
    page_break: bool = False


def source_blocks(text: str) -> list[Block]:
    """`document.src.md` as paragraphs, tables and page breaks, in order."""
    blocks: list[Block] = []
    for line in text.split("\n"):
        if line.strip() == "---page---":
            blocks.append(Block(page_break=True))
        elif re.match(r"^\s*\|.*\|\s*$", line):
            if not blocks or not blocks[-1].rows:
                blocks.append(Block())
            blocks[-1].rows.append([c.strip() for c in line.strip()[1:-1].split("|")])
        else:
            if not blocks or blocks[-1].rows or blocks[-1].page_break:
                blocks.append(Block())
            blocks[-1].lines.append(line)
    return blocks


def _cell(value: str) -> tuple[list[str], bool]:
    """(paragraphs, bold) of a source cell or line; `**` marks are not printed."""
    bold = bool(re.fullmatch(r"\*\*.*\*\*", value.strip()))
    text = value.replace("**", "")
    return [p.strip() for p in text.split("\\n")], bold


def _spans(rows: list[list[str]]) -> list[list[tuple[int, int] | None]]:
    """(rowspan, colspan) of each cell that starts a span; None for a covered cell."""
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in rows]
    out: list[list[tuple[int, int] | None]] = []
    for r, row in enumerate(grid):
        out.append([])
        for c, value in enumerate(row):
            if value in ("^^", "<<"):
                out[-1].append(None)
                continue
            colspan = 1
            while c + colspan < width and grid[r][c + colspan] == "<<":
                colspan += 1
            rowspan = 1
            while r + rowspan < len(grid) and grid[r + rowspan][c] == "^^":
                rowspan += 1
            out[-1].append((rowspan, colspan))
    return out


def build_docx(source: str, path: Path) -> Path:
    from docx import Document

    doc = Document()
    for block in source_blocks(source):
        if block.page_break:
            doc.add_page_break()
        for line in block.lines:
            paragraphs, bold = _cell(line)
            doc.add_paragraph().add_run(" ".join(paragraphs)).bold = bold
        if block.rows:
            width = max(len(r) for r in block.rows)
            table = doc.add_table(rows=len(block.rows), cols=width)
            table.style = "Table Grid"
            spans = _spans(block.rows)
            for r, row in enumerate(block.rows):
                for c, value in enumerate(row):
                    span = spans[r][c]
                    if span is None:
                        continue
                    cell = table.cell(r, c)
                    if span != (1, 1):
                        cell = cell.merge(table.cell(r + span[0] - 1, c + span[1] - 1))
                    paragraphs, bold = _cell(value)
                    cell.paragraphs[0].add_run(paragraphs[0]).bold = bold
                    for extra in paragraphs[1:]:
                        cell.add_paragraph().add_run(extra).bold = bold
    doc.save(str(path))
    return path


def build_pdf(source: str, path: Path) -> Path:
    from fpdf.fonts import FontFace

    from tests.plans.fixtures import new_pdf

    pdf = new_pdf()
    pdf.add_page()
    for block in source_blocks(source):
        if block.page_break:
            pdf.add_page()
        pdf.set_font("DejaVu", size=10)
        for line in block.lines:
            paragraphs, bold = _cell(line)
            pdf.set_font("DejaVu", "B" if bold else "", size=10)
            pdf.multi_cell(0, 5, " ".join(paragraphs) or " ", new_x="LMARGIN", new_y="NEXT")
        if block.rows:
            width = max(len(r) for r in block.rows)
            pdf.set_font("DejaVu", size=7)
            spans = _spans(block.rows)
            layout = width <= 2
            with pdf.table(
                first_row_as_headings=False,
                line_height=3.5,
                borders_layout="NONE" if layout else "ALL",
            ) as table:
                for r, row in enumerate(block.rows):
                    out = table.row()
                    for c in range(width):
                        span = spans[r][c] if c < len(spans[r]) else (1, 1)
                        if span is None:
                            continue
                        value = row[c] if c < len(row) else ""
                        paragraphs, bold = _cell(value)
                        style = FontFace(emphasis="BOLD") if bold else None
                        out.cell(
                            "\n".join(paragraphs), style=style, rowspan=span[0], colspan=span[1]
                        )
    pdf.output(str(path))
    return path


def build(doc: CorpusDoc, out: Path) -> list[Path]:
    """The document's files, as an office would send them, in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    fmt = doc.format
    if fmt in ("txt", "md", "html"):
        return [shutil.copy(doc.folder / name, out / name) for name in doc.expected["files"]]
    source = (doc.folder / SOURCE).read_text(encoding="utf-8")
    if fmt == "docx":
        return [build_docx(source, out / f"{doc.name}.docx")]
    pdf = build_pdf(source, out / f"{doc.name}.pdf")
    if fmt == "pdf":
        return [pdf]
    from tests.plans.scans import scan_pdf  # a scan: the pages as images only

    scanned = scan_pdf(pdf, out / f"{doc.name}-scan.pdf", dpi=200)
    pdf.unlink()
    return [scanned]


# ------------------------------------------------------------------------------- scoring


@dataclass
class Score:
    doc: str
    family: str
    format: str
    tasks_expected: int = 0
    tasks_found: int = 0
    tasks_matched: int = 0
    leads_right: int = 0
    coordinators_right: int = 0
    due_dates_right: int = 0
    targets_expected: int = 0
    targets_right: int = 0
    obligations_expected: int = 0
    obligations_right: int = 0
    shape: str = ""
    locality_right: bool = False
    misses: list[str] = field(default_factory=list)


def _code(text: str) -> str:
    return text.strip().rstrip(".").replace(" ", "")


def _agency_ids(plan: ParsedPlan, code: str, role: str) -> set[str]:
    rows = plan.assignments
    return {a.agency.agency_id for a in rows if a.task_code == code and a.role == role}


def _expected_ids(plan: ParsedPlan, names: list[str]) -> set[str]:
    from pipelines.plans.agencies import resolve_agency, split_agency_text

    ids: set[str] = set()
    for name in names:
        for mention in split_agency_text(name) or [name]:
            ids.add(resolve_agency(mention, plan.meta.locality_code, plan.meta.level).agency_id)
    return ids


def _tasks_by_code(plan: ParsedPlan) -> dict[str, object]:
    by_code = {}
    for task in plan.tasks:
        code = _code(task.raw.task_code)
        by_code.setdefault(code, task)
        by_code.setdefault(code.rsplit(".", 1)[-1] if code[:1].isalpha() else code, task)
    return by_code


def _matching(plan: ParsedPlan, expected: dict, by_code: dict) -> object | None:
    task = by_code.get(_code(expected["code"]))
    starts = fold(expected.get("title_starts", ""))[:40]
    if task is not None and (not starts or fold(task.raw.title).startswith(starts[:20])):
        return task
    return next((t for t in plan.tasks if starts and fold(t.raw.title).startswith(starts)), task)


def score(doc: CorpusDoc, plan: ParsedPlan | None, error: str | None = None) -> Score:
    exp = doc.expected
    out = Score(doc.name, doc.family, doc.format, tasks_expected=len(exp["tasks"]))
    out.targets_expected = len(exp.get("targets", []))
    out.obligations_expected = len(exp.get("obligations", []))
    if plan is None:
        out.misses.append(f"not parsed: {error}")
        return out
    out.shape, out.tasks_found = plan.shape, len(plan.tasks)
    want_code = exp["plan"]["locality_code"]
    out.locality_right = plan.meta.locality_code == want_code
    if not out.locality_right:
        out.misses.append(f"locality {plan.meta.locality_code} ≠ {want_code}")
    by_code = _tasks_by_code(plan)
    for want in exp["tasks"]:
        task = _matching(plan, want, by_code)
        if task is None:
            out.misses.append(f"task {want['code']} not found")
            continue
        out.tasks_matched += 1
        code = task.raw.task_code
        for role, key in (("lead", "leads"), ("coordinate", "coordinators")):
            wanted = _expected_ids(plan, want.get(key, []))
            found = _agency_ids(plan, code, role)
            if found == wanted:
                setattr(out, f"{key}_right", getattr(out, f"{key}_right") + 1)
            else:
                out.misses.append(f"task {want['code']}: {key} {sorted(found)} ≠ {sorted(wanted)}")
        due = want.get("due_date")
        got = task.deadline.due_date.isoformat() if task.deadline.due_date else None
        if got == due:
            out.due_dates_right += 1
        else:
            printed = task.raw.deadline_text
            out.misses.append(f"task {want['code']}: due {got} ≠ {due} ({printed!r})")
    found_targets = [(t.comparator, round(t.threshold, 4)) for t in plan.targets]
    for target in exp.get("targets", []):
        key = (target["comparator"], round(target["threshold"], 4))
        if key in found_targets:
            found_targets.remove(key)
            out.targets_right += 1
        else:
            out.misses.append(f"target {key} ({target.get('contains')}) not found")
    found_duties = [_duty(o) for o in plan.obligations]
    for duty in exp.get("obligations", []):
        key = (duty["kind"], duty.get("due_day"), duty.get("due_month"), duty.get("due_date"))
        if key in found_duties:
            found_duties.remove(key)
            out.obligations_right += 1
        else:
            out.misses.append(f"reporting duty {key} not found")
    return out


def _duty(o) -> tuple:
    if o.kind in ("interim", "final"):
        return (o.kind, None, None, o.due_date.isoformat() if o.due_date else None)
    return (o.kind, o.due_day, o.due_month, None)


def iter_scores(work: Path) -> Iterator[Score]:
    """Build, read and parse every corpus document; one score each."""
    from pipelines.plans.loader import read_documents
    from pipelines.plans.tables import build_plan_tables

    for doc in corpus_docs():
        files = build(doc, work / doc.name)
        docs, errors = read_documents(files)
        tables = build_plan_tables(docs, errors)
        plan = tables.plans[0] if tables.plans else None
        reasons = "; ".join(tables.errors["reason"].to_list())
        yield score(doc, plan, reasons or None)
