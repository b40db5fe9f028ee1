from ingest.clean import (
    carry_over,
    clean_pages,
    clean_text,
    heading_level,
    is_page_number,
    join_lines,
    page_widths,
    repeated_edge_lines,
    squeeze_cjk_spaces,
    text_quality,
)


def test_hard_wraps_inside_sentences_are_joined_and_sentence_ends_kept():
    lines = [
        "为深入学习贯彻党的二十大精神，进一步提高市域产教联合体建设水平，丰富建设",
        "内涵，确保建设质量，现就有关事项通知如下。",
        "一、总体要求",
        "以产业园区为基础，聚焦区域主导产业，坚持以教促产、以产助教，深化产教融合、",
        "产学合作。",
    ]
    assert join_lines(lines) == [
        "为深入学习贯彻党的二十大精神，进一步提高市域产教联合体建设水平，丰富建设内涵，确保建设质量，现就有关事项通知如下。",
        "一、总体要求",
        "以产业园区为基础，聚焦区域主导产业，坚持以教促产、以产助教，深化产教融合、产学合作。",
    ]


def test_short_title_lines_are_not_glued_to_the_body():
    lines = [
        "教育部办公厅关于加强",
        "市域产教联合体建设的通知",
        "教职成厅函〔2024〕20号",
        "各省、自治区、直辖市教育厅（教委），各计划单列市教育局，新疆生产建设兵团教育局：",
        "为深入学习贯彻党的二十大和二十届二中、三中全会以及全国教育大会精神，落实中共中央",
        "办公厅、国务院办公厅《关于深化现代职业教育体系建设改革的意见》，现就有关事项通知如下。",
    ]
    out = join_lines(lines)
    assert out[2] == "教职成厅函〔2024〕20号"
    assert out[-1].startswith("为深入学习") and out[-1].endswith("通知如下。")


def test_table_rows_set_apart_by_spaces_are_not_joined():
    """Rows of a list copied as text, each as long as a full line, stay one per line; a
    wrapped sentence around them still joins."""
    lines = [
        "各地推荐的示例单位名单如下，请按照名单顺序组织开展本年度的培育与评估工作，",
        "并及时报送进展。",
        "1甲市智能制造示例联合体 甲市经济技术开发区 甲市职业技术学院 甲市示例装备有限公司",
        "2乙市航空示例联合体 乙市高新技术产业开发区 乙市航空职业学院 乙市示例航空有限公司",
        "3丙市汽车示例联合体 丙市汽车产业园区 丙市交通职业技术学院 丙市示例汽车有限公司",
    ]
    out = join_lines(lines)
    assert out[0].endswith("并及时报送进展。")
    assert [x[:1] for x in out[1:]] == ["1", "2", "3"]


def test_page_numbers_are_recognised():
    for line in ("- 2 -", "— 12 —", "第3页 共10页", "3/10", "7"):
        assert is_page_number(line), line
    for line in ("2024年", "一、总体要求", "5000元"):
        assert not is_page_number(line), line


def test_running_headers_and_page_numbers_are_dropped():
    pages = [
        f"青羊区人力资源和社会保障局文件\n正文第{i}页的内容，讲的是培训补贴。\n- {i} -"
        for i in range(1, 5)
    ]
    assert "青羊区人力资源和社会保障局文件" in repeated_edge_lines([p.split("\n") for p in pages])
    cleaned = clean_pages(pages)
    assert all("人力资源和社会保障局文件" not in c and "- " not in c for c in cleaned)
    assert cleaned[1] == "正文第2页的内容，讲的是培训补贴。"


def test_spaces_inside_chinese_from_pdf_are_removed_only_when_asked():
    assert squeeze_cjk_spaces("语 篇 知识 是关于 20 号 文件") == "语篇知识是关于20号文件"
    assert (
        clean_text("第一条 为了推动职业教育高质量发展。") == "第一条 为了推动职业教育高质量发展。"
    )
    assert clean_pages(["语 篇 知识"], squeeze=True) == ["语篇知识"]


def test_heading_levels_follow_chinese_outline():
    assert (
        heading_level("第一章 总则")
        < heading_level("一、总体要求")
        < heading_level("（一）深化四个合作")
    )
    assert heading_level("（一）深化四个合作") < heading_level("1. 合作办学")
    assert heading_level("PART 01") is not None
    assert heading_level("## 第二章 职业教育体系") == 2
    # A numbered lead-in that goes on as a sentence is body text, not a heading.
    assert (
        heading_level(
            "1.合作办学。充分发挥企业重要办学主体作用，多主体、多形式开展合作办学，鼓励校企建设产业学院。"
        )
        is None
    )
    assert heading_level("8.5.2共建实训基地工位数(个)") is None


def test_text_quality_flags_mojibake_but_not_chinese_or_english():
    assert text_quality("企业新型学徒制培训补贴标准为每人每年5000元。")[1] == ""
    assert text_quality("The English curriculum standard for vocational colleges.")[1] == ""
    assert text_quality("\ue001\ue002\ue003\ue004 \ue005\ue006\ue007")[1] == "garbled"
    assert text_quality("ÃÂ¼ÃÂ¿Ã¦Â¸Â©Ã©ÂÂ¡Ã¨Â±Â")[1] == "garbled"


def test_a_question_is_foreign_by_its_letters_not_its_digits():
    from ingest.clean import is_foreign

    assert is_foreign("What subsidies are there for apprenticeships?")
    assert not is_foreign("2026年？") and not is_foreign("？？？")
    assert not is_foreign("AI赋能职业教育有什么政策？")


def test_an_item_wrapped_over_a_page_break_is_carried_whole_and_a_heading_stays():
    """A numbered item that fills the last line of its page goes on on the next page; a
    short numbered line at the foot of a page is a heading for what follows."""
    page1 = [
        "二、适用范围",
        "（一）在本市登记注册并正常经营的中小企业，近两年内未发生重大安全事",
        "故，依法足额缴纳社会保险费用并按时申报纳税，未列入失信名单；",
        "（二）申请单位与职业院校签订合作协议，合作期限不少于三年，合作",
    ]
    page2 = [
        "内容包括共建专业、共建实训基地、联合培养学生中的一项或者多项。",
        "三、支持标准",
    ]
    raw = ["\n".join(page1), "\n".join(page2)]
    cleaned = clean_pages(raw)
    widths = page_widths(raw)
    assert widths[0] == len(page1[1])
    moved = carry_over(cleaned, widths)
    assert moved[0].endswith("未列入失信名单；")
    assert moved[1].startswith(
        "（二）申请单位与职业院校签订合作协议，合作期限不少于三年，合作内容包括"
    )
    # without the widths (the old reading) the item is taken for a heading and stays behind
    assert carry_over(cleaned)[0].endswith("合作期限不少于三年，合作")
    # a short heading at the foot of a page stays where it is
    page1_heading = [*page1[:3], "（二）合作要求"]
    raw = ["\n".join(page1_heading), "\n".join(page2)]
    kept = carry_over(clean_pages(raw), page_widths(raw))
    assert kept[0].endswith("（二）合作要求") and kept[1].startswith("内容包括")
