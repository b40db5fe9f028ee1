"""Extractive answers: which sentences of the retrieved passages answer a question."""

from assistant.extract import pick_sentences, sentences_of, table_rows
from ingest.types import Chunk, DocMeta, Hit

FLAT_TABLE = """三、补贴标准
职业技能培训补贴按照职工取得证书的等级给予定额补贴。具体标准见下表。
青羊区职业技能培训补贴标准表
证书等级
一般企业职工（元/人）
航空航天产业链企业职工
（元/人）
五级/初级工
1000
1200
三级/高级工
2000
2400
同一职工同一等级只能享受一次补贴。"""


def _chunk(text: str, heading: str = "", cid: str = "c1") -> Chunk:
    doc = DocMeta(doc_id="d", source="p.pdf", title="职业技能培训补贴通知")
    prefix = f"{doc.title} > {heading}" if heading else doc.title
    return Chunk(chunk_id=cid, doc=doc, text=text, search_text=f"{prefix}\n{text}", heading=heading)


def test_a_table_flattened_to_one_cell_a_line_is_read_back_as_rows():
    rows = table_rows(FLAT_TABLE.split("\n"))
    assert list(rows.values()) == [
        "五级/初级工：一般企业职工（元/人）1000；航空航天产业链企业职工（元/人）1200",
        "三级/高级工：一般企业职工（元/人）2000；航空航天产业链企业职工（元/人）2400",
    ]
    texts = [s for _, s in sentences_of(_chunk(FLAT_TABLE))]
    assert "三级/高级工：一般企业职工（元/人）2000；航空航天产业链企业职工（元/人）2400" in texts
    # prose is not mistaken for a table
    assert table_rows(["第一条 为了规范管理，制定本办法。", "第二条 本办法适用于全市。"]) == {}


def _holds_words(*words):
    return lambda s: sum(w in s for w in words) / len(words)


def test_the_row_asked_about_is_picked_and_the_question_echo_is_not():
    hit = Hit(_chunk(FLAT_TABLE), 1.0, 1)
    picked = pick_sentences("高级工证书补贴多少？", [hit], _holds_words("高级工", "补贴"))
    texts = [p.text for p in picked]
    assert any("2400" in t and "三级/高级工" in t for t in texts)
    echo = Hit(_chunk("2025年12月16日\n汇报人：成都市青羊区教育局 张勇", cid="c2"), 1.0, 1)
    picked = pick_sentences("2025年12月16日的汇报是谁做的？", [echo], _holds_words("2025", "汇报"))
    assert picked[0].text.startswith("汇报人")


def test_a_lead_in_brings_its_list_items():
    text = (
        "第九十二条 符合条件的小型微利企业，是指符合下列条件的企业：\n"
        "（一）工业企业，年度应纳税所得额不超过30万元，从业人数不超过100人，资产总额不超过3000万元；\n"
        "（二）其他企业，年度应纳税所得额不超过30万元，从业人数不超过80人，资产总额不超过1000万元。"
    )
    hit = Hit(_chunk(text), 1.0, 1)
    picked = pick_sentences(
        "什么条件才算小型微利企业？", [hit], _holds_words("小型微利企业", "条件")
    )
    joined = "".join(p.text for p in picked)
    assert "3000万元" in joined and "100人" in joined
