"""OCR: reading order, the cache, the pipeline's OCR path over real scanned and garbled PDFs
(rendered for real; recognised by a fake engine, or by the real one on one or two pages)."""

import shutil

import pytest

from ingest import pipeline
from ingest.loaders import LoadError, load_file
from ingest.loaders.pdf import load_pdf
from ingest.ocr import OcrCache, OcrPage, OcrService, reading_order
from ingest.types import Chunk, DocMeta, citation_for

from .conftest import CORPUS, DATA, FakeOcrEngine

ENGLISH = CORPUS / "curriculum" / "高等职业教育专科英语课程标准（2021版）.pdf"


def _box(x, y, w=100, h=20):
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


def test_reading_order_puts_boxes_of_one_row_on_one_line_left_to_right():
    boxes = [
        (_box(300, 52), "补贴标准", 0.95),
        (_box(10, 50), "第三条", 0.99),
        (_box(10, 100), "每人每年3000元。", 0.9),
        (_box(10, 150), "·", 0.2),  # a speck read at low confidence is dropped
    ]
    page = reading_order(boxes)
    assert page.text == "第三条 补贴标准\n每人每年3000元。"
    assert page.lines == 2
    assert 0.9 < page.confidence < 0.99
    assert reading_order([]) == OcrPage("", 0.0, 0)


def test_cache_layers_read_only_results_under_a_writable_file(tmp_path):
    shipped = OcrCache(tmp_path / "shipped.json")
    shipped.put(["src:a"], OcrPage("第一页文字", 0.9, 1))
    shipped.put(["src:b"], OcrPage("第二页文字", 0.8, 1))
    assert shipped.save(keys=["src:a"], path=tmp_path / "export.json") == 1
    user = OcrCache(tmp_path / "user.json", readonly=(tmp_path / "export.json",))
    assert user.get("src:zzz", "src:a").text == "第一页文字"
    assert user.get("src:b") is None
    user.put(["img:c"], OcrPage("第三页", 0.7, 1))
    user.save()
    assert OcrCache(tmp_path / "user.json").get("img:c").confidence == 0.7
    assert OcrCache(tmp_path / "user.json").get("src:a") is None  # read-only layer not copied
    (tmp_path / "broken.json").write_text("{not json", "utf-8")
    assert len(OcrCache(tmp_path / "broken.json")) == 0  # a damaged cache is only a cache


def test_garbled_detector_on_real_pdfs():
    # The English curriculum standard: page 2 has a font without a Unicode map.
    loaded = load_pdf(ENGLISH, ocr="auto", tables=False)
    assert loaded.ocr_pages == {2: "garbled"}
    assert 2 not in {s.page for s in loaded.sections}
    assert len(loaded.sections) == 60
    assert load_pdf(DATA / "garbled.pdf", ocr="auto").ocr_pages == {1: "garbled"}
    assert load_pdf(DATA / "scanned.pdf", ocr="auto").ocr_pages == {1: "scanned", 2: "scanned"}
    # A clean PDF has nothing for OCR; "always" gives every page to it.
    assert load_pdf(DATA / "cjk_embedded.pdf", ocr="auto").ocr_pages == {}
    assert load_pdf(DATA / "cjk_embedded.pdf", ocr="always").ocr_pages == {
        1: "always",
        2: "always",
        3: "always",
    }
    with pytest.raises(LoadError) as e:
        load_pdf(DATA / "scanned.pdf", ocr="never")
    assert "OCR" in e.value.message


def _ocr_ingestor(ingestor_factory, tmp_path, engine, mode="auto"):
    ing = ingestor_factory()
    ing.ocr = OcrService(OcrCache(tmp_path / "ocr.json"), engine=engine)
    ing.ocr_mode = mode
    return ing


def test_scanned_pdf_pages_are_read_cleaned_and_chunked_with_their_confidence(
    ingestor_factory, tmp_path
):
    engine = FakeOcrEngine(
        "第一章 总则\n第一条 为规范校企合作实训基地的建设与管理，提高实训\n"
        "基地的使用效益，依据有关规定，结合本市实际情况，\n"
        "制定本办法。本办法适用于本市各职业院校与企业共建\n的实训基地。\n- 1 -",
        "第二条 实训基地由学校和企业共建，\n每年考核一次。\n- 2 -",
        confidence=0.87,
    )
    ing = _ocr_ingestor(ingestor_factory, tmp_path, engine)
    report = ing.ingest([DATA / "scanned.pdf"], base=DATA)
    assert report.failed == [] and report.ocr_pages == 2
    assert len(engine.images) == 2 and all(s[2] == 3 for s in engine.images)  # real renders
    chunks = [c for c, _ in ing.store.live_chunks()]
    assert chunks and all(c.ocr and c.confidence == 0.87 for c in chunks)
    text = "\n".join(c.text for c in chunks)
    # the same cleaning as any text: wraps inside a sentence joined, page numbers dropped
    assert "提高实训基地的使用效益，依据有关规定" in text
    assert "- 1 -" not in text
    assert {c.page for c in chunks} <= {1, 2} and any(c.page == 2 for c in chunks)
    assert "OCR" in report.warnings[0][1]
    assert citation_for(1, chunks[0]).ocr is True

    # A fresh index over the same cache: nothing is read again.
    again = ingestor_factory()
    again.ocr = OcrService(ing.ocr.cache, engine=FakeOcrEngine())
    second = again.ingest([DATA / "scanned.pdf"], base=DATA)
    assert second.indexed and second.ocr_pages == 0 and again.ocr.engine.images == []


def test_ocr_never_reports_the_scan_and_an_image_needs_ocr(ingestor_factory, tmp_path):
    ing = _ocr_ingestor(ingestor_factory, tmp_path, FakeOcrEngine(), mode="never")
    report = ing.ingest([DATA / "scanned.pdf"], base=DATA)
    assert "OCR" in dict(report.failed)["scanned.pdf"] and report.indexed == []
    with pytest.raises(LoadError) as e:
        load_file(DATA / "scanned.pdf", ocr="never")
    assert "--ocr never" in e.value.message


def test_image_files_are_read_by_ocr(ingestor_factory, tmp_path):
    from PIL import Image

    from ingest.render import render_pdf_pages

    _, pixels = next(render_pdf_pages(DATA / "scanned.pdf", [1]))
    Image.fromarray(pixels).save(tmp_path / "通知.png")
    Image.fromarray(pixels).convert("L").save(tmp_path / "通知副本.jpg")
    (tmp_path / "坏图.png").write_bytes(b"\x89PNG not really")
    engine = FakeOcrEngine("关于开展实训基地评估的通知\n各有关单位：请于五月底前报送材料。")
    ing = _ocr_ingestor(ingestor_factory, tmp_path, engine)
    report = ing.ingest([tmp_path / "通知.png", tmp_path / "坏图.png"], base=tmp_path)
    assert [s for s, _ in report.indexed] == ["通知.png"]
    assert "图片" in dict(report.failed)["坏图.png"]
    [chunk] = [c for c, _ in ing.store.live_chunks()]
    assert chunk.ocr and chunk.page is None and "五月底前报送材料" in chunk.text


def test_pages_already_read_are_searchable_while_the_scan_continues(
    ingestor_factory, tmp_path, monkeypatch
):
    """With a flush every page, page 1 is in the index (as a partial version) while page 2
    is being read; the complete version then replaces it and no partial chunk is left."""
    monkeypatch.setattr(pipeline, "OCR_FLUSH_PAGES", 1)
    seen: dict[int, list[str]] = {}

    def look(call: int) -> None:
        seen[call] = [c.text for c, _ in ing.store.live_chunks()]

    engine = FakeOcrEngine(
        "第一条 实训基地按年度考核，考核结果分为优秀、合格和不合格。",
        "第二条 考核不合格的基地限期整改一年。",
        on_call=look,
    )
    ing = _ocr_ingestor(ingestor_factory, tmp_path, engine)
    report = ing.ingest([DATA / "scanned.pdf"], base=DATA)
    assert report.indexed and not report.failed
    assert seen[1] == []
    assert any("考核结果分为优秀" in t for t in seen[2])  # page 1 served during page 2
    assert not any("限期整改" in t for t in seen[2])
    final = [c for c, _ in ing.store.live_chunks()]
    assert any("限期整改" in c.text for c in final)
    versions = {m["version"] for _, _, m in ing.store.iter_chunks(include_text=False)}
    assert len(versions) == 1  # the partial version's chunks are gone
    registry = ing.store.docs.get(include=["metadatas"])["metadatas"]
    assert registry[0]["partial"] == ""


def test_cli_marks_citations_read_by_ocr(capsys):
    from assistant.cli import print_answer
    from ingest.types import Answer

    doc = DocMeta(doc_id="d", source="scan.pdf", title="扫描件")
    chunk = Chunk(
        "d-1", doc, "第一条 内容", "扫描件\n第一条 内容", page=3, ocr=True, confidence=0.9
    )
    plain = Chunk("d-2", doc, "第二条 内容", "扫描件\n第二条 内容", page=4)
    ans = Answer(
        "问", "答[1][2]", True, "extractive", (citation_for(1, chunk), citation_for(2, plain))
    )
    print_answer(ans)
    out = capsys.readouterr().out
    assert "scan.pdf 第3页（OCR识别）" in out
    assert "第4页（OCR识别）" not in out
    assert ans.to_json()["citations"][0]["ocr"] is True
    assert ans.to_json()["citations"][0]["confidence"] == 0.9


@pytest.mark.slow
def test_real_ocr_in_worker_processes_reads_the_garbled_and_scanned_pages(tmp_path):
    """The real engine in the pool: two scanned pages and one garbled page of fixtures."""
    service = OcrService(OcrCache(tmp_path / "ocr.json"), workers=2)
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("scanned.pdf", "garbled.pdf"):
        shutil.copy(DATA / name, docs / name)
    try:
        scanned = pipeline.prepare(docs / "scanned.pdf", "scanned.pdf", "h1", 1 << 30, ocr=service)
        garbled = pipeline.prepare(docs / "garbled.pdf", "garbled.pdf", "h2", 1 << 30, ocr=service)
    finally:
        service.close()
    assert service.recognized == 3
    scanned_text = "".join(c.text for c in scanned[1])
    assert "高等数学" in scanned_text and "课程标准" in scanned_text
    assert all(c.ocr and c.confidence > 0.8 for c in scanned[1])
    # the garbled page's text layer is mojibake; OCR reads real Chinese from its image
    garbled_text = "".join(c.text for c in garbled[1])
    assert "课程性质与任务" in garbled_text
    service.cache.save()
    assert len(OcrCache(tmp_path / "ocr.json")) >= 6  # by source and by image, 3 pages


def test_ocr_setting_is_read_once_and_checked():
    from assistant.settings import Settings

    assert Settings.from_env({}).ocr == "auto"
    assert Settings.from_env({"CHANJIAO_OCR": "never"}).ocr == "never"
    assert Settings.from_env({"CHANJIAO_OCR": "never"}, ocr="always").ocr == "always"  # --ocr
    with pytest.raises(ValueError) as e:
        Settings.from_env({"CHANJIAO_OCR": "sometimes"})
    assert "auto" in str(e.value) and "CHANJIAO_OCR" in str(e.value)
