from datetime import date

import pytest

from ingest import metadata as md


def test_doc_numbers_are_found_and_normalised():
    assert (
        md.find_doc_number("教育部办公厅\n教职成厅函〔2024〕20号\n各省") == "教职成厅函〔2024〕20号"
    )
    assert md.find_doc_number("青府办发[2023] 7号") == "青府办发〔2023〕7号"
    assert md.find_doc_number("川人社发（2024）15 号") == "川人社发〔2024〕15号"
    assert md.find_doc_number("没有文号的文字") == ""


def test_dates_come_from_the_file_name_or_the_signature():
    assert md.find_date("正文", "职业教育法(2022-04-20).md") == "2022-04-20"
    assert md.find_date("……特此通知。\n教育部办公厅\n2024年10月21日") == "2024-10-21"
    assert (
        md.find_valid_until("本办法自2023年1月1日起施行，有效期至2025年12月31日。") == "2025-12-31"
    )


def test_titles_issuers_and_kinds():
    head = (
        "教育部办公厅关于加强\n市域产教联合体建设的通知\n教职成厅函〔2024〕20号\n各省、自治区：\n"
    )
    title = md.guess_title("", head, "moe.txt")
    assert title == "教育部办公厅关于加强市域产教联合体建设的通知"
    assert md.find_issuer(title) == "教育部办公厅"
    assert md.guess_doc_type([], title) == "policy"
    assert md.guess_doc_type(["corpus", "courses"], "任意") == "course"
    assert md.guess_doc_type([], "成都市航空航天产教联合体章程（示例）") == "charter"
    assert md.is_sample("成都市航空航天产教联合体章程（示例）", "charter.pdf")


def test_status_of_expired_policy():
    assert md.status_of("2025-12-31", "", today=date(2026, 11, 22)) == "已失效"
    assert md.status_of("2027-12-31", "", today=date(2026, 11, 22)) == "有效"
    assert md.status_of("", "已废止") == "已废止"


def test_stale_documents_are_the_expired_the_repealed_and_the_superseded():
    from ingest.types import DocMeta

    def doc(**kw):
        return DocMeta(doc_id="d", source="s", title="t", **kw)

    today = date(2026, 11, 23)
    assert md.is_stale(doc(valid_until="2025-12-31"), today)
    assert md.is_stale(doc(status="已被《…》（青人社发〔2025〕12号）取代"), today)
    assert md.is_stale(doc(status="已失效"), today)
    assert not md.is_stale(doc(status="现行有效（2022年5月1日起施行）"), today)
    assert not md.is_stale(doc(valid_until="2027-12-31", status="有效"), today)
    assert not md.is_stale(doc(), today)


def test_a_doc_number_in_a_question_loses_the_words_before_it():
    from ingest.metadata import DOC_NUMBER, normalize_doc_number

    def numbers(q):
        return [normalize_doc_number(m.group(0)) for m in DOC_NUMBER.finditer(q)]

    assert numbers("按成经信发〔2025〕9号，共建产业学院怎么补助？") == ["成经信发〔2025〕9号"]
    assert numbers("根据青人社发〔2023〕21号，技师补多少？") == ["青人社发〔2023〕21号"]
    assert numbers("川教函〔2023〕77号是哪天印发的") == ["川教函〔2023〕77号"]


@pytest.mark.parametrize(
    "source, title, name",
    [
        # the name people use where the title says something else
        ("corpus/curriculum/2025英语考纲.pdf", "某省专升本考试《英语》考试说明", "2025英语考纲"),
        # a generated id says nothing
        ("corpus/standard/moe-2024-10-21-notice-2024-20.txt", "教育部办公厅关于某事的通知", ""),
        # the title already says it; the bracketed date is no name
        ("corpus/laws/某省人才条例(2020-03-26).md", "某省人才条例", ""),
        ("x/某市问答手册（12.11）.docx", "某市问答手册（修订）", ""),
    ],
)
def test_a_file_name_is_a_name_of_the_document_where_it_says_more(source, title, name):
    from ingest.types import DocMeta

    assert DocMeta(doc_id="d", source=source, title=title).file_name == name
