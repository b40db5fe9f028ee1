"""Load test, printed (not asserted): `python -m evals.load_test [--users 24] [--seconds 90]`.

Many simulated users against `chanjiao serve` on 127.0.0.1 while files are uploaded and
indexed, in two set-ups:

- **embedded**: one app over a private embedded index. An embedded Chroma index belongs to
  one process (its vectors live in that process's memory and are written by it), so the
  new files go in through the running app's `/upload` API — the app is the only writer;
- **server**: a Chroma server started here (`chroma run` on a free port) shared by two app
  processes; users are spread over both, files are uploaded through the first, and every
  upload is then looked for through the second (how long until the other process sees it).

Each user logs in (a member; every fifth one the secretariat) and loops over asking,
looking up (`/find`), matching (`/match`), searching and — the secretariat — drafting
(`/draft`). Every reply is checked: zero errors is the target, and answers are spot-checked
against facts computed here from the source files (record counts read from the XLSX/CSV
with openpyxl/csv; passages that must hold a given string), never from `evals/*.jsonl`.
Printed: users, duration, requests, errors, failed checks, p50/p95 latency per operation
(queueing included: the app answers two requests at a time), upload→searchable latency.

`--quick` indexes a part of the corpus (lists, policies, the standard's evidence) instead
of all of it, for the slow test (tests/test_load.py). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import metrics as m

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
# The part of the corpus `--quick` indexes: every list, the policies the checks ask about,
# and the evidence the self-assessment draws on (kept small: no large scanned PDFs).
QUICK_PATHS = (
    "corpus/courses",
    "corpus/achievements",
    "corpus/supply-demand",
    "corpus/training",
    "corpus/reports",
    "corpus/policies/成都青羊经开区人才安居支持办法（示例）.html",
    "corpus/policies/青财发〔2025〕6号 产教融合税费优惠政策指引（示例）.docx",
    "corpus/policies/成经信发〔2025〕9号 支持航空航天企业深化产教融合若干措施（示例）.html",
    "corpus/laws/征收教育费附加的暂行规定(2011-01-08).md",
)
PASSWORD = "load-test-pass-1"
SECRETARIAT = "loadtest-mishu"
MEMBER = "loadtest-member"

# Questions of our own, each with a string its answer (or a cited passage) must hold — read
# off the source documents named beside them.
ASKS = (
    # 成都青羊经开区人才安居支持办法 第五条
    ("经开区的B类人才如果不住人才公寓，安家补贴给多少？", "50万元"),
    # 同办法 第七条（二）
    ("在经开区租房的硕士研究生每月能领多少租房补贴？", "1200元"),
    # 征收教育费附加的暂行规定 第三条
    ("教育费附加按什么比例计征？", "3%"),
    # 青财发〔2025〕6号 二、享受方式
    ("产教融合税费优惠需要事先审批才能享受吗？", "无需事先审批"),
)
# A policy the matcher must offer an aerospace enterprise (its notice is addressed to them).
MATCH_PROFILE = {"industry": "航空航天"}
MATCH_EXPECT = "成经信发〔2025〕9号"
MATCH_DEMAND = "XQ-2024-001"  # the first row of the 技术需求 sheet


# --- known answers, computed from the source files --------------------------------------------


def _sheet_rows(path: Path) -> list[dict]:
    """Every data row of every sheet of a list workbook, by its lowest header row's names.

    The lists have a title row, a note row, then one or two header rows; the data start at
    the first row whose first cell is filled after a header row that names 序号/编号.
    """
    import openpyxl

    out = []
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        start = next(i for i, r in enumerate(rows) if r and r[0] in ("序号", "编号"))
        header = rows[start]
        if rows[start + 1][0] is None:  # a two-row header: names in the second row
            header = [b or a for a, b in zip(header, rows[start + 1])]
            start += 1
        for r in rows[start + 1 :]:
            if r and r[0] is not None and any(v is not None for v in r[1:]):
                out.append({str(h): v for h, v in zip(header, r) if h})
    return out


def _csv_rows(path: Path, encoding: str) -> list[dict]:
    with path.open(encoding=encoding, newline="") as f:
        rows = list(csv.reader(f))
    start = next(i for i, r in enumerate(rows) if r and r[0] in ("序号", "编号"))
    return [dict(zip(rows[start], r)) for r in rows[start + 1 :] if r and r[0].strip()]


def _number(v) -> float | None:
    try:
        return float(str(v).strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class FindCheck:
    """A `/find` request and the count it must report, computed from the files."""

    kind: str
    where: tuple[str, ...]  # FIELD=VALUE / FIELD>=VALUE, as `chanjiao find --where`
    total: int


def find_checks() -> list[FindCheck]:
    courses = _sheet_rows(CORPUS / "courses" / "示例-开放课程目录-2025-2026学年.xlsx")
    courses += _csv_rows(CORPUS / "courses" / "示例-成都工业职业技术学院开放课程-GBK.csv", "gbk")
    long_courses = sum(1 for r in courses if (_number(r.get("学时")) or 0) >= 64)
    results = _sheet_rows(CORPUS / "achievements" / "示例-成果清单-2023-2025.xlsx")
    patents = sum(1 for r in results if "发明专利" in str(r.get("成果类型") or ""))
    trainings = _sheet_rows(CORPUS / "training" / "示例-培训清单-2025-2026.xlsx")
    big = sum(1 for r in trainings if (_number(r.get("人数")) or 0) >= 40)
    return [
        FindCheck("course", ("学时>=64",), long_courses),
        FindCheck("achievement", ("成果类型=发明专利",), patents),
        FindCheck("training", ("人数>=40",), big),
    ]


def _where_arg(where: tuple[str, ...]) -> str:
    """The API's `where` JSON: a list of FIELD op VALUE strings (a dict means only `=`)."""
    return json.dumps(list(where), ensure_ascii=False)


# --- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited at start ({proc.args[:3]})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds:.0f} s")


def stop(proc: subprocess.Popen | None, timeout: float = 15) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


class ChromaServer:
    """`chroma run` on 127.0.0.1 over one data folder; stop and start again on the same port."""

    def __init__(self, path: Path, port: int | None = None):
        self.path = path
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> ChromaServer:
        exe = Path(sys.executable).with_name("chroma")
        cmd = [str(exe) if exe.exists() else "chroma", "run", "--path", str(self.path)]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port)]
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        _wait_port(self.port, self.proc, timeout)
        return self

    def stop(self) -> None:
        stop(self.proc)
        self.proc = None


def app_env(work: Path, chroma: ChromaServer | None = None) -> dict:
    """The environment of every chanjiao process of one run: private caches, no LLM."""
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(work / "data"),
        "CHANJIAO_VECTOR_CACHE": str(work / "vectors.npz"),
        "CHANJIAO_OCR_CACHE": str(work / "ocr.json"),
        "CHANJIAO_CONVERT_CACHE": str(work / "converted"),
        "CHANJIAO_COLLECTION": "loadtest",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    for var in ("CHANJIAO_LLM_MODEL", "CHROMA_HOST", "CHROMA_PORT", "CHANJIAO_INDEX"):
        env.pop(var, None)
    if chroma is not None:
        env["CHROMA_HOST"], env["CHROMA_PORT"] = "127.0.0.1", str(chroma.port)
    return env


def chanjiao(args: list[str], env: dict, stdin: str | None = None, timeout: float = 1800):
    """Run one `chanjiao` command to completion."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def prepare(index: Path, env: dict, quick: bool) -> float:
    """Index the corpus (or its quick part) and add the two accounts; seconds taken."""
    t = time.perf_counter()
    paths = [str(ROOT / p) for p in QUICK_PATHS] if quick else [str(CORPUS)]
    done = chanjiao(["ingest", *paths, "--index", str(index), "--quiet"], env)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"ingest failed: {done.stderr[-500:]}")
    for name, role in ((SECRETARIAT, "secretariat"), (MEMBER, "member")):
        made = chanjiao(["user", "add", name, "--role", role, "--index", str(index)], env, PASSWORD)
        if made.returncode != 0:
            raise RuntimeError(f"user add failed: {made.stderr[-300:]}")
    return time.perf_counter() - t


@dataclass
class App:
    proc: subprocess.Popen
    url: str
    ready: float

    def stop(self) -> None:
        stop(self.proc)


def start_app(index: Path, env: dict, timeout: float = 600) -> App:
    """`chanjiao serve` on a free port; returns once /health answers."""
    port = free_port()
    t = time.perf_counter()
    log = open(Path(tempfile.gettempdir()) / f"chanjiao-load-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--index", str(index)]
        + ["--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chanjiao serve exited; see {log.name}")
        try:
            with urllib.request.urlopen(url + "health", timeout=2) as r:
                if r.status == 200:
                    return App(proc, url, time.perf_counter() - t)
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError("chanjiao serve did not become ready")


def client(url: str):
    """A gradio_client for one user. Its default 5 s timeout on fetching the page's config
    is a client-side limit a browser does not have; under load it fails before the app
    does, so it is raised here (requests themselves have no client timeout)."""
    from gradio_client import Client

    return Client(url, verbose=False, httpx_kwargs={"timeout": 120})


# --- the simulated users ----------------------------------------------------------------------


@dataclass
class Tally:
    """Every request's latency by operation, errors and failed checks (thread-safe)."""

    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: list = field(default_factory=list)
    wrong: list = field(default_factory=list)
    visible_after: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, op: str, seconds: float, error: str = "", wrong: str = "") -> None:
        with self.lock:
            self.latencies[op].append(seconds)
            if error:
                self.errors.append(f"{op}: {error}")
            if wrong:
                self.wrong.append(f"{op}: {wrong}")

    @property
    def requests(self) -> int:
        """Requests made while the clock ran (logins before it are not counted)."""
        return sum(len(v) for k, v in self.latencies.items() if k not in ("connect", "login"))


def _call(c, tally: Tally, op: str, *args, api_name: str, check=None):
    """One API call, timed and checked; never raises (a failure is tallied)."""
    t = time.perf_counter()
    try:
        reply = c.predict(*args, api_name=api_name)
    except Exception as e:  # gradio_client raises AppError etc.: an error, tallied
        tally.record(op, time.perf_counter() - t, error=f"{type(e).__name__}: {e}"[:300])
        return None
    seconds = time.perf_counter() - t
    if not isinstance(reply, dict) or "error" in reply:
        tally.record(op, seconds, error=json.dumps(reply, ensure_ascii=False)[:300])
        return None
    wrong = check(reply) if check else ""
    tally.record(op, seconds, wrong=wrong or "")
    return reply


def _check_ask(expected: str):
    def check(reply: dict) -> str:
        said = reply.get("answer", "") + "".join(c.get("quote", "") for c in reply["citations"])
        if reply.get("status") != "answered" or expected not in said.replace("％", "%"):
            return f"{reply.get('question')!r}: {expected!r} not in the answer ({reply['status']})"
        return ""

    return check


def _check_find(fc: FindCheck):
    def check(reply: dict) -> str:
        got = reply.get("total")
        return "" if got == fc.total else f"{fc.kind} {fc.where}: total {got}, source {fc.total}"

    return check


def _check_match(reply: dict) -> str:
    titles = json.dumps(reply.get("matches", []), ensure_ascii=False)
    return "" if MATCH_EXPECT in titles else f"{MATCH_EXPECT} not offered"


def _check_draft(reply: dict) -> str:
    inds = reply.get("indicators", [])
    if not inds or not all(i.get("narrative") for i in inds):
        return "draft without narrative"
    return ""


class Clock:
    """The load phase's start: set once every user has logged in (logins and page loads
    are timed apart, as "login"), so the phase measures users at work, not arriving."""

    def __init__(self, parties: int, seconds: float):
        self.seconds = seconds
        self.until = 0.0
        # The action runs once, when the last party arrives and before any is released.
        self._ready = threading.Barrier(parties + 1, action=self._begin)

    def _begin(self) -> None:
        self.until = time.monotonic() + self.seconds

    def ready(self) -> None:
        """Called by each user once logged in; returns when the phase starts."""
        try:
            self._ready.wait(timeout=600)
        except threading.BrokenBarrierError:
            pass

    def start(self) -> None:
        """Wait (in the coordinating thread) until every user is in; the phase then runs."""
        self.ready()
        if not self.until:  # the wait timed out: run with those who made it
            self._begin()

    def running(self) -> bool:
        return time.monotonic() < self.until


def _login(url: str, name: str, tally: Tally):
    """A client (the page's config and API description: "connect") and a session token."""
    t = time.perf_counter()
    c = client(url)
    tally.record("connect", time.perf_counter() - t)
    t = time.perf_counter()
    token = c.predict(name, PASSWORD, api_name="/login")["token"]
    tally.record("login", time.perf_counter() - t)
    return c, token


def user_loop(url: str, n: int, clock: Clock, tally: Tally, finds: list[FindCheck]) -> None:
    """One user: log in, then ask / find / match / search (/ draft) while the clock runs."""
    name = SECRETARIAT if n % 5 == 0 else MEMBER
    try:
        c, token = _login(url, name, tally)
    except Exception as e:
        tally.record("connect", 0.0, error=f"{type(e).__name__}: {e}"[:300])
        clock.ready()
        return
    clock.ready()
    # Users start at different points of the cycle; the secretariat drafts first.
    step = n if name == MEMBER else 4
    while clock.running():
        op = step % 5
        if op == 0:
            q, expected = ASKS[(step // 5 + n) % len(ASKS)]
            _call(c, tally, "ask", q, token, "[]", api_name="/ask", check=_check_ask(expected))
        elif op == 1:
            fc = finds[(step // 5 + n) % len(finds)]
            args = (fc.kind, "", token, _where_arg(fc.where), "", "", 20, 0)
            _call(c, tally, "find", *args, api_name="/find", check=_check_find(fc))
        elif op == 2:
            if step // 5 % 2:
                _call(c, tally, "match", "demand", MATCH_DEMAND, token, api_name="/match")
            else:
                profile = json.dumps(MATCH_PROFILE, ensure_ascii=False)
                _call(
                    c,
                    tally,
                    "match",
                    "policy",
                    profile,
                    token,
                    api_name="/match",
                    check=_check_match,
                )
        elif op == 3:
            _call(c, tally, "search", "实训基地 补贴", token, 5, api_name="/search")
        elif name == SECRETARIAT:
            # one indicator a time, as a secretary drafts section by section
            _call(
                c,
                tally,
                "draft",
                token,
                "8",
                2024,
                "self-assessment",
                api_name="/draft",
                check=_check_draft,
            )
        step += 1


# Seconds an uploaded file may take to be searchable in every app (searches wait in the
# apps' queues behind the users' requests).
VISIBLE_WITHIN = 60.0
UPLOAD_TEXT = """# 压测上传文件{n}（示例）

本文件为负载测试上传的示例文件，非正式公文。

一、压测编号LT{tag}{n:03d}的专项资金为{amount}万元，由联合体秘书处统一管理。

二、本文件自上传之日起施行。
"""


def uploader(
    upload_url: str,
    check_urls: list[str],
    clock: Clock,
    tally: Tally,
    tag: str,
    every: float = 4.0,
) -> int:
    """Upload a new small file every `every` seconds through the first app; then look for
    its unique code through every app until found (how long until each process sees it)."""
    try:
        c, token = _login(upload_url, SECRETARIAT, tally)
        checkers = [_login(url, SECRETARIAT, tally) for url in check_urls]
    finally:
        clock.ready()
    n = 0
    while clock.running():
        n += 1
        code = f"LT{tag}{n:03d}"
        text = UPLOAD_TEXT.format(n=n, tag=tag, amount=10 + n)
        data = base64.b64encode(text.encode("utf-8")).decode()
        sent = time.perf_counter()
        reply = _call(
            c,
            tally,
            "upload",
            f"压测上传-{tag}-{n:03d}.md",
            data,
            token,
            "public",
            api_name="/upload",
            check=lambda r: "" if r.get("status") == "indexed" else f"upload: {r}",
        )
        if reply is None:
            continue
        for cc, tok in checkers:
            deadline = time.monotonic() + VISIBLE_WITHIN
            while True:
                got = cc.predict(code, tok, 5, api_name="/search")
                results = got.get("results", [])
                if any(code in r.get("text", "") for r in results):
                    tally.visible_after.append(time.perf_counter() - sent)
                    break
                if time.monotonic() > deadline:
                    top = [r.get("source", "") for r in results[:3]]
                    with tally.lock:
                        tally.wrong.append(
                            f"upload: {code} not in the top 5 after {VISIBLE_WITHIN:.0f} s "
                            f"(top: {top})"
                        )
                    break
                time.sleep(0.25)
        time.sleep(max(0.0, every - (time.perf_counter() - sent)))
    return n


def run_load(
    urls: list[str], users: int, seconds: float, tag: str, finds: list[FindCheck]
) -> tuple[Tally, float, int]:
    """`users` users spread over `urls`, plus one uploader, for `seconds`."""
    tally = Tally()
    clock = Clock(users + 1, seconds)
    threads = [
        threading.Thread(
            target=user_loop, args=(urls[i % len(urls)], i, clock, tally, finds), daemon=True
        )
        for i in range(users)
    ]
    uploads = [0]

    def up():
        try:
            uploads[0] = uploader(urls[0], urls, clock, tally, tag)
        except Exception as e:
            tally.record("upload", 0.0, error=f"{type(e).__name__}: {e}"[:300])

    threads.append(threading.Thread(target=up, daemon=True))
    for th in threads:
        th.start()
    clock.start()  # once everyone has logged in
    t = time.perf_counter()
    for th in threads:
        th.join(timeout=seconds + 600)
    return tally, time.perf_counter() - t, uploads[0]


def report(title: str, tally: Tally, users: int, wall: float, uploads: int) -> list[str]:
    lines = [
        f"{title}: {users} users + 1 uploader, {wall:.0f} s, {tally.requests} requests, "
        f"{len(tally.errors)} errors, {len(tally.wrong)} failed checks, {uploads} files uploaded"
    ]
    for op in ("connect", "login", "ask", "find", "match", "search", "draft", "upload"):
        lat = tally.latencies.get(op, [])
        if lat:
            lines.append(
                f"  {op:<7} n={len(lat):<4} p50 {m.percentile(lat, 50):6.2f} s  "
                f"p95 {m.percentile(lat, 95):6.2f} s  max {max(lat):6.2f} s"
            )
    if tally.visible_after:
        v = tally.visible_after
        lines.append(
            f"  upload→searchable (every app): p50 {m.percentile(v, 50):.2f} s, max {max(v):.2f} s"
        )
    lines += [f"  ERROR {e}" for e in tally.errors[:10]]
    lines += [f"  WRONG {w}" for w in tally.wrong[:10]]
    return lines


@dataclass
class Outcome:
    name: str
    tally: Tally
    users: int
    wall: float
    uploads: int
    lines: list[str]


def embedded_phase(work: Path, users: int, seconds: float, quick: bool) -> Outcome:
    env = app_env(work)
    index = work / "index-embedded"
    prep = prepare(index, env, quick)
    app = start_app(index, env)
    try:
        tally, wall, uploads = run_load([app.url], users, seconds, "E", find_checks())
    finally:
        app.stop()
    lines = [f"embedded index: prepared in {prep:.0f} s, app ready in {app.ready:.1f} s"]
    lines += report("one app, embedded Chroma", tally, users, wall, uploads)
    return Outcome("embedded", tally, users, wall, uploads, lines)


def server_phase(work: Path, users: int, seconds: float, quick: bool) -> Outcome:
    chroma = ChromaServer(work / "chroma-data").start()
    try:
        env = app_env(work, chroma)
        index = work / "index-server"  # holds only the accounts file in server mode
        prep = prepare(index, env, quick)
        apps = [start_app(index, env), start_app(index, env)]
        try:
            urls = [a.url for a in apps]
            tally, wall, uploads = run_load(urls, users, seconds, "S", find_checks())
        finally:
            for a in apps:
                a.stop()
    finally:
        chroma.stop()
    lines = [
        f"Chroma server: prepared in {prep:.0f} s, apps ready in "
        + ", ".join(f"{a.ready:.1f} s" for a in apps)
    ]
    lines += report("two apps, one Chroma server", tally, users, wall, uploads)
    return Outcome("server", tally, users, wall, uploads, lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=24, help="concurrent users (default 24)")
    parser.add_argument("--seconds", type=float, default=90, help="length of each phase")
    parser.add_argument("--quick", action="store_true", help="index part of the corpus only")
    parser.add_argument("--only", choices=("embedded", "server"), help="run one of the two set-ups")
    args = parser.parse_args(argv)
    from assistant.settings import offline_environment

    offline_environment()
    ok = True
    with tempfile.TemporaryDirectory(prefix="chanjiao-load-") as tmp:
        for name, phase in (("embedded", embedded_phase), ("server", server_phase)):
            if args.only and args.only != name:
                continue
            work = Path(tmp) / name
            work.mkdir()
            out = phase(work, args.users, args.seconds, args.quick)
            print("\n".join(out.lines), flush=True)
            ok = ok and not out.tally.errors and not out.tally.wrong
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
