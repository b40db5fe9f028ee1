"""Spreadsheets and CSV: one record per row, each value labelled with its column name.

A row is rendered "课程名称：数控加工；开课学校：…" so that it reads on its own in a search
result and a citation names its sheet and row. Title rows and two-row merged headers (a
group row above the column names) are recognised. The only module that imports openpyxl.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

from ..records import render_fields
from ..types import Section
from .encoding import detect_encoding
from .errors import Loaded, LoadError
from .limits import DEFAULT_LIMITS, LoadLimits, load_office, too_complex


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if not value.time().hour else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().replace("\n", " ")


def _is_headerish(cells: list[str]) -> bool:
    """Labels, not data: two or more short cells, most without digits ("2024年目标" is a
    label; a row of "200元", "50%", "800元/年" is data)."""
    filled = [c for c in cells if c]
    if len(filled) < 2:
        return False
    with_digits = sum(1 for c in filled if any(ch.isdigit() for ch in c))
    return with_digits < len(filled) / 2 and all(len(c) <= 30 for c in filled)


def find_header(rows: list[list[str]], merged_rows: set[int] = frozenset()) -> tuple[int, int, str]:
    """(first header row index, number of header rows, title) for a table's rows.

    Leading rows with a single filled cell are titles. A header row that holds merged
    group cells and is followed by another header-like row is a two-row header.
    """
    title_parts = []
    i = 0
    while i < len(rows) and sum(1 for c in rows[i] if c) <= 1:
        if any(rows[i]):
            title_parts.append(next(c for c in rows[i] if c))
        i += 1
    if i >= len(rows):
        return i, 0, title_parts[0] if title_parts else ""
    span = 1
    if i + 1 < len(rows) and _is_headerish(rows[i]) and _is_headerish(rows[i + 1]):
        groupish = i in merged_rows or len(set(c for c in rows[i] if c)) < sum(
            1 for c in rows[i] if c
        )
        if groupish:
            span = 2
    # Only the first single-cell row is the title; later ones are subtitles ("编制单位…",
    # "更新日期…") that would otherwise be repeated in every row's heading.
    return i, span, title_parts[0] if title_parts else ""


_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+|\d+|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+)[级类档等]?$")


def _bare(name: str) -> bool:
    """A short leaf that names no field of its own ("普通", "对口" under 招生计划), unlike
    "学时" or "学分" — field names are vocabulary (ingest/vocab/fields.txt)."""
    from ..aliases import is_field_name

    return len(name) <= 2 and not is_field_name(name)


def column_names(rows: list[list[str]], start: int, span: int) -> list[str]:
    """One name per column: the lowest header row's (the leaf: "学时", not "课程基本信息学时"),
    or its group's where it has none.

    Where the leaf names repeat under different groups (参保政策咨询电话 under 企业职工 and
    under 城乡居民), the group is put in front so each column keeps its meaning; so it is
    for a leaf that is only an ordinal ("一", "二" under 伤残等级 mean nothing alone) or a short
    qualifier that is no field name ("普通" under 招生计划).
    """
    width = max(len(r) for r in rows[start : start + span])
    groups, names = [], []
    for col in range(width):
        parts = [rows[r][col] if col < len(rows[r]) else "" for r in range(start, start + span)]
        child = parts[-1]
        group = next((p for p in parts[:-1] if p and p != child), "")
        groups.append(group)
        names.append(child or next((p for p in parts if p), "") or f"第{col + 1}列")
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return [
        f"{group}{name}"
        if group
        and not name.startswith(group)
        and (counts[name] > 1 or _ORDINAL.match(name) or name[0] in "（(" or _bare(name))
        else name  # "一", "二" under 伤残等级, "（元/年）" under 学费 mean nothing alone
        for name, group in zip(names, groups)
    ]


Fields = tuple[tuple[str, str], ...]


def rows_to_fields(
    rows: list[list[str]], merged_rows: set[int] = frozenset(), row_numbers: list[int] | None = None
) -> list[tuple[int, Fields]]:
    """The data rows of a table as (source row number, ((column, cell), …)) pairs.

    A row with a single filled cell in a wide table is a note or a sub-title: it comes back
    as one pair whose column is "" (its text stands as it is, it is no record).
    """
    rows = [[_fmt(c) for c in r] for r in rows]
    if not rows:
        return []
    start, span, _ = find_header(rows, merged_rows)
    if span == 0:
        return []
    names = column_names(rows, start, span)
    numbers = row_numbers or list(range(1, len(rows) + 1))
    out = []
    for idx in range(start + span, len(rows)):
        cells = rows[idx]
        pairs = list(
            dict.fromkeys(  # a merged cell repeats its pair in every column it spans
                (names[c] if c < len(names) else f"第{c + 1}列", v)
                for c, v in enumerate(cells)
                if v
            )
        )
        if not pairs:
            continue
        if len(pairs) == 1 and len(cells) > 2:
            out.append((numbers[idx], (("", pairs[0][1]),)))
            continue
        out.append((numbers[idx], tuple(pairs)))
    return out


def record_sections(
    rows: list[list[str]],
    merged_rows: set[int],
    sheet: str,
    heading: str,
    row_numbers: list[int] | None = None,
) -> list[Section]:
    """One `Section` of kind "record" per data row, its text "列名：值；…" and its fields."""
    sections = []
    for row_no, pairs in rows_to_fields(rows, merged_rows, row_numbers):
        note = len(pairs) == 1 and pairs[0][0] == ""
        sections.append(
            Section(
                text=pairs[0][1] if note else render_fields(pairs),
                sheet=sheet,
                row=row_no,
                kind="record",
                heading=heading,
                fields=() if note else pairs,
            )
        )
    return sections


def rows_to_records(
    rows: list[list[str]], merged_rows: set[int] = frozenset(), row_numbers: list[int] | None = None
) -> list[tuple[int, str]]:
    """Render data rows as records "列名：值；…"; returns (source row number, text) pairs."""
    return [
        (n, pairs[0][1] if len(pairs) == 1 and pairs[0][0] == "" else render_fields(pairs))
        for n, pairs in rows_to_fields(rows, merged_rows, row_numbers)
    ]


def _too_many_rows(limits: LoadLimits) -> LoadError:
    return too_complex(
        f"表格超过 {limits.max_rows} 行",
        f"more than {limits.max_rows} rows",
        "拆分成较小的文件后重新导入，或调大 CHANJIAO_MAX_ROWS",
    )


def load_xlsx(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> Loaded:
    return load_office(path, limits, "Excel", "xlsx", "workbook", _read_xlsx)


def _read_xlsx(path: Path, limits: LoadLimits) -> Loaded:
    import openpyxl

    try:
        book = openpyxl.load_workbook(str(path), read_only=False, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise LoadError(
            "Excel文件损坏或不是.xlsx", "corrupt .xlsx", "用Excel/WPS打开后另存为.xlsx"
        ) from e
    sections: list[Section] = []
    titles = []
    # The used range is known once the sheet is loaded; the grid below would allocate it
    # whole, so a single cell at XFD1048576 must be refused here, not discovered there.
    rows_total = 0
    for sheet in book.worksheets:
        rows, cols = sheet.max_row, sheet.max_column
        if rows * cols > limits.max_cells:
            raise too_complex(
                f"工作表“{sheet.title}”范围 {rows}×{cols} 超过 {limits.max_cells} 个单元格",
                f"sheet used range {rows}x{cols} over {limits.max_cells} cells",
                "删去表格外的空白格式后另存，或调大 CHANJIAO_MAX_CELLS",
            )
        rows_total += sheet.max_row
        if rows_total > limits.max_rows:
            raise _too_many_rows(limits)
    for sheet in book.worksheets:
        # Merged cells: copy the top-left value into the whole range, remember header rows.
        grid = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
        merged_rows: set[int] = set()
        for rng in sheet.merged_cells.ranges:
            value = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else None
            for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                for c in range(rng.min_col - 1, min(rng.max_col, len(grid[r]))):
                    grid[r][c] = value
            if rng.max_col > rng.min_col:
                merged_rows.add(rng.min_row - 1)
        rows = [[_fmt(c) for c in r] for r in grid]
        # A merged title row shows the same value in every cell: collapse it.
        rows = [
            [r[0]] + [""] * (len(r) - 1) if r and r[0] and len(set(r)) == 1 else r for r in rows
        ]
        start, span, title = find_header(rows, merged_rows)
        if title:
            titles.append(title)
        label = title or sheet.title
        sections += record_sections(
            rows, merged_rows, sheet.title, label, list(range(1, len(rows) + 1))
        )
    if not sections:
        raise LoadError("表格中没有数据行", "no data rows in spreadsheet", "确认表头和数据")
    head = "\n".join(titles + [s.text for s in sections[:3]])
    return Loaded(sections, head_text=head, title=titles[0] if titles else "")


# A physical line longer than this is no table row (a CSV of one 200 MB line would be
# read whole by the csv module before it could be refused).
MAX_CSV_LINE = 1 << 20


def _lines(f: io.TextIOBase):
    while line := f.readline(MAX_CSV_LINE):
        if len(line) >= MAX_CSV_LINE and not line.endswith(("\n", "\r")):
            raise too_complex("CSV单行超过100万字符", "a CSV line over 1M characters")
        yield line


def load_csv(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> Loaded:
    """Rows streamed from the file, so memory follows the row cap, not the file size."""
    encoding = detect_encoding(path)
    rows: list[list[str]] = []
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        head = f.read(4096)
        try:
            dialect = csv.Sniffer().sniff(head, delimiters=",\t;|")
        except csv.Error:
            dialect = csv.excel
        f.seek(0)
        try:
            for row in csv.reader(_lines(f), dialect):
                rows.append(row)
                if len(rows) > limits.max_rows:
                    raise _too_many_rows(limits)
        except csv.Error as e:
            raise LoadError(
                "CSV格式错误", f"malformed CSV: {e}", "用Excel/WPS打开后另存为CSV"
            ) from e
    if not any(any(c.strip() for c in r) for r in rows):
        raise LoadError("CSV中没有数据", "empty CSV", "确认文件内容")
    start, span, title = find_header(rows)
    sections = record_sections(rows, set(), path.stem, title or path.stem)
    if not sections:
        raise LoadError("CSV中没有数据行", "no data rows in CSV", "确认表头和数据")
    return Loaded(
        sections, head_text="\n".join([title] + [s.text for s in sections[:3]]), title=title
    )
