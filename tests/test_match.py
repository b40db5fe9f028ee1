"""Policy matching and supply–demand matching on the bundled notices and lists.

The notices' gold (status, the 申报条件 items, the amounts and application windows they
state) is read from the text the sample notices were written from
(corpus/_build/policies_data.py), not from the extraction under test.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date

import pytest

from assistant.lookup import find, records_of
from assistant.match import find_item, judge_condition, match_demand, match_policy
from assistant.retrieve import Filters
from ingest.tokens import compact

from .conftest import CORPUS
from .test_records import SUPPLY_DEMAND, sheet_rows

CORPUS_DAY = date(2026, 1, 20)  # the day the sample lists were compiled


def _policies() -> list[dict]:
    spec = importlib.util.spec_from_file_location(
        "policies_data", CORPUS / "_build" / "policies_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.POLICIES


NOTICES = _policies()


def _notice(retriever, doc_number: str):
    return next(c for c in records_of(retriever, "policy") if c.doc.doc_number == doc_number)


def _condition_items(body: str) -> list[str]:
    """The "（一）…" items under a 申报条件 heading of a notice's text."""
    lines = body.splitlines()
    out, inside = [], False
    for line in lines:
        if re.match(r"^[一二三四五六七八九十]+、", line):
            inside = "申报条件" in line
            continue
        if inside and line.startswith("（"):
            out.append(re.sub(r"^（[一二三四五六七八九十]+）", "", line).rstrip("；。"))
    return out


@pytest.mark.parametrize("notice", NOTICES, ids=lambda n: n["doc_number"])
def test_every_bundled_notice_is_read_into_a_record(records_index, notice):
    chunk = _notice(records_index, notice["doc_number"])
    values = chunk.record.values
    # validity and status, as of the day the lists were compiled
    assert values["valid_until"] == notice["valid_until"]
    expected = (
        "superseded"
        if "取代" in notice["status"]
        else "expired"
        if "失效" in notice["status"]
        or (notice["valid_until"] and notice["valid_until"] < CORPUS_DAY.isoformat())
        else "current"
    )
    from assistant.lookup import status_of

    assert status_of(records_index, chunk, CORPUS_DAY) == expected
    # conditions: the 申报条件 items of the text, each with the chunk that holds its clause
    clauses = [c["clause"] for c in values["conditions"]]
    items = _condition_items(notice["body"])
    found = [i for i in items if any(compact(i)[:12] in compact(c) for c in clauses)]
    assert len(found) == len(items), (items, clauses)
    view = records_index.view()
    for c in values["conditions"]:
        holder = view.chunks[view.position[c["chunk_id"]]]
        assert compact(c["clause"])[:10] in compact(holder.text)
    # amounts stated in it: every extracted amount is in the text
    body = compact(notice["body"] + str(notice.get("table", "")))
    for a in values["amounts"]:
        assert compact(a["text"])[:10] in body
    stated = re.findall(r"\d+(?:\.\d+)?万?元", notice["body"])
    if any(w in notice["body"] for w in ("补贴", "奖励", "补助")) and stated:
        assert values["amounts"], notice["doc_number"]
    # when and how to apply
    if re.search(r"受理时间|\d+月\d+日至\d+月\d+日", notice["body"]):
        assert values["deadlines"], notice["doc_number"]
    if re.search(r"申报程序|申请程序|享受方式", notice["body"]):
        assert values["how_to_apply"], notice["doc_number"]


def test_superseded_and_repealing_notices_know_each_other(records_index):
    old = _notice(records_index, "青人社发〔2023〕21号")
    new = _notice(records_index, "青人社发〔2025〕12号")
    assert old.record.values["superseded_by"] == "青人社发〔2025〕12号"
    assert "青人社发〔2023〕21号" in new.record.values["repeals"]


PROFILE = {
    "industry": "航空航天",
    "size": "中型",
    "district": "青羊区",
    "flags": ["产教融合型企业"],
}


def test_match_policy_judges_each_condition_and_lists_stale_notices_apart(records_index):
    result = match_policy(records_index, PROFILE, today=CORPUS_DAY)
    data = result.to_json()
    matched = {m["doc_number"] for m in data["matches"]}
    excluded = {m["doc_number"]: m for m in data["excluded"]}
    gold_stale = {
        n["doc_number"]
        for n in NOTICES
        if "取代" in n["status"]
        or "失效" in n["status"]
        or (n["valid_until"] and n["valid_until"] < "2026-01-20")
    }
    assert set(excluded) == gold_stale
    assert excluded["青人社发〔2023〕21号"]["superseded_by"] == "青人社发〔2025〕12号"
    assert matched.isdisjoint(gold_stale) and len(matched) == len(NOTICES) - len(gold_stale)
    for m in data["matches"]:
        for c in m["conditions"]:
            assert c["status"] in ("met", "not_met", "unknown")
            assert c["citation"]["source"] == m["source"] and c["citation"]["quote"]
    skills = next(m for m in data["matches"] if m["doc_number"] == "青人社发〔2024〕8号")
    registered = [c for c in skills["conditions"] if c["dimension"] == "district"]
    assert registered and all(c["status"] == "met" for c in registered)
    assert skills["verdict"] == "eligible"
    assert any("1日至20日" in d["text"] for d in skills["deadlines"])
    assert skills["how_to_apply"]


def test_a_firm_elsewhere_does_not_meet_a_district_condition(records_index):
    result = match_policy(records_index, {"district": "内江市"}, today=CORPUS_DAY)
    skills = next(m for m in result.matches if m.chunk.doc.doc_number == "青人社发〔2024〕8号")
    assert skills.verdict == "not_eligible"
    city = next(m for m in result.matches if m.chunk.doc.doc_number == "成经信发〔2025〕9号")
    assert any(c["status"] == "not_met" for c in city.conditions)
    assert "成经信发〔2025〕9号" in result.to_text()


def test_condition_judgments():
    assert judge_condition("district", "成都市", "", {"district": "青羊区"}) == "met"
    assert judge_condition("district", "青羊区", "", {"district": "武侯区"}) == "not_met"
    assert judge_condition("district", "青羊区", "", {}) == "unknown"
    assert judge_condition("industry", "航空航天", "", {"industry": "航空制造"}) == "met"
    assert judge_condition("industry", "航空航天", "", {"industry": "食品加工"}) == "not_met"
    assert judge_condition("size", "中小企业", "", {"size": "小型"}) == "met"
    assert judge_condition("size", "小微企业", "", {"size": "大型"}) == "not_met"
    assert judge_condition("flag", "产教融合型企业", "", {"flags": ["省级产教融合型企业"]}) == "met"
    assert judge_condition("flag", "专精特新", "", {"flags": []}) == "not_met"
    assert judge_condition("flag", "专精特新", "", {}) == "unknown"
    assert judge_condition("other", "", "依法缴纳社会保险", PROFILE) == "unknown"


def _demand_row(title: str) -> dict:
    for rows in sheet_rows(SUPPLY_DEMAND, 3).values():
        for r in rows:
            if title in (r.get("需求标题"), r.get("成果名称"), r.get("服务名称")):
                return r
    raise AssertionError(title)


def test_match_demand_ranks_supplies_that_answer_it(records_index):
    row = _demand_row("钛合金薄壁件铣削变形控制")
    result = match_demand(records_index, row["编号"], today=date(2024, 3, 1))
    data = result.to_json()
    assert data["item"]["fields"]["编号"] == row["编号"]
    assert data["matches"] and all(m["reason"] for m in data["matches"])
    top = [m["fields"].get("成果名称") or m["fields"].get("课程名称") for m in data["matches"][:3]]
    assert any(t and "钛合金薄壁" in t for t in top), top
    assert all(
        m["kind"] in ("supply", "achievement", "course", "training") for m in data["matches"]
    )
    assert all("restricted" not in m for m in data["matches"])
    assert all(m["citation"]["source"].startswith("corpus/") for m in data["matches"])


def test_match_demand_in_reverse_and_open_items_only(records_index):
    from ingest.records import render_fields

    row = _demand_row("一种复合材料构件热压罐固化监测装置")
    gold_open = {
        r["编号"]
        for sheet, rows in sheet_rows(SUPPLY_DEMAND, 3).items()
        if "需求" in sheet
        for r in rows
        if r["状态"] == "对接中"
        and str(r["发布日期"])[:10] <= CORPUS_DAY.isoformat()
        and str(r["截止日期"])[:10] >= CORPUS_DAY.isoformat()
    }
    result = match_demand(records_index, row["编号"], today=CORPUS_DAY, show_restricted=True)
    assert result.matches and all(m.chunk.record.kind == "demand" for m in result.matches)
    got = {dict(m.chunk.record.fields)["编号"] for m in result.matches}
    assert got <= gold_open  # open items only
    item_text = compact(render_fields(result.item.record.fields))
    for m in result.matches:  # each reason names what the two share
        text = compact(render_fields(m.chunk.record.fields))
        assert m.shared and all(w in item_text and w in text for w in m.shared)
    assert "联系电话" in result.to_json()["item"]["restricted"]
    # later, every demand is past its deadline: none is offered
    assert match_demand(records_index, row["编号"], today=date(2030, 1, 1)).matches == ()


def test_an_unknown_item_says_so(records_index):
    from assistant.lookup import LookupRequestError

    with pytest.raises(LookupRequestError, match="找不到"):
        find_item(records_index, "XQ-1999-999")
    assert find(records_index, "demand", filters=Filters(doc_types=("course",))).total == 0


def _lists_index(base, member_folders: tuple[str, ...]):
    """The bundled 供需清单 (public) and, marked members-only, the lists in `member_folders`."""
    import json
    import shutil
    import uuid

    from assistant.retrieve import Retriever
    from ingest.embed import VectorCache
    from ingest.pipeline import Ingestor
    from ingest.store import ChromaStore, open_client

    from .conftest import HashEmbedder

    work = base / "corpus"
    shutil.copytree(CORPUS / "supply-demand", work / "supply-demand")
    for folder in member_folders:
        shutil.copytree(CORPUS / folder, work / folder)
        for side in (work / folder).glob("*.meta.json"):
            meta = json.loads(side.read_text("utf-8")) | {"visibility": "member"}
            side.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    store = ChromaStore(open_client(base / "index"), f"dm{uuid.uuid4().hex[:8]}")
    embedder = HashEmbedder()
    report = Ingestor(store, embedder, VectorCache(base / "v.npz")).ingest([work], base=base)
    assert not report.failed
    return Retriever(store, embedder)


def test_match_demand_filters_by_role_before_ranking(tmp_path):
    """A visitor's matches are the same whether or not members-only lists are in the index:
    items the visitor may not see never take places in the ranking."""
    from assistant.match import is_open
    from assistant.roles import filters_for

    mixed = _lists_index(tmp_path / "mixed", ("achievements", "training", "courses"))
    public = _lists_index(tmp_path / "public", ())
    visitor = filters_for("visitor")
    demands = [c for c in records_of(mixed, "demand") if is_open(c, CORPUS_DAY)]
    assert len(demands) >= 10
    found = 0
    for demand in demands:
        code = dict(demand.record.fields)["编号"]
        got = match_demand(mixed, code, filters=visitor, limit=50, today=CORPUS_DAY)
        alone = match_demand(public, code, filters=visitor, limit=50, today=CORPUS_DAY)
        assert all(m.chunk.doc.visibility == "public" for m in got.matches)
        assert {m.chunk.chunk_id for m in got.matches} == {m.chunk.chunk_id for m in alone.matches}
        found += len(got.matches)
    assert found >= len(demands)  # the visitor is offered supplies, not an empty list
