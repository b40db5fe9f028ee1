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
