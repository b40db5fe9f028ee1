"""Offline OCR of page images, cached, in a pool of worker processes sized to the machine.

rapidocr-onnxruntime 1.4.4 ships the Chinese PP-OCRv4 detection and recognition models in
its wheel, so nothing is downloaded (its successor `rapidocr` 3.x downloads models: not
used). A page takes 2.5–7 s on two cores, so:

- results are cached by page: under the page image's hash and under the file's content
  hash and page number (no rendering needed to find it). The cache is JSON files read in
  layers like the vector cache: the bundled corpus's results ship read-only in
  `corpus/.ocr/`, the user's own cache is written;
- pages are recognised in worker processes (`spawn`, so no lock held by the parent's
  threads is inherited), one per core, each with one ONNX thread and a lower priority,
  so that interactive work on the machine keeps a fair share;
- results come back page by page as they are ready, so the caller can show progress and
  index the pages already read while the rest are still being recognised.

The only module that imports rapidocr_onnxruntime. Rendering is in `render`; what becomes
of the text (cleaning, headings, chunks) is the pipeline's, the same as for any text.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from .render import image_key

ENGINE_ID = "rapidocr-onnxruntime-1.4.4-ppocrv4"
MODES = ("auto", "always", "never")
# Lines whose recognition score is below this are dropped: they are mostly specks, stamps
# and table rules read as characters.
MIN_LINE_SCORE = 0.5


@dataclass(frozen=True)
class OcrPage:
    """The text read from one page image, lines in reading order, and its mean confidence."""

    text: str
    confidence: float
    lines: int = 0

    def to_json(self) -> dict:
        return asdict(self)


class OcrEngine(Protocol):
    """Reads the text of one RGB page image."""

    engine_id: str

    def recognize(self, image: np.ndarray) -> OcrPage: ...


def source_key(file_sha256: str, page: int, engine_id: str = ENGINE_ID) -> str:
    """Cache key of a page by where it comes from: the file's bytes and the page number."""
    return "src:" + hashlib.sha1(f"{engine_id}\n{file_sha256}\n{page}".encode()).hexdigest()


def reading_order(boxes: Iterable[tuple[list, str, float]]) -> OcrPage:
    """Arrange recognised boxes into lines, top to bottom and left to right.

    A box belongs to the line whose vertical centre is within half a line height of its
    own, so the cells of a table row or a heading number and its words come out on one
    line. Confidence is the mean of the kept boxes' scores weighted by their length.
    """
    items = []
    for box, text, score in boxes:
        text = (text or "").strip()
        if not text or float(score) < MIN_LINE_SCORE:
            continue
        ys = [p[1] for p in box]
        xs = [p[0] for p in box]
        items.append((min(ys), max(ys), min(xs), text, float(score)))
    if not items:
        return OcrPage("", 0.0, 0)
    heights = sorted(b - t for t, b, *_ in items)
    tolerance = max(1.0, heights[len(heights) // 2] * 0.5)
    items.sort(key=lambda it: (it[0] + it[1]) / 2)
    rows: list[list[tuple]] = []
    centre = None
    for it in items:
        c = (it[0] + it[1]) / 2
        if rows and centre is not None and abs(c - centre) <= tolerance:
            rows[-1].append(it)
            centre = sum((x[0] + x[1]) / 2 for x in rows[-1]) / len(rows[-1])
        else:
            rows.append([it])
            centre = c
    lines = [" ".join(it[3] for it in sorted(row, key=lambda it: it[2])) for row in rows]
    weight = sum(len(it[3]) for it in items)
    confidence = sum(len(it[3]) * it[4] for it in items) / weight
    return OcrPage("\n".join(lines), round(confidence, 4), len(lines))


class RapidOcrEngine:
    """PP-OCRv4 through rapidocr-onnxruntime; the models load on first use (~0.5 s)."""

    engine_id = ENGINE_ID

    def __init__(self, threads: int = 0):
        self._threads = threads
        self._engine = None

    def _get(self):
        if self._engine is None:
            from rapidocr_onnxruntime import RapidOCR

            kwargs = {}
            if self._threads > 0:
                kwargs = {"intra_op_num_threads": self._threads, "inter_op_num_threads": 1}
            self._engine = RapidOCR(**kwargs)
        return self._engine

    def recognize(self, image: np.ndarray) -> OcrPage:
        # rapidocr takes arrays in OpenCV's BGR order.
        result, _ = self._get()(np.ascontiguousarray(image[..., ::-1]))
        return reading_order(result or [])


class OcrCache:
    """OCR results by key, read from any number of JSON files, written to one.

    Like the vector cache: read-only layers (the bundled corpus's results) under a writable
    user cache; saving writes a temporary file and renames it.
    """

    def __init__(self, path: Path | None, readonly: tuple[Path, ...] = ()):
        self.path = path
        self._pages: dict[str, OcrPage] = {}
        self._own: set[str] = set()  # keys of the writable file: what `save()` writes
        self._dirty = False
        for p in readonly:
            self._read(p)
        if path is not None:
            self._own.update(self._read(path))

    def _read(self, path: Path) -> list[str]:
        if not path or not path.exists():
            return []
        try:
            data = json.loads(path.read_text("utf-8"))
            pages = data.get("pages", {}) if data.get("engine") == ENGINE_ID else {}
            for k, v in pages.items():
                self._pages[k] = OcrPage(v["text"], float(v["confidence"]), int(v.get("lines", 0)))
            return list(pages)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return []  # a damaged cache is only a cache: read again

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, *keys: str) -> OcrPage | None:
        for k in keys:
            if k in self._pages:
                return self._pages[k]
        return None

    def put(self, keys: Iterable[str], page: OcrPage) -> None:
        for k in keys:
            self._pages[k] = page
            self._own.add(k)
        self._dirty = True

    def save(self, keys: Iterable[str] | None = None, path: Path | None = None) -> int:
        """Write the cache (or only `keys`, e.g. the bundled corpus's pages); returns count."""
        target = path or self.path
        if target is None or (not self._dirty and keys is None and path is None):
            return 0
        chosen = sorted(k for k in (self._own if keys is None else set(keys)) if k in self._pages)
        target.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "engine": ENGINE_ID,
            "pages": {k: self._pages[k].to_json() for k in chosen},
        }
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(body, f, ensure_ascii=False, indent=0, sort_keys=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        if target == self.path:
            self._dirty = False
        return len(chosen)


# -- worker processes ----------------------------------------------------------------------

_WORKER_ENGINE: RapidOcrEngine | None = None


def _worker_init(threads: int, niceness: int) -> None:
    global _WORKER_ENGINE
    try:
        os.nice(niceness)
    except OSError:
        pass
    _watch_parent(os.getppid())
    _WORKER_ENGINE = RapidOcrEngine(threads=threads)


# How often a worker checks that the process that started it is still alive.
PARENT_CHECK_SECONDS = 1.0


def _watch_parent(parent: int) -> None:
    """Exit this worker as soon as its parent is gone.

    A pool worker waits on a queue whose writing end it holds itself, so when the ingest
    process is killed (SIGKILL, the OOM killer) nothing ever wakes it: measured, both
    workers stayed alive with ~0.5 GB each of OCR models, re-parented to init, for good. A
    daemon thread notices the re-parenting and ends the process, even mid-recognition.
    """
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _worker_recognize(image: np.ndarray) -> OcrPage:
    assert _WORKER_ENGINE is not None
    return _WORKER_ENGINE.recognize(image)


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# A page job: the keys its result is cached under, and a function that renders the page
# image (called only when the cache has no result under the source keys).
PageJob = tuple[int, tuple[str, ...], Callable[[], np.ndarray]]


class OcrService:
    """Recognises pages through the cache and, for the misses, a pool of worker processes.

    `engine` set (tests, or `workers=0`) recognises in this process instead of the pool.
    `used_keys` collects every key looked up or written, which is how the bundled corpus's
    results are exported (`chanjiao export-ocr`).
    """

    def __init__(
        self,
        cache: OcrCache,
        workers: int | None = None,
        engine: OcrEngine | None = None,
        niceness: int = 10,
    ):
        self.cache = cache
        self.workers = default_workers() if workers is None else workers
        self.engine = engine
        self.niceness = niceness
        self.engine_id = engine.engine_id if engine is not None else ENGINE_ID
        self.used_keys: set[str] = set()
        self.recognized = 0  # pages actually read (not from the cache)
        self.seconds = 0.0  # wall time spent reading them
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
                initargs=(1, self.niceness),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def recognize(self, jobs: list[PageJob]) -> Iterator[tuple[int, OcrPage, bool]]:
        """Yield (page, result, from_cache) for every job, cached ones first, the rest as
        they are recognised (not necessarily in page order). Each result is cached at once.
        """
        import time

        misses: list[tuple[int, tuple[str, ...], np.ndarray]] = []
        for page, keys, render in jobs:
            self.used_keys.update(keys)
            hit = self.cache.get(*keys)
            if hit is not None:
                yield page, hit, True
                continue
            image = render()
            ikey = image_key(image, self.engine_id)
            self.used_keys.add(ikey)
            hit = self.cache.get(ikey)
            if hit is not None:
                self.cache.put(keys, hit)  # found under another name: remember this one too
                yield page, hit, True
                continue
            misses.append((page, (*keys, ikey), image))
        if not misses:
            return
        started = time.perf_counter()
        try:
            if self.engine is not None or self.workers <= 0 or len(misses) == 1:
                engine = self.engine or self._local_engine()
                for page, keys, image in misses:
                    result = engine.recognize(image)
                    self._done(keys, result)
                    yield page, result, False
                return
            pool = self._executor()
            # Keep at most two pages a worker in flight: images are a few MB each.
            queue = list(misses)
            running: dict[Future, tuple[int, tuple[str, ...]]] = {}
            while queue or running:
                while queue and len(running) < self.workers * 2:
                    page, keys, image = queue.pop(0)
                    running[pool.submit(_worker_recognize, image)] = (page, keys)
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in sorted(finished, key=lambda f: running[f][0]):
                    page, keys = running.pop(fut)
                    result = fut.result()
                    self._done(keys, result)
                    yield page, result, False
        finally:
            self.seconds += time.perf_counter() - started

    def _local_engine(self) -> OcrEngine:
        if not hasattr(self, "_local"):
            self._local = RapidOcrEngine()
        return self._local

    def _done(self, keys: tuple[str, ...], result: OcrPage) -> None:
        self.cache.put(keys, result)
        self.used_keys.update(keys)
        self.recognized += 1
