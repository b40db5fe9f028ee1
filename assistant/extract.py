"""Extractive answers: the sentences of the best passages that answer the question.

Used when no LLM is configured or the LLM fails. Each sentence is quoted as it stands in
its source and ends in its citation marker; sentences are chosen by how much of the
question's (IDF-weighted) information they hold, kept in source order within a passage,
and de-duplicated across overlapping chunks. Pure: hits and a scoring function in, answer text out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from ingest import vocabulary
from ingest.clean import heading_level
from ingest.metadata import CN_DATE
from ingest.numbers import states_in_unit
from ingest.records import render_fields, rendered_fields
from ingest.tokens import compact, normalize, numbers_in, without_year_ranges
from ingest.types import Chunk, Hit

from .question import QuestionSpec, read_question
from .retrieve import document_stamp, lists_several

MAX_SENTENCES = 4
MAX_CHARS = 420
MAX_PASSAGES = 4
# "有哪些课程/需求/成果": the answer is a list of rows, each shown by its first fields.
LIST_ITEMS = 8
LIST_MAX_CHARS = 1000
LIST_PASSAGES = 10
ROW_EXCERPT = 90
LIST_ROW_SHARE = 0.8  # a row listed must hold about as much of the question as the best one
LIST_CHARS = 320
WIDER_EXTRA = 40  # how much longer a line may be to replace one it contains
QUANTITY_BONUS = 0.25  # a sentence stating a figure asked (as much again in its unit), or an option
FACT_BONUS = 1.0  # above anything `holds` gives: the line that states the date is the answer
# A row of short labels ("序号 一级指标 二级指标 三级指标 观测点"): a table header, no answer.
_LABELS_ONLY = re.compile(r"(?:\S{1,6}\s+){3,}\S{1,6}")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
QUANTITY = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|元|万元|亿元|人次|人|个|项|家|小时|学时|学分|天|日|周|月|年|倍|岁|名|次|本|门|所)"
    r"|[一二三四五六七八九十百千两]+(?:个月|年|日|天|周|倍|人)"
)


@dataclass(frozen=True)
class Picked:
    text: str
    chunk: Chunk
    hit_rank: int
    position: int
    score: float


_CELL_MAX = 24
TABLE_MIN_CELLS = 6


def _is_cell(line: str) -> bool:
    return 0 < len(line) <= _CELL_MAX and line[-1] not in "。；;！？!?：:"


def sentences_of(chunk: Chunk) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a table row (spreadsheet, Word or PDF — read as records at
    ingest, see ingest/loaders/pdftables.py) is one."""
    if chunk.kind == "record":
        return [(0, chunk.text.strip())]
    pieces: list[tuple[int, str]] = []
    paged = chunk.doc.source.lower().endswith(".pdf")
    for m in _SENTENCE.finditer(chunk.text):
        s = m.group(0).strip()
        prev = pieces[-1][1] if pieces else ""
        if (
            pieces
            and prev[-1:] not in _SENTENCE_ENDS
            and (
                (paged and _wrapped(chunk.text, m.start(), s))
                or (s[:1] in _CONTINUES and heading_level(prev.lstrip("#").strip()) is None)
            )
        ):
            # a line a PDF broke mid-sentence: "…按照“招生即招工…岗位成才”\n的方式，共同…"
            # (a passage that opens mid-sentence has no line above to join)
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + s)
            continue
        pieces.append((m.start(), s))
    out = []
    for start, s in _with_answers(pieces):
        s = s.lstrip("#").strip()
        # Headings lead a chunk so its text is whole, but a heading answers nothing.
        if len(s) >= 4 and heading_level(s) is None and not _LABELS_ONLY.fullmatch(s):
            out.append((start, s))
    return sorted(out)


_ASKED_LINE = re.compile(r"^问[：:]")
_ANSWER_LINE = re.compile(r"^答[：:]")
VERDICT_LEN = 8  # "答：可以。", "答：不可以。": a verdict whose reason follows


def _with_answers(pieces: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A question-and-answer document's "问：" line joined with the first sentence of the
    "答：" below it (and the reason after a bare "答：可以。"): a question restated answers
    nothing, and it is the line that shares the most words with a user's question."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(pieces):
        start, s = pieces[i]
        i += 1
        if not _ASKED_LINE.match(s):
            out.append((start, s))
            continue
        # the question's own wrapped lines
        while (
            i < len(pieces)
            and not s.endswith(("？", "?"))
            and not _ANSWER_LINE.match(pieces[i][1])
            and not _ASKED_LINE.match(pieces[i][1])
        ):
            s += pieces[i][1]
            i += 1
        if i < len(pieces) and _ANSWER_LINE.match(pieces[i][1]):
            answer = pieces[i][1]
            s += answer
            i += 1
            if (
                len(answer) <= VERDICT_LEN
                and i < len(pieces)
                and not _ASKED_LINE.match(pieces[i][1])
            ):
                s += pieces[i][1]
                i += 1
        out.append((start, s))
    return out


# A PDF line this long that stops mid-word was wrapped by the page, not ended ("…处理器管理、存"
# / "储器管理、设备管理…"): a heading or a table cell is shorter.
WRAPPED_LINE = 20


def _wrapped(text: str, start: int, line: str) -> bool:
    """Whether the line starting at `start` goes on from a full line above it that ends with
    a Chinese character, and is no heading or numbered item of its own (the line above may
    open with a number: "（4）掌握…" is an item, long, and wrapped all the same)."""
    if start == 0 or text[start - 1] != "\n" or not _is_han(line[:1]):
        return False
    above = text[: start - 1].rsplit("\n", 1)[-1].strip()
    return len(above) >= WRAPPED_LINE and _is_han(above[-1:]) and heading_level(line) is None


def _is_han(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


# A line beginning with one of these goes on from the line above it (a particle, a comma,
# a conjunction, a closing mark): no sentence, heading or item begins so.
_CONTINUES = frozenset("的地得之，,、）)」』”》和与及或等了")
_SENTENCE_ENDS = frozenset("。！？!?；;：:")


def _similar(a: str, b: str) -> bool:
    """Near-duplicates (the same sentence in two overlapping chunks or two versions)."""
    if a in b or b in a:
        return True
    sa, sb = set(a), set(b)
    return len(sa & sb) / max(1, len(sa | sb)) > 0.85


def _in_table(text: str, start: int) -> bool:
    """Whether the short line starting at `start` is one of a run of cells (see
    `table_rows`), not a line of its own such as the issuer above a date."""
    lines = text.split("\n")
    k = text.count("\n", 0, start)
    i = j = k
    while i > 0 and _is_cell(lines[i - 1].strip()):
        i -= 1
    while j + 1 < len(lines) and _is_cell(lines[j + 1].strip()):
        j += 1
    return j - i + 1 >= TABLE_MIN_CELLS


_QA_QUESTION = re.compile(r"(?m)^\s*问\s*[:：]")


def _paragraph_lead(text: str, pos: int) -> str:
    """What a sentence at offset `pos` is read after: the first sentence of its paragraph
    (line), or, for a row of a flattened table, the line that introduces the table."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    if _is_cell(text[start : end if end >= 0 else len(text)].strip()) and _in_table(text, start):
        back = start - 1
        while back > 0:
            prev_start = text.rfind("\n", 0, back) + 1
            prev = text[prev_start:back].strip()
            if prev and not _is_cell(prev):
                return prev
            back = prev_start - 1
        return ""
    m = _SENTENCE.match(text, start)
    lead = m.group(0) if m and m.start() < pos else ""
    return f"{answered_question(text, pos)}\n{lead}".strip()


def answered_question(text: str, pos: int) -> str:
    """The handbook question ("问：…") a sentence at offset `pos` answers, or "": in "问：救助
    金怎么申领？\n答：线上：（1）某某APP…" every line down to the next question is its answer,
    and is read after it, though it never names 救助金 itself."""
    start = text.rfind("\n", 0, pos) + 1
    asked = list(_QA_QUESTION.finditer(text, 0, start))
    if not asked or _QA_QUESTION.match(text, start):
        return ""
    at = asked[-1].start()
    return text[at : text.find("\n", at)].strip()


def _adds_something(sentence: str, question: str, yes_no: bool = False) -> bool:
    """Whether a sentence says more than the question already does: "2025年12月16日" or a
    bare 文号 echo the question; an answer must add at least a few characters of its own —
    or, to a yes-or-no question, the rule's verdict (`vocab/verdicts.txt`: "不得", "可以"),
    which may be all it adds to the question's own words."""
    if yes_no and any(
        v in sentence and v not in question for v in vocabulary.words("verdicts.txt")
    ):
        return True
    q = set(normalize(question))
    own = [
        ch
        for ch in normalize(sentence)
        if ch not in q and (ch.isdigit() or "\u4e00" <= ch <= "\u9fff")
    ]
    if len(own) >= 4:
        return True
    # "良好的，按80%给予奖补；": a number the question does not have is an answer
    asked = set(numbers_in(normalize(question)))
    return any(n not in asked for n in numbers_in(normalize(sentence)))


def _opens_list(text: str) -> bool:
    return text.rstrip()[-1:] in "：:"


# A sentence that announces the items after it without a colon ("社员可享受以下服务。"), and
# an answer that opens with its first item ("答：（一）被约谈；", "答：一是…").
_ANNOUNCES = re.compile(r"(?:以下|如下|下列)[^，,。；;：:]{0,10}[。：:]$")
_ANSWER_ITEM = re.compile(
    r"答[：:]\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、是])"
)


def _leads_in(sentence: str, chunk: Chunk) -> bool:
    """A lead-in ("下列固定资产不得计算折旧扣除：", "可享受以下服务。", a Q&A answer that
    opens with its first item) of a passage's prose: it may repeat the question word for
    word, its items (taken along by `_with_list`) are the answer."""
    if chunk.kind == "record":
        return False
    return _opens_list(sentence) or bool(
        _ANNOUNCES.search(sentence) or _ANSWER_ITEM.search(sentence)
    )


def _with_list(sentence: Picked, sentences: list[tuple[int, str]]) -> Picked:
    """A lead-in ("…并符合下列条件的企业：") answers nothing without the items after it:
    they are taken along, up to LIST_CHARS, as one quote."""
    if not _leads_in(sentence.text, sentence.chunk):
        return sentence
    parts = [sentence.text]
    style = ""
    for pos, text in sentences:
        if pos <= sentence.position:
            continue
        if sum(len(p) for p in parts) + len(text) > LIST_CHARS:
            break
        item = _item_style(text)
        if _ASKED_LINE.match(text):
            break  # a question-and-answer document's next question
        if len(parts) > 1 and (_opens_list(text) or (style and item and item != style)):
            break  # the next lead-in, or a list of another kind: not this one's items
        style = style or item
        parts.append(text)
    return Picked(
        "".join(parts), sentence.chunk, sentence.hit_rank, sentence.position, sentence.score
    )


def _with_signer(p: Picked) -> Picked:
    """A date standing alone is the signature: the line above it says who signed
    ("成都市青羊区人力资源和社会保障局 2023年6月20日")."""
    if not CN_DATE.fullmatch(p.text.strip()):
        return p
    above = p.chunk.text[: p.chunk.text.find(p.text, p.position)].rstrip("\n").rsplit("\n", 1)[-1]
    above = above.strip()
    if not above or len(above) > 30 or above[-1] in "。；;：:，,！？!?":
        return p
    return Picked(f"{above} {p.text}", p.chunk, p.hit_rank, p.position, p.score)


# An enumerated item and the style of its marker: "（二）" paren, "二、" comma, "2." digit,
# "二是" ordinal.
_ITEM = re.compile(
    r"^\s*(?:(?P<paren>[（(][一二三四五六七八九十\d]+[）)])|(?P<comma>[一二三四五六七八九十]+、)"
    r"|(?P<digit>\d+[.、．](?!\d))|(?P<ordinal>[一二三四五六七八九十]是)"
    r"|(?P<code>\d+\.\d+\.\d+)(?![.\d]))"  # "8.1.2是否…": the 观测点 under "8.1…"
)


def _with_lead_ins(
    chosen: list[Picked], by_chunk: dict[str, list[tuple[int, str]]]
) -> list[Picked]:
    """An item picked alone ("（三）在传染病疫情…中感染该传染病的；") says nothing of what
    holds for it; the lead-in of its list does ("有下列情形之一的，视同工伤："), and is shown
    before it."""
    out = list(chosen)
    for c in chosen:
        style = _item_style(c.text)
        if not style or c.chunk.kind == "record":
            continue
        before = [(pos, t) for pos, t in by_chunk.get(c.chunk.chunk_id, ()) if pos < c.position]
        for pos, text in reversed(before):
            if _item_style(text) == style:
                continue
            if _leads_in(text, c.chunk) and not any(text in p.text for p in out):
                out.append(Picked(text, c.chunk, c.hit_rank, pos, c.score))
            break
    return out


def _item_style(sentence: str) -> str:
    m = _ITEM.match(sentence)
    return m.lastgroup if m else ""


def _item_runs(sentences: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The enumerated lists of a passage: runs of items with one marker style, ended by a
    new lead-in ("…如下：") or an item of another style."""
    runs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    style = ""
    for pos, text in sentences:
        item = _item_style(text)
        if item and (item == style or not current):
            current.append((pos, text))
            style = item
            continue
        if item or _opens_list(text):
            if len(current) > 1:
                runs.append(current)
            current, style = ([(pos, text)], item) if item else ([], "")
    if len(current) > 1:
        runs.append(current)
    return runs


def _clause_runs(sentences: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The sentences a passage writes as clauses of one, each but the last ended by "；"
    ("县级组建…；镇成立…；村培育…。"): runs of two or more."""
    runs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for pos, text in sentences:
        current.append((pos, text))
        if text[-1:] not in "；;":
            if len(current) > 1:
                runs.append(current)
            current = []
    if len(current) > 1:
        runs.append(current)
    return runs


def _with_runs(
    chosen: list[Picked],
    by_chunk: dict[str, list[tuple[int, str]]],
    limit: int,
    runs_of: Callable[[list[tuple[int, str]]], list[list[tuple[int, str]]]],
    wanted: Callable[[int, list[int]], bool],
    least: int = 2,
) -> list[Picked]:
    """The chosen sentences and, where `least` (two) or more of them stand in one run of a
    passage (`runs_of`), the run's other sentences that `wanted(position, chosen positions)`
    accepts — up to twice the limit: a run's own members before other sentences."""
    out = list(chosen)
    for chunk_id, sentences in by_chunk.items():
        mine = [c for c in chosen if c.chunk.chunk_id == chunk_id]
        if len(mine) < least:
            continue
        for run in runs_of(sentences):
            positions = {pos for pos, _ in run}
            inside = [c for c in mine if c.position in positions]
            if len(inside) < least:
                continue
            like, at = inside[0], [c.position for c in inside]
            for pos, text in run:
                if not wanted(pos, at) or any(
                    c.chunk.chunk_id == chunk_id and c.position == pos for c in out
                ):
                    continue
                if len(out) >= 2 * limit:
                    break
                out.append(Picked(text, like.chunk, like.hit_rank, pos, like.score))
    return out


def _with_sibling_items(
    chosen: list[Picked], by_chunk: dict[str, list[tuple[int, str]]], limit: int
) -> list[Picked]:
    """A list asked for is shown whole: when two or more items of one enumerated list are
    chosen, the items between and before them come too ("（一）申请表" ranks low beside
    the items that share the question's words, but it is one of the materials asked)."""
    return _with_runs(chosen, by_chunk, limit, _item_runs, lambda pos, at: pos <= max(at))


def _with_whole_sentence(
    chosen: list[Picked], by_chunk: dict[str, list[tuple[int, str]]], limit: int
) -> list[Picked]:
    """When two or more clauses of one sentence are chosen, its clauses from the first
    chosen to its end come too: the clauses enumerate (one per level, per case), and the
    one that shares fewest of the question's words is as much a part of the answer."""
    return _with_runs(chosen, by_chunk, limit, _clause_runs, lambda pos, at: pos >= min(at))


def _without_contained(chosen: list[Picked]) -> list[Picked]:
    """The chosen lines without one that another says whole: a clause chosen on its own is
    also inside its lead-in's list once `_with_list` has brought the items, or inside the
    article an overlapping passage quotes (the same line twice, from two chunks, otherwise)."""
    out = []
    for i, c in enumerate(chosen):
        inside = any(
            c.text in p.text and (len(p.text) > len(c.text) or j < i)
            for j, p in enumerate(chosen)
            if j != i
        )
        if not inside:
            out.append(c)
    return out


PART_SHARE = 0.5  # a sub-question's best sentence is added when it holds this much of it
WHOLE_ROWS = 3  # a list of this many table rows or fewer shows them whole


def row_excerpt(record: str, limit: int = ROW_EXCERPT) -> str:
    """The first fields of a table row, cut at a field boundary: how a row is shown as one
    item of a list ("序号：2；课程名称：复合材料无损检测技术；开课学校：…；…")."""
    if len(record) <= limit:
        return record
    cut = record.rfind("；", 0, limit)
    return record[: cut + 1] + "…" if cut > 0 else record


def _shared_fields(rows: list[str]) -> set[tuple[str, str]]:
    """The (column, value) pairs every row of a list has alike (the school's name and code in
    a list of its programmes): said once, in the first item, they tell no item apart."""
    fields = [set(rendered_fields(r)) for r in rows]
    return set.intersection(*fields) if fields else set()


def _width(fields: set[tuple[str, str]]) -> int:
    return len(render_fields(sorted(fields)))


def _distinct(row: str, shared: set[tuple[str, str]], named: str) -> str:
    """A row as an item of a list: without the fields the other items share, and without the
    cells listing several other things (see `retrieve.own_text`) unless the question names
    their column — so the fields that set it apart fit in its excerpt."""
    fields = [
        (k, v)
        for k, v in rendered_fields(row)
        if (k, v) not in shared and (compact(k) in named or not lists_several(v))
    ]
    return render_fields(fields) if fields else row


def cells_named(row: str, question: str) -> int:
    """How many cells of a table row (`render_fields` form) the normalised `question` names
    whole: the row of the major 护理 names one more for "甲校的护理" than the row of 助产
    whose list of admitted majors holds 护理 too."""
    return sum(
        1
        for _, value in rendered_fields(row)
        if len(v := compact(value)) >= 2 and not v.isdigit() and v in question
    )


def _asks(sentence: str) -> bool:
    """Whether a sentence only asks ("问：救助金怎么申领？", "需要提供什么资料？"):
    in a question-and-answer handbook it stands before its answer and answers nothing."""
    return sentence.rstrip().endswith(("？", "?")) and "答" not in sentence


RUN_WHOLE = 4  # characters of a part a sentence must write as one run to answer it instead


def _run(asked: str, text: str) -> int:
    """The longest run of `asked`'s characters `text` writes as they stand."""
    return SequenceMatcher(None, asked, compact(text), autojunk=False).find_longest_match().size


def _writes_more(asked: str, j: int, candidates: list[Picked], scores: list[float]) -> int:
    """Of the sentences holding enough of a part, the one writing the longest run of its
    own words, when that run is longer than sentence j's and at least RUN_WHOLE; else j."""
    best, run = j, max(_run(asked, candidates[j].text), RUN_WHOLE - 1)
    for k, c in enumerate(candidates):
        if scores[k] >= PART_SHARE and (r := _run(asked, c.text)) > run:
            best, run = k, r
    return best


def pick_sentences(
    spec: QuestionSpec | str,
    hits: list[Hit],
    holds: Callable[[str], float],
    states: Callable[[str, Chunk], bool] | None = None,
    part_holds: tuple[Callable[[str], float], ...] = (),
) -> list[Picked]:
    """The sentences of the top passages that answer `question`, in source order.

    `holds(sentence)` is the share of the question's weighted concepts a sentence holds
    (the same measure the refusal gate uses). A question asking 多少/几/比例 prefers
    sentences that state a quantity ("附加率为3%") over the ones around them; a sentence
    that only repeats the question counts for little; a list's lead-in brings its items.
    `states(sentence, chunk)` marks the sentences that state the document fact a question
    asks for (its date, its validity — see `doc_facts`): they lead the answer.
    `part_holds` measure the sub-questions of a question asking several things ("解释权归
    哪个单位？什么日期生效？"): each part's best sentence is shown, though it holds less of
    the whole question than the sentences answering the other part.
    """
    spec = read_question(spec)
    wants_quantity = spec.asks_quantity
    listing = spec.intent == "list"
    max_sentences, max_chars = (
        (LIST_ITEMS, LIST_MAX_CHARS) if listing else (MAX_SENTENCES, MAX_CHARS)
    )
    options = [compact(o) for o in spec.choices]
    term = spec.defines
    candidates: list[Picked] = []
    part_scores: list[tuple[float, ...]] = []
    by_chunk: dict[str, list[tuple[int, str]]] = {}
    for hit in hits[: LIST_PASSAGES if listing else MAX_PASSAGES]:
        sentences = by_chunk.setdefault(hit.chunk.chunk_id, sentences_of(hit.chunk))
        context = without_year_ranges(hit.chunk.context)
        stamp = document_stamp(hit.chunk) if part_holds else ""
        for pos, sentence in sentences:
            if _asks(sentence):
                continue  # a handbook's "问：…？" is the question its answer follows
            # A sentence is read under its title and headings: "3.1企业类型:行业龙头企业…"
            # answers a question about 市域产教联合体的牵头企业 because it stands in the
            # 建设标准 under "3.牵头企业" — and after its paragraph's lead: "不入住人才公寓的，
            # 给予…安家补贴50万元" speaks of the B类人才 its article opened with.
            lead = _paragraph_lead(hit.chunk.text, pos)
            score = holds(f"{context}\n{lead}\n{sentence}")
            if wants_quantity:
                # "几份": "（1式3份）" over "2张照片" and over a sentence stating no figure
                in_unit = bool(spec.asked_unit) and states_in_unit(sentence, spec.asked_unit)
                score += QUANTITY_BONUS * ((in_unit or bool(QUANTITY.search(sentence))) + in_unit)
            if term and _says_what(sentence, term):
                # "什么是医疗救助": "医疗救助是政府对…的兜底保障" over a sentence about its kinds
                score += QUANTITY_BONUS
            names_option = any(o in compact(sentence) for o in options)
            if names_option:
                # "是打到个人卡上还是打给企业": the sentence naming an option answers
                score += QUANTITY_BONUS
            if states is not None and states(sentence, hit.chunk):
                score += FACT_BONUS
            elif (
                not names_option
                and not _adds_something(sentence, spec.text, spec.intent == "yes_no")
                and not _leads_in(sentence, hit.chunk)
            ):
                score *= 0.3  # a lead-in that repeats the question brings its items along
            score += 0.1 / hit.rank  # the retriever's judgment counts too
            candidates.append(Picked(sentence, hit.chunk, hit.rank, pos, score))
            # a side or part is judged with the document's 文号 and year too: "2023年的老通
            # 知和2025年的新通知…分别" is answered by a sentence of each notice
            read = f"{stamp}\n{context}\n{lead}\n{sentence}"
            part_scores.append(tuple(ph(read) + 0.1 / hit.rank for ph in part_holds))
    if not candidates:
        return []
    best = max(c.score for c in candidates)
    chosen: list[Picked] = []
    used = 0
    for c in sorted(candidates, key=lambda c: -c.score):
        # a table row must hold about as much of the question as the best one: the row of
        # another grade or school is not an answer
        if c.score < best * (LIST_ROW_SHARE if c.chunk.kind == "record" else 0.55):
            continue
        if len(chosen) >= max_sentences:
            break
        # A line that says what a chosen one says and more ("成都市青羊区教育局 张勇" after
        # "成都市青羊区教育局") takes its place; one that says less is left out.
        wider = next((i for i, p in enumerate(chosen) if p.text in c.text != p.text), None)
        if wider is not None and len(c.text) - len(chosen[wider].text) <= WIDER_EXTRA:
            used += len(c.text) - len(chosen[wider].text)
            chosen[wider] = c
            continue
        if any(_similar(c.text, p.text) or c.text in p.text for p in chosen):
            continue
        c = _with_list(c, by_chunk[c.chunk.chunk_id])
        shown = row_excerpt(c.text) if listing and c.chunk.kind == "record" else c.text
        if used + len(shown) > max_chars and chosen:
            continue
        chosen.append(c)
        used += len(shown)
    asked = [compact(t) for t in (*spec.parts, *spec.sides)]
    for i in range(len(part_holds)):
        # each part answered by its own best sentence, when one holds enough of it
        j = max(range(len(candidates)), key=lambda j: part_scores[j][i])
        if part_scores[j][i] < PART_SHARE:
            continue
        if any(candidates[j].text in p.text for p in chosen) and len(asked) == len(part_holds):
            # Shown already, for the whole question or another part: it answers this part
            # too unless another sentence writes more of this part's own words as they
            # stand — "…校级一等奖学金呢" is the row of 校级一等奖学金, not the first part's
            # row of 国家奖学金 that holds 校级 and 一等 in another cell, and its subject.
            j = _writes_more(asked[i], j, candidates, [s[i] for s in part_scores])
        c = candidates[j]
        if any(c.text in p.text for p in chosen):
            continue
        chosen.append(_with_list(c, by_chunk[c.chunk.chunk_id]))
    if listing:
        chosen = _with_sibling_items(chosen, by_chunk, max_sentences)
    elif spec.intent == "count":
        # "一共有哪几个": the items counted are shown, every one of the list
        chosen = _with_runs(chosen, by_chunk, LIST_ITEMS, _item_runs, lambda pos, at: True, 1)
    if not listing:
        chosen = _with_lead_ins(chosen, by_chunk)
    chosen = _with_whole_sentence(chosen, by_chunk, max_sentences)
    rows = [c for c in chosen if c.chunk.kind == "record"]
    if listing and len(rows) > WHOLE_ROWS:
        # A long list shows each row's first fields; a short one shows its rows whole, so
        # the fee or the date asked about is not cut off.
        shared = _shared_fields([c.text for c in rows])
        chosen = [
            Picked(
                # the first item says once what all share, in the room the others save
                row_excerpt(_distinct(c.text, set(), spec.norm), ROW_EXCERPT + _width(shared))
                if c is rows[0]
                else row_excerpt(_distinct(c.text, shared, spec.norm)),
                c.chunk,
                c.hit_rank,
                c.position,
                c.score,
            )
            if c.chunk.kind == "record"
            else c
            for c in chosen
        ]

    # The stated fact first, then the rest in the retriever's and the source's order.
    def is_fact(c: Picked) -> bool:
        return states is not None and states(c.text, c.chunk)

    chosen = [_with_signer(c) if is_fact(c) else c for c in chosen]
    chosen = _without_contained(chosen)

    return sorted(chosen, key=lambda c: (not is_fact(c), c.hit_rank, c.position))


def _says_what(sentence: str, term: str) -> bool:
    """Whether `sentence` opens with `term` (after a Q&A's "答：") and says what it is:
    "医疗救助是…", "灵活就业是指…", "本办法所称X，是指…" aside."""
    text = re.sub(r"^答[:：]", "", compact(sentence))
    return text.startswith(term) and text[len(term) : len(term) + 1] in ("是", "指", ",")
