"""Roles and visibility inside retrieval: an anonymous caller never gets a member-only or
secretariat-only passage by any path (keyword, dense, exact, hybrid, answer), and a
visibility changed in place takes effect without re-embedding."""

import json

import pytest

from assistant.answer import answer_question
from assistant.retrieve import Filters, Retriever
from assistant.roles import (
    ANONYMOUS,
    MEMBER,
    SECRETARIAT,
    filters_for,
    manages_documents,
    sees_contacts,
    visibilities_for,
)

PUBLIC = """# 航天学院公开课程通知（示例）

航天学院面向社会开放“飞机结构修理”课程，每期招收学员30人，学费每人800元。
报名时间为每年3月，地点在学院实训楼。"""

MEMBER_ONLY = """# 成员单位内部合作备忘（示例）

成员单位之间的钛合金焊接联合攻关项目，内部结算单价为每工时420元。
项目暗号“青松计划”，只在成员单位内部使用。"""

SECRET = """# 秘书处年度考核意见（示例）

秘书处对钛合金焊接联合攻关项目的考核结论为“暂缓拨付”，扣减经费12万元。"""


@pytest.fixture
def roles_index(ingestor_factory, tmp_path):
    ing = ingestor_factory()
    d = tmp_path / "role-docs"
    d.mkdir()
    for name, text, vis in (
        ("public.md", PUBLIC, None),
        ("member.md", MEMBER_ONLY, "member"),
        ("secret.md", SECRET, "secretariat"),
    ):
        (d / name).write_text(text, "utf-8")
        if vis:
            (d / (name + ".meta.json")).write_text(json.dumps({"visibility": vis}), "utf-8")
    report = ing.ingest([d], base=d)
    assert not report.failed and report.pending == 0
    ing.docs_dir = d
    return ing, Retriever(ing.store, ing.embedder, refresh_seconds=0)


def test_role_visibilities():
    assert visibilities_for(ANONYMOUS) == ("public",)
    assert visibilities_for(MEMBER) == ("public", "member")
    assert set(visibilities_for(SECRETARIAT)) == {"public", "member", "secretariat"}
    assert visibilities_for("root") == ("public",)  # an unknown role is a visitor
    assert sees_contacts(MEMBER) and not sees_contacts(ANONYMOUS)
    assert manages_documents(SECRETARIAT) and not manages_documents(MEMBER)


def test_a_caller_cannot_widen_its_reach():
    asked = Filters(visibilities=("public", "member", "secretariat"))
    assert filters_for(ANONYMOUS, asked).visibilities == ("public",)
    only_secret = filters_for(MEMBER, Filters(visibilities=("secretariat",)))
    assert "secretariat" not in only_secret.visibilities


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "dense"])
@pytest.mark.parametrize(
    "query",
    ["钛合金焊接联合攻关项目的结算单价", "“青松计划”", "秘书处考核结论 暂缓拨付", "课程学费"],
)
def test_anonymous_search_never_returns_restricted_passages(roles_index, mode, query):
    _, retriever = roles_index
    hits = retriever.search(query, k=10, filters=filters_for(ANONYMOUS), mode=mode)
    assert all(h.chunk.doc.visibility == "public" for h in hits)
    assert not any("青松" in h.chunk.text or "暂缓" in h.chunk.text for h in hits)


def test_filters_apply_before_ranking(roles_index):
    # The member document is the best match; restricted, the public one still fills the list.
    _, retriever = roles_index
    query = "钛合金焊接联合攻关"
    everyone = retriever.search(query, k=1, filters=filters_for(SECRETARIAT))
    assert everyone[0].chunk.doc.visibility != "public"
    public = retriever.search(query, k=1, filters=filters_for(ANONYMOUS), mode="dense")
    assert len(public) == 1 and public[0].chunk.doc.visibility == "public"


def test_member_and_secretariat_reach(roles_index):
    _, retriever = roles_index
    member = retriever.search("青松计划 结算单价", k=10, filters=filters_for(MEMBER))
    assert any("青松" in h.chunk.text for h in member)
    assert all(h.chunk.doc.visibility in ("public", "member") for h in member)
    secret = retriever.search("暂缓拨付 考核结论", k=10, filters=filters_for(SECRETARIAT))
    assert any("暂缓拨付" in h.chunk.text for h in secret)


def test_anonymous_answer_quotes_nothing_restricted(roles_index):
    _, retriever = roles_index
    ans = answer_question(
        "钛合金焊接联合攻关项目内部结算单价是多少", retriever, filters=filters_for(ANONYMOUS)
    )
    text = json.dumps(ans.to_json(), ensure_ascii=False)
    assert "420" not in text and "青松" not in text and "暂缓" not in text
    member = answer_question(
        "钛合金焊接联合攻关项目内部结算单价是多少", retriever, filters=filters_for(MEMBER)
    )
    assert member.found and "420" in member.answer


def test_changing_visibility_takes_effect_without_reembedding(roles_index):
    ing, retriever = roles_index
    member_doc = next(d for d in ing.store.live_docs().values() if d.source == "member.md")
    calls = ing.embedder.calls
    assert ing.set_visibility(member_doc.doc_id, "public") > 0
    assert ing.embedder.calls == calls  # nothing re-embedded
    for mode in ("keyword", "dense"):
        hits = retriever.search("青松计划", k=5, filters=filters_for(ANONYMOUS), mode=mode)
        assert any("青松" in h.chunk.text for h in hits), mode
    ing.set_visibility(member_doc.doc_id, "secretariat")
    for role in (ANONYMOUS, MEMBER):
        for mode in ("hybrid", "keyword", "dense"):
            hits = retriever.search("青松计划", k=5, filters=filters_for(role), mode=mode)
            assert not any("青松" in h.chunk.text for h in hits), (role, mode)
    with pytest.raises(ValueError):
        ing.set_visibility(member_doc.doc_id, "everyone")


def test_a_chosen_visibility_outlives_reingestion(roles_index):
    ing, retriever = roles_index
    public_doc = next(d for d in ing.store.live_docs().values() if d.source == "public.md")
    ing.set_visibility(public_doc.doc_id, "member")
    path = ing.docs_dir / "public.md"
    path.write_text(PUBLIC + "\n新增：第二期于9月开班。", "utf-8")
    report = ing.ingest([path], base=ing.docs_dir)
    assert report.indexed
    assert ing.store.live_docs()[public_doc.doc_id].visibility == "member"
    hits = retriever.search("第二期 开班", k=5, filters=filters_for(ANONYMOUS), mode="keyword")
    assert not any("第二期" in h.chunk.text for h in hits)
