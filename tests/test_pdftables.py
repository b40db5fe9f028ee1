"""Tables inside PDFs as records: a real 20-page admission plan and a table made here that
runs over a page break with merged cells and cells broken over two lines."""

from pathlib import Path

import pytest

from ingest.loaders.pdftables import extract_tables, join_lines
from ingest.pipeline import prepare

from .conftest import CORPUS

PLAN = CORPUS / "consortium" / "2026专升本计划.pdf"


def _make_table_pdf(path: Path) -> None:
    """Two-row header with a group over two columns, a school merged over two rows, a
    two-line cell, and the table continued on page 2 without its header."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    head = [["院校", "专业", "招生计划", "", "学费"], ["", "", "普通", "退役士兵", "（元/年）"]]
    first = [
        ["东城职业学院", "数控技术", "40", "5", "6000"],
        ["", "工业机器人\n技术", "30", "3", "6500"],
        ["西城工程学院", "无人机应用技术", "25", "2", "7000"],
    ]
    second = [
        ["南城技师学院", "焊接技术", "20", "1", "5200"],
        ["", "模具设计\n与制造", "15", "0", "5400"],
    ]
    font = ("FONTNAME", (0, 0), (-1, -1), "STSong-Light")
    grid = ("GRID", (0, 0), (-1, -1), 0.5, "black")
    spans = [("SPAN", (2, 0), (3, 0)), ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1))]
    story = [
        Paragraph("表1 示例市专升本招生计划", ParagraphStyle("p", fontName="STSong-Light")),
        Table(head + first, style=TableStyle([font, grid, *spans, ("SPAN", (0, 2), (0, 3))])),
        PageBreak(),
        Table(second, style=TableStyle([font, grid, ("SPAN", (0, 0), (0, 1))])),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def test_join_lines_keeps_chinese_together_and_latin_apart():
    assert join_lines("工业机器人\n技术") == "工业机器人技术"
    assert join_lines("Python\nprogramming") == "Python programming"
    assert join_lines("会计学/\n资产评估") == "会计学/资产评估"
    assert join_lines("\n") == ""


def test_a_table_over_a_page_break_keeps_its_header_and_fills_merged_cells(tmp_path):
    pdf = tmp_path / "plan.pdf"
    _make_table_pdf(pdf)
    pages = extract_tables(pdf)
    assert sorted(pages) == [1, 2]
    records = pages[1].records + pages[2].records
    assert [dict(r.fields)["专业"] for r in records] == [
        "数控技术",
        "工业机器人技术",  # two lines in the cell, joined
        "无人机应用技术",
        "焊接技术",
        "模具设计与制造",
    ]
    robot = dict(records[1].fields)
    assert robot["院校"] == "东城职业学院"  # merged over two rows
    assert robot["招生计划普通"] == "30"  # the group merged over two columns names both
    assert robot["学费（元/年）"] == "6500"  # a unit alone is named with its group
    second_page = pages[2].records
    assert [r.page for r in second_page] == [2, 2] and [r.row for r in second_page] == [1, 2]
    assert dict(second_page[1].fields)["院校"] == "南城技师学院"
    assert second_page[0].text == (
        "院校：南城技师学院；专业：焊接技术；招生计划普通：20；退役士兵：1；学费（元/年）：5200"
    )
    assert all(r.kind == "record" and r.heading == "表1示例市专升本招生计划" for r in records)
    assert "；".join(f"{k}：{v}" for k, v in records[0].fields) == records[0].text
    assert "示例市专升本招生计划" in pages[1].text  # the caption stays prose


@pytest.mark.slow
def test_real_admission_plan_comes_out_one_record_per_row():
    pages = extract_tables(PLAN, [1, 2])
    records = pages[1].records + pages[2].records
    assert len(records) > 30
    names = [dict(r.fields) for r in records]
    # the header repeated on page 2 is not a record; every row has the plan's columns
    for fields in names:
        assert {"学校名称", "招生专业名称", "普通考生招生计划数", "学费标准"} <= fields.keys()
        assert fields["学费标准"].isdigit() and fields["普通考生招生计划数"].isdigit()
    assert not any("\n" in r.text for r in records)  # multi-line cells joined
    assert all(r.page == 2 for r in pages[2].records)
    assert all("专升本招生计划" in r.heading for r in records)


@pytest.mark.slow
def test_a_plan_row_is_one_chunk_with_page_and_row():
    meta, chunks, _ = prepare(PLAN, "corpus/consortium/2026专升本计划.pdf", "h" * 16, 1 << 30)
    rows = [c for c in chunks if c.kind == "record"]
    assert len(rows) > 400
    assert all(c.page and c.row for c in rows)
    one = rows[len(rows) // 2]
    assert "学校名称：" in one.text and "学费标准：" in one.text and "招生计划数：" in one.text
    assert one.text in one.search_text and meta.title in one.search_text
