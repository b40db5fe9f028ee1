"""A running web app over a small real index, for the API and browser tests.

The index holds real files: the role documents of tests/data/roles (public, member-only,
secretariat-only, a demand list with contact columns) and one bundled policy PDF. Two
accounts exist (a member and the secretariat). The app runs in this process on a free
127.0.0.1 port under uvicorn, as `chanjiao serve` runs it.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROLE_DOCS = ROOT / "tests" / "data" / "roles"
POLICY = "policies/成教发〔2023〕27号 职业院校学生岗位实习补贴（示例）.pdf"
# A notice in force (the one above expired at the end of 2025), for policy matching.
CURRENT_POLICY = "policies/成经信发〔2025〕9号 支持航空航天企业深化产教融合若干措施（示例）.html"
PASSWORDS = {"member": ("chengyuan", "member-pass-1"), "secretariat": ("mishuchu", "secret-pass-1")}


@dataclass
class RunningApp:
    url: str
    service: object
    server: object
    thread: threading.Thread
    docs: Path

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(
    base: Path, vector_cache: Path | None = None, extra_docs: Path | None = None, **overrides
) -> RunningApp:
    """`extra_docs`: a folder indexed beside the role documents (as docs/<its name>);
    `overrides`: further Settings fields."""
    import uvicorn

    from assistant.accounts import UserStore
    from assistant.settings import Settings
    from assistant.web import make_asgi, make_service

    docs = base / "docs"
    shutil.copytree(ROLE_DOCS, docs / "roles")
    if extra_docs is not None:
        shutil.copytree(extra_docs, docs / extra_docs.name)
    (docs / "policies").mkdir(parents=True)
    for rel in (POLICY, CURRENT_POLICY):
        shutil.copy(ROOT / "corpus" / rel, docs / rel)
        shutil.copy(ROOT / "corpus" / (rel + ".meta.json"), docs / (rel + ".meta.json"))
    settings = Settings(
        index_dir=base / "index",
        vector_cache=vector_cache or base / "vectors.npz",
        collection=f"web{uuid.uuid4().hex[:8]}",
        **overrides,
    )
    users = UserStore(settings.users_path)
    for role, (name, password) in PASSWORDS.items():
        users.add(name, role, password)
    # Fill the index first, so make_service finds it non-empty (no corpus bootstrap).
    from assistant.context import open_index

    index = open_index(settings, show_progress=False)
    report = index.ingestor.ingest([docs], base=docs)
    assert not report.failed, report.failed
    service = make_service(settings, show_progress=False)
    service.index.retriever.refresh_seconds = 0.2
    port = _free_port()
    config = uvicorn.Config(make_asgi(service), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        raise RuntimeError("web app did not start")
    return RunningApp(url, service, server, thread, docs)


def open_page_as(browser, url: str, role: str, contexts: list, **context_args):
    """A fresh browser page on the app at `url`, logged in as `role` (no login for the
    visitor); its context is appended to `contexts` for the caller to close."""
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 1000}, locale="zh-CN", **context_args
    )
    contexts.append(ctx)
    page = ctx.new_page()
    page.set_default_timeout(30000)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    if role != "anonymous":
        name, password = PASSWORDS[role]
        page.get_by_text("登录（成员单位 / 秘书处）").click()
        page.fill("#login-name input, #login-name textarea", name)
        page.fill("#login-password input", password)
        page.click("#login-btn")
        page.wait_for_function(
            "n => document.querySelector('#who').innerText.includes(n)", arg=name
        )
    return page
