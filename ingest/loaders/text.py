"""Plain text, Markdown and HTML.

Text files arrive in UTF-8 or GBK and often as text copied out of a PDF with hard line
breaks; the cleaner joins those later. HTML pages are reduced to their article: scripts,
navigation, headers and footers of a government website are boilerplate, not content.
The only module that imports BeautifulSoup.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..types import Section
from .encoding import decode_bytes
from .errors import Loaded, LoadError
from .limits import DEFAULT_LIMITS, LoadLimits, check_html_depth

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _check_text_bytes(data: bytes) -> None:
    """NUL bytes are not in text (UTF-16, which has them, is told by its BOM): an image or
    an archive renamed .txt would otherwise be indexed as mojibake."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(
            "不是文本文件（含二进制内容）",
            "binary content, not a text file",
            "确认文件类型和扩展名",
        )


def load_plain(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> Loaded:
    data = path.read_bytes()
    _check_text_bytes(data)
    text = decode_bytes(data)
    if path.suffix.lower() in (".md", ".markdown"):
        text = _HTML_COMMENT.sub("", text)
    if not text.strip():
        raise LoadError("文件中没有文字", "no text", "确认文件内容")
    title = ""
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("# "):
            title = s[2:].strip()
            break
    return Loaded([Section(text=text)], head_text=text[:3000], title=title, wrapped=True)


# Lines of a government article page that are controls, not content.
_PAGE_FURNITURE = re.compile(
    r"^[【\[]?(字号|分享到|打印本页|关闭窗口|扫一扫|收藏|返回顶部|【打印|【关闭)"
)

_BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "section")


def load_html(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> Loaded:
    from bs4 import BeautifulSoup

    data = path.read_bytes()
    _check_text_bytes(data)
    html = decode_bytes(data)
    # Nesting is measured in one linear pass before BeautifulSoup builds its tree.
    check_html_depth(html, limits)
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    for tag in soup.select(
        '[class*="nav"], [class*="footer"], [class*="breadcrumb"], [id*="footer"]'
    ):
        tag.decompose()
    title = ""
    page_title = soup.title.get_text(strip=True) if soup.title else ""
    # The innermost likely container wins: an <article>, then class "article", "content",
    # "main" — in that order, since a "main-wrap" div also holds the page furniture.
    root = soup.find("article")
    for word in ("article", "content", "main"):
        if root is None:
            root = soup.find(class_=re.compile(word))
    root = root or soup.body or soup
    h1 = root.find("h1") or soup.find("h1")
    if h1:
        title = h1.get_text(" ", strip=True)
    for level in range(1, 7):
        for h in root.find_all(f"h{level}"):
            h.insert_before("\n" + "#" * level + " ")
            h.insert_after("\n")
    for tag in root.find_all(_BLOCKS):
        tag.insert_after("\n")
    for cell in root.find_all(["td", "th"]):
        cell.insert_after(" ")
    text = root.get_text("")
    text = "\n".join(
        line.strip() for line in text.splitlines() if not _PAGE_FURNITURE.match(line.strip())
    )
    if not text.strip():
        raise LoadError("网页中没有正文", "no article text in HTML", "确认文件内容")
    return Loaded([Section(text=text)], head_text=text[:3000], title=title or page_title)
