"""Matching: which policies an enterprise may qualify for, and which supplies answer a demand.

Policy matching (政策匹配) reads the conditions each notice states (extracted at ingest,
`ingest/policy_terms.py`, each with its clause and chunk; joined, when an LLM has read the
notice, by the conditions it found that verify against the text, `conditions.py`, each
marked with its origin) against an enterprise profile —
industry, size, district, flags such as 产教融合型企业 — and marks each condition met, not
met or unknown, citing the clause. A notice that is expired or superseded is listed apart,
with what replaced it. Supply–demand matching (供需对接) ranks the open items on the other
side of the consortium's lists by how much of the item they share (hybrid search plus the
concepts held), each with a one-line reason and its citation. Both read records only
through `lookup`, so role filtering (`Filters.admits`) applies here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from ingest.policy_terms import place_holds
from ingest.records import first_date, render_fields
from ingest.tokens import compact, held
from ingest.types import Chunk, citation_for

from .conditions import ConditionExtractor, describe, merge, notice_chunks
from .lookup import (
    KIND_DOC_TYPES,
    KIND_LABELS,
    LookupRequestError,
    record_fields,
    records_of,
    status_of,
)
from .retrieve import Filters, Retriever

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
STATUS_LABELS = {MET: "符合", NOT_MET: "不符合", UNKNOWN: "待核实"}
SIZES_SMALL = ("中型", "小型", "微型", "中小", "小微")


def _cite(chunk: Chunk, quote: str = "") -> dict:
    c = citation_for(1, chunk).to_json()
    c.pop("n")
    if quote:
        c["quote"] = quote
    return c


def judge_condition(dimension: str, value: str, clause: str, profile: dict) -> str:
    """met / not_met / unknown for one condition against a profile (see module docstring).

    Only what the profile says is judged: a district, industry or size not given is
    unknown; flags are judged when the profile lists its flags (a flag not listed is then
    not held). Conditions on anything else (social insurance, contracts, records) are
    unknown: the enterprise has to confirm them, with the clause in front of it.
    """
    if dimension == "district":
        where = str(profile.get("district") or "")
        if not where:
            return UNKNOWN
        return MET if place_holds(value, where) else NOT_MET
    if dimension == "industry":
        industry = str(profile.get("industry") or "")
        if not industry:
            return UNKNOWN
        keys = [value[i : i + 2] for i in range(0, max(1, len(value) - 1), 2)]
        return MET if value in industry or any(k in industry for k in keys) else NOT_MET
    if dimension == "size":
        size = str(profile.get("size") or "")
        if not size:
            return UNKNOWN
        if "规模以上" in value:
            return UNKNOWN
        if value.startswith(("中小", "小微")):
            small = ("小型", "微型", "小微") if value.startswith("小微") else SIZES_SMALL
            return MET if any(s in size for s in small) else NOT_MET
        return MET if size[:1] in value else NOT_MET
    if dimension == "flag":
        flags = profile.get("flags")
        if flags is None:
            return UNKNOWN
        wanted = compact(value)
        return MET if any(wanted in compact(f) or compact(f) in wanted for f in flags) else NOT_MET
    return UNKNOWN


@dataclass(frozen=True)
class PolicyResult:
    chunk: Chunk
    fields: dict
    status: str
    conditions: tuple[dict, ...] = ()
    amounts: tuple[dict, ...] = ()
    deadlines: tuple[dict, ...] = ()
    how_to_apply: tuple[dict, ...] = ()
    verdict: str = "possible"  # eligible / possible / not_eligible
    extraction: dict | None = None  # what the LLM contributed (conditions.Extraction)

    def to_json(self) -> dict:
        out = {
            "title": self.chunk.doc.title,
            "doc_number": self.chunk.doc.doc_number,
            "source": self.chunk.doc.source,
            "status": self.status,
            "fields": self.fields,
            "verdict": self.verdict,
            "conditions": list(self.conditions),
            "amounts": list(self.amounts),
            "deadlines": list(self.deadlines),
            "how_to_apply": list(self.how_to_apply),
        }
        if self.extraction is not None:
            out["llm"] = self.extraction
        return out


@dataclass(frozen=True)
class PolicyMatch:
    profile: dict
    today: str
    matches: tuple[PolicyResult, ...] = ()
    excluded: tuple[PolicyResult, ...] = ()
    notice: str = ""  # e.g. the LLM failed: only pattern conditions are shown

    def to_json(self) -> dict:
        return {
            "profile": self.profile,
            "today": self.today,
            "matches": [m.to_json() for m in self.matches],
            "excluded": [
                {
                    "title": m.chunk.doc.title,
                    "doc_number": m.chunk.doc.doc_number,
                    "source": m.chunk.doc.source,
                    "status": m.status,
                    "superseded_by": m.fields.get("取代文件", ""),
                    "valid_until": m.chunk.doc.valid_until,
                }
                for m in self.excluded
            ],
            "notice": self.notice,
        }

    def to_text(self) -> str:
        verdicts = {"eligible": "可能符合", "possible": "需核实", "not_eligible": "不符合"}
        lines = [f"企业画像：{self.profile or '（未提供）'}；截至 {self.today}"]
        for i, m in enumerate(self.matches, start=1):
            doc = m.chunk.doc
            lines.append(f"\n{i}. 《{doc.title}》{doc.doc_number}  —— {verdicts[m.verdict]}")
            for c in m.conditions:
                lines.append(f"   [{STATUS_LABELS[c['status']]}] {c['clause']}{describe(c)}")
            for a in m.amounts[:3]:
                lines.append(f"   金额：{a['text']}")
            for d in m.deadlines[:1]:
                lines.append(f"   时间：{d['text']}")
            for h in m.how_to_apply[:1]:
                lines.append(f"   申报：{h['text']}")
            lines.append(f"   来源：{doc.source}")
        if self.excluded:
            lines.append("\n已失效或已被取代（不参与匹配）：")
            for m in self.excluded:
                by = m.fields.get("取代文件", "")
                doc = m.chunk.doc
                lines.append(
                    f"  - 《{doc.title}》{doc.doc_number} {m.fields.get('状态', '')}"
                    + (f"，由 {by} 取代" if by else "")
                )
        if self.notice:
            lines.append(f"\n{self.notice}")
        return "\n".join(lines)


def _by_id(retriever: Retriever, chunk_id: str) -> Chunk | None:
    view = retriever.view()
    pos = view.position.get(chunk_id)
    return view.chunks[pos] if pos is not None else None


def _with_citations(retriever: Retriever, items) -> tuple[dict, ...]:
    out = []
    for item in items:
        chunk = _by_id(retriever, item.get("chunk_id", ""))
        entry = {k: v for k, v in item.items() if k != "chunk_id"}
        if chunk is not None:
            entry["citation"] = _cite(chunk, item.get("text") or item.get("clause") or "")
        out.append(entry)
    return tuple(out)


def match_policy(
    retriever: Retriever,
    profile: dict,
    *,
    filters: Filters = Filters(),
    today: date | None = None,
    extractor: ConditionExtractor | None = None,
) -> PolicyMatch:
    """The notices an enterprise may qualify for, each condition judged and cited.

    With an `extractor` (an LLM, or only its cache), each current notice's pattern
    conditions are joined by the verified conditions the model read in it (`conditions`);
    when the model fails, the pattern conditions stand alone and `notice` says so.
    """
    today = today or date.today()
    profile = dict(profile or {})
    if isinstance(profile.get("flags"), str):
        profile["flags"] = [f.strip() for f in profile["flags"].split(",") if f.strip()]
    matches, excluded, failed = [], [], []
    for chunk in records_of(retriever, "policy", filters):
        values = chunk.record.values
        if not values.get("notice"):
            continue  # a handbook or compilation, not one notice with its own conditions
        status = status_of(retriever, chunk, today)
        fields = record_fields(retriever, chunk, today)
        if status != "current":
            excluded.append(PolicyResult(chunk, fields, status))
            continue
        pattern = list(values.get("conditions", ()))
        extraction = None
        found: list[dict] = []
        if extractor is not None:
            got = extractor.extract(chunk, notice_chunks(retriever.view(), chunk))
            if got.status == "failed":
                failed.append(re.sub(r"（\d+ 秒内不再重试）", "", got.error))
            found = list(got.conditions)
            extraction = got.to_json()
        pattern = merge(pattern, found)  # every condition marked with its origin
        conditions = []
        for cond in pattern:
            verdict = judge_condition(cond["dimension"], cond["value"], cond["clause"], profile)
            conditions.append({**cond, "status": verdict})
        judged = [c["status"] for c in conditions]
        # A condition of one measure only (an LLM's scope "part") does not rule the notice out.
        ruled_out = [c["status"] for c in conditions if c.get("scope", "all") == "all"]
        verdict = (
            "not_eligible" if NOT_MET in ruled_out else "eligible" if MET in judged else "possible"
        )
        matches.append(
            PolicyResult(
                chunk,
                fields,
                status,
                _with_citations(retriever, conditions),
                _with_citations(retriever, values.get("amounts", ())),
                _with_citations(retriever, values.get("deadlines", ())),
                _with_citations(retriever, values.get("how_to_apply", ())),
                verdict,
                extraction,
            )
        )
    order = {"eligible": 0, "possible": 1, "not_eligible": 2}
    matches.sort(key=lambda m: (order[m.verdict], -sum(c["status"] == MET for c in m.conditions)))
    notice = ""
    if failed:
        reasons = "；".join(dict.fromkeys(failed))  # one endpoint down: one reason, once
        notice = (
            f"注意：{len(failed)} 份通知的大模型条件抽取失败（{reasons}），这些通知只列出规则"
            "抽取的条件 (LLM condition extraction failed; pattern conditions only)"
        )
    return PolicyMatch(profile, today.isoformat(), tuple(matches), tuple(excluded), notice)


# --- supply and demand ---------------------------------------------------------------------

OPEN_STATUSES = ("对接中",)
CLOSED_STATUSES = ("已对接", "已完成", "已截止", "已关闭")
COUNTERPARTS = {
    "demand": ("supply", "achievement", "course", "training"),
    "supply": ("demand",),
    "achievement": ("demand",),
    "course": ("demand",),
    "training": ("demand",),
}
NAME_COLUMNS = (
    "需求标题",
    "岗位名称",
    "培训需求名称",
    "成果名称",
    "服务名称",
    "课程名称",
    "培训项目",
)
CONTENT_COLUMNS = ("需求内容", "岗位要求", "供给内容", "服务内容", "简介")
ORG_COLUMNS = ("发布单位", "供给单位", "开课学校", "承办单位", "完成单位")


def _first_of(fields: dict, names) -> str:
    return next((fields[n] for n in names if fields.get(n)), "")


def is_open(chunk: Chunk, today: date) -> bool:
    """An item still on offer: not closed by its status, its deadline or its dates past."""
    fields = dict(chunk.record.fields)
    if any(s in fields.get("状态", "") for s in CLOSED_STATUSES):
        return False
    deadline = chunk.record.values.get("截止日期")
    if isinstance(deadline, list) and deadline[1] < today.isoformat():
        return False
    published = chunk.record.values.get("发布日期")
    if isinstance(published, list) and published[0] > today.isoformat():
        return False  # not published yet on that day
    if chunk.record.kind == "training":
        span = first_date(chunk.record)
        if span and span[1] < today.isoformat():
            return False
    return True


@dataclass(frozen=True)
class DemandCandidate:
    chunk: Chunk
    fields: dict
    score: float
    reason: str
    shared: tuple[str, ...] = ()

    def to_json(self, show_restricted: bool = False) -> dict:
        out = {
            "id": self.chunk.chunk_id,
            "kind": self.chunk.record.kind,
            "fields": self.fields,
            "score": round(self.score, 4),
            "reason": self.reason,
            "shared": list(self.shared),
            "citation": _cite(self.chunk),
        }
        if show_restricted:
            out["restricted"] = dict(self.chunk.record.restricted)
        return out


@dataclass(frozen=True)
class DemandMatch:
    item: Chunk
    fields: dict
    matches: tuple[DemandCandidate, ...] = ()
    show_restricted: bool = False
    is_open: bool = True

    def to_json(self) -> dict:
        item = {
            "id": self.item.chunk_id,
            "kind": self.item.record.kind,
            "fields": self.fields,
            "open": self.is_open,
            "citation": _cite(self.item),
        }
        if self.show_restricted:
            item["restricted"] = dict(self.item.record.restricted)
        return {
            "item": item,
            "matches": [m.to_json(self.show_restricted) for m in self.matches],
        }

    def to_text(self) -> str:
        name = _first_of(self.fields, NAME_COLUMNS)
        kind = KIND_LABELS[self.item.record.kind]
        lines = [f"{kind}：{name}（{_first_of(self.fields, ORG_COLUMNS)}）"]
        if not self.is_open:
            lines.append("（注意：该条目已截止或已对接）")
        for i, m in enumerate(self.matches, start=1):
            c = m.chunk
            lines.append(
                f"{i}. [{KIND_LABELS[c.record.kind]}] {_first_of(m.fields, NAME_COLUMNS)}"
                f" —— {_first_of(m.fields, ORG_COLUMNS)}"
            )
            lines.append(f"   理由：{m.reason}")
            lines.append(f"   来源：{c.doc.source} {c.sheet or ''} 第{c.row}行")
        if not self.matches:
            lines.append("没有找到开放中的匹配条目。")
        return "\n".join(lines)


def find_item(retriever: Retriever, item_id: str, filters: Filters = Filters()) -> Chunk:
    """The record an id names: its 编号 (XQ-2025-012, GJ-…, CG-…) or its chunk id."""
    want = compact(item_id.strip())
    for kind in COUNTERPARTS:
        for c in records_of(retriever, kind, filters):
            if c.chunk_id == item_id.strip():
                return c
            code = dict(c.record.fields).get("编号", "")
            if code and compact(code) == want:
                return c
    raise LookupRequestError(
        f"找不到编号为“{item_id}”的需求或供给 (no demand or supply {item_id!r})"
    )


def _query_of(fields: dict) -> str:
    return f"{_first_of(fields, NAME_COLUMNS)} {_first_of(fields, CONTENT_COLUMNS)}"


def match_demand(
    retriever: Retriever,
    item_id: str,
    *,
    filters: Filters = Filters(),
    show_restricted: bool = False,
    limit: int = 10,
    today: date | None = None,
) -> DemandMatch:
    """The open items on the other side that best answer `item_id`, each with a reason."""
    today = today or date.today()
    item = find_item(retriever, item_id, filters)
    fields = record_fields(retriever, item)
    kinds = COUNTERPARTS[item.record.kind]
    candidates = [c for k in kinds for c in records_of(retriever, k, filters) if is_open(c, today)]
    ids = {c.chunk_id for c in candidates}
    query = _query_of(fields)
    doc_types = tuple(dict.fromkeys(t for k in kinds for t in KIND_DOC_TYPES[k]))
    if filters.doc_types:
        doc_types = tuple(t for t in doc_types if t in filters.doc_types) or filters.doc_types
    # Filter first, then rank: the caller's restrictions (a visitor's visibilities) go into
    # the search itself, so items the caller may not see never take places in the ranking
    # (ranked first and dropped after, they left a visitor fewer than `limit` matches).
    hits = retriever.search(query, k=60, filters=replace(filters, doc_types=doc_types))
    items = retriever.weighted_concepts(query)
    total = sum(w for _, _, w in items) or 1.0
    scored = []
    for rank, h in enumerate(hits, start=1):
        c = h.chunk
        if c.chunk_id not in ids:
            continue
        text = compact(render_fields(c.record.fields))
        shared = [w for w, _, _ in items if len(w) > 1 and held(w, text)]
        share = sum(wt for w, _, wt in items if w in shared) / total
        if not shared:
            continue
        scored.append((c, share + 0.2 / rank, shared))
    scored.sort(key=lambda item: -item[1])
    out = []
    for c, score, shared in scored[:limit]:
        cf = record_fields(retriever, c)
        reason = (
            f"同涉及“{'、'.join(shared[:4])}”；{_first_of(cf, ORG_COLUMNS)}"
            f"的{KIND_LABELS[c.record.kind]}“{_first_of(cf, NAME_COLUMNS)}”"
        )
        out.append(DemandCandidate(c, cf, score, reason, tuple(shared)))
    return DemandMatch(item, fields, tuple(out), show_restricted, is_open(item, today))
