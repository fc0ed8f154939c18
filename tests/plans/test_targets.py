"""extract_targets on the seed plans and on the edge cases the seeds do not show."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.plans.model import Target
from pipelines.plans.targets import UNCLASSIFIED, extract_targets
from pipelines.plans.text import join_wrapped
from tests.conftest import seed_text

OBJECTIVES = {
    "official_integrity_rate",
    "agency_equipment_rate",
    "ecommerce_commitment_rate",
    "health_business_outreach_rate",
    "consumer_outreach_rate",
}
TIP_TARGETS = {
    ("tip_acceptance_rate", ">=", 1.0),
    ("tip_resolution_rate", ">", 0.9),
    ("criminal_sign_prosecution_rate", ">=", 1.0),
}


def _title(seed: str, start: str, end: str) -> str:
    """A task title as a shape parser would give it: the printed span, wrapped lines joined."""
    i = seed.index(start)
    j = seed.index(end, i) + len(end)
    return join_wrapped(seed[i:j].split("\n"))


def _rows(targets: list[Target]) -> set[tuple]:
    return {(t.metric, t.comparator, t.threshold, t.task_code) for t in targets}


def _expected(task_code: str | None, objectives: set[str] = OBJECTIVES) -> set[tuple]:
    return {(m, ">=", 1.0, None) for m in objectives} | {(*t, task_code) for t in TIP_TARGETS}


def test_thanh_hoa() -> None:
    th = seed_text("thanh_hoa")
    task = {"2.3": _title(th, "Làm tốt công tác tiếp nhận", "quy định của pháp luật.")}
    targets = extract_targets(th, task)
    assert _rows(targets) == _expected("2.3")
    assert len(targets) == 8


def test_hung_yen_body_with_appendix_task() -> None:
    body, appendix = seed_text("hung_yen_body"), seed_text("hung_yen_appendix")
    task = {"2.3": _title(appendix, "Trong công tác tiếp nhận", "quy định của pháp luật.")}
    assert _rows(extract_targets(body, task)) == _expected("2.3")
    # Body and appendix passed together: the same targets, each once.
    both = extract_targets(body + "\n" + appendix, task)
    assert _rows(both) == _expected("2.3") and len(both) == 8


def test_hung_yen_typo_phan_dau_still_reads_above_90() -> None:
    appendix = seed_text("hung_yen_appendix")
    resolution = [t for t in extract_targets(appendix) if t.metric == "tip_resolution_rate"]
    assert [(t.comparator, t.threshold) for t in resolution] == [(">", 0.9)]
    assert "phần đầu đạt trên 90%" in resolution[0].source_text


def test_hung_yen_objective_line_with_three_targets() -> None:
    line = next(x for x in seed_text("hung_yen_body").split("\n") if x.count("100%") == 3)
    metrics = [t.metric for t in extract_targets(line)]
    assert metrics == [
        "ecommerce_commitment_rate",
        "health_business_outreach_rate",
        "consumer_outreach_rate",
    ]


def test_lao_cai_pdf_wrapped() -> None:
    lc = seed_text("lao_cai")
    task = {"5": _title(lc, "Trong công tác tiếp nhận", "quy định của pháp\nluật.")}
    assert _rows(extract_targets(lc, task)) == _expected("5")


def test_ham_rong_objectives() -> None:
    wanted = {"official_integrity_rate", "health_business_outreach_rate", "consumer_outreach_rate"}
    assert _rows(extract_targets(seed_text("ham_rong"))) == {(m, ">=", 1.0, None) for m in wanted}


def test_without_task_texts_task_targets_have_no_code() -> None:
    assert _rows(extract_targets(seed_text("thanh_hoa"))) == _expected(None)


def test_source_text_is_the_clause() -> None:
    by_metric = {t.metric: t for t in extract_targets(seed_text("thanh_hoa"))}
    assert by_metric["consumer_outreach_rate"].source_text == (
        "100% người tiêu dùng được tuyên truyền, phổ biến giáo dục pháp luật "
        "về bảo vệ quyền của mình"
    )
    # The e-commerce objective continues past a ";", and is read as one target.
    assert "ký cam kết" in by_metric["ecommerce_commitment_rate"].source_text


def test_nfd_input_gives_the_same_targets() -> None:
    th = seed_text("thanh_hoa")
    assert _rows(extract_targets(unicodedata.normalize("NFD", th))) == _expected(None)


@pytest.mark.parametrize(
    ("text", "comparator", "threshold"),
    [
        ("Tỷ lệ giải quyết tố giác, tin báo về tội phạm đạt trên 85%.", ">", 0.85),
        ("Tỷ lệ giải quyết tố giác, tin báo về tội phạm đạt 95%.", ">=", 0.95),
        ("Tỷ lệ giải quyết tố giác, tin báo về tội phạm phấn đấu đạt trên 90 %.", ">", 0.9),
        ("Tỷ lệ thụ lý tố giác, tin báo tội phạm đạt 99,5%.", ">=", 0.995),
        ("Tỷ lệ thụ lý tố giác, tin báo tội phạm đạt 100 phần trăm.", ">=", 1.0),
    ],
)
def test_threshold_and_comparator_are_read_from_the_text(
    text: str, comparator: str, threshold: float
) -> None:
    [target] = extract_targets(text)
    assert (target.comparator, target.threshold) == (comparator, threshold)


def test_unknown_percentage_is_kept_as_unclassified() -> None:
    text = "- Phấn đấu 80% chợ trên địa bàn đạt chuẩn văn minh thương mại.\n"
    [target] = extract_targets(text)
    assert target.metric == UNCLASSIFIED
    assert (target.comparator, target.threshold) == (">=", 0.8)
    assert target.source_text == "Phấn đấu 80% chợ trên địa bàn đạt chuẩn văn minh thương mại"


def test_upper_bounds_are_skipped() -> None:
    assert extract_targets("Tỷ lệ hàng giả trên thị trường dưới 5%.") == []


def test_objective_and_task_statements_are_separate_but_repeats_collapse() -> None:
    objective = "- 100% người tiêu dùng được tuyên truyền, phổ biến pháp luật.\n"
    task_title = "Tuyên truyền để 100% người tiêu dùng được tuyên truyền, phổ biến pháp luật."
    text = objective + objective + "III. NHIỆM VỤ\n1.1. " + task_title + "\n"
    rows = _rows(extract_targets(text, {"1.1": task_title}))
    assert rows == {
        ("consumer_outreach_rate", ">=", 1.0, None),
        ("consumer_outreach_rate", ">=", 1.0, "1.1"),
    }


def test_html_in_appendix_cells_does_not_hide_a_task() -> None:
    title = "Bảo đảm 100% các vụ việc có dấu hiệu tội phạm đều phải được khởi tố"
    text = f"2.3\t<ul><li>{title}</li></ul>\tThường xuyên\n"
    assert _rows(extract_targets(text, {"2.3": title})) == {
        ("criminal_sign_prosecution_rate", ">=", 1.0, "2.3")
    }


@given(
    st.text(max_size=400), st.dictionaries(st.text(max_size=5), st.text(max_size=80), max_size=3)
)
def test_never_raises(text: str, tasks: dict[str, str]) -> None:
    for target in extract_targets(text, tasks):
        assert target.comparator in {">=", ">"}
        assert target.threshold >= 0
        assert target.task_code is None or target.task_code in tasks


@given(st.lists(st.sampled_from(["100%", "đạt trên 90%", "tỷ lệ", ";", ". ", "\n- ", "<b>", "x"])))
def test_percent_soup_never_raises(parts: list[str]) -> None:
    extract_targets(" ".join(parts), {"1": " ".join(parts[:3])})
