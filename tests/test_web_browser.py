"""The real page in headless Chromium (Debian's chromium driven by Playwright).

As each role: ask a question and open a citation (passage, file and location shown, source
downloadable), and — where the functions exist — run a lookup with a filter, match a
policy, draft and download a report; as the secretariat, upload a file and get an answer
from it; as a visitor, try to reach restricted content and contact data and fail.
Screenshots of every screen go to build/screenshots/ (test artifacts).
"""

from __future__ import annotations

import importlib.util
import re
import time
import uuid
from pathlib import Path

import pytest

from .conftest import needs_browser
from .webapp import ROOT, open_page_as

SHOTS = ROOT / "build" / "screenshots"

pytestmark = needs_browser


def _missing(module: str) -> bool:
    return importlib.util.find_spec(f"assistant.{module}") is None


@pytest.fixture
def page_as(browser, web_app):
    """A fresh page logged in as the given role (no login for the visitor)."""
    contexts = []

    def open_as(role: str):
        return open_page_as(browser, web_app.url, role, contexts, accept_downloads=True)

    yield open_as
    for ctx in contexts:
        ctx.close()


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def ask(page, question: str) -> str:
    """Type a question, wait for the final (verified) answer, return the chat's text."""
    page.fill("#question textarea", question)
    page.click("#ask-btn")
    page.wait_for_function(
        "() => document.querySelector('#answer-details').innerText.includes('回答方式')"
    )
    return page.inner_text("#chatbot")


def open_first_citation(page, tries: int = 3) -> None:
    """Click the first citation and wait for its passage. The answer's last events may
    still re-render the citation list just after the answer shows (seen once in a full
    suite run under load: the click landed on the list being replaced and nothing
    followed), so an unanswered click is repeated — a reader would click again too."""
    for attempt in range(tries):
        page.locator("#citations label").first.click()
        try:
            page.wait_for_function(
                "() => document.querySelector('#passage').innerText.includes('文件')",
                timeout=15000,
            )
            return
        except Exception:
            if attempt == tries - 1:
                raise


ROLES = ["anonymous", "member", "secretariat"]


@pytest.mark.parametrize("role", ROLES)
def test_ask_and_open_a_citation(page_as, web_app, role, tmp_path):
    page = page_as(role)
    chat = ask(page, "学生岗位实习补贴标准是多少")
    assert "岗位实习" in chat
    details = page.inner_text("#answer-details")
    assert "已回答" in details and "离线摘录式" in details
    open_first_citation(page)
    passage = page.inner_text("#passage")
    assert "成教发〔2023〕27号" in passage and "第" in passage and "页" in passage
    with page.expect_download() as dl:
        page.click("#source-download")
    saved = tmp_path / "source.pdf"
    dl.value.save_as(saved)
    original = next(web_app.docs.rglob("*岗位实习补贴*.pdf"))
    assert saved.read_bytes() == original.read_bytes()
    shot(page, f"chat-{role}")


@pytest.mark.parametrize("role, sees", [("anonymous", False), ("member", True)])
def test_member_only_answers(page_as, role, sees):
    page = page_as(role)
    chat = ask(page, "钛合金焊接联合攻关项目内部结算单价是多少")
    assert ("420" in chat) == sees
    if not sees:
        assert "拒答" in page.inner_text("#answer-details") or "未找到" in chat
        shot(page, "chat-anonymous-refused")


def test_logging_out_forgets_what_the_member_saw(page_as):
    page = page_as("member")
    assert "420" in ask(page, "钛合金焊接联合攻关项目内部结算单价是多少")
    page.get_by_text("登录（成员单位 / 秘书处）").click()
    page.click("#logout-btn")
    page.wait_for_function("() => document.querySelector('#who').innerText.includes('访客')")
    assert "420" not in page.inner_text("#chatbot")
    assert "420" not in ask(page, "那结算单价是多少？")


def test_visitor_sees_no_secretariat_tabs(page_as):
    page = page_as("anonymous")
    assert page.get_by_role("tab", name="文档管理").count() == 0
    assert page.get_by_role("tab", name="自评报告").count() == 0
    member = page_as("member")
    assert member.get_by_role("tab", name="文档管理").count() == 0
    secretariat = page_as("secretariat")
    # the tabs are shown by an update after the login line: wait for it (raises if never)
    secretariat.get_by_role("tab", name="文档管理").wait_for()
    assert secretariat.get_by_role("tab", name="文档管理").count() == 1


def _served(url: str, path: Path) -> int:
    """The HTTP status of gradio's file URL for `path`."""
    import urllib.error
    import urllib.parse
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}gradio_api/file={urllib.parse.quote(str(path))}") as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_upload_a_file_and_get_an_answer_from_it(page_as, web_app, tmp_path):
    from gradio.utils import get_upload_folder

    page = page_as("secretariat")
    page.get_by_role("tab", name="文档管理").click()
    new = tmp_path / f"航模社团活动安排（示例）{uuid.uuid4().hex[:8]}.md"  # unique in /tmp/gradio
    new.write_text(
        "# 航模社团活动安排（示例）\n\n航模社团每周四下午在3号机库开展固定翼航模试飞训练，"
        "指导教师为钟老师。\n",
        "utf-8",
    )
    bad = tmp_path / "坏文件.xyz"
    bad.write_bytes(b"\x00\x01")
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/gradio_api/upload" in r.url
    ) as sent:
        page.set_input_files("#upload-files input[type=file]", [str(new), str(bad)])
    cached = [Path(p) for p in sent.value.json()]  # gradio's copies, served by their URL
    assert len(cached) == 2
    # (gradio may finish moving an upload into place just after answering the POST)
    deadline = time.monotonic() + 15
    while not all(_served(web_app.url, p) == 200 for p in cached):
        assert time.monotonic() < deadline, "gradio never served its cached copies"
        time.sleep(0.2)
    page.click("#upload-btn")
    page.wait_for_function(
        "() => document.querySelector('#upload-results').innerText.includes('已索引')",
        timeout=120000,
    )
    results = page.inner_text("#upload-results")
    assert "航模社团活动安排" in results and "失败" in results  # the bad file says why
    # Handled (one indexed, one refused): gradio's copies are gone and no longer served;
    # the index keeps its own copy in the uploads folder.
    assert not any(p.exists() for p in cached)
    assert all(_served(web_app.url, p) in (403, 404) for p in cached)
    assert not list(Path(get_upload_folder()).rglob(new.name))
    assert (web_app.service.uploads / new.name).is_file()
    page.wait_for_function(
        "() => document.querySelector('#docs-table').innerText.includes('航模社团')"
    )
    shot(page, "documents-secretariat")
    page.get_by_role("tab", name="智能问答").click()
    chat = ask(page, "航模社团在哪里开展试飞训练")
    assert "3号机库" in chat
    # The secretariat restricts it: a visitor can no longer get it, by chat or by search.
    page.get_by_role("tab", name="文档管理").click()
    row = page.locator("#docs-table").get_by_text("航模社团活动安排（示例）").first
    row.click()
    page.wait_for_function(
        "() => document.querySelector('#doc-id textarea, #doc-id input').value.length > 0"
    )
    page.click("#vis-btn")
    page.wait_for_function(
        "() => document.querySelector('#docs-msg').innerText.includes('已将可见范围改为')"
    )
    visitor = page_as("anonymous")
    assert "3号机库" not in ask(visitor, "航模社团在哪里开展试飞训练")


def test_visitor_cannot_reach_contact_data_by_chat(page_as):
    if _missing("lookup"):
        pytest.skip("contact columns leave chunk text with assistant.lookup's records ingest")
    page = page_as("anonymous")
    chat = ask(page, "发动机叶片无损检测需求的联系人电话是多少")
    assert not re.search(r"028-5550|霍工", chat)
    shot(page, "chat-anonymous-contacts")


@pytest.mark.parametrize("role", ROLES)
def test_lookup_with_a_filter(page_as, role):
    if _missing("lookup"):
        pytest.skip("assistant.lookup.find is not on main yet (issue 9)")
    page = page_as(role)
    page.get_by_role("tab", name="查需求").click()
    page.fill("#demand-query textarea, #demand-query input", "叶片")
    page.click("#demand-go")
    page.wait_for_function("() => document.querySelector('#demand-count').innerText.includes('共')")
    table = page.inner_text("#demand-table")
    assert "叶片" in table
    assert bool(re.search(r"028-5550|霍工", table)) == (role != "anonymous")
    # Supply–demand matching from the row: the detail, then the offers that answer it.
    page.locator("#demand-table span").filter(has_text="发动机叶片无损检测").first.click()
    page.wait_for_function(
        "() => document.querySelector('#demand-detail').innerText.includes('需求标题')"
    )
    page.click("#demand-match")
    page.wait_for_function(
        "() => document.querySelector('#demand-match-out').innerText.includes('叶片涡流检测工装')"
    )
    matched = page.inner_text("#demand-match-out")
    assert bool(re.search(r"028-5550|谭老师", matched)) == (role != "anonymous")
    shot(page, f"lookup-demand-{role}")


def test_policy_matching(page_as):
    if _missing("match"):
        pytest.skip("assistant.match.match_policy is not on main yet")
    page = page_as("anonymous")
    page.get_by_role("tab", name="查政策").click()
    page.fill("#profile-industry textarea, #profile-industry input", "航空航天")
    page.click("#policy-match")
    page.wait_for_function(
        "() => document.querySelector('#policy-match-out').innerText.includes('来源')"
    )
    out = page.inner_text("#policy-match-out")
    assert "成经信发〔2025〕9号" in out and re.search("可能符合|需核实|不符合", out)
    assert re.search("【满足】|【不满足】|【待确认】", out)
    # The expired notice is not offered, only named as excluded.
    assert "已排除" in out and "成经信发" in out.split("已排除")[0]
    shot(page, "match-policy")


def test_draft_and_download_a_report(page_as, tmp_path):
    if _missing("draft"):
        pytest.skip("assistant.draft.draft_report is not on main yet")
    page = page_as("secretariat")
    page.get_by_role("tab", name="自评报告").click()
    page.click("#coverage-btn")
    page.wait_for_function(
        "() => document.querySelector('#draft-msg').innerText.includes('年：')", timeout=120000
    )
    matrix = page.inner_text("#coverage-table")
    assert "观测点" in matrix and re.search("达标|未达标|暂无数据", matrix)
    page.fill("#draft-indicators textarea, #draft-indicators input", "1,2")
    page.click("#draft-btn")
    page.wait_for_function(
        "() => document.querySelector('#draft-msg').innerText.includes('已起草')", timeout=120000
    )
    with page.expect_download() as dl:
        page.click("#dl-docx")
    saved = tmp_path / "r.docx"
    dl.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
    with page.expect_download() as dl:
        page.click("#dl-md")
    md = tmp_path / "r.md"
    dl.value.save_as(md)
    assert md.read_text("utf-8").strip()
    preview = page.inner_text("#draft-preview")
    assert "自评报告（草稿）" in preview and len(preview) > 100
    shot(page, "report-secretariat")
