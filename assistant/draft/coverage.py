"""The coverage matrix: every 观测点 of the standard against its target for one year.

For each point: the year's target (task breakdown table), the actual (indicator ledger;
a table row elsewhere that states the year's figure when the ledger has none), completion
and a status — `met`, `not_met`, `no_data` (nothing stated for the year), `no_target`
(a figure but no target). Every other figure stated for the point that year is kept as
evidence with its citation; one that disagrees with the actual on the same basis is a
conflict and is shown beside it, never merged. A cumulative figure is compared only with a
cumulative target (the sum of the yearly targets so far). The six 否定性 items are listed
with the passages that say whether one applies.

Evidence comes only from chunks the caller's `Filters` admit: that is how roles are
enforced, so nothing here reads a chunk any other way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.types import Chunk

from ..retrieve import Filters
from .evidence import Figure, FigureReader, Ref, read_figures, ref_of
from .standard import Point, Standard, load_standard

STATUSES = ("met", "not_met", "no_data", "no_target")
STATUS_LABEL = {
    "met": "已完成",
    "not_met": "未完成",
    "no_data": "暂无数据",
    "no_target": "无年度目标",
}
VETO_LABEL = {"clear": "未触及", "triggered": "触及", "no_data": "未见自查结论"}
_YES = {"是", "有", "已建立", "已出台", "完备"}
_NO = {"否", "无", "未", "没有"}
_VETO_CLEAR = re.compile(r"未触及|不存在|未发生|没有发生|均未|未出现")
_VETO_HIT = re.compile(r"(?<![未没])触及否定性|存在重大造假|发生重大违法")


def fmt_number(x: float | None) -> str:
    if x is None:
        return ""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class PointStatus:
    """One row of the matrix: a 观测点 in one year."""

    point: Point
    year: int
    status: str
    target: Figure | None = None
    actual: Figure | None = None
    completion: float | None = None  # percent, one decimal; None for words or thresholds
    basis: str = ""  # yearly | cumulative: what target and actual were compared on
    evidence: tuple[Figure, ...] = ()
    conflicts: tuple[Figure, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return self.point.code

    @property
    def has_evidence(self) -> bool:
        return self.actual is not None or bool(self.evidence)

    def refs(self) -> list[Ref]:
        """Every passage this row rests on: target, actual, evidence, without repeats."""
        seen: dict[str, Ref] = {}
        for f in [self.target, self.actual, *self.conflicts, *self.evidence]:
            if f is not None and f.ref.chunk_id + f.ref.quote not in seen:
                seen[f.ref.chunk_id + f.ref.quote] = f.ref
        return list(seen.values())

    def _percent(self, text: str) -> str:
        """A rate reads with its sign ("2.5%"), in the table and in the prose alike."""
        m = re.match(r"^([≥>]?\d+(?:\.\d+)?)(以上|以下)?$", text)
        if self.point.unit == "%" and m:
            return f"{m.group(1)}%{m.group(2) or ''}"
        return text

    def target_text(self) -> str:
        t = self.target
        if t is None:
            return ""
        return self._percent(t.value if t.number is None or t.at_least else fmt_number(t.number))

    def actual_text(self) -> str:
        a = self.actual
        return "" if a is None else self._percent(a.value)

    def completion_text(self) -> str:
        if self.completion is not None:
            return f"{fmt_number(self.completion)}%"
        if self.status in ("met", "not_met") and self.target is not None:
            return "达标" if self.status == "met" else "未达标"
        return ""

    def to_json(self) -> dict:
        return {
            "code": self.point.code,
            "name": self.point.name,
            "unit": self.point.unit,
            "indicator": self.point.indicator,
            "year": self.year,
            "status": self.status,
            "target": self.target_text() or None,
            "actual": self.actual_text() or None,
            "completion": self.completion,
            "basis": self.basis,
            "sources": [r.to_json() for r in self.refs()],
            "evidence": [_figure_json(f) for f in self.evidence],
            "conflicts": [_figure_json(f) for f in self.conflicts],
            "notes": list(self.notes),
        }


def _figure_json(f: Figure) -> dict:
    return {
        "value": f.value,
        "unit": f.unit,
        "year": f.year,
        "basis": f.basis,
        "as_of": f.as_of,
        "source": f.ref.to_json(),
    }


@dataclass(frozen=True)
class VetoStatus:
    code: str
    name: str
    status: str  # clear | triggered | no_data
    evidence: tuple[Ref, ...] = ()

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "status": self.status,
            "sources": [r.to_json() for r in self.evidence],
        }


@dataclass(frozen=True)
class CoverageMatrix:
    year: int
    rows: tuple[PointStatus, ...]
    vetoes: tuple[VetoStatus, ...]
    standard: Standard = field(repr=False, compare=False, default=None)

    def row(self, code: str) -> PointStatus | None:
        return next((r for r in self.rows if r.code == code), None)

    def by_status(self, status: str) -> list[PointStatus]:
        return [r for r in self.rows if r.status == status]

    def missing(self) -> list[PointStatus]:
        """Points with no figure at all for the year: the 待补充 list."""
        return [r for r in self.rows if not r.has_evidence]

    def counts(self) -> dict[str, int]:
        return {s: len(self.by_status(s)) for s in STATUSES}

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "counts": self.counts(),
            "points": [r.to_json() for r in self.rows],
            "vetoes": [v.to_json() for v in self.vetoes],
        }


def admitted_chunks(retriever, filters: Filters) -> list[Chunk]:
    """The index's chunks the filters admit (roles included), in index order."""
    return [c for c in retriever.view().chunks if filters.admits(c)]


def coverage_matrix(retriever, year: int, *, filters: Filters = Filters()) -> CoverageMatrix:
    """The matrix for `year` from what the index holds and `filters` admit."""
    return build_matrix(admitted_chunks(retriever, filters), year)


def latest_year(retriever, filters: Filters = Filters()) -> int:
    """The latest year the admitted ledgers hold a figure for (0 when none)."""
    chunks = [c for c in admitted_chunks(retriever, filters) if c.kind == "record"]
    figures = read_figures(FigureReader(load_standard()), chunks)
    return max((f.year for f in figures if f.role == "actual" and not f.empty), default=0)


def build_matrix(
    chunks: list[Chunk], year: int, standard: Standard | None = None
) -> CoverageMatrix:
    standard = standard or load_standard()
    figures = read_figures(FigureReader(standard), chunks)
    by_code: dict[str, list[Figure]] = {}
    for f in figures:
        by_code.setdefault(f.code, []).append(f)
    rows = tuple(point_status(p, year, by_code.get(p.code, [])) for p in standard.points)
    vetoes = tuple(
        veto_status(v.code, v.name, year, by_code.get(v.code, []), chunks) for v in standard.vetoes
    )
    return CoverageMatrix(year, rows, vetoes, standard)


def _same(a: Figure, b: Figure) -> bool:
    if a.number is not None and b.number is not None:
        return abs(a.number - b.number) < 1e-6
    return a.value.strip() == b.value.strip()


def _yes_no(value: str) -> bool | None:
    v = value.strip()
    if v in _YES or v.startswith("是"):
        return True
    if v in _NO or v.startswith("否"):
        return False
    return None


def _cumulative_target(targets: list[Figure], year: int) -> Figure | None:
    """The running target through `year`: a period target ending then, or the yearly sum."""
    period = [t for t in targets if t.basis == "cumulative" and t.year == year]
    if period:
        return period[0]
    yearly = sorted(
        (t for t in targets if t.basis == "yearly" and t.year <= year), key=lambda t: t.year
    )
    if not yearly or any(t.number is None or t.at_least for t in yearly):
        return None
    last = yearly[-1]
    total = sum(t.number for t in yearly)
    years = f"{yearly[0].year}-{last.year}"
    return Figure(
        last.code,
        year,
        "target",
        fmt_number(total),
        total,
        last.unit,
        "cumulative",
        last.ref,
        task=last.task,
        period=years,
    )


def point_status(point: Point, year: int, figures: list[Figure]) -> PointStatus:
    targets = [f for f in figures if f.role == "target"]
    ledger = [f for f in figures if f.role == "actual" and f.year == year]
    evidence = [f for f in figures if f.role == "evidence" and f.year == year]
    notes: list[str] = []

    actual = next((f for f in ledger if not f.empty), None)
    for f in ledger:
        if f.empty and f.note:
            notes.append(f"台账注明：{f.note}")
    if actual is None:
        rows = [f for f in evidence if f.ref.sheet is not None and f.basis == "yearly"]
        actual = rows[0] if rows else None
    basis = actual.basis if actual else ""

    target = None
    if basis == "cumulative":
        target = _cumulative_target(targets, year)
        if target is not None:
            notes.append(
                f"累计口径：{target.period}年目标合计与截至{actual.as_of or year}的累计数比较"
            )
    else:
        yearly = [t for t in targets if t.basis == "yearly" and t.year == year]
        target = yearly[0] if yearly else None
        if target is not None and target.number == 0 and not target.at_least:
            notes.append(f"{year}年目标为0（当年未安排）")
            target = None
        if len(yearly) > 1:
            notes.append("任务分解表中有多项任务对应本观测点：" + "、".join(t.task for t in yearly))

    if target is not None and actual is not None and target.unit and actual.unit:
        if target.unit != actual.unit:
            notes.append(f"单位不一致：目标以{target.unit}计，实际以{actual.unit}计")
    if target is not None and point.kind == "number" and target.unit:
        if target.unit not in point.unit.split("、"):
            notes.append(f"任务分解表以{target.unit}计，建设标准为{point.unit}")

    # Figures that disagree with the actual on the same footing are shown beside it.
    conflicts = []
    for f in evidence:
        if actual is None or f is actual or _same(f, actual):
            continue
        comparable = f.basis == actual.basis or "unspecified" in (f.basis, actual.basis)
        if comparable and (not f.unit or not actual.unit or f.unit == actual.unit):
            conflicts.append(f)
    if conflicts:
        notes.append("不同来源数据不一致，均列出，请核实")

    status, completion = _judge(point, target, actual)
    rest = [f for f in evidence if f is not actual and f not in conflicts]
    return PointStatus(
        point,
        year,
        status,
        target,
        actual,
        completion,
        basis,
        tuple(rest),
        tuple(conflicts),
        tuple(dict.fromkeys(notes)),
    )


def _judge(point: Point, target: Figure | None, actual: Figure | None) -> tuple[str, float | None]:
    if actual is None:
        return "no_data", None
    if target is None:
        return "no_target", None
    if target.number is not None and actual.number is not None:
        if target.at_least:
            return ("met" if actual.number >= target.number else "not_met"), None
        if target.number <= 0:
            return "no_target", None
        completion = round(100.0 * actual.number / target.number, 1)
        return ("met" if actual.number >= target.number else "not_met"), completion
    want, got = _yes_no(target.value), _yes_no(actual.value)
    if want is not None and got is not None:
        return ("met" if want == got else "not_met"), None
    return "no_target", None


def veto_status(
    code: str, name: str, year: int, figures: list[Figure], chunks: list[Chunk]
) -> VetoStatus:
    """A 否定性 item: the ledger's 是/否 for it, else a self-check passage of that year."""
    refs: list[Ref] = []
    status = "no_data"
    for f in figures:
        if f.year != year or f.role not in ("actual", "evidence") or f.empty:
            continue
        yn = _yes_no(f.value)
        if yn is None:
            continue
        refs.append(f.ref)
        status = "triggered" if yn else ("clear" if status == "no_data" else status)
    for c in chunks:
        if c.kind == "record" or c.doc.doc_type in ("standard", "law", "policy"):
            continue
        text = c.text
        if ("否定性指标" not in text and "负面清单" not in text) or c.doc.year != year:
            continue
        # A self-check says what it found in words ("未触及否定性指标"); a clearing
        # statement is read first, because it names the very events it rules out.
        if _VETO_CLEAR.search(text):
            if status == "no_data":
                status = "clear"
            refs.append(ref_of(c))
        elif _VETO_HIT.search(text):
            status = "triggered"
            refs.append(ref_of(c))
    return VetoStatus(code, name, status, tuple(dict.fromkeys(refs)))
