"""Cleaning Chinese text the way it arrives from PDFs, Word files and web pages.

Pure functions over strings: join hard line breaks inside sentences, drop page-number lines
and headers/footers repeated on most pages, remove the spaces PDF tools put between CJK
characters, and recognise headings. Also the text-quality checks that tell a garbled text
layer from a real one. No file I/O here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
# Closing marks after which a line break really ends something.
SENTENCE_END = "。！？；：!?;…”’」』）)"

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－·•]\s*\d{1,4}\s*[-—–－·•]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,3}|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)

NUM_ZH = "一二三四五六七八九十百千零〇两"
# (regex, level). Lower level = higher in the outline.
HEADING_PATTERNS: tuple[tuple[re.Pattern, int], ...] = (
    (re.compile(r"^#{1,6}\s+\S"), 0),  # Markdown; level from the hashes, see heading_level
    (re.compile(r"^PART\s*0?\d+\b", re.IGNORECASE), 1),
    (re.compile(rf"^第[{NUM_ZH}\d]+[编部]\s*\S*"), 1),
    (re.compile(rf"^第[{NUM_ZH}\d]+章"), 2),
    (re.compile(rf"^第[{NUM_ZH}\d]+节"), 3),
    (re.compile(rf"^[{NUM_ZH}]+[、．.]\s*\S"), 3),
    (re.compile(rf"^[（(][{NUM_ZH}]+[）)]\s*\S"), 4),
    (re.compile(r"^\d{1,2}[、．.](?!\d)\s*\S"), 5),
    (re.compile(r"^[（(]\d{1,2}[）)]\s*\S"), 6),
)
ARTICLE = re.compile(rf"^第[{NUM_ZH}\d]+条")
MAX_HEADING_CHARS = 40


def normalize_spaces(text: str) -> str:
    """Unify the many kinds of blank and drop zero-width characters."""
    text = text.translate(_ZERO_WIDTH)
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\t", " ")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_SPACE_BETWEEN_CJK = re.compile(
    f"(?<=[{CJK}，。、；：！？（）《》“”])[ ]+(?=[{CJK}，。、；：！？（）《》“”])"
)
_SPACE_CJK_DIGIT = re.compile(f"(?<=[{CJK}])[ ]+(?=[0-9])|(?<=[0-9])[ ]+(?=[{CJK}])")


def squeeze_cjk_spaces(line: str) -> str:
    """Remove spaces PDF extraction puts inside Chinese text ("语 篇 知识", "20 号")."""
    line = _SPACE_BETWEEN_CJK.sub("", line)
    line = _SPACE_CJK_DIGIT.sub("", line)
    return re.sub(r"[ ]{2,}", " ", line).strip()


_BARE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")


def is_page_number(line: str, at_edge: bool = True) -> bool:
    """Whether `line` is a page number. A bare number ("7") counts only at the top or
    bottom of a page (`at_edge`): inside a page it is a table cell ("800")."""
    if not at_edge and _BARE_NUMBER.match(line):
        return False
    return bool(_PAGE_NUMBER.match(line))


def carry_over(pages: list[str], widths: list[int] | None = None) -> list[str]:
    """Move a sentence cut by a page break onto the next page ("企业和科研" | "机构93家…"),
    so that it lands whole in one chunk. The moved fragment is the text after the last
    sentence end or line break of a page whose next page does not open a new block.

    A fragment that looks like a heading stays (a heading at the foot of a page), unless it
    fills a whole line of its page (`widths`, from `page_widths`): then it is a numbered
    item wrapped onto the next page ("（四）职工于…证书可在全国技能人才" | "评价证书查询系统中
    查询。"), the same reading `join_lines` gives a full-width heading-like line inside a page.
    """
    out = list(pages)
    for i in range(len(out) - 1):
        text, nxt = out[i].rstrip(), out[i + 1].lstrip()
        if not text or not nxt or text[-1] in SENTENCE_END or _starts_block(nxt.split("\n", 1)[0]):
            continue
        cut = max(text.rfind("\n"), *(text.rfind(ch) for ch in "。！？；"))
        fragment = text[cut + 1 :]
        width = widths[i] if widths and i < len(widths) else 0
        wrapped = bool(width) and len(fragment) >= 0.9 * width
        if 0 < len(fragment) <= 200 and (heading_level(fragment) is None or wrapped):
            out[i] = text[: cut + 1].rstrip()
            out[i + 1] = fragment + nxt
    return out


# A table-of-contents entry: dot leaders (or a long gap) and a page number at the end.
_TOC_ENTRY = re.compile(r"(?:[.．·•…_]\s*){4,}\s*\d{1,4}\s*$")


def is_toc_entry(line: str) -> bool:
    return bool(_TOC_ENTRY.search(line))


def drop_toc(lines: list[str]) -> list[str]:
    """Remove table-of-contents entries, including the first half of an entry wrapped
    over two lines ("二、…创业补" / "贴……04"). A TOC in the index only competes with
    the sections it lists, and its lines would be taken for headings."""
    toc = [is_toc_entry(ln) for ln in lines]
    keep = []
    for i, line in enumerate(lines):
        if toc[i]:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            toc[i + 1 : i + 2] == [True]
            and not _starts_block(nxt)
            and len(line) <= MAX_HEADING_CHARS
        ):
            continue
        keep.append(line)
    return keep


def heading_level(line: str) -> int | None:
    """The outline level of `line` if it looks like a heading, else None.

    A numbered line that goes on into a long sentence ("1.合作办学。充分发挥…") is a list
    item with a lead-in, not a heading: it is treated as body text so it stays whole.
    """
    s = line.strip()
    if not s:
        return None
    if s.startswith("#"):
        m = re.match(r"^(#{1,6})\s+\S", s)
        return len(m.group(1)) if m else None
    if len(s) > MAX_HEADING_CHARS:
        return None
    if s[-1] in "。；;，,：:":
        return None  # a sentence, or a lead-in to a list ("…减半征收企业所得税：")
    for pattern, level in HEADING_PATTERNS[1:]:
        if pattern.match(s):
            return level
    return None


def is_article(line: str) -> bool:
    """Whether the line opens a numbered article (第X条), a natural chunk boundary."""
    return bool(ARTICLE.match(line.strip()))


def _starts_block(line: str) -> bool:
    s = line.strip()
    return (
        heading_level(s) is not None
        or is_article(s)
        or bool(
            re.match(
                rf"^([{NUM_ZH}]+、|[（(][{NUM_ZH}\d]+[）)]|\d{{1,2}}[、．.](?!\d)|[-*•●]\s)", s
            )
        )
        or bool(re.match(r"^\d{1,2}(?:\.\d{1,2}){1,3}(?![\d.])\D", s))  # 观测点 "1.1.2是否…"
        or s.startswith("|")
    )


def is_table_line(line: str) -> bool:
    """Whether a line is a row of cells set apart by spaces ("4某某产教联合体 某某开发区
    某某学院 某某有限公司"): three to TABLE_CELLS_MAX runs of two characters or more. A
    wrapped sentence has no such gaps; text spaced out character by character has runs of
    one."""
    cells = line.split()
    return (
        3 <= len(cells) <= TABLE_CELLS_MAX
        and all(len(c) >= 2 for c in cells)
        and bool(_CJK_RE.search(line))
    )


TABLE_CELLS_MAX = 12


def typical_width(lines: list[str]) -> int:
    """The length of a full line on this page: what a hard wrap looks like here."""
    lengths = sorted(len(ln.strip()) for ln in lines if len(ln.strip()) > 10)
    if len(lengths) < 3:
        return 0
    return lengths[int(len(lengths) * 0.75)]


def join_lines(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines into paragraphs.

    A line break is kept where the line ends a sentence, is clearly shorter than a full line
    (a title, the last line of a paragraph), the next line opens a heading, an article or a
    list item, the line is itself a heading, or both lines are table rows (`is_table_line`);
    elsewhere the break was a wrap. Chinese joins
    without a space, Latin text with one.
    """
    width = typical_width(lines)
    paragraphs: list[str] = []
    current = ""
    last_line = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(current)
                current = ""
            continue
        if not current:
            current = line
        elif (
            current[-1] in SENTENCE_END
            or (
                heading_level(current) is not None and not (width and len(last_line) >= 0.9 * width)
            )
            or _starts_block(line)
            # one table row after another, however long: rows are not wrapped sentences
            or (is_table_line(last_line) and is_table_line(line))
            or (width and len(last_line) < 0.8 * width)
            or not width
        ):
            paragraphs.append(current)
            current = line
        else:
            # Only Latin words are separated by spaces; a number or a word wrapped
            # mid-way ("60" / "0元") joins without one.
            glue = (
                " " if re.match(r"[A-Za-z]", current[-1]) and re.match(r"[A-Za-z]", line[0]) else ""
            )
            current = current + glue + line
        last_line = line
    if current:
        paragraphs.append(current)
    return paragraphs


def repeated_edge_lines(pages: list[list[str]], edge: int = 2, share: float = 0.5) -> set[str]:
    """Lines standing at the top or bottom of most pages: running headers and footers."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [ln.strip() for ln in lines if ln.strip()]
        edges = set(content[:edge] + content[-edge:])
        counts.update(e for e in edges if len(e) <= 60)
    limit = max(3, int(len(pages) * share))
    return {line for line, n in counts.items() if n >= limit and not is_article(line)}


def repeated_lines(lines: list[str], times: int = 3) -> set[str]:
    """Lines that recur verbatim through one long text: the running header or the repeated
    table header of a PDF extracted as a single text ("序号 一级指标 二级指标 …")."""
    counts = Counter(ln for ln in lines if 6 <= len(ln) <= 60)
    return {
        ln
        for ln, n in counts.items()
        if n >= times
        and heading_level(ln) is None
        and not is_article(ln)
        and ln[-1] not in SENTENCE_END
    }


def page_widths(pages: list[str], squeeze: bool = False) -> list[int]:
    """The width of a full line on each raw page (`typical_width`; 0 when unknown), for
    `carry_over` to tell a wrapped item at a page foot from a heading."""
    fix = squeeze_cjk_spaces if squeeze else (lambda ln: ln.strip())
    return [typical_width([fix(ln) for ln in normalize_spaces(p).split("\n")]) for p in pages]


def clean_pages(pages: list[str], squeeze: bool = False, join: bool = True) -> list[str]:
    """Clean the text of each page of one document; returns one paragraph-joined text per page.

    `join` joins hard-wrapped lines (PDF text, text copied from PDFs); Word and HTML
    paragraphs are real paragraphs and are kept as they are. `squeeze` removes spaces
    between Chinese characters: right for PDF text layers, where they are artefacts of
    glyph placement, wrong for Word or Markdown, where a space after "第一条" was typed on
    purpose.
    """
    fix = squeeze_cjk_spaces if squeeze else (lambda ln: re.sub(r"[ ]{2,}", " ", ln).strip())
    split = [[fix(ln) for ln in normalize_spaces(p).split("\n")] for p in pages]
    noise = repeated_edge_lines(split)
    if len(split) == 1 and join:
        noise |= repeated_lines(split[0])
    cleaned = []
    for lines in split:
        content = [ln for ln in lines if ln]
        edges = set(range(2)) | set(range(len(content) - 2, len(content)))
        kept = drop_toc(
            [
                ln
                for n, ln in enumerate(content)
                if not is_page_number(ln, n in edges) and ln not in noise
            ]
        )
        cleaned.append("\n".join(join_lines(kept) if join else kept))
    return cleaned


def clean_text(text: str) -> str:
    """Clean one stretch of text that has no pages (Word, Markdown, HTML, plain text)."""
    return clean_pages([text])[0]


def _is_bad_char(c: str) -> bool:
    """A code point no Chinese office document is written in: private use, replacement,
    control, Kangxi radicals standing in for ideographs, unassigned, or scripts that only
    appear when a font without a Unicode map is decoded glyph id by glyph id."""
    o = ord(c)
    return (
        0xE000 <= o <= 0xF8FF
        or o == 0xFFFD
        or o < 0x20
        or 0x7F <= o <= 0x9F
        or 0x2E80 <= o <= 0x2FDF
        or 0x0100 <= o <= 0x1DFF
        or 0xA000 <= o <= 0xABFF
        or unicodedata.category(c) == "Cn"
    )


def text_quality(text: str) -> tuple[float, str]:
    """How much of `text` reads as language, and what is wrong when it does not.

    Returns (share of good characters, problem). A text layer made with fonts that lack a
    Unicode map comes out as private-use code points, U+FFFD, unassigned code points or a
    jumble of unrelated scripts; such text would only poison the index. Judged line by
    line too, because a page of table-of-contents leaders can hide ten garbage lines.
    """
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0, "empty"
    bad = sum(1 for c in visible if _is_bad_char(c))
    good_share = 1 - bad / len(visible)
    if good_share < 0.7:
        return good_share, "garbled"
    lines = [ln for ln in text.splitlines() if len(ln.strip()) >= 4]
    bad_lines = 0
    for ln in lines:
        chars = [c for c in ln if not c.isspace() and c not in ".．·…_-—"]
        if chars and sum(1 for c in chars if _is_bad_char(c)) / len(chars) >= 0.4:
            bad_lines += 1
    if lines and bad_lines / len(lines) >= 0.2:
        return good_share, "garbled"
    cjk = len(_CJK_RE.findall(text))
    latin_symbols = sum(1 for c in visible if 0xA0 <= ord(c) <= 0x2FF)
    if cjk == 0 and latin_symbols / len(visible) > 0.3:
        return 1 - latin_symbols / len(visible), "garbled"
    return good_share, ""


def cjk_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    return len(_CJK_RE.findall(text)) / len(visible) if visible else 0.0


def is_foreign(question: str) -> bool:
    """Whether a question is written in another language than Chinese: its letters are
    mostly Latin ones. Digits and punctuation say nothing ("2026年？" is Chinese), and a
    question of neither is not foreign either."""
    cjk = len(_CJK_RE.findall(question))
    latin = sum(1 for c in question if c.isascii() and c.isalpha())
    return latin >= 3 and cjk / (cjk + latin) < 0.3
