"""`find`, `fields_of` and list/count answers over the bundled lists.

Gold sets are computed here from the source files with openpyxl/csv alone, never with the
loaders or lookups under test.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from assistant.lookup import (
    KINDS,
    WHOLE_RECORDS,
    LookupRequestError,
    answer_from_records,
    fields_of,
    find,
)
from assistant.question import QuestionSpec
from assistant.retrieve import Filters

from .test_records import COURSES_CSV, COURSES_XLSX, TRAINING, csv_rows, sheet_rows


def gold_courses() -> list[dict]:
    rows = [r for rs in sheet_rows(COURSES_XLSX, 4).values() for r in rs]
    rows += csv_rows(COURSES_CSV)
    return [{k: str(v) for k, v in r.items()} for r in rows]


def names(result, column: str) -> list[str]:
    return [r.fields[column] for r in result.results]


def test_kinds_and_their_fields(records_index):
    assert set(KINDS) == {"policy", "demand", "supply", "achievement", "course", "training"}
    course = fields_of(records_index, "course")
    assert {"课程名称", "开课学校", "授课方式", "学时", "课程类型"} <= set(course)
    assert not any("联系" in f for k in KINDS for f in fields_of(records_index, k))
    assert {"文号", "状态", "有效期至"} <= set(fields_of(records_index, "policy"))


def test_number_of_courses_of_each_school(records_index):
    gold: dict[str, int] = {}
    for r in gold_courses():
        gold[r["开课学校"]] = gold.get(r["开课学校"], 0) + 1
    assert len(gold) == 9
    for school, n in gold.items():
        assert find(records_index, "course", where=[f"开课学校={school}"]).total == n, school
    # the field by another of its names, the school by its short name
    cavtu = gold["成都航空职业技术大学"]
    assert find(records_index, "course", where=["学校=成航院"]).total == cavtu
    assert find(records_index, "course", where={"school": "成都航空职业技术大学"}).total == cavtu


def test_the_courses_taught_online(records_index):
    gold = {r["课程名称"] for r in gold_courses() if r["授课方式"] == "线上"}
    assert gold
    for value in ("线上", "在线"):
        got = find(records_index, "course", where=[f"授课方式={value}"], limit=0)
        assert set(names(got, "课程名称")) == gold and got.total == len(gold)


def test_filters_combine_and_compare_numbers(records_index):
    gold = [
        r
        for r in gold_courses()
        if float(r["学时"]) >= 64 and "企业员工" in r["开放对象"] and r["课程类型"] != "校级精品"
    ]
    got = find(
        records_index,
        "course",
        where=["学时>=64", "开放对象=企业员工", "课程类型!=校级精品"],
        limit=0,
    )
    assert sorted(names(got, "课程名称")) == sorted(r["课程名称"] for r in gold)


def _first_day(text: str) -> str:
    y, m, d = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text).groups()
    return date(int(y), int(m), int(d)).isoformat()


def test_since_and_until_keep_trainings_overlapping_the_range(records_index):
    rows = [r for rs in sheet_rows(TRAINING, 4).values() for r in rs]
    # A training is in July–August 2025 when it starts by Aug 31 and its last day is not
    # before Jul 1 (its last day: the date after the dash, in the same year).
    gold = set()
    for r in rows:
        when = str(r["培训时间"])
        start = _first_day(when)
        days = re.findall(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日", when)
        y = start[:4]
        end_y, end_m, end_d = days[-1]
        end = date(int(end_y or y), int(end_m), int(end_d)).isoformat()
        if start <= "2025-08-31" and end >= "2025-07-01":
            gold.add(r["培训项目"])
    got = find(records_index, "training", since="2025-07-01", until="2025-08-31", limit=0)
    assert set(names(got, "培训项目")) == gold


def test_total_counts_every_match_not_the_page(records_index):
    everything = find(records_index, "course", limit=0)
    page = find(records_index, "course", limit=5, offset=10)
    assert page.total == everything.total == 96
    assert [r.chunk.chunk_id for r in page.results] == [
        r.chunk.chunk_id for r in everything.results[10:15]
    ]
    data = page.to_json()
    assert data["kind"] == "course" and data["total"] == 96 and len(data["results"]) == 5
    first = data["results"][0]
    assert {"fields", "source", "sheet", "row", "page", "score"} <= set(first)
    assert first["source"].endswith(".xlsx") and first["row"] > 4


def test_a_query_ranks_the_records_that_hold_it(records_index):
    gold = {r["课程名称"] for r in gold_courses() if "无损检测" in r["课程名称"] + r["简介"]}
    got = find(records_index, "course", "无损检测", limit=0)
    assert gold <= set(names(got, "课程名称"))
    assert "无损检测" in got.results[0].fields["课程名称"]


def test_contacts_only_when_asked(records_index):
    plain = find(records_index, "demand", limit=0).to_json()
    assert all("restricted" not in r for r in plain["results"])
    assert not any(
        "联系" in k or "028-0000" in v for r in plain["results"] for k, v in r["fields"].items()
    )
    shown = find(records_index, "demand", limit=3, show_restricted=True).to_json()
    assert all(r["restricted"].get("联系电话", "").startswith("028-0000") for r in shown["results"])


def test_role_filters_are_honoured(records_index):
    assert find(records_index, "course", filters=Filters(doc_types=("training",))).total == 0
    assert find(records_index, "course", filters=Filters(visibility="internal")).total == 0


def test_bad_requests_say_what_to_do(records_index):
    with pytest.raises(LookupRequestError, match="可用"):
        find(records_index, "recipe")
    with pytest.raises(LookupRequestError, match="字段"):
        find(records_index, "course", where=["颜色=红"])
    with pytest.raises(LookupRequestError, match="字段=值"):
        find(records_index, "course", where=["开课学校"])


def test_policy_records_carry_their_status(records_index):
    current = find(records_index, "policy", where=["状态=有效"], limit=0)
    superseded = find(records_index, "policy", where=["status=superseded"], limit=0)
    assert [r.fields["文号"] for r in superseded.results] == ["青人社发〔2023〕21号"]
    assert superseded.results[0].fields["取代文件"] == "青人社发〔2025〕12号"
    assert "青人社发〔2025〕12号" in [r.fields.get("文号") for r in current.results]


# --- list and count answers, from a QuestionSpec ------------------------------------------


def spec(text: str, intent: str, kind: str, **kw) -> QuestionSpec:
    from assistant.question import read_question

    return replace(read_question(text), intent=intent, record_kind=kind, **kw)


def test_a_count_question_answers_with_the_number_and_every_row(records_index):
    gold = [
        r
        for r in gold_courses()
        if r["开课学校"] == "四川航天职业技术学院" and r["课程类型"] == "省级精品"
    ]
    ans = answer_from_records(
        spec("四川航天职业技术学院开了几门省级精品课？", "count", "course"), records_index
    )
    assert ans is not None and ans.found
    assert f"共{len(gold)}条" in ans.answer and "列表完整" in ans.answer
    assert len(ans.citations) == len(gold)
    assert {c.row for c in ans.citations} and all(c.sheet for c in ans.citations)
    for r in gold:
        assert r["课程名称"] in ans.answer


def test_a_list_question_lists_every_match_and_only_those(records_index):
    gold = {
        r["课程名称"]
        for r in gold_courses()
        if "企业员工" in r["开放对象"] and "无损检测" in r["课程名称"] + r["简介"]
    }
    ans = answer_from_records(
        spec("给企业员工开的无损检测课程有哪些", "list", "course"), records_index
    )
    assert ans is not None and len(ans.citations) == len(gold)
    for name in gold:
        assert name in ans.answer


def test_a_short_list_shows_each_record_whole(records_index):
    """A few records are what the question is about: every field shown, the long ones a
    one-line summary leaves out (简介) among them; a longer list keeps one line each."""
    short = [r for r in gold_courses() if "钣金" in r["课程名称"] + r["简介"]]
    assert 0 < len(short) <= WHOLE_RECORDS
    ans = answer_from_records(spec("有哪些钣金方面的课程", "list", "course"), records_index)
    assert ans is not None and len(ans.citations) == len(short)
    for r in short:
        assert r["简介"] in ans.answer and r["开课时间"] in ans.answer
    long = [r for r in gold_courses() if "数控" in r["课程名称"] + r["简介"]]
    assert len(long) > WHOLE_RECORDS
    ans = answer_from_records(spec("有哪些数控方面的课程", "list", "course"), records_index)
    assert ans is not None and not any(r["简介"] in ans.answer for r in long)


def test_a_dated_list_question(records_index):
    ans = answer_from_records(
        spec(
            "假期里有哪些给教师办的培训", "list", "training", since="2025-07-01", until="2025-08-31"
        ),
        records_index,
    )
    rows = [r for rs in sheet_rows(TRAINING, 4).values() for r in rs]
    gold = {
        r["培训项目"]
        for r in rows
        if "教师" in r["培训对象"]
        and "2025-07-01" <= _first_day(str(r["培训时间"])) <= "2025-08-31"
    }
    assert ans is not None and gold and len(ans.citations) == len(gold)
    assert all(name in ans.answer for name in gold)


def test_questions_records_cannot_answer_go_to_the_passages(records_index):
    assert answer_from_records(spec("有哪些课程", "fact", "course"), records_index) is None
    assert answer_from_records(spec("有哪些课程", "list", ""), records_index) is None
    # a subject no course is about: the records cannot say, the passages may
    assert answer_from_records(spec("有哪些烹饪课程", "list", "course"), records_index) is None


def test_answers_never_show_contacts(records_index):
    ans = answer_from_records(spec("有哪些对接中的技术需求", "list", "demand"), records_index)
    assert ans is not None and ans.citations
    assert "028-0000" not in ans.answer
    assert not any("028-0000" in c.quote or "联系人" in c.quote for c in ans.citations)


def test_versions_of_a_policy_side_by_side(records_index):
    from assistant.lookup import compare_versions

    ans = compare_versions(
        spec("学徒制补贴调整以后，培养技师的标准比以前高了多少？", "comparison", "policy"),
        records_index,
    )
    assert ans is not None and ans.found
    # the old and new standards of the sample notices, read from their source text
    assert "5000元" in ans.answer and "8000元" in ans.answer and "增加3000元" in ans.answer
    sources = {c.source.rsplit("/", 1)[-1].split(" ")[0] for c in ans.citations}
    assert sources == {"青人社发〔2023〕21号", "青人社发〔2025〕12号"}
    named = compare_versions(
        spec(
            "青人社发〔2023〕21号和新的有什么不同",
            "comparison",
            "policy",
            doc_numbers=("青人社发〔2023〕21号",),
        ),
        records_index,
    )
    assert named is not None and "4000元 → 6000元" in named.answer
    assert compare_versions(spec("职业技能培训补贴标准", "number", "policy"), records_index) is None
    # two things compared, no word of versions: not a question of old and new
    assert (
        compare_versions(
            spec("学徒制补贴里培养技师和高级工的标准有什么不同", "comparison", "policy"),
            records_index,
        )
        is None
    )


def test_a_policy_query_reads_the_whole_notice(records_index):
    got = find(records_index, "policy", "学徒制 导师", limit=0)
    numbers = [r.fields["文号"] for r in got.results]
    assert set(numbers[:2]) == {"青人社发〔2023〕21号", "青人社发〔2025〕12号"}


def test_records_answer_comparisons_then_lists(records_index):
    from assistant.lookup import answer_with_records

    listed = answer_with_records(spec("西华大学有哪些线下课程", "list", "course"), records_index)
    assert listed is not None and "列表完整" in listed.answer
    assert (
        answer_with_records(spec("西华大学有哪些线下课程", "fact", "course"), records_index) is None
    )


def test_a_list_filtered_by_a_subject_word_says_it_was_matched_as_written(records_index):
    """Complete for what the rows were asked: a subject word is matched literally, so the
    answer names it instead of promising rows that never use it."""
    ans = answer_from_records(
        spec("给企业员工开的无损检测课程有哪些", "list", "course"), records_index
    )
    assert ans is not None
    first = ans.answer.splitlines()[0]
    assert "含“无损检测”的课程" in first and "按字面筛选" in first
    assert "按字面筛选" in ans.notice
    # values the question names (a school, a level) are filters, not subject words
    ans = answer_from_records(
        spec("四川航天职业技术学院开了几门省级精品课？", "count", "course"), records_index
    )
    assert ans is not None and "按字面筛选" not in ans.answer and "列表完整" in ans.answer
