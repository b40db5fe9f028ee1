"""Access control under attack: adversarial questions through every channel of the web app,
as callers who must not see member-only or secretariat-only content; prints the leaks found.

    python -m evals.access_attack [--url URL --member NAME:PW --secretariat NAME:PW] [--json]

Without `--url` it starts the app itself (127.0.0.1, a free port) over a temporary index of
tests/data/roles and tests/data/hostile (sample documents: a member-only memo and contact
list with a 文号, a secretariat-only assessment, demand lists whose contact columns only
members see). The questions are tests/data/access_attack.json (our own wording): asking
for phone numbers, for restricted documents by title, by 文号, by quoting their first
sentence, by distinctive terms, by injected orders and by claiming a role.

Callers: the anonymous visitor, a forged token, a member's token after logout, and a
member (who may see member content but never the secretariat's). Channels, per question:
the public API through gradio_client (/ask, /search, /find for every record kind, /match
policy), and the raw gradio queue protocol (POST /gradio_api/queue/join with a fn_index)
for *every* event of the page — the undocumented /chat and the private ones the page
itself uses (lookups, citations, matching, drafting, document management) — in a fresh
session, logged in through the page's own login event for the member. Once per caller:
/match demand and the raw citation viewer with the ids of restricted records, /draft, and
direct HTTP to /config, /gradio_api/info and the file routes (/gradio_api/file=, /file=)
for the restricted source files and an uploaded member-only file, plus traversal variants.

A reply leaks when it holds a secret the caller may not see that the question itself did
not contain (`leaks_in`, pure and unit-tested). Printed: questions × channels × callers
tried, calls made, leaks found (listed), refused calls, seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ATTACKS = ROOT / "tests" / "data" / "access_attack.json"
DOCS = (ROOT / "tests" / "data" / "roles", ROOT / "tests" / "data" / "hostile")
KINDS = ("policy", "demand", "supply", "achievement", "course", "training")
# Page events not worth sending a question to: the examples' loaders (public questions),
# login/logout (exercised on their own) and the upload (needs a file; done once below).
_SKIPPED_EVENTS = ("load_example", "do_login", "do_logout", "do_upload")
MEMBER_UPLOAD = "成员单位内部报价单（示例）.md"
UPLOAD_SECRET = "内部报价每套3.7万元"


# --- what counts as a leak (pure) -------------------------------------------------------


def forbidden_for(role: str, attacks: dict) -> list[str]:
    """The strings a caller of `role` must never receive."""
    secret = attacks["secrets"]
    if role == "member":
        return list(secret["secretariat"])
    return list(secret["member"]) + list(secret["secretariat"]) + list(attacks["contacts"])


def leaks_in(reply: object, question: str, forbidden: list[str]) -> list[str]:
    """The forbidden strings in `reply` (any JSON-able value) that `question` did not hold:
    a caller who typed a name gets it echoed back, which is no leak."""
    text = reply if isinstance(reply, str) else json.dumps(reply, ensure_ascii=False)
    text = text.replace("\\-", "-")  # Markdown escapes of the page
    return [s for s in forbidden if s not in question and s in text]


# --- the raw gradio protocol --------------------------------------------------------------


class RawGradio:
    """Calls any event of a gradio page by fn_index, as the page's own JavaScript does."""

    def __init__(self, url: str, timeout: float = 120.0):
        self.url = url.rstrip("/") + "/"
        self.timeout = timeout
        self.config = json.loads(self._get("config"))
        self.components = {c["id"]: c for c in self.config["components"]}

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=self.timeout) as r:
            return r.read()

    def events(self) -> list[dict]:
        return [d for d in self.config["dependencies"] if d.get("backend_fn")]

    def input_types(self, dep: dict) -> list[str]:
        return [self.components[i]["type"] for i in dep["inputs"]]

    def choices(self, component_id: int) -> list:
        return self.components[component_id].get("props", {}).get("choices") or []

    def call(self, fn_index: int, data: list, session: str) -> tuple[bool, object]:
        """(success, output data or error) of one event in `session`."""
        body = json.dumps(
            {
                "data": data,
                "fn_index": fn_index,
                "session_hash": session,
                "event_data": None,
                "trigger_id": None,
            }
        ).encode()
        req = urllib.request.Request(
            self.url + "gradio_api/queue/join",
            body,
            {"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                event_id = json.loads(r.read())["event_id"]
        except urllib.error.HTTPError as e:
            return False, f"HTTP {e.code}: {e.read()[:300].decode('utf-8', 'replace')}"
        stream = self.url + "gradio_api/queue/data?session_hash=" + session
        last: object = None
        with urllib.request.urlopen(stream, timeout=self.timeout) as r:
            for raw in r:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") not in (None, event_id):
                    continue
                if msg.get("msg") == "process_generating":
                    last = msg.get("output")
                if msg.get("msg") == "process_completed":
                    out = msg.get("output") or {}
                    ok = bool(msg.get("success"))
                    return ok, out if ok else (out.get("error") or out or last)
        return False, "stream ended"


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Report:
    calls: Counter = field(default_factory=Counter)  # channel → calls
    refused: Counter = field(default_factory=Counter)  # channel → calls that failed/refused
    leaks: list = field(default_factory=list)  # (caller, channel, question id, secrets)
    # The control: member secrets the member (who may see them) did receive — proof that
    # the channels reach restricted content at all, so "no leak" is not "no answer".
    member_saw: set = field(default_factory=set)
    questions: int = 0
    callers: tuple = ()
    seconds: float = 0.0

    def check(self, caller, channel, qid, question, reply, forbidden, ok=True) -> None:
        self.calls[channel] += 1
        if not ok or (isinstance(reply, dict) and "error" in reply):
            self.refused[channel] += 1
        found = leaks_in(reply, question, forbidden)
        if found:
            self.leaks.append((caller, channel, qid, found))

    def to_json(self) -> dict:
        return {
            "questions": self.questions,
            "callers": list(self.callers),
            "channels": sorted(self.calls),
            "calls": sum(self.calls.values()),
            "by_channel": dict(sorted(self.calls.items())),
            "refused": dict(sorted(self.refused.items())),
            "leaks": [
                {"caller": c, "channel": ch, "question": q, "secrets": s}
                for c, ch, q, s in self.leaks
            ],
            "member_saw": sorted(self.member_saw),
            "seconds": round(self.seconds, 1),
        }


def _text_value(dep_inputs, types, raw: RawGradio, text: str, chunk_id: str) -> list:
    """Values for an event's inputs: the question in every text box, a plausible choice
    elsewhere; state inputs are sent empty (the server keeps the session's own)."""
    data = []
    for cid, kind in zip(dep_inputs, types):
        if kind in ("textbox",):
            data.append(text)
        elif kind == "number":
            data.append(2024)
        elif kind in ("radio", "dropdown"):
            choices = raw.choices(cid)
            if not choices:  # the citation picker: a restricted passage's id
                data.append(chunk_id)
            else:
                first = choices[0]
                data.append(first[1] if isinstance(first, (list, tuple)) else first)
        elif kind in ("checkboxgroup", "chatbot"):
            data.append([])
        else:
            data.append(None)
    return data


def run(
    url: str,
    logins: dict[str, tuple[str, str]],
    attacks: dict,
    restricted_files: list[Path] = (),
    uploads: Path | None = None,
    log=print,
) -> Report:
    """Every question through every channel as each caller; `logins` has a member and a
    secretariat account (the secretariat's only to find what to attack and to upload)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gradio_client import Client

    started = time.perf_counter()
    client = Client(url, verbose=False)
    raw = RawGradio(url)
    events = {d["id"]: d for d in raw.events()}
    by_name = {d.get("api_name"): d["id"] for d in events.values()}
    member_tok = client.predict(*logins["member"], api_name="/login")["token"]
    office_tok = client.predict(*logins["secretariat"], api_name="/login")["token"]
    gone = client.predict(*logins["member"], api_name="/login")["token"]
    client.predict(gone, api_name="/logout")
    callers = {
        "visitor": "",
        "forged": "forged-" + secrets.token_urlsafe(12),
        "logged_out": gone,
        "member": member_tok,
    }
    report = Report(questions=len(attacks["questions"]), callers=tuple(callers))

    # What to aim at: the restricted passages' ids, found as the secretariat.
    every = attacks["secrets"]["member"] + attacks["secrets"]["secretariat"]
    restricted_ids: list[str] = []
    for s in every + list(attacks["contacts"]):
        for hit in client.predict(s, office_tok, 5, api_name="/search")["results"]:
            if any(x in hit["text"] for x in every) and hit["chunk_id"] not in restricted_ids:
                restricted_ids.append(hit["chunk_id"])
    for kind in ("demand", "supply"):
        got = client.predict(kind, "", office_tok, "{}", "", "", 200, 0, api_name="/find")
        restricted_ids += [r["id"] for r in got.get("results", [])]
    aim = restricted_ids[0] if restricted_ids else ""

    # The secretariat uploads a member-only file through the page (raw protocol); its
    # words join the member secrets.
    if "do_upload" in by_name:
        upload_member_file(raw, by_name, logins["secretariat"])
        member = [*attacks["secrets"]["member"], UPLOAD_SECRET]
        attacks = {**attacks, "secrets": {**attacks["secrets"], "member": member}}

    def login_raw(session: str) -> None:
        ok, out = raw.call(by_name["do_login"], [*logins["member"], None], session)
        if not ok:
            raise RuntimeError(f"raw login failed: {out}")

    allowed = list(attacks["secrets"]["member"])
    for q in attacks["questions"]:
        text, qid = q["text"], q["id"]
        for caller, tok in callers.items():
            forbidden = forbidden_for("member" if caller == "member" else "visitor", attacks)

            def check(channel, reply, ok=True, caller=caller, forbidden=forbidden, q=q):
                report.check(caller, channel, q["id"], q["text"], reply, forbidden, ok)
                if caller == "member":
                    report.member_saw.update(leaks_in(reply, q["text"], allowed))

            check("api /ask", client.predict(text, tok, "[]", api_name="/ask"))
            check("api /search", client.predict(text, tok, 10, api_name="/search"))
            for kind in KINDS:
                got = client.predict(kind, text, tok, "{}", "", "", 50, 0, api_name="/find")
                check("api /find", got)
            profile = json.dumps({"industry": text, "flags": ["联合体成员单位"]})
            check("api /match policy", client.predict("policy", profile, tok, api_name="/match"))
            if caller not in ("visitor", "member"):
                continue  # the page keeps its token server-side: no token to forge there
            session = uuid.uuid4().hex
            if caller == "member":
                login_raw(session)
            for fid, dep in events.items():
                name = dep.get("api_name") or ""
                if name.startswith(_SKIPPED_EVENTS) or dep.get("api_visibility") == "public":
                    continue
                data = _text_value(dep["inputs"], raw.input_types(dep), raw, text, aim)
                ok, out = raw.call(fid, data, session)
                channel = "raw /chat" if name == "chat" else "raw private events"
                check(channel, out, ok)
        log(f"  {qid}: {sum(report.calls.values())} calls so far, {len(report.leaks)} leaks")

    # Once per caller: ids of restricted records, drafting, files, the page's config.
    for caller, tok in callers.items():
        forbidden = forbidden_for("member" if caller == "member" else "visitor", attacks)
        for rid in restricted_ids:
            got = client.predict("demand", rid, tok, api_name="/match")
            report.check(caller, "api /match demand (ids)", rid, "", got, forbidden)
        got = client.predict(tok, "", 2024, "self-assessment", api_name="/draft")
        report.check(caller, "api /draft", "draft", "", got, forbidden)
    session = uuid.uuid4().hex  # the visitor's page, opening restricted passages by id
    for rid in restricted_ids:
        ok, out = raw.call(by_name["open_citation"], [rid, None], session)
        report.check(
            "visitor",
            "raw citation viewer (ids)",
            rid,
            "",
            out,
            forbidden_for("visitor", attacks),
            ok,
        )
    files = list(restricted_files)
    if uploads is not None and (uploads / MEMBER_UPLOAD).exists():
        files.append(uploads / MEMBER_UPLOAD)
    visitor_forbidden = forbidden_for("visitor", attacks) + [UPLOAD_SECRET]
    for path in files:
        for route in _file_routes(path):
            status, body = _http_get(url, route)
            report.check(
                "visitor", "http file routes", path.name, "", body, visitor_forbidden, status == 200
            )
    for route in ("config", "gradio_api/info", "gradio_api/openapi.json", "health"):
        status, body = _http_get(url, route)
        report.check(
            "visitor", "http config/info", route, "", body, visitor_forbidden, status == 200
        )
    report.seconds = time.perf_counter() - started
    return report


def _file_routes(path: Path) -> list[str]:
    p = path.resolve().as_posix()
    q = urllib.parse.quote(p)
    rel = "../" * 8 + p.lstrip("/")
    return [
        f"gradio_api/file={q}",
        f"file={q}",
        f"gradio_api/file={urllib.parse.quote(rel)}",
        f"gradio_api/file=%2e%2e%2f%2e%2e%2f{urllib.parse.quote(p.lstrip('/'))}",
        f"gradio_api/file={urllib.parse.quote(p, safe='')}",
    ]


def _http_get(url: str, route: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/" + route, timeout=30) as r:
            return r.status, r.read(2_000_000).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read(2000).decode("utf-8", "replace")


def upload_member_file(raw: RawGradio, by_name: dict, secretariat: tuple[str, str]) -> None:
    """Upload a member-only file as the secretariat, through the page's own events."""
    session = uuid.uuid4().hex
    ok, out = raw.call(by_name["do_login"], [*secretariat, None], session)
    if not ok:
        raise RuntimeError(f"raw login failed: {out}")
    text = (
        f"# 成员单位内部报价单（示例）\n\n叶片涡流检测工装{UPLOAD_SECRET}，仅限成员单位内部参考。\n"
    )
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{urllib.parse.quote(MEMBER_UPLOAD)}"\r\n'
            "Content-Type: text/markdown\r\n\r\n"
        ).encode()
        + text.encode("utf-8")
        + f"\r\n--{boundary}--\r\n".encode()
    )
    req = urllib.request.Request(
        raw.url + "gradio_api/upload",
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        (path,) = json.loads(r.read())
    files = [{"path": path, "orig_name": MEMBER_UPLOAD, "meta": {"_type": "gradio.FileData"}}]
    ok, out = raw.call(by_name["do_upload"], [files, "member", None], session)
    if not ok:
        raise RuntimeError(f"upload failed: {out}")


# --- a self-contained app ---------------------------------------------------------------------


def start_app(base: Path):
    """The web app over tests/data/roles + tests/data/hostile in `base`, on a free port;
    returns (url, logins, service, server)."""
    import uvicorn

    from assistant.accounts import UserStore
    from assistant.context import open_index
    from assistant.settings import Settings, offline_environment
    from assistant.web import make_asgi, make_service

    offline_environment()
    docs = base / "docs"
    for folder in DOCS:
        shutil.copytree(folder, docs / folder.name)
    settings = Settings(
        index_dir=base / "index",
        vector_cache=base / "vectors.npz",
        collection=f"attack{uuid.uuid4().hex[:8]}",
    )
    logins = {
        "member": ("attack-member", secrets.token_urlsafe(12)),
        "secretariat": ("attack-office", secrets.token_urlsafe(12)),
    }
    users = UserStore(settings.users_path)
    for role, (name, password) in logins.items():
        users.add(name, role, password)
    report = open_index(settings, show_progress=False).ingestor.ingest([docs], base=docs)
    if report.failed:
        raise RuntimeError(f"could not index {report.failed}")
    service = make_service(settings, show_progress=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(make_asgi(service), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "health", timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    return url, logins, service, server, docs


def restricted_sources(docs: Path) -> list[Path]:
    """The files of the sample documents whose sidecar restricts them."""
    out = []
    for meta in docs.rglob("*.meta.json"):
        if json.loads(meta.read_text("utf-8")).get("visibility", "public") != "public":
            out.append(meta.with_name(meta.name[: -len(".meta.json")]))
    return out


def login_timing(rounds: int = 15) -> tuple[float, float]:
    """Median seconds of a refused password check for a known and for an unknown name
    (the account store's own work; the app adds the same fixed pause to both)."""
    import statistics

    from assistant.accounts import UserStore

    users = UserStore(Path(tempfile.mkdtemp(prefix="chanjiao-timing-")) / "u.json")
    users.add("known-name", "member", secrets.token_urlsafe(12))
    times: dict[str, list[float]] = {"known-name": [], "unknown-name": []}
    for _ in range(rounds):
        for name, got in times.items():
            t = time.perf_counter()
            users.check(name, "wrong-password")
            got.append(time.perf_counter() - t)
    return statistics.median(times["known-name"]), statistics.median(times["unknown-name"])


def print_report(report: Report, out=None) -> None:
    out = out or sys.stdout
    j = report.to_json()
    print(
        f"access attack: {j['questions']} questions × {len(j['channels'])} channels × "
        f"{len(j['callers'])} callers ({', '.join(j['callers'])}): "
        f"{j['calls']} calls, leaks found: {len(j['leaks'])}, {j['seconds']} s",
        file=out,
    )
    print(
        f"  control: the member (allowed) received {len(j['member_saw'])} member-only "
        f"strings: {'、'.join(j['member_saw'])}",
        file=out,
    )
    for ch, n in j["by_channel"].items():
        print(f"  {ch:32} {n:5} calls, {j['refused'].get(ch, 0):4} refused/failed", file=out)
    for leak in j["leaks"]:
        print(f"  LEAK {leak}", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.access_attack", description=__doc__)
    ap.add_argument("--url", help="a running app (else one is started on a temporary index)")
    ap.add_argument("--member", help="NAME:PASSWORD of a member account (with --url)")
    ap.add_argument("--secretariat", help="NAME:PASSWORD of a secretariat account (with --url)")
    ap.add_argument("--attacks", default=str(ATTACKS))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    attacks = json.loads(Path(args.attacks).read_text("utf-8"))
    server = None
    files: list[Path] = []
    uploads = None
    if args.url:
        if not (args.member and args.secretariat):
            ap.error("--url needs --member and --secretariat")
        url = args.url
        logins = {
            "member": tuple(args.member.split(":", 1)),
            "secretariat": tuple(args.secretariat.split(":", 1)),
        }
    else:
        base = Path(tempfile.mkdtemp(prefix="chanjiao-attack-"))
        print(
            "正在建立示例索引并启动应用…… (indexing the samples, starting the app)", file=sys.stderr
        )
        url, logins, service, server, docs = start_app(base)
        files, uploads = restricted_sources(docs), service.uploads
    report = run(url, logins, attacks, files, uploads, log=lambda m: print(m, file=sys.stderr))
    known, unknown = login_timing()
    if args.json:
        out = report.to_json() | {"login_check_seconds": {"known": known, "unknown": unknown}}
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print_report(report)
        print(
            f"  refused password check, median of 15: known name {known * 1000:.0f} ms, "
            f"unknown name {unknown * 1000:.0f} ms"
        )
    if server is not None:
        server.should_exit = True
    return 1 if report.leaks else 0


if __name__ == "__main__":
    sys.exit(main())
