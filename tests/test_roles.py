"""Roles and visibility inside retrieval: an anonymous caller never gets a member-only or
secretariat-only passage by any path (keyword, dense, exact, hybrid, answer), and a
visibility changed in place takes effect without re-embedding."""

import json
import shutil
from pathlib import Path

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

ROLE_DOCS = Path(__file__).parent / "data" / "roles"
PUBLIC_DOC = "航天学院公开课程通知（示例）.md"
MEMBER_DOC = "成员单位内部合作备忘（示例）.md"


@pytest.fixture
def roles_index(ingestor_factory, tmp_path):
    """Real files: a public notice, a member-only memo, a secretariat-only assessment (their
    sidecars say so) and a demand list."""
    ing = ingestor_factory()
    d = tmp_path / "role-docs"
    shutil.copytree(ROLE_DOCS, d)
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
    member_doc = next(d for d in ing.store.live_docs().values() if d.source == MEMBER_DOC)
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
    public_doc = next(d for d in ing.store.live_docs().values() if d.source == PUBLIC_DOC)
    ing.set_visibility(public_doc.doc_id, "member")
    path = ing.docs_dir / PUBLIC_DOC
    path.write_text(path.read_text("utf-8") + "\n新增：第二期于9月开班。\n", "utf-8")
    report = ing.ingest([path], base=ing.docs_dir)
    assert report.indexed
    assert ing.store.live_docs()[public_doc.doc_id].visibility == "member"
    hits = retriever.search("第二期 开班", k=5, filters=filters_for(ANONYMOUS), mode="keyword")
    assert not any("第二期" in h.chunk.text for h in hits)
