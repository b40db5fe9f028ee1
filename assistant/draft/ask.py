"""Coverage questions answered from the matrix, with citations.

"哪些指标没完成", "8.5.1完成率多少", "哪些观测点还没有数据": the answer is a reading of the
coverage matrix, not a passage, so it is composed here from the matrix rows and cites the
ledger and task-table rows they rest on. The question is read only through its
`QuestionSpec` (intent, codes, years, negated, concepts); this module never parses text.
"""

from __future__ import annotations

from ingest.types import Answer, Citation

from ..retrieve import Filters
from .coverage import STATUS_LABEL, PointStatus, coverage_matrix, latest_year
from .evidence import Ref

DEFAULT_YEAR = 2024
NOTICE = "依据建设标准观测点覆盖矩阵回答（目标取自任务分解表，实际取自指标台账）"
MAX_LISTED = 120
_NO_DATA_WORDS = ("数据", "暂无", "缺", "待补充", "没有数据")
_RATE_WORDS = ("完成率", "完成情况", "进度", "完成多少", "完成了多少")
_DONE_WORDS = ("完成", "达标", "达到")


def _mentions(spec, words) -> bool:
    text = spec.norm or spec.text
    return any(w in text for w in words) or any(w in c.word for c in spec.concepts for w in words)


def answer_coverage(spec, retriever, filters: Filters = Filters()) -> Answer | None:
    """The matrix's answer to a coverage question, or None when the spec is not one."""
    if spec.intent != "coverage" and not (spec.codes and _mentions(spec, _RATE_WORDS)):
        return None
    year = spec.years[0] if spec.years else latest_year(retriever, filters) or DEFAULT_YEAR
    matrix = coverage_matrix(retriever, year, filters=filters)
    if spec.codes:
        rows = [
            r
            for code in spec.codes
            for r in matrix.rows
            if r.code == code or r.code.startswith(code + ".")
        ]
        if not rows:
            return None
        lines = [_row_line(r, year) for r in rows]
        return _answer(spec, lines, rows)
    asks_missing = _mentions(spec, ("没有数据", "无数据", "暂无数据", "缺数据", "待补充")) or (
        _mentions(spec, _NO_DATA_WORDS) and not _mentions(spec, _DONE_WORDS)
    )
    if asks_missing:
        rows = matrix.missing()
        head = f"{year}年暂无数据的观测点共{len(rows)}个："
        lines = [head] + [f"{r.code} {r.point.name}" for r in rows[:MAX_LISTED]]
        return _answer(spec, lines, [], rows_cited=False)
    if spec.negated:
        rows = matrix.by_status("not_met")
        head = f"{year}年未完成年度目标的观测点共{len(rows)}个{_indicators(matrix, rows)}："
    else:
        rows = matrix.by_status("met")
        head = f"{year}年已完成年度目标的观测点共{len(rows)}个{_indicators(matrix, rows)}："
    lines = [head] + [_row_line(r, year) for r in rows[:MAX_LISTED]]
    return _answer(spec, lines, rows)


def _indicators(matrix, rows: list[PointStatus]) -> str:
    """The indicators the points fall under: a question about 指标 is answered by 观测点."""
    codes = list(dict.fromkeys(r.point.indicator for r in rows))
    if not codes or matrix.standard is None:
        return ""
    names = [f"{c}.{matrix.standard.indicator(c).title}" for c in codes]
    return "，分属" + "、".join(names)


def _row_line(r: PointStatus, year: int) -> str:
    name = f"{r.code} {r.point.name}"
    if r.status in ("met", "not_met") and r.basis == "cumulative":
        when = r.actual.as_of or f"{year}年"
        rate = f"，完成率{r.completion_text()}" if r.completion is not None else ""
        label = STATUS_LABEL[r.status]
        return (
            f"{name}：截至{when}累计{r.actual_text()}，{r.target.period}年目标合计"
            f"{r.target_text()}{rate}（{label}）"
        )
    if r.status in ("met", "not_met"):
        rate = (
            f"，完成率{r.completion_text()}"
            if r.completion is not None
            else f"，{r.completion_text()}"
        )
        label = STATUS_LABEL[r.status]
        return f"{name}：{year}年目标{r.target_text()}，实际{r.actual_text()}{rate}（{label}）"
    if r.status == "no_target":
        return f"{name}：{year}年实际{r.actual_text()}，任务分解表未设年度目标"
    return f"{name}：{year}年暂无数据"


def _answer(spec, lines: list[str], rows: list[PointStatus], rows_cited: bool = True) -> Answer:
    citations: list[Citation] = []
    index: dict[str, int] = {}
    out = []
    for line, r in zip(lines, [None] * (len(lines) - len(rows)) + rows):
        marks = ""
        if r is not None and rows_cited:
            for ref in r.refs()[:2]:
                n = index.get(ref.chunk_id)
                if n is None:
                    n = index[ref.chunk_id] = len(index) + 1
                    citations.append(_citation(n, ref))
                marks += f"[{n}]"
        out.append(line + marks)
    return Answer(spec.text, "\n".join(out), True, "extractive", tuple(citations), notice=NOTICE)


def _citation(n: int, ref: Ref) -> Citation:
    return Citation(
        n=n,
        source=ref.source,
        title=ref.title,
        chunk_id=ref.chunk_id,
        quote=ref.quote,
        page=ref.page,
        sheet=ref.sheet,
        row=ref.row,
    )
