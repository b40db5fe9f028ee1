"""The web app's operations (`assistant.service`) with roles: passages and files of
restricted documents, and the secretariat's document management, over both store kinds."""

import shutil

import pytest

from assistant.accounts import Accounts, UserStore
from assistant.context import Index
from assistant.retrieve import Retriever
from assistant.roles import RoleError
from assistant.service import Service, safe_name
from assistant.settings import Settings

from .conftest import DATA

ROLE_DOCS = DATA / "roles"


@pytest.fixture
def service(ingestor_factory, tmp_path):
    ing = ingestor_factory()
    docs = tmp_path / "docs"
    shutil.copytree(ROLE_DOCS, docs)
    assert not ing.ingest([docs], base=docs).failed
    settings = Settings(index_dir=tmp_path / "index")
    users = UserStore(settings.users_path)
    users.add("member1", "member", "member-pass")
    users.add("office1", "secretariat", "office-pass")
    retriever = Retriever(ing.store, ing.embedder, refresh_seconds=0)
    index = Index(settings, ing.store, ing.embedder, ing.cache, retriever, ing)
    svc = Service(index, Accounts(users, pause=0))
    svc.tokens = {
        "anonymous": "",
        "member": svc.login("member1", "member-pass")[0],
        "secretariat": svc.login("office1", "office-pass")[0],
    }
    return svc


def _doc(svc, fragment):
    return next(d for d in svc.index.store.live_docs().values() if fragment in d.source)


def test_passages_and_files_of_restricted_documents(service):
    member_doc = _doc(service, "成员单位内部合作备忘")
    chunk_id = (
        service.retriever.view()
        .chunks[service.retriever.view().positions_of(member_doc.doc_id)[0]]
        .chunk_id
    )
    t = service.tokens
    assert service.chunk(chunk_id, t["anonymous"]) is None
    assert service.chunk(chunk_id, t["member"]) is not None
    assert service.source_file(member_doc.source, t["anonymous"]) is None
    path = service.source_file(member_doc.source, t["member"])
    assert path is not None and path.read_text("utf-8").startswith("# 成员单位内部合作备忘")
    assert service.source_file("no/such/file.md", t["secretariat"]) is None


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_document_management_is_for_the_secretariat(service, role, tmp_path):
    token = service.tokens[role]
    doc = _doc(service, "航天学院公开课程通知")
    f = tmp_path / "x.md"
    f.write_text("# 标题\n\n内容足够长的一段文字，用于测试上传。", "utf-8")
    for call in (
        lambda: service.documents(token),
        lambda: service.upload([f], token),
        lambda: service.set_visibility(doc.doc_id, "member", token),
        lambda: service.remove(doc.doc_id, token),
        lambda: service.reindex(doc.doc_id, token),
        lambda: service.draft(token),
        lambda: service.coverage(2024, token),
    ):
        with pytest.raises(RoleError):
            call()
    assert _doc(service, "航天学院公开课程通知").visibility == "public"


def test_upload_list_restrict_and_remove(service, tmp_path):
    token = service.tokens["secretariat"]
    good = tmp_path / "无人机社团章程（示例）.md"
    good.write_text(
        "# 无人机社团章程（示例）\n\n社团每月第一个周六在西操场组织多旋翼飞行训练。", "utf-8"
    )
    shutil.copy(DATA / "corrupt.pdf", tmp_path / "corrupt.pdf")
    shutil.copy(DATA / "unknown.xyz", tmp_path / "unknown.xyz")
    seen = []
    results = service.upload(
        [good, tmp_path / "corrupt.pdf", tmp_path / "unknown.xyz"],
        token,
        visibility="member",
        progress=lambda done, total, name: seen.append((done, total)),
    )
    by_file = {r["file"]: r for r in results}
    assert by_file[good.name]["status"] == "indexed" and by_file[good.name]["chunks"] >= 1
    assert by_file["corrupt.pdf"]["status"] == "failed" and by_file["corrupt.pdf"]["reason"]
    assert "unsupported" in by_file["unknown.xyz"]["reason"]
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    # Failed files leave no copy behind; the good one is kept with its sidecar.
    assert sorted(p.name for p in service.uploads.iterdir() if not p.name.endswith(".json")) == [
        good.name
    ]
    rows = {r["source"]: r for r in service.documents(token)}
    assert rows[good.name]["visibility"] == "member" and rows[good.name]["uploaded"]
    anon = service.search("多旋翼飞行训练", service.tokens["anonymous"])
    assert not any("多旋翼" in r["text"] for r in anon["results"])
    member = service.search("多旋翼飞行训练", service.tokens["member"])
    assert any("多旋翼" in r["text"] for r in member["results"])
    doc_id = rows[good.name]["doc_id"]
    assert service.reindex(doc_id, token)["status"] == "unchanged"
    assert service.set_visibility(doc_id, "public", token) >= 1
    assert any("多旋翼" in r["text"] for r in service.search("多旋翼", "")["results"])
    with pytest.raises(ValueError):
        service.set_visibility(doc_id, "world", token)
    assert service.remove(doc_id, token) == [good.name]
    assert not (service.uploads / good.name).exists()
    assert good.name not in {r["source"] for r in service.documents(token)}
    assert not service.search("多旋翼飞行训练", token)["results"] or not any(
        "多旋翼" in r["text"] for r in service.search("多旋翼飞行训练", token)["results"]
    )


def test_upload_names_are_made_safe():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("a:b*c?.md") == "a_b_c_.md"
    assert safe_name("..") == "upload"
