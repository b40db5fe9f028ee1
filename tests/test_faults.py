"""Service faults: the LLM endpoint slow, down, rate-limited or cut mid-stream, and the
Chroma server lost mid-session.

The LLM cases run the real `openai` client against tests/fake_openai.py: first one call at
a time over a tiny index, then many users at once through the web app's API (answers and
drafts must come back extractive, with a notice that says so, none later than its timeout
plus the time spent waiting in the app's queue). The Chroma case stops a real `chroma run`
under a running `chanjiao serve`, then starts it again on the same port and data.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from assistant.answer import answer_question
from assistant.llm import LLMError, OpenAIChat

from .conftest import ROOT, HashEmbedder
from .fake_openai import Drop, Fail, FakeOpenAI, Hang, Reply, Trickle
from .test_llm import SUBSIDY_Q, subsidy_reply, write_docs

FALLBACK = "大模型不可用，已改用摘录式回答"
# Seconds allowed beyond the LLM timeout for the offline answer itself on a busy machine.
MARGIN = 2.0


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A retriever over test_llm's four documents (hashing embedder, embedded Chroma)."""
    from assistant.retrieve import Retriever
    from ingest.embed import VectorCache
    from ingest.pipeline import Ingestor
    from ingest.store import ChromaStore, open_client

    base = tmp_path_factory.mktemp("faults-tiny")
    docs = write_docs(base / "docs")
    store = ChromaStore(open_client(base / "index"), f"ft{uuid.uuid4().hex[:6]}")
    embedder = HashEmbedder()
    Ingestor(store, embedder, VectorCache(base / "v.npz")).ingest([docs], base=docs)
    retriever = Retriever(store, embedder)
    answer_question(SUBSIDY_Q, retriever)  # warm up (jieba, the decision model): not timed
    return retriever


def chat_for(server: FakeOpenAI, **kw) -> OpenAIChat:
    opts = {"timeout": 1.5, "max_retries": 2, "backoff": 0.05}
    return OpenAIChat("fake-model", base_url=server.base_url, **(opts | kw))


def timed_ask(tiny, chat, stream=True):
    tokens: list[str] = []
    t = time.monotonic()
    ans = answer_question(SUBSIDY_Q, tiny, chat=chat, on_token=tokens.append if stream else None)
    return ans, tokens, time.monotonic() - t


# --- the LLM, one call at a time ---------------------------------------------------------


def test_a_trickling_stream_is_cut_at_the_timeout(tiny, openai_server):
    """Each piece arrives well within the read timeout, the whole reply would take ~10 s."""
    openai_server.default = Trickle(subsidy_reply, chunk=2, delay=0.3)
    ans, tokens, seconds = timed_ask(tiny, chat_for(openai_server, timeout=1.5))
    assert ans.mode == "extractive" and ans.found and FALLBACK in ans.notice
    assert "超时" in ans.notice and tokens  # some text was streamed before the cut
    assert seconds < 1.5 + MARGIN
    assert len(openai_server.requests) == 1  # a timeout is not retried


def test_a_trickling_plain_reply_is_bounded_too(tiny, openai_server):
    openai_server.default = Trickle(subsidy_reply, chunk=2, delay=0.3)
    ans, _, seconds = timed_ask(tiny, chat_for(openai_server, timeout=1.5), stream=False)
    assert ans.mode == "extractive" and "超时" in ans.notice and seconds < 1.5 + MARGIN


@pytest.mark.parametrize("stream", [True, False])
def test_a_connection_cut_mid_reply_falls_back_with_a_notice(stream, tiny, openai_server):
    openai_server.default = Drop(subsidy_reply, chunk=3, after=2)
    ans, tokens, seconds = timed_ask(tiny, chat_for(openai_server), stream=stream)
    assert ans.mode == "extractive" and ans.found and FALLBACK in ans.notice
    assert seconds < 1.5 + MARGIN
    if stream:
        # Text was already shown: the call is not repeated (the user would see it twice).
        assert len(tokens) == 2 and len(openai_server.requests) == 1
        assert "1,500" in ans.answer  # the extractive answer replaced the partial text


def test_an_endpoint_that_goes_down_and_comes_back(tiny, openai_server):
    openai_server.default = Reply(subsidy_reply)
    chat = chat_for(openai_server, cooldown=1.0)
    assert timed_ask(tiny, chat)[0].mode == "llm"
    openai_server.down()
    ans, _, seconds = timed_ask(tiny, chat)
    assert ans.mode == "extractive" and "无法连接" in ans.notice and FALLBACK in ans.notice
    assert seconds < 1.5 + MARGIN  # refused at once; two quick retries at most
    openai_server.up()
    time.sleep(1.1)  # the cooldown after a failure
    assert timed_ask(tiny, chat)[0].mode == "llm"


def test_rate_limiting_longer_than_the_timeout_is_not_waited_out(tiny, openai_server):
    """429 with Retry-After 1 s, three times in a row, against a 1.5 s timeout: the call
    gives up when the next retry could not finish in time, rather than after 3 s+."""
    openai_server.default = Fail(429, headers={"Retry-After": "1"})
    ans, _, seconds = timed_ask(tiny, chat_for(openai_server, timeout=1.5))
    assert ans.mode == "extractive" and "429" in ans.notice and FALLBACK in ans.notice
    assert seconds < 1.5 + MARGIN
    assert len(openai_server.requests) == 1  # a retry would not fit into the time left


def test_the_timeout_bounds_the_whole_call_not_each_attempt(openai_server):
    openai_server.default = Fail(503)
    chat = chat_for(openai_server, timeout=1.0, max_retries=10, backoff=0.3)
    t = time.monotonic()
    with pytest.raises(LLMError) as e:
        chat.complete([{"role": "user", "content": "你好"}])
    assert e.value.kind == "server" and time.monotonic() - t < 1.0 + MARGIN


def test_settings_carry_the_llm_timeout_and_retries():
    from assistant.context import make_chat
    from assistant.settings import Settings

    s = Settings.from_env(
        {
            "CHANJIAO_LLM_MODEL": "m",
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "CHANJIAO_LLM_TIMEOUT": "7.5",
            "CHANJIAO_LLM_RETRIES": "4",
        }
    )
    chat = make_chat(s)
    assert (chat.timeout, chat.max_retries) == (7.5, 4)


# --- the LLM under many users, through the web app ------------------------------------------

USERS = 24
WEB_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def llm_app(tmp_path_factory, web_app):
    """A second web app over the same kind of index, with an LLM configured (its vectors
    come from the shared web app's cache, so nothing is embedded twice)."""
    from .webapp import start_app

    cache = web_app.service.index.settings.vector_cache
    app = start_app(tmp_path_factory.mktemp("web-llm"), vector_cache=cache)
    yield app
    app.stop()


def _many_asks(url: str, token: str, n: int) -> list[tuple[dict, float]]:
    """`n` questions submitted at once through /ask; each reply with its latency."""
    from gradio_client import Client

    c = Client(url, verbose=False)
    started = time.monotonic()
    done: dict[int, float] = {}
    jobs = []
    for i in range(n):
        q = ("学生岗位实习补贴标准是多少", "学生岗位实习补贴每月发多少钱")[i % 2]
        job = c.submit(q, token, "[]", api_name="/ask")
        job.add_done_callback(lambda _, i=i: done.__setitem__(i, time.monotonic()))
        jobs.append(job)
    replies = [job.result(timeout=120) for job in jobs]
    time.sleep(0.05)  # callbacks run just after the result is set
    return [(r, done[i] - started) for i, r in enumerate(replies)]


def _queue_margin(n: int, one: float) -> float:
    """Time the last of `n` requests may wait in the app's queue (two at a time)."""
    from assistant.web import CONCURRENCY

    return n / CONCURRENCY * one + 10.0


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault", ["slow", "down", "rate-limited", "cut-mid-stream", "trickle"], ids=str
)
def test_many_users_against_a_failing_llm_get_extractive_answers_in_time(fault, llm_app):
    from gradio_client import Client

    from .webapp import PASSWORDS

    with FakeOpenAI() as server:
        server.default = {
            "slow": Hang(30),
            "down": Reply("不该到这里。"),
            "rate-limited": Fail(429, headers={"Retry-After": "1"}),
            "cut-mid-stream": Drop("学生岗位实习补贴为每人每月800元[S1]。", after=1),
            "trickle": Trickle("学生岗位实习补贴为每人每月800元[S1]。", chunk=2, delay=0.4),
        }[fault]
        # A fresh model per case: no cooldown carried over from the case before.
        llm_app.service.chat = OpenAIChat(
            "fake-model", base_url=server.base_url, timeout=WEB_TIMEOUT, max_retries=2
        )
        if fault == "down":
            server.down()  # connections refused from now on
        try:
            c = Client(llm_app.url, verbose=False)
            secretariat = c.predict(*PASSWORDS["secretariat"], api_name="/login")["token"]
            # Drafts join the crowd: each asks the model once per section.
            drafts: list = []
            drafter = threading.Thread(
                target=lambda: drafts.append(
                    _timed(
                        lambda: c.predict(
                            secretariat, "8", 2024, "self-assessment", api_name="/draft"
                        )
                    )
                )
            )
            drafter.start()
            # The page's chat streams (the model's text shows as it comes), then the same.
            chat_job = Client(llm_app.url, verbose=False).submit(
                "学生岗位实习补贴标准是多少", [], api_name="/chat"
            )
            replies = _many_asks(llm_app.url, "", USERS)
            drafter.join(timeout=180)
            outputs = chat_job.result(timeout=180)  # the chat, the details panel, …
            shown, details = outputs[0], json.dumps(outputs[1:], ensure_ascii=False)
        finally:
            llm_app.service.chat = None
    bound = WEB_TIMEOUT + _queue_margin(USERS + 1, 1.5)
    latencies = [t for _, t in replies]
    assert len(replies) == USERS and max(latencies) < bound, (max(latencies), bound)
    for reply, _ in replies:
        assert "error" not in reply, reply
        assert reply["mode"] == "extractive" and reply["status"] == "answered", reply
        assert FALLBACK in reply["notice"], reply["notice"]
    final = json.dumps(shown[-1]["content"], ensure_ascii=False)
    assert FALLBACK in details and "生成中" not in final and "800元" not in final
    draft, seconds = drafts[0]
    print(
        f"\nLLM {fault}: {USERS} concurrent asks + 1 draft, timeout {WEB_TIMEOUT:g} s: "
        f"max {max(latencies):.1f} s, p50 {sorted(latencies)[len(latencies) // 2]:.1f} s, "
        f"draft {seconds:.1f} s (bound {bound:.0f} s)"
    )
    assert seconds < bound and draft["mode"] == "offline"
    assert "大模型不可用" in draft["notice"] and draft["indicators"][0]["narrative"]


def _timed(fn):
    t = time.monotonic()
    out = fn()
    return out, time.monotonic() - t


# --- the Chroma server lost mid-session ------------------------------------------------------

ASK = "教育费附加按什么比例计征？"  # 征收教育费附加的暂行规定 第三条: 3%
LAW = ROOT / "corpus" / "laws" / "征收教育费附加的暂行规定(2011-01-08).md"


def _health(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url + "health", timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.slow
def test_losing_the_chroma_server_gives_a_clear_message_and_recovers(tmp_path):
    from gradio_client import Client

    from evals.load_test import ChromaServer, app_env, chanjiao, start_app

    chroma = ChromaServer(tmp_path / "chroma").start()
    app = None
    try:
        env = app_env(tmp_path, chroma)
        index = tmp_path / "index"
        done = chanjiao(["ingest", str(LAW), "--index", str(index), "--quiet"], env)
        assert done.returncode == 0, done.stderr
        app = start_app(index, env)
        c = Client(app.url, verbose=False)
        ok = c.predict(ASK, "", "[]", api_name="/ask")
        assert ok["status"] == "answered" and "3%" in ok["answer"]

        chroma.stop()
        t = time.monotonic()
        lost = c.predict(ASK, "", "[]", api_name="/ask")
        assert time.monotonic() - t < 15
        assert "索引服务器" in lost["error"] and "unreachable" in lost["error"], lost
        assert "Traceback" not in lost["error"] and "Errno" not in lost["error"]
        found = c.predict("教育费附加", "", 5, api_name="/search")
        assert "索引服务器" in found["error"]
        status, health = _health(app.url)
        assert status == 503 and health["status"] == "unavailable"
        # The chat on the page says the same, in the conversation.
        job = c.submit(ASK, [], api_name="/chat")
        shown = job.result(timeout=60)[0]
        last = json.dumps(shown[-1]["content"], ensure_ascii=False)
        assert "索引服务器" in last and "unreachable" in last
        # The command line: one line, exit 2, no traceback.
        cli = chanjiao(["ask", ASK, "--index", str(index)], env, timeout=120)
        assert cli.returncode == 2 and "索引服务器" in cli.stderr
        assert "Traceback" not in cli.stderr

        chroma.start()  # same port, same data
        back = time.monotonic()
        while True:
            again = c.predict(ASK, "", "[]", api_name="/ask")
            if "error" not in again or time.monotonic() - back > 60:
                break
            time.sleep(0.5)
        recovered = time.monotonic() - back
        assert again.get("status") == "answered" and "3%" in again["answer"], again
        assert recovered < 30
        assert _health(app.url)[0] == 200
        print(f"\nrecovered {recovered:.1f} s after the Chroma server was back")
    finally:
        if app is not None:
            app.stop()
        chroma.stop()


def test_a_lost_server_becomes_a_store_error_and_the_collection_is_fetched_again():
    """The guard around a server's collections, with a stand-in client."""
    from ingest.store import StoreError, StoreUnavailableError, _Guarded

    class TransportError(Exception):  # the name httpx gives its network failures
        pass

    class ConnectError(TransportError):
        pass

    class Collection:
        def __init__(self, name, up):
            self.name, self.up = name, up

        def count(self):
            if not self.up[0]:
                raise ConnectError("[Errno 111] Connection refused")
            return 7

        def get(self, ids):
            raise ValueError("a bad request is not an outage")

    up = [True]
    fetched = []
    emptied = [False]  # a server restarted over another (empty) data folder

    class Client:
        def get_collection(self, name, embedding_function=None):
            if not up[0]:
                raise ConnectError("refused")
            if emptied[0]:
                raise LookupError(f"Collection {name} does not exist")
            fetched.append(name)
            return Collection(name, up)

    col = _Guarded(Client(), Collection("x_chunks", up), "127.0.0.1:9")
    assert col.count() == 7 and col.name == "x_chunks"
    with pytest.raises(ValueError):
        col.get(ids=["a"])  # other errors pass through unchanged
    up[0] = False
    for _ in range(2):
        with pytest.raises(StoreUnavailableError) as e:
            col.count()
        assert "127.0.0.1:9" in str(e.value) and "unreachable" in str(e.value)
    up[0] = True
    assert col.count() == 7 and fetched == ["x_chunks"]  # fetched again once, then used
    up[0] = False
    with pytest.raises(StoreUnavailableError):
        col.count()
    up[0], emptied[0] = True, True
    with pytest.raises(StoreError) as e:
        col.count()
    assert "x_chunks" in str(e.value) and "missing" in str(e.value)


def test_cli_names_an_unreachable_chroma_server(tmp_path):
    from evals.load_test import free_port

    env = {
        "PATH": "/usr/bin:/bin",
        "CHROMA_HOST": "127.0.0.1",
        "CHROMA_PORT": str(free_port()),
        "XDG_DATA_HOME": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "status"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2 and "索引服务器" in done.stderr and "unreachable" in done.stderr
    assert "Traceback" not in done.stderr


# --- the upload API the load test feeds the index through -------------------------------------


def test_upload_api_indexes_a_file_for_the_secretariat_only(llm_app):
    import base64

    from gradio_client import Client

    from .webapp import PASSWORDS

    c = Client(llm_app.url, verbose=False)
    tok = {
        role: c.predict(*PASSWORDS[role], api_name="/login")["token"]
        for role in ("member", "secretariat")
    }
    text = "# 上传接口测试文件（示例）\n\n上传接口测试编号UP7301的经费为12万元。\n"
    data = base64.b64encode(text.encode()).decode()
    for token in ("", tok["member"], "forged"):
        refused = c.predict("x.md", data, token, "public", api_name="/upload")
        assert refused["kind"] == "RoleError", refused
    bad = c.predict("x.md", "不是base64", tok["secretariat"], "public", api_name="/upload")
    assert "base64" in bad["error"]
    got = c.predict("../../上传接口测试.md", data, tok["secretariat"], "member", api_name="/upload")
    assert got["status"] == "indexed" and got["chunks"] >= 1, got
    uploads = llm_app.service.uploads
    assert (uploads / "上传接口测试.md").is_file()  # the name lost its folders
    assert not (uploads.parent.parent / "上传接口测试.md").exists()
    # member-only: a member finds it, a visitor does not
    hits = c.predict("UP7301", tok["member"], 3, api_name="/search")["results"]
    assert any("UP7301" in h["text"] for h in hits)
    anon = c.predict("UP7301", "", 3, api_name="/search")["results"]
    assert not any("UP7301" in h["text"] for h in anon)
