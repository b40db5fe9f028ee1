"""HTML and JavaScript in documents and file names, shown in the real page: escaped, never
executed (headless Chromium, as tests/test_web_browser.py drives it).

The app (`hostile_app` in conftest) indexes documents whose text, title, spreadsheet cells
and column names, and one file's name, carry `<script>`, `<img src=x onerror=…>`, `<svg
onload>`, `<iframe srcdoc>`, `javascript:` links in HTML and in Markdown. Every payload
would set `window.__xss` (one also document.title). After each screen — answer, citation
labels, passage viewer, lookup table, row detail, supply–demand match, document list,
upload results — the page is checked: the flag never set, the title unchanged, no element
built from a payload (no img src=x, no javascript: link, no svg onload, no iframe srcdoc, no
script of ours), and the payload's characters visible as text where it was shown.
"""

from __future__ import annotations

import importlib.util

import pytest

from .conftest import HOSTILE_NAME, needs_browser
from .test_web_browser import shot
from .webapp import open_page_as

pytestmark = needs_browser

PROBE = """() => {
  const links = [...document.querySelectorAll('a[href]')]
    .filter(a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:'));
  const imgs = [...document.querySelectorAll('img')]
    .filter(i => (i.getAttribute('src') || '').replace(/^.*\\//, '') === 'x'
              || i.hasAttribute('onerror'));
  return {
    flag: window.__xss || 0,
    title: document.title,
    links: links.length,
    imgs: imgs.length,
    handlers: document.querySelectorAll('[onload],[onerror],[onclick]').length,
    iframes: document.querySelectorAll('iframe[srcdoc]').length,
    scripts: [...document.scripts].filter(s => s.textContent.includes('__xss')).length,
  };
}"""
CLEAN = {"flag": 0, "links": 0, "imgs": 0, "handlers": 0, "iframes": 0, "scripts": 0}


def assert_inert(page, where: str) -> None:
    page.wait_for_timeout(600)  # an <img onerror> fires after its load fails
    got = page.evaluate(PROBE)
    assert got["title"].startswith("产教通"), (where, got)
    assert {k: got[k] for k in CLEAN} == CLEAN, (where, got)


@pytest.fixture
def open_page(browser, hostile_app):
    contexts = []

    def open_as(role: str):
        return open_page_as(browser, hostile_app.url, role, contexts)

    yield open_as
    for ctx in contexts:
        ctx.close()


def test_answer_citations_and_passage_show_payloads_as_text(open_page):
    page = open_page("anonymous")
    page.fill("#question textarea", "无人机航模展在哪里举办，展期是什么时候")
    page.click("#ask-btn")
    page.wait_for_function(
        "() => document.querySelector('#answer-details').innerText.includes('回答方式')"
    )
    chat = page.inner_text("#chatbot")
    assert "5号机库" in chat
    assert_inert(page, "answer")
    labels = page.inner_text("#citations")
    assert "航模展安排" in labels
    assert_inert(page, "citation labels")
    page.locator("#citations label").filter(has_text="航模展安排").first.click()
    page.wait_for_function("() => document.querySelector('#passage').innerText.includes('文件')")
    passage = page.inner_text("#passage")
    # Shown, character for character, not stripped: the reader sees what the file says.
    assert "<img src=x onerror=" in passage and "javascript:" in passage
    assert "<script>" in passage or "window.__xss=2" in passage
    assert_inert(page, "passage")
    shot(page, "xss-passage")


def test_lookup_table_detail_and_match_show_payloads_as_text(open_page):
    if importlib.util.find_spec("assistant.lookup") is None:
        pytest.skip("assistant.lookup.find is not installed")
    page = open_page("member")  # members see the contact columns too
    page.get_by_role("tab", name="查需求").click()
    page.fill("#demand-query textarea, #demand-query input", "叶片涂层")
    page.click("#demand-go")
    page.wait_for_function("() => document.querySelector('#demand-count').innerText.includes('共')")
    table = page.inner_text("#demand-table")
    assert "叶片涂层检测需求" in table and "onerror" in table
    assert_inert(page, "lookup table")
    page.locator("#demand-table span").filter(has_text="叶片涂层检测需求").first.click()
    page.wait_for_function(
        "() => document.querySelector('#demand-detail').innerText.includes('需求标题')"
    )
    detail = page.inner_text("#demand-detail")
    assert "<img src=x onerror=" in detail and "<b>涡轮叶片</b>" in detail
    assert "[点我](javascript:" in detail  # a Markdown link, shown as typed
    assert_inert(page, "row detail")
    page.click("#demand-match")
    page.wait_for_function(
        "() => document.querySelector('#demand-match-out').innerText.trim().length > 0"
    )
    assert_inert(page, "supply-demand match")
    shot(page, "xss-lookup")


def test_document_list_and_upload_results_show_names_as_text(open_page, tmp_path):
    page = open_page("secretariat")
    page.get_by_role("tab", name="文档管理").click()
    page.wait_for_function(
        "() => document.querySelector('#docs-table').innerText.includes('航模展')"
    )
    docs = page.inner_text("#docs-table")
    assert HOSTILE_NAME.split(">")[0] in docs  # the hostile file name, as text
    assert_inert(page, "document list")
    hostile = tmp_path / '<svg onload="window.__xss=16">上传（示例）.md'
    hostile.write_text(
        "# <img src=x onerror=window.__xss=17>上传的示例\n\n上传测试<script>window.__xss=18</script>。\n",
        "utf-8",
    )
    page.set_input_files("#upload-files input[type=file]", [str(hostile)])
    page.click("#upload-btn")
    page.wait_for_function(
        "() => /已索引|失败/.test(document.querySelector('#upload-results').innerText)",
        timeout=120000,
    )
    assert "上传" in page.inner_text("#upload-results")
    assert_inert(page, "upload results")
    page.wait_for_function(
        "() => document.querySelector('#docs-table').innerText.includes('上传的示例')"
    )
    assert_inert(page, "document list after upload")
    shot(page, "xss-documents")
