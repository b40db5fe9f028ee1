"""The index in Chroma — the one source of truth, and the only module that imports chromadb.

Two collections: `<prefix>_chunks` holds every chunk's text, metadata, search tokens and
vector; `<prefix>_docs` is the registry saying which version (content hash) of each
document is live. Readers only see chunks of live versions, which is what makes
re-ingestion atomic without transactions: new chunks are written first (invisible), the
registry entry is flipped in one write, and only then are the old chunks deleted. A
removed document is unregistered before its chunks go, so it can never be retrieved again.

Chroma always gets our vectors; its default embedding function (which downloads a model)
is never given a chance to run. Chunks whose vector is not computed yet carry a
placeholder and `has_vector=False`, so keyword search serves them while dense search skips
them.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .embed import DIM
from .types import Chunk, DocMeta, Record


def _placeholder(chunk_id: str) -> list[float]:
    """A stand-in vector for a chunk whose real one is not computed yet.

    Distinct per chunk (seeded by its id): thousands of identical vectors degrade Chroma's
    HNSW graph so badly that, once the real vectors replace them, queries stop reaching
    part of the collection. Dense search filters these chunks out by `has_vector`.
    """
    seed = int(hashlib.sha1(chunk_id.encode()).hexdigest()[:8], 16)
    v = np.random.default_rng(seed).normal(size=DIM)
    return (v / np.linalg.norm(v)).astype(np.float32).tolist()


_BATCH = 1000
_REGISTRY_VECTOR = [1.0]
# Any fixed unit vector: a query for the whole collection reaches whatever the graph reaches.
_PROBE = (np.ones(DIM, dtype=np.float32) / np.sqrt(DIM)).tolist()
# How often `query_dense` looks whether the collection changed (its size), and re-checks the
# dense index for unreachable chunks at the latest (see `ChromaStore.dense_gaps`).
GAP_RECHECK_SECONDS = 2.0
GAP_MAX_AGE_SECONDS = 60.0


class StoreError(Exception):
    """The index cannot be opened or written (server down, disk full, …)."""


class StoreUnavailableError(StoreError):
    """The Chroma server stopped answering mid-session. Transient: the same store works
    again once the server is back (see `_Guarded`), so callers show the message and carry
    on rather than restart."""


# Seconds a request to a Chroma server may take. chromadb's HttpClient waits forever by
# default (httpx timeout=None), so a server that hangs instead of dying would hang every
# user's request with it. Generous: a 20,000-chunk `get` takes a few seconds here.
SERVER_TIMEOUT = 60.0
SERVER_CONNECT_TIMEOUT = 5.0


def unavailable_message(where: str) -> str:
    return (
        f"索引服务器 {where} 暂时无法连接（Chroma 服务器未运行或无响应），请稍后再试；"
        f"服务器恢复后无需重启本程序 (the index server {where} is unreachable; "
        "try again shortly — no restart needed once it is back)"
    )


def _is_transport_failure(e: BaseException) -> bool:
    """A failure to reach the server (refused, reset, timed out), not a bad request.

    chromadb's HTTP client lets its transport's (httpx) errors through unwrapped, and
    raises ValueError("Could not connect …") when a client is built against a dead server;
    matched by name so that httpx is not imported here.
    """
    for _ in range(5):  # a bounded walk down the chain
        if e is None:
            return False
        names = {k.__name__ for k in type(e).__mro__}
        if names & {"TransportError", "ConnectionError", "TimeoutError"}:
            return True
        if isinstance(e, ValueError) and "Could not connect" in str(e):
            return True
        e = e.__cause__ or e.__context__
    return False


class _Guarded:
    """A collection whose calls turn a lost server into `StoreUnavailableError`.

    After such a failure the collection is fetched again by name before the next call, so
    a server that came back — restarted on the same data, or restored elsewhere under new
    collection ids — is used again without restarting the app.
    """

    def __init__(self, client, collection, where: str):
        self._client = client
        self._collection = collection
        self._where = where
        self._stale = False

    @property
    def name(self) -> str:
        return self._collection.name

    def __getattr__(self, attr):
        method = getattr(self._collection, attr)
        if not callable(method):
            return method

        def call(*args, **kwargs):
            try:
                if self._stale:
                    self._refetch()
                    return getattr(self._collection, attr)(*args, **kwargs)
                return method(*args, **kwargs)
            except StoreError:
                raise
            except Exception as e:
                if not _is_transport_failure(e):
                    raise
                self._stale = True
                raise StoreUnavailableError(unavailable_message(self._where)) from e

        return call

    def _refetch(self) -> None:
        name = self._collection.name
        try:
            self._collection = self._client.get_collection(name, embedding_function=None)
        except Exception as e:
            if _is_transport_failure(e):
                raise
            # The server answers but lacks the collection: another data folder behind it.
            raise StoreError(
                f"索引服务器 {self._where} 上没有集合 {name}（服务器的数据目录可能已更换）"
                f"(collection {name} is missing on the server: {e})"
            ) from e
        self._stale = False


def open_client(index_dir: Path | None = None, host: str = "", port: int = 8000):
    """An embedded PersistentClient at `index_dir`, or an HttpClient when a host is given."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if host:
            client = chromadb.HttpClient(host=host, port=port, settings=settings)
            _bound_requests(client)
            return client
        assert index_dir is not None
        index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(index_dir), settings=settings)
    except Exception as e:  # chromadb raises many kinds; all mean the same to a user
        where = f"{host}:{port}" if host else str(index_dir)
        if host and _is_transport_failure(e):
            raise StoreUnavailableError(unavailable_message(where)) from e
        raise StoreError(f"无法打开索引 {where} (cannot open index: {e})") from e


def _bound_requests(client) -> None:
    """Give the HTTP client's session a timeout (it has none), where this chromadb keeps it."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if session is not None and hasattr(session, "timeout"):
        import httpx  # chromadb's own transport, already loaded with it

        session.timeout = httpx.Timeout(SERVER_TIMEOUT, connect=SERVER_CONNECT_TIMEOUT)


def _server_address(client) -> str:
    """host:port of an HTTP client; empty for an embedded one."""
    try:
        settings = client.get_settings()
    except Exception:
        return ""
    if settings.chroma_api_impl != "chromadb.api.fastapi.FastAPI":
        return ""
    return f"{settings.chroma_server_host}:{settings.chroma_server_http_port}"


def _doc_to_meta(doc: DocMeta) -> dict:
    return {
        "doc_id": doc.doc_id,
        "version": doc.content_hash,
        "source": doc.source,
        "title": doc.title,
        "doc_type": doc.doc_type,
        "issuer": doc.issuer,
        "doc_number": doc.doc_number,
        "date": doc.date,
        "year": doc.year,
        "visibility": doc.visibility,
        "is_sample": doc.is_sample,
        "status": doc.status,
        "valid_until": doc.valid_until,
    }


def _meta_to_doc(m: dict) -> DocMeta:
    return DocMeta(
        doc_id=m["doc_id"],
        source=m.get("source", ""),
        title=m.get("title", ""),
        doc_type=m.get("doc_type", "other"),
        issuer=m.get("issuer", ""),
        doc_number=m.get("doc_number", ""),
        date=m.get("date", ""),
        year=int(m.get("year", 0) or 0),
        visibility=m.get("visibility", "public"),
        is_sample=bool(m.get("is_sample", False)),
        status=m.get("status", ""),
        valid_until=m.get("valid_until", ""),
        content_hash=m.get("version", ""),
    )


def chunk_to_record(chunk: Chunk, tokens: list[str]) -> dict:
    meta = _doc_to_meta(chunk.doc)
    prefix = chunk.context.rstrip("\n")
    meta.update(
        {
            "page": chunk.page or 0,
            "sheet": chunk.sheet or "",
            "row": chunk.row or 0,
            "heading": chunk.heading,
            "start": chunk.start,
            "end": chunk.end,
            "kind": chunk.kind,
            "ocr": chunk.ocr,
            "confidence": float(chunk.confidence),
            "prefix": prefix,
            "tokens": " ".join(tokens),
            # A record's typed fields, as JSON: metadata, never the document text, so its
            # restricted (contact) fields are neither embedded nor keyword-indexed.
            "record": json.dumps(chunk.record.to_json(), ensure_ascii=False)
            if chunk.record
            else "",
        }
    )
    return meta


def record_to_chunk(
    chunk_id: str, text: str, m: dict, docs: dict[str, DocMeta] | None = None
) -> Chunk:
    doc = (docs or {}).get(m["doc_id"]) or _meta_to_doc(m)
    prefix = m.get("prefix", "")
    return Chunk(
        chunk_id=chunk_id,
        doc=doc,
        text=text,
        search_text=f"{prefix}\n{text}" if prefix else text,
        page=m.get("page") or None,
        sheet=m.get("sheet") or None,
        row=m.get("row") or None,
        heading=m.get("heading", ""),
        start=m.get("start", 0),
        end=m.get("end", 0),
        kind=m.get("kind", "text"),
        ocr=bool(m.get("ocr", False)),
        confidence=float(m.get("confidence", 1.0)),
        record=Record.from_json(json.loads(m["record"])) if m.get("record") else None,
    )


class ChromaStore:
    """Chunks and the document registry of one index."""

    def __init__(self, client, prefix: str = "chanjiao"):
        self.client = client
        self.prefix = prefix
        try:
            chunks = client.get_or_create_collection(
                f"{prefix}_chunks",
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine", "ef_search": 120}},
            )
            docs = client.get_or_create_collection(f"{prefix}_docs", embedding_function=None)
        except Exception as e:
            raise StoreError(f"无法打开索引集合 (cannot open collections: {e})") from e
        where = _server_address(client)
        if where:  # only a server can go away mid-session
            chunks, docs = _Guarded(client, chunks, where), _Guarded(client, docs, where)
        self.chunks = chunks
        self.docs = docs
        self.remote = bool(where)  # a Chroma server, which can go away mid-session
        # (checked at, chunk count, unreachable ids, computed at): see `_unreachable`.
        self._gaps: tuple[float, int, list[str], float] | None = None

    # -- the registry -------------------------------------------------------------------

    def live_docs(self) -> dict[str, DocMeta]:
        """Every registered document, by id, at its live version.

        An entry whose `replaces` names another (the same file registered under a new name,
        see `Ingestor`) hides that one in the same write that makes it live, so readers
        never see the file twice, even if the run dies before the old entry is removed.
        """
        got = self.docs.get(include=["metadatas"])
        replaced = {m.get("replaces") for m in got["metadatas"] if m.get("replaces")}
        return {
            i: _meta_to_doc(m) for i, m in zip(got["ids"], got["metadatas"]) if i not in replaced
        }

    def signature(self, docs: dict[str, DocMeta] | None = None) -> str:
        """Changes whenever any document is added, replaced or removed."""
        docs = self.live_docs() if docs is None else docs
        # Visibility is in it: changing who may see a document must refresh every reader.
        items = sorted(f"{d}:{m.content_hash}:{m.visibility}" for d, m in docs.items())
        return hashlib.sha1("\n".join(items).encode()).hexdigest()

    def register(self, doc: DocMeta, n_chunks: int, extra: dict | None = None) -> None:
        meta = _doc_to_meta(doc) | {"n_chunks": n_chunks} | (extra or {})
        self.docs.upsert(
            ids=[doc.doc_id],
            embeddings=[_REGISTRY_VECTOR],
            documents=[doc.source],
            metadatas=[meta],
        )

    def set_visibility(self, doc_id: str, visibility: str) -> int:
        """Change who may see one document in place: every chunk's metadata, then its
        registry entry (which readers' signatures follow). Nothing is re-chunked or
        re-embedded. `visibility_set` remembers the choice across re-ingestion. Returns the
        number of chunks changed; KeyError when the document is not registered."""
        if not self.docs.get(ids=[doc_id], include=[])["ids"]:
            raise KeyError(doc_id)
        ids = self.chunks.get(where={"doc_id": doc_id}, include=[])["ids"]
        for i in range(0, len(ids), _BATCH):
            part = ids[i : i + _BATCH]
            self.chunks.update(ids=part, metadatas=[{"visibility": visibility}] * len(part))
        self.docs.update(
            ids=[doc_id], metadatas=[{"visibility": visibility, "visibility_set": visibility}]
        )
        return len(ids)

    def unregister(self, doc_id: str) -> None:
        self.docs.delete(ids=[doc_id])

    def update_registry(self, doc_id: str, fields: dict) -> None:
        """Change some fields of one registry entry, keeping the others."""
        self.docs.update(ids=[doc_id], metadatas=[fields])

    # -- chunks -------------------------------------------------------------------------

    def add_chunks(
        self, chunks: list[Chunk], tokens: list[list[str]], vectors: list[np.ndarray | None]
    ) -> None:
        for i in range(0, len(chunks), _BATCH):
            part = slice(i, i + _BATCH)
            metas, embs = [], []
            for c, t, v in zip(chunks[part], tokens[part], vectors[part]):
                m = chunk_to_record(c, t)
                m["has_vector"] = v is not None
                metas.append(m)
                embs.append(
                    _placeholder(c.chunk_id)
                    if v is None
                    else np.asarray(v, dtype=np.float32).tolist()
                )
            self.chunks.upsert(
                ids=[c.chunk_id for c in chunks[part]],
                documents=[c.text for c in chunks[part]],
                embeddings=embs,
                metadatas=metas,
            )
        self._gaps = None

    def delete_versions(self, doc_id: str, keep_version: str | None = None) -> None:
        """Delete a document's chunks, except those of `keep_version`."""
        where: dict = {"doc_id": doc_id}
        if keep_version:
            where = {"$and": [{"doc_id": doc_id}, {"version": {"$ne": keep_version}}]}
        self.chunks.delete(where=where)
        self._gaps = None

    def orphan_doc_ids(self, live: dict[str, DocMeta]) -> set[str]:
        """Documents with chunks but no registry entry (left by an interrupted run)."""
        seen = set()
        for _, _, m in self.iter_chunks(include_text=False):
            if m["doc_id"] not in live or live[m["doc_id"]].content_hash != m["version"]:
                seen.add(m["doc_id"])
        return seen

    def iter_chunks(self, include_text: bool = True, where: dict | None = None) -> Iterator[tuple]:
        """(id, text, metadata) of every stored chunk, paged so memory stays flat."""
        include = ["metadatas"] + (["documents"] if include_text else [])
        offset = 0
        while True:
            got = self.chunks.get(include=include, limit=_BATCH * 5, offset=offset, where=where)
            ids = got["ids"]
            if not ids:
                return
            texts = got["documents"] if include_text else [None] * len(ids)
            yield from zip(ids, texts, got["metadatas"])
            offset += len(ids)

    def live_chunks(self, docs: dict[str, DocMeta] | None = None) -> list[tuple[Chunk, list[str]]]:
        """Every chunk of a live document version, with its search tokens."""
        docs = self.live_docs() if docs is None else docs
        out = []
        for cid, text, m in self.iter_chunks():
            doc = docs.get(m["doc_id"])
            if doc is None or doc.content_hash != m.get("version"):
                continue
            out.append((record_to_chunk(cid, text, m, docs), m.get("tokens", "").split()))
        return out

    def pending_vectors(self, limit: int = 100000) -> list[tuple[str, str, dict]]:
        """Chunks still waiting for their dense vector."""
        got = self.chunks.get(
            where={"has_vector": False}, include=["documents", "metadatas"], limit=limit
        )
        return list(zip(got["ids"], got["documents"], got["metadatas"]))

    def set_vectors(self, ids: list[str], vectors: Iterable[np.ndarray]) -> None:
        vecs = [np.asarray(v, dtype=np.float32).tolist() for v in vectors]
        for i in range(0, len(ids), _BATCH):
            self.chunks.update(
                ids=ids[i : i + _BATCH],
                embeddings=vecs[i : i + _BATCH],
                metadatas=[{"has_vector": True}] * len(ids[i : i + _BATCH]),
            )
        self._gaps = None

    def vectors_of(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The computed vectors (`has_vector`) of `ids` that the dense index holds."""
        got = self.chunks.get(ids=ids, include=["metadatas"])
        wanted = [i for i, m in zip(got["ids"], got["metadatas"]) if m.get("has_vector")]
        return {i: v for i, v in self.stored_vectors(wanted).items() if v is not None}

    # -- the dense side, as Chroma really holds it -------------------------------------
    #
    # A chunk's record and its vector live in two places inside embedded Chroma: the SQLite
    # metadata segment and the HNSW graph, which is kept in memory, saved to disk only every
    # `sync_threshold` (1000) writes, and otherwise rebuilt from Chroma's write-ahead log by
    # every process that opens the index (in parallel, so not the same graph twice). Two
    # things can then separate the keyword side from the vector side, whatever `has_vector`
    # says: a vector the graph does not hold (a half-applied log; Chroma then fails every
    # filtered query and every `get` of embeddings that touches it), and — measured — a
    # vector the graph holds but cannot reach: no other node links to it, so no query ever
    # returns it, not even one with its own vector. In a 37-chunk index rebuilt 1,000 times
    # 7 rebuilds had one or three such chunks. `dense_gaps` finds both, `rewrite_vectors`
    # repairs them (the ingest does, at the end of every run), and `query_dense` scores the
    # unreachable ones directly, so a dense search returns every stored vector.

    def dense_reach(self) -> set[str]:
        """The ids a dense query over the whole collection returns (no filter)."""
        n = self.count()
        if not n:
            return set()
        got = self.chunks.query(query_embeddings=[_PROBE], n_results=n, include=[])
        return set(got["ids"][0])

    def dense_gaps(self) -> tuple[list[str], list[str]]:
        """(stored chunk ids a dense query does not return, ids it returns that no chunk has).

        One query for the whole collection and a count: ≈ 10–20 ms at 3,215 chunks. The ids
        are listed only when the two numbers differ."""
        reached = self.dense_reach()
        if len(reached) == self.count():
            return [], []
        ids = self.chunks.get(include=[])["ids"]
        return [i for i in ids if i not in reached], sorted(reached - set(ids))

    def stored_vectors(self, ids: list[str]) -> dict[str, np.ndarray | None]:
        """Each stored id's vector as the dense index holds it; None where it holds none.

        Chroma fails a whole `get` of embeddings when one id's vector is missing, so a batch
        that fails is asked again id by id."""
        out: dict[str, np.ndarray | None] = {}
        for start in range(0, len(ids), _BATCH):
            part = ids[start : start + _BATCH]
            try:
                got = self.chunks.get(ids=part, include=["embeddings"])
            except StoreUnavailableError:
                raise
            except Exception:
                for i in part:
                    out.update(self._one_vector(i))
                continue
            out.update(
                (i, np.asarray(e, dtype=np.float32)) for i, e in zip(got["ids"], got["embeddings"])
            )
        return out

    def _one_vector(self, chunk_id: str) -> dict[str, np.ndarray | None]:
        try:
            got = self.chunks.get(ids=[chunk_id], include=["embeddings"])
        except StoreUnavailableError:
            raise
        except Exception:  # "Error finding id": the record is stored, its vector is not
            return {chunk_id: None}
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"])}

    def rewrite_vectors(self, vectors: dict[str, np.ndarray | None]) -> None:
        """Write these chunks' vectors again (None: a placeholder, `has_vector=False`).

        An upsert of the whole record: unlike `update`, which Chroma ignores for an id its
        graph lacks, it puts a missing vector back; for a vector the graph holds but cannot
        reach, it re-links the node (hnswlib's update searches the graph for the node's
        neighbours and links them back to it). The record's text and metadata are written
        as they are, so a chunk deleted meanwhile comes back only as an orphan, which the
        next sweep removes."""
        stored = list(self.chunks_by_id(list(vectors)).items())
        for start in range(0, len(stored), _BATCH):
            part = stored[start : start + _BATCH]
            embs = [
                _placeholder(i) if (v := vectors[i]) is None else np.asarray(v, "float32").tolist()
                for i, _ in part
            ]
            self.chunks.upsert(
                ids=[i for i, _ in part],
                embeddings=embs,
                documents=[t for _, (t, _) in part],
                metadatas=[{**m, "has_vector": vectors[i] is not None} for i, (_, m) in part],
            )
        self._gaps = None

    def chunks_by_id(self, ids: list[str]) -> dict[str, tuple[str, dict]]:
        """(text, metadata) of each stored chunk of `ids`."""
        out = {}
        for start in range(0, len(ids), _BATCH):
            part = ids[start : start + _BATCH]
            got = self.chunks.get(ids=part, include=["documents", "metadatas"])
            out.update(zip(got["ids"], zip(got["documents"], got["metadatas"])))
        return out

    def delete_chunk_ids(self, ids: list[str]) -> None:
        for start in range(0, len(ids), _BATCH):
            self.chunks.delete(ids=ids[start : start + _BATCH])
        self._gaps = None

    def _unreachable(self) -> list[str]:
        """Stored chunks the dense index holds but its graph cannot reach, as of the last
        check. Checked again when the collection's size changes (looked at every
        `GAP_RECHECK_SECONDS`), after this store writes, and at least every
        `GAP_MAX_AGE_SECONDS` (another process may have written the same number of
        chunks)."""
        now = time.monotonic()
        cached = self._gaps
        if cached is not None and now - cached[0] < GAP_RECHECK_SECONDS:
            return cached[2]
        n = self.count()
        if cached is not None and n == cached[1] and now - cached[3] < GAP_MAX_AGE_SECONDS:
            self._gaps = (now, n, cached[2], cached[3])
            return cached[2]
        gaps, _ = self.dense_gaps()
        self._gaps = (now, n, gaps, now)
        return gaps

    def _score_unreachable(
        self, gaps: list[str], vector: np.ndarray, where: dict | None
    ) -> list[tuple[str, float]]:
        """Cosine similarity of `vector` to the unreachable chunks that pass `where`."""
        try:
            admitted = self.chunks.get(ids=gaps, where=where, include=[])["ids"]
        except StoreUnavailableError:
            raise
        except Exception:
            return []
        q = np.asarray(vector, dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        out = []
        for i, v in self.stored_vectors(admitted).items():
            if v is not None:
                out.append((i, float(np.dot(q, v / (np.linalg.norm(v) or 1.0)))))
        return out

    def query_dense(
        self, vector: np.ndarray, n: int, where: dict | None = None, complete: bool = False
    ) -> list[tuple[str, float]]:
        """Nearest chunks by cosine similarity (1 - distance), among chunks with vectors.

        `complete` says every chunk has its vector: the `has_vector` filter is then left out,
        because a metadata filter makes Chroma's query cost grow with the collection
        (measured at 20,000 chunks: p50 135 ms with it, 21 ms without) while a plain one does
        not.
        """
        conds = [] if complete else [{"has_vector": True}]
        if where:
            conds += where["$and"] if "$and" in where else [where]
        cond = None if not conds else conds[0] if len(conds) == 1 else {"$and": conds}
        query = [np.asarray(vector, dtype=np.float32).tolist()]
        try:
            got = self.chunks.query(
                query_embeddings=query, n_results=max(1, n), where=cond, include=["distances"]
            )
            found = [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]
        except StoreUnavailableError:
            raise
        except Exception:
            if cond is None:
                raise
            # Chroma fails every filtered query while a chunk's vector is missing from its
            # dense index (a half-written state the next ingest repairs): rank the whole
            # collection unfiltered, then keep what the filter admits.
            got = self.chunks.query(
                query_embeddings=query, n_results=max(1, self.count()), include=["distances"]
            )
            admitted = set(self.chunks.get(ids=got["ids"][0], where=cond, include=[])["ids"])
            ranked = zip(got["ids"][0], got["distances"][0])
            found = [(i, 1.0 - d) for i, d in ranked if i in admitted][: max(1, n)]
        gaps = self._unreachable()
        if not gaps:
            return found
        # Stored vectors the graph cannot reach are scored directly (see `dense_gaps`).
        seen = {i for i, _ in found}
        extra = [h for h in self._score_unreachable(gaps, vector, cond) if h[0] not in seen]
        return sorted(found + extra, key=lambda h: -h[1])[: max(1, n)]

    def has_pending_vectors(self) -> bool:
        return bool(self.chunks.get(where={"has_vector": False}, limit=1, include=[])["ids"])

    def pending_ids(self) -> set[str]:
        """The ids of the chunks still waiting for their vector (no text fetched): readers
        fuse these by their keyword rank alone (see `assistant.retrieve`)."""
        return set(self.chunks.get(where={"has_vector": False}, include=[])["ids"])

    def count(self) -> int:
        return self.chunks.count()

    def describe(self) -> str:
        return json.dumps(
            {"prefix": self.prefix, "chunks": self.count(), "docs": self.docs.count()}
        )

    def registry(self, ids: list[str] | None = None) -> dict[str, dict]:
        """Every registered document's (or those of `ids`) stored metadata, by id (paths,
        chunk counts, visibility_set…)."""
        got = self.docs.get(ids=ids, include=["metadatas"])
        return dict(zip(got["ids"], got["metadatas"]))

    def doc_count(self) -> int:
        return self.docs.count()

    def chunk_ids(self, doc_id: str) -> list[str]:
        """The ids of every stored chunk of `doc_id`, whatever its version."""
        return self.chunks.get(where={"doc_id": doc_id})["ids"]

    # -- derived values (issue 9: what an LLM read off a notice, kept by the text's hash) --

    def _derived(self):
        """The `<prefix>_derived` collection, opened on first use: values computed from a
        document's text at some cost (an LLM call), keyed by a hash of that text, so that
        re-ingesting an unchanged text never pays for them again. Not document chunks:
        readers of the chunks never see them."""
        if getattr(self, "_derived_collection", None) is None:
            try:
                self._derived_collection = self.client.get_or_create_collection(
                    f"{self.prefix}_derived", embedding_function=None
                )
            except Exception as e:
                raise StoreError(f"无法打开索引集合 (cannot open collections: {e})") from e
        return self._derived_collection

    def get_derived(self, keys: list[str]) -> dict[str, dict]:
        """The stored values of `keys` (those present), by key."""
        if not keys:
            return {}
        got = self._derived().get(ids=list(dict.fromkeys(keys)), include=["metadatas"])
        out = {}
        for key, meta in zip(got["ids"], got["metadatas"]):
            try:
                out[key] = json.loads((meta or {}).get("json", ""))
            except ValueError:
                continue  # a damaged entry is recomputed, not trusted
        return out

    def put_derived(self, key: str, value: dict) -> None:
        self._derived().upsert(
            ids=[key],
            embeddings=[_REGISTRY_VECTOR],
            documents=[key],
            metadatas=[{"json": json.dumps(value, ensure_ascii=False)}],
        )
