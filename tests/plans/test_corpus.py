"""Plans written for other provinces and communes, in every layout family and format: the
extractor reads their tasks, leads, deadlines, targets and reporting duties (answer keys in
tests/plans/corpus/*/expected.json; `bench/extraction.py` prints the same scores)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plans.corpus import Score, corpus_docs, iter_scores

pytestmark = pytest.mark.e2e  # builds .docx, .pdf and OCR'd scans

FAMILIES = {
    "numbered_sections",
    "task_table",
    "inline_labels",
    "agency_centric",
    "task_groups",
    "prose",
}
FORMATS = {"txt", "md", "html", "docx", "pdf", "scan"}


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> list[Score]:
    return list(iter_scores(tmp_path_factory.mktemp("corpus")))


def test_the_corpus_covers_every_family_and_format() -> None:
    docs = corpus_docs()
    assert len(docs) >= 12
    assert {d.family for d in docs} == FAMILIES
    assert {d.format for d in docs} == FORMATS
    assert len({d.expected["plan"]["locality_code"] for d in docs}) == len(docs)


def _ratio(scores: list[Score], right: str, total: str) -> float:
    return sum(getattr(s, right) for s in scores) / sum(getattr(s, total) for s in scores)


def _misses(scores: list[Score]) -> str:
    return "\n".join(f"{s.doc}: {m}" for s in scores for m in s.misses)


def test_every_document_parses_in_its_family(scores: list[Score]) -> None:
    for s in scores:
        assert s.shape == s.family, f"{s.doc}: read as {s.shape or 'nothing'}\n{_misses([s])}"


def test_tasks_and_leads_at_least_98_percent(scores: list[Score]) -> None:
    assert _ratio(scores, "tasks_matched", "tasks_expected") >= 0.98, _misses(scores)
    assert _ratio(scores, "leads_right", "tasks_expected") >= 0.98, _misses(scores)
    found = sum(s.tasks_found for s in scores)
    assert found <= sum(s.tasks_expected for s in scores) * 1.02, "tasks read that are not tasks"


def test_deadlines_targets_and_reporting_duties(scores: list[Score]) -> None:
    assert _ratio(scores, "due_dates_right", "tasks_expected") >= 0.95, _misses(scores)
    assert _ratio(scores, "targets_right", "targets_expected") >= 0.95, _misses(scores)
    assert _ratio(scores, "obligations_right", "obligations_expected") >= 0.9, _misses(scores)


def test_scores_cover_the_whole_corpus(scores: list[Score], tmp_path: Path) -> None:
    assert [s.doc for s in scores] == [d.name for d in corpus_docs()]
