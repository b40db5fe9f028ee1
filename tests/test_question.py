"""How a question is read into a QuestionSpec: what it asks, what about, under which
constraints. Examples are our own, not questions of the eval sets."""

import pytest

from assistant.question import (
    DOC_NO,
    ISSUE_DATE,
    TITLE,
    VALIDITY,
    cell_names_org,
    holds_label,
    holds_org,
    holds_place,
    org_forms,
    read_question,
)


def words(q):
    return [c.word for c in read_question(q).concepts]


def test_concepts_are_content_words_with_their_parts():
    spec = read_question("企业职工教育经费在计算所得税时能扣多少？")
    got = {c.word: c.parts for c in spec.concepts}
    assert got["职工教育经费"] == ("职工", "教育", "经费")
    assert "多少" not in got and "能" not in got
    # codes and class labels stay one concept; framing words are not concepts
    assert words("观测点7.2.1在2025年的数值")[:2] == ["7.2.1", "2025"]
    # the word for a code's kind goes with the code: "观测点" asks nothing more than "7.2.1"
    assert "观测点" in words("观测点有哪几类？")
    assert "d类" in words("对D类人才的安家补贴是多少？")
    assert set(words("申报产业学院需要满足什么条件？")) == {"申报", "产业学院"}


def test_words_that_only_frame_a_question_are_not_concepts():
    got = words("请问一下我们厂里到底咋申请技能大师工作室的经费？")
    assert not {"请问", "一下", "到底", "咋"} & set(got)
    assert "技能大师工作室" in got and "经费" in got
    got = words("这笔钱大概能不能用来抵扣职工教育经费？")
    assert "这笔" not in got and "大概" not in got and "职工教育经费" in got
    assert "2025" in words("2025年招了几个学徒？")  # a numeral that states something stays
    # an affirmative-negative question asks yes or no; "不能" there is no fact
    assert "不能" not in words("外地企业能不能申请这项补贴？")
    assert "不能" in words("哪些企业不能申请这项补贴？")
    assert not {"包不包", "不包"} & set(words("培训班包不包食宿？"))
    # a demonstrative and a measure word point, they name nothing; "多元" is no "多少"
    assert "这门" not in words("这门课几点上？") and "多元" in words("多元统计分析几学时？")
    # amounts in words stand for the digits documents write
    assert "20" in words("补贴比例是不是百分之二十？")
    assert "150" in words("一百五十万元的项目能补多少？")
    assert "110" in words("去年招了一百一十人吗？")
    # the unit after digits goes with them; an article is no concept; asking words neither
    got = words("开一家培训学校，手头有8万块，场地是3万到5万一年吗？")
    assert {"8", "3", "5"} <= set(got) and not {"万块", "万到", "一家"} & set(got)
    # a unit jieba glues to the adverb after it ("天才") is no word; a unit's word is one
    assert "天才" not in words("押金要交满90天才退吗？")
    assert "年级" in words("3年级的学生几点放学？")
    assert "才能" not in words("考完以后多久才能拿证？")  # 才 + 能, not a talent
    assert not {"哪几种", "由谁来", "多人"} & set(words("哪几种费用由谁来出？要这么多人签字吗"))


def test_what_a_question_asks_for():
    def asked(q):
        return [c.word for c in read_question(q).asked]

    assert asked("《数控铣削编程》这门课的学分是多少？") == ["学分"]
    assert asked("那项发明专利的申请号是多少？") == ["申请号"]
    assert "研究生" in asked("2025年学院招收了多少名研究生？")
    # abstract words and yes/no questions ask for nothing a passage must name
    assert "比例" not in asked("培训补贴的发放比例是多少？")
    assert asked("青教发〔2021〕3号现在还有效吗？") == []


@pytest.mark.parametrize(
    "question, intent",
    [
        ("观测点5.1.1是什么意思？", "fact"),
        ("新型学徒制补贴每人多少钱？", "number"),
        ("青人社发〔2022〕9号是哪天发布的？", "date"),
        ("有哪些面向中学教师的研修班？", "list"),
        ("有什么适合数控专业学生的开放课程？", "list"),
        ("成都工业职业技术学院一共有几门课程？", "count"),
        ("新标准比原来的补贴提高了多少？", "comparison"),
        ("小微企业能不能申请这个补贴？", "yes_no"),
        ("2025年哪些指标没完成年度目标？", "coverage"),
        ("观测点9.1.2的完成率是多少？", "coverage"),
        ("对实习有什么规定？", "fact"),  # "有什么" lists only records
        ("实训基地分哪几类？", "list"),  # "哪几" asks which ones, though "几类" counts
        ("这份办法里的奖励条件，说几个？", "list"),
        ("培训补贴的标准是什么？", "number"),  # a noun naming an amount asks for one
        ("那条焊接技术需求对精度有什么要求？", "fact"),  # a field of one record, not a list
        ("有什么面向企业员工的培训班？", "list"),
    ],
)
def test_what_kind_of_answer_a_question_wants(question, intent):
    assert read_question(question).intent == intent


def test_the_records_a_question_is_about():
    assert read_question("成都职业技术学院开了几门精品课？").record_kind == "course"
    assert read_question("暑假有哪些面向教师的培训班？").record_kind == "training"
    assert read_question("有哪些企业提了焊接方面的技术需求？").record_kind == "demand"
    assert read_question("职业教育法第几条规定了学徒制？").record_kind == ""


def test_periods_years_and_negation():
    spec = read_question("2026年暑假有哪些培训？")
    assert spec.years == (2026,) and (spec.since, spec.until) == ("2026-07-01", "2026-08-31")
    spec = read_question("2025年3月发布了哪些需求？")
    assert (spec.since, spec.until) == ("2025-03-01", "2025-03-31")
    # a 文号's year is not a year the question asks about
    assert read_question("川教函〔2023〕77号讲了什么？").years == ()
    assert read_question("哪些观测点还没有数据？").negated
    assert not read_question("哪些观测点已经完成？").negated


def test_a_number_is_asked_only_where_a_cue_asks_one():
    assert not read_question("实训基地分哪几类？").asks_quantity
    assert read_question("实训基地有几类？").asks_quantity
    # "标准里" names a document; "标准是什么" asks a figure
    assert not read_question("职称评审标准里，论文以什么为主？").asks_quantity
    assert read_question("职称评审的补助标准是什么？").asks_quantity
    # under "哪些" or "怎么" the noun names what is decided, not a figure asked
    assert not read_question("培训机构的收费标准怎么制定？").asks_quantity
    assert not read_question("小微企业按哪些标准认定？").asks_quantity
    # a noun in a clause that only sets the scene asks nothing
    assert not read_question("实训室的建设标准，市里和区里各管什么？").asks_quantity
    # "说几条", "举几项": some of a list, not how many
    assert read_question("申报单位要满足什么条件？举几项").intent == "list"


@pytest.mark.parametrize(
    "question",
    ["这笔奖励会不会算进绩效工资？", "实习要不要签三方协议？", "外省户口占不占名额？"],
)
def test_a_verb_asked_as_x_not_x_asks_yes_or_no(question):
    """ "X不X" asks yes or no whatever the verb, and a noun naming an amount in it (名额,
    工资) asks no figure."""
    spec = read_question(question)
    assert spec.intent == "yes_no" and not spec.asks_quantity


def test_two_things_of_one_kind_side_by_side_are_sides_to_search_apart():
    spec = read_question("锦城职业学院和蜀都职业学院的数控专业各招多少人？")
    assert spec.sides == (
        "锦城职业学院的数控专业各招多少人?",
        "蜀都职业学院的数控专业各招多少人?",
    )  # each without the other and the conjunction joining them
    assert len(read_question("上海、青岛的条例对实习分别怎么规定？").sides) == 2
    # one place inside another, or one thing named: nothing to compare
    assert read_question("成都市青羊区的企业能领哪些补贴？").sides == ()
    assert read_question("锦城职业学院的数控专业招多少人？").sides == ()


def test_an_organisation_is_read_whole():
    def orgs(q):
        return read_question(q).orgs

    # a stop character inside a word of the name ("石家庄") does not end it; the longer
    # reading takes in the one at an inner suffix
    assert orgs("石家庄铁道大学四方学院的学费是多少？") == ("石家庄铁道大学四方学院",)
    # a city and a kind is one body; a kind described in a city is none
    assert orgs("绵阳职业技术学院的数控专业招几个班？") == ("绵阳职业技术学院",)
    assert orgs("青岛公办职业学校能收赞助费吗？") == ()


def test_cities_are_places_without_their_suffix():
    assert read_question("青岛的职业学校实习有什么规定？").places == ("青岛",)
    assert read_question("绵阳和德阳哪个补贴高？").places == ("绵阳", "德阳")
    assert read_question("大同小异的规定有哪些？").places == ()  # a common word, no city


def test_a_city_cut_by_a_longer_dictionary_word_is_read_whole():
    # jieba reads 内 + 江城区 (a district elsewhere) and 在内 + 江: both name 内江
    assert read_question("内江城区有几所中学？").places == ("内江",)
    assert read_question("他在内江工作，社保怎么交？").places == ("内江",)
    # a city's name across two words that are not it is no city
    assert read_question("广东营业部在哪条街？").places == ("广东",)
    assert read_question("华东营销中心在哪里？").places == ()


def test_a_doc_number_is_read_without_the_words_before_its_issuer():
    def numbers(q):
        return read_question(q).doc_numbers

    assert numbers("俺们厂想报青人社发〔2024〕5号的补贴") == ("青人社发〔2024〕5号",)
    assert numbers("麻烦查一下川府办发〔2022〕12号和川教函〔2024〕100号") == (
        "川府办发〔2022〕12号",
        "川教函〔2024〕100号",
    )
    assert numbers("教职成厅函〔2025〕31号讲了什么") == ("教职成厅函〔2025〕31号",)
    assert "俺们" not in words("俺们厂想报青人社发〔2024〕5号的补贴")  # a pronoun


def test_numbers_in_words_and_digits_are_read_alike():
    assert read_question("每人补贴五千元吗").numbers == read_question("每人补贴5000元吗").numbers
    assert "3" in read_question("附加率是不是百分之三？").numbers
    assert read_question("一年能领几次？").numbers == ()  # "一年" is idiom, not a figure


def test_document_facts_a_question_asks():
    assert read_question("川教函〔2023〕77号是哪天印发的？").facts == (ISSUE_DATE,)
    assert read_question("章程的落款日期是哪天？").facts == (ISSUE_DATE,)
    assert read_question("这个补贴现在还能申报吗？").facts == (VALIDITY,)
    assert read_question("这个办法是哪天印发的？从哪天起施行？").facts == (ISSUE_DATE, VALIDITY)
    assert read_question("川财教〔2022〕8号是什么文件？").facts == (TITLE,)
    # a document the named one cites is not the named one's title
    assert read_question("川财教〔2022〕8号里，补贴的依据是哪个文件？").facts == ()
    assert read_question("联合体章程是用什么文号印发的？").facts == (DOC_NO,)
    # a date that is not the document's own: a deadline, an event
    assert read_question("项目申报截止时间是什么时候？").facts == ()
    spec = read_question("联合体2025年度工作要点的落款日期是哪天？")
    assert spec.subject.startswith("联合体2025年度工作要点的")


def test_places_a_question_names_and_whose_documents_it_asks_for():
    assert read_question("驻深圳市的服务站电话是多少？").places == ("深圳市",)
    assert read_question("湖北专升本考几门？").places == ("湖北",)
    assert read_question("全市的园区有多少家企业？").places == ()  # kinds of places
    assert read_question("江苏省职业教育条例对实习怎么规定？").issuing_places == ("江苏省",)
    assert read_question("绵阳市的创业补贴政策有哪些？").issuing_places == ("绵阳市",)
    assert read_question("四川的企业招用退役军人有什么优惠？").issuing_places == ()
    assert holds_place("成都市", "成都青羊经开区") and not holds_place("深圳市", "东莞市")


def test_grades_are_held_in_any_of_their_forms_and_only_whole():
    assert "iii级" in words("超声检测Ⅲ级培训多少钱？")
    assert "3级" in words("超声检测3级证书")
    # 三级 = 3级 = Ⅲ级 = 高级工 (grades.txt), symmetric
    for form in ("三级", "3级", "iii级", "高级工"):
        assert holds_label(form, "证书等级：三级/高级工")
        assert holds_label("三级", form)
    # a label is held whole: Ⅰ级 is not Ⅱ级, 1级 is not 11级
    assert holds_label("i级", "资格证书（i级）") and not holds_label("i级", "资格证书（ut ii级）")
    assert not holds_label("1级", "11级")


def test_english_questions_are_foreign():
    assert read_question("How much is the internship subsidy?").is_foreign
    assert not read_question("2026年？").is_foreign


def test_an_article_of_a_numbered_document():
    spec = read_question("川府发〔2023〕12号 第五条讲的是什么？")
    assert spec.clauses == ("第五条",) and spec.doc_numbers


def test_organisations_a_question_names():
    # a run of name words ending in an organisation word, or a name of orgs.txt
    assert read_question("绵阳某某电子科技有限公司发布过哪些需求").orgs == (
        "绵阳某某电子科技有限公司",
    )
    assert "成飞" in read_question("成飞今年招多少焊工").orgs
    # a lone organisation word names no one
    assert read_question("哪所学校开了这门课？").orgs == ()
    assert read_question("我们公司能申请吗").orgs == ()
    # held in any of its forms, and only that organisation
    assert holds_org("成飞", "成都飞机工业（集团）有限责任公司发布")
    assert not holds_org("四川某某职业技术学院", "四川交通职业技术学院开设")
    # the asking words before a name are not part of it
    assert read_question("想问下绵阳某某职业学院有几个专业").orgs == ("绵阳某某职业学院",)
    assert read_question("请问一下德阳某某技术学院在哪").orgs == ("德阳某某技术学院",)
    assert read_question("帮我查德阳某某精密机械有限公司").orgs == ("德阳某某精密机械有限公司",)
    # a verb before a place is the question's, whatever stands before it
    assert read_question("插班生考进德阳某某技术学院要多少分").orgs == ("德阳某某技术学院",)
    # a level of schooling in a place is a kind of school; a short name inside a word no name
    assert read_question("绵阳中职学校的老师待遇如何").orgs == ()
    assert read_question("绵阳的集成电路企业有哪些").orgs == ()


def test_a_table_cell_names_an_organisation_only_as_itself():
    # the cell of a longer name that goes on to an organisation word of its own is another
    # body's: an independent college of a university is not the university
    assert cell_names_org("绵阳某某大学", "绵阳某某大学")
    assert not cell_names_org("绵阳某某大学", "绵阳某某大学东篱学院")
    # one item of a list of bodies names it; a campus after the name does not make another
    assert cell_names_org("成飞", "成航大、成都飞机工业（集团）有限责任公司")
    assert cell_names_org("绵阳某某大学", "绵阳某某大学南湖校区")
    assert not cell_names_org("绵阳某某大学", "德阳某某大学")


def test_a_company_is_named_in_any_of_its_legal_forms():
    # people drop or shorten a company's legal form: the row writes it whole
    assert holds_org("德阳某某钣金公司", "承办单位：德阳某某钣金有限公司")
    assert holds_org("德阳某某钣金有限公司", "德阳某某钣金股份有限公司牵头")
    assert cell_names_org("德阳某某钣金公司", "德阳某某钣金有限责任公司")
    # only the same stem: another firm's name, or a legal form alone, is no one
    assert not holds_org("德阳某某钣金公司", "德阳某某轴承有限公司")
    assert org_forms("公司") == ("公司",)


def test_a_later_sub_question_is_read_with_the_first_ones_subject():
    spec = read_question("示例竞赛的裁判一共二十到三十人吗？任期几年？")
    first, later = spec.parts_read
    assert first == spec.parts[0]
    # the later part names only what it asks: the first part's subject is carried over,
    # its figures are not (they are the first part's constraints)
    assert later.endswith("任期几年")
    assert "裁判" in later and "竞赛" in later
    assert "20" not in read_question(later).numbers and "二十" not in later
    # a question asking one thing has no parts to read
    assert read_question("示例竞赛的裁判任期几年？").parts_read == ()


def test_a_later_sub_question_naming_a_thing_of_the_same_kind_keeps_only_the_context():
    """ "…一等奖奖金多少？二等奖奖金呢？" asks of another 奖金: the first one's (一等奖奖金)
    is not carried over to it, the rest of the subject (the contest) is."""
    first, later = read_question("示例大赛一等奖奖金多少？二等奖奖金呢？").parts_read
    assert later.endswith("二等奖奖金呢")
    assert "大赛" in later and "一等奖" not in later
    # a later part naming only what it asks still gets the whole subject
    _, term = read_question("示例大赛一等奖奖金多少？评审几人？").parts_read
    assert "一等奖" in term and "大赛" in term


def test_two_phrases_ending_in_the_same_word_are_two_sides():
    """ "三级伤残和八级伤残": jieba tags 伤残 an adjective, so neither side ends on a noun —
    but two phrases built alike and joined are two things asked about alike."""
    spec = read_question("示例条例里三级伤残和八级伤残各补几个月的钱？")
    assert len(spec.sides) == 2
    first, second = spec.sides
    assert "三级伤残" in first and "八级" not in first
    assert "八级伤残" in second and "三级" not in second


def test_names_in_book_title_marks_are_read_literally():
    spec = read_question("《液压与气动》这门课几个学分？")
    assert spec.titles == ("液压与气动",)


def test_a_question_asking_several_things_has_parts():
    spec = read_question("这项补贴由哪个部门受理？每年几月申报？")
    assert spec.parts == ("这项补贴由哪个部门受理", "每年几月申报")
    assert read_question("这项补贴由哪个部门受理？").parts == ()
    # "是多少？" names nothing of its own
    assert read_question("补贴标准？是多少？").parts == ()


def test_comparisons_of_versions_and_of_two_things():
    assert read_question("新标准比原来提高了多少").versions
    assert not read_question("甲区和乙区的补贴有什么不同").versions


def test_two_things_named_by_common_nouns_are_sides():
    # each side once, the other left out: a passage about one shares nothing with the other
    sides = read_question("仓管人员和质检人员分别由谁考核？").sides
    assert sides == ("仓管人员分别由谁考核?", "质检人员分别由谁考核?")
    # a run of nouns is read whole on each side of the conjunction
    first, second = read_question("实训基础课程与实训核心课程有什么不同？").sides
    assert first == "实训基础课程有什么不同?" and second == "实训核心课程有什么不同?"
    # two modified phrases are the sides, each with its own modifier
    first, second = read_question("甲厂招的质检员和乙厂招的钳工，学历要求分别是什么？").sides
    assert first == "甲厂招的质检员,学历要求分别是什么?"
    assert second == "乙厂招的钳工,学历要求分别是什么?"
    # only where the question asks about each alike, and two words make two sides
    assert read_question("仓管人员和质检人员的培训要求").sides == ()
    assert read_question("2021年和2022年各自是多少").sides == ()
    # two versions of one document: the head both share stays on the first side too
    first, second = read_question("2019年版和2023年版示例管理办法分别规定补贴多少？").sides
    assert "示例管理办法" in first and "2023" not in first
    assert "示例管理办法" in second and "2019" not in second
    # a side is its whole noun phrase, words jieba tags as verbs or adjectives in it too
    first, second = read_question(
        "公租房补贴，最低收入家庭和新就业职工等群体每月分别补贴多少？"
    ).sides
    assert "最低收入家庭" in first and "新就业职工" not in first
    assert "新就业职工" in second and "最低收入家庭" not in second
    # a conjunction inside a name does not split it; the likelier join does
    first, second = read_question(
        "名单里，甲市智能制造与高端装备联合体和乙市航空联合体，各自由哪所学校牵头？"
    ).sides
    assert "甲市智能制造与高端装备联合体" in first and "乙市航空联合体" not in first
    assert "乙市航空联合体" in second and "高端装备" not in second


def test_levels_of_vocational_education_are_grades():
    assert read_question("中职学校的实训课多少学时").labels == ("中职",)
    # jieba splits the long form; it is read from the text whole
    assert read_question("中等职业学校的实训课多少学时").labels == ("中等职业学校",)
    assert holds_label("中职", "中等职业学校公共基础课程")
    assert not holds_label("中职", "高等职业学校专业课程")


@pytest.mark.parametrize(
    "text, states",
    [
        ("每届任期五年", True),
        ("应在两个工作日内办结", True),
        ("补助标准为每人每月800元", True),
        ("比例不低于百分之二十", True),
        ("由理事会负责解释", False),
        ("统一管理，一些企业参与", False),
        ("第三条 适用范围", False),
    ],
)
def test_a_sentence_states_a_quantity_in_digits_or_in_words(text, states):
    from ingest.numbers import states_quantity

    assert states_quantity(text) is states


@pytest.mark.parametrize(
    "question, unit",
    [
        ("每年要培养几个骨干？", "个"),
        ("进修一次能补多少钱？", "元"),
        ("奖励最高多少万元？", "元"),
        ("一年至少要学多少学时？", "学时"),
        ("失业金能领几个月？", "月"),
        ("开办资金最低是多少？", ""),  # no unit named
        ("多久评审一次？", "多久"),  # a time, in any unit of time
        ("审核要多少个工作日？", "工作日"),  # 个 counts the unit after it
        ("办证要交多少押金？", "元"),  # a sum by its name
        ("每月的交通补助是多少？", "元"),
        ("补助多少名学员？", "名"),  # a count, though a sum is named before it
        ("按工资的多少比例缴纳？", ""),  # a rate, not a sum
    ],
)
def test_the_unit_a_number_is_asked_in(question, unit):
    assert read_question(question).asked_unit == unit


@pytest.mark.parametrize(
    "text, unit, states",
    [
        ("年均培养5个以上骨干", "个", True),
        ("每年不少于90学时", "学时", True),
        ("每人补助一千元", "元", True),
        ("按缴费基数的60%缴纳", "元", True),  # a sum asked may be answered by a rate
        ("给予适当补助，咨询电话0832-1234567", "元", False),  # digits that are no sum
        ("2024年完成", "年", False),  # a year is no number of years
        ("任期五年", "年", True),
        ("期限为3个月", "月", True),
        ("专业名称：护理；住宿费：1200；校区：东区", "元", True),  # a column named by the sum
        ("补贴期限：6个月", "元", False),  # a column of a sum's name holding months
    ],
)
def test_a_sentence_states_an_amount_in_the_unit_asked(text, unit, states):
    from ingest.numbers import states_amount

    assert states_amount(text, unit) is states


def test_a_choice_question_offers_options_any_of_which_answers():
    """ "A还是B": the documents state one option, so each option is a way of holding one
    concept, and the options are what the answer must name."""
    from ingest.tokens import Either, held

    assert read_question("这门课是线上还是线下？").choices == ("线上", "线下")
    spec = read_question("这一节要求是理解还是掌握？")
    either = [c.word for c in spec.concepts if isinstance(c.word, Either)]
    assert len(either) == 1 and set(either[0].options) == {"理解", "掌握"}
    assert held(either[0], "（2）掌握数据的分类汇总")
    assert not held(either[0], "（2）了解数据的分类汇总")
    spec = read_question("大纲对这一知识点的要求是了解、理解还是掌握？")
    assert {"了解", "理解", "掌握"} <= set(spec.choices)
    # "还是" meaning "still" offers no choice
    assert read_question("状态还是“待审核”的项目有几个？").choices == ()


def test_numbers_named_in_parallel_are_held_one_passage_each():
    from ingest.tokens import held

    spec = read_question("2023年和2024年的招生人数各是多少？")
    assert len(spec.numbers) == 1 and set(spec.numbers[0].options) == {"2023", "2024"}
    assert held(spec.numbers[0], "年度:2024;数值:50")
    assert not held(spec.numbers[0], "年度:2022;数值:50")


@pytest.mark.parametrize(
    "question, since, until",
    [
        ("2019年以前发布的通知有哪些？", "", "2018-12-31"),
        ("2022年以来出台了哪些补贴？", "2022-01-01", ""),
        ("2022年以后还有效吗？", "2023-01-01", ""),
    ],
)
def test_a_year_named_as_a_bound_is_a_filter_not_a_figure(question, since, until):
    spec = read_question(question)
    assert (spec.since, spec.until) == (since, until)
    assert spec.numbers == ()
    assert not any(c.word.isdigit() for c in spec.concepts)


def test_a_year_named_as_the_period_stays_a_figure():
    spec = read_question("2024年前三季度完成了多少？")
    assert "2024" in spec.numbers


@pytest.mark.parametrize(
    "question, quantity",
    [
        ("这项奖励有没有金额上限？", False),  # yes or no, though it names an amount
        ("这项奖励的金额上限是多少？", True),
        ("奖励金额有没有超过多少万？", True),  # it says 多少
        ("要跑好几个部门才能办完吗？", False),  # 好几 says how many, asks nothing
    ],
)
def test_a_number_is_asked_only_where_the_question_asks_one(question, quantity):
    assert read_question(question).asks_quantity is quantity


@pytest.mark.parametrize(
    "question, number",
    [
        ("补贴是不是三千五一个月？", "3500"),  # the spoken elision
        ("学费是不是四千二百八十块？", "4280"),
        ("一年两万四够不够？", "24000"),
        ("学费是不是五千三一年？", "5300"),  # the elision before a count of one
        ("工本费是不是二十块钱？", "20"),  # 块钱, the spoken 元
    ],
)
def test_a_figure_in_numerals_is_read_whole(question, number):
    spec = read_question(question)
    assert number in spec.numbers
    assert number in spec.concept_words


def test_a_clause_cited_in_digits_is_held_in_numerals():
    from ingest.tokens import held

    spec = read_question("第12条规定了什么？")
    assert "第12条" in spec.concept_words and spec.numbers == ()
    assert held("第12条", "第十二条 国家鼓励企业举办职业教育")
    assert not held("第2条", "第十二条 国家鼓励企业举办职业教育")
    assert held("第二十条", "依照第20条的规定")


def test_a_verb_before_a_place_is_no_part_of_the_name():
    assert read_question("我想报沧州师范学院的英语专业").orgs == ("沧州师范学院",)


@pytest.mark.parametrize(
    "question, asked",
    [
        ("第三章那部分有哪些知识点？", ["知识点"]),  # the noun after 哪些, not the one before
        ("对兼职教师有什么要求？", []),  # 要求 asks for a clause
        ("这门课的学费是多少？", ["学费"]),  # nothing named after: the noun before
    ],
)
def test_what_is_asked_is_the_noun_the_question_word_names(question, asked):
    assert [a.word for a in read_question(question).asked] == asked


def test_a_word_framing_the_question_is_not_what_it_asks():
    # "字样" says how the items are picked out (framing.txt), not a thing an item names
    assert read_question("文件里含“专款专用”字样的有哪些？").asked == ()


@pytest.mark.parametrize(
    "question, kinds",
    [
        ("职工教育经费提取比例是哪一部法律定的？", {"法律"}),
        ("技能大师工作室出自哪一部条例？", {"条例"}),
        ("“先培训后上岗”出自哪份通知？", {"通知"}),
    ],
)
def test_the_kind_of_document_asked_for_is_not_a_word_its_passage_must_hold(question, kinds):
    # the answer's title names the law or notice; its sentences rarely do
    words = {c.word for c in read_question(question).concepts}
    assert words and not words & kinds
    # asked of something else, the same word is a concept as before
    assert "文件" in {c.word for c in read_question("报名时的文件要盖章吗？").concepts}


def test_a_quoted_passage_does_not_make_the_question_ask_a_figure():
    # "几成" inside the quotation is the document's wording; the question asks which law
    assert not read_question("“每年缴纳几成”出自哪一部法律？").asks_quantity
    assert read_question("每年缴纳几成？").asks_quantity


def test_the_clauses_that_ask_are_told_from_those_that_set_the_scene():
    from assistant.question import asking_clauses

    def asking(q):
        return asking_clauses(read_question(q).norm)

    # a user's circumstances first, then the question: only the question is what is asked
    assert asking("我们厂去年招了两个学徒，签了三年合同，每人每月能补多少？") == "每人每月能补多少"
    assert asking("设备上个月运到了，下个月才装好，能不能算研发投入？") == "能不能算研发投入"
    # a question without a scene, or all of whose clauses ask, is read whole
    assert asking("学徒补贴每人多少？") == ""
    assert asking("补贴多少，找谁申请？") == ""
    # an amount in the scene asks nothing: only the clause that asks something else does
    assert asking("我们是一家工厂，招了几个学徒，要给他们办哪些手续？") == "要给他们办哪些手续"
    # a bare asking clause asks about the clause before it, not about its own few words
    assert asking("我在外地工作，单位派的体检我没去，有啥影响？") == "单位派的体检我没去，有啥影响"


@pytest.mark.parametrize(
    "question, intent, quantity",
    [
        ("几家医院联合办了个护理培训班，要先报哪个部门批准？", "fact", False),  # scene: a few
        ("公司下面几家分厂能不能一起申报？", "yes_no", False),  # the subject of 能不能
        ("厂里招了几个学徒，能申请补贴吗？", "yes_no", False),  # 了: a few
        ("补贴标准多少能否上调？", "yes_no", False),  # what 能否 asks about
        ("今年招了几个学徒？", "count", True),  # nothing else asked: how many
        ("招多少人，在哪个校区上课？", "number", True),  # both asked
        ("工厂有几家分厂？分别在哪？", "count", True),  # another amount-free clause, after a ？
    ],
)
def test_an_amount_that_tells_of_the_scene_asks_no_number(question, intent, quantity):
    spec = read_question(question)
    assert (spec.intent, spec.asks_quantity) == (intent, quantity)


def test_a_verb_taking_a_body_as_object_ends_the_name_read_back():
    # "…要求学校开设": the school is the verb's object, the words before are the subject
    assert read_question("这份规定要求学校开设哪些课程？").orgs == ()
    assert read_question("政策支持学院建设哪些平台？").orgs == ()
    # a name holding a verb of its own is still one ("装配")
    assert read_question("德阳某某航空装配有限公司招几个人").orgs == ("德阳某某航空装配有限公司",)


def test_a_place_and_its_centre_name_no_body():
    # "X中心城区": the middle of the place; a centre with a name of its own is a body
    assert read_question("绵阳中心城区的公租房有哪些？").orgs == ()
    assert read_question("德阳市职业技能鉴定指导中心在哪办公？").orgs == (
        "德阳市职业技能鉴定指导中心",
    )


def test_a_figure_given_as_approximate_meets_the_exact_one():
    from ingest.tokens import About, held

    spec = read_question("那个专业是不是招将近三百人？")
    (n,) = spec.numbers
    assert isinstance(n, About) and n == "300"
    assert held(n, "招生计划数：296") and not held(n, "招生计划数：250")
    assert isinstance(read_question("补贴两千元左右吗").numbers[0], About)
    assert isinstance(read_question("约50人参加吗").numbers[0], About)
    # a bound the user offers to be checked: the document states the figure itself
    offered = read_question("报名费是不是不到八百？").numbers[0]
    assert isinstance(offered, About) and held(offered, "报名费:780")
    # an exact figure stays exact, and "近三年" is a span of time, not an approximation
    exact = read_question("是不是招三百人？").numbers[0]
    assert not isinstance(exact, About) and not held(exact, "招生计划数：296")
    recent = read_question("近三年的就业率是多少")
    assert not any(
        isinstance(w, About) for w in (*recent.numbers, *(c.word for c in recent.concepts))
    )


def test_words_asking_a_time_or_a_place_name_nothing_a_passage_holds():
    words = [c.word for c in read_question("灵活就业人员从什么时候开始向税务部门缴费？").concepts]
    assert "时候" not in words and "税务" in words
    assert "地方" not in [c.word for c in read_question("在什么地方办理退休手续？").concepts]
    # a level of a standard's indicators is no grade a passage must name
    assert read_question("5.2这个二级指标下有哪些观测点？").labels == ()


def test_a_figure_of_the_users_own_case_is_measured_against_the_rules_bound():
    from ingest.tokens import Case, held

    (age,) = read_question("我五十二岁了，还算不算就业困难人员？").numbers
    assert isinstance(age, Case) and age == "52" and age.unit == "岁"
    assert held(age, "申请认定时男性年满50周岁及以上的人员")
    assert not held(age, "每年组织一次健康体检")  # no bound in its unit
    assert not held(age, "连续工作满1年的")  # a bound in another unit
    # only where it asks whether: a figure asked about stays exact
    assert not isinstance(read_question("每人52元的补贴有哪些人能领？").numbers[0], Case)
    # or where a clause that asks nothing tells it: the user's case, not the document's
    spec = read_question("我们店招了3个学徒，学了10个月，按那份细则最长能补几个月？")
    told = {n: getattr(n, "unit", "") for n in spec.numbers}
    assert told == {"3": "个", "10": "月"} and all(isinstance(n, Case) for n in told)
    assert held(spec.numbers[1], "补贴期限最长不超过6个月")
    # a figure in the clause that asks stays exact
    assert not any(isinstance(n, Case) for n in read_question("学了10个月能补多少？").numbers)


def test_which_one_of_a_kind_asks_for_the_noun_after_it():
    # "哪个品牌的X": the brand is asked; a passage naming X but no brand does not answer
    asked = [a.word for a in read_question("实训室要用哪个品牌的数控机床？").asked]
    assert asked == ["品牌"]
    # a document word asks for a title, not a word a passage must hold
    assert read_question("哪个文件规定了见习补贴？").asked == ()


def test_a_position_asked_is_no_count():
    # "第几条" asks which article: its 几 asks no quantity, and no passage holds "第几条"
    spec = read_question("劳动合同期限的规定在劳动法第几条？")
    assert spec.intent == "fact" and not spec.asks_quantity
    assert not any(str(c.word).startswith("第几") for c in spec.concepts)
    assert read_question("年检报告要提交几份？").asks_quantity
    assert read_question("这个办法一共有几条？").intent == "count"


def test_words_of_asking_name_nothing_a_passage_holds():
    words = [c.word for c in read_question("学分银行是个什么东西？").concepts]
    assert words == ["学分", "银行"]
    assert read_question("这份通知的全称叫什么？").asked == ()
    # who decides an amount is asked, not the amount
    assert not read_question("收费标准由谁来定？").asks_quantity
    assert read_question("收费标准是多少？").asks_quantity


def test_two_years_each_naming_a_version_are_asked_side_by_side():
    # each year names one document: a passage holds one of them, not both
    (years,) = read_question("区里2022年的旧文件和2024年的新文件对补贴标准有什么不同？").numbers
    assert years.options == ("2022", "2024")
    # two figures of one thing stay two figures
    assert len(read_question("2024年目标和完成数各是多少，2025年呢？").numbers) == 2


def test_a_place_named_by_what_happens_there_is_one_side():
    # "生源地": 地 is no particle here, the side is the whole noun phrase
    sides = read_question("生源地助学贷款和校园地助学贷款有什么不同？").sides
    assert sides == ("生源地助学贷款有什么不同?", "校园地助学贷款有什么不同?")


def test_how_long_is_asked_in_any_unit_of_time():
    from ingest.numbers import states_in_unit

    unit = read_question("孵化园的场地多久检查一次？").asked_unit
    assert unit and read_question("要交几个月社保？").asked_unit == "月"
    assert states_in_unit("入驻满6个月后检查", unit)
    assert states_in_unit("园区每季度组织一次检查", unit)  # a frequency answers it
    assert not states_in_unit("园区组织安全检查并做好记录", unit)


def test_sides_that_end_on_a_grade_are_compared_whole():
    sides = read_question("磁粉检测Ⅱ级和渗透检测Ⅱ级的培训费分别是多少？").sides
    assert sides == ("磁粉检测ii级的培训费分别是多少?", "渗透检测ii级的培训费分别是多少?")
    assert read_question("电工三级和焊工三级的补贴分别是多少？").sides == (
        "电工三级的补贴分别是多少?",
        "焊工三级的补贴分别是多少?",
    )


def test_a_choice_offered_across_a_comma_is_a_choice():
    # "…，还是…": the second option opens a clause of its own
    assert read_question("补贴是打到个人账户，还是打到单位账户？").choices == ("个人账户", "单位")
    assert read_question("培训是线上还是线下？").choices == ("线上", "线下")


def test_a_conjunction_jieba_glues_to_an_unknown_name_still_joins_two_sides():
    from ingest.tokens import tagged

    # jieba's HMM reads "和鑫磊" as one word; the conjunction and the name are two
    assert [p[0] for p in tagged("装配工和鑫磊质量")] == ["装配工", "和", "鑫磊", "质量"]
    first, second = read_question("鼎泰机电招的装配工和鑫磊质量招的检验员，各招几人？").sides
    assert first == "鼎泰机电招的装配工,各招几人?"
    assert second == "鑫磊质量招的检验员,各招几人?"


def test_runs_of_one_series_are_sides_and_constraints():
    # "第一期和第二期": what stands before the first is the head of both
    assert read_question("焊接实训营第一期和第二期的开营日期分别是哪天？").sides == (
        "焊接实训营第一期的开营日期分别是哪天?",
        "焊接实训营第二期的开营日期分别是哪天?",
    )
    # and what follows the second is said of both
    assert read_question("第一批和第二批试点名单分别有几家？").sides == (
        "第一批试点名单分别有几家?",
        "第二批试点名单分别有几家?",
    )
    # one of a series is a constraint, held in digits too, and only whole
    spec = read_question("第二批试点名单哪天公布？")
    assert spec.labels == ("第二批",)
    assert holds_label("第二批", "第2批试点名单") and not holds_label("第二批", "第12批名单")
    assert not holds_label("第二批", "第一批试点名单")


def test_a_rate_said_of_both_sides_stays_on_each():
    # "每人每年" is how much of each, not part of the second side's name
    assert read_question("2023年老办法和2024年新办法每人每年分别补多少？").sides == (
        "2023年老办法每人每年分别补多少?",
        "2024年新办法每人每年分别补多少?",
    )


def test_a_demonstrative_before_one_kind_names_no_grade():
    assert read_question("我是那一类考生，能报吗？").labels == ()
    assert read_question("一类考生能报吗？").labels == ("一类",)


def test_a_place_outside_the_documents_own_is_read():
    """ "外省的学校" names no place, yet is one: a rule of 本市 does not speak of it."""
    assert read_question("和外省的学校合作也能申请吗？").elsewhere == ("外省",)
    assert read_question("和本市的学校合作能申请吗？").elsewhere == ()


def test_a_grade_by_its_number_is_held_written_either_way():
    # a table of ten grades writes them in words, a user in digits
    assert holds_label("7级", "六级：15个月；七级：13个月") and holds_label("七级", "评为7级")
    assert holds_label("10级", "十级：7个月")
    assert not holds_label("1级", "十一级") and not holds_label("2级", "十二级")
    assert read_question("评定为6级的补助是多少？").labels == ("6级",)


def test_a_passage_quoted_is_asked_about_not_how_the_question_asks():
    # the 不同 and the nouns of the quotation are the document's words
    spec = read_question("“各单位应当对不同岗位分别考核”出自哪个文件？")
    assert spec.intent != "comparison" and spec.asked == ()
    assert read_question("“甲方案”和“乙方案”有什么不同？").intent == "comparison"


def test_how_a_rule_is_decided_is_asked_as_a_clause_not_a_figure():
    assert read_question("办学经费最低按什么标准核定？").intent != "number"
    assert read_question("学校的办学经费标准是多少？").intent == "number"


def test_some_items_of_a_list_are_asked_as_a_list():
    assert read_question("申请要满足哪些条件？只列前几项").intent == "list"


def test_what_qualifies_the_kind_of_answer_is_not_asked():
    assert "基本" not in [a.word for a in read_question("办法对工厂的基本要求有哪些？").asked]
    # a cap is asked as the sum it caps, in whatever way the document writes it
    spec = read_question("交通补助每人封顶多少钱？")
    assert "封顶" not in [a.word for a in spec.asked]
    from ingest.synonyms import alternatives

    assert {"最高", "不超过"} <= set(alternatives("封顶"))


def test_which_law_a_passage_comes_from_asks_no_word_of_it():
    assert read_question("这句话来自哪部法规第几条？").asked == ()


def test_names_in_quotation_marks_are_sides_whole():
    sides = read_question("甲校的“焊接工艺”和乙校的“钳工实训”，学时和学分分别是多少？").sides
    assert sides == (
        "甲校的“焊接工艺”,学时和学分分别是多少?",
        "乙校的“钳工实训”,学时和学分分别是多少?",
    )


def test_each_asked_how_puts_the_question_to_each_side():
    sides = read_question("国家的法和北京的条例对押金各怎么规定？").sides
    assert sides == ("国家的法对押金各怎么规定?", "北京的条例对押金各怎么规定?")
