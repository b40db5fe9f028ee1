"""Extractive answers: which sentences of the retrieved passages answer a question."""

from assistant.extract import pick_sentences
from ingest.types import Chunk, DocMeta, Hit

FLAT_TABLE = """三、补贴标准
职业技能培训补贴按照职工取得证书的等级给予定额补贴。具体标准见下表。
某区技能培训补贴标准一览表
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


def _sentences(text: str, source: str = "p.pdf") -> list[str]:
    from assistant.extract import sentences_of

    doc = DocMeta(doc_id="d", source=source, title="示例")
    return [t for _, t in sentences_of(Chunk(chunk_id="c", doc=doc, text=text, search_text=text))]


def _holds_words(*words):
    return lambda s: sum(w in s for w in words) / len(words)


def _picked(text: str, question: str, *words: str) -> list[str]:
    """The sentences picked from one passage for `question`, judged by `words`."""
    return [
        p.text for p in pick_sentences(question, [Hit(_chunk(text), 1.0, 1)], _holds_words(*words))
    ]


def test_the_row_asked_about_is_picked_and_the_question_echo_is_not():
    rows = [
        "证书等级：五级/初级工；一般企业职工（元/人）：1000；产业链企业职工（元/人）：1200",
        "证书等级：三级/高级工；一般企业职工（元/人）：2000；产业链企业职工（元/人）：2400",
    ]
    hits = [
        Hit(Chunk(**{**_chunk(r, cid=f"r{i}").__dict__, "kind": "record"}), 1.0, i + 1)
        for i, r in enumerate(rows)
    ]
    picked = pick_sentences("高级工证书补贴多少？", hits, _holds_words("高级工", "补贴"))
    assert [p.chunk.chunk_id for p in picked] == ["r1"]  # the row asked about, whole
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


def test_a_lead_in_that_repeats_the_question_still_brings_its_items():
    """ "下列…：" says nothing the question does not, but its items are the answer; the
    item that repeats the question least must not stand for the list."""
    text = (
        "第八条 学校应当为教师提供进修条件。\n"
        "下列费用不得从培训经费中列支：\n"
        "（一）差旅交通费；\n"
        "（二）出国考察费；\n"
        "（三）其他不得从培训经费中列支的费用。"
    )
    joined = "".join(
        _picked(text, "哪些费用不得从培训经费中列支？", "费用", "不得", "培训经费", "列支")
    )
    assert "差旅交通费" in joined and "出国考察费" in joined


def test_a_sentence_a_pdf_line_break_cut_is_read_whole():
    from assistant.extract import sentences_of

    text = (
        "二、培养方式\n订单班是指学校与企业按照“共同招生、共同培养、定向就业”\n"
        "的方式联合办学的培养形式。\n（一）招生\n和企业签订协议。"
    )
    got = [t for _, t in sentences_of(_chunk(text))]
    assert "订单班是指学校与企业按照“共同招生、共同培养、定向就业”的方式联合办学的培养形式。" in got
    assert "（一）招生和企业签订协议。" not in got  # an item heading ends its line: no join
    # a passage cut mid-sentence opens with the rest of it: nothing above to join, read as is
    opening = "的方式联合办学的培养形式。\n（一）招生\n和企业签订协议。"
    assert [t for _, t in sentences_of(_chunk(opening))][0] == "的方式联合办学的培养形式。"


def test_a_full_pdf_line_that_stops_mid_word_goes_on_below():
    text = (
        "（3）了解示例系统的数据采集、数据清洗、数据存\n储、数据分析和结果展示的基本流程。\n"
        "（4）掌握常用工具。\n课程目标\n学生能够完成项目。"
    )
    got = _sentences(text)
    assert "（3）了解示例系统的数据采集、数据清洗、数据存储、数据分析和结果展示的基本流程。" in got
    # a numbered item and a short line (a heading, a cell) begin their own
    assert "（4）掌握常用工具。" in got and "学生能够完成项目。" in got
    # a Word document's lines are its paragraphs: no join
    assert "储、数据分析和结果展示的基本流程。" in _sentences(text, "w.docx")


def test_a_question_line_of_a_faq_is_read_with_its_answer():
    text = (
        "问：示例单位职工异地就医，可以直接结算\n吗？\n答：可以。备案后在定点医院直接结算。\n"
        "问：备案要多久？\n答：一般3个工作日内办结。逾期的可电话咨询。"
    )
    got = _sentences(text)
    assert (
        got[0] == "问：示例单位职工异地就医，可以直接结算吗？答：可以。备案后在定点医院直接结算。"
    )
    # an answer of its own sentence is joined; what follows it stands alone
    assert got[1] == "问：备案要多久？答：一般3个工作日内办结。"
    assert got[2] == "逾期的可电话咨询。"


def test_a_short_clause_with_a_new_number_is_an_answer_not_an_echo():
    text = (
        "第四十二条 项目实行绩效评价，评价结果分为优秀、良好、合格、不合格四个等级。"
        "奖补资金根据绩效核定：评价为优秀的，按项目包经费额度的100%给予奖补；"
        "良好的，按80%给予奖补；合格的，按60%给予奖补；"
    )
    hit = Hit(_chunk(text), 1.0, 1)
    picked = pick_sentences(
        "评价结果是良好的话能按多少比例拿奖补？",
        [hit],
        _holds_words("良好", "奖补", "绩效评价"),
    )
    assert "良好的，按80%给予奖补；" in [p.text for p in picked]


def test_the_line_above_a_signature_date_is_not_a_table_header():
    from assistant.extract import _paragraph_lead

    text = "（三）组织保障。各单位落实责任。\n某市职业教育集团办公室\n2026年3月2日"
    assert _paragraph_lead(text, text.index("2026")) == ""
    # a row of a real table is read after the line that introduces the table
    lead = _paragraph_lead(FLAT_TABLE, FLAT_TABLE.index("三级/高级工"))
    assert lead.endswith("具体标准见下表。")


def test_a_list_question_is_answered_by_the_matching_rows_each_by_its_first_fields():
    from assistant.extract import row_excerpt
    from assistant.question import read_question

    assert read_question("航空职业技术大学开了哪些跟复合材料有关的课？").intent == "list"
    assert read_question("无损检测那门课一共多少学时？").intent != "list"
    row = "序号：2；课程名称：复合材料无损检测技术；开课学校：成都航空职业技术大学；专业（群）：飞行器制造技术专业群；课程类型：省级精品；学时：48"
    short = row_excerpt(row, 60)
    assert short.startswith("序号：2；课程名称：复合材料无损检测技术；") and short.endswith("；…")
    assert len(short) <= 61 and row_excerpt("课程名称：钣金", 60) == "课程名称：钣金"
    rows = [
        ("复合材料无损检测技术", "成都航空职业技术大学"),
        ("复合材料结构修理", "成都航空职业技术大学"),
        ("复合材料成型技术", "成都工业职业技术学院"),
    ]
    hits = []
    for i, (course, school) in enumerate(rows):
        c = _chunk(f"课程名称：{course}；开课学校：{school}；学时：48", cid=f"r{i}")
        hits.append(Hit(Chunk(**{**c.__dict__, "kind": "record"}), 1.0, i + 1))
    picked = pick_sentences(
        "成都航空职业技术大学开了哪些跟复合材料有关的课？",
        hits,
        _holds_words("成都航空职业技术大学", "复合材料", "课程"),
    )
    assert [p.chunk.chunk_id for p in picked] == ["r0", "r1"]  # the other school's row is not


def test_a_line_that_says_more_replaces_the_one_it_contains():
    text = "成都市青羊区教育局\n区域推进产教融合的实践创新\n成都市青羊区教育局 张勇\n2025年12月16日"
    hit = Hit(_chunk(text), 1.0, 1)
    picked = pick_sentences("这次汇报是青羊区教育局谁做的？", [hit], _holds_words("青羊区教育局"))
    texts = [p.text for p in picked]
    assert "成都市青羊区教育局 张勇" in texts and "成都市青羊区教育局" not in texts


def test_each_part_of_a_question_asking_two_things_gets_its_sentence():
    text = (
        "第二十条 本细则由区人才工作办公室负责解释。\n"
        "第二十一条 申报材料报区政务服务中心。\n"
        "第二十二条 本细则自2030年1月1日起生效。"
    )
    hit = Hit(_chunk(text, heading="附则"), 1.0, 1)
    question = "这份细则的解释权归哪个单位？什么日期生效？"
    # the first part weighs most in the whole question: its sentence alone is picked
    whole = _holds_words("负责解释", "人才工作办公室", "解释", "单位", "生效")
    alone = [p.text for p in pick_sentences(question, [hit], whole)]
    assert not any("生效" in t for t in alone)
    parts = (_holds_words("负责解释", "单位"), _holds_words("生效"))
    texts = [p.text for p in pick_sentences(question, [hit], whole, part_holds=parts)]
    assert any("负责解释" in t for t in texts) and any("生效" in t for t in texts)
    assert not any("政务服务中心" in t for t in texts)


def test_a_later_sub_question_is_shown_the_sentence_of_the_first_ones_subject(real_index):
    """ "…任期几年" alone is about any term of office: read with the first sub-question's
    subject it is the referees' term, not the volunteers' that ranks first."""
    from assistant.answer import extractive_answer
    from assistant.question import read_question

    def hit(cid: str, title: str, text: str, rank: int) -> Hit:
        doc = DocMeta(doc_id=cid, source=f"docs/{cid}.md", title=title)
        return Hit(
            Chunk(chunk_id=cid, doc=doc, text=text, search_text=f"{title}\n{text}"), 1.0, rank
        )

    hits = [
        hit("vol", "示例志愿者服务办法", "志愿者队伍由团委组建。志愿者每届任期两年，可以连任。", 1),
        hit(
            "ref",
            "示例竞赛组委会章程",
            "裁判组由各参赛学校选派的教师组成，裁判人数为20至30人。裁判每届任期四年，可以连任。",
            2,
        ),
    ]
    spec = read_question("竞赛裁判组的裁判一共二十到三十人吗？任期几年？")
    answer = extractive_answer(spec, hits, real_index.retriever).answer
    assert "裁判每届任期四年" in answer and "20至30人" in answer
    assert "志愿者每届任期两年" not in answer


def test_each_side_naming_a_document_by_its_year_gets_that_documents_sentence():
    """ "2021年的旧办法和2024年的新办法…分别": neither notice's sentence writes its year; the
    side of each is judged under its notice's 文号 and shown that notice's sentence."""

    def notice(number: str, sentence: str, cid: str, rank: int) -> Hit:
        doc = DocMeta(doc_id=cid, source=f"{cid}.md", title="某区见习补贴办法", doc_number=number)
        text = f"三、补贴标准\n{sentence}\n补贴期限最长不超过12个月。"
        chunk = Chunk(chunk_id=cid, doc=doc, text=text, search_text=text, heading="补贴标准")
        return Hit(chunk, 1.0, rank)

    hits = [
        notice("某人社发〔2024〕3号", "按每人每月2400元给予见习单位补贴。", "new", 1),
        notice("某人社发〔2021〕9号", "见习人员每人每月1800元。", "old", 2),
    ]
    question = "2021年的旧办法和2024年的新办法每人每月分别补多少？"
    whole = _holds_words("见习单位", "给予", "补贴", "每人每月")
    sides = (_holds_words("2021", "每人每月"), _holds_words("2024", "每人每月"))
    texts = [p.text for p in pick_sentences(question, hits, whole, part_holds=sides)]
    assert any("1800" in t for t in texts) and any("2400" in t for t in texts)


def test_what_a_term_is_is_answered_by_the_sentence_that_says_so():
    text = (
        "问：什么是临时救助？申请对象有哪些？\n"
        "答：临时救助分为急难型临时救助和支出型临时救助两类，按类别确定标准。\n"
        "临时救助是政府对遭遇突发事件的家庭给予的应急性、过渡性救助。"
    )
    texts = _picked(text, "什么是临时救助？", "临时救助", "急难型", "支出型")
    assert any(t.startswith("临时救助是政府") for t in texts)  # though it holds fewer words


def test_a_short_list_of_rows_shows_them_whole_and_a_long_one_by_first_fields():
    from assistant.extract import ROW_EXCERPT

    rows = [
        "培训项目：三坐标精密测量；承办单位：青羊实训中心；培训对象：企业检验员；"
        "培训时间：2030年1月；学时：40；负责人：王老师；费用：2000元/人",
        "培训项目：精密测量与数控编程；承办单位：锦江职业学校；培训对象：在校教师；"
        "培训时间：2031年3月；学时：56；地点：东门校区；费用：1500元/人",
        "培训项目：航空零件精密测量实训；承办单位：某某航空大学；面向：企业技术员；"
        "开班：春季；课时：72；人数上限：20；收费：3800元/人",
        "培训项目：精密测量仪器维护；主办：武侯计量所；对象：设备管理员；"
        "时间：2032年秋；周期：两周；证书：结业证；价格：900元/人",
        "培训项目：精密测量质量体系；组织者：金牛质检站；学员：质量工程师；"
        "日期：2033年5月；时长：三天；考核：笔试；报名费：600元/人",
    ]

    def pick(n):
        hits = []
        for i, r in enumerate(rows[:n]):
            c = _chunk(r, cid=f"r{i}")
            hits.append(Hit(Chunk(**{**c.__dict__, "kind": "record"}), 1.0, i + 1))
        return pick_sentences("有哪些精密测量培训？", hits, _holds_words("精密测量", "培训"))

    note = "；说明：结业后颁发培训证明，学员须自带劳保用品并提前一周到承办单位报到登记"
    rows = [r.replace("；", note + "；", 1) for r in rows]

    assert all(p.text.endswith("元/人") for p in pick(2))
    long = pick(5)
    assert len(long) > 3 and all(len(p.text) <= ROW_EXCERPT + 1 for p in long[1:])
    # the field every row shares is said once, in the first item
    assert "说明" in long[0].text and not any("说明" in p.text for p in long[1:])


def test_items_of_one_enumerated_list_come_together():
    # the first item shares no word with the question; its siblings do
    text = (
        "第八条 申报单位应当提交下列材料：\n"
        "（一）申请表；\n"
        "（二）培训计划和考勤记录；\n"
        "（三）培训合格证书复印件；\n"
        "（四）对公账户信息。\n"
        "第九条 申报流程如下：\n"
        "（一）单位网上填报；\n"
        "（二）主管部门初审。"
    )
    hits = [Hit(_chunk(text), 1.0, 1)]
    holds = _holds_words("培训", "材料", "证书", "计划", "考勤", "账户")
    got = "".join(p.text for p in pick_sentences("申报培训补贴要交哪些材料？", hits, holds))
    assert "（一）申请表；" in got and "（四）对公账户信息。" in got
    assert "主管部门初审" not in got  # the next list, after the next lead-in, is not these
    # without the lead-in, the items chosen bring the ones before them
    items = "\n".join(text.split("\n")[1:5])
    got = "".join(
        p.text
        for p in pick_sentences("申报培训补贴要交哪些材料？", [Hit(_chunk(items), 1.0, 1)], holds)
    )
    assert "（一）申请表；" in got and "（三）培训合格证书复印件；" in got
    # and when other sentences already fill the answer, the list's first item still comes
    from assistant.extract import Picked, _with_sibling_items, sentences_of

    chunk = _chunk(items)
    sentences = sentences_of(chunk)
    chosen = [Picked(t, chunk, 1, pos, 1.0) for pos, t in sentences[1:3]]
    fillers = [Picked(f"其他句子{i}", _chunk("x", cid=f"o{i}"), 2, 0, 0.5) for i in range(6)]
    out = _with_sibling_items(chosen + fillers, {chunk.chunk_id: sentences}, limit=8)
    assert "（一）申请表；" in [p.text for p in out]


def test_a_yes_no_question_is_answered_by_the_rule_that_repeats_it_with_a_verdict():
    """A sentence that differs from a yes-or-no question only by its verdict ("不得") adds
    the answer: it is no echo. Without that, a nearby sentence sharing fewer words wins."""
    text = (
        "第十条 实施职业培训的机构可以自主选用教材。"
        "使用外文教材的，应当符合国家有关规定。"
        "实施学历教育的培训机构不得使用外文教材。"
    )
    hit = Hit(_chunk(text), 1.0, 1)
    question = "实施学历教育的培训机构能不能使用外文教材？"
    picked = pick_sentences(
        question, [hit], _holds_words("实施", "学历教育", "培训机构", "使用", "外文教材")
    )
    best = max(picked, key=lambda p: p.score)
    assert best.text == "实施学历教育的培训机构不得使用外文教材。"


def test_the_clauses_of_one_sentence_come_whole_when_two_of_them_answer():
    """ "市级…；区级…；街道…。": the clause sharing fewest of the question's words is as
    much a part of the answer as the two that share more."""
    text = (
        "问：某市的三级培训网络怎样构成？\n"
        "答：培训网络覆盖市、区、街道三级。其构成包括市级设立培训中心，负责统筹调度；"
        "区级成立培训站，建立学员台账；"
        "街道（社区）配备联络员，提供上门服务。\n"
        "问：培训网络有什么作用？\n答：方便学员就近参加。"
    )
    hit = Hit(_chunk(text), 1.0, 1)
    other = Hit(_chunk("市级培训中心统筹全市培训网络的调度。", cid="c2"), 1.0, 2)
    picked = pick_sentences(
        "某市培训网络里，市级、区级、街道各自设了什么？",
        [hit, other],
        _holds_words("培训网络", "市级", "区级", "培训中心", "培训站"),
    )
    joined = "".join(p.text for p in picked)
    assert "街道（社区）配备联络员" in joined


def test_a_line_already_inside_another_chosen_line_is_not_shown_twice():
    """The clause asked about ranks first on its own; its lead-in then brings the whole list,
    clause included: the answer shows the list once."""
    text = (
        "第十二条 培训设备的最低使用年限如下：\n(一)数控机床，为8年；\n"
        "(二)办公桌椅等家具，为5年；\n(三)计算机，为3年。"
    )
    hit = Hit(_chunk(text), 1.0, 1)
    picked = pick_sentences(
        "培训用的家具最低使用年限是几年？",
        [hit],
        _holds_words("家具", "培训设备", "最低", "使用年限", "5年"),
    )
    texts = [p.text for p in picked]
    assert sum("办公桌椅等家具，为5年" in t for t in texts) == 1


def test_a_long_list_of_rows_shows_what_sets_each_row_apart():
    """The fields every row shares are said once, in the first item; a cell listing other
    things is left out of the items; each item keeps the fields that tell it apart."""
    programmes = [
        ("会计学", 30, "管理学", "审计/税务/金融/统计"),
        ("机械电子工程", 25, "工学", "车辆/机械/能源/材料"),
        ("汉语言文学", 40, "文学", "新闻/历史/哲学/秘书"),
        ("护理学", 15, "医学", "药学/康复/助产/检验"),
    ]
    rows = [
        f"序号：{i}；院校名称：绵阳某某学院；办学性质：公办院校；专业名称：{name}；"
        f"门类：{kind}；同组专业：{group}；计划人数：{n}；学费：{4000 + 300 * i}"
        for i, (name, n, kind, group) in enumerate(programmes, start=1)
    ]
    hits = [
        Hit(Chunk(**{**_chunk(r, cid=f"r{i}").__dict__, "kind": "record"}), 1.0, i + 1)
        for i, r in enumerate(rows)
    ]
    picked = pick_sentences(
        "绵阳某某学院有哪些专业，各招多少人？", hits, _holds_words("绵阳某某学院", "专业")
    )
    texts = [p.text for p in picked]
    assert len(texts) == 4
    assert "院校名称：绵阳某某学院" in texts[0]
    for text, n in zip(texts[1:], ("25", "40", "15"), strict=True):
        assert "院校名称" not in text and "同组专业" not in text
        assert f"计划人数：{n}" in text


def test_a_figure_asked_in_a_unit_is_answered_by_the_sentence_stating_it_in_that_unit():
    text = (
        "申请人应提交下列材料：\n（一）本人身份证原件；\n（二）近期免冠照片2张；\n"
        "（三）申请表（一式两份）。\n办理时工作人员不得替申请人填写申请表。"
    )
    hit = Hit(_chunk(text, "申请材料"), 1.0, 1)
    picked = pick_sentences("办理时申请表要交几份？", [hit], _holds_words("申请表", "办理"))
    # the rule that repeats the question's words states no figure; the line that does
    # holds fewer of them
    assert "（三）申请表（一式两份）。" in [p.text for p in picked]


def test_a_sentence_announcing_the_items_after_it_brings_them():
    """ "可享受以下服务。" ends without a colon and its items are marked 一是, 二是."""
    text = (
        "问：入驻孵化园后能享受哪些扶持？\n答：入驻企业可享受以下扶持。一是场地租金减免。"
        "前两年免收租金。二是创业导师辅导。每家企业配一名导师。\n"
        "问：怎样申请入驻孵化园？\n答：向园区管委会提交申请书。"
    )
    picked = _picked(text, "入驻孵化园以后有哪些扶持？", "入驻", "孵化园", "扶持")
    (listed,) = [p for p in picked if "场地租金减免" in p]
    assert "创业导师辅导" in listed
    assert "管委会" not in listed  # the next question and its answer are not this one's items


def test_an_answer_opening_with_its_first_item_brings_the_others():
    text = (
        "问：逾期不报送年报的企业会怎样？\n答：（一）被列入经营异常名录；（二）处以罚款；"
        "（三）不得参加评优。\n问：年报什么时候报？\n答：每年1月1日至6月30日。"
    )
    joined = "".join(
        _picked(text, "企业逾期不报送年报有什么后果？", "逾期", "报送", "年报", "企业")
    )
    assert "处以罚款" in joined and "不得参加评优" in joined


HANDBOOK = (
    "问：临时救助金怎么申领？\n"
    "答：线上：（1）某某APP；（2）某某服务平台。\n"
    "线下：街道便民服务窗口。\n"
    "问：救助金多久到账？\n"
    "答：审批通过后按月发放。"
)


def test_a_handbooks_answer_is_read_after_its_question():
    """Its lines never name what was asked; the question line before them does."""
    from assistant.extract import answered_question

    at = HANDBOOK.index("（2）")
    assert answered_question(HANDBOOK, at) == "问：临时救助金怎么申领？"
    assert answered_question(HANDBOOK, HANDBOOK.index("线下")) == "问：临时救助金怎么申领？"
    assert answered_question(HANDBOOK, HANDBOOK.index("审批")) == "问：救助金多久到账？"
    assert answered_question(HANDBOOK, HANDBOOK.index("救助金多久")) == ""  # a question itself
    assert answered_question("第一条 本办法所称救助金。\n第二条 按月发放。", 15) == ""


def test_the_answer_lines_are_picked_and_the_question_lines_are_not():
    picked = _picked(HANDBOOK, "临时救助金有哪些申领渠道？", "临时救助金", "申领", "渠道")
    assert any("某某服务平台" in t for t in picked) and any("街道" in t for t in picked)
    assert not any(t.rstrip().endswith("？") for t in picked)


def test_a_row_names_the_cells_a_question_names_whole():
    from assistant.extract import cells_named

    question = "某某学院的护理招多少人"
    own = "学校名称：某某学院；专业名称：护理；联考专业：护理/助产；计划数：380"
    other = "学校名称：某某学院；专业名称：助产；联考专业：护理/助产；计划数：375"
    assert cells_named(own, question) == 2 and cells_named(other, question) == 1


def test_an_item_picked_alone_is_shown_after_its_lead_in():
    """What holds for the item is said once, in the lead-in of its list."""
    text = (
        "第九条 职工有下列情形之一的，视同因公受伤：\n"
        "（一）在值班期间突发疾病的；\n"
        "（二）在抢险救灾中受到伤害的；\n"
        "（三）在防疫工作中感染传染病的。\n"
        "第十条 本条例自公布之日起施行。"
    )
    picked = _picked(text, "在防疫工作中感染了算不算因公受伤？", "防疫", "感染", "传染病")
    assert picked[0].startswith("第九条") and picked[1].startswith("（三）")


def test_the_option_a_sentence_names_answers_though_it_repeats_the_question():
    """ "X要掌握还是了解": "掌握X。" adds nothing but the option — which is the answer."""
    text = "".join(f"熟悉焊接电流的调节{w}。" for w in ("原理", "设备", "记录", "误差"))
    text += "掌握焊接电流的调节方法。"
    picked = _picked(text, "焊接电流的调节方法要掌握还是了解？", "焊接", "电流", "调节")
    assert "掌握焊接电流的调节方法。" in picked


def test_a_count_asked_shows_every_item_counted():
    """ "一共几个观测点，是哪些": the numbered points under the code are one list, shown whole."""
    text = (
        "5.2师资建设:建立校企人员双向流动机制,共建教师实践基地。\n"
        "5.2.1是否建立双向流动机制\n"
        "5.2.2企业兼职教师数(人)\n"
        "5.2.3共建教师实践基地数(个)\n"
        "5.2.4教师企业实践人次\n"
        "5.3实训建设:共建共享实训基地。"
    )
    picked = _picked(text, "5.2师资建设一共几个观测点？", "师资建设", "教师", "基地")
    assert all(any(t.startswith(f"5.2.{k}") for t in picked) for k in (1, 2, 3, 4))
    assert not any(t.startswith("5.3") for t in picked)


def test_a_sentence_of_a_law_is_cited_by_the_article_it_stands_in():
    from assistant.answer import article_of
    from assistant.extract import Picked

    text = (
        "第八条 单位应当建立培训制度，依照本法第三条规定执行。 第九条 单位应当按月发放津贴。"
        "津贴标准由各区自定。"
    )
    chunk = _chunk(text)

    def of(sentence):
        return article_of(Picked(sentence, chunk, 1, text.find(sentence), 1.0))

    assert of("津贴标准由各区自定。") == "第九条"  # under the article opened before it
    assert of("第八条 单位应当建立培训制度，依照本法第三条规定执行。") == "第八条"
    assert of("不在此处的一句。") == ""
    # a reference inside a sentence opens no article
    assert (
        article_of(
            Picked("依照本法第三条规定执行。", _chunk("依照本法第三条规定执行。"), 1, 0, 1.0)
        )
        == ""
    )


def test_a_later_sub_question_is_shown_the_row_writing_its_thing_whole(real_index):
    """Two rows hold the words of "…校级一等奖学金又是多少": one names it as its own item,
    the other (the first part's row) scatters 校级, 一等 and 奖学金 over cells of another
    award and holds the subject carried over besides. The row that writes the thing asked
    as the question writes it answers the later part."""
    from assistant.answer import extractive_answer
    from assistant.question import read_question

    def row(cid: str, text: str, rank: int) -> Hit:
        doc = DocMeta(doc_id="awards", source="示例奖助标准.xlsx", title="示例学院奖助标准")
        chunk = Chunk(chunk_id=cid, doc=doc, text=text, search_text=text, kind="record")
        return Hit(chunk, 1.0, rank)

    hits = [
        row(
            "national",
            "学院：示例学院；年度：今年；项目：国家奖学金；评选：校级一等推荐；发放：8000元/人",
            1,
        ),
        row("campus", "项目：校级一等奖学金；金额：3000元/人", 2),
    ]
    spec = read_question("示例学院今年评选的国家奖学金每人发放多少钱？校级一等奖学金又是多少？")
    answer = extractive_answer(spec, hits, real_index.retriever).answer
    assert "8000元" in answer and "3000元" in answer
