"""Where a document states its own date, validity, title and 文号 (which fact a question
asks is read in assistant/question.py, tested in test_question.py)."""

from assistant.doc_facts import (
    DOC_NO,
    ISSUE_DATE,
    TITLE,
    VALIDITY,
    fact_passage,
    states_fact,
)
from ingest.types import Chunk, DocMeta

DOC = DocMeta(
    doc_id="d",
    source="n.docx",
    title="关于实施学徒制补贴的通知",
    date="2023-06-20",
    doc_number="青人社发〔2023〕21号",
)


def _chunk(text: str, n: int) -> Chunk:
    return Chunk(chunk_id=f"d-v-{n:05d}", doc=DOC, text=text, search_text=text)


CHUNKS = [
    _chunk("关于实施学徒制补贴的通知\n青人社发〔2023〕21号\n各有关企业：", 9),
    _chunk(
        "各有关企业：为推行新型学徒制，现将有关事项通知如下。2023年6月20日前备案的项目照旧。", 0
    ),
    _chunk("三、补贴标准 培养中级工的，按每人每年4000元给予补贴。", 1),
    _chunk("六、其他事项 本通知自2023年7月1日起施行，有效期至2025年12月31日。", 2),
    _chunk("成都市青羊区人力资源和社会保障局\n2023年6月20日", 3),
]


def test_the_signature_date_and_the_closing_article_are_the_passages_that_state_it():
    assert fact_passage(CHUNKS, ISSUE_DATE) is CHUNKS[4]  # the last, after a mention in the body
    assert fact_passage(CHUNKS, VALIDITY) is CHUNKS[3]
    assert fact_passage(CHUNKS, TITLE) is CHUNKS[0] and fact_passage(CHUNKS, DOC_NO) is CHUNKS[0]
    assert not states_fact(_chunk("关于实施", 8), TITLE)  # a fragment of the title is not it
    row = Chunk("d-v-00007", DOC, "需求标题：检测；发布日期：2023年6月20日", "…", kind="record")
    assert not states_fact(row, ISSUE_DATE)  # a row's date is the row's
    assert not states_fact(CHUNKS[2], ISSUE_DATE) and not states_fact(CHUNKS[2], VALIDITY)
    undated = DocMeta(doc_id="u", source="u.md", title="无日期")
    assert (
        fact_passage([Chunk("u-1", undated, "2023年6月20日", "2023年6月20日")], ISSUE_DATE) is None
    )
