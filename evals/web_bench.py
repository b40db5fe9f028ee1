"""The web app's figures, printed (not a timed test): `python -m evals.web_bench`.

- ready time: `chanjiao serve` started on an existing index until /health answers;
- 20 questions submitted at once through the API (`/ask`, gradio_client): all must succeed;
  per-question latency p50/p95 (queueing included: the app answers two at a time);
- first streamed token of an offline answer: the page's chat event (`/chat`), time from
  submitting to the first update that carries answer text, p50 over several questions.

Without `--index`, a temporary index of the bundled corpus is built first (its vectors
ship with the repository) and deleted afterwards; that first start, which bootstraps the
corpus, is timed and printed too.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from . import metrics as m

# Questions of our own about the bundled corpus (kinds of users: enterprise, teacher, office).
QUESTIONS = (
    "企业接收学生岗位实习每月补贴多少钱？",
    "新型学徒制培训补贴怎么申请？",
    "职业技能培训补贴的对象有哪些？",
    "产教融合型企业可以享受哪些税费优惠？",
    "航空航天企业深化产教融合有哪些支持措施？",
    "校企联合研发项目最高资助多少？",
    "人才安居支持办法对住房补贴是怎么规定的？",
    "联合体章程规定理事会多久开一次会？",
    "联合体成员单位有哪些权利和义务？",
    "开放课程目录里有哪些航空维修课程？",
    "职业教育法对企业举办职业教育有什么规定？",
    "教育费附加的征收率是多少？",
    "市域产教联合体的建设目标是什么？",
    "职业院校参与产教联合体建设有哪些措施？",
    "学徒制补贴标准调整后是多少？",
    "技能人才集聚措施对引进高技能人才有什么奖励？",
    "联合体年度工作计划有哪些重点任务？",
    "残疾人就业条例对用人单位有什么要求？",
    "专升本计划招收哪些专业？",
    "企业所得税法对职工教育经费扣除有什么规定？",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(index: Path, port: int, env: dict) -> tuple[subprocess.Popen, float]:
    """Start `chanjiao serve`; seconds until /health answers."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "serve",
            "--port",
            str(port),
        ],
        # As the configured index (not --index), so that a new one bootstraps the corpus.
        env={**env, "CHANJIAO_INDEX": str(index)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/health"
    while True:
        if proc.poll() is not None:
            raise RuntimeError("chanjiao serve exited")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return proc, time.perf_counter() - t
        except OSError:
            time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def concurrent_questions(url: str) -> tuple[int, list[float], float]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    started = time.perf_counter()
    done_at: dict[int, float] = {}
    jobs = []
    for i, q in enumerate(QUESTIONS):
        job = client.submit(q, "", "[]", api_name="/ask")
        # Timed when each one finishes, not when it is collected.
        job.add_done_callback(lambda _, i=i: done_at.__setitem__(i, time.perf_counter()))
        jobs.append(job)
    ok = 0
    for job in jobs:
        reply = job.result(timeout=300)
        ok += isinstance(reply, dict) and "answer" in reply and "error" not in reply
    time.sleep(0.05)  # callbacks run just after the result is set
    latencies = [done_at[i] - started for i in sorted(done_at)]
    return ok, latencies, max(done_at.values()) - started


def first_tokens(url: str, n: int = 8) -> list[float]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    out = []
    for q in QUESTIONS[:n]:
        t0 = time.perf_counter()
        job = client.submit(q, [], api_name="/chat")
        first = None
        while not job.done() or first is None:
            for update in job.outputs():
                shown = update[0] if update else []
                last = shown[-1] if shown else {}
                text = _text(last.get("content")) if isinstance(last, dict) else ""
                if last.get("role") == "assistant" and text and "检索中" not in text:
                    first = time.perf_counter() - t0
                    break
            if first is not None or job.done():
                break
            time.sleep(0.01)
        job.result(timeout=120)
        out.append(first if first is not None else time.perf_counter() - t0)
    return out


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # gradio_client returns message content as parts
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an existing index (default: build one)")
    args = parser.parse_args(argv)
    from assistant.settings import offline_environment

    offline_environment()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    env.pop("CHANJIAO_LLM_MODEL", None)
    with tempfile.TemporaryDirectory(prefix="chanjiao-webbench-") as tmp:
        index = args.index
        if index is None:
            index = Path(tmp) / "index"
            env["CHANJIAO_VECTOR_CACHE"] = str(Path(tmp) / "vectors.npz")
            proc, seconds = start(index, _free_port(), env)
            stop(proc)
            print(f"first start (bootstraps the bundled corpus): {seconds:.1f} s")
        port = _free_port()
        proc, ready = start(index, port, env)
        url = f"http://127.0.0.1:{port}/"
        try:
            print(f"app ready on an existing index: {ready:.1f} s (target ≤ 15 s)")
            ok, lat, wall = concurrent_questions(url)
            print(
                f"{len(QUESTIONS)} concurrent questions via /ask: {ok}/{len(QUESTIONS)} ok, "
                f"p50 {m.percentile(lat, 50):.2f} s, p95 {m.percentile(lat, 95):.2f} s, "
                f"all done in {wall:.1f} s"
            )
            firsts = first_tokens(url)
            print(
                f"first streamed answer text (offline, /chat): p50 "
                f"{m.percentile(firsts, 50):.2f} s, max {max(firsts):.2f} s (target p50 ≤ 1 s)"
            )
        finally:
            stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
