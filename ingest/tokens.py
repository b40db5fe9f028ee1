"""Chinese tokenisation for keyword search — the only module that imports jieba.

BM25 over Chinese needs words, not characters or whole runs: jieba's search mode cuts
"产教融合型企业" into 产教/融合/企业/产教融合型企业 so both short and long queries match.
Codes that jieba would shatter (观测点 8.5.2, 文号 〔2024〕20号, years) are kept as single
tokens too, and domain terms are added to the dictionary so they stay whole.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

import jieba

from . import vocabulary
from .numbers import (
    DIGITS,
    clause_forms,
    clause_refs,
    in_digits,
    multiples,
    numeral_words,
    quantities_in,
    stated_numbers,
    states_bound,
)
from .synonyms import alternatives, forms

jieba.setLogLevel(logging.WARNING)


def _words(name: str) -> frozenset[str]:
    """A word list of `ingest/vocab/` (cached there; overlays included)."""
    return vocabulary.words(name)


def is_province(word: str) -> bool:
    return word in _words("provinces.txt")


_CODE = re.compile(r"(?<![\d.])\d{1,2}(?:\.\d{1,2}){1,3}(?![\d.倍%])")  # "1.5倍", "2.5%": no codes
_DOC_NO = re.compile(r"〔\s*(\d{4})\s*〕\s*(\d{1,4})\s*号")
_WORD = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
_lock = threading.Lock()
_ready = False


def _init() -> None:
    global _ready
    with _lock:
        if _ready:
            return
        for path in vocabulary.userdict_files():
            jieba.load_userdict(str(path))
        jieba.initialize()
        _ready = True


def normalize(text: str) -> str:
    """Fold full-width forms and case so "ＡＩ"/"ai" and "（"/"(" compare equal."""
    return unicodedata.normalize("NFKC", text).lower()


def compact(text: str) -> str:
    """`normalize` without spaces: how passages and questions are compared as strings."""
    return normalize(text).replace(" ", "")


def codes_in(text: str) -> list[str]:
    """观测点-style numbered codes (8.5.2) in `text`."""
    return _CODE.findall(normalize(text))


def tokenize(text: str) -> list[str]:
    """Search tokens of `text`: jieba words without stopwords and punctuation, plus codes."""
    _init()
    norm = normalize(text)
    out = [
        t
        for t in (w.strip() for w in jieba.cut_for_search(norm))
        if t and t not in _words("stopwords.txt") and _WORD.search(t)
    ]
    out.extend(codes_in(norm))
    out.extend(f"{y}〔{n}〕" for y, n in _DOC_NO.findall(text))
    # a figure in numerals is searched in digits too ("两千五" → 2500): tables and notices
    # write their figures in digits, and jieba cuts the numerals apart ("一千", "千五")
    refs = clause_refs(norm)  # "第一百二十条" is a clause, not the figure 20
    out.extend(
        digits
        for a, b, digits in numeral_words(norm)
        if not any(a < re_ and b > rs for rs, re_, _ in refs)
    )
    out.extend(quantities_in(norm))  # "百分之五十" → 50, as in "50%"
    return out


def query_tokens(text: str, vocabulary=None) -> list[str]:
    """`tokenize` widened by the other forms of its words ("医保" → 医疗保险): what a
    question is keyword-searched with. See `synonyms`. A form is added whole when the
    documents use it as a word (`vocabulary`), else as its parts — never both, so that a
    word with three spelled-out forms does not outweigh the rest of the question.
    """
    base = tokenize(text)
    extra: list[str] = []
    for word in dict.fromkeys(base):
        for alt in alternatives(word):
            if vocabulary is not None and alt in vocabulary:
                extra.append(alt)
            else:
                extra.extend(t for t in tokenize(alt) if len(t) > 1)
    return base + [t for t in dict.fromkeys(extra) if t not in base]


_YEAR_RANGE = re.compile(
    r"(?:19|20)\d{2}\s*年?\s*[-—–~～至到]+\s*(?:(?:19|20)\d{2}|\d{2})\s*(?:学年|年度|年)?"
)


def without_year_ranges(text: str) -> str:
    """`text` without spans of years ("2025—2026学年", "2024-2025年"): a catalogue titled
    for two years does not speak of 2026 in each of its rows; a row does, by its date."""
    return _YEAR_RANGE.sub(" ", text)


class Either(str):
    """One of several words, any of which a passage may hold: the options of a choice
    question ("初审、复审还是终审"), years asked in parallel ("2022年和2023年的…"). It reads
    as its first option wherever a word is weighed, searched or shown; `held` accepts any."""

    options: tuple[str, ...]

    def __new__(cls, options: tuple[str, ...]) -> Either:
        word = super().__new__(cls, options[0])
        word.options = tuple(options)
        return word

    def __reduce__(self):
        return (Either, (self.options,))


# How far a document's figure may stand from one a user gives as approximate ("将近三百人"
# meets "396", "两千元左右" meets "1900元"), as a share of it.
APPROXIMATE = 0.1


class About(str):
    """A figure given as approximate ("将近三百", "约300", "两千左右"): it reads as its
    figure wherever a word is weighed or shown; `held` accepts any figure a text states
    within APPROXIMATE of it. The user guesses; the document states it exactly."""

    def __reduce__(self):
        return (About, (str(self),))


class Case(str):
    """A figure of the user's own case in a question asking whether it qualifies ("一个
    五十二岁的工人算不算…"): it reads as its figure; `held` accepts, besides the figure,
    a bound the text states in its unit ("年满45周岁") — the rule it is measured against."""

    unit: str

    def __new__(cls, figure: str, unit: str) -> Case:
        word = super().__new__(cls, figure)
        word.unit = unit
        return word

    def __reduce__(self):
        return (Case, (str(self), self.unit))


def _near(word: About, text: str) -> bool:
    value = float(word)
    for n in stated_numbers(text):
        try:
            if abs(float(n) - value) <= APPROXIMATE * abs(value):
                return True
        except ValueError:
            continue
    return False


def held(word: str, text: str) -> bool:
    """Whether `text` holds `word` in any of its forms; a number also where the text writes
    it in Chinese numerals ("40" in "四十平方米"), a count in numerals where it writes it in
    digits ("一年" in "满1年"), a clause in the other numbering ("第12条" in "第十二条"), a
    choice in any of its options, an approximate figure near it (`About`), a user's own
    figure where the text states a bound in its unit (`Case`)."""
    if isinstance(word, Either):
        return any(held(o, text) for o in word.options)
    if isinstance(word, About) and _near(word, text):
        return True
    if isinstance(word, Case) and states_bound(text, word.unit):
        return True
    if is_number(word):
        # a number stands whole: "2022" is not a patent number's "ZL2022100…", nor "17"
        # the "176.3" of an item code. A dotted item code may follow a digit: extraction
        # glues a table's row number to the code it heads ("41" + "16.3").
        left = r"(?<!\.)" if "." in word else r"(?<![\d.])"
        if re.search(left + re.escape(word) + r"(?!\d)", text):
            return True
        return any(f in text for f in forms(word)[1:]) or word in stated_numbers(text)
    if any(f in text for f in forms(word)):
        return True
    if word.startswith("第") and any(f in text for f in clause_forms(word)):
        return True
    digits = in_digits(word)
    return digits is not None and re.search(r"(?<![\d.])" + re.escape(digits), text) is not None


def abbreviated(word: str, text: str) -> bool:
    """Whether `word` reads as the short form of a longer phrase `text` holds: its Han
    characters in order, the first and the last each beginning or ending a stretch no longer
    than twice the word ("单列" of "单独列项", "高职" of "高等职业"). Chinese shortens a
    phrase by keeping a character of each part, so a question's short form and a
    document's full phrase are one wording."""
    if not 2 <= len(word) <= 4 or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return False
    limit = 2 * len(word)
    start = text.find(word[0])
    while start >= 0:
        at, ok = start, True
        for ch in word[1:]:
            at = text.find(ch, at + 1, start + limit)
            if at < 0:
                ok = False
                break
        if ok:
            return True
        start = text.find(word[0], start + 1)
    return False


_NUMBER = DIGITS
YEAR = re.compile(r"(?:19|20)\d{2}")  # a year written in digits
_IDENTIFIER = r"[a-z]{1,6}(?:-[a-z0-9]{1,8})*-\d{1,6}"
IDENTIFIER = re.compile(_IDENTIFIER)  # "cg-zl-013": one thing, named literally
# Spans jieba would shatter but that are one thing: 观测点 codes ("6.1.2") and class
# labels ("E类人才", "A级", "Ⅲ级" — "iii级" once normalised —, "3级"), and record identifiers.
_PROTECTED = re.compile(
    r"(?<![\d.])\d{1,2}(?:\.\d{1,2}){1,3}(?![\d.])|(?<![a-z])[a-z][类级型档](?![a-z])"
    r"|(?<![a-z])(?:i{1,3}|iv|v|vi{1,3}|ix|x)级|(?<![\d.])\d级"
    # a record's identifier, letters and digits joined by hyphens ("cg-zl-013")
    r"|(?<![a-z0-9-])" + _IDENTIFIER + r"(?![a-z0-9-])"
)


def _parts(word: str) -> tuple[str, ...]:
    """The search-mode parts of a word ("征收率" → 征收, 收率), stopwords and letters dropped."""
    return tuple(
        t
        for t in jieba.cut_for_search(word)
        if t != word and len(t) > 1 and t not in _words("stopwords.txt")
    )


def concept_spans(text: str) -> list[tuple[str, list[str], int, int]]:
    """See `_concept_spans`; a fresh list each call, the segmentation cached."""
    return [(w, list(parts), a, b) for w, parts, a, b in _concept_spans(text)]


@lru_cache(maxsize=512)
def _concept_spans(text: str) -> tuple[tuple[str, tuple[str, ...], int, int], ...]:
    """The question's content words (jieba's precise mode) with their search-mode parts and
    their place in the normalised text.

    Coverage is judged by concept, so that "职工教育经费" is one thing that a passage holds
    or not, rather than four tokens of which the three common ones are found anywhere.
    """
    _init()
    norm = normalize(text)
    protected = [
        (m.group(0).replace(" ", ""), m.start(), m.end()) for m in _PROTECTED.finditer(norm)
    ]
    # a clause cited ("第12条") and a figure in numerals ("四千二百八十") are one word each,
    # which jieba would cut apart
    for a, b, ref in clause_refs(norm):
        if not any(a < pe and b > ps for _, ps, pe in protected):
            protected.append((ref, a, b))
    for a, b, _ in numeral_words(norm):
        if not any(a < pe and b > ps for _, ps, pe in protected):
            protected.append((norm[a:b], a, b))
    for a, b, percent in multiples(norm):  # "1.5倍", "一点五倍": the 150% documents write
        protected = [p for p in protected if not (a < p[2] and b > p[1])]
        protected.append((percent, a, b))
    out: list[tuple[str, tuple[str, ...], int, int]] = [(w, (), a, b) for w, a, b in protected]
    seen = {w for w, _, _ in protected}
    function_words = _function_words(norm)
    framed = _framing_spans(norm)
    after_digits = False
    for word, a, b in _placed(norm, list(jieba.tokenize(norm))):
        w = word.strip()
        unit = after_digits and (w[:1] in _NUMERAL_UNITS or w in _words("units.txt"))
        glued = after_digits and not unit and _unit_prefix(w)
        after_digits = w.isdigit()
        if unit:
            continue  # "10万块", "3万到": the 万 and what jieba glues to it go with the digits
        if glued:
            # "满90天才退": jieba reads 天才 after the digits; the unit goes with them
            # and what follows is a word of its own, if it is one
            w, a = w[len(glued) :], a + len(glued)
        if any(a < pe and b > ps for _, ps, pe in protected):
            continue
        if any(fs <= a and b <= fe for fs, fe in framed):
            continue  # "能不能", "请问一下": jieba cuts them into "能" + "不能", "一下"…
        if not w or w in _words("stopwords.txt") or not _WORD.search(w) or w in seen:
            continue
        if len(w) == 1 and not w.isdigit():  # 年, 应, 税: too common to tell passages apart
            continue
        if w in _words("abstract.txt") or w in _words("framing.txt"):
            continue  # "需要满足什么条件": the kind of answer wanted, not what it is about
        if w in function_words or (len(w) == 2 and w[0] in _DEMONSTRATIVES):
            continue  # "这个", "他们", "到底", "几年", "这门": how it is asked, not what about
        if counts_back(w, norm, b):
            continue  # "这两项", "两门课各是谁": the things named before, counted
        if _VAGUE_NUMERAL.match(w) and (w[0] in "多几" or len(w) == 2):
            continue  # "这么多人", "一项": jieba's words are not its tagged pieces ("多" + "人")
        if w[0] == "哪" or "谁" in w:
            continue  # "哪几种", "由谁来": jieba's idioms of asking which one or who
        if w[0] == "一" and a > 0 and norm[a - 1] in _DEMONSTRATIVES:
            continue  # "由哪一级政府", "那一类": jieba cuts 哪/那 off; "一级" names no grade
        seen.add(w)
        parts = _parts(w)
        out.append((w, parts, a, b))
    return tuple(sorted(out, key=lambda item: item[2]))


def _placed(norm: str, tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """jieba's tokens with a province or city the question names kept whole where jieba cut
    it for a longer word of its dictionary: "内江城区" is read 内 + 江城区 (a district of
    another province) and "在内江" 在内 + 江 where both mean 内江. Only where what is left
    on either side is a word of the dictionary or a function word ("城区", "在"): "广东营业部"
    and "华东营销" hold 东营 across two words, and are left alone."""
    names = _words("provinces.txt") | _words("cities.txt")
    for name in sorted((n for n in names if len(n) > 1 and n in norm), key=len, reverse=True):
        for ps in (m.start() for m in re.finditer(re.escape(name), norm)):
            pe = ps + len(name)
            over = [t for t in tokens if t[1] < pe and t[2] > ps]
            if len(over) < 2 or any(t[0] in names for t in over):
                continue  # whole in one word, or cut by another place's name
            if any(ps < t[1] and t[2] < pe and t[2] - t[1] > 1 for t in over):
                continue
            pieces = [
                (norm[over[0][1] : ps], over[0][1], ps),
                (norm[pe : over[-1][2]], pe, over[-1][2]),
            ]
            if not all(_a_word(w) for w, _, _ in pieces if w):
                continue
            kept = [t for t in tokens if t not in over]
            tokens = sorted(
                kept + [p for p in (pieces[0], (name, ps, pe), pieces[1]) if p[0]],
                key=lambda t: t[1],
            )
    return tokens


def _a_word(piece: str) -> bool:
    """A word of jieba's dictionary of two characters or more, or a function word."""
    import jieba.posseg as pseg

    if len(piece) > 1:
        return jieba.dt.FREQ.get(piece, 0) > 0
    return all(t.flag in _FUNCTION_TAGS for t in pseg.lcut(piece))


_FUNCTION_TAGS = ("d", "f", "u", "c", "p")  # adverb, locative, particle, conjunction, prep.


def _unit_prefix(word: str) -> str:
    """The unit of units.txt that `word` glues to a function word after a figure ("天才" in
    "押金满90天才退" → 天: 才 an adverb), else "": "年级" in "3年级" is a word of its own."""
    import jieba.posseg as pseg

    unit, rest = word[:-1], word[-1:]
    if unit in _words("units.txt") and all(t.flag in _FUNCTION_TAGS for t in pseg.lcut(rest)):
        return unit
    return ""


# The affirmative-negative question ("能不能", "有没有", "包不包", "可不可以"): it asks yes or
# no, and its negated half is no fact a passage must hold.
A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


def _framing_spans(norm: str) -> list[tuple[int, int]]:
    """Where the question's framing stands in `norm`: the phrases of framing.txt, found in
    the text rather than among jieba's words (which cut them apart), and A-not-A forms."""
    spans = [(m.start(), m.end()) for m in A_NOT_A.finditer(norm)]
    for phrase in _words("framing.txt"):
        if len(phrase) > 1:
            start = norm.find(phrase)
            while start >= 0:
                spans.append((start, start + len(phrase)))
                start = norm.find(phrase, start + 1)
    return spans


# Parts of speech that carry no subject: pronouns, adverbs, directions, classifiers,
# prepositions, conjunctions, particles, interjections, onomatopoeia.
FUNCTION_TAGS = frozenset("r d f q mq p c u uj ul uz ug uv ud y e o".split())
_PRONOUN_HEADS = tuple("这那哪什怎他她它我你您谁某咱自俺")
# A demonstrative and a measure word ("这门", "那家", "哪项"), however jieba tags the pair.
_DEMONSTRATIVES = frozenset("这那哪")
_NUMERAL_UNITS = frozenset("十百千万亿")
# A count of what the question has just named ("这两项", "两门课各是…", "两条分别…"): it
# points back at the sides, and no passage holds it.
_COUNTED_BACK = re.compile(
    r"[这那此]?[两二三四五六七八九十]+[个门条项类种所家份位件款][\u4e00-\u9fff]?"
)


def counts_back(word: str, norm: str, end: int) -> bool:
    """Whether `word`, ending at `end` of `norm`, counts what the question named before it
    ("这两项", "两门课" before 各/分别: `counted_back` in cues.txt) rather than naming
    anything."""
    each = vocabulary.sections("cues.txt").get("counted_back", ())
    return bool(_COUNTED_BACK.fullmatch(word)) and (
        word[0] in "这那此" or norm[end:].startswith(tuple(each))
    )


_NUMERAL_TAGS = ("m", "j", "d")  # jieba tags "一共" j, "一起" d
# "多" asks ("多少", "多久", "多家") before a question adjective or a measure word only:
# "多元", "多媒体" name things. "一" before a measure word ("一家", "一项") is an article.
_VAGUE_NUMERAL = re.compile(
    r"^(?:几|多[少久大长高远宽重个家项次种名位年所条门人]|一[起次共些下点家笔个项门所份张])"
)


def _function_words(norm: str) -> set[str]:
    """The words of a question that only frame it, by jieba's part-of-speech tags.

    Colloquial questions are full of them ("这笔钱能不能拿来抵…", "到底包括哪几类"), and
    a word the documents never use weighs as a rare one: left in, they would count as
    missing facts. Numerals that ask rather than state ("几年", "一起") go too; "三岁" and
    "2024" stay.
    """
    import jieba.posseg as pseg

    out = set()
    for piece in pseg.cut(norm):
        w = piece.word.strip()
        if piece.flag == "r" and not w.startswith(_PRONOUN_HEADS):
            continue  # "本地", "当地", "每年": not pronouns that point elsewhere
        vague = piece.flag in _NUMERAL_TAGS and _VAGUE_NUMERAL.match(w)
        if piece.flag in FUNCTION_TAGS or vague:
            out.add(w)
    return out


def concepts(text: str) -> list[tuple[str, list[str]]]:
    """`concept_spans` without the positions."""
    return [(w, parts) for w, parts, _, _ in concept_spans(text)]


@lru_cache(maxsize=512)
def in_dictionary(word: str) -> bool:
    """Whether `word` is a word of jieba's dictionary (or ours), not one its HMM glued from
    characters it could not place ("能奖", "能报": a modal verb and a verb)."""
    _init()
    return bool(jieba.dt.FREQ.get(word))


def tagged(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """jieba's words of `text` (already normalised) with their part-of-speech tags and
    their spans: (word, tag, start, end)."""
    import jieba.posseg as pseg

    _init()
    out, pos = [], 0
    for piece in pseg.cut(text):
        word, flag = piece.word, piece.flag
        if len(word) > 2 and word[0] in GLUED_JOINS and not in_dictionary(word):
            # "和天衡": jieba's HMM glues a conjunction to a name it does not know
            out.append((word[0], "c", pos, pos + 1))
            word, pos = word[1:], pos + 1
        out.append((word, flag, pos, pos + len(word)))
        pos += len(word)
    return tuple(out)


# Conjunctions that jieba's HMM glues to an unknown name after them ("和天衡质量"): a word
# outside the dictionary that starts with one is the conjunction and the name.
GLUED_JOINS = frozenset("和与跟及")


# How specific a word is in Chinese at large, from jieba's own IDF table (built by jieba's
# authors from a general corpus): "时候" 4.3, "开始" 3.8, "门槛" 7.2, "铣床" 10.7, "非全日制"
# 13.9. Below GENERAL_COMMON a word is everyday language; from GENERAL_SPECIFIC up it names
# a thing. A word outside the table is mostly a piece jieba cut out of a colloquial phrase
# ("最多能", "前要", "能领"): it is judged by the dictionary words it is made of.
GENERAL_COMMON = 4.0
GENERAL_SPECIFIC = 11.0
SPECIFICITY_FLOOR = 0.1


@lru_cache(maxsize=1)
def _general_idf() -> dict[str, float]:
    from jieba.analyse import TFIDF

    return dict(TFIDF().idf_loader.idf_freq)


@lru_cache(maxsize=4096)
def specificity(word: str) -> float:
    """How much `word` names a particular thing in general Chinese, in
    [SPECIFICITY_FLOOR, 1]: what weighs a word the corpus cannot judge — one it never or
    hardly ever uses, which is as often a turn of phrase ("到底", "一共", "是从") as a thing the
    documents lack ("特级", "非全日制")."""
    table = _general_idf()
    idf = table.get(word)
    if idf is None:
        _init()
        cut = jieba.lcut(word, HMM=False)
        pieces = [w for w in cut if len(w) > 1 and w in table]
        if pieces:
            idf = max(table[w] for w in pieces)
        elif all(len(w) == 1 for w in cut) and len(word) <= 3:
            idf = GENERAL_COMMON  # "前要", "能领": single characters glued together
        else:
            # Outside the table and not made of dictionary words: a name, a code, a term
            # of art ("成飞", "ii级") — specific.
            idf = GENERAL_SPECIFIC
    share = (idf - GENERAL_COMMON) / (GENERAL_SPECIFIC - GENERAL_COMMON)
    return min(1.0, max(SPECIFICITY_FLOOR, share))


def parts(word: str) -> tuple[str, ...]:
    """The search-mode parts of a word ("征收率" → 征收, 收率)."""
    _init()
    return _parts(word)


def numbers_in(text: str) -> list[str]:
    """The numbers written in digits in `text`, in order ("80%", "2025年" → 80, 2025)."""
    return _NUMBER.findall(text)


def is_number(term: str) -> bool:
    return bool(_NUMBER.fullmatch(term))
