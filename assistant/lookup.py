"""Looking things up in records: `find`, field names for filters, and list/count answers.

A passage retriever ranks text; it cannot say "these 12 courses and no others". The records
made at ingest (ingest/records.py, ingest/policy_terms.py) are typed fields beside each
chunk, so a lookup here filters them exactly (any field by any of its names, values the
forgiving way people type them — ingest/vocab/), ranks them by a query when one is given
(the retriever's concept coverage and hybrid rank, restricted to the kind), counts them,
and answers list and count questions with every matching record cited. The web app and
the CLI call the same functions. Role filtering is the retriever's `Filters.admits`: every
record here passes through it. Contact fields come back only with `show_restricted=True`
and never in an answer or a citation.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from datetime import date

from ingest.aliases import field_names, fold, forms
from ingest.policy_terms import policy_status
from ingest.records import first_date, render_fields
from ingest.tokens import compact, held, is_number
from ingest.types import RECORD_KINDS, Answer, Chunk, citation_for

from .question import QuestionSpec
from .retrieve import Filters, Retriever, judged_text

KINDS = RECORD_KINDS
# Documents whose rows or notices can be records of each kind (a 供需清单 is filed as demand
# and holds supplies in some sheets).
KIND_DOC_TYPES = {
    "policy": ("policy",),
    "demand": ("demand", "supply"),
    "supply": ("demand", "supply"),
    "achievement": ("achievement",),
    "course": ("course",),
    "training": ("training",),
}
KIND_LABELS = {
    "policy": "政策",
    "demand": "需求",
    "supply": "供给",
    "achievement": "成果",
    "course": "课程",
    "training": "培训",
}
# Words that name the kind of record asked for, or frame a list or count question: they do
# not narrow the set ("有哪些课程", "多少门课").
KIND_WORDS = frozenset(
    "课程 课 精品课 精品课程 门 开放课程 培训 培训班 培训项目 项目 需求 需求清单 供给 供需 成果 "
    "政策 惠企政策 通知 清单 目录 列表 记录 条 个 一共 总共 共 全部 所有 哪些 多少 几 数量 "
    "开设 开 开了 开出 提供 发布 有".split()
    # words that frame a constraint rather than state it ("面向企业员工的…")
    + "面向 针对 适合 适用 相关 关于 有关 方面 类 类型 方向 领域".split()
    # periods the question reading turns into since/until ("暑假" → July–August)
    + "暑假 寒假 暑期 寒期 假期 上半年 下半年 春季 秋季 夏季 冬季".split()
    + "年初 年底 今年 明年 去年 期间".split()
)
POLICY_STATUS_LABELS = {"current": "有效", "expired": "已失效", "superseded": "已被取代"}
MATCH_SHARE = 0.5  # share of a query's weighted concepts a record must hold to match it
_WHERE = re.compile(r"^\s*([^=<>!~]+?)\s*(>=|<=|!=|=|>|<|~)\s*(.*?)\s*$")


class LookupError(ValueError):
    """A bad lookup request (unknown kind, malformed filter); the message is bilingual."""


@dataclass(frozen=True)
class Condition:
    """One `--where` filter: a field (any of its names), an operator, a value."""

    name: str
    op: str
    value: str


def parse_where(items) -> list[Condition]:
    """`FIELD=VALUE` strings (or a {field: value} dict) as Conditions."""
    if not items:
        return []
    if isinstance(items, dict):
        return [Condition(str(k), "=", str(v)) for k, v in items.items()]
    out = []
    for item in items:
        m = _WHERE.match(item)
        if not m or not m.group(1) or not m.group(3):
            raise LookupError(
                f"无法理解的过滤条件“{item}”，应写作 字段=值 (bad filter {item!r}: use FIELD=VALUE)"
            )
        out.append(Condition(m.group(1), m.group(2), m.group(3)))
    return out


# --- the records of a view -----------------------------------------------------------------


@dataclass
class _Records:
    by_kind: dict[str, list[Chunk]]
    repealed_by: dict[str, str]  # 文号 → the 文号 of the notice that repealed it


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _records(retriever: Retriever) -> _Records:
    """Every record chunk of the live index, by kind; built once per index view."""
    view = retriever.view()
    got = _CACHE.get(view)
    if got is None:
        by_kind: dict[str, list[Chunk]] = {k: [] for k in KINDS}
        repealed: dict[str, str] = {}
        for c in view.chunks:
            if c.record is not None and c.record.kind in by_kind:
                by_kind[c.record.kind].append(c)
                if c.record.kind == "policy":
                    for number in c.record.values.get("repeals", ()):
                        repealed[number] = c.doc.doc_number
        got = _CACHE[view] = _Records(by_kind, repealed)
    return got


def records_of(
    retriever: Retriever, kind: str, filters: Filters = Filters(), today: date | None = None
) -> list[Chunk]:
    """The records of `kind` a caller may see (`filters.admits`), in document order."""
    if kind not in KINDS:
        raise LookupError(
            f"未知的记录类型“{kind}”，可用：{'、'.join(KINDS)} (unknown kind {kind!r})"
        )
    return [c for c in _records(retriever).by_kind[kind] if filters.admits(c)]


def status_of(retriever: Retriever, chunk: Chunk, today: date | None = None) -> str:
    """current / expired / superseded for a policy record."""
    repealed_by = _records(retriever).repealed_by.get(chunk.doc.doc_number, "")
    return policy_status(chunk.record.values, repealed_by, today)


def superseded_by(retriever: Retriever, chunk: Chunk) -> str:
    return (
        chunk.record.values.get("superseded_by")
        or _records(retriever).repealed_by.get(chunk.doc.doc_number, "")
        or ""
    )


def record_fields(retriever: Retriever, chunk: Chunk, today: date | None = None) -> dict:
    """A record's public fields as {column: text}; a policy's status as of `today`."""
    fields = dict(chunk.record.fields)
    if chunk.record.kind == "policy":
        status = status_of(retriever, chunk, today)
        fields["状态"] = POLICY_STATUS_LABELS[status]
        if status == "superseded" and (by := superseded_by(retriever, chunk)):
            fields["取代文件"] = by
    return fields


def fields_of(retriever: Retriever, kind: str) -> list[str]:
    """The column names records of `kind` have, in first-seen order (filter dropdowns)."""
    names: dict[str, None] = {}
    for c in records_of(retriever, kind):
        for k in record_fields(retriever, c):
            names.setdefault(k, None)
    return list(names)


# --- filtering -----------------------------------------------------------------------------


def _columns(name: str, fields: dict) -> list[str]:
    """The columns of a record that `name` refers to: the column itself, a column of the
    same group in fields.txt, or a column whose name holds it ("预算" → "预算（万元）")."""
    if name in fields:
        return [name]
    want = {fold(n) for n in field_names(name)}
    exact = [k for k in fields if fold(k) in want]
    if exact:
        return exact
    return [k for k in fields if fold(name) in fold(k) or any(w in fold(k) for w in want)]


def _number(text: str) -> float | None:
    m = re.search(r"-?\d+(?:\.\d+)?", text)
    return float(m.group(0)) if m else None


def _value_holds(cell: str, value: str) -> bool:
    """Whether a cell says `value` in any of its forms (成航院 = 成都航空职业技术大学)."""
    text = fold(cell)
    return any(fold(f) in text for f in forms(value))


def _meets(chunk: Chunk, fields: dict, cond: Condition) -> bool:
    columns = _columns(cond.name, fields)
    if not columns:
        return False
    for col in columns:
        cell = fields[col]
        typed = chunk.record.values.get(col)
        if cond.op in (">", "<", ">=", "<="):
            if isinstance(typed, list):  # a date range: compare its start
                left, right = typed[0], cond.value
            else:
                num = typed if isinstance(typed, int | float) else _number(cell)
                want = _number(cond.value)
                if num is None or want is None:
                    continue
                left, right = num, want
            if {
                ">": left > right,
                "<": left < right,
                ">=": left >= right,
                "<=": left <= right,
            }[cond.op]:
                return True
            continue
        hit = _value_holds(cell, cond.value)
        if isinstance(typed, bool):
            hit = hit or typed == (cond.value.strip() in ("是", "true", "True", "1", "yes"))
        if cond.op == "!=":
            if not hit:
                return True
        elif hit:
            return True
    return False


def _in_range(chunk: Chunk, since: str, until: str) -> bool:
    """Whether a record's date (range) meets [since, until]; undated records do not."""
    if not (since or until):
        return True
    span = first_date(chunk.record)
    if not span:
        return False
    start, end = span
    return (not since or end >= since) and (not until or start <= until)


# --- find ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundRecord:
    chunk: Chunk
    fields: dict
    score: float = 0.0

    def to_json(self, show_restricted: bool = False) -> dict:
        c = self.chunk
        out = {
            "id": c.chunk_id,
            "chunk_id": c.chunk_id,
            "title": c.doc.title,
            "fields": self.fields,
            "source": c.doc.source,
            "sheet": c.sheet,
            "row": c.row,
            "page": c.page,
            "score": round(self.score, 4),
        }
        if show_restricted:
            out["restricted"] = dict(c.record.restricted)
        return out


@dataclass(frozen=True)
class FindResult:
    kind: str
    total: int
    results: tuple[FoundRecord, ...] = ()
    query: str = ""
    offset: int = 0
    limit: int = 20
    show_restricted: bool = False
    ignored: tuple[str, ...] = field(default=())  # filter fields no record of the kind has

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "total": self.total,
            "query": self.query,
            "offset": self.offset,
            "limit": self.limit,
            "results": [r.to_json(self.show_restricted) for r in self.results],
        }


def _record_text(chunk: Chunk) -> str:
    """A record's own fields, compared form: not its sheet's name, which speaks for a whole
    sheet ("师资与社会培训" holds social trainings too)."""
    return compact(render_fields(chunk.record.fields))


def _holds(items, text: str) -> float:
    """The share of a query's weighted concepts a record holds, its words in any form."""
    total = sum(w for _, _, w in items) or 1.0
    got = 0.0
    for word, parts, w in items:
        if any(held(compact(f), text) for f in forms(word)):
            got += w
        elif parts and not is_number(word):
            got += w * 0.7 * sum(p in text for p in parts) / len(parts)
    return got / total


def _ranked(retriever: Retriever, kind: str, query: str, chunks: list[Chunk]):
    """(chunk, score) of the records that match `query`, best first: the share of the
    query they hold, plus a little for their rank in a hybrid search over the kind."""
    items = retriever.weighted_concepts(query)
    ids = {c.chunk_id for c in chunks}
    hits = retriever.search(query, k=50, filters=Filters(doc_types=KIND_DOC_TYPES[kind]))
    rank = {h.chunk.chunk_id: h.rank for h in hits if h.chunk.chunk_id in ids}
    out = []
    for c in chunks:
        share = _holds(items, _record_text(c) if c.record.kind != "policy" else judged_text(c))
        if c.record.kind == "policy":
            share = max(share, _holds(items, compact(c.doc.title)))
        bonus = 0.1 / (1 + rank[c.chunk_id]) if c.chunk_id in rank else 0.0
        if share >= MATCH_SHARE or (not items and c.chunk_id in rank):
            out.append((c, share + bonus))
    out.sort(key=lambda item: -item[1])
    return out


def find(
    retriever: Retriever,
    kind: str,
    query: str = "",
    *,
    where=None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    offset: int = 0,
    filters: Filters = Filters(),
    show_restricted: bool = False,
    today: date | None = None,
) -> FindResult:
    """Records of `kind` passing every filter, ranked by `query` when one is given.

    `where`: "FIELD=VALUE" strings (also !=, >, <, >=, <=) or a {field: value} dict; a field
    may be named by any name of its column (fields.txt) and a value in any of its forms.
    `since`/`until` (ISO dates) keep records whose date (range) overlaps them. `total`
    counts every match; `results` is the page [offset, offset + limit).
    """
    conditions = parse_where(where)
    if limit < 0 or offset < 0:
        raise LookupError("limit 和 offset 不能为负数 (limit and offset must be >= 0)")
    chunks = records_of(retriever, kind, filters)
    rows = [(c, record_fields(retriever, c, today)) for c in chunks]
    ignored = tuple(
        cond.name for cond in conditions if not any(_columns(cond.name, f) for _, f in rows)
    )
    if ignored:
        raise LookupError(
            f"{KIND_LABELS[kind]}记录没有字段“{'、'.join(ignored)}”，可用字段："
            f"{'、'.join(fields_of(retriever, kind))} (unknown field)"
        )
    kept = [
        (c, f)
        for c, f in rows
        if all(_meets(c, f, cond) for cond in conditions) and _in_range(c, since or "", until or "")
    ]
    fields = {c.chunk_id: f for c, f in kept}
    if query.strip():
        scored = _ranked(retriever, kind, query, [c for c, _ in kept])
    else:
        scored = [(c, 0.0) for c, _ in kept]
    page = scored[offset : offset + limit] if limit else scored[offset:]
    return FindResult(
        kind=kind,
        total=len(scored),
        results=tuple(FoundRecord(c, fields[c.chunk_id], s) for c, s in page),
        query=query,
        offset=offset,
        limit=limit,
        show_restricted=show_restricted,
    )


# --- list and count answers ------------------------------------------------------------------

SUMMARY_SKIP = re.compile(r"^(?:序号|链接|简介|需求内容|供给内容|服务内容|岗位要求)$")
SUMMARY_FIELDS = 6
LIST_LIMIT = 200


def summary(fields: dict, n: int = SUMMARY_FIELDS) -> str:
    """A record in one line: its first few short fields ("课程名称：…；开课学校：…")."""
    keep = [(k, v) for k, v in fields.items() if not SUMMARY_SKIP.match(k) and len(v) <= 40]
    return render_fields(keep[:n])


def _constraints(spec: QuestionSpec) -> list[str]:
    words = list(spec.concept_words) + [w for w in spec.labels if w not in spec.concept_words]
    out = []
    for w in words:
        if w in KIND_WORDS or is_number(w):
            continue
        if spec.years and w.rstrip("年").isdigit():
            continue
        out.append(w)
    return out


_ITEM_SPLIT = re.compile(r"[、，,；;/]")


def _mentions(spec: QuestionSpec, chunks: list[Chunk]) -> list[tuple[str, str]]:
    """(value, form as written) of the categorical values a question names: a school, a
    mode, a level, an audience — values several records share, found whole in the question
    in any of their forms ("成航院" for 成都航空职业技术大学, "在线" for 线上)."""
    counts: dict[str, int] = {}
    for c in chunks:
        for _, cell in c.record.fields:
            for item in {i.strip() for i in _ITEM_SPLIT.split(cell) if i.strip()}:
                if 2 <= len(item) <= 24:
                    counts[item] = counts.get(item, 0) + 1
    out: list[tuple[str, str]] = []
    taken = ""
    for value in sorted((v for v, n in counts.items() if n >= 2), key=len, reverse=True):
        for f in forms(value):
            cf = compact(f)
            if len(cf) >= 2 and cf in spec.norm and cf not in taken:
                out.append((value, cf))
                taken += "|" + cf
                break
    return out


def matching_records(
    spec: QuestionSpec, retriever: Retriever, filters: Filters = Filters()
) -> list[Chunk] | None:
    """The records a list or count question asks for, or None when records cannot say.

    The values the question names (a school, a mode, a level, an audience — see
    `_mentions`) and every other content word that narrows the set (a subject: 无损检测)
    must be held by a record, in any of their forms; words that name the kind or frame the
    question are not constraints. A word no record of the kind holds at all means the
    question is about something the records do not describe: None, and the passages answer
    instead. Dates come from `since`/`until`, else from the years named.
    """
    kind = spec.record_kind
    if kind not in KINDS or spec.negated:
        return None
    chunks = records_of(retriever, kind, filters)
    if not chunks:
        return None
    if kind == "policy":
        texts = {c.chunk_id: judged_text(c) for c in chunks}
    else:
        texts = {c.chunk_id: _record_text(c) for c in chunks}
    mentions = _mentions(spec, chunks)
    named = "|".join(f for _, f in mentions)
    words = [w for w in _constraints(spec) if compact(w) not in named]
    for w in words:
        if not any(_word_in(w, t) for t in texts.values()):
            return None
    kept = [
        c
        for c in chunks
        if all(_word_in(w, texts[c.chunk_id]) for w in words)
        and all(_word_in(v, texts[c.chunk_id]) for v, _ in mentions)
    ]
    since, until = spec.since, spec.until
    if not (since or until) and spec.years:
        since, until = f"{min(spec.years)}-01-01", f"{max(spec.years)}-12-31"
    return [c for c in kept if _in_range(c, since, until)]


def _word_in(word: str, text: str) -> bool:
    return any(held(compact(f), text) for f in forms(word))


def answer_from_records(
    spec: QuestionSpec, retriever: Retriever, filters: Filters = Filters()
) -> Answer | None:
    """The answer to a list or count question from records: how many, and every one of them
    cited (file, sheet and row). None when the question is not one records answer."""
    if spec.intent not in ("list", "count") or not spec.record_kind:
        return None
    found = matching_records(spec, retriever, filters)
    if found is None:
        return None
    label = KIND_LABELS[spec.record_kind]
    n = len(found)
    if not n:
        return Answer(
            question=spec.text,
            answer=f"没有找到符合条件的{label}记录（共0条）。",
            found=False,
            mode="extractive",
            notice="按记录逐条筛选，列表完整。",
        )
    shown = found[:LIST_LIMIT]
    lines = [
        f"符合条件的{label}共{n}条，列表完整："
        if spec.intent == "count"
        else f"共{n}条，列表完整："
    ]
    citations = []
    for i, c in enumerate(shown, start=1):
        lines.append(f"{i}. {summary(record_fields(retriever, c))}[{i}]")
        citations.append(citation_for(i, c))
    if n > len(shown):
        lines.append(
            f"（另有{n - len(shown)}条未列出，请用 chanjiao find {spec.record_kind} 查看）"
        )
    head = f"共{n}条。" if spec.intent == "count" else ""
    return Answer(
        question=spec.text,
        answer=head + "\n".join(lines),
        found=True,
        mode="extractive",
        citations=tuple(citations),
        notice=f"按记录逐条筛选：共{n}条，列表完整。",
    )
