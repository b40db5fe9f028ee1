"""Records: the typed reading of a table row, made at ingest and stored beside its chunk.

A spreadsheet row "学时：64；授课方式：线上；开课时间：2025年9月" is text to a passage
retriever; to a lookup it is fields — a number, a mode, a month — that can be filtered,
counted and compared. This module turns a row's (column, cell) pairs into a `Record`:
which kind of record it is (course, training, demand, supply, achievement), its public
fields, its contact fields set apart as restricted (members only; they never enter the
searchable text), and typed values (dates in ISO, amounts and hours as numbers, 是/否 as
booleans; Chinese numerals read with cn2an). Pure functions; the pipeline calls them.
Policy notices are read in `policy_terms`.
"""

from __future__ import annotations

import re
from datetime import date

from .aliases import is_contact_column
from .types import Record

# Published documents print their hotlines for everyone to call (a handbook's table of
# service centres); the lists a consortium keeps (catalogs, supply and demand, trainings)
# carry the phone numbers of individuals, which members only may see.
PUBLISHED_TYPES = frozenset({"policy", "law", "standard", "charter"})

LIST_KINDS = ("course", "training", "demand", "supply", "achievement")
_SUPPLY_SHEET = re.compile(r"供给|供应|资源|服务清单")
_DEMAND_SHEET = re.compile(r"需求")


def render_fields(pairs) -> str:
    """A row as one line "列名：值；列名：值", how it reads in a passage and a citation."""
    return "；".join(f"{k}：{v}" for k, v in pairs)


def rendered_fields(text: str) -> list[tuple[str, str]]:
    """The (column, value) pairs of a row as `render_fields` wrote it: a PDF table's rows
    keep no typed record, only this line. A piece without "列名：" continues the value
    before it (a cell that held a "；" of its own)."""
    pairs: list[list[str]] = []
    for piece in text.split("；"):
        key, sep, value = piece.partition("：")
        if sep and 0 < len(key.strip()) <= 20:
            pairs.append([key.strip(), value.strip()])
        elif pairs:
            pairs[-1][1] += "；" + piece
    return [(k, v) for k, v in pairs]


def restricts_contacts(doc_type: str) -> bool:
    return doc_type not in PUBLISHED_TYPES


def split_restricted(pairs, restrict: bool = True) -> tuple[tuple, tuple]:
    """(public pairs, contact pairs) of a row."""
    if not restrict:
        return tuple(pairs), ()
    public = tuple(p for p in pairs if not is_contact_column(p[0]))
    return public, tuple(p for p in pairs if is_contact_column(p[0]))


def record_kind(doc_type: str, sheet: str = "") -> str:
    """Which kind of record a row of a document of `doc_type` is: a 供需清单 holds demands
    and supplies in different sheets, so the sheet decides where it says which."""
    if doc_type in ("demand", "supply"):
        if _SUPPLY_SHEET.search(sheet or ""):
            return "supply"
        if _DEMAND_SHEET.search(sheet or ""):
            return "demand"
        return doc_type
    return doc_type if doc_type in LIST_KINDS else ""


# --- typed values ------------------------------------------------------------------------

_YMD = re.compile(r"((?:19|20)\d{2})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")
_YM = re.compile(r"((?:19|20)\d{2})\s*[年\-./]\s*(\d{1,2})\s*月?(?![\d日])")
_MD = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_RANGE_SEP = re.compile(r"\s*(?:—|–|-{1,2}|～|~|至|到)\s*")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)")
_PLAIN_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
_BOOL = {"是": True, "否": False, "有": True, "无": False, "√": True, "×": False}
_NUMERIC_COLUMN = re.compile(
    r"学时|课时|学分|人数|名额|预算|金额|价格|（万元）|\(万元\)|（元|数量|人次"
)


def _iso(y, m, d) -> str:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return ""


def _month_end(y: int, m: int) -> str:
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1).isoformat()


def parse_dates(text: str) -> list[str] | None:
    """[start, end] of the date or date range a cell states, ISO; None when it states none.

    "2025-03-28" → both ends that day; "2025年9月" → the whole month; "2025年7月14日—7月25日"
    → the range, the year carried over to the end.
    """
    if not text:
        return None
    full = list(_YMD.finditer(text))
    if full:
        start = _iso(*full[0].groups())
        end = _iso(*full[-1].groups())
        last = full[-1].end()
        tail = _MD.search(text, last)
        if tail and _RANGE_SEP.match(text[last : tail.start()] or " "):
            end = _iso(full[-1].group(1), *tail.groups()) or end
        if not start:
            return None
        return [start, end or start]
    ym = _YM.search(text)
    if ym:
        y, m = int(ym.group(1)), int(ym.group(2))
        if 1 <= m <= 12:
            return [date(y, m, 1).isoformat(), _month_end(y, m)]
    return None


def _cn_numerals(text: str) -> str:
    """Chinese numerals as digits ("五千元" → "5000元"); the text unchanged when cn2an fails."""
    if not re.search(r"[零一二三四五六七八九十百千万两]", text):
        return text
    import warnings

    import cn2an

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # cn2an warns on every mixed cell
            return cn2an.transform(text, "cn2an")
    except Exception:  # cn2an raises on odd mixes; a cell we cannot read stays text
        return text


def parse_number(text: str) -> float | int | None:
    """The first number a cell states ("64", "2800元/人", "五千元"), None when none."""
    m = _NUMBER.search(_cn_numerals(text))
    if not m:
        return None
    value = float(m.group(1))
    return int(value) if value.is_integer() else value


def numbers_in(text: str) -> list[float]:
    """Every number `text` states, Chinese numerals read as digits ("近三年" → 3.0,
    "不少于50人次" → 50.0): how a figure someone quotes is checked against its clause."""
    return [float(n) for n in _NUMBER.findall(_cn_numerals(text))]


def typed_value(column: str, text: str):
    """The typed reading of one cell: bool, number, ISO date range, or None (text only)."""
    t = text.strip()
    if t in _BOOL:
        return _BOOL[t]
    if _PLAIN_NUMBER.match(t):
        v = float(t)
        return int(v) if v.is_integer() else v
    # Dates first: "开课时间" holds 课时 but is a month.
    if re.search(r"日期|时间|截止|期限|有效期", column) or _YMD.search(t) or _YM.fullmatch(t):
        d = parse_dates(t)
        if d:
            return d
    if _NUMERIC_COLUMN.search(column):
        n = parse_number(t)
        if n is not None:
            return n
    return None


def typed_values(pairs) -> dict:
    out = {}
    for column, text in pairs:
        v = typed_value(column, text)
        if v is not None:
            out[column] = v
    return out


def make_record(kind: str, pairs, restrict: bool = True) -> Record:
    """The record of one row: its public fields, its contact fields, its typed values."""
    public, restricted = split_restricted(pairs, restrict)
    return Record(kind=kind, fields=public, restricted=restricted, values=typed_values(public))


def first_date(record: Record, names=("日期", "时间", "截止")) -> list[str] | None:
    """The date range a record is dated by: its first date-valued field (发布日期, 培训时间,
    开课时间, 授权日期, 完成时间…), or the notice date of a policy."""
    for column, _ in record.fields:
        v = record.values.get(column)
        if isinstance(v, list) and any(n in column for n in names):
            return v
    for column, _ in record.fields:
        v = record.values.get(column)
        if isinstance(v, list):
            return v
    d = record.values.get("date")
    return [d, d] if isinstance(d, str) and d else None
