"""The official template, filled in as an agency would, reads back clean; `plan389 validate`."""

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipelines.cli import main
from tests.conftest import PLANS_DIR


def _fill(path: Path) -> None:
    wb = load_workbook(path)
    info = wb["ThongTin"]
    for row in info.iter_rows(min_row=1, max_col=2):
        if row[0].value == "Ngày báo cáo":
            row[1].value = date(2026, 9, 20)
        if row[0].value == "Người lập":
            row[1].value = "Trần Thị Lập"
    progress = wb["TienDo"]
    codes = [progress.cell(r, 1).value for r in range(3, 10)]
    assert codes == ["1.1", "2.6", "3.1", "3.2", "5.2", "6.1", "7.7"]
    progress.cell(3, 2).value = "Hoàn thành"
    progress.cell(3, 3).value = date(2026, 2, 10)
    progress.cell(4, 2).value = "Đang thực hiện"
    progress.cell(5, 2).value = "hoàn thành"  # typed by hand, lower case
    progress.cell(5, 3).value = "05/03/2026"
    wb.save(path)


def test_filled_template_validates_and_reads_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLAN389_DATA_DIR", str(PLANS_DIR.parents[1]))
    out = tmp_path / "so-cong-thuong.xlsx"
    assert (
        main(
            [
                "template",
                "--plan",
                "thanh-hoa-08-kh-ubnd-2026",
                "--agency",
                "Sở Công thương",
                "--period",
                "2026",
                str(out),
            ]
        )
        == 0
    )
    _fill(out)
    assert main(["validate", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Sở Công Thương · thanh-hoa-08-kh-ubnd-2026 · kỳ 2026 · 2026-09-20" in printed
    assert "TienDo: 3 rows read, 3 valid, 0 with problems" in printed
    assert "no problems" in printed


def test_validate_lists_every_problem_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLAN389_DATA_DIR", str(PLANS_DIR.parents[1]))
    out = tmp_path / "bad.xlsx"
    main(
        [
            "template",
            "--plan",
            "thanh-hoa-08-kh-ubnd-2026",
            "--agency",
            "Sở Công Thương",
            "--period",
            "2026",
            str(out),
        ]
    )
    _fill(out)
    wb = load_workbook(out)
    wb["TienDo"].cell(6, 2).value = "Xong"  # not an allowed status
    wb["TienDo"].cell(7, 2).value = "Hoàn thành"  # completed, no date
    wb.save(out)
    assert main(["validate", str(out)]) == 1
    printed = capsys.readouterr().out
    assert (
        "TienDo row 6, Tình trạng: Giá trị không có trong danh mục / "
        "Not one of the allowed values (value: Xong)" in printed
    )
    assert "TienDo row 7, Ngày hoàn thành: Hoàn thành nhưng thiếu ngày hoàn thành" in printed
    assert "2 problem(s)" in printed
