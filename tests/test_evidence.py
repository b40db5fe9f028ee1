"""Reading figures off passages: task rows, ledger rows, report rows and sentences."""

from __future__ import annotations

from assistant.draft.coverage import build_matrix
from assistant.draft.evidence import FigureReader, parse_record, read_number
from assistant.draft.standard import load_standard
from ingest.types import Chunk, DocMeta


def chunk(
    text,
    doc_type="report",
    year=2024,
    kind="text",
    sheet=None,
    row=None,
    heading="",
    title="某联合体2024年度工作总结",
):
    doc = DocMeta(doc_id=title, source=f"{title}.x", title=title, doc_type=doc_type, year=year)
    return Chunk(
        f"{title}-{row or hash(text) % 10000}",
        doc,
        text,
        text,
        sheet=sheet,
        row=row,
        kind=kind,
        heading=heading,
    )


def reader():
    return FigureReader(load_standard())


def test_parse_record_keeps_a_value_with_a_semicolon_whole():
    pairs = parse_record("任务：共建基地；备注：对应观测点8.5.1；含中职；单位：个")
    assert pairs == [("任务", "共建基地"), ("备注", "对应观测点8.5.1；含中职"), ("单位", "个")]
    assert read_number("≥90") == (90.0, True) and read_number("45以上") == (45.0, True)
    assert read_number("是") == (None, False)


def test_task_row_by_its_own_column():
    c = chunk(
        "序号：3；任务名称：共建产业学院；对应观测点：7.2.1；单位：个；2026年目标：4；2027年目标：6",
        doc_type="plan",
        kind="record",
        sheet="表1",
        row=5,
    )
    figs = reader().read_record(c)
    assert {(f.code, f.year, f.number, f.role) for f in figs} == {
        ("7.2.1", 2026, 4.0, "target"),
        ("7.2.1", 2027, 6.0, "target"),
    }
    assert figs[0].task == "共建产业学院"


def test_ledger_rows_say_yearly_or_cumulative():
    r = reader()
    yearly = r.read_record(
        chunk(
            "观测点编号：8.5.2；年度：2026；数值：300；单位：个；备注：当年新增",
            kind="record",
            row=3,
        )
    )
    cum = r.read_record(
        chunk(
            "观测点编号：8.5.2；年度：2027；数值：700；单位：个；备注：建设以来累计（截至2027-10-31）",
            kind="record",
            row=4,
        )
    )
    empty = r.read_record(
        chunk("观测点编号：8.5.3；年度：2026；备注：暂无数据", kind="record", row=5)
    )
    assert yearly[0].basis == "yearly" and yearly[0].number == 300
    assert cum[0].basis == "cumulative" and cum[0].as_of == "2027-10-31"
    assert empty[0].empty and empty[0].note == "暂无数据"


def test_sentences_state_figures_for_points():
    figs = reader().read_prose(
        chunk("2026年，新增共建现代产业学院3个，共建实训基地12个，工位420个，其中数控工位80个。")
    )
    got = {(f.code, f.number) for f in figs}
    assert {("7.2.1", 3.0), ("8.5.1", 12.0), ("8.5.2", 420.0)} <= got
    assert all(f.number != 80 for f in figs)  # "其中" is a part, not the whole
    assert all(f.year == 2026 and f.basis == "yearly" for f in figs)


def test_plans_and_planning_sections_state_no_actuals():
    r = reader()
    assert r.read_prose(chunk("共建实训基地12个。", doc_type="plan")) == []
    assert r.read_prose(chunk("共建实训基地12个。", heading="四、2027年工作计划")) == []
    assert r.read_prose(chunk("年度目标为共建实训基地12个。")) == []


def test_conflicting_figures_are_shown_side_by_side():
    chunks = [
        chunk(
            "序号：1；任务：共建实训基地；单位：个；2026年目标：10；备注：对应观测点8.5.1",
            doc_type="plan",
            kind="record",
            row=2,
            title="任务表",
        ),
        chunk(
            "观测点编号：8.5.1；年度：2026；数值：9；单位：个", kind="record", row=2, title="台账"
        ),
        chunk("2026年共建实训基地11个。", title="简报"),
    ]
    m = build_matrix(chunks, 2026)
    row = m.row("8.5.1")
    assert row.actual.number == 9 and row.status == "not_met" and row.completion == 90.0
    assert [f.number for f in row.conflicts] == [11.0]
    assert {r.source for r in row.refs()} == {"任务表.x", "台账.x", "简报.x"}
    assert any("不一致" in n for n in row.notes)
