"""Ingestion mechanics over real fixture files, against embedded Chroma and a Chroma server."""

import shutil

from ingest.pipeline import discover, doc_id_for, source_name

from .conftest import DATA


def _sources(store):
    return sorted(d.source for d in store.live_docs().values())


def _texts(store):
    return [c.text for c, _ in store.live_chunks()]


def test_ingest_indexes_every_readable_file_and_reports_the_rest(ingestor_factory, tmp_path):
    ing = ingestor_factory()
    docs = tmp_path / "mixed"
    docs.mkdir()
    for name in (
        "notes.md",
        "gbk.csv",
        "corrupt.pdf",
        "encrypted.pdf",
        "scanned.pdf",
        "empty.txt",
        "unknown.xyz",
    ):
        shutil.copy(DATA / name, docs / name)
    report = ing.ingest([docs], base=tmp_path)
    assert sorted(s for s, _ in report.indexed) == ["mixed/gbk.csv", "mixed/notes.md"]
    failed = dict(report.failed)
    assert "加密" in failed["mixed/encrypted.pdf"]
    assert "OCR" in failed["mixed/scanned.pdf"]
    assert "损坏" in failed["mixed/corrupt.pdf"]
    assert "空文件" in failed["mixed/empty.txt"]
    assert "不支持" in failed["mixed/unknown.xyz"]
    assert report.exit_code == 1
    assert ing.store.pending_vectors() == []  # every chunk got its vector


def test_unchanged_files_are_skipped_and_cost_no_embedding(ingestor_factory, docs_dir):
    ing = ingestor_factory()
    first = ing.ingest([docs_dir], base=docs_dir)
    assert len(first.indexed) == 4 and first.exit_code == 0
    calls = ing.embedder.calls
    second = ing.ingest([docs_dir], base=docs_dir)
    assert second.indexed == [] and len(second.unchanged) == 4
    assert ing.embedder.calls == calls


def test_vectors_come_from_the_cache_on_a_fresh_index(ingestor_factory, docs_dir):
    ing = ingestor_factory()
    ing.ingest([docs_dir], base=docs_dir)
    again = ingestor_factory()
    again.cache = ing.cache
    report = again.ingest([docs_dir], base=docs_dir)
    assert report.embedded == 0 and report.from_cache == sum(n for _, n in report.indexed)


def test_changed_file_is_replaced_atomically(ingestor_factory, docs_dir):
    ing = ingestor_factory()
    ing.ingest([docs_dir], base=docs_dir)
    note = docs_dir / "notes.md"
    note.write_text(
        note.read_text("utf-8") + "\n\n## 新增章节\n\n钛合金热成形工艺培训每期补助八万元。\n",
        "utf-8",
    )

    seen_during = []
    original = ing.store.delete_versions

    def spy(doc_id, keep_version=None):
        # At the moment old chunks are about to go, readers must see exactly one version.
        live = ing.store.live_chunks()
        seen_during.append([c for c, _ in live if c.doc.doc_id == doc_id])
        return original(doc_id, keep_version)

    ing.store.delete_versions = spy
    report = ing.ingest([docs_dir], base=docs_dir)
    assert [s for s, _ in report.indexed] == ["notes.md"]
    during = seen_during[0]
    assert len({c.doc.content_hash for c in during}) == 1
    assert any("钛合金热成形" in c.text for c in during)
    texts = _texts(ing.store)
    assert sum("钛合金热成形" in t for t in texts) == 1
    assert len(texts) == len(
        set((c.doc.doc_id, c.start, c.page, c.row) for c, _ in ing.store.live_chunks())
    )


def test_deleted_file_and_remove_command_drop_chunks_for_good(ingestor_factory, docs_dir):
    ing = ingestor_factory()
    ing.ingest([docs_dir], base=docs_dir)
    (docs_dir / "gbk.csv").unlink()
    report = ing.ingest([docs_dir], base=docs_dir)
    assert report.removed == ["gbk.csv"]
    assert "gbk.csv" not in _sources(ing.store)
    assert not [c for c, _ in ing.store.live_chunks() if c.doc.source == "gbk.csv"]
    assert ing.store.chunk_ids(doc_id_for("gbk.csv")) == []

    removed = ing.remove([docs_dir / "notes.md"], base=docs_dir)
    assert removed == ["notes.md"]
    assert "notes.md" not in _sources(ing.store)
    assert ing.store.chunk_ids(doc_id_for("notes.md")) == []


def test_a_bad_new_version_never_loses_the_indexed_one(ingestor_factory, docs_dir):
    ing = ingestor_factory()
    ing.ingest([docs_dir], base=docs_dir)
    before = [t for t in _texts(ing.store)]
    (docs_dir / "cjk_embedded.pdf").write_bytes(b"%PDF-1.4 truncated garbage")
    report = ing.ingest([docs_dir], base=docs_dir)
    assert [s for s, _ in report.failed] == ["cjk_embedded.pdf"]
    assert sorted(_texts(ing.store)) == sorted(before)


def test_interrupted_embedding_leaves_keyword_searchable_chunks_and_resumes(
    ingestor_factory, docs_dir
):
    ing = ingestor_factory()
    report = ing.ingest([docs_dir], base=docs_dir, embed=False)
    pending = len(ing.store.pending_vectors())
    assert pending == sum(n for _, n in report.indexed) > 0
    assert len(ing.store.live_chunks()) == pending  # searchable by keywords already
    done = ing.embed_pending()
    assert done == pending and ing.store.pending_vectors() == []


def test_discover_skips_hidden_sidecars_and_ignored(tmp_path):
    (tmp_path / "a.md").write_text("甲", "utf-8")
    (tmp_path / "a.md.meta.json").write_text("{}", "utf-8")
    (tmp_path / ".hidden.md").write_text("乙", "utf-8")
    (tmp_path / "README.md").write_text("丙", "utf-8")
    (tmp_path / ".chanjiaoignore").write_text("README.md\n", "utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "README.md").write_text("丁", "utf-8")
    (sub / "b.txt").write_text("戊", "utf-8")
    found = sorted(source_name(p, tmp_path) for p in discover([tmp_path]))
    assert found == ["a.md", "sub/b.txt"]


def test_dense_search_skips_pending_chunks_and_finds_them_once_embedded(ingestor_factory, docs_dir):
    from assistant.retrieve import Retriever

    ing = ingestor_factory()
    ing.ingest([docs_dir], base=docs_dir, embed=False)
    retriever = Retriever(ing.store, ing.embedder, refresh_seconds=0)
    assert retriever.view().complete is False
    # keyword search serves at once; dense search never returns a placeholder vector
    assert retriever.search("学徒制培训补贴", k=3, mode="keyword")
    assert retriever.dense("学徒制培训补贴", 5) == []
    ing.embed_pending()
    assert retriever.view().complete is True
    found = retriever.dense("学徒制培训补贴", 5)
    assert len(found) == 5
    # without the filter every chunk is reachable, not just a part of the graph
    n = len(retriever.view().chunks)
    assert len(retriever.dense("学徒制培训补贴", n)) == n
