"""Figures for the standard's 观测点, read off indexed passages, each with its citation.

Three kinds of passage state a figure for a 观测点:
- a row of a task breakdown table (任务分解表): a task with yearly targets ("2024年目标")
  and the 观测点 it serves, in a 对应观测点 column or in its note ("对应观测点8.5.1");
- a row of an indicator ledger (指标台账): 观测点编号, 年度, 数值, 单位, 备注 — the actuals;
- anything else: a table row that names a code and a year's figure ("2024年完成：21"), or a
  sentence of a report that states a count next to a point's wording ("共建实训基地21个").
Tables are recognised by their column names, never by file name, so another consortium's
ledger with the same columns is read the same way. Each figure says whether it is a year's
figure or a cumulative one (累计, 建设以来, 截至…), so the two are never compared as equals.
Pure: chunks in, `Figure` values out; what is admissible (roles, filters) is decided by
the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.types import Chunk

from .standard import Point, Standard

_CODE = re.compile(r"(?<![\d.])(\d{1,2}\.\d{1,2}\.\d{1,2})(?![\d.]*\d)")
_CODE_AT_START = re.compile(r"^\s*(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)(?![\d.])")
_TARGET_KEY = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:度)?\s*目标")
_ACTUAL_KEY = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:度)?\s*(?:完成|实际|实绩|达成)")
_PERIOD_KEY = re.compile(r"建设期目标|((?:19|20)\d{2})\s*[-—–~至]\s*((?:19|20)\d{2})")
_NOTE_CODE = re.compile(r"观测点\s*(\d{1,2}\.\d{1,2}\.\d{1,2})")
_AS_OF = re.compile(r"截至\s*((?:19|20)\d{2}[-./年]\d{1,2}(?:[-./月]\d{1,2}日?)?)")
_CUMULATIVE = re.compile(r"累计|建设以来|以来|总数|共计|总计|截至")
_NUMBER = re.compile(r"^\s*([≥>＞≧]|不低于)?\s*(-?\d+(?:\.\d+)?)\s*(%|％)?\s*(以上)?\s*$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?!度目标|目标)")
# A count in prose: digits and a unit the standard uses. Longer units first (人次 before 人).
_UNITS = (
    "万元",
    "亿元",
    "人次",
    "人日",
    "人月",
    "小时/周",
    "课时",
    "场次",
    "个",
    "人",
    "项",
    "门",
    "本",
    "份",
    "次",
    "%",
    "％",
)
_MENTION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(" + "|".join(re.escape(u) for u in _UNITS) + r")(?!以上|以下|左右|余)"
)
_SENTENCE_END = re.compile(r"[。！？；;!?\n]")
# Words before a number that make it something other than what was done.
_NOT_ACTUAL = re.compile(r"目标|计划|预计|力争|不低于|不少于|要求|其中|标准|上限|下限|达到?\d")
# A section of a report that plans rather than reports ("四、2025年工作计划").
_PLANNED = re.compile(r"计划|目标|打算|下一步|展望|安排")
_CLAUSE_BREAK = re.compile(r"[，,、：:（）()“”]")
_GENERIC = ("市域产教联合体", "联合体", "是否", "数量", "情况", "等")
# Document kinds whose prose states rules or plans, not what a consortium did.
NO_ACTUALS_IN = frozenset({"standard", "law", "policy", "plan", "course", "demand", "supply"})


@dataclass(frozen=True)
class Ref:
    """Where a figure stands: the passage a reader can open and the words quoted."""

    source: str
    title: str
    chunk_id: str
    quote: str
    sheet: str | None = None
    row: int | None = None
    page: int | None = None
    doc_type: str = ""

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "sheet": self.sheet,
            "row": self.row,
            "page": self.page,
            "quote": self.quote,
        }


def ref_of(chunk: Chunk, quote: str | None = None) -> Ref:
    return Ref(
        source=chunk.doc.source,
        title=chunk.doc.title,
        chunk_id=chunk.chunk_id,
        quote=(quote if quote is not None else chunk.text).strip(),
        sheet=chunk.sheet,
        row=chunk.row,
        page=chunk.page,
        doc_type=chunk.doc.doc_type,
    )


@dataclass(frozen=True)
class Figure:
    """One stated figure for one 观测点.

    `role`: "target" (a task table's yearly or period target), "actual" (an indicator
    ledger's value), "evidence" (a row or sentence elsewhere). `basis`: "yearly" (that
    year's figure), "cumulative" (a running total, `as_of` when stated) or "unspecified".
    `value` is the text as written ("是", "≥95", "60以上", "21"); `number` its numeric
    value, None for words; `at_least` when the figure is a threshold or a lower bound.
    `empty` marks a ledger row with no value (its note says why)."""

    code: str
    year: int
    role: str
    value: str
    number: float | None
    unit: str
    basis: str
    ref: Ref
    as_of: str = ""
    at_least: bool = False
    note: str = ""
    task: str = ""
    period: str = ""
    empty: bool = False


def parse_record(text: str) -> list[tuple[str, str]]:
    """A table row rendered "列名：值；列名：值" back into (column, value) pairs. A value
    that itself holds "；" stays whole: a piece without "：" belongs to the value before."""
    pairs: list[tuple[str, str]] = []
    for piece in text.split("；"):
        key, sep, value = piece.partition("：")
        if sep and 0 < len(key) <= 20 and "，" not in key and "。" not in key:
            pairs.append((key.strip(), value.strip()))
        elif pairs:
            k, v = pairs[-1]
            pairs[-1] = (k, f"{v}；{piece}")
    return pairs


def read_number(value: str) -> tuple[float | None, bool]:
    """(number, at_least) of a cell: "21" → 21; "≥95" → 95, True; "60以上" → 60, True."""
    m = _NUMBER.match(value.replace(",", "").replace("，", ""))
    if not m:
        return None, False
    return float(m.group(2)), bool(m.group(1) or m.group(4))


def _unit_matches(unit: str, point: Point) -> bool:
    if not point.unit or point.kind != "number":
        return False
    unit = "%" if unit == "％" else unit
    return unit in point.unit.split("、")


def _core(point: Point) -> str:
    text = point.label
    for g in _GENERIC:
        text = text.replace(g, "")
    text = re.sub(r"[:：,，、()（）“”\"]", "", text)
    return text.rstrip("数") or point.label


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


class FigureReader:
    """Reads figures off chunks for the points of one standard (built once per matrix)."""

    def __init__(self, standard: Standard):
        self.standard = standard
        self.points = {p.code: p for p in standard.points}
        self.vetoes = {v.code for v in standard.vetoes}
        self._cores = {p.code: _bigrams(_core(p)) for p in standard.points}

    def _known(self, code: str) -> bool:
        return code in self.points or code in self.vetoes

    # -- tables ------------------------------------------------------------------------

    def read_record(self, chunk: Chunk) -> list[Figure]:
        pairs = parse_record(chunk.text)
        if len(pairs) < 3:
            return []
        keys = [k for k, _ in pairs]
        cells = dict(pairs)
        if any(_TARGET_KEY.search(k) for k in keys) and not any(
            _ACTUAL_KEY.search(k) for k in keys
        ):
            return self._task_row(chunk, pairs)
        code_key = next((k for k in keys if "观测点" in k and "名称" not in k), None)
        if code_key and "年度" in cells:
            return self._ledger_row(chunk, cells, code_key)
        return self._evidence_row(chunk, pairs)

    def _task_row(self, chunk: Chunk, pairs: list[tuple[str, str]]) -> list[Figure]:
        cells = dict(pairs)
        code = ""
        for k, v in pairs:
            if "对应观测点" in k or k == "观测点":
                m = _CODE.search(v)
                if m:
                    code = m.group(1)
                    break
        if not code:
            for _, v in pairs:
                m = _NOTE_CODE.search(v)
                if m:
                    code = m.group(1)
                    break
        if not code or not self._known(code):
            return []
        task = next((v for k, v in pairs if "任务" in k or k in ("指标", "名称")), "")
        unit = cells.get("单位", "")
        out = []
        for k, v in pairs:
            m = _TARGET_KEY.search(k)
            if m:
                number, at_least = read_number(v)
                out.append(
                    Figure(
                        code,
                        int(m.group(1)),
                        "target",
                        v,
                        number,
                        unit,
                        "yearly",
                        ref_of(chunk),
                        at_least=at_least,
                        task=task,
                    )
                )
            elif "目标" in k and _PERIOD_KEY.search(k):
                number, at_least = read_number(v)
                years = re.findall(r"(?:19|20)\d{2}", k)
                period = "-".join(years[:2]) if years else ""
                last = int(years[-1]) if years else 0
                out.append(
                    Figure(
                        code,
                        last,
                        "target",
                        v,
                        number,
                        unit,
                        "cumulative",
                        ref_of(chunk),
                        at_least=at_least,
                        task=task,
                        period=period,
                    )
                )
        return out

    def _ledger_row(self, chunk: Chunk, cells: dict, code_key: str) -> list[Figure]:
        m = _CODE_AT_START.match(cells[code_key])
        y = re.search(r"(?:19|20)\d{2}", cells.get("年度", ""))
        if not m or not y or not self._known(m.group(1)):
            return []
        code, year = m.group(1), int(y.group(0))
        note = cells.get("备注", "")
        value = next((cells[k] for k in ("数值", "完成值", "实际值", "完成") if k in cells), "")
        number, at_least = read_number(value) if value else (None, False)
        as_of = _AS_OF.search(note)
        cumulative = "累计" in note or "以来" in note
        point = self.points.get(code)
        unit = cells.get("单位", "") or (point.unit if point and point.kind == "number" else "")
        return [
            Figure(
                code,
                year,
                "actual",
                value,
                number,
                unit,
                "cumulative" if cumulative else "yearly",
                ref_of(chunk),
                as_of=as_of.group(1) if as_of else "",
                at_least=at_least,
                note=note,
                empty=not value,
            )
        ]

    def _evidence_row(self, chunk: Chunk, pairs: list[tuple[str, str]]) -> list[Figure]:
        code = ""
        for _, v in pairs:
            m = _CODE_AT_START.match(v)
            if m and self._known(m.group(1)):
                code = m.group(1)
                break
        if not code:
            return []
        out = []
        point = self.points.get(code)
        for k, v in pairs:
            m = _ACTUAL_KEY.search(k)
            if not m or v in ("—", "-", ""):
                continue
            number, at_least = read_number(v)
            unit = point.unit if point and point.kind == "number" else ""
            out.append(
                Figure(
                    code,
                    int(m.group(1)),
                    "evidence",
                    v,
                    number,
                    unit,
                    "yearly",
                    ref_of(chunk),
                    at_least=at_least,
                )
            )
        return out

    # -- prose -------------------------------------------------------------------------

    def read_prose(self, chunk: Chunk) -> list[Figure]:
        if chunk.doc.doc_type in NO_ACTUALS_IN or _PLANNED.search(chunk.heading):
            return []
        text = chunk.text
        out: list[Figure] = []
        start = 0
        for end_m in list(_SENTENCE_END.finditer(text)) + [None]:
            end = end_m.end() if end_m else len(text)
            sentence = text[start:end]
            offset = start
            start = end
            if not _MENTION.search(sentence):
                continue
            out += self._sentence(chunk, sentence.strip(), sentence, offset)
        return out

    def _sentence(self, chunk: Chunk, quote: str, sentence: str, offset: int) -> list[Figure]:
        out = []
        prev_end = 0
        for m in _MENTION.finditer(sentence):
            ctx = _CLAUSE_BREAK.split(sentence[prev_end : m.start()])[-1]
            prefix = sentence[: m.start()]
            prev_end = m.end()
            if _NOT_ACTUAL.search(ctx) or re.search(r"(?:19|20)\d{2}$", m.group(1)):
                continue
            best = self._best_point(ctx, prefix, m.group(2))
            if best is None:
                continue
            years = _YEAR.findall(prefix)
            year = int(years[-1]) if years else chunk.doc.year
            if not year:
                continue
            if _CUMULATIVE.search(prefix):
                basis = "cumulative"
            elif years or ("年度" in chunk.doc.title and str(year) in chunk.doc.title):
                basis = "yearly"
            else:
                basis = "unspecified"
            as_of = _AS_OF.search(prefix)
            unit = "%" if m.group(2) == "％" else m.group(2)
            out.append(
                Figure(
                    best,
                    year,
                    "evidence",
                    m.group(1) + unit,
                    float(m.group(1)),
                    unit,
                    basis,
                    ref_of(chunk, quote),
                    as_of=as_of.group(1) if as_of else "",
                )
            )
        return out

    def _best_point(self, ctx: str, prefix: str, unit: str) -> str | None:
        near = _bigrams(ctx)
        wide = _bigrams(prefix[-40:])
        chars = set(re.sub(r"[^\u4e00-\u9fff]", "", ctx))
        best, best_key = None, None
        for code, core in self._cores.items():
            point = self.points[code]
            if not core or not _unit_matches(unit, point):
                continue
            overlap = len(near & core)
            coverage = overlap / len(core)
            ok = (overlap >= 2 and coverage >= 0.5) or (
                overlap >= 1 and overlap / max(1, len(near)) >= 0.5 and len(wide & core) >= 3
            )
            if not ok:
                continue
            # Recall of the point's wording counts double: "高职本科贯通培养" is 高本贯通培养
            # (every character there) rather than 中高职贯通培养 (more shared pairs).
            core_chars = set("".join(core))
            recall = len(core_chars & chars) / len(core_chars)
            precision = len(core_chars & chars) / max(1, len(chars))
            score = 2 * recall + precision + coverage + overlap / max(1, len(near))
            key = (round(score, 3), overlap, len(wide & core))
            if best_key is None or key > best_key:
                best, best_key = code, key
        return best


def read_figures(reader: FigureReader, chunks: list[Chunk]) -> list[Figure]:
    """Every figure the chunks state for a point of the standard, in chunk order."""
    out: list[Figure] = []
    for c in chunks:
        if c.kind == "record":
            out += reader.read_record(c)
        else:
            out += reader.read_prose(c)
    return out
