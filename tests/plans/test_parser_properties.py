"""Property tests: however damaged a plan document is, building the plan tables never raises, and
every file ends up in a loaded plan with tasks or in `plan_ingestion_errors`.

The shape parsers have their own never-raises properties (test_shape_*.py); these go through the
whole chain (grouping body and appendix, metadata, shapes, deadlines, agencies, targets,
reporting duties, pandera validation) on the seed documents mutated the way real files differ:
lines deleted, duplicated or shuffled, truncated, stray Unicode, diacritics stripped, sections
swapped; and on arbitrary text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.plans.documents import DocumentText
from pipelines.plans.tables import PlanTables, build_plan_tables
from pipelines.plans.text import normalize_document
from tests.conftest import SEEDS, seed_text

SEED_TEXTS = {name: seed_text(key) for key, name in SEEDS.items()}
_SECTION = re.compile(r"^\s*(?:#+\s*)?(?:[IVX]+|\d+(?:\.\d+)*)\.\s")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        kind = draw(
            st.sampled_from(
                ["delete", "duplicate", "shuffle", "truncate", "unicode", "strip", "swap"]
            )
        )
        at = draw(st.integers(0, len(lines) - 1))
        span = draw(st.integers(1, 30))
        if kind == "delete":
            del lines[at : at + span]
        elif kind == "duplicate":
            lines[at:at] = lines[at : at + span]
        elif kind == "shuffle":
            lines[at : at + span] = draw(st.permutations(lines[at : at + span]))
        elif kind == "truncate":
            lines = [*lines[:at], lines[at][: draw(st.integers(0, len(lines[at])))]]
        elif kind == "unicode":
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(st.text(min_size=1, max_size=20)) + line[cut:]
        elif kind == "strip":
            lines[at : at + span * 10] = map(strip_diacritics, lines[at : at + span * 10])
        else:  # swap two sections (from one heading to the next)
            heads = [i for i, line in enumerate(lines) if _SECTION.match(line)] + [len(lines)]
            if len(heads) > 2:
                pair = st.lists(st.integers(0, len(heads) - 2), min_size=2, max_size=2, unique=True)
                a, b = sorted(draw(pair))
                first, second = lines[heads[a] : heads[a + 1]], lines[heads[b] : heads[b + 1]]
                lines = (
                    lines[: heads[a]]
                    + second
                    + lines[heads[a + 1] : heads[b]]
                    + first
                    + lines[heads[b + 1] :]
                )
    return "\n".join(lines)


def _document(name: str, text: str) -> DocumentText | None:
    """What the loader would hand on: normalised text; a file with none is refused earlier."""
    normalized = normalize_document(text)
    if not normalized.strip():
        return None
    data = text.encode("utf-8", "surrogatepass")
    fmt = name.rsplit(".", 1)[-1]
    return DocumentText(name, fmt, hashlib.sha256(data).hexdigest(), len(data), normalized)


@st.composite
def documents(draw: st.DrawFn) -> list[DocumentText]:
    names = draw(st.lists(st.sampled_from(sorted(SEED_TEXTS)), min_size=1, max_size=2, unique=True))
    texts = {
        name: draw(mutated(SEED_TEXTS[name])) if draw(st.booleans()) else SEED_TEXTS[name]
        for name in names
    }
    if draw(st.booleans()):
        texts["random-notes.txt"] = draw(st.text(max_size=300))
    return [doc for name, text in texts.items() if (doc := _document(name, text)) is not None]


def _every_file_accounted_for(docs: list[DocumentText], tables: PlanTables) -> None:
    frames = tables.frames
    errors = set(frames["plan_ingestion_errors"]["file_name"])
    placed = dict(zip(*frames["plan_documents"][["file_name", "plan_id"]], strict=True))
    tasks = frames["plan_tasks"]["plan_id"].value_counts()
    with_tasks = set(tasks["plan_id"])
    assert set(placed) == {d.file_name for d in docs}
    for doc in docs:
        plan_id = placed[doc.file_name]
        assert (doc.file_name in errors) != (plan_id is not None), doc.file_name
        assert plan_id is None or plan_id in with_tasks, doc.file_name
    assert all(reason.strip() for reason in frames["plan_ingestion_errors"]["reason"])


@settings(max_examples=25, deadline=None)
@given(documents())
def test_mutated_seed_documents_load_or_fail_clearly(docs: list[DocumentText]) -> None:
    _every_file_accounted_for(docs, build_plan_tables(docs))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=400), min_size=1, max_size=3))
def test_arbitrary_text_loads_or_fails_clearly(texts: list[str]) -> None:
    docs = [d for i, t in enumerate(texts) if (d := _document(f"doc-{i}.txt", t)) is not None]
    _every_file_accounted_for(docs, build_plan_tables(docs))
