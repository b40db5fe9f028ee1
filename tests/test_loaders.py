"""Loaders on real fixture files (see tests/data/README.md for what each holds)."""

import pytest

from ingest.loaders import LoadError, load_file
from ingest.pipeline import prepare

from .conftest import DATA


def test_pdf_with_embedded_cjk_font_keeps_pages_and_drops_running_headers():
    meta, chunks, warnings = prepare(
        DATA / "cjk_embedded.pdf", "cjk_embedded.pdf", "h" * 16, 1 << 30
    )
    assert warnings == []
    pages = {c.page for c in chunks}
    assert pages == {1, 2, 3}
    apprentice = [c for c in chunks if "5000" in c.text and "学徒" in c.text]
    assert apprentice and apprentice[0].page == 2
    assert not any("- 2 -" in c.text for c in chunks)
    # hard wraps inside sentences are joined: the fact reads as one string
    assert any(
        "企业新型学徒制培训补贴标准为每人每年5000元" in c.text.replace(" ", "") for c in chunks
    )
    # the document's own 文号, issuer and date are read off its header and signature
    assert meta.doc_number == "青人社发〔2024〕15号"
    assert meta.issuer == "青羊区人力资源和社会保障局" and meta.date == "2024-03-18"


def test_docx_paragraphs_and_table_rows():
    loaded = load_file(DATA / "table.docx")
    records = [s for s in loaded.sections if s.kind == "record"]
    assert len(records) >= 4
    assert all("：" in r.text and r.row for r in records)
    assert any(s.kind == "text" for s in loaded.sections)


def test_xlsx_with_title_row_and_two_row_merged_header():
    loaded = load_file(DATA / "merged_header.xlsx")
    records = [s for s in loaded.sections if s.kind == "record"]
    assert len(records) >= 8
    first = records[0].text
    assert "课程名称：" in first
    assert "课程信息" not in first.split("；")[0]  # the group row is not a column name
    assert records[0].row >= 4  # title row + two header rows come first
    assert len({s.sheet for s in loaded.sections}) == 2


@pytest.mark.parametrize("name", ["gbk.csv", "utf8_bom.csv"])
def test_csv_in_gbk_and_utf8_bom(name):
    loaded = load_file(DATA / name)
    assert loaded.sections
    text = loaded.sections[0].text
    assert "\ufeff" not in text and "�" not in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_gbk_csv_rows_are_labelled_with_column_names():
    raw = (DATA / "gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    loaded = load_file(DATA / "gbk.csv")
    assert all(s.text.startswith("编号：") for s in loaded.sections)
    assert loaded.sections[0].row == 2


def test_html_keeps_the_article_and_drops_boilerplate():
    loaded = load_file(DATA / "page.html")
    text = loaded.sections[0].text
    assert loaded.title
    assert "function" not in text and "<" not in text


def test_text_in_gb18030_and_markdown_headings():
    assert any(
        "\u4e00" <= ch <= "\u9fff" for ch in load_file(DATA / "plain_gb18030.txt").sections[0].text
    )
    md = load_file(DATA / "notes.md")
    assert md.title and "##" in md.sections[0].text


@pytest.mark.parametrize(
    "name, words",
    [
        ("corrupt.pdf", "损坏"),
        ("encrypted.pdf", "加密"),
        ("scanned.pdf", "OCR"),
        ("garbled.pdf", "OCR"),
        ("empty.txt", "空文件"),
        ("unknown.xyz", "不支持"),
    ],
)
def test_bad_inputs_get_a_clear_message(name, words):
    with pytest.raises(LoadError) as e:
        load_file(DATA / name)
    assert words in e.value.message
    assert "(" in e.value.message  # English too


def test_huge_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.seek(200 * 1024 * 1024)
        f.write(b"x")
    with pytest.raises(LoadError) as e:
        load_file(big, max_bytes=100 * 1024 * 1024)
    assert "过大" in e.value.message


def test_two_row_headers_name_columns_by_group_where_names_repeat():
    from ingest.loaders.table import rows_to_records

    rows = [
        ["县（市、区）", "企业职工养老", "企业职工养老", "城乡居民养老", "城乡居民养老"],
        ["县（市、区）", "参保咨询电话", "退休咨询电话", "参保咨询电话", "退休咨询电话"],
        ["市中区", "0832-2170136", "0832-2038798", "0832-2211581", "0832-2211580"],
    ]
    [(row, text)] = rows_to_records(rows, merged_rows={0})
    assert row == 3
    assert text == (
        "县（市、区）：市中区；企业职工养老参保咨询电话：0832-2170136；企业职工养老退休咨询电话："
        "0832-2038798；城乡居民养老参保咨询电话：0832-2211581；城乡居民养老退休咨询电话：0832-2211580"
    )


def test_a_row_of_amounts_is_data_not_a_second_header():
    from ingest.loaders.table import rows_to_records

    rows = [
        ["人员类别", "起付线", "报销比例", "报销比例", "年度支付限额"],
        ["在职人员", "200元", "三级", "50%", "800元/年"],
        ["退休人员", "150元", "三级", "60%", "1000元/年"],
    ]
    records = rows_to_records(rows, merged_rows={0})
    assert [r for r, _ in records] == [2, 3]
    assert records[0][1].startswith("人员类别：在职人员；起付线：200元")


def test_a_word_table_is_searched_under_the_line_and_question_above_it(tmp_path):
    import docx

    from ingest.loaders.docx import table_caption

    d = docx.Document()
    d.add_heading("社保服务类", level=1)
    d.add_paragraph("问：城乡居民基本养老保险的缴费档次有哪些？")
    d.add_paragraph("答：缴费标准目前设有15个档次，政府对参保人正常年限缴费给予缴费补贴。")
    d.add_paragraph("个人缴费档次及对应的政府缴费补贴为：（单位：元）")
    t = d.add_table(rows=2, cols=3)
    for cell, text in zip(
        t.rows[0].cells + t.rows[1].cells, ["档次", "缴费金额", "政府补贴", "档次5", "600", "60"]
    ):
        cell.text = text
    d.add_paragraph("（七）工亡职工父母均已死亡的。")
    t2 = d.add_table(rows=2, cols=2)
    for cell, text in zip(
        t2.rows[0].cells + t2.rows[1].cells, ["机构", "电话", "市社保局", "2022001"]
    ):
        cell.text = text
    path = tmp_path / "handbook.docx"
    d.save(str(path))

    records = [s for s in load_file(path).sections if s.kind == "record"]
    assert records[0].heading == (
        "社保服务类 问：城乡居民基本养老保险的缴费档次有哪些？ 个人缴费档次及对应的政府缴费补贴为：（单位：元）"
    )
    assert "600" in records[0].text and records[0].sheet == "表1"
    # a list item or a sentence above a table is no caption: the table keeps its number
    assert records[-1].heading == "社保服务类 表2"
    assert table_caption(["专项经费使用情况如下表。", "专项经费使用情况表"]) == "专项经费使用情况表"


def test_legacy_doc_without_libreoffice_names_the_debian_package(monkeypatch):
    from ingest.loaders import legacy

    monkeypatch.setattr(legacy, "find_soffice", lambda: None)
    with pytest.raises(LoadError) as e:
        load_file(DATA / "legacy.doc")
    assert "libreoffice-writer-nogui" in e.value.message and ".docx" in e.value.message
    assert "(" in e.value.message
