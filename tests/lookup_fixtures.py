"""A session index of the bundled lists and policy notices, with the hashing embedder.

Record lookups and matches are exact over fields, so the real model is not needed here:
`HashEmbedder` keeps the build to seconds although every changed row needs a new vector.
"""

from __future__ import annotations

import shutil
import uuid

from .conftest import CORPUS, HashEmbedder

RECORD_FOLDERS = ("courses", "supply-demand", "training", "achievements", "policies")


def build_records_index(base):
    from assistant.retrieve import Retriever
    from ingest.embed import VectorCache
    from ingest.pipeline import Ingestor
    from ingest.store import ChromaStore, open_client

    work = base / "corpus"
    for folder in RECORD_FOLDERS:
        shutil.copytree(CORPUS / folder, work / folder)
    for legacy in work.glob("policies/*.doc"):
        legacy.unlink()  # the legacy .doc is reported, not indexed
    for handbook in work.glob("policies/内江*"):
        handbook.unlink()  # long real handbooks: slow with no notice records of their own
    store = ChromaStore(open_client(base / "index"), f"rec{uuid.uuid4().hex[:8]}")
    embedder = HashEmbedder()
    ingestor = Ingestor(store, embedder, VectorCache(base / "vectors.npz"))
    report = ingestor.ingest([work], base=base)
    assert not report.failed, report.failed
    return Retriever(store, embedder)
