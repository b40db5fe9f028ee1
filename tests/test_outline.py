"""A document's outline from its passages' heading paths."""

from assistant.outline import asked_parts, of_parts, style, top_headings
from ingest.types import Chunk, DocMeta

_DOC = DocMeta(doc_id="d", source="docs/示例办法.html", title="示例办法")


def _chunk(n: int, heading: str) -> Chunk:
    return Chunk(
        chunk_id=f"d-{n}", doc=_DOC, text=f"正文{n}", search_text=f"正文{n}", heading=heading
    )


def test_the_outline_is_the_first_level_of_the_headings_in_order():
    chunks = [
        _chunk(0, "示例办法"),
        _chunk(1, "示例办法 > 第一章 总则"),
        _chunk(2, "示例办法 > 第二章 申请条件 > （一）个人"),
        _chunk(3, "示例办法 > 第二章 申请条件 > （二）单位"),
        _chunk(4, "示例办法 > 第三章 附 则 第二十条 本办法自发布之日起施行。"),
    ]
    outline = top_headings(chunks, "示例办法")
    # below the title, the chapter number with its name (its spaced-out characters joined),
    # each cited by its first passage
    assert [h for h, _ in outline] == ["第一章 总则", "第二章 申请条件", "第三章 附则"]
    assert [c.chunk_id for _, c in outline] == ["d-1", "d-2", "d-4"]


def test_the_outline_keeps_the_highest_numbering_level():
    chunks = [
        _chunk(1, "一、总体目标"),
        _chunk(2, "二、主要任务 > （一）合作办学"),
        _chunk(3, "（六）主要指标汇总 表1"),  # a caption ingest took for a heading
        _chunk(4, "三、保障措施 全年工作按月推进"),  # a heading joined with its next line
    ]
    assert [h for h, _ in top_headings(chunks, "示例计划")] == [
        "一、总体目标",
        "二、主要任务",
        "三、保障措施",
    ]
    # unnumbered categories are the outline when nothing is numbered
    plain = [
        _chunk(1, "就业类 问：去哪里登记？"),
        _chunk(2, "社保类"),
        _chunk(3, "社保类 问：怎么缴？"),
    ]
    assert [h for h, _ in top_headings(plain, "示例手册")] == ["就业类", "社保类"]
    assert [style(h) for h in ("第一章 总则", "一、目标", "（一）个人", "1.范围", "附则")] == [
        "chapter",
        "cn",
        "paren",
        "arabic",
        "plain",
    ]


def test_a_part_asked_by_its_place_is_its_heading():
    assert asked_parts("示例办法第二章叫什么") == ["第二章"]
    assert asked_parts("示例办法第2章和最后一章是什么") == ["第2章", "last"]
    # an article of a chapter asks the article's text, not a heading
    assert asked_parts("示例办法第二章第五条怎么规定") == []
    assert asked_parts("示例办法有哪些规定") == []
    chunks = [
        _chunk(1, "示例办法 > 第一章 总则"),
        _chunk(2, "示例办法 > 第二章 申请条件"),
        _chunk(3, "示例办法 > 第三章 附则"),
    ]
    outline = top_headings(chunks, "示例办法")
    # digits meet numerals; the last part is the last heading; a part it lacks is no answer
    picked = of_parts(outline, ["第2章", "last"])
    assert [h for h, _ in picked] == ["第二章 申请条件", "第三章 附则"]
    assert of_parts(outline, ["第九章"]) is None


def test_the_parts_covering_something_are_those_whose_passages_hold_it():
    from assistant.outline import _covering, _line_holding
    from assistant.retrieve import Retriever

    def chunk(n: int, heading: str, text: str) -> Chunk:
        return Chunk(chunk_id=f"d-{n}", doc=_DOC, text=text, search_text=text, heading=heading)

    chunks = [
        chunk(1, "第一章 总则", "第一条 为了规范管理，制定本办法。"),
        chunk(2, "第二章 贷款", "第五条 创业担保贷款额度不超过20万元。"),
        chunk(3, "第二章 贷款", "第六条 贴息按季拨付。\n第七条 创业担保贷款期限3年。"),
        chunk(4, "第三章 附则", "第九条 本办法自发布之日起施行。"),
    ]
    outline = top_headings(chunks, "示例办法")
    rest = [("贴息", [])]
    # the part runs from its first passage to the next part's: the second passage counts
    assert [h for h, _ in _covering(outline, chunks, rest, Retriever)] == ["第二章 贷款"]
    assert _line_holding(chunks, chunks[1], rest, Retriever) == ("第六条 贴息按季拨付。", chunks[2])
    assert _covering(outline, chunks, [("罚款", [])], Retriever) == []


def test_a_count_of_chapters_is_said_as_the_document_numbers_them():
    from assistant.outline import _count_of

    chapters = [_chunk(i, f"第{n}章 名称{i}") for i, n in enumerate("一二三", 1)]
    assert _count_of(top_headings(chapters, "示例办法")) == "共三章"
    digits = [_chunk(i, f"第{i}章 名称{i}") for i in range(1, 5)]
    assert _count_of(top_headings(digits, "示例办法")) == "共4章"
    parts = [_chunk(1, "一、目标"), _chunk(2, "二、任务")]
    assert _count_of(top_headings(parts, "示例计划")) == "按标题分为2个部分"
