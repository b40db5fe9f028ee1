"""What a policy notice states, read off its text at ingest: the record of a 惠企政策.

A notice is written to a pattern: who may apply (补贴对象 / 适用对象 / 申报条件, item by
item), what they get (amounts), when (受理时间), how (申报程序), how long it is in force
(有效期至…) and which earlier notice it repeals (…同时废止). Each condition is kept with the
clause it comes from and the chunk that holds it, so a match can cite it; each is sorted
into the dimension of an enterprise profile it tests (district, industry, size, a flag such
as 产教融合型企业) or "other" when only the applicant can say. Offline patterns only; when an
LLM is configured, `assistant/conditions.py` has it read the notice (`notice_lines`) and
keeps only what it can verify against the text. Pure.
"""

from __future__ import annotations

import re
from datetime import date

from .aliases import forms
from .metadata import DOC_NUMBER, normalize_doc_number
from .types import Chunk, DocMeta, Record

_NUMBERED = r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+章)\s*"
CONDITION_HEADINGS = re.compile(
    _NUMBERED + r"(?:补贴对象|申报条件|申请条件|适用对象|适用范围|支持对象|"
    r"申报对象|资格条件|基本条件|申报主体|培养对象)"
)
APPLY_HEADINGS = re.compile(
    _NUMBERED + r"(?:申报程序|申请程序|申报程序和材料|办理程序|享受方式|申报方式)"
)
TIME_HEADINGS = re.compile(_NUMBERED + r"(?:受理时间|申报时间|申请时间)")
ANY_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+章)")
_INLINE_CONDITION = re.compile(
    r"(?:申报条件|申请条件|适用对象|补贴对象)[:：](.+)|本(?:办法|措施|通知|规定)适用于(.+)"
)
_ITEM = re.compile(r"（[一二三四五六七八九十]+）|\(\d+\)|（\d+）")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|元)")
_REPEAL = re.compile(r"(?:同时废止|予以废止|不再执行|同时停止执行)")
_APPLY_WINDOW = re.compile(
    r"(?:每年|每季度|当年)?[^。；]{0,20}?\d{1,2}月\d{1,2}日(?:至|—|-)\d{1,2}月\d{1,2}日[^。；]*|"
    r"(?:每年|每季度)[^。；]*?(?:受理|申报)[^。；]*|常年受理"
)
_SENTENCE = re.compile(r"[^。；\n]+[。；]?")

# The words a condition names a profile dimension by.
_PLACE = re.compile(
    r"在([\u4e00-\u9fa5]{2,8}?(?:市|区|县|经开区))(?:内)?(?:依法)?(?:登记注册|注册|纳税)"
)
_INDUSTRY = re.compile(
    r"(航空航天|航空|航天|装备制造|制造业|集成电路|生物医药|新能源)[^，。；]{0,6}(?:产业链)?企业"
)
_SIZE = re.compile(r"(中小微企业|中小企业|小微企业|规模以上|大型企业|中型企业)")
FLAGS = (
    "产教融合型企业",
    "专精特新",
    "高新技术企业",
    "联合体成员",
    "成员单位",
    "试点企业",
    "科技型中小企业",
    "龙头企业",
)
_FLAG = re.compile("|".join(FLAGS))


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _lines(chunks: list[Chunk]) -> list[tuple[str, Chunk]]:
    """The document's lines in order, each with the chunk that holds it.

    The text is laid back end to end from the chunks' offsets (chunks overlap by a
    sentence), and a line a PDF broke inside a sentence is joined to the one before it.
    """
    out: list[tuple[str, Chunk]] = []
    done: set[str] = set()
    pending = ""
    owner: Chunk | None = None
    emitted: set[str] = set()
    for c in sorted(chunks, key=lambda c: c.start):
        # Chunks overlap by a sentence: a line already read (whole or as the end of the
        # last one) is not read again.
        kept = []
        for line in c.text.split("\n"):
            stripped = line.strip()
            seen = stripped in done or stripped in pending or (out and stripped in out[-1][0])
            if stripped and seen:
                continue
            kept.append(line)
            done.add(stripped)
        text = "\n".join(kept)
        # A heading at the foot of a page is carried in the next chunk's heading path only.
        last = c.heading.split(" > ")[-1].strip() if c.heading else ""
        if last and ANY_HEADING.match(last) and last not in text and last not in emitted:
            text = f"{last}\n{text}"
        emitted.update(ln.strip() for ln in text.split("\n") if ANY_HEADING.match(ln.strip()))
        for line in text.split("\n"):
            line = line.strip().lstrip("#").strip()
            if not line:
                continue
            starts_new = (
                not pending
                or c.kind == "record"
                or (owner is not None and owner.kind == "record")
                or ANY_HEADING.match(line)
                or ANY_HEADING.match(pending)
                or _ITEM.match(line)
                or len(pending) <= 15
                or pending.endswith(("。", "；", "：", ":", ";", "！", "？"))
            )
            if starts_new and pending and owner is not None:
                out.append((pending, owner))
                pending, owner = "", None
            if pending:
                pending += line
            else:
                pending, owner = line, c
    if pending and owner is not None:
        out.append((pending, owner))
    return out


def notice_lines(chunks: list[Chunk]) -> list[tuple[str, Chunk]]:
    """A notice's text line by line, each line with the chunk that holds it (see `_lines`):
    what a reader of the whole notice (an LLM) is shown, and what its quotes are checked
    against."""
    return _lines(chunks)


def _sections(lines, heading: re.Pattern) -> list[tuple[str, Chunk]]:
    """The lines under every heading matching `heading`, each up to the next heading."""
    out: list[tuple[str, Chunk]] = []
    inside = False
    for line, c in lines:
        m = heading.match(line)
        if m:
            inside = True
            rest = line[m.end() :]
            if rest[:1] in ("：", ":"):  # "申报条件：企业在…", not "培养对象和培养模式"
                out.append((rest[1:].strip(), c))
            continue
        if inside and ANY_HEADING.match(line):
            inside = False
            continue
        if inside:
            out.append((line, c))
    return out


def dimension(clause: str) -> tuple[str, str]:
    """(dimension, value) a condition tests: district, industry, size, flag — or other."""
    if m := _FLAG.search(clause):
        return "flag", m.group(0)
    if m := _PLACE.search(clause):
        return "district", m.group(1)
    if m := _INDUSTRY.search(clause):
        return "industry", m.group(1)
    if m := _SIZE.search(clause):
        return "size", m.group(1)
    return "other", ""


def _conditions(lines) -> list[dict]:
    clauses: list[tuple[str, Chunk]] = []
    for line, c in _sections(lines, CONDITION_HEADINGS):
        parts = [p for p in _ITEM.split(line) if p.strip()] if _ITEM.search(line) else [line]
        for part in parts:
            for sentence in _sentences(part):
                clauses.append((sentence.strip("；;。 "), c))
    for line, c in lines:
        if m := _INLINE_CONDITION.search(line):
            said = m.group(1) or m.group(2)
            if c.kind == "record":  # a table row: only its own cell
                said = said.split("；", 1)[0]
            for sentence in re.split(r"[，；。]", said):
                if len(sentence) >= 4:
                    clauses.append((sentence.strip(), c))
    out = []
    seen: list[str] = []
    for clause, c in clauses:
        if len(clause) < 4 or any(clause in s or s in clause for s in seen):
            continue
        seen.append(clause)
        dim, value = dimension(clause)
        out.append({"clause": clause, "chunk_id": c.chunk_id, "dimension": dim, "value": value})
    return out


def _amounts(lines) -> list[dict]:
    out = []
    for line, c in lines:
        for sentence in _sentences(line):
            found = _AMOUNT.findall(sentence)
            if found and re.search(r"补贴|奖励|补助|津贴|资助|给予|抵免|扣除|支持", sentence):
                n, unit = found[0]
                yuan = float(n) * (10000 if unit == "万元" else 1)
                out.append({"text": sentence, "chunk_id": c.chunk_id, "yuan": yuan})
    return out


def _first(lines, heading: re.Pattern, limit: int = 3) -> list[dict]:
    return [{"text": t, "chunk_id": c.chunk_id} for t, c in _sections(lines, heading)[:limit]]


def _deadlines(lines) -> list[dict]:
    out = _first(lines, TIME_HEADINGS)
    if not out:
        for line, c in lines:
            for sentence in _sentences(line):
                if re.search(r"受理|申报|报送", sentence) and _APPLY_WINDOW.search(sentence):
                    out.append({"text": sentence, "chunk_id": c.chunk_id})
    return out[:3]


def repealed_numbers(text: str) -> list[str]:
    """The 文号 a notice says it repeals ("…（青人社发〔2023〕21号）同时废止")."""
    out = []
    for sentence in _sentences(text):
        if _REPEAL.search(sentence):
            out += [normalize_doc_number(m.group(0)) for m in DOC_NUMBER.finditer(sentence)]
    return list(dict.fromkeys(out))


def declared_status(status: str) -> tuple[str, str]:
    """("superseded" | "expired" | "current" | "", superseding document) from a declared status."""
    if not status:
        return "", ""
    if re.search(r"取代|废止|替代", status):
        m = DOC_NUMBER.search(status)
        by = normalize_doc_number(m.group(0)) if m else ""
        title = re.search(r"《([^》]+)》", status)
        return "superseded", by or (title.group(1) if title else "")
    if "失效" in status and "有效" not in status.replace("失效", ""):
        return "expired", ""
    if "有效" in status:
        return "current", ""
    return "", ""


def policy_record(doc: DocMeta, chunks: list[Chunk]) -> Record:
    """The record of a policy notice: its identity, validity and what it states."""
    lines = _lines(chunks)
    status, by = declared_status(doc.status)
    fields = [
        ("标题", doc.title),
        ("文号", doc.doc_number),
        ("发文机关", doc.issuer),
        ("日期", doc.date),
        ("有效期至", doc.valid_until),
        ("状态", doc.status),
    ]
    values = {
        "date": doc.date,
        "valid_until": doc.valid_until,
        "declared_status": status,
        "superseded_by": by,
        "repeals": repealed_numbers("\n".join(t for t, _ in lines)),
        "conditions": _conditions(lines),
        "amounts": _amounts(lines)[:12],
        "deadlines": _deadlines(lines),
        "how_to_apply": _first(lines, APPLY_HEADINGS),
        "notice": bool(doc.doc_number),
    }
    return Record(kind="policy", fields=tuple((k, v) for k, v in fields if v), values=values)


def policy_status(values: dict, repealed_by: str = "", today: date | None = None) -> str:
    """current / expired / superseded, as of `today` (a notice expires with the calendar)."""
    if values.get("declared_status") == "superseded" or repealed_by:
        return "superseded"
    until = values.get("valid_until") or ""
    if until and until < (today or date.today()).isoformat():
        return "expired"
    if values.get("declared_status") == "expired":
        return "expired"
    return "current"


def place_holds(place: str, district: str) -> bool:
    """Whether a firm in `district` is "in" `place` (places.txt: 青羊区 => 成都市 => 四川省)."""
    if not district:
        return False
    seen, todo = set(), [district]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        if p == place or place in p or (len(p) > 2 and p in place):
            return True
        todo += [f for f in forms(p, "places.txt") if f != p]
    return False
