"""Word (.docx) extraction with python-docx — the only module that imports it.

Paragraphs and tables are read in document order. Headings become outline lines the
splitter recognises; each table row becomes a record "列名：值；…" keyed by the header row,
so a question about one row finds that row.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..clean import heading_level
from ..types import Section
from .errors import Loaded, LoadError
from .limits import DEFAULT_LIMITS, LoadLimits, load_office, too_complex
from .table import record_sections

# Single characters each standing alone between spaces; "张三 李四" is left as it is.
_SPACED_CJK = re.compile(r"(?<!\S)[\u4e00-\u9fff](?:[ \u3000]+[\u4e00-\u9fff](?!\S))+")


def _cell_text(cell) -> str:
    text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
    # Names padded for alignment ("市 中 区", "隆 昌 市") are one word, not three.
    return _SPACED_CJK.sub(lambda m: re.sub(r"[ \u3000]+", "", m.group(0)), text)


def _table_rows(table: Table) -> tuple[list[list[str]], set[int]]:
    """The table's grid, a merged cell repeated in every column it spans (as a spreadsheet
    fills merged ranges), and the rows that hold a horizontal merge — a group header
    ("企业职工基本养老" over two columns) is what makes a two-row header recognisable.
    Keeping a merged cell only once would shift every later value under the wrong column.
    """
    rows, merged = [], set()
    for n, row in enumerate(table.rows):
        cells = list(row.cells)
        if any(a._tc is b._tc for a, b in zip(cells, cells[1:])):
            merged.add(n)
        rows.append([_cell_text(cell) for cell in cells])
    return rows, merged


CAPTION_CHARS = 60
QUESTION_CHARS = 80
_QUESTION_LINE = re.compile(r"[？?]$")


def _is_caption(line: str) -> bool:
    """A short line that names what follows, not a sentence or a list item."""
    return (
        len(line) <= CAPTION_CHARS
        and not line.endswith(("。", "；", ";"))
        and heading_level(line) is None  # "（七）…", "1.…": an item of a list
    )


def table_caption(before: list[str]) -> str:
    """What a table is about, from the paragraphs just above it.

    Word tables rarely carry a caption object; what names them is the short line above
    ("专项经费使用情况表", "个人缴费档次及对应的政府缴费补贴为：（单位：元）") and, in the
    question-and-answer handbooks policies are explained in, the question the table answers
    ("问：城乡居民基本养老保险的缴费档次有哪些？"). Each row is searched under this label, so
    a row "档次5；缴费金额：600；政府补贴：60" is found by a question about 养老保险.
    """
    last = before[-3:]
    question = next(
        (p for p in reversed(last) if _QUESTION_LINE.search(p) and len(p) <= QUESTION_CHARS), ""
    )
    short = last[-1] if last and _is_caption(last[-1]) and last[-1] != question else ""
    return " ".join(p for p in (question, short) if p)


def load_docx(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> Loaded:
    return load_office(path, limits, "Word", "docx", "document", _read_docx)


def _read_docx(path: Path, limits: LoadLimits) -> Loaded:
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise LoadError(
            "Word文件损坏或不是.docx", "corrupt .docx", "用Word/WPS打开后另存为.docx"
        ) from e
    sections: list[Section] = []
    prose: list[str] = []
    title = ""
    table_no = 0
    last_heading = ""
    recent: list[str] = []  # paragraphs since the last heading or table
    rows_seen = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if not text:
                continue
            style = (block.style.name or "").lower() if block.style is not None else ""
            if style == "title" and not title:
                title = text
            if style.startswith("heading") or style == "title" or "标题" in style:
                level = "".join(ch for ch in style if ch.isdigit()) or "1"
                last_heading = text
                recent = []
                prose.append("#" * min(int(level), 6) + " " + text if style != "title" else text)
            else:
                prose.append(text)
                recent.append(text)
        elif isinstance(block, Table):
            table_no += 1
            if prose:
                sections.append(Section(text="\n".join(prose)))
                prose = []
            name = f"表{table_no}"
            label = f"{last_heading} {table_caption(recent) or name}".strip()
            recent = []
            grid, merged = _table_rows(block)
            rows_seen += len(grid)
            if rows_seen > limits.max_rows:
                raise too_complex(
                    f"Word表格超过 {limits.max_rows} 行",
                    f"more than {limits.max_rows} table rows",
                    "拆分文件，或调大 CHANJIAO_MAX_ROWS",
                )
            sections += record_sections(grid, merged, name, label)
    if prose:
        sections.append(Section(text="\n".join(prose)))
    if not sections:
        raise LoadError("Word文件中没有文字", "no text in .docx", "确认文件内容")
    head = "\n".join(s.text for s in sections if s.kind == "text")[:3000]
    return Loaded(sections, head_text=head, title=title)
