"""Ruled tables inside PDFs as records, with pdfplumber — the only module that imports it.

A PDF table reaches pypdf's text layer one cell a line, which no reader can put back
together. pdfplumber finds the table from its ruling lines and returns its grid; each data
row then becomes a record "列名：值；…" exactly like a spreadsheet row (`table.py`'s header
and column-name rules), with its page and row:

- cells broken over several lines are joined (no space between Chinese characters);
- merged cells (pdfplumber's `None`) take the value of the cell they are merged with: from
  the left when the merged cell spans columns, from above when it spans rows;
- a table continued on the next page keeps its header: a repeated header row is skipped,
  a page that starts straight with data rows of the same width reuses the last header;
- the page's text outside its tables stays prose; a grid whose header is not mostly Chinese
  labels (a word list laid out in cells) is left as text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..types import Section
from .table import _is_headerish, column_names, find_header

logging.getLogger("pdfminer").setLevel(logging.ERROR)

_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def join_lines(cell: str) -> str:
    """A cell's lines as one: no space where both sides are Chinese, one space elsewhere."""
    parts = [p.strip() for p in cell.split("\n") if p.strip()]
    if not parts:
        return ""
    out = parts[0]
    for p in parts[1:]:
        glue = "" if _CJK.match(out[-1]) or _CJK.match(p[0]) else " "
        out += glue + p
    return out


@dataclass
class TablePage:
    """What one page holds: its records, and its text outside the tables."""

    records: list[Section] = field(default_factory=list)
    text: str = ""


@dataclass
class _Carry:
    """The header of the last table seen, for a table continued on the next page."""

    names: list[str] = field(default_factory=list)
    header_rows: list[list[str]] = field(default_factory=list)
    heading: str = ""


def _fill_merged(grid: list[list[str | None]], table) -> list[list[str]]:
    """Give every merged position its cell's value (left for column spans, above for rows)."""
    rows_geo = getattr(table, "rows", None)
    out: list[list[str]] = []
    for r, row in enumerate(grid):
        filled: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                filled.append(join_lines(cell))
                continue
            from_left = c > 0 and _spans_right(rows_geo, r, c)
            if from_left or r == 0:
                filled.append(filled[c - 1] if c > 0 else "")
            else:
                above = out[r - 1]
                filled.append(above[c] if c < len(above) else "")
        out.append(filled)
    return out


def _spans_right(rows_geo, r: int, c: int) -> bool:
    """Whether the nearest real cell to the left of (r, c) reaches over column c."""
    try:
        cells = rows_geo[r].cells
        left = next(cells[k] for k in range(c - 1, -1, -1) if cells[k] is not None)
        col_x0 = min(
            row.cells[c][0] for row in rows_geo if c < len(row.cells) and row.cells[c] is not None
        )
        return left[2] > col_x0 + 1
    except (StopIteration, ValueError, IndexError, TypeError, AttributeError):
        return False


def _record(names: list[str], cells: list[str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A data row as "列名：值；…" and its (name, value) pairs — as `table.rows_to_records`."""
    pairs = list(
        dict.fromkeys(
            (names[c] if c < len(names) else f"第{c + 1}列", v) for c, v in enumerate(cells) if v
        )
    )
    if not pairs:
        return "", ()
    if len(pairs) == 1 and len(cells) > 2:
        return pairs[0][1], tuple(pairs)  # a note or sub-title inside a wide table
    return "；".join(f"{k}：{v}" for k, v in pairs), tuple(pairs)


def _norm(cells: list[str]) -> list[str]:
    return ["".join(c.split()) for c in cells]


def _line_above(page, top: float) -> str:
    """The last line of text just above a table: its caption, if it has one."""
    try:
        band = page.crop((0, max(0, top - 60), page.width, top))
        lines = [ln.strip() for ln in (band.extract_text() or "").splitlines() if ln.strip()]
    except ValueError:
        return ""
    if not lines:
        return ""
    line = "".join(lines[-1].split())
    # A caption is short and is not the end of a sentence of the prose above.
    return line if len(line) <= 40 and not line.endswith(("。", "；", "，", "：", ".", ";")) else ""


def _table_records(
    grid: list[list[str]], page_no: int, carry: _Carry, caption: str, row_base: int
) -> list[Section]:
    grid = [r for r in grid if any(r)]
    if not grid:
        return []
    width = max(len(r) for r in grid)
    # A page that repeats the header (or starts with data of the same width) continues it.
    if carry.names and len(carry.names) == width:
        header = [_norm(h) for h in carry.header_rows]
        skip = 0
        while skip < len(grid) and _norm(grid[skip]) in header:
            skip += 1
        if skip or not _is_headerish(grid[0]):
            return _rows(grid[skip:], skip, carry, page_no, row_base)
    start, span, title = find_header(grid)
    if span == 0:
        return []
    names = column_names(grid, start, span)
    if sum(1 for n in names if _CJK.search(n)) * 2 < len(names):
        # Not a table of labelled columns (a word list laid out in a grid, say): the page
        # keeps its text.
        carry.names = []
        return []
    carry.names = names
    carry.header_rows = grid[start : start + span]
    carry.heading = title or caption or carry.heading
    return _rows(grid[start + span :], start + span, carry, page_no, row_base)


def _rows(rows, offset: int, carry: _Carry, page_no: int, row_base: int) -> list[Section]:
    out = []
    for i, cells in enumerate(rows):
        text, pairs = _record(carry.names, cells)
        if not text:
            continue
        out.append(
            Section(
                text=text,
                page=page_no,
                row=row_base + offset + i + 1,
                kind="record",
                heading=carry.heading,
                fields=pairs,
            )
        )
    return out


def extract_tables(path: Path, numbers: list[int] | None = None) -> dict[int, TablePage]:
    """Records and outside-table text of every page (1-based) of `path` that has a table.

    Pages without a table are absent: their text is read from the text layer as before.
    A table must have at least two columns and a header with a data row under it.
    """
    import pdfplumber

    out: dict[int, TablePage] = {}
    carry = _Carry()
    wanted = set(numbers) if numbers is not None else None
    last = 0
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if wanted is not None and number not in wanted:
                continue
            if number != last + 1:
                carry.names = []  # a table runs over into the next page only
            last = number
            try:
                tables = [t for t in page.find_tables() if t.bbox and len(t.rows) >= 2]
            except Exception:  # one malformed page must not lose the document's tables
                tables = []
            records: list[Section] = []
            kept = []
            row_base = 0
            for t in tables:
                grid = t.extract()
                if not grid or max(len(r) for r in grid) < 2:
                    continue
                rows = _fill_merged(grid, t)
                got = _table_records(rows, number, carry, _line_above(page, t.bbox[1]), row_base)
                if got:
                    records += got
                    kept.append(t.bbox)
                    row_base = got[-1].row or row_base
            if not kept:
                carry.names = []  # a page without a table ends any table running over
                page.close()
                continue

            def outside(obj, boxes=tuple(kept)) -> bool:
                x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
                y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            text = page.filter(outside).extract_text() or ""
            out[number] = TablePage(records=records, text=text)
            page.close()
    return out
