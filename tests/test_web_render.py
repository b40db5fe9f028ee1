"""How the page shows the documented JSON of answers, lookups and drafts (no server)."""

from assistant.service import answer_json, answer_status
from assistant.web import (
    _answer_details,
    _citation_choices,
    _coverage_rows,
    _coverage_summary,
    _draft_markdown,
    _rows,
)
from ingest.types import Answer, Citation, Dropped


def test_lookup_rows_put_fields_first_then_where_from():
    result = {
        "kind": "course",
        "total": 2,
        "results": [
            {
                "fields": {"课程名称": "飞机结构修理", "学时": "64"},
                "source": "a.xlsx",
                "sheet": "课程",
                "row": 3,
                "page": None,
                "score": 1.0,
            },
            {
                "fields": {"课程名称": "无损检测", "授课方式": "线上"},
                "source": "a.xlsx",
                "sheet": "课程",
                "row": 4,
                "page": None,
                "score": 0.9,
            },
        ],
    }
    headers, rows = _rows(result)
    assert headers == ["课程名称", "学时", "授课方式", "来源", "位置"]
    assert rows[0] == ["飞机结构修理", "64", "", "a.xlsx", "课程 第3行"]
    assert rows[1][2] == "线上"


def test_answer_states_and_dropped_sentences_are_shown():
    cite = Citation(1, "p.pdf", "通知", "c1", "原文", page=2)
    ans = Answer("问", "答[1]", True, "llm", (cite,), (Dropped("无据的一句", "无引用"),))
    text = _answer_details(ans)
    assert "已回答" in text and "大模型" in text and "无据的一句" in text
    assert _citation_choices(ans) == [("[1] 《通知》 第2页", "c1")]
    refused = Answer("问", "知识库中未找到相关内容。", False, "extractive")
    assert answer_status(refused) == "refused" and "拒答" in _answer_details(refused)
    assert answer_json(ans)["status"] == "answered"


def test_draft_preview_lists_indicators_and_missing_material():
    draft = {
        "year": 2024,
        "kind": "self-assessment",
        "mode": "extractive",
        "indicators": [
            {
                "code": "1",
                "title": "组织架构",
                "narrative": "已成立理事会。",
                "points": [],
                "missing": ["理事会会议纪要"],
            },
        ],
        "vetoes": [],
        "seconds": 1.2,
    }
    text = _draft_markdown(draft)
    assert "### 1 组织架构" in text and "已成立理事会。" in text and "理事会会议纪要" in text


def test_coverage_matrix_rows_and_summary():
    matrix = {
        "year": 2024,
        "counts": {"met": 1, "not_met": 0, "no_data": 1, "no_target": 0},
        "points": [
            {
                "code": "3.3.1",
                "name": "实训基地",
                "indicator": "3",
                "status": "met",
                "target": "2个",
                "actual": "3个",
                "completion": 1.5,
            },
            {
                "code": "8.5.2",
                "name": "企业投入",
                "indicator": "8",
                "status": "no_data",
                "target": None,
                "actual": None,
                "completion": None,
            },
        ],
        "vetoes": [{"code": "V1", "name": "安全事故", "status": "clear", "sources": []}],
    }
    headers, rows = _coverage_rows(matrix)
    assert headers[:4] == ["观测点", "名称", "指标", "状态"]
    assert rows[0][:7] == ["3.3.1", "实训基地", "3", "达标", "2个", "3个", "150%"]
    assert rows[1][3] == "暂无数据" and rows[1][4] == ""
    summary = _coverage_summary(matrix)
    assert "达标 1" in summary and "暂无数据 1" in summary and "安全事故：未触及" in summary
