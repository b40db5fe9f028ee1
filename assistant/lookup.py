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
    # what every course and training is: taught ("混合教学的课程" is a mode, 混合)
    + "教学 授课 上课 开课 讲授 学习 举办 承办 办".split()
    # periods the question reading turns into since/until ("暑假" → July–August)
    + "暑假 寒假 暑期 寒期 假期 上半年 下半年 春季 秋季 夏季 冬季".split()
    + "年初 年底 今年 明年 去年 期间".split()
)
POLICY_STATUS_LABELS = {"current": "有效", "expired": "已失效", "superseded": "已被取代"}
MATCH_SHARE = 0.5  # share of a query's weighted concepts a record must hold to match it
_WHERE = re.compile(r"^\s*([^=<>!~]+?)\s*(>=|<=|!=|=|>|<|~)\s*(.*?)\s*$")


class LookupRequestError(ValueError):
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
            raise LookupRequestError(
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
        raise LookupRequestError(
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
    """Whether a cell says `value` in any of its forms (成航院 = 成都航空职业技术大学); an
    alias shorter than SHORT_ALIAS only as a whole item of the cell."""
    text = fold(cell)
    if fold(value) in text:
        return True
    items = {fold(i) for i in _items(cell)} | {text}
    return any(
        (fold(f) in text) if len(f) >= SHORT_ALIAS else fold(f) in items for f in forms(value)[1:]
    )


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
    # Keyword and dense ranks over the kind's documents, fused by rank; the passage
    # reranking of `search` is not needed, the records are judged by what they hold.
    view = retriever.view()
    kind_filter = Filters(doc_types=KIND_DOC_TYPES[kind])
    fused: dict[str, float] = {}
    for ranked in (
        retriever.keyword(query, 50, kind_filter),
        retriever.dense(query, 50, kind_filter),
    ):
        for r, (pos, _) in enumerate(ranked):
            cid = view.chunks[pos].chunk_id
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (10 + r + 1)
    order = sorted(fused, key=lambda cid: -fused[cid])
    rank = {cid: i + 1 for i, cid in enumerate(order) if cid in ids}
    out = []
    for c in chunks:
        if c.record.kind == "policy":  # a notice is judged by its whole text
            share = _holds(items, view.doc_text(c.doc.doc_id))
        else:
            share = _holds(items, _record_text(c))
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
        raise LookupRequestError("limit 和 offset 不能为负数 (limit and offset must be >= 0)")
    chunks = records_of(retriever, kind, filters)
    rows = [(c, record_fields(retriever, c, today)) for c in chunks]
    ignored = tuple(
        cond.name for cond in conditions if not any(_columns(cond.name, f) for _, f in rows)
    )
    if ignored:
        raise LookupRequestError(
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
WHOLE_RECORDS = 3  # a list this short shows each record whole


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
SHORT_ALIAS = 4  # an alias shorter than this must be a whole cell item ("成航大" ≠ 成航大学科技园)


def _items(text: str) -> set[str]:
    return {i.strip() for i in _ITEM_SPLIT.split(text) if i.strip()}


def _mentions(spec: QuestionSpec, chunks: list[Chunk]) -> list[tuple[str, str]]:
    """(value, form as written) of the categorical values a question names: a school, a
    mode, a level, an audience — values several records share — and the names of the
    sheets records are kept in ("人才需求"), each found whole in the question in any of
    its forms ("成航院" for 成都航空职业技术大学, "在线" for 线上). Longer forms first, so
    "线上线下混合" is 混合 and not also 线上. A sheet is mentioned as "@sheet:NAME"."""
    counts: dict[str, int] = {}
    sheets = set()
    for c in chunks:
        if c.sheet:
            sheets.add(c.sheet)
        for _, cell in c.record.fields:
            for item in _items(cell):
                if 2 <= len(item) <= 24:
                    counts[item] = counts.get(item, 0) + 1
    found: list[tuple[str, str]] = []
    for value in (v for v, n in counts.items() if n >= 2):
        for f in forms(value):
            cf = compact(f)
            if len(cf) >= 2 and cf in spec.norm:
                found.append((value, cf))
    found += [
        (f"@sheet:{s}", compact(s)) for s in sheets if len(s) >= 3 and compact(s) in spec.norm
    ]
    out: list[tuple[str, str]] = []
    taken = spec.norm
    for value, cf in sorted(found, key=lambda vf: -len(vf[1])):
        if cf in taken:
            out.append((value, cf))
            taken = taken.replace(cf, "\x00")
    return out


def matching_records(
    spec: QuestionSpec, retriever: Retriever, filters: Filters = Filters()
) -> list[Chunk] | None:
    """The records a list or count question asks for, or None when records cannot say
    (see `_matching`)."""
    found = _matching(spec, retriever, filters)
    return None if found is None else found[0]


def _matching(
    spec: QuestionSpec, retriever: Retriever, filters: Filters = Filters()
) -> tuple[list[Chunk], list[str]] | None:
    """The records a list or count question asks for, with the subject words that narrowed
    them (held literally); None when records cannot say.

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
    else:  # its fields, and the title of its list (what every row of it is)
        texts = {c.chunk_id: compact(c.doc.title) + "|" + _record_text(c) for c in chunks}
    mentions = _mentions(spec, chunks)
    rest = spec.norm
    for _, cf in mentions:
        rest = rest.replace(cf, "\x00")
    # a word inside a value the question names ("成航院办" → 院办) is that value's
    words = [w for w in _constraints(spec) if compact(w) in rest]
    for w in words:
        if not any(_word_in(w, t) for t in texts.values()):
            return None

    def holds_mention(c: Chunk, value: str) -> bool:
        if value.startswith("@sheet:"):
            return c.sheet == value[len("@sheet:") :]
        return _word_in(value, texts[c.chunk_id])

    kept = [
        c
        for c in chunks
        if all(_word_in(w, texts[c.chunk_id]) for w in words)
        and all(holds_mention(c, v) for v, _ in mentions)
    ]
    since, until = spec.since, spec.until
    if not (since or until) and spec.years:
        since, until = f"{min(spec.years)}-01-01", f"{max(spec.years)}-12-31"
    # the words that narrowed the set: one every record holds (the list's own title,
    # "开放课程") filtered nothing out
    narrowing = [w for w in words if not all(_word_in(w, t) for t in texts.values())]
    return [c for c in kept if _in_range(c, since, until)], narrowing


def _word_in(word: str, text: str) -> bool:
    """Whether `text` holds `word`, or an alias of it (a short alias only as a whole item)."""
    if held(compact(word), text):
        return True
    return any(_alias_in(compact(f), text) for f in forms(word)[1:])


def _alias_in(alias: str, text: str) -> bool:
    if len(alias) >= SHORT_ALIAS:
        return alias in text
    return any(alias == item for part in text.split("|") for item in _items(_cells(part)))


def _cells(text: str) -> str:
    """The values of a rendered record "列名：值；列名：值" as one 、-separated string."""
    return "、".join(pair.split("：", 1)[-1] for pair in text.split("；"))


def answer_from_records(
    spec: QuestionSpec, retriever: Retriever, filters: Filters = Filters()
) -> Answer | None:
    """The answer to a list or count question from records: how many, and every one of them
    cited (file, sheet and row). None when the question is not one records answer."""
    if spec.intent not in ("list", "count") or not spec.record_kind:
        return None
    matched = _matching(spec, retriever, filters)
    if matched is None:
        return None
    found, words = matched
    label = KIND_LABELS[spec.record_kind]
    n = len(found)
    if not n:
        # No record passes the filters read from the question — which may be a filter
        # misread (a name the records spell otherwise) as well as a true zero: passage
        # search decides, and refuses when nothing answers.
        return None
    shown = found[:LIST_LIMIT]
    # Complete for what was asked of the rows. A subject word ("无损检测") is matched as
    # written: a related row that never uses the word is not among them, and the reader is
    # told so rather than promised a completeness the filter cannot give.
    if words:
        criterion = "含“" + "”“".join(words) + "”的"
        which = "这些词" if len(words) > 1 else "该词"
        complete = f"列表完整（按字面筛选：相关但不含{which}的{label}不在其中）"
    else:
        criterion, complete = "符合条件的", "列表完整"
    lines = [
        f"{criterion}{label}共{n}条，{complete}："
        if spec.intent == "count" or words
        else f"共{n}条，列表完整："
    ]
    citations = []
    for i, c in enumerate(shown, start=1):
        fields = record_fields(retriever, c)
        # A few records are what the question is about: shown whole, the field it asks for
        # ("需求内容", "授权日期") among them; a longer list, one line each.
        line = render_fields(list(fields.items())) if n <= WHOLE_RECORDS else summary(fields)
        lines.append(f"{i}. {line}[{i}]")
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
        notice=f"按记录逐条筛选：共{n}条，{complete}。",
    )


# --- versions of a policy ----------------------------------------------------------------------

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
SAME_CLAUSE = 0.5  # bigram overlap of two sentences, numbers left out, to be the same clause


def _skeleton(text: str) -> set[str]:
    t = _DIGITS.sub("#", compact(text))
    return {t[i : i + 2] for i in range(len(t) - 1)}


def _similarity(a: str, b: str) -> float:
    x, y = _skeleton(a), _skeleton(b)
    return len(x & y) / (len(x | y) or 1)


def _chunk(retriever: Retriever, chunk_id: str) -> Chunk | None:
    view = retriever.view()
    pos = view.position.get(chunk_id)
    return view.chunks[pos] if pos is not None else None


def version_pairs(retriever: Retriever, filters: Filters = Filters()) -> list[tuple[Chunk, Chunk]]:
    """(old, new) policy records where the new notice supersedes the old one."""
    notices = records_of(retriever, "policy", filters)
    by_number = {c.doc.doc_number: c for c in notices if c.doc.doc_number}
    pairs = []
    for old in notices:
        by = superseded_by(retriever, old)
        if by in by_number and by_number[by] is not old:
            pairs.append((old, by_number[by]))
    return pairs


def _fmt_yuan(v: float) -> str:
    if v >= 10000 and v % 10000 == 0:
        return f"{v / 10000:g}万元"
    return f"{v:g}元"


def compare_versions(
    spec: QuestionSpec, retriever: Retriever, filters: Filters = Filters()
) -> Answer | None:
    """Old and new values side by side, each cited, and the difference, when a question
    compares the versions of a policy and one notice supersedes another. None otherwise.

    The pair is the one whose 文号 the question names, else the one a policy search for the
    question finds first. Clauses are paired by wording with the numbers left out
    ("按每人每年4000元给予…" ↔ "按每人每年6000元给予…"); when some pairs hold the
    question's words (中级工), only those are shown.
    """
    if spec.intent != "comparison":
        return None
    pairs = version_pairs(retriever, filters)
    if not pairs:
        return None
    named = set(spec.doc_numbers)
    pair = next((p for p in pairs if named & {p[0].doc.doc_number, p[1].doc.doc_number}), None)
    if pair is None and spec.versions:
        # Without a 文号, only a question that speaks of versions (原来, 调整后, 新旧) and
        # whose best document is one of a pair: "青岛和上海的比例有什么不同" compares two
        # places, and "两种学徒制补贴有什么区别" two things of one notice.
        hits = retriever.search(spec.text, k=5)
        docs = [h.chunk.doc.doc_id for h in hits if filters.admits(h.chunk)]
        if docs:
            pair = next((p for p in pairs if docs[0] in (p[0].doc.doc_id, p[1].doc.doc_id)), None)
    if pair is None:
        return None
    old, new = pair
    rows = []
    for n_amount in new.record.values.get("amounts", ()):
        best, score = None, 0.0
        for o_amount in old.record.values.get("amounts", ()):
            s = _similarity(n_amount["text"], o_amount["text"])
            if s > score:
                best, score = o_amount, s
        if best is not None and score >= SAME_CLAUSE and best["yuan"] != n_amount["yuan"]:
            rows.append((best, n_amount))
    words = [w for w in spec.concept_words if w not in KIND_WORDS]
    focused = [r for r in rows if any(_word_in(w, compact(r[1]["text"])) for w in words)]
    rows = focused or rows
    if not rows:
        return None
    lines = [
        f"《{new.doc.title}》（{new.doc.doc_number}）取代了《{old.doc.title}》"
        f"（{old.doc.doc_number}）。新旧标准对照："
    ]
    citations: list = []
    cited: dict[str, int] = {}

    def cite(chunk_id: str) -> int:
        if chunk_id not in cited:
            chunk = _chunk(retriever, chunk_id)
            if chunk is None:
                return 0
            cited[chunk_id] = len(citations) + 1
            citations.append(citation_for(cited[chunk_id], chunk))
        return cited[chunk_id]

    for i, (o, n) in enumerate(rows, start=1):
        diff = n["yuan"] - o["yuan"]
        pct = f"，{diff / o['yuan']:+.0%}" if o["yuan"] else ""
        change = "增加" if diff > 0 else "减少"
        lines.append(f"{i}. 原（{old.doc.doc_number}）：{o['text']}[{cite(o['chunk_id'])}]")
        lines.append(f"   现（{new.doc.doc_number}）：{n['text']}[{cite(n['chunk_id'])}]")
        lines.append(
            f"   变化：{_fmt_yuan(o['yuan'])} → {_fmt_yuan(n['yuan'])}，"
            f"{change}{_fmt_yuan(abs(diff))}{pct}"
        )
    return Answer(
        question=spec.text,
        answer="\n".join(lines),
        found=True,
        mode="extractive",
        citations=tuple(citations),
        notice=f"{old.doc.doc_number}已被{new.doc.doc_number}取代，旧标准仅供对照。",
    )


def answer_with_records(
    spec: QuestionSpec, retriever: Retriever, filters: Filters = Filters()
) -> Answer | None:
    """The records' answer to a question, if records answer it: versions of a policy side
    by side, else a list or a count. For `ask` to try before passages (None: passages)."""
    return compare_versions(spec, retriever, filters) or answer_from_records(
        spec, retriever, filters
    )
