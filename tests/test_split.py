import pytest

from ingest.clean import clean_text
from ingest.split import MAX_CHARS, split_document
from ingest.types import DocMeta, Section

DOC = DocMeta(
    doc_id="d", source="x.md", title="中华人民共和国职业教育法", content_hash="0123456789abcdef"
)

LAW = """## 第一章 总则

第一条 为了推动职业教育高质量发展，提高劳动者素质和技术技能水平，促进就业创业，建设教育强国、人力资源强国和技能型社会，推进社会主义现代化建设，根据宪法，制定本法。

第二条 本法所称职业教育，是指为了培养高素质技术技能人才，使受教育者具备从事某种职业或者实现职业发展所需要的职业道德、科学文化与专业知识、技术技能等职业综合素质和行动能力而实施的教育，包括职业学校教育和职业培训。

## 第三章 职业教育的实施

第三十条 国家推行中国特色学徒制，引导企业按照岗位总量的一定比例设立学徒岗位。有关企业可以按照规定享受补贴。
"""


def test_chunks_are_exact_slices_with_heading_paths():
    text = clean_text(LAW)
    chunks = split_document(DOC, [Section(text=text)])
    assert chunks
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert c.search_text.startswith(DOC.title)
        assert c.search_text.endswith(c.text)
    apprentice = next(c for c in chunks if "学徒制" in c.text)
    assert apprentice.heading == "第三章 职业教育的实施"
    assert "第三章 职业教育的实施" in apprentice.search_text
    # Articles of different chapters never share a chunk.
    assert not any("第一条" in c.text and "第三十条" in c.text for c in chunks)


def test_long_paragraphs_are_cut_at_sentence_ends_with_overlap():
    sentence = "联合体内学校积极承接企业员工的岗前培训、岗位培训和继续教育。"
    text = sentence * 40
    chunks = split_document(DOC, [Section(text=text)])
    assert len(chunks) > 2
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    assert all(c.text.endswith("。") for c in chunks)
    assert chunks[1].start < chunks[0].end  # overlap


def test_ids_are_stable_and_version_specific():
    text = clean_text(LAW)
    a = split_document(DOC, [Section(text=text)])
    b = split_document(DOC, [Section(text=text)])
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    other = DocMeta(**{**DOC.__dict__, "content_hash": "fedcba9876543210"})
    assert not {c.chunk_id for c in a} & {
        c.chunk_id for c in split_document(other, [Section(text=text)])
    }


def test_records_stay_whole_and_keep_their_row():
    rec = Section(
        text="课程名称：飞机钣金工艺；开课学校：成都航空职业技术大学；学时：64",
        sheet="课程",
        row=7,
        kind="record",
        heading="开放课程目录",
    )
    [chunk] = split_document(DOC, [rec])
    assert chunk.text == rec.text and chunk.row == 7 and chunk.sheet == "课程"
    assert "开放课程目录" in chunk.search_text


RULE = "按照规定办理，具体以经办机构公布的流程为准，材料齐全的当场受理。"


@pytest.mark.parametrize(
    "text, lead, follows",
    [
        # a handbook of questions and answers: the next question reaches the chunk's size
        (
            f"问：第一类事项怎么办理？\n答：{RULE * 10}逾期不予受理，请提前准备。\n"
            "问：第二类事项需要准备什么材料？\n答：身份证、户口簿和劳动合同。",
            "第二类事项",
            "身份证、户口簿和劳动合同",
        ),
        # a line announcing a list reaches it
        (
            f"一、办理流程\n{RULE * 10}逾期不予受理，请各位申请人务必提前准备齐全。\n"
            "申请人需提供以下材料：\n（一）身份证；（二）户口簿；（三）劳动合同。",
            "以下材料",
            "劳动合同",
        ),
    ],
)
def test_a_line_asking_or_announcing_stays_with_what_follows(text, lead, follows):
    """A chunk that ended on such a line would hold it without what answers it."""
    chunks = split_document(DOC, [Section(text=clean_text(text))])
    assert follows in next(c.text for c in chunks if lead in c.text)
