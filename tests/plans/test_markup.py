"""HTML pages and Markdown files become the same lines (tables as tab-separated rows)."""

from __future__ import annotations

from pipelines.plans.markup import html_to_text, markdown_tables, table_lines

PORTAL = """<!DOCTYPE html><html><head><title>Kế hoạch 12/KH-UBND</title>
<script>var menu = 1;</script><style>p {color: red}</style></head><body>
<nav><ul><li>Trang chủ</li><li>Văn bản</li></ul></nav>
<table class="meta"><tr><td>Số hiệu</td><td>12/KH-UBND</td>
<td>Loại văn bản</td><td>Kế hoạch</td></tr>
<tr><td>Ngày ban hành</td><td>27/01/2026</td><td>Người ký</td><td>Lê Văn A</td></tr></table>
<article>
<table><tr><td>ỦY BAN NHÂN DÂN<br><b>XÃ NẬM CẮN</b></td>
<td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</td></tr></table>
<h1>KẾ HOẠCH</h1>
<p>Đấu tranh ngăn chặn buôn lậu &amp; hàng giả</p>
<table border="1">
<tr><th>TT</th><th>Nội dung nhiệm vụ</th><th>Đơn vị chủ trì</th><th>Thời gian</th></tr>
<tr><td><b>I</b></td><td colspan="3"><b>TUYÊN TRUYỀN</b></td></tr>
<tr><td>1</td><td>Tuyên truyền trên loa</td><td rowspan="2">Công an xã</td><td>Quý I/2026</td></tr>
<tr><td>2</td><td><ul><li>Kiểm tra chợ</li><li>Kiểm tra kho</li></ul></td><td>Quý II/2026</td></tr>
</table>
</article>
<footer>Bản quyền thuộc Cổng thông tin</footer>
</body></html>"""


def test_a_portal_page_keeps_the_plan_and_drops_the_site() -> None:
    text = html_to_text(PORTAL)
    lines = text.split("\n")
    assert "var menu" not in text and "Trang chủ" not in text and "Bản quyền" not in text
    assert "Kế hoạch 12/KH-UBND" not in lines  # the page title
    assert lines[:4] == [
        "Số hiệu: 12/KH-UBND",
        "Loại văn bản: Kế hoạch",
        "Ngày ban hành: 27/01/2026",
        "Người ký: Lê Văn A",
    ]
    # a two-column letterhead: its cells as lines, left column first
    assert lines[4:8] == [
        "ỦY BAN NHÂN DÂN",
        "XÃ NẬM CẮN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert "KẾ HOẠCH" in lines
    assert "Đấu tranh ngăn chặn buôn lậu & hàng giả" in lines


def test_a_task_table_becomes_tab_separated_rows_on_its_grid() -> None:
    rows = [ln.split("\t") for ln in html_to_text(PORTAL).split("\n") if "\t" in ln]
    assert rows[0] == ["TT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian"]
    assert rows[1] == ["<b>I</b>", "<b>TUYÊN TRUYỀN</b>", "", ""]  # colspan: spanned cells empty
    assert rows[2] == ["1", "Tuyên truyền trên loa", "Công an xã", "Quý I/2026"]
    # rowspan: the lead printed once for two tasks is repeated in the second
    assert rows[3] == [
        "2",
        "<li>Kiểm tra chợ</li><li>Kiểm tra kho</li>",
        "Công an xã",
        "Quý II/2026",
    ]


def test_markdown_pipe_tables_and_headings() -> None:
    text = markdown_tables(
        "## III. NHIỆM VỤ\n"
        "| STT | Nội dung | Chủ trì |\n|---|---|---|\n"
        "| **I** | **Nhóm một** | |\n| 1 | Việc một<br>tiếp | Sở Y tế |\n\n"
        "| Số hiệu | 15/KH-UBND |"
    )
    assert text.split("\n") == [
        "III. NHIỆM VỤ",
        "STT\tNội dung\tChủ trì",
        "<b>I</b>\t<b>Nhóm một</b>\t",
        "1\tViệc một<br>tiếp\tSở Y tế",
        "",
        "Số hiệu: 15/KH-UBND",
    ]


def test_a_continuation_row_does_not_repeat_a_merged_cell() -> None:
    # the code cell itself spans two rows: the second row continues the first record
    rows = table_lines(
        [
            ["STT", "Nhiệm vụ", "Chủ trì", "Phối hợp"],
            ["1", "Việc", "Sở Y tế", "Công an"],
        ]
    )
    assert rows == ["STT\tNhiệm vụ\tChủ trì\tPhối hợp", "1\tViệc\tSở Y tế\tCông an"]
    page = html_to_text(
        "<table><tr><th>STT</th><th>Nhiệm vụ</th><th>Chủ trì</th></tr>"
        '<tr><td rowspan="2">1</td><td>Việc một</td><td rowspan="2">Sở Y tế</td></tr>'
        "<tr><td>tiếp theo</td></tr></table>"
    )
    assert page.split("\n")[1:] == ["1\tViệc một\tSở Y tế", "\ttiếp theo\t"]
