"""Policy conditions read by an LLM and verified against the notice (assistant/conditions.py).

Pure parts with small examples of our own; the LLM path end to end against the fake
OpenAI-compatible server on 127.0.0.1 (the real `openai` client), over the bundled notices:
correct conditions are shown with origin "llm"; an invented quote or a value its quote does
not hold is dropped; malformed JSON or a timeout leaves the pattern conditions and a notice.
The extraction is run on every bundled notice, answered from a fixture written by hand from
the notices' text (tests/data/llm_policy_conditions.json), whose verdicts the verifier must
reproduce entry by entry.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from assistant.conditions import (
    ConditionExtractor,
    ExtractionError,
    MemoryCache,
    NoticeText,
    StoreCache,
    build_prompt,
    merge,
    norm,
    notice_chunks,
    parse_reply,
    refresh_conditions,
    value_holds,
    verify,
)
from assistant.llm import OpenAIChat
from assistant.lookup import records_of
from assistant.match import match_policy
from ingest.types import Chunk, DocMeta

from .conftest import DATA
from .fake_openai import Hang, Reply, conditions_reply

TODAY = date(2026, 1, 20)
FIXTURE = {
    k: v
    for k, v in json.loads((DATA / "llm_policy_conditions.json").read_text("utf-8")).items()
    if not k.startswith("_")
}
TARGET = "成经信发〔2025〕9号"  # a current notice of the bundled corpus


# --- pure parts ---------------------------------------------------------------------------


def _chunk(n: int, text: str) -> Chunk:
    doc = DocMeta(doc_id="d1", source="x.txt", title="示例通知", doc_number="示发〔2025〕1号")
    return Chunk(chunk_id=f"d1-{n}", doc=doc, text=text, search_text=text)


LINES = [
    ("二、申报条件", _chunk(1, "二、申报条件")),
    ("（一）企业在武侯区依法登记注册，近两年无失信记录；", _chunk(1, "")),
    ("（二）年度研发投入不低于200万元，且研发人员", _chunk(2, "")),
    ("不少于10人。", _chunk(2, "")),
]


def test_a_quote_is_found_whatever_its_spaces_and_punctuation():
    notice = NoticeText.of(LINES)
    span, chunk = notice.find("企业在武侯区依法登记注册, 近两年无失信记录")
    assert span == "企业在武侯区依法登记注册，近两年无失信记录" and chunk.chunk_id == "d1-1"
    # across a line break: the exact span of the original, cited at the chunk it starts in
    span, chunk = notice.find("且研发人员不少于10人")
    assert span == "且研发人员不少于10人" and chunk.chunk_id == "d1-2"
    assert notice.find("企业在锦江区依法登记注册") is None


def test_a_span_keeps_its_brackets_and_percent_signs():
    lines = [("补助比例提高至15%，单个企业（含分支机构）每年不超过“两次”。", _chunk(1, ""))]
    notice = NoticeText.of(lines)
    assert notice.find("补助比例提高至15%")[0] == "补助比例提高至15%"
    assert notice.find("补助比例提高至15")[0] == "补助比例提高至15"  # "15" is not "15%"
    assert notice.find("含分支机构")[0] == "（含分支机构）"
    assert notice.find("不超过两次")[0] == "不超过“两次”"


@pytest.mark.parametrize(
    "value, span, kind, holds",
    [
        ("200万元", "年度研发投入不低于200万元", "investment", True),
        ("300万元", "年度研发投入不低于200万元", "investment", False),
        ("2年", "近两年无失信记录", "credit", True),  # 两 is a Chinese numeral
        ("三年", "近两年无失信记录", "credit", False),
        ("10人", "研发人员不少于10人", "employees", True),
        ("10家", "研发人员不少于10人", "employees", False),  # the unit must be there too
        ("武侯区", "企业在武侯区依法登记注册", "district", True),
        ("锦江区", "企业在武侯区依法登记注册", "district", False),
        ("高新技术企业", "申请单位须为科技型中小企业", "flag", False),
        ("", "申请单位须为科技型中小企业", "other", True),
    ],
)
def test_a_value_must_be_in_its_quote(value, span, kind, holds):
    assert value_holds(value, span, kind) is holds


def test_replies_are_parsed_or_refused():
    item = {"type": "district", "operator": "=", "value": "武侯区", "quote": "企业在武侯区"}
    wrapped = json.dumps({"conditions": [item]}, ensure_ascii=False)
    assert parse_reply(wrapped) == [item]
    assert parse_reply(f"好的，结果如下：\n```json\n{wrapped}\n```") == [item]
    assert parse_reply(json.dumps([item], ensure_ascii=False)) == [item]
    for bad in ("没有找到条件", '{"conditions": [{"type": "district",', '{"items": 3}'):
        with pytest.raises(ExtractionError):
            parse_reply(bad)


def test_verification_keeps_what_the_notice_says_and_drops_the_rest():
    items = [
        {
            "type": "district",
            "operator": "=",
            "value": "武侯区",
            "quote": "企业在武侯区依法登记注册",
        },
        {
            "type": "investment",
            "operator": "≥",
            "value": "200万元",
            "quote": "研发投入不低于200万元",
        },
        {"type": "flag", "operator": "=", "value": "专精特新", "quote": "企业须为专精特新企业"},
        {"type": "employees", "operator": ">=", "value": "20人", "quote": "研发人员不少于10人"},
        {"type": "district", "operator": "=", "value": "两年", "quote": "近两年无失信记录"},
        {"type": "other", "value": "", "quote": "企业"},
        {"type": "other", "value": ""},
        "企业在武侯区",
        {
            "type": "district",
            "operator": "=",
            "value": "武侯区",
            "quote": "企业在武侯区依法登记注册",
        },
    ]
    kept, dropped = verify(items, NoticeText.of(LINES))
    assert [(c["type"], c["dimension"], c["value"]) for c in kept] == [
        ("district", "district", "武侯区"),
        ("investment", "other", "200万元"),
        ("district", "other", "两年"),  # mislabelled: kept, never judged
    ]
    assert kept[1]["operator"] == ">=" and kept[1]["chunk_id"] == "d1-2"
    assert all(c["origin"] == "llm" for c in kept)
    reasons = [d["reason"] for d in dropped]
    assert len(dropped) == 5  # the repeated district condition is not counted twice
    assert "quote not in the notice" in reasons[0] and "value not in" in reasons[1]
    assert "too short" in reasons[2] and all("no quote" in r for r in reasons[3:])


def test_merging_keeps_pattern_conditions_and_adds_only_new_ones():
    pattern = [
        {
            "clause": "企业在武侯区依法登记注册",
            "chunk_id": "d1-1",
            "dimension": "district",
            "value": "武侯区",
        },
        {"clause": "近两年无失信记录", "chunk_id": "d1-1", "dimension": "other", "value": ""},
    ]
    llm = [
        # the same district condition: a duplicate
        {"clause": "企业在武侯区依法登记注册", "dimension": "district", "value": "武侯区"},
        # the same clause, nothing judgeable: a duplicate
        {"clause": "无失信记录", "dimension": "other", "value": ""},
        # something the patterns did not read
        {"clause": "年度研发投入不低于200万元", "dimension": "other", "value": "200万元"},
    ]
    llm = [{**c, "chunk_id": "d1-2", "origin": "llm"} for c in llm]
    merged = merge(pattern, llm)
    assert [c["origin"] for c in merged] == ["pattern", "pattern", "llm"]
    assert merged[2]["value"] == "200万元"
    assert merge(pattern, []) == [{**c, "origin": "pattern"} for c in pattern]


def test_the_prompt_carries_the_notice_and_the_json_it_asks_for():
    prompt = build_prompt("示例通知", "示发〔2025〕1号", "二、申报条件\n（一）企业在武侯区…")
    assert "（一）企业在武侯区…" in prompt and "示发〔2025〕1号" in prompt
    assert '"conditions"' in prompt and '"registration"' in prompt and "{" not in prompt[:20]


# --- the LLM path against the fake server, on the bundled notices -----------------------


def _chat(server, timeout: float = 10.0) -> OpenAIChat:
    return OpenAIChat(model="fake-model", base_url=server.base_url, timeout=timeout, max_retries=0)


def _match(retriever, extractor, **profile):
    result = match_policy(retriever, profile, today=TODAY, extractor=extractor)
    return result, next(m for m in result.matches if m.chunk.doc.doc_number == TARGET)


GOOD = {
    "type": "flag",
    "operator": "=",
    "value": "产教融合型企业",
    "quote": "对新认定为国家级产教融合型企业的航空航天产业链企业，给予一次性奖励50万元",
}
INVENTED = {"type": "size", "operator": "=", "value": "中小企业", "quote": "申请企业须为中小企业"}
WRONG_VALUE = {
    "type": "cooperation",
    "operator": ">=",
    "value": "80人次",
    "quote": "近三年年均接收职业院校学生实习不少于50人次",
}


def test_llm_conditions_are_shown_with_their_origin_and_judged(records_index, openai_server):
    openai_server.default = Reply(conditions_reply({TARGET: [GOOD, INVENTED, WRONG_VALUE]}))
    extractor = ConditionExtractor(_chat(openai_server), MemoryCache())
    result, m = _match(records_index, extractor, flags=["产教融合型企业"], district="青羊区")
    assert extractor.calls == len(openai_server.requests) >= 1
    llm = [c for c in m.conditions if c["origin"] == "llm"]
    # (a) the correct condition: shown, judged, cited at the chunk holding its clause
    assert [(c["dimension"], c["value"], c["status"]) for c in llm] == [
        ("flag", "产教融合型企业", "met")
    ]
    view = records_index.view()
    holder = view.chunks[view.position[llm[0]["citation"]["chunk_id"]]]
    assert norm(GOOD["quote"]) in norm(holder.text)
    # the pattern conditions are all still there, marked as such
    pattern = [c for c in m.conditions if c["origin"] == "pattern"]
    assert [c["clause"] for c in pattern] == [
        c["clause"] for c in m.chunk.record.values["conditions"]
    ]
    # (b) the invented quote and (c) the value its quote does not hold: dropped, counted
    assert {(d["quote"], d["value"]) for d in m.extraction["dropped"]} == {
        (INVENTED["quote"], INVENTED["value"]),
        (WRONG_VALUE["quote"], WRONG_VALUE["value"]),
    }
    assert m.extraction["status"] == "verified" and m.extraction["returned"] == 3
    shown = [c["clause"] for c in m.conditions]
    assert INVENTED["quote"] not in shown and "80人次" not in json.dumps(m.conditions)
    # JSON: the documented keys stay, `origin` and `llm` are added
    out = result.to_json()
    cond = out["matches"][0]["conditions"][0]
    assert {"clause", "dimension", "value", "status", "citation", "origin"} <= set(cond)
    assert out["notice"] == "" and "llm" in out["matches"][0]
    assert (
        "（大模型抽取：资质 = 产教融合型企业，已核对原文；仅针对其中部分措施）" in result.to_text()
    )


@pytest.mark.parametrize("failure", ["malformed", "timeout"])
def test_a_failing_model_leaves_the_pattern_conditions_and_says_so(
    records_index, openai_server, failure
):
    if failure == "malformed":
        openai_server.default = Reply('{"conditions": [{"type": "flag", "quote": "对新认定')
        chat = _chat(openai_server)
    else:
        openai_server.default = Hang(10)
        chat = _chat(openai_server, timeout=1.0)
    result, m = _match(records_index, ConditionExtractor(chat, MemoryCache()), district="青羊区")
    offline, o = _match(records_index, None, district="青羊区")
    assert m.conditions == o.conditions  # exactly what the patterns give
    assert all(c["origin"] == "pattern" for c in m.conditions)
    assert m.extraction["status"] == "failed"
    assert "大模型条件抽取失败" in result.notice and "pattern conditions only" in result.notice
    assert ("超时" if failure == "timeout" else "JSON") in result.notice
    assert result.notice in result.to_text() and offline.notice == ""


def test_an_unchanged_notice_is_not_sent_again(records_index, openai_server):
    openai_server.default = Reply(conditions_reply({TARGET: [GOOD]}))
    cache = StoreCache(records_index.store)
    first = ConditionExtractor(_chat(openai_server), cache)
    _, m1 = _match(records_index, first)
    sent = len(openai_server.requests)
    assert sent == first.calls >= 1 and m1.extraction["status"] == "verified"
    # a second reader of the same index: everything comes from the index, nothing is sent
    second = ConditionExtractor(_chat(openai_server), StoreCache(records_index.store))
    _, m2 = _match(records_index, second)
    assert second.calls == 0 and len(openai_server.requests) == sent
    assert m2.extraction["status"] == "cached" and m2.conditions == m1.conditions
    # without a model, the cached reading is still used; with no cache, patterns only
    _, m3 = _match(records_index, ConditionExtractor(None, StoreCache(records_index.store)))
    assert m3.conditions == m1.conditions
    _, m4 = _match(records_index, ConditionExtractor(None, MemoryCache()))
    assert m4.extraction["status"] == "absent"
    assert all(c["origin"] == "pattern" for c in m4.conditions)


def test_the_extraction_on_every_bundled_notice(records_index, openai_server):
    """Every notice is read (through HTTP), and the verifier reaches the hand-made verdict
    on every item of the fixture; every verified condition points at a real clause."""
    openai_server.default = Reply(conditions_reply(FIXTURE))
    extractor = ConditionExtractor(_chat(openai_server), MemoryCache())
    notices = [c for c in records_of(records_index, "policy") if c.record.values.get("notice")]
    assert {c.doc.doc_number for c in notices} == set(FIXTURE)  # the fixture covers them all
    view = records_index.view()
    report = refresh_conditions(notices, lambda c: notice_chunks(view, c), extractor)
    assert report.asked == len(notices) == len(openai_server.requests) and not report.failed
    expected_kept = sum(e["expect"] == "kept" for v in FIXTURE.values() for e in v)
    for record_chunk in notices:
        got = extractor.extract(record_chunk, notice_chunks(view, record_chunk))
        assert got.status == "cached"
        dropped = {(d["quote"], d["value"]) for d in got.dropped}
        for item in FIXTURE[record_chunk.doc.doc_number]:
            verdict = "dropped" if (item["quote"], item["value"]) in dropped else "kept"
            assert verdict == item["expect"], (record_chunk.doc.doc_number, item)
        for c in got.conditions:
            holder = view.chunks[view.position[c["chunk_id"]]]
            assert holder.doc.doc_id == record_chunk.doc.doc_id
            assert norm(c["clause"])[:12] in norm(holder.text)
            assert any(
                norm(i["quote"]) == norm(c["clause"]) for i in FIXTURE[holder.doc.doc_number]
            )
    assert report.verified == expected_kept  # no condition said twice in the fixture
    assert report.dropped == sum(len(v) for v in FIXTURE.values()) - expected_kept


# --- the commands ---------------------------------------------------------------------------


def test_ingest_reads_notices_once_and_match_policy_shows_origins(
    tmp_path, openai_server, monkeypatch, capsys
):
    import shutil

    from assistant.cli import main

    from .conftest import CORPUS

    docs = tmp_path / "docs"
    docs.mkdir()
    for f in (CORPUS / "policies").glob("成经信发*"):
        shutil.copy(f, docs / f.name)
    index = ["--index", str(tmp_path / "index")]
    openai_server.default = Reply(conditions_reply({TARGET: [GOOD, INVENTED]}))
    monkeypatch.setenv("CHANJIAO_LLM_MODEL", "fake-model")
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    monkeypatch.setenv("CHANJIAO_LLM_TIMEOUT", "5")
    assert main(["ingest", str(docs), "--no-embed", "--quiet", "--json", *index]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["llm_conditions"] == {
        "notices": 1,
        "asked": 1,
        "cached": 0,
        "failed": [],
        "verified": 1,
        "dropped": 1,
    }
    assert {"indexed", "unchanged", "failed", "seconds"} <= set(report)  # the shape stays
    # re-ingesting the unchanged notice asks nothing
    assert main(["ingest", str(docs), "--no-embed", "--quiet", *index]) == 0
    out = capsys.readouterr().out
    assert len(openai_server.requests) == 1
    assert "新抽取 0，缓存 1" in out and "核验保留 1 条，删去 1 条" in out
    # match-policy with the model configured: from the index, nothing sent
    assert main(["match-policy", "--flags", "产教融合型企业", "--json", *index]) == 0
    out = json.loads(capsys.readouterr().out)
    origins = {(c["origin"], c["value"]) for c in out["matches"][0]["conditions"]}
    assert ("llm", "产教融合型企业") in origins and ("pattern", "成都市") in origins
    assert len(openai_server.requests) == 1
    # offline (no model): the human output is the patterns' plus the reading cached at ingest
    monkeypatch.delenv("CHANJIAO_LLM_MODEL")
    assert main(["match-policy", "--flags", "产教融合型企业", *index]) == 0
    text = capsys.readouterr().out
    assert "对新认定为国家级产教融合型企业的航空航天产业链企业" in text
    assert "（大模型抽取：资质 = 产教融合型企业，已核对原文" in text
    assert "申请企业须为中小企业" not in text


def test_the_web_app_marks_llm_conditions():
    from assistant.web import _policy_markdown

    cond = {"clause": "企业在武侯区依法登记注册", "status": "met", "dimension": "district"}
    result = {
        "matches": [
            {
                "title": "示例通知",
                "conditions": [{**cond, "origin": "pattern"}, {**cond, "origin": "llm"}],
            }
        ]
    }
    lines = [ln for ln in _policy_markdown(result).splitlines() if "武侯区" in ln]
    assert len(lines) == 2 and "大模型" not in lines[0] and "大模型抽取" in lines[1]


@pytest.mark.parametrize("scope, verdict", [("all", "not_eligible"), ("part", "eligible")])
def test_only_a_condition_of_the_whole_notice_rules_it_out(
    records_index, openai_server, scope, verdict
):
    """A flag the firm lacks rules the notice out when the model says it governs the whole
    notice; as the condition of one measure it is shown not met, and the notice stays open."""
    openai_server.default = Reply(conditions_reply({TARGET: [GOOD | {"scope": scope}]}))
    extractor = ConditionExtractor(_chat(openai_server), MemoryCache())
    result, m = _match(records_index, extractor, district="青羊区", flags=["专精特新"])
    llm = [c for c in m.conditions if c["origin"] == "llm"]
    assert [(c["status"], c["scope"]) for c in llm] == [("not_met", scope)]
    assert m.verdict == verdict  # the district condition (成都市) is met either way
    assert ("仅针对其中部分措施" in result.to_text()) is (scope == "part")
