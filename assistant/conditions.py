"""Policy conditions read by an LLM, and verified against the notice before anyone sees them.

The patterns of `ingest/policy_terms.py` find the conditions a notice lists under its usual
headings (申报条件, 补贴对象 …) and sort each into a profile dimension. A model reads the
whole notice and finds what patterns miss (a condition in a sentence of the body, two
conditions in one clause), but a model also invents. So nothing it says is taken on
trust: each condition must quote a span that really occurs in the notice (compared with
whitespace and punctuation removed), and the figures, places and names in its value must
occur in that span. A condition that fails either check is dropped, counted and logged,
never judged met or not met. What survives is merged with the pattern conditions (a
duplicate of one is dropped) and marked `origin: "llm"`; the pattern conditions are always
kept, and are all there is when no model is configured or the model fails.

What the model answered is cached by a hash of the notice's text and of the prompt,
in the index (`ChromaStore.put_derived`): an unchanged notice is never sent again, whether
re-ingested or matched. Verification runs every time the answer is used (it is cheap and
pure), so citations always point at the chunks of the live version. Who calls: `chanjiao
ingest` after indexing when an LLM is configured (`refresh_conditions`), and
`match_policy` for a notice still missing from the cache. The model is passed in (the
`ChatModel` protocol of `llm.py`); nothing here talks to the network itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ingest.aliases import forms
from ingest.policy_terms import notice_lines
from ingest.records import numbers_in
from ingest.types import Chunk

from .llm import ChatModel, LLMError

log = logging.getLogger("chanjiao.conditions")

PROMPT_NAME = "extract_conditions"
# Bump when what the code makes of an answer changes: cached answers are then asked again
# (an edit of the prompt file does that by itself, see `cache_key`).
PROMPT_VERSION = "1"
CACHE_PREFIX = "policy-conditions"
MAX_NOTICE_CHARS = 12000  # a notice is a few pages; a longer text is cut, not refused
MAX_QUOTE_CHARS = 200  # a quote of a whole section would make any value "appear" in it
MIN_QUOTE_CHARS = 4
# Condition types the model may name (prompt and parser share this table), and what each is.
CONDITION_TYPES = {
    "industry": "行业、产业链（如 航空航天产业链企业）",
    "size": "企业规模（中小微企业、规模以上等）",
    "district": "企业所在地、注册地（区、市、县、开发区）",
    "registration": "登记注册、纳税、社保缴纳等登记要求",
    "flag": "资质或称号（产教融合型企业、专精特新、高新技术企业、联合体成员单位等）",
    "revenue": "营业收入、产值、纳税额",
    "employees": "职工、劳动合同、社会保险",
    "investment": "投入、合同金额、支付",
    "cooperation": "校企合作、实习、共建、协议",
    "credit": "信用、违法违规、安全生产记录",
    "other": "其他条件",
}
OPERATORS = (">=", ">", "<=", "<", "=", "!=", "in")
_OPERATOR_WORDS = {"≥": ">=", "≤": "<=", "==": "=", "≠": "!=", "<>": "!="}
# The profile dimension (what `match.judge_condition` can judge) of each type.
_DIMENSIONS = {"industry": "industry", "size": "size", "district": "district", "flag": "flag"}
# How a type is named to a reader (match output): "资质 = 试点企业".
TYPE_LABELS = {
    "industry": "行业",
    "size": "规模",
    "district": "所在地",
    "registration": "登记",
    "flag": "资质",
    "revenue": "营收",
    "employees": "职工",
    "investment": "投入",
    "cooperation": "校企合作",
    "credit": "信用",
    "other": "条件",
}
_SIZE_WORDS = re.compile(r"中小|小微|微型|小型|中型|大型|规模以上")
_CN_NUMERAL = re.compile(r"[零一二三四五六七八九十百千万两]+")
_PLACE = re.compile(r"(?:省|市|区|县|州|旗|开发区|经开区|园区|新区)$")
ORIGIN_PATTERN, ORIGIN_LLM = "pattern", "llm"


class ExtractionError(Exception):
    """The model's reply is not the JSON the prompt asks for."""


class ConditionCache(Protocol):
    """Where the model's answers are kept, by key."""

    def get(self, key: str) -> dict | None: ...

    def put(self, key: str, value: dict) -> None: ...


class StoreCache:
    """The model's answers kept in the index itself (`<prefix>_derived`)."""

    def __init__(self, store):
        self.store = store

    def get(self, key: str) -> dict | None:
        return self.store.get_derived([key]).get(key)

    def put(self, key: str, value: dict) -> None:
        self.store.put_derived(key, value)


class MemoryCache:
    """An in-memory cache (tests, one-off runs)."""

    def __init__(self):
        self.values: dict[str, dict] = {}

    def get(self, key: str) -> dict | None:
        return self.values.get(key)

    def put(self, key: str, value: dict) -> None:
        self.values[key] = value


# --- pure: the notice, the reply, verification, merging -----------------------------------


def notice_text(lines: list[tuple[str, Chunk]]) -> str:
    """The notice as the model sees it: its lines, cut at MAX_NOTICE_CHARS."""
    return "\n".join(t for t, _ in lines)[:MAX_NOTICE_CHARS]


def cache_key(text: str) -> str:
    """The key of a notice's answer: the notice's text and the prompt it was asked with
    (an edited prompt asks again)."""
    from .prompts import PROMPTS_DIR

    prompt = (PROMPTS_DIR / f"{PROMPT_NAME}.md").read_text("utf-8")
    digest = hashlib.sha256(f"{PROMPT_VERSION}\n{prompt}\n{text}".encode()).hexdigest()
    return f"{CACHE_PREFIX}-{digest[:40]}"


def build_prompt(title: str, doc_number: str, text: str) -> str:
    from .prompts import render  # langchain-core: loaded only when a model is asked

    types = "\n".join(f'  "{k}"：{v}' for k, v in CONDITION_TYPES.items())
    example = json.dumps(
        {
            "conditions": [
                {"type": "district", "operator": "=", "value": "…", "scope": "all", "quote": "…"}
            ]
        },
        ensure_ascii=False,
    )
    return render(
        PROMPT_NAME,
        types=types,
        operators="、".join(f'"{o}"' for o in OPERATORS),
        max_quote=str(MAX_QUOTE_CHARS),
        example=example,
        empty='{"conditions": []}',
        title=title,
        doc_number=doc_number or "（无）",
        notice=text,
    )


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def parse_reply(reply: str) -> list:
    """The condition items of a reply: `{"conditions": [...]}` or a bare list, optionally
    in a ```json fence. Raises ExtractionError on anything else."""
    text = reply.strip()
    if m := _FENCE.search(text):
        text = m.group(1).strip()
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        raise ExtractionError("大模型的回复不是 JSON (reply is not JSON)")
    try:
        data, _ = json.JSONDecoder().raw_decode(text[min(starts) :])
    except ValueError as e:
        raise ExtractionError(f"大模型的回复不是有效的 JSON (invalid JSON: {e})") from None
    items = data.get("conditions") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ExtractionError('大模型的回复缺少 "conditions" 列表 (no "conditions" list)')
    return items


def _norm_char(ch: str) -> str:
    """One character as compared: full-width folded, lower case; blanks and punctuation
    vanish (a quote may differ from the text in spaces, line breaks and 、，。; not in words
    or figures: "%" stays)."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).lower():
        if c.isspace() or (unicodedata.category(c).startswith("P") and c != "%"):
            continue
        out.append(c)
    return "".join(out)


# Brackets and quotation marks a span is widened over, so that a clause never shows
# "（一" or "“示例" half-open: normalising drops them, so the match starts or ends inside.
_OPENING = "(（[【“‘《「『"
_CLOSING = ")）]】”’》」』"


def norm(text: str) -> str:
    return "".join(_norm_char(c) for c in str(text))


@dataclass(frozen=True)
class NoticeText:
    """A notice's lines, and its normalised text with, for each character, where it stands
    (line, offset): so a quote found in the normalised text maps back to the exact span of
    the original and the chunk that holds it."""

    lines: tuple[tuple[str, Chunk], ...]
    normalised: str
    where: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, lines: list[tuple[str, Chunk]]) -> NoticeText:
        chars, where = [], []
        for i, (line, _) in enumerate(lines):
            for j, ch in enumerate(line):
                n = _norm_char(ch)
                chars.append(n)
                where.extend([(i, j)] * len(n))
        return cls(tuple(lines), "".join(chars), tuple(where))

    def find(self, quote: str) -> tuple[str, Chunk] | None:
        """(the original span, its chunk) of `quote`, or None when the notice does not hold it."""
        q = norm(quote)
        pos = self.normalised.find(q) if q else -1
        if pos < 0:
            return None
        (li, lj), (ri, rj) = self.where[pos], self.where[pos + len(q) - 1]
        left, right = self.lines[li][0], self.lines[ri][0]
        while lj > 0 and left[lj - 1] in _OPENING:
            lj -= 1
        while rj + 1 < len(right) and right[rj + 1] in _CLOSING:
            rj += 1
        if li == ri:
            span = self.lines[li][0][lj : rj + 1]
        else:
            parts = [self.lines[li][0][lj:]]
            parts += [self.lines[k][0] for k in range(li + 1, ri)]
            parts.append(self.lines[ri][0][: rj + 1])
            span = "".join(parts)
        return span, self.lines[li][1]


def _value_text(value) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(_value_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def value_holds(value: str, span: str, kind: str = "") -> bool:
    """Whether every figure and name of `value` is in `span`: "50人次" in "不少于50人次",
    "三年"/"3年" in "近三年", "成都" in "在成都市依法登记注册". A place may also be
    named by one of its forms (places.txt)."""
    if not value:
        return True
    v, s = norm(value), norm(span)
    if v in s:
        return True
    figures = numbers_in(value)
    if figures:
        held = numbers_in(span)
        if not all(any(abs(f - h) < 1e-9 for h in held) for f in figures):
            return False
        words = [norm(w) for w in re.split(r"\d+(?:\.\d+)?", value)]
        # What is left beside the figures: a unit ("人次", "万元") must be there too;
        # Chinese numerals were already read as figures.
        words = [w for w in words if w and not _CN_NUMERAL.fullmatch(w)]
        return all(w in s for w in words)
    if kind in ("district", "registration"):
        return any(norm(f) in s for f in forms(value, "places.txt"))
    return False


def _operator(op) -> str:
    op = str(op or "=").strip()
    op = _OPERATOR_WORDS.get(op, op)
    return op if op in OPERATORS else "="


def _dimension(kind: str, value: str) -> str:
    """The profile dimension a condition is judged on. A value that does not fit its type
    (a "district" that names no place, a "size" with no size word) is kept but not judged:
    a mislabelled condition must not rule a firm out."""
    if kind in ("district", "registration"):
        is_place = _PLACE.search(value) or len(forms(value, "places.txt")) > 1
        return "district" if value and is_place else "other"
    if kind == "size":
        return "size" if _SIZE_WORDS.search(value) else "other"
    if kind in _DIMENSIONS and value:
        return _DIMENSIONS[kind]
    return "other"


def verify(items: list, notice: NoticeText) -> tuple[list[dict], list[dict]]:
    """(verified conditions, dropped items with the reason) of the model's items.

    A verified condition carries the exact span of the notice it quotes as its `clause`,
    the chunk holding it, its type, operator, value and scope ("all": a condition of the
    whole notice; "part": of one measure or one kind of applicant), and `origin: "llm"`.
    """
    kept, dropped = [], []
    seen: set[tuple[str, str, str]] = set()

    def drop(item, reason: str) -> None:
        entry = {
            "type": str(item.get("type", "")) if isinstance(item, dict) else "",
            "value": _value_text(item.get("value")) if isinstance(item, dict) else "",
            "quote": str(item.get("quote", "")) if isinstance(item, dict) else str(item)[:80],
            "reason": reason,
        }
        log.info("dropped LLM condition %s: %s", entry, reason)
        dropped.append(entry)

    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("quote"), str):
            drop(item, "格式不符：缺少原文引文 (no quote)")
            continue
        quote = item["quote"]
        kind = str(item.get("type") or "other").strip().lower()
        kind = kind if kind in CONDITION_TYPES else "other"
        value = _value_text(item.get("value"))
        n = len(norm(quote))
        if n < MIN_QUOTE_CHARS:
            drop(item, "引文过短，无法核对 (quote too short to verify)")
            continue
        if n > MAX_QUOTE_CHARS:
            drop(item, "引文过长，不是一个条款 (quote too long to be one clause)")
            continue
        found = notice.find(quote)
        if found is None:
            drop(item, "引文不在通知原文中 (quote not in the notice)")
            continue
        span, chunk = found
        if not value_holds(value, span, kind):
            drop(item, "取值不在所引原文中 (value not in the quoted clause)")
            continue
        dim = _dimension(kind, value)
        key = (norm(span), dim, norm(value))
        if key in seen:
            continue  # the model said the same thing twice
        seen.add(key)
        kept.append(
            {
                "clause": span,
                "chunk_id": chunk.chunk_id,
                "dimension": dim,
                "value": value,
                "type": kind,
                "operator": _operator(item.get("operator")),
                # Unless the model says a condition governs the whole notice, it may be the
                # condition of one measure only: shown and judged, never disqualifying.
                "scope": "all" if item.get("scope") == "all" else "part",
                "origin": ORIGIN_LLM,
            }
        )
    return kept, dropped


def describe(condition: dict) -> str:
    """How an LLM condition is marked in text: "（大模型抽取：资质 = 试点企业，已核对原文；仅针对
    其中部分措施）" — what it tests, so that one clause read two ways is not a riddle."""
    if condition.get("origin") != ORIGIN_LLM:
        return ""
    what = ""
    if condition.get("value"):
        label = TYPE_LABELS.get(condition.get("type", ""), "条件")
        what = f"：{label} {condition.get('operator', '=')} {condition['value']}"
    scope = "；仅针对其中部分措施" if condition.get("scope") == "part" else ""
    return f"（大模型抽取{what}，已核对原文{scope}）"


def merge(pattern: list[dict], llm: list[dict]) -> list[dict]:
    """The pattern conditions (each marked `origin: "pattern"`), then every verified LLM
    condition that says something they do not: one whose clause overlaps a pattern clause
    is a duplicate when it tests the same dimension and value, or nothing a profile can
    judge ("other") — the pattern condition already shows that clause."""
    out = [{**c, "origin": c.get("origin", ORIGIN_PATTERN)} for c in pattern]
    for c in llm:
        clause = norm(c["clause"])
        duplicate = False
        for p in out:
            other = norm(p["clause"])
            if not (clause and other and (clause in other or other in clause)):
                continue
            same = p["dimension"] == c["dimension"] and norm(p["value"]) == norm(c["value"])
            if same or c["dimension"] == "other":
                duplicate = True
                break
        if not duplicate:
            out.append(c)
    return out


# --- the extraction, with its cache ------------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    """What the model contributed to one notice's conditions.

    `status`: "verified" (asked now), "cached" (asked before, the same text), "failed"
    (the endpoint or its reply failed: `error` says why; pattern conditions only), "absent"
    (no model configured and nothing cached)."""

    conditions: tuple[dict, ...] = ()
    dropped: tuple[dict, ...] = ()
    status: str = "absent"
    error: str = ""
    returned: int = 0

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "returned": self.returned,
            "verified": len(self.conditions),
            "dropped": list(self.dropped),
            "error": self.error,
        }


@dataclass
class ConditionExtractor:
    """Asks `chat` (None: no model, the cache only) for a notice's conditions, once per text."""

    chat: ChatModel | None
    cache: ConditionCache = field(default_factory=MemoryCache)
    model_name: str = ""
    calls: int = 0

    def extract(self, record_chunk: Chunk, chunks: list[Chunk]) -> Extraction:
        """The verified conditions the model reads in the notice whose chunks are `chunks`."""
        lines = notice_lines(chunks)
        text = notice_text(lines)
        key = cache_key(text)
        cached = self.cache.get(key)
        status = "cached"
        if cached is None:
            if self.chat is None:
                return Extraction()
            doc = record_chunk.doc
            prompt = build_prompt(doc.title, doc.doc_number, text)
            self.calls += 1
            try:
                reply = self.chat.complete([{"role": "user", "content": prompt}])
                items = parse_reply(reply)
            except (LLMError, ExtractionError) as e:
                # Said once to the user by the caller (match notice, ingest report).
                log.info("LLM condition extraction failed for %s: %s", doc.source, e)
                return Extraction(status="failed", error=str(e))
            cached = {"items": items, "model": self.model_name, "version": PROMPT_VERSION}
            self.cache.put(key, cached)
            status = "verified"
        items = cached.get("items") or []
        kept, dropped = verify(items, NoticeText.of(lines))
        return Extraction(tuple(kept), tuple(dropped), status, "", len(items))


@dataclass
class RefreshReport:
    """What `refresh_conditions` did, for the ingest report."""

    notices: int = 0
    asked: int = 0
    cached: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    verified: int = 0
    dropped: int = 0

    def to_json(self) -> dict:
        return {
            "notices": self.notices,
            "asked": self.asked,
            "cached": self.cached,
            "failed": [{"source": s, "reason": r} for s, r in self.failed],
            "verified": self.verified,
            "dropped": self.dropped,
        }

    def to_text(self) -> str:
        line = (
            f"政策条件（大模型抽取）：通知 {self.notices} 份，新抽取 {self.asked}，"
            f"缓存 {self.cached}，失败 {len(self.failed)}；核验保留 {self.verified} 条，"
            f"删去 {self.dropped} 条 (LLM conditions: verified {self.verified}, "
            f"dropped {self.dropped})"
        )
        fails = [f"  失败 {s}：{r}" for s, r in self.failed]
        return "\n".join([line, *fails])


def notice_chunks(view, record_chunk: Chunk) -> list[Chunk]:
    """Every chunk of the notice whose record is `record_chunk`, in document order."""
    return [view.chunks[p] for p in view.positions_of(record_chunk.doc.doc_id)]


def refresh_conditions(
    notices: list[Chunk],
    chunks_of: Callable[[Chunk], list[Chunk]],
    extractor: ConditionExtractor,
) -> RefreshReport:
    """Have every notice read by the model once (an unchanged one is found in the cache)."""
    report = RefreshReport()
    for record_chunk in notices:
        got = extractor.extract(record_chunk, chunks_of(record_chunk))
        report.notices += 1
        if got.status == "failed":
            report.failed.append((record_chunk.doc.source, got.error))
            continue
        report.asked += got.status == "verified"
        report.cached += got.status == "cached"
        report.verified += len(got.conditions)
        report.dropped += len(got.dropped)
    return report
