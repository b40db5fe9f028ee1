"""Uploads (issue 13): hostile names, sizes, types by extension and by content, duplicates.

Service-level: `service.upload` is called with crafted temporary files and the names a
browser could send (`names=`), over an index of real files (tests/data/roles).
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from assistant.accounts import Accounts, UserStore
from assistant.context import Index
from assistant.retrieve import Retriever
from assistant.service import Service
from assistant.settings import Settings
from assistant.uploads import MAX_NAME_BYTES, check_upload, safe_upload_name, sniff

from .conftest import DATA

TEXT = (
    "# 无人机社团章程（示例）\n\n社团每月第一个周六在西操场组织多旋翼飞行训练，由航空学院指导。\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def store_kind():
    return "embedded"  # the store is not what these tests are about: one kind is enough


@pytest.fixture
def service(ingestor_factory, tmp_path):
    ing = ingestor_factory()
    docs = tmp_path / "docs"
    shutil.copytree(DATA / "roles", docs)
    assert not ing.ingest([docs], base=docs).failed
    settings = Settings(index_dir=tmp_path / "index", max_file_mb=1, max_upload_mb=2)
    users = UserStore(settings.users_path)
    users.add("office1", "secretariat", "office-pass")
    retriever = Retriever(ing.store, ing.embedder, refresh_seconds=0)
    index = Index(settings, ing.store, ing.embedder, ing.cache, retriever, ing)
    svc = Service(index, Accounts(users, pause=0))
    svc.token = svc.login("office1", "office-pass")[0]
    return svc


def _file(tmp_path: Path, name: str, data: bytes | str) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir(exist_ok=True)
    p = folder / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def _stored(svc) -> list[str]:
    return sorted(p.name for p in svc.uploads.iterdir() if not p.name.startswith("."))


def _inside_uploads(svc):
    root = svc.uploads.resolve()
    for p in svc.uploads.rglob("*"):
        assert p.resolve().is_relative_to(root)


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\windows\\x.pdf", "x.pdf"),
        ("/etc/passwd.md", "passwd.md"),
        ("C:\\Users\\秘书处\\通知.docx", "通知.docx"),
        ("a\x00b\x1fc\n.md", "abc.md"),
        ("x.pdf. ", "x.pdf"),  # trailing dot and blank (a Windows trick)
        ("\u202efdp.exe", "fdp.exe"),  # shown by a browser as "exe.pdf"
        ("ｘ．ｐｄｆ", "ｘ.pdf"),  # fullwidth look-alikes of the dot and the extension
        ("无人机社团章程（示例）：第１版.md", "无人机社团章程（示例）：第１版.md"),  # kept as is
        ("．．／．．／x.md", "x.md"),  # fullwidth ../ is cut like ../
        ("zero\u200bwidth.md", "zerowidth.md"),
        ("", "upload"),
        ("..", "upload"),
        (".pdf", "upload.pdf"),
        ("   .md", "upload.md"),
        (".hidden.md", "hidden.md"),
        ("a:b*c?.md", "a_b_c_.md"),
        ("tab\tand  spaces .md", "tab and spaces.md"),
    ],
)
def test_safe_upload_name(given, stored):
    assert safe_upload_name(given) == stored


def test_long_names_are_cut_in_the_stem_on_a_character_boundary():
    name = safe_upload_name("产教融合" * 200 + ".docx")
    assert name.endswith(".docx") and len(name.encode()) <= MAX_NAME_BYTES
    name.encode().decode("utf-8")  # no half character
    assert safe_upload_name("a" * 1000).startswith("a") and len(safe_upload_name("a" * 1000)) <= 200


def test_composed_and_decomposed_names_are_one_name():
    nfc, nfd = unicodedata.normalize("NFC", "café.md"), unicodedata.normalize("NFD", "café.md")
    assert nfc != nfd and safe_upload_name(nfc) == safe_upload_name(nfd)


# --- types by content --------------------------------------------------------------------


def test_sniff_real_fixtures():
    head = lambda name: (DATA / name).read_bytes()[:8192]  # noqa: E731
    assert sniff(head("cjk_embedded.pdf")) == "pdf"
    assert sniff(head("table.docx")) == "zip"
    assert sniff(head("merged_header.xlsx")) == "zip"
    assert sniff(head("legacy.doc")) == "ole"
    assert sniff(head("gbk.csv")) == "text" and sniff(head("notes.md")) == "text"
    assert sniff(EXE) == "exe" and sniff(b"\x7fELF\x02\x01") == "elf"


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("report.pdf", EXE, "Windows"),
        ("report.docx", EXE, "Windows"),
        ("notes.md", EXE, "Windows"),
        ("notes.txt", b"\x00\x01\x02binary", "binary"),
        ("table.xlsx", b"PK\x05\x06" + b"\x00" * 18, "not a valid .xlsx"),
        ("photo.png", b"%PDF-1.4 not a picture", "PDF"),
        ("run.exe", EXE, "unsupported"),
        ("noext", TEXT, "unsupported"),
        ("empty.md", b"", "empty"),
    ],
)
def test_check_upload_refuses(tmp_path, name, data, words):
    refusal = check_upload(_file(tmp_path, name, data), name, 10 << 20)
    assert refusal is not None and words in refusal.reason


def test_check_upload_accepts_real_files(tmp_path):
    for name in ("cjk_embedded.pdf", "table.docx", "merged_header.xlsx", "gbk.csv", "legacy.doc"):
        assert check_upload(DATA / name, name, 10 << 20) is None, name


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    big = _file(tmp_path, "big.md", "大" * 10)
    with big.open("r+b") as f:
        f.truncate(5 << 20)  # sparse: 5 MB without writing them

    def no_read(*a, **k):
        raise AssertionError("a file over the limit was opened")

    monkeypatch.setattr(Path, "open", no_read)
    refusal = check_upload(big, "big.md", 1 << 20)
    assert refusal is not None and "文件过大" in refusal.reason and "too large" in refusal.reason


# --- the upload as the web app calls it --------------------------------------------------


def test_hostile_names_are_stored_inside_the_uploads_folder(service, tmp_path):
    given = ["../../evil.md", "/tmp/abs.md", "c\x07ontrol\r.md", ".md", "名" * 150 + ".md", ""]
    files = [_file(tmp_path, f"f{i}.md", TEXT + f"第{i}份。\n") for i in range(len(given))]
    results = service.upload(files, service.token, names=given)
    assert [r["status"] for r in results] == ["indexed"] * 5 + ["failed"], results
    names = [r["file"] for r in results]
    assert names[:4] == ["evil.md", "abs.md", "control.md", "upload.md"]
    assert len(names[4].encode()) <= MAX_NAME_BYTES and names[4].endswith(".md")
    assert "unsupported" in results[5]["reason"]  # no name, no extension: no known type
    assert sorted(names[:5]) == _stored(service)
    _inside_uploads(service)
    assert not (tmp_path / "evil.md").exists() and not Path("/tmp/abs.md").exists()


def test_refused_files_get_a_reason_and_the_rest_proceeds(service, tmp_path):
    good = _file(tmp_path, "good.md", TEXT)
    fake_pdf = _file(tmp_path, "invoice.pdf", EXE)
    script = _file(tmp_path, "setup.exe", EXE)
    big = _file(tmp_path, "big.md", "大" * 10)
    with big.open("r+b") as f:
        f.truncate(3 << 20)  # over the 1 MB per-file limit of this fixture
    results = service.upload([fake_pdf, script, big, good], service.token)
    by = {r["file"]: r for r in results}
    assert by["invoice.pdf"]["status"] == "failed" and "Windows" in by["invoice.pdf"]["reason"]
    assert "unsupported" in by["setup.exe"]["reason"]
    assert "文件过大" in by["big.md"]["reason"]
    assert by["good.md"]["status"] == "indexed" and by["good.md"]["chunks"] >= 1
    assert _stored(service) == ["good.md"]  # nothing refused was copied


def test_total_size_of_one_upload_is_limited(service, tmp_path):
    # fixture: 1 MB a file, 2 MB a request. PDFs that look right but cannot be read are
    # copied (they count towards the total) and then fail quickly.
    files = []
    for i in range(3):
        p = _file(tmp_path, f"part{i}.pdf", b"%PDF-1.4\n%" + bytes([i]) * 16)
        with p.open("r+b") as f:
            f.truncate(900 * 1024)
        files.append(p)
    results = service.upload(files, service.token)
    assert "总量" not in results[0]["reason"] and "总量" not in results[1]["reason"]
    assert results[2]["status"] == "failed" and "总量" in results[2]["reason"]
    assert "exceeds 2 MB" in results[2]["reason"]


def test_duplicates_by_name_and_by_content(service, tmp_path):
    a = _file(tmp_path, "a.md", TEXT)
    other = tmp_path / "other"
    other.mkdir()
    same_name = other / "a.md"
    same_name.write_text(TEXT + "另一份同名文件的内容。\n", "utf-8")
    copy = _file(tmp_path, "copy-of-a.md", TEXT)
    results = service.upload([a, same_name, copy], service.token)
    assert [r["status"] for r in results] == ["indexed", "failed", "failed"]
    assert "同名" in results[1]["reason"] and "same content" in results[2]["reason"]
    assert _stored(service) == ["a.md"]
    # the same content as an indexed document outside the uploads folder is refused too
    role_doc = next(p for p in (tmp_path / "docs").rglob("*.md"))
    twin = _file(tmp_path, "renamed.md", role_doc.read_bytes())
    [r] = service.upload([twin], service.token)
    assert r["status"] == "failed" and role_doc.name in r["reason"]
    # the same file uploaded again under its own name is simply unchanged
    [r] = service.upload([a], service.token)
    assert r["status"] == "unchanged"


def test_a_new_version_replaces_and_a_broken_one_keeps_the_old(service, tmp_path):
    v1 = _file(tmp_path, "章程.md", TEXT)
    [r] = service.upload([v1], service.token)
    assert r["status"] == "indexed"
    folder2 = tmp_path / "v2"
    folder2.mkdir()
    v2 = folder2 / "章程.md"
    v2.write_text(TEXT.replace("西操场", "东操场"), "utf-8")
    [r] = service.upload([v2], service.token)
    assert r["status"] == "indexed" and r.get("replaced") is True
    assert "东操场" in (service.uploads / "章程.md").read_text("utf-8")
    hits = service.search("东操场 多旋翼", service.token)["results"]
    assert any("东操场" in h["text"] for h in hits)


def test_a_broken_new_version_keeps_the_indexed_file(service, tmp_path):
    [r] = service.upload([DATA / "cjk_embedded.pdf"], service.token, names=["通知.pdf"])
    assert r["status"] == "indexed"
    before = {d.source: d.content_hash for d in service.index.store.live_docs().values()}
    # corrupt.pdf looks like a PDF (so it is copied) but cannot be read
    [r] = service.upload([DATA / "corrupt.pdf"], service.token, names=["通知.pdf"])
    assert r["status"] == "failed" and "旧版本保留" in r["reason"]
    stored = service.uploads / "通知.pdf"
    assert stored.read_bytes() == (DATA / "cjk_embedded.pdf").read_bytes()
    assert {d.source: d.content_hash for d in service.index.store.live_docs().values()} == before
    assert _stored(service) == ["通知.pdf"]
    _inside_uploads(service)


def test_a_read_only_snapshot_refuses_uploads_and_edits(service, tmp_path):
    """Over a snapshot of a read-only index (settings.read_only) nothing may be written."""
    from dataclasses import replace

    doc = next(iter(service.index.store.live_docs()))
    service.index = replace(service.index, settings=service.index.settings.with_(read_only=True))
    good = _file(tmp_path, "good.md", TEXT)
    for call in (
        lambda: service.upload([good], service.token),
        lambda: service.remove(doc, service.token),
        lambda: service.reindex(doc, service.token),
        lambda: service.set_visibility(doc, "member", service.token),
    ):
        with pytest.raises(ValueError, match="只读"):
            call()
    assert not service.uploads.exists() or _stored(service) == []
    assert service.documents(service.token)  # reading is fine


def test_disk_full_while_copying_fails_the_file_and_keeps_the_old_one(
    service, tmp_path, monkeypatch
):
    import errno

    [r] = service.upload([_file(tmp_path, "计划.md", TEXT)], service.token)
    assert r["status"] == "indexed"
    folder = tmp_path / "v2"
    folder.mkdir()
    v2 = folder / "计划.md"
    v2.write_text(TEXT + "新增一段。\n", "utf-8")

    def full(src, dst, *a, **k):
        Path(dst).write_bytes(b"half")  # a partial copy, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr("assistant.service.shutil.copyfile", full)
    [r] = service.upload([v2], service.token)
    assert r["status"] == "failed" and "磁盘已满" in r["reason"] and "旧版本保留" in r["reason"]
    assert (service.uploads / "计划.md").read_text("utf-8") == TEXT
    assert _stored(service) == ["计划.md"]
    assert not any(p.name.endswith(".part") for p in service.uploads.rglob("*"))
