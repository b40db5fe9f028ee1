"""Answering a question: read it, route it, retrieve, decide, then write.

The question is read once (`question.read_question`). Questions the records or the
indicator matrix answer better than passages — a count, a list of courses, the indicators
not met — go to those first (`routes`). Otherwise passages are retrieved and a fitted
decision (`decision.decide`) says whether they answer it: `answered`, `not_direct`
(something close is there, not the thing asked: say what is missing and show the nearest
passages), or `refused`. No model is asked to improvise when nothing relevant is there.
Otherwise the LLM writes (when one is configured) and its citations are verified; if it
fails, or none is configured, the answer is extractive. `mode` always says which path
answered and `status` which outcome it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from ingest.metadata import is_stale
from ingest.numbers import clause_refs
from ingest.tokens import compact
from ingest.types import Answer, Citation, Hit, citation_for

from . import routes
from .decision import ANSWERED, NOT_DIRECT, REFUSED, Verdict, decide
from .doc_facts import states_in
from .extract import LIST_PASSAGES, Picked, cells_named, pick_sentences
from .prompts import NOT_DIRECT_LEAD, REFUSAL
from .question import QuestionSpec, about_content, has_cue, read_question, reading_spec
from .retrieve import Filters, Retriever, names_orgs

ANSWER_PASSAGES = 6
NEAREST_SHOWN = 3  # passages read when the question is not directly answered
NAMED_CELL = 0.06  # over a rank's 0.1/rank: a cell the side names whole outweighs one place
EMPTY = "请输入问题。"


def suggestions(hits: list[Hit], limit: int = 3) -> tuple[dict, ...]:
    """The nearest documents, offered when the answer is not in the knowledge base."""
    seen, out = set(), []
    for h in hits:
        d = h.chunk.doc
        if d.doc_id in seen:
            continue
        seen.add(d.doc_id)
        out.append({"title": d.title, "source": d.source, "doc_type": d.doc_type})
        if len(out) >= limit:
            break
    return tuple(out)


def status_notes(
    citations: tuple[Citation, ...], hits: list[Hit], today: date | None = None
) -> str:
    """A warning for cited documents that are expired or superseded."""
    docs = {h.chunk.chunk_id: h.chunk.doc for h in hits}
    notes, seen = [], set()
    for c in citations:
        d = docs.get(c.chunk_id)
        if d is None or d.doc_id in seen or not is_stale(d, today):
            continue
        seen.add(d.doc_id)
        declared = d.status if d.status and "有效" not in d.status else ""
        notes.append(f"[{c.n}]《{d.title}》{declared or f'已于{d.valid_until}失效'}")
    return ("注意：" + "；".join(notes) + "。") if notes else ""


def extractive_answer(
    spec: QuestionSpec, hits: list[Hit], retriever: Retriever, notice: str = ""
) -> Answer:
    found = [compact(h.chunk.search_text) for h in hits]
    judged = reading_spec(spec, retriever.writes, found)
    items = retriever.weighted_concepts(about_content(judged))

    def holds(sentence: str) -> float:
        return retriever.holds(items, compact(sentence))

    # Of the document asked about (the retriever marks its passage "fact"); another
    # notice's 施行 date answers nothing here.
    asked_docs = {h.chunk.doc.doc_id for h in hits if "fact" in h.via}

    def states(sentence: str, chunk) -> bool:
        if chunk.doc.doc_id not in asked_docs:
            return False
        return any(states_in(sentence, chunk, fact) for fact in spec.facts)

    # Each sub-question, and each side of a comparison ("甲校和乙校…各招多少"), is shown
    # its own best sentence: the rows of the side named in more words would fill the answer.
    # A later sub-question is read with the first one's subject ("…任期几年": whose term).
    part_holds = tuple(
        _holds_of(read_question(part), retriever) for part in (*judged.parts_read, *judged.sides)
    )
    if orgs := retriever.named_orgs(judged):
        # the rows of the schools or firms named, not those of others that share their words
        def own(h: Hit) -> bool:
            return any(names_orgs((o,), h.chunk) for o in orgs)

        # …unless a side of a comparison names none of them: its rows are the other side's
        # ("甲学院和乙学院…" with 乙 not read as a name keeps 乙's rows)
        unnamed = any(not any(compact(o) in s for o in orgs) for s in map(compact, judged.sides))
        if any(own(h) for h in hits) and not unnamed:
            hits = [h for h in hits if h.chunk.kind != "record" or own(h)]
    picked = pick_sentences(judged, hits, holds, states if spec.facts else None, part_holds)
    if not picked:
        return refusal(spec.text, hits, notice)
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    parts = []
    for p in picked:
        n = numbers.get(p.chunk.chunk_id)
        if n is None:
            n = numbers[p.chunk.chunk_id] = len(numbers) + 1
            citations.append(citation_for(n, p.chunk))
        parts.append(f"{p.text}[{n}]")
    if spec.intent == "list" and len(parts) > 1:
        parts = [f"{i}. {text}" for i, text in enumerate(parts, 1)]  # a list reads as one
    if has_cue(spec.norm, "which_document"):
        # "出自哪部法律": the document is the answer, its words the proof
        doc = picked[0].chunk.doc
        number = f"（{doc.doc_number}）" if doc.doc_number else ""
        parts.insert(0, f"出自《{doc.title}》{number}{article_of(picked[0])}：")
    if spec.is_foreign:
        from .english import english_lead

        lead = english_lead(spec, [p.text for p in picked], holds)
        parts.insert(0, lead)
    cites = tuple(citations)
    notes = " ".join(x for x in (notice, status_notes(cites, hits)) if x)
    return Answer(
        spec.text, "\n".join(parts), True, "extractive", cites, (), notes, status=ANSWERED
    )


_ARTICLE_HEAD = 10  # characters of "第一百零二条 " a sentence may open with


def article_of(picked: Picked) -> str:
    """The article a sentence stands in, from the last article its passage opens before it
    (a law's sentence is cited by its 条: "这句话在哪一条"), or "" when the passage
    opens none before it."""
    text = picked.chunk.text
    at = text.find(picked.text[:12])
    if at < 0:
        return ""
    # up to the sentence's first words: a sentence that opens its article names it there.
    # An article opens a line or sentence and is followed by a space ("第十四条 国家…"); a
    # reference inside a sentence ("依照本法第六十二条规定") opens none.
    head = text[: at + _ARTICLE_HEAD]
    found = [
        ref
        for a, b, ref in clause_refs(head)
        if ref.endswith("条")
        and (a == 0 or head[a - 1] in "\n。；;" or head[a - 1].isspace())
        and b < len(head)
        and head[b].isspace()
    ]
    return found[-1] if found else ""


def _holds_of(spec: QuestionSpec, retriever: Retriever) -> Callable[[str], float]:
    """How much of a part or side a sentence holds; a table row a little more for each cell
    the part names whole: "甲校的护理" is the row whose major is 护理, not the row of 助产
    that lists 护理 among the majors it admits from."""
    items = retriever.weighted_concepts(spec)

    def holds(read: str) -> float:
        named = cells_named(read.rsplit("\n", 1)[-1], spec.norm)
        return retriever.holds(items, compact(read)) + NAMED_CELL * named

    return holds


def not_direct_answer(
    spec: QuestionSpec, hits: list[Hit], verdict: Verdict, retriever: Retriever
) -> Answer:
    """Something close is there but not the thing asked: say so in one sentence, name what
    the documents do not mention, then quote the nearest sentences with their citations —
    a reader would rather judge the passage than be told nothing."""
    missing = "、".join(f"“{m}”" for m in verdict.missing[:3])
    lead = NOT_DIRECT_LEAD + (f"资料中未提及{missing}。" if missing else "") + "最接近的内容："
    nearest = extractive_answer(spec, hits[:NEAREST_SHOWN], retriever)
    if not nearest.found:
        return refusal(spec.text, hits)
    return Answer(
        spec.text,
        f"{lead}\n{nearest.answer}",
        False,
        "extractive",
        nearest.citations,
        (),
        nearest.notice,
        suggestions(hits),
        status=NOT_DIRECT,
    )


def refusal(question: str, hits: list[Hit], notice: str = "") -> Answer:
    return Answer(
        question, REFUSAL, False, "extractive", (), (), notice, suggestions(hits), status=REFUSED
    )


def answer_question(
    question: str,
    retriever: Retriever,
    *,
    chat=None,
    history: list[dict] | None = None,
    filters: Filters = Filters(),
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    """Answer one question (with optional chat history) from the index."""
    question = question.strip()
    if not question:
        return Answer(
            question, EMPTY, False, "extractive", notice="空问题 (empty question)", status=REFUSED
        )
    if not history:
        return _answer(question, question, retriever, chat, history, filters, on_token)
    standalone = _standalone(question, history, chat)
    ans = _answer(question, standalone, retriever, chat, history, filters, on_token)
    # A follow-up ("那学徒制呢？") is searched as the question it stands for: say which.
    return replace(ans, searched_as=standalone) if standalone != question else ans


def _answer(
    question: str,
    standalone: str,
    retriever: Retriever,
    chat,
    history: list[dict] | None,
    filters: Filters,
    on_token: Callable[[str], None] | None,
) -> Answer:
    spec = read_question(standalone)
    routed = routes.route(spec, retriever, filters)
    if routed is not None:
        return replace(routed, question=question)
    k = LIST_PASSAGES if spec.intent == "list" else ANSWER_PASSAGES
    hits = retriever.search(spec, k=k, filters=filters)
    verdict = decide(reading_spec(spec), hits, retriever)
    # With an LLM a second reader follows — the model sees the passages, may refuse, and
    # every claim it makes is verified — so only what the decision refuses outright stops.
    go = verdict.status == ANSWERED or (chat is not None and verdict.status == NOT_DIRECT)
    if not go:
        # The decision answered, not a model (none was asked): the mode says so.
        ans = (
            not_direct_answer(spec, hits, verdict, retriever)
            if verdict.status == NOT_DIRECT
            else refusal(question, hits)
        )
        return replace(ans, question=question)
    notice = ""
    if chat is not None:
        from .generate import generate_answer
        from .llm import LLMError

        try:
            ans = generate_answer(standalone, hits, chat, history=history, on_token=on_token)
        except LLMError as e:
            notice = f"大模型不可用，已改用摘录式回答 (LLM unavailable, extractive answer): {e}"
        else:
            if ans.found:
                note = status_notes(ans.citations, hits)
                notice = " ".join(x for x in (ans.notice, note) if x)
                return replace(ans, question=question, notice=notice, status=ANSWERED)
            if not ans.dropped or ans.answer == REFUSAL:
                # The model read the sources and found no answer in them.
                return replace(
                    ans, question=question, suggestions=suggestions(hits), status=REFUSED
                )
            # Every sentence failed verification: show the sources' own words instead.
            notice = (
                "大模型的回答未通过引用核验，已改用摘录式回答 "
                "(LLM answer failed citation checks, extractive answer)"
            )
            ext = extractive_answer(spec, hits, retriever, notice)
            return replace(ext, question=question, dropped=ans.dropped)
        if verdict.status != ANSWERED:
            # The model was asked and failed: say so over the nearest passages too.
            nd = not_direct_answer(spec, hits, verdict, retriever)
            both = " ".join(x for x in (notice, nd.notice) if x)
            return replace(nd, question=question, notice=both)
    ans = extractive_answer(spec, hits, retriever, notice)
    return replace(ans, question=question)


def _standalone(question: str, history: list[dict], chat) -> str:
    """A follow-up ("那学徒制呢？") rewritten to stand alone before retrieval.

    With an LLM the model rewrites it; without one, the previous user question is put in
    front, which keeps its subject ("补贴标准") in the retrieval query.
    """
    from .condense import condense_question, fallback_question

    if chat is not None:
        return condense_question(history, question, chat)
    return fallback_question(history, question)
