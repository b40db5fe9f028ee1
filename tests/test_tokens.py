"""How questions are read: search tokens, concepts and what a question asks for."""

from ingest.tokens import asked_attributes, concepts, tokenize


def test_search_tokens_keep_codes_and_compounds_whole():
    tokens = tokenize("观测点8.5.2与职工教育经费")
    assert "8.5.2" in tokens and "职工教育经费" in tokens and "经费" in tokens


def test_concepts_are_content_words_with_their_parts():
    got = dict(concepts("企业职工教育经费在计算应纳税所得额时可以扣除多少？"))
    assert got["职工教育经费"] == ["职工", "教育", "经费"]
    assert "多少" not in got and "可以" not in got and "应" not in got
    # codes and class labels stay one concept; framing words are not concepts
    assert [w for w, _ in concepts("观测点6.1.2在2024年的数值")][:3] == ["观测点", "6.1.2", "2024"]
    assert "e类" in dict(concepts("青羊经开区对E类人才的租房补贴每月多少？"))
    assert dict(concepts("牵头企业需要满足什么条件？")).keys() == {"牵头", "企业"}


def test_what_a_question_asks_for():
    def asked(q):
        return [w for w, _ in asked_attributes(q)]

    assert asked("《飞机复合材料成型工艺》课程的学费是多少？") == ["学费"]
    assert asked("钛合金激光选区熔化成形工艺的专利号是多少？") == ["专利号"]
    assert "留学生" in asked("2024年联合体招收了多少名留学生？")
    # abstract words and yes/no questions ask for nothing a passage must name
    assert "比例" not in asked("研发费用加计扣除的比例是多少？")
    assert asked("青教发〔2024〕18号现在还有效吗？") == []
    assert "上限" not in asked("职工教育经费扣除的上限是多少？")


def test_a_question_is_searched_with_the_forms_documents_use():
    from ingest.tokens import held, query_tokens

    # "医保"/"三甲" as people say it; "医疗保险"/"三级甲等" as the handbook writes it
    tokens = query_tokens("城乡居民医保去三甲医院住院报销多少？")
    assert {"医保", "三甲"} <= set(tokens) and {"医疗保险", "三级", "甲等"} <= set(tokens)
    # a form the index knows as one word is added whole, not as its parts as well
    whole = query_tokens("医保报销", vocabulary={"医疗保险": 3})
    assert "医疗保险" in whole and "医疗" not in whole
    assert query_tokens("产教融合型企业") == tokenize("产教融合型企业")  # nothing to widen
    assert held("三甲", "三级甲等医疗机构；报销比例：55%") and not held("三甲", "三级乙等医疗机构")


def test_english_domain_terms_have_their_chinese_forms():
    from ingest.glossary import chinese_terms

    got = chinese_terms("What is the education surcharge rate levied on VAT and consumption tax?")
    assert got[:1] == ["教育费附加"] and {"增值税", "消费税"} <= set(got)
    # the longest term wins, plurals are found, and unknown words add nothing
    assert chinese_terms("Vocational Education Law subsidies") == ["职业教育法", "补贴"]
    assert chinese_terms("Where is the cafeteria?") == []


def test_words_that_only_frame_a_question_are_not_concepts():
    got = [w for w, _ in concepts("企业投钱办职业教育，这笔钱能不能拿来抵教育费附加？")]
    assert "这笔" not in got and "职业教育" in got and "教育费附加" in got
    got = [w for w, _ in concepts("法律上说的中小企业到底包括哪几类？")]
    assert "到底" not in got and "中小企业" in got
    # a numeral that states something stays
    assert "2024" in [w for w, _ in concepts("2024年招了几个学徒？")]


def test_places_a_question_names():
    from ingest.tokens import holds_place, places

    assert places("内江驻广州市的农民工服务工作站站长是谁？") == ["广州市"]
    assert places("河北专升本考试考多长时间？") == ["河北"]
    assert places("内江高新区劳动人事争议仲裁院的地址") == ["高新区"]
    assert places("全市的园区有多少家企业？") == []  # kinds of places, not places
    assert holds_place("成都市", "成都青羊经开区") and not holds_place("广州市", "东莞市")


def test_a_place_named_as_a_documents_issuer_or_as_where_the_asker_is():
    from ingest.tokens import issued_by

    assert issued_by("广东省职业教育条例对职工教育经费怎么规定？", "广东省")
    assert issued_by("内江市的创业补贴政策有哪些？", "内江市")
    assert not issued_by("四川的企业招用残疾人能享受什么优惠？", "四川")


def test_grades_written_in_roman_numerals_or_digits_are_one_concept():
    from assistant.answer import _holds_label

    got = [w for w, _ in concepts("射线检测Ⅲ级人员资格培训多少钱？")]
    assert "iii级" in got
    assert "3级" in [w for w, _ in concepts("无损检测3级证书")]
    # a label is held whole: Ⅰ级 is not Ⅱ级
    assert _holds_label("i级", "资格证书（i级）") and not _holds_label("i级", "资格证书（rtii级）")
    assert _holds_label("ii级", "资格证书（rtii级）") and not _holds_label("iii级", "（rtii级）")
