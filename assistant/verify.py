"""Citation verification: an LLM's answer checked sentence by sentence against its sources.

Runs after generation and before anything is shown. The reply is split into sentences (at
。！？!? and newlines); each must cite a supplied source with a marker ([S1], 【S1】, [S1,
S2] …), and every number (5,000 = 5000 = 5千 = 五千; 3% = 百分之三; years; codes like 8.5.2)
and named entity (《title》, “quoted term”, organisations ending in 局/厅/部/委/公司/大学/学院/
学校 …) in it must appear in a passage it cites. Markers naming no supplied source are
removed; a sentence left without a valid citation, or not supported by what it cites, is
dropped and reported with the reason. Surviving citations are renumbered [1], [2], … in
order of first use. Pure: text and sources in, a `Verified` value out; no model, no I/O.

It checks that a claim's specifics are in the cited passage, not that the passage entails
the claim: a sentence that rearranges true facts wrongly can still pass.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ingest.types import Chunk, Citation, Dropped, citation_for

from .prompts import REFUSAL

NO_CITATION = "无引用 (no citation)"

# A marker as models write them: [S1] [s1] 【S1】 ［S1］ [S1, S2] [S1、S3] [1] 【2】. Up to three
# digits, so a bracketed year such as [2024] is text, not a marker.
_ID = r"[A-Za-z]{0,3}\s*\d{1,3}"
_MARKER = re.compile(rf"[\[【［]\s*({_ID}(?:\s*[,，、;；]\s*{_ID})*)\s*[\]】］]")
_ID_PART = re.compile(r"([A-Za-z]{0,3})\s*(\d{1,3})")
_ENDS = "。！？!?"
_CLOSERS = "”’」』）)"
_ENUMERATION = re.compile(
    r"^\s*(?:[-*•·]+|#+|\d{1,2}[.、)）](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)\s*"
)
_ABSENCE = re.compile(
    r"(资料|知识库|文件|材料)(中|里|内)?(没有|未|并未|均未|尚未|不)(提及|提到|涉及|说明|规定|找到|载明|包含)"
)
_LEAD_IN_MAX = 30

# Numbers: Arabic (after separators are removed) with an optional Chinese unit or percent
# sign; dotted codes (8.5.2) are kept as strings; runs of Chinese numerals.
_ARABIC = re.compile(r"(?<![\d.])(\d+(?:\.\d+)*)(千万|百万|万亿|亿|万|千)?([%‰])?")
_UNITS = {"千万": 10**7, "百万": 10**6, "万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 10**3}
_CN_PERCENT = re.compile(r"百分之([零〇一二两三四五六七八九十百]+|\d+(?:\.\d+)?)")
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}

# Named entities.
_TITLE = re.compile(r"《([^《》]{1,80})》")
_QUOTED = re.compile(r"[“「『\"]([^“”「」『』\"\n]{2,40})[”」』\"]")
_ORG_SUFFIXES = ("委员会", "公司", "大学", "学院", "学校", "集团", "局", "厅", "部", "委")
# Where a suffix character is an ordinary word, not the end of an organisation's name.
_NOT_ORG_NEXT = {
    "部": "门分署位件长队属落下",
    "局": "面限部势长",
    "厅": "堂长",
    "委": "托员屈婉身任派",
    "大学": "生",
    "学校": "长",
}
_NOT_ORG_PREV = {
    "部": "全内外东西南北中局干本各头底顶总一两半",
    "局": "格布结当大时开胜僵全棋赌",
    "厅": "大客餐门舞展",
}
# An organisation's name is read backwards from its suffix up to one of these.
_BOUNDARY_CHARS = set("的和与及或由在向对经将把被给从据并同为是于等该本其此即均已请")
_BOUNDARY_WORDS = (
    "根据",
    "按照",
    "依据",
    "会同",
    "联合",
    "通过",
    "要求",
    "支持",
    "以及",
    "关于",
    "对于",
    "经过",
    "负责",
    "牵头",
    "组织",
    "指导",
    "推动",
    "依托",
    "其中",
    "包括",
    "报送",
    "提交",
    "审核",
    "批准",
)
_ORG_MAX_RUN = 12
# How much of an organisation's name must be found in the cited passage: the whole name, or
# at least this many characters before the suffix (so 宁波市教育局 is not supported by a
# passage about 杭州市教育局, but 支持宁波市教育局 is supported by 宁波市教育局).
_ORG_MATCH_CHARS = 5


@dataclass(frozen=True)
class Source:
    """A passage as given to the model: its opaque id, its chunk, and the text it was shown."""

    id: str
    chunk: Chunk
    text: str


@dataclass(frozen=True)
class Fact:
    """A checkable specific of a sentence: ("num"|"pct"|"code"|"text", value) and how it read."""

    kind: str
    value: object
    shown: str


@dataclass(frozen=True)
class Verified:
    """The verified answer text, its renumbered citations, and what was dropped and why.

    `refused` is true when the model said the sources do not answer the question.
    """

    text: str
    citations: tuple[Citation, ...]
    dropped: tuple[Dropped, ...]
    refused: bool = False
    used: tuple[str, ...] = ()


# --- text primitives ------------------------------------------------------------------


def normalize(text: str) -> str:
    """Full-width folded, whitespace and thousands separators removed: 5，000 元 → 5000元."""
    text = unicodedata.normalize("NFKC", text or "")
    # Whitespace goes ("20 号" → "20号"), except between two numbers, which it keeps apart
    # (a table row "理工 2 25000" holds 2 and 25000, not 225000).
    text = re.sub(r"(?<=\d)\s+(?=\d)", " ", text)
    text = re.sub(r"(?<!\d)\s+|\s+(?!\d)", "", text)
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def _bare(text: str) -> str:
    """Only letters, digits and CJK: for comparing sentences regardless of punctuation."""
    return "".join(ch for ch in normalize(text) if ch.isalnum())


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(line number, sentence) pairs. Markers written after the full stop stay with it."""
    out: list[tuple[int, str]] = []
    for line_no, line in enumerate(text.splitlines()):
        start = i = 0
        while i < len(line):
            if line[i] not in _ENDS:
                i += 1
                continue
            j = i + 1
            while j < len(line) and (line[j] in _ENDS or line[j] in _CLOSERS):
                j += 1
            while True:  # "……5000元。[S1]" — the marker belongs to this sentence
                k = j
                while k < len(line) and line[k] in " \t":
                    k += 1
                m = _MARKER.match(line, k)
                if not m:
                    break
                j = m.end()
            piece = line[start:j].strip()
            if piece:
                out.append((line_no, piece))
            start = i = j
        piece = line[start:].strip()
        if piece:
            out.append((line_no, piece))
    return out


def marker_ids(sentence: str) -> list[str]:
    """The source ids a sentence cites, in order, upper-cased: "[S1, s2]【3】" → S1, S2, 3."""
    ids = []
    for m in _MARKER.finditer(sentence):
        for prefix, digits in _ID_PART.findall(m.group(1)):
            ids.append(f"{prefix.upper()}{int(digits)}")
    return ids


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def _content(sentence: str) -> str:
    """The claim of a sentence: no markers, list numbering or markdown emphasis."""
    body = strip_markers(sentence)
    body = _ENUMERATION.sub("", body)
    return body.replace("**", "").replace("__", "").strip()


def is_refusal(text: str) -> bool:
    """Whether `text` says only the refusal sentence (markers and punctuation aside)."""
    return _bare(strip_markers(text)) == _bare(REFUSAL)


def _is_absence(body: str) -> bool:
    """A statement that the sources do not cover something: needs no citation."""
    return _bare(REFUSAL) in _bare(body) or bool(_ABSENCE.search(body))


def _is_lead_in(sentence: str, body: str) -> bool:
    """A short lead-in ("具体如下：") or markdown heading ("**补贴标准**"): no claim in it."""
    s = sentence.strip()
    shaped = (
        body.endswith((":", "：")) or s.startswith("#") or (s.startswith("**") and s.endswith("**"))
    )
    return shaped and len(body) <= _LEAD_IN_MAX and not facts_in(body)


# --- numbers --------------------------------------------------------------------------


def cn_to_int(run: str) -> int | None:
    """Chinese numerals to an integer: 五千 → 5000, 一百零五 → 105, 二〇二四 → 2024."""
    if not run:
        return None
    if all(ch in _CN_DIGIT for ch in run):
        return int("".join(str(_CN_DIGIT[ch]) for ch in run)) if len(run) > 1 else _CN_DIGIT[run]
    total = section = number = 0
    for ch in run:
        if ch in _CN_DIGIT:
            number = _CN_DIGIT[ch]
        elif ch in _CN_SMALL:
            section += (number or 1) * _CN_SMALL[ch]
            number = 0
        elif ch in _CN_BIG:
            total += (section + number) * _CN_BIG[ch]
            section = number = 0
        else:
            return None
    return total + section + number


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def numbers_in(text: str, strict: bool = True) -> list[Fact]:
    """The numbers in `text` (normalised) as facts.

    `strict` (for a sentence being checked) reads Chinese numerals only in runs of two or
    more characters or after 百分之, because single 一/三 occur in ordinary words (统一,
    三方); the passage side reads every run, which can only make support easier to find.
    """
    text = normalize(text)
    facts: list[Fact] = []
    for m in _CN_PERCENT.finditer(text):
        raw = m.group(1)
        value = _decimal(raw) if raw[0].isdigit() else cn_to_int(raw)
        if value is not None:
            facts.append(Fact("pct", Decimal(value), m.group(0)))
    text = _CN_PERCENT.sub(" ", text)
    for m in _ARABIC.finditer(text):
        digits, unit, sign = m.groups()
        if digits.count(".") >= 2:
            facts.append(Fact("code", digits, digits))
            continue
        value = _decimal(digits)
        if value is None:
            continue
        if sign:
            facts.append(Fact("pct" if sign == "%" else "permille", value, m.group(0)))
        elif unit:
            facts.append(Fact("num", value * _UNITS[unit], m.group(0)))
        else:
            facts.append(Fact("num", value, m.group(0)))
        if not strict and (unit or sign):
            facts.append(Fact("num", value, digits))
    for m in _CN_RUN.finditer(_ARABIC.sub(" ", text)):
        run = m.group(0)
        if strict and (len(run) < 2 or not any(ch in _CN_DIGIT or ch == "十" for ch in run)):
            continue
        value = cn_to_int(run)
        if value is not None:
            facts.append(Fact("num", Decimal(value), run))
    return facts


# --- entities -------------------------------------------------------------------------


def _org_run(text: str, end: int) -> str:
    """The name in front of an organisation suffix at `end`, read back to a boundary."""
    start = end
    while start > 0 and end - start < _ORG_MAX_RUN:
        ch = text[start - 1]
        if not ("\u4e00" <= ch <= "\u9fff") or ch in _BOUNDARY_CHARS:
            break
        start -= 1
    run = text[start:end]
    cut = max((run.rfind(w) + len(w) for w in _BOUNDARY_WORDS if w in run), default=0)
    return run[cut:]


def organisations_in(text: str) -> list[str]:
    """Organisation names ending in 局/厅/部/委/委员会/公司/大学/学院/学校/集团."""
    text = normalize(text)
    found: list[str] = []
    i = 0
    while i < len(text):
        suffix = next((s for s in _ORG_SUFFIXES if text.startswith(s, i)), None)
        if suffix is None:
            i += 1
            continue
        end = i + len(suffix)
        nxt = text[end] if end < len(text) else ""
        prv = text[i - 1] if i else ""
        if (nxt and nxt in _NOT_ORG_NEXT.get(suffix, "")) or (
            prv and prv in _NOT_ORG_PREV.get(suffix, "")
        ):
            i = end
            continue
        run = _org_run(text, i)
        if len(run) >= 2:
            found.append(run + suffix)
        i = end
    return found


def facts_in(sentence: str) -> list[Fact]:
    """Everything in a sentence that its cited passage must contain."""
    body = normalize(_content(sentence))
    facts = numbers_in(body, strict=True)
    for m in _TITLE.finditer(body):
        facts.append(Fact("text", m.group(1), f"《{m.group(1)}》"))
    for m in _QUOTED.finditer(body):
        facts.append(Fact("text", m.group(1), f"“{m.group(1)}”"))
    for name in organisations_in(body):
        facts.append(Fact("org", name, name))
    return facts


@dataclass(frozen=True)
class _Support:
    text: str
    numbers: frozenset

    @classmethod
    def of(cls, source: Source) -> _Support:
        c, d = source.chunk, source.chunk.doc
        # What the model was shown of this passage: its text and the data block's attributes.
        shown = (source.text, c.heading, d.title, d.issuer, d.doc_number, d.date)
        text = "\n".join(x for x in shown if x)
        nums = frozenset((f.kind, f.value) for f in numbers_in(text, strict=False))
        # A percentage in the passage also supports the bare number ("3%" → "3").
        nums |= {("num", v) for k, v in nums if k == "pct"}
        return cls(normalize(text), nums)

    def holds(self, fact: Fact) -> bool:
        if fact.kind in ("num", "pct", "permille"):
            return (fact.kind, fact.value) in self.numbers
        value = normalize(str(fact.value))
        if fact.kind != "org" or value in self.text:
            return value in self.text
        suffix = next(s for s in _ORG_SUFFIXES if value.endswith(s))
        need = min(len(value), len(suffix) + _ORG_MATCH_CHARS)
        return any(value[-n:] in self.text for n in range(need, len(value) + 1))


def unsupported_facts(sentence: str, passages: list[Source]) -> list[Fact]:
    """The facts of `sentence` that none of `passages` contains."""
    supports = [_Support.of(p) for p in passages]
    return [f for f in facts_in(sentence) if not any(s.holds(f) for s in supports)]


# --- the verifier ---------------------------------------------------------------------


def _unknown_reason(ids: list[str]) -> str:
    shown = "、".join(f"[{i}]" for i in dict.fromkeys(ids))
    return f"引用了未提供的来源 {shown} (cites no supplied source)"


def _unsupported_reason(facts: list[Fact]) -> str:
    shown = "、".join(dict.fromkeys(f.shown for f in facts))
    return f"引用段落中没有：{shown} (not in the cited passage)"


def _tidy(sentence: str, numbers: dict[str, int], valid: set[str]) -> str:
    """Markers rewritten as [n] (unknown ids removed) and placed before the full stop."""

    def renumber(m: re.Match) -> str:
        out = []
        for prefix, digits in _ID_PART.findall(m.group(1)):
            sid = f"{prefix.upper()}{int(digits)}"
            if sid in valid:
                out.append(f"[{numbers[sid]}]")
        return "".join(dict.fromkeys(out))

    m = re.match(rf"^(.*?)([{_ENDS}]+[{_CLOSERS}]*)((?:\s*{_MARKER.pattern})+)\s*$", sentence, re.S)
    if m:  # "……5000元。[S1]" → "……5000元[1]。"
        sentence = m.group(1) + m.group(3).strip() + m.group(2)
    sentence = re.sub(r"\s+(?=\[\d+\])", "", _MARKER.sub(renumber, sentence))
    return re.sub(r"(\[\d+\])\1+", r"\1", sentence)  # "[S1][S1]" → "[1]"


def verify_answer(reply: str, sources: list[Source]) -> Verified:
    """Check every sentence of `reply` against the sources it cites; see the module doc."""
    by_id = {s.id.upper(): s for s in sources}
    if is_refusal(reply):
        return Verified(REFUSAL, (), (), refused=True)
    # Each item: (line, sentence, kind, cited ids) with kind "claim", "absence" or "lead".
    items: list[tuple[int, str, str, list[str]]] = []
    dropped: list[Dropped] = []
    for line, sentence in split_sentences(reply):
        body = _content(sentence)
        if not _bare(body):
            continue  # a stray marker or punctuation
        ids = list(dict.fromkeys(marker_ids(sentence)))
        valid = [i for i in ids if i in by_id]
        if not ids:
            if _is_absence(body) and not facts_in(body):
                items.append((line, strip_markers(sentence).strip(), "absence", []))
            elif _is_lead_in(sentence, body):
                items.append((line, sentence, "lead", []))
            else:
                dropped.append(Dropped(body, NO_CITATION))
            continue
        if not valid:
            dropped.append(Dropped(body, _unknown_reason(ids)))
            continue
        missing = unsupported_facts(sentence, [by_id[i] for i in valid])
        if missing:
            dropped.append(Dropped(body, _unsupported_reason(missing)))
            continue
        items.append((line, sentence, "claim", valid))

    claims = [it for it in items if it[2] == "claim"]
    if not claims:
        refused = any(it[2] == "absence" for it in items) or not dropped
        return Verified("", (), tuple(dropped), refused=refused)

    numbers: dict[str, int] = {}
    for _, _, _, valid in claims:
        for sid in valid:
            numbers.setdefault(sid, len(numbers) + 1)
    last_claim_line = max(it[0] for it in claims)
    lines: dict[int, list[str]] = {}
    for line, sentence, kind, _ in items:
        if kind == "lead" and line >= last_claim_line:
            continue  # a lead-in ("具体如下：") with nothing left to lead into
        text = _tidy(sentence, numbers, set(numbers)) if kind == "claim" else sentence
        lines.setdefault(line, []).append(text)
    text = "\n".join("".join(parts) for _, parts in sorted(lines.items()))
    citations = tuple(citation_for(n, by_id[sid].chunk) for sid, n in numbers.items())
    return Verified(text, citations, tuple(dropped), refused=False, used=tuple(numbers))
