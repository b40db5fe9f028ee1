"""Search tokens, the forms documents use for a word, and the English glossary."""

import pytest

from ingest.tokens import (
    SPECIFICITY_FLOOR,
    abbreviated,
    concept_spans,
    held,
    query_tokens,
    specificity,
    tokenize,
)


def test_search_tokens_keep_codes_and_compounds_whole():
    tokens = tokenize("观测点8.5.2与职工教育经费")
    assert "8.5.2" in tokens and "职工教育经费" in tokens and "经费" in tokens


def test_a_figure_in_numerals_is_searched_in_digits_too():
    """Tables write "缴费金额:2500"; a user writes "两千五"."""
    assert "2500" in tokenize("每年交两千五的档次")
    assert "30" in tokenize("比例为百分之三十")
    assert "20" not in tokenize("依照第一百二十条处理")  # a clause, not a figure


def test_a_question_is_searched_with_the_forms_documents_use():
    # "医保"/"三甲" as people say it; "医疗保险"/"三级甲等" as handbooks write it
    tokens = query_tokens("我妈的医保在三甲看病能报多少")
    assert {"医保", "三甲"} <= set(tokens) and {"医疗保险", "三级", "甲等"} <= set(tokens)
    # a form the index knows as one word is added whole, not as its parts as well
    whole = query_tokens("医保报销", vocabulary={"医疗保险": 3})
    assert "医疗保险" in whole and "医疗" not in whole
    assert query_tokens("产教融合型企业") == tokenize("产教融合型企业")  # nothing to widen
    assert held("三甲", "三级甲等医疗机构；报销比例：55%") and not held("三甲", "三级乙等医疗机构")


def test_english_domain_terms_have_their_chinese_forms():
    from ingest.glossary import chinese_terms

    got = chinese_terms("Is the education surcharge levied on VAT and consumption tax as well?")
    assert got[:1] == ["教育费附加"] and {"增值税", "消费税"} <= set(got)
    # the longest term wins, plurals are found, and unknown words add nothing
    assert chinese_terms("Vocational Education Law subsidies") == ["职业教育法", "补贴"]
    assert chinese_terms("Where is the cafeteria?") == []


def test_an_english_question_keeps_what_it_writes_as_documents_do():
    from ingest.glossary import chinese_reading, neutral_terms

    # years, dotted codes and Chinese names carry over; a bare small number does not
    got = neutral_terms("Did 德阳某某学院 meet its 2024 target for point 3.1.2 after 9 years?")
    assert got == ["德阳某某学院", "2024", "3.1.2"]
    assert neutral_terms("See code 11.2.3.") == ["11.2.3"]
    # codes of letters and figures are written alike in every language; words are not
    assert neutral_terms("Does the 5G course cover ISO9001 and B2B?") == ["5G", "ISO9001", "B2B"]
    got = chinese_reading("What was the 2024 target for observation point 3.1.2?")
    assert {"观测点", "目标", "2024", "3.1.2"} <= set(got)
    assert chinese_reading("Where is the cafeteria?") == []


@pytest.mark.parametrize(
    "text, digits",
    [
        ("百分之二十", ["20"]),
        ("最多奖十万", ["10"]),  # a sum in 万, as documents write it ("10万元")
        ("一百五十万元", ["150"]),
        ("两百块一个人", ["200"]),
        ("五千元", ["5000"]),
        ("千万别错过", []),
        ("万一没批", []),
        ("干了三年", []),  # years in words are as often idiom as figure
    ],
)
def test_amounts_in_chinese_numerals(text, digits):
    from ingest.numbers import quantities_in

    assert quantities_in(text) == digits


def test_a_word_that_is_wholly_an_amount():
    from ingest.numbers import as_quantity

    assert as_quantity("百分之二十") == "20" and as_quantity("两百块") == "200"
    assert as_quantity("十万") == "10"
    assert as_quantity("三年") is None and as_quantity("补贴") is None
    assert as_quantity("千分之五") == "5" and as_quantity("一百一十人") == "110"
    assert as_quantity("一百一十") == "110" and as_quantity("两人") is None
    assert as_quantity("五块钱") == "5" and as_quantity("三百元钱") == "300"


def test_an_elided_figure_does_not_take_the_count_after_it():
    from ingest.numbers import numeral_words

    assert numeral_words("五千三一年") == [(0, 3, "5300")]
    assert numeral_words("两万四一个月") == [(0, 3, "24000")]
    assert numeral_words("一千二百一十一") == [(0, 7, "1211")]  # a whole figure stays whole


def test_a_count_of_the_group_asked_is_told_from_a_figure():
    from ingest.numbers import group_count

    assert all(group_count(w) for w in ("四项", "两份", "三大", "五个"))
    # durations, people and counts above ten are figures a passage states
    assert not any(group_count(w) for w in ("三年", "两人", "十二项", "补贴"))


def test_a_number_is_held_where_a_passage_writes_it_in_words():
    from ingest.numbers import stated_numbers
    from ingest.tokens import held

    assert {"40", "3"} <= stated_numbers("有四十平方米以上的场所和三名以上专职人员")
    assert "10" in stated_numbers("开办资金十万元以上")  # in 万, as "10万元"
    assert held("40", "固定场所四十平方米以上") and held("6048", "每人每年六千零四十八元")
    assert not held("50", "固定场所四十平方米以上")
    assert not held("3", "统一组织")  # a numeral inside a word states nothing


@pytest.mark.parametrize(
    "word, text, expected",
    [
        ("2022", "2022年授权的专利", True),
        ("2022", "日期：2022-05-01", True),
        ("2022", "专利号：ZL202210004785.0", False),  # inside a longer number
        ("17", "第17条", True),
        ("17", "176.3就业支持", False),  # the start of an item code
        ("17", "12.17万元", False),  # the decimals of another figure
        ("12", "工作十二个月后", True),  # in numerals still
        ("16.3", "4116.3负面清单", True),  # an item code glued to its table's row number
        ("16.3", "16.35万元", False),  # the start of a longer figure
    ],
)
def test_a_number_is_held_only_where_it_stands_whole(word, text, expected):
    from ingest.tokens import held

    assert held(word, text) is expected


def test_a_multiple_is_the_percentage_a_document_writes():
    from assistant.question import read_question
    from ingest.tokens import held

    # "一点五倍", "1.5倍", "两倍" are read as the 150% and 200% documents write
    assert read_question("按工资的一点五倍支付加班费吗？").numbers == ("150",)
    spec = read_question("按工资的1.5倍支付吗？")
    assert spec.numbers == ("150",) and spec.codes == ()  # no 观测点 code either
    assert held("150", "按照不低于工资的150%支付") and held("200", "按实际发生额的2倍扣除")
    assert not held("150", "按照不低于工资的200%支付")


@pytest.mark.parametrize(
    "everyday, specific",
    [
        ("时候", "铣床"),  # both in jieba's table: everyday language against a machine
        ("后来", "非全日制"),
        ("开始", "博士后"),
        ("我刚", "航电"),  # outside the table: single characters glued together, a term
    ],
)
def test_specificity_tells_everyday_words_from_names_of_things(everyday, specific):
    assert specificity(everyday) < 0.3 < 0.7 < specificity(specific)


def test_specificity_stays_in_its_bounds():
    for word in ("的", "时候", "非全日制", "zz9", "某某某某有限公司"):
        assert SPECIFICITY_FLOOR <= specificity(word) <= 1.0


@pytest.mark.parametrize(
    "word, text, expected",
    [
        ("一年", "缴费满1年不满2年的", True),
        ("两项", "已完成2项", True),
        ("三名", "配备3名专职人员", True),
        ("一年", "缴费满11年", False),  # a digit before it makes another number
        ("一年", "每年评审一次", False),
    ],
)
def test_a_count_in_numerals_is_held_where_a_passage_writes_it_in_digits(word, text, expected):
    assert held(word, text) is expected


def test_which_one_asks_and_names_nothing():
    """ "由哪一级政府": jieba cuts 哪 off, and the 一级 left is the asking, not a grade."""
    from ingest.tokens import concept_spans

    words = [w for w, _, _, _ in concept_spans("这个目录由哪一级政府确定？")]
    assert "一级" not in words and "政府" in words
    words = [w for w, _, _, _ in concept_spans("一级医院的报销比例是多少？")]
    assert "一级" in words


def test_a_short_form_is_read_in_the_full_phrase():
    # a character of each part, in order, within twice the short form's length
    assert abbreviated("单列", "经费在预算中单独列项")
    assert abbreviated("高职", "面向高等职业教育")
    assert abbreviated("校企", "学校与企业合作")
    # out of order, too far apart, or not all there: another word
    assert not abbreviated("列单", "经费在预算中单独列项")
    assert not abbreviated("特级", "特殊工种的岗位一级")
    assert not abbreviated("单列", "单位应当")
    # only Han words of two to four characters
    assert not abbreviated("单", "单独")
    assert not abbreviated("a级", "a类一级")


def test_a_code_read_aloud_is_the_code_in_digits():
    from assistant.question import read_question
    from ingest.numbers import spoken_codes

    assert read_question("观测点九点二点一指什么？").codes == ("9.2.1",)
    assert spoken_codes("第十一点三点二项") == "第11.3.2项"
    # two levels may be a decimal and four a run of figures: left as written
    assert spoken_codes("利率三点五，编号一点二点三点四") == "利率三点五，编号一点二点三点四"


def test_a_records_identifier_is_one_word_and_names_a_thing():
    from assistant.decision import _is_name
    from ingest.tokens import concept_spans

    words = [w for w, _, _, _ in concept_spans("台账里编号SB-JC-027的设备是哪台？")]
    assert "sb-jc-027" in words and "027" not in words
    assert _is_name("sb-jc-027")  # a thing the documents never name is not covered
    # a range or a phone number is no identifier
    assert not any("-" in w for w, _, _, _ in concept_spans("电话是028-12345678吗"))


def test_a_sum_in_wan_is_held_in_yuan_too():
    from ingest.numbers import stated_numbers
    from ingest.tokens import held

    # a column that names 万元 once, and a figure written before 万元
    assert "32000" in stated_numbers("学员人数：12；预算（万元）：3.2；说明：自费")
    assert "80000" in stated_numbers("一次性奖励8万元")
    assert held("32000", "学员人数：12；预算（万元）：3.2")
    assert not held("32000", "学员人数：12；预算（元）：3.2")


def test_a_count_of_what_was_just_named_is_no_concept():
    def words(q):
        return [w for w, *_ in concept_spans(q)]

    assert "两门课" not in words("甲课程、乙课程两门课各由谁负责")
    assert "这两项" not in words("押金和保证金这两项怎么退")
    assert "两条" not in words("焊工和钳工两条分别招几人")
    # a count the question asks about, or tells, is one
    assert "两个" in words("招两个人吗")
