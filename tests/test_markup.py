"""Document text made inert for the page's Markdown (assistant/markup.py), and every
renderer of web.py that shows document text using it (the browser side is
tests/test_web_xss.py)."""

from __future__ import annotations

import re

import pytest

from assistant.markup import md_inline, md_quote, md_text
from assistant.web import (
    _answer_details,
    _answer_markdown,
    _coverage_summary,
    _draft_markdown,
    _match_markdown,
    _policy_markdown,
)
from ingest.types import Answer, Citation, Dropped

PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=2</script>",
    "[点我](javascript:window.__xss=3)",
    '![图](x" onerror="window.__xss=4)',
    "<a href='javascript:alert(1)'>官网</a>",
    "`<b>`代码`",
    "<https://evil.example/x>",
]
HOSTILE = "补助800元。" + "".join(PAYLOADS)


def _inert(markdown: str) -> None:
    """No tag, autolink, link or image can be built from `markdown`."""
    assert "<" not in markdown.replace("&lt;", "")
    assert not re.search(r"(?<!\\)\]\(", markdown)  # no unescaped ]( : no link, no image
    assert not re.search(r"(?<!\\)`", markdown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_text_leaves_nothing_to_build(payload):
    _inert(md_text(payload))


def test_md_text_keeps_the_characters_and_the_lines():
    text = "第一条 补贴5,000元（每人）。\n1. 申报\n- 材料\n# 不是标题"
    out = md_text(text)
    assert out.count("\n") == 3
    unescaped = re.sub(r"\\(.)", r"\1", out).replace("&lt;", "<").replace("&gt;", ">")
    assert unescaped.replace("&amp;", "&") == text
    assert "\n1\\." in out and "\n\\-" in out and "\n\\#" in out  # no list, no heading
    assert md_inline("甲\n乙") == "甲 乙"
    assert md_quote("甲\n乙") == "> 甲\n> 乙"


def test_chat_answer_and_details_escape_document_text():
    cite = Citation(1, "a.md", HOSTILE, "c1", HOSTILE)
    ans = Answer(
        "问",
        HOSTILE + "[1]",
        True,
        "llm",
        (cite,),
        (Dropped(HOSTILE, HOSTILE),),
        notice=HOSTILE,
        suggestions=({"title": HOSTILE, "source": "a.md", "doc_type": "policy"},),
    )
    for shown in (_answer_markdown(ans), _answer_details(ans)):
        _inert(shown)
        assert "补助800元" in shown


def test_lookups_matching_and_drafts_escape_document_text():
    policy = {
        "matches": [
            {
                "title": HOSTILE,
                "doc_number": HOSTILE,
                "verdict": "eligible",
                "status": "current",
                "conditions": [{"status": "met", "clause": HOSTILE}],
                "amounts": [{"text": HOSTILE}],
                "deadlines": [{"text": HOSTILE}],
                "how_to_apply": [{"text": HOSTILE}],
                "source": HOSTILE,
            }
        ],
        "excluded": [{"title": HOSTILE}],
    }
    match = {
        "matches": [
            {
                "fields": {HOSTILE: HOSTILE},
                "restricted": {"联系人": HOSTILE},
                "reason": HOSTILE,
                "citation": {"source": HOSTILE, "row": 2, "sheet": HOSTILE},
            }
        ]
    }
    draft = {
        "year": 2024,
        "kind": "self-assessment",
        "indicators": [
            {"code": HOSTILE, "title": HOSTILE, "narrative": HOSTILE, "missing": [HOSTILE]}
        ],
        "vetoes": [{"code": HOSTILE, "name": HOSTILE, "status": HOSTILE}, HOSTILE],
    }
    coverage = {"year": 2024, "counts": {}, "vetoes": [{"code": HOSTILE, "name": HOSTILE}]}
    for shown in (
        _policy_markdown(policy),
        _match_markdown(match),
        _draft_markdown(draft),
        _coverage_summary(coverage),
    ):
        _inert(shown)
        assert "补助800元" in shown
