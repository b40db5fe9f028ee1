"""Text from documents made inert before the web page renders it as Markdown.

Documents and file names are written by others: a title, a passage, a spreadsheet cell or an
uploaded file's name may hold `<script>`, `<img src=x onerror=…>`, a `javascript:` link
written as Markdown, and the like. The page renders answers,
passages, details and drafts as Markdown (gradio's Markdown and Chatbot), so every string
that comes from a document goes through `md_text` first: HTML's three special characters
become entities and Markdown's punctuation is backslash-escaped, so the reader sees exactly
the characters of the document and the browser builds no element, link or formula from
them. gradio's own HTML sanitiser stays on behind this, as a second wall. Pure functions
only; the Markdown the app writes itself (headings, bold labels, lists) is not escaped.
"""

from __future__ import annotations

import re

# HTML first (so the entities written here are not escaped again), then every character
# CommonMark/GFM give a meaning to (":" too, so no bare address becomes a link). A backslash
# before ASCII punctuation always renders as that character. "$$" is left alone: KaTeX,
# which gradio runs on the rendered text, may typeset it but runs no script (trust off).
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = re.compile(r"([\\`*_\[\]()#+!|~:])")
# Line starts that would turn a line into a list item, quote, heading or rule.
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])", re.M)
_LEADING_DASH = re.compile(r"^(\s*)([-=])", re.M)


def md_text(text: object) -> str:
    """`text` shown literally inside Markdown: no HTML, link, image, emphasis or formula
    can be made from it. Line breaks are kept."""
    s = str(text if text is not None else "")
    s = s.replace("&", _HTML["&"]).replace("<", _HTML["<"]).replace(">", _HTML[">"])
    s = _MARKDOWN.sub(r"\\\1", s)
    s = _LINE_START.sub(r"\1\2\\\3", s)
    return _LEADING_DASH.sub(r"\1\\\2", s)


def md_inline(text: object) -> str:
    """`md_text` on one line: line breaks become spaces (for labels, titles, table cells)."""
    return md_text(" ".join(str(text if text is not None else "").split()))


def md_quote(text: object) -> str:
    """`text` as a Markdown block quote, every line escaped."""
    return "\n".join("> " + md_text(line) for line in str(text or "").split("\n"))
