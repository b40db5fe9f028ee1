"""Drafting: a self-assessment report or next year's plan, indicator by indicator.

Each indicator section holds a narrative (what was done, figures, typical practice,
problems, next steps), the evidence table (观测点 | 目标 | 实际 | 完成率 | 来源), the 待补充
list of points with no figure for the year, and the passages it cites; the 否定性 items
close the report. Offline, the narrative is composed from the table with fixed phrases in
the register of a 工作报告; it states only figures that stand in the table (target, actual,
completion) or in a cited passage, never a figure computed here (no differences or sums).
With a chat model, the model writes the narrative from the same table and passages
(prompts/draft_indicator.md), and every sentence whose figures are not in them is removed
and listed in `dropped` — the check answers get (assistant/verify.py). If the model fails,
the offline narrative stands and `notice` says why.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from ingest.types import Chunk, DocMeta, Dropped

from ..injection import escape_attr, escape_block, mask_instructions
from ..prompts import render
from ..retrieve import Filters
from ..verify import Source, split_sentences, strip_markers, unsupported_facts
from .coverage import (
    STATUS_LABEL,
    CoverageMatrix,
    PointStatus,
    admitted_chunks,
    build_matrix,
)
from .evidence import Ref
from .standard import Indicator, Standard, load_standard

KINDS = ("self-assessment", "plan")
KIND_TITLE = {"self-assessment": "{year}年度建设自评报告", "plan": "{year}年度工作计划"}
PENDING = "待补充"
MAX_CASES = 2  # typical-practice sentences quoted per indicator
# A sentence about a shortfall is not a practice to hold up.
_NOT_A_CASE = re.compile(r"目标|仅为|未完成|差距|问题|不足")


class DraftError(Exception):
    """A draft cannot be made as asked (unknown kind or indicator)."""


@dataclass(frozen=True)
class Section:
    """One indicator's part of the draft."""

    indicator: Indicator
    narrative: str
    rows: tuple[PointStatus, ...]
    missing: tuple[str, ...]
    refs: tuple[Ref, ...]  # the passages its table and narrative rest on

    def to_json(self) -> dict:
        return {
            "code": self.indicator.code,
            "title": self.indicator.title,
            "narrative": self.narrative,
            "points": [point_json(r) for r in self.rows],
            "missing": list(self.missing),
        }


def point_json(r: PointStatus) -> dict:
    return {
        "code": r.point.code,
        "name": r.point.name,
        "unit": r.point.unit,
        "target": r.target_text() or None,
        "actual": r.actual_text() or None,
        "completion": r.completion,
        "status": r.status,
        "sources": [x.to_json() for x in r.refs()],
    }


@dataclass(frozen=True)
class Draft:
    year: int
    kind: str
    mode: str  # offline | llm
    title: str
    sections: tuple[Section, ...]
    matrix: CoverageMatrix = field(repr=False, compare=False)
    seconds: float = 0.0
    dropped: tuple[Dropped, ...] = ()
    notice: str = ""

    @property
    def vetoes(self):
        return self.matrix.vetoes

    def sources(self) -> list[Ref]:
        """Every passage the draft cites, numbered in order of first use."""
        seen: dict[str, Ref] = {}
        for s in self.sections:
            for r in s.refs:
                seen.setdefault(r.chunk_id, r)
        for v in self.matrix.vetoes:
            for r in v.evidence:
                seen.setdefault(r.chunk_id, r)
        return list(seen.values())

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "kind": self.kind,
            "mode": self.mode,
            "indicators": [s.to_json() for s in self.sections],
            "vetoes": [v.to_json() for v in self.matrix.vetoes],
            "seconds": round(self.seconds, 2),
            "dropped": [d.to_json() for d in self.dropped],
            # why the prose is the offline one when a model was configured (it failed)
            "notice": self.notice,
        }


# --- offline phrasing -----------------------------------------------------------------


def _unit(r: PointStatus) -> str:
    u = r.actual.unit if r.actual is not None and r.actual.unit else r.point.unit
    return "" if u in ("是否", "", "%") or "、" in u else u  # a rate carries its own sign


def _figure(value: str, unit: str) -> str:
    if not value:
        return ""
    if value.endswith(("%", unit)) or not unit:
        return value
    return f"{value}{unit}"


def _done_phrase(r: PointStatus) -> str:
    label = r.point.label
    if r.actual_text() in ("是", "否") and "是否" in label:
        # "是否建立专业规划联动机制" + 是 → "已建立专业规划联动机制"
        return label.replace("是否", "已" if r.actual_text() == "是" else "尚未", 1)
    if r.point.kind == "yes_no" or r.actual_text() in ("是", "否"):
        return f"{label}：{r.actual_text()}"
    u = _unit(r)
    plain = r.point.kind == "number" and not label.endswith(("率", "度", "比例"))
    if ":" in label:  # "产业发展状况:园区总产值(亿元)以及在省内排名" → 产业发展状况
        label, plain = label.split(":")[0], False
    joiner = "" if plain else "为"
    text = f"{label}{joiner}{_figure(r.actual_text(), u)}"
    if r.target is not None:
        goal = r.target_text()
        if r.target.at_least:
            text += f"（目标{_figure(goal, u)}，{r.completion_text()}）"
        elif r.completion is not None:
            text += f"（目标{_figure(goal, u)}，完成率{r.completion_text()}）"
    return text


def _year_phrase(year: int, rows: list[PointStatus]) -> str:
    if any(r.basis == "cumulative" for r in rows):
        return f"截至{year}年"
    return f"{year}年"


def topic(r: PointStatus) -> str:
    """What a point is about, for lists in prose: "是否建立X机制" → "建立X机制"."""
    return (
        r.point.label.replace("是否", "", 1) if r.point.label.startswith("是否") else r.point.label
    )


def offline_narrative(
    ind: Indicator, rows: list[PointStatus], year: int, subs: dict[str, str] | None = None
) -> str:
    """The section's prose from its table, in the register of a 工作报告: one sentence per
    third-level indicator (专业建设方面，……), then targets, practice, problems, next steps."""
    subs = subs or {}
    with_data = [r for r in rows if r.actual is not None]
    paras: list[str] = []
    if with_data:
        groups: dict[str, list[PointStatus]] = {}
        for r in with_data:
            groups.setdefault(r.point.subindicator, []).append(r)
        body = "".join(
            (f"{subs[code]}方面，" if code in subs else "")
            + "；".join(_done_phrase(r) for r in group)
            + "。"
            for code, group in groups.items()
        )
        lead = f"{_year_phrase(year, with_data)}，对照建设标准{ind.code}.{ind.title}指标推进建设。"
        paras.append(lead + body)
    else:
        paras.append(
            f"对照建设标准{ind.code}.{ind.title}指标，{year}年度各观测点暂无可核实的数据，{PENDING}。"
        )
    met = [r for r in rows if r.status == "met"]
    not_met = [r for r in rows if r.status == "not_met"]
    if met or not_met:
        parts = []
        if met:
            parts.append("已完成年度目标的有" + "、".join(topic(r) for r in met))
        if not_met:
            parts.append("未完成年度目标的有" + "、".join(topic(r) for r in not_met))
        paras.append("从目标完成情况看，" + "；".join(parts) + "。")
    cases = _cases(rows)
    if cases:
        paras.append("典型做法：" + "".join(cases))
    problems = []
    if not_met:
        problems.append(
            "、".join(f"{topic(r)}（完成率{r.completion_text()}）" for r in not_met)
            + "未达到年度目标"
        )
    conflicts = [r for r in rows if r.conflicts]
    if conflicts:
        problems.append(
            "、".join(topic(r) for r in conflicts) + "在不同材料中的数据不一致，需核实统一口径"
        )
    missing = [r for r in rows if not r.has_evidence]
    if missing:
        problems.append("、".join(topic(r) for r in missing) + "尚无统计数据")
    if problems:
        paras.append("存在的问题：" + "；".join(problems) + "。")
    steps = []
    if not_met:
        steps.append(
            "聚焦"
            + "、".join(topic(r) for r in not_met)
            + "等未完成指标，压实牵头单位责任，实行季度督办"
        )
    if missing or conflicts:
        steps.append("建立观测点统计口径和数据报送制度，及时补充佐证材料")
    if not steps:
        steps.append("巩固已有成效，持续做好数据监测和佐证材料归档")
    paras.append("下一步，" + "；".join(steps) + "。")
    return "\n".join(paras)


def _cases(rows: list[PointStatus]) -> list[str]:
    """Up to MAX_CASES prose passages that report the section's work, quoted as they stand."""
    out: list[str] = []
    for r in rows:
        for f in [r.actual, *r.evidence]:
            if f is None or f.ref.sheet is not None or f.basis == "unspecified":
                continue
            if _NOT_A_CASE.search(f.ref.quote):
                continue
            quote = f.ref.quote.strip().rstrip("；;，,")
            if not quote.endswith("。"):
                quote += "。"
            if quote not in out and len(quote) <= 160:
                out.append(quote)
            if len(out) >= MAX_CASES:
                return out
    return out


def plan_narrative(ind: Indicator, rows: list[PointStatus], year: int, targets: dict) -> str:
    """Next year's plan for one indicator: the targets of `year` for what is not yet met."""
    base = year - 1
    paras = []
    behind = [r for r in rows if r.status == "not_met"]
    if behind:
        items = []
        for r in behind:
            t = targets.get(r.point.code)
            u = _unit(r)
            done = _figure(r.actual_text(), u)
            s = f"{r.point.label}{base}年完成{done}（完成率{r.completion_text()}）"
            if t is not None:
                s += f"，{year}年目标{_figure(t.value, u)}"
            items.append(s)
        paras.append(
            f"{base}年{ind.code}.{ind.title}指标中，"
            + "；".join(items)
            + f"。{year}年将其列为重点督办事项，压实牵头单位责任，按季度调度进度。"
        )
    ahead = [r for r in rows if r.status == "met" and r.point.code in targets]
    if ahead:
        paras.append(
            f"巩固已完成指标成效，{year}年"
            + "；".join(
                f"{r.point.label}目标{_figure(targets[r.point.code].value, _unit(r))}"
                for r in ahead
            )
            + "。"
        )
    missing = [r for r in rows if not r.has_evidence]
    if missing:
        paras.append(
            "建立"
            + "、".join(topic(r) for r in missing)
            + f"等观测点的统计口径，{year}年内补齐数据。"
        )
    if not paras:
        paras.append(
            f"对照建设标准{ind.code}.{ind.title}指标，持续做好各观测点数据监测，{PENDING}。"
        )
    return "\n".join(paras)


# --- the model's narrative ------------------------------------------------------------


def table_text(rows: list[PointStatus]) -> str:
    lines = ["观测点 | 目标 | 实际 | 完成率 | 状态"]
    for r in rows:
        lines.append(
            f"{r.point.code}{r.point.name} | {_figure(r.target_text(), _unit(r)) or '—'} | "
            f"{_figure(r.actual_text(), _unit(r)) or '暂无数据'} | {r.completion_text() or '—'} | "
            f"{STATUS_LABEL[r.status]}"
        )
    return "\n".join(lines)


def _table_chunk(rows: list[PointStatus], year: int, heading: str = "") -> Chunk:
    doc = DocMeta(
        doc_id="evidence-table", source="证据表", title=f"{year}年度观测点证据表", year=year
    )
    text = (f"{heading}\n" if heading else "") + table_text(rows)
    return Chunk("evidence-table", doc, text, text)


def _passage_chunk(ref: Ref, i: int) -> Chunk:
    doc = DocMeta(doc_id=f"ref{i}", source=ref.source, title=ref.title)
    return Chunk(
        ref.chunk_id, doc, ref.quote, ref.quote, page=ref.page, sheet=ref.sheet, row=ref.row
    )


def model_narrative(
    chat,
    report_title: str,
    ind: Indicator,
    rows: list[PointStatus],
    refs: list[Ref],
    year: int,
    kind: str,
) -> tuple[str, list[Dropped]]:
    """The model's prose for one section, every figure checked against table and passages."""
    # The indicator's name heads the table, so "“五金”建设" in the prose has a source.
    table = _table_chunk(rows, year, f"{ind.code}.{ind.title}")
    sources = [Source("S1", table, table.text)]
    # Quoted passages are documents' words: instructions in them are masked, and none can
    # close its block (assistant/injection.py), as for answers.
    sources += [
        Source(f"S{i + 2}", _passage_chunk(r, i), mask_instructions(r.quote))
        for i, r in enumerate(refs)
    ]
    block = "\n".join(
        f'<资料 编号="{s.id}" 标题="{escape_attr(s.chunk.doc.title)}">\n'
        f"{escape_block(s.text)}\n</资料>"
        for s in sources
    )
    parts = (
        "工作开展情况和主要数据、典型做法、存在问题、下一步工作"
        if kind == "self-assessment"
        else "上年未完成目标情况、本年度目标任务、工作措施"
    )
    title = f"{ind.code}.{ind.title}"
    messages = [
        {
            "role": "system",
            "content": render(
                "draft_indicator", report_title=report_title, indicator=title, parts=parts
            ),
        },
        {
            "role": "user",
            "content": render("draft_sources", sources=block, indicator=title, year=str(year)),
        },
    ]
    reply = chat.complete(messages)
    return verify_narrative(reply, sources, year)


def verify_narrative(reply: str, sources: list[Source], year: int) -> tuple[str, list[Dropped]]:
    """Sentences whose figures all stand in the sources; the others, and why they went."""
    from ..llm import strip_thinking

    support = list(sources)
    year_doc = DocMeta(doc_id="year", source="", title=f"{year}年", year=year)
    support.append(Source("Y", Chunk("year", year_doc, f"{year}年", f"{year}年"), f"{year}年"))
    kept: dict[int, list[str]] = {}
    dropped: list[Dropped] = []
    for line, sentence in split_sentences(strip_thinking(reply)):
        clean = strip_markers(sentence).strip()
        if not clean:
            continue
        missing = [f for f in unsupported_facts(clean, support) if f.kind != "org"]
        if missing:
            shown = "、".join(dict.fromkeys(f.shown for f in missing))
            dropped.append(
                Dropped(clean, f"证据表和引用段落中没有：{shown} (figure not in the evidence)")
            )
            continue
        kept.setdefault(line, []).append(clean)
    text = "\n".join("".join(parts) for _, parts in sorted(kept.items()))
    return text, dropped


# --- the draft ------------------------------------------------------------------------


def draft_report(
    retriever,
    *,
    indicators: list[str] | None = None,
    year: int = 2024,
    kind: str = "self-assessment",
    chat=None,
    filters: Filters = Filters(),
) -> Draft:
    """Draft the report `kind` for `year` over the chosen indicators (all when None)."""
    start = time.perf_counter()
    if kind not in KINDS:
        raise DraftError(f"未知的文稿类型 {kind}（可选：self-assessment、plan） (unknown kind)")
    standard = load_standard()
    chosen = [i for i in standard.resolve(indicators) if i.category != "否定性指标"]
    chunks = admitted_chunks(retriever, filters)
    base_year = year if kind == "self-assessment" else year - 1
    matrix = build_matrix(chunks, base_year, standard)
    plan_targets = _plan_targets(chunks, standard, year) if kind == "plan" else {}
    title = KIND_TITLE[kind].format(year=year)
    subs = {s.code: s.title for s in standard.subindicators}
    sections = []
    dropped: list[Dropped] = []
    notice = ""
    mode = "offline"
    for ind in chosen:
        rows = [r for r in matrix.rows if r.point.indicator == ind.code]
        narrow = [c for c in indicators or () if c.split(".")[0] == ind.code and "." in c]
        if narrow and ind.code not in (indicators or ()):
            # "--indicator 8.5": only the points under 8.5 (or the one point asked for)
            rows = [
                r for r in rows if any(r.code == c or r.code.startswith(c + ".") for c in narrow)
            ]
        refs = _section_refs(rows, plan_targets)
        if kind == "self-assessment":
            narrative = offline_narrative(ind, rows, year, subs)
        else:
            narrative = plan_narrative(ind, rows, year, plan_targets)
        if chat is not None and not notice:
            try:
                text, lost = model_narrative(chat, title, ind, rows, refs, year, kind)
                if text.strip():
                    narrative = text
                    mode = "llm"
                dropped += lost
            except Exception as e:  # the offline prose stands; say why once
                notice = f"大模型不可用，正文为模板生成：{e} (LLM failed; offline prose)"
        missing = tuple(r.code for r in rows if not r.has_evidence)
        sections.append(Section(ind, narrative, tuple(rows), missing, tuple(refs)))
    return Draft(
        year=year,
        kind=kind,
        mode=mode,
        title=title,
        sections=tuple(sections),
        matrix=matrix,
        seconds=time.perf_counter() - start,
        dropped=tuple(dropped),
        notice=notice,
    )


def _section_refs(rows: list[PointStatus], plan_targets: dict) -> list[Ref]:
    seen: dict[str, Ref] = {}
    for r in rows:
        for ref in r.refs():
            seen.setdefault(ref.chunk_id + ref.quote, ref)
        t = plan_targets.get(r.code)
        if t is not None:
            seen.setdefault(t.ref.chunk_id + t.ref.quote, t.ref)
    return list(seen.values())


def _plan_targets(chunks: list[Chunk], standard: Standard, year: int) -> dict:
    from .evidence import FigureReader, read_figures

    figures = read_figures(FigureReader(standard), [c for c in chunks if c.kind == "record"])
    out = {}
    for f in figures:
        if f.role == "target" and f.basis == "yearly" and f.year == year and f.number:
            out.setdefault(f.code, f)
    return out
