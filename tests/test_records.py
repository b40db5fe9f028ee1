"""Records at ingest: real column names, typed values, contact columns kept out of the text.

Gold is read from the bundled source files directly with openpyxl/csv, independently of the
loaders under test.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from ingest.aliases import forms, is_contact_column, read_synonyms
from ingest.pipeline import prepare
from ingest.records import (
    parse_dates,
    parse_number,
    record_kind,
    render_fields,
    rendered_fields,
    typed_value,
)

from .conftest import CORPUS

COURSES_XLSX = CORPUS / "courses" / "示例-开放课程目录-2025-2026学年.xlsx"
COURSES_CSV = CORPUS / "courses" / "示例-成都工业职业技术学院开放课程-GBK.csv"
SUPPLY_DEMAND = CORPUS / "supply-demand" / "示例-供需清单-2024-2026.xlsx"
TRAINING = CORPUS / "training" / "示例-培训清单-2025-2026.xlsx"
ACHIEVEMENTS = CORPUS / "achievements" / "示例-成果清单-2023-2025.xlsx"
LISTS = (COURSES_XLSX, COURSES_CSV, SUPPLY_DEMAND, TRAINING, ACHIEVEMENTS)


def _prepared(path: Path):
    source = path.relative_to(CORPUS.parent).as_posix()
    return prepare(path, source, "h" * 20, 1 << 30)


def sheet_rows(path: Path, header_row: int) -> dict[str, list[dict]]:
    """Every data row of every sheet as {column: value}, read with openpyxl alone: the
    column names are the last header row's (merged cells above it are groups)."""
    book = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        names = rows[header_row - 1]
        if header_row == 4:  # two-row header: a column outside any group is named in row 3
            names = [b or a for a, b in zip(rows[2], rows[3])]
        data = []
        for r in rows[header_row:]:
            if sum(v is not None for v in r) > 1:
                data.append({n: v for n, v in zip(names, r) if v is not None})
        out[ws.title] = data
    return out


def csv_rows(path: Path) -> list[dict]:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("gbk"))))
    return [dict(zip(rows[1], r)) for r in rows[2:] if any(r)]


def test_merged_two_row_header_names_columns_by_their_leaf():
    _, chunks, _ = _prepared(COURSES_XLSX)
    rows = [c for c in chunks if c.record]
    gold = sheet_rows(COURSES_XLSX, 4)
    assert len(rows) == sum(len(v) for v in gold.values())
    names = [k for k, _ in rows[0].record.fields]
    assert "学时" in names and "开放对象" in names and "课程名称" in names
    assert not any(n.startswith(("课程基本信息", "开放安排")) for n in names)
    assert "；学时：" in rows[0].text  # the chunk text uses the same labels


def test_rows_repeat_group_only_where_leaf_names_repeat():
    from ingest.loaders.table import column_names

    rows = [["分组甲", "分组甲", "分组乙", "学时"], ["电话", "人数", "电话", ""]]
    assert column_names(rows, 0, 2) == ["分组甲电话", "人数", "分组乙电话", "学时"]


@pytest.mark.parametrize("path", LISTS, ids=lambda p: p.name)
def test_contact_columns_never_reach_a_chunk_text(path):
    _, chunks, _ = _prepared(path)
    if path.suffix == ".csv":
        gold_rows = csv_rows(path)
    else:
        header = 4 if path in (COURSES_XLSX, TRAINING) else 3
        gold_rows = [r for rows in sheet_rows(path, header).values() for r in rows]
    contacts = {str(v) for r in gold_rows for k, v in r.items() if is_contact_column(str(k))}
    for c in chunks:
        assert not any(v in c.text or v in c.search_text for v in contacts), c.text
        assert "联系电话" not in c.text and "联系方式" not in c.text
    with_contacts = [c for c in chunks if c.record and c.record.restricted]
    # every contact value is kept with its record, for members
    assert {v for c in with_contacts for _, v in c.record.restricted} == contacts


def test_supply_demand_sheets_are_demands_and_supplies():
    _, chunks, _ = _prepared(SUPPLY_DEMAND)
    gold = sheet_rows(SUPPLY_DEMAND, 3)
    kinds = {}
    for c in chunks:
        if c.record:
            kinds.setdefault(c.sheet, set()).add(c.record.kind)
    assert set(kinds) == set(gold)
    for sheet, found in kinds.items():
        assert found == {"supply" if "供给" in sheet else "demand"}


def test_typed_values_of_a_training_row():
    _, chunks, _ = _prepared(TRAINING)
    gold = sheet_rows(TRAINING, 4)
    first = next(c for c in chunks if c.record)
    row = next(iter(gold.values()))[0]
    v = first.record.values
    assert v["学时"] == row["学时"] and v["人数"] == row["人数"]
    start, end = v["培训时间"]
    assert start <= end and start[:4] in str(row["培训时间"])


def test_cell_readings():
    assert parse_dates("2025年7月14日—7月25日") == ["2025-07-14", "2025-07-25"]
    assert parse_dates("2025年9月") == ["2025-09-01", "2025-09-30"]
    assert parse_dates("2024-02") == ["2024-02-01", "2024-02-29"]
    assert parse_dates("XQ-2024-013") is None
    assert parse_number("补贴五千元") == 5000
    assert typed_value("开课时间", "2026年3月") == ["2026-03-01", "2026-03-31"]
    assert typed_value("学分", "3.5") == 3.5
    assert typed_value("是否在职", "是") is True
    assert typed_value("预算（万元）", "12万") == 12
    assert typed_value("简介", "一门课") is None
    assert record_kind("demand", "服务供给") == "supply"
    assert record_kind("demand", "人才需求") == "demand"
    assert record_kind("plan", "表1") == ""


def test_vocabulary_files_in_solr_format(tmp_path):
    f = tmp_path / "syn.txt"
    f.write_text("# comment\n甲, 乙, 丙\n丁 => 戊\n", "utf-8")
    table = read_synonyms(f)
    assert table["乙"] == ("乙", "甲", "丙") and table["丁"] == ("丁", "戊") and "戊" not in table
    assert "成都航空职业技术大学" in forms("成航院")
    assert "线上" in forms("在线")
    assert (
        is_contact_column("联系电话")
        and is_contact_column("E-mail")
        and not is_contact_column("学时")
    )


def test_word_table_rows_carry_their_fields():
    import docx

    from ingest.loaders import load_file

    from .conftest import DATA

    table = docx.Document(str(DATA / "table.docx")).tables[0]
    header = [c.text.strip() for c in table.rows[0].cells]
    records = [s for s in load_file(DATA / "table.docx").sections if s.kind == "record"]
    assert records and all(s.fields for s in records)
    for s in records:
        assert [k for k, _ in s.fields] == [h for h in header if h in dict(s.fields)]
        assert s.text == "；".join(f"{k}：{v}" for k, v in s.fields)


def test_a_rendered_row_reads_back_into_its_fields():
    pairs = [("课程名称", "液压与气动"), ("适用专业", "机电/数控/模具"), ("学时", "64")]
    assert rendered_fields(render_fields(pairs)) == pairs
    # a cell that held a "；" of its own continues the value before it
    assert rendered_fields("备注：先报名；再审核；学时：32") == [
        ("备注", "先报名；再审核"),
        ("学时", "32"),
    ]
    assert rendered_fields("一段没有列名的正文") == []
