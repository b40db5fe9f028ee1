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

from .synonyms import alternatives, forms

jieba.setLogLevel(logging.WARNING)

DOMAIN_TERMS = (
    "产教联合体",
    "市域产教联合体",
    "产教融合",
    "产教融合型企业",
    "观测点",
    "学徒制",
    "新型学徒制",
    "中国特色学徒制",
    "揭榜挂帅",
    "秘书处",
    "理事会",
    "项目委员会",
    "实训基地",
    "产业学院",
    "兼职教师",
    "双师型",
    "职业教育",
    "职业学校",
    "高职",
    "中职",
    "职教本科",
    "教育费附加",
    "地方教育附加",
    "职工教育经费",
    "技能大师工作室",
    "复合材料",
    "无损检测",
    "数控加工",
    "工业机器人",
    "数字孪生",
    "航空发动机",
    "钣金",
    "铆装",
    "惠企政策",
    "供需清单",
    "成果转化",
    "专升本",
    "青羊区",
    "成飞",
    "航空航天",
    "自评报告",
    "实习补贴",
    "培训补贴",
    "见习补贴",
)

STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 对 为 把 被 将 就 都 也 还 又 而 之 其 该 这 那 此 有 无 "
    "吗 呢 吧 啊 呀 么 什么 怎么 怎样 如何 哪些 哪个 哪 多少 几 是否 请问 请 一下 一个 "
    "能 可以 可 需要 要 会 给 从 向 到 以 于 由 按 所 上 中 下 里 时 后 前 个 我 我们 你 "
    "您 他 她 它 们 吗 啥 多久 多长 哪里 谁 么样 呢 有没有 是不是 "
    "怎么样 什么样 怎么办 今天 现在 目前 能否 可否 哪家 哪所 哪位 分别 具体 相关 有关 "
    "应该 必须 可能 能够 得要 想要 "
    "the a an of to in on for and or is are be what which how who when where does do".split()
)

_CODE = re.compile(r"(?<![\d.])\d{1,2}(?:\.\d{1,2}){1,3}(?![\d.])")
_DOC_NO = re.compile(r"〔\s*(\d{4})\s*〕\s*(\d{1,4})\s*号")
_WORD = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
_lock = threading.Lock()
_ready = False


def _init() -> None:
    global _ready
    with _lock:
        if _ready:
            return
        for term in DOMAIN_TERMS:
            jieba.add_word(term, freq=20000)
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
        if t and t not in STOPWORDS and _WORD.search(t)
    ]
    out.extend(codes_in(norm))
    out.extend(f"{y}〔{n}〕" for y, n in _DOC_NO.findall(text))
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


def held(word: str, text: str) -> bool:
    """Whether `text` holds `word` in any of its forms."""
    return any(f in text for f in forms(word))


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Spans jieba would shatter but that are one thing: 观测点 codes ("6.1.2") and class
# labels ("E类人才", "A级", "Ⅲ级" — "iii级" once normalised —, "3级").
_PROTECTED = re.compile(
    r"(?<![\d.])\d{1,2}(?:\.\d{1,2}){1,3}(?![\d.])|(?<![a-z])[a-z][类级型档](?![a-z])"
    r"|(?<![a-z])(?:i{1,3}|iv|v|vi{1,3}|ix|x)级|(?<![\d.])\d级"
)
# Where a question asks: the word before it (or right after "多少名") is what it asks for.
_ASKING = re.compile(
    r"是多少|多少|是什么|什么|是哪|有哪些|哪些|是几|几|怎么|如何|为什么|是否|能否|吗|是谁|谁"
)
_AFTER_ASKING = re.compile(r"(?:多少|几)[名个位项家所门本次人条件种类]?")
# Words before 多少 that say how the quantity is counted, not what is asked for.
ATTRIBUTE_FILLERS = frozenset(
    "每月 每年 每人 每次 每生 每名 一共 总共 共计 合计 最多 最少 至少 最高 最低 "
    "大概 一般 平均 分别 大约 能 可以 要".split()
)


def _parts(word: str) -> tuple[str, ...]:
    """The search-mode parts of a word ("征收率" → 征收, 收率), stopwords and letters dropped."""
    return tuple(
        t for t in jieba.cut_for_search(word) if t != word and len(t) > 1 and t not in STOPWORDS
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
    out: list[tuple[str, tuple[str, ...], int, int]] = [(w, (), a, b) for w, a, b in protected]
    seen = {w for w, _, _ in protected}
    function_words = _function_words(norm)
    for word, a, b in jieba.tokenize(norm):
        w = word.strip()
        if any(a < pe and b > ps for _, ps, pe in protected):
            continue
        if not w or w in STOPWORDS or not _WORD.search(w) or w in seen:
            continue
        if len(w) == 1 and not w.isdigit():  # 年, 应, 税: too common to tell passages apart
            continue
        if w in ABSTRACT_ATTRIBUTES or w in FRAMING_WORDS:
            continue  # "需要满足什么条件": the kind of answer wanted, not what it is about
        if w in function_words:
            continue  # "这个", "他们", "到底", "几年": how it is asked, not what about
        seen.add(w)
        parts = _parts(w)
        out.append((w, parts, a, b))
    return tuple(sorted(out, key=lambda item: item[2]))


# Parts of speech that carry no subject: pronouns, adverbs, directions, classifiers,
# prepositions, conjunctions, particles, interjections, onomatopoeia.
FUNCTION_TAGS = frozenset("r d f q mq p c u uj ul uz ug uv ud y e o".split())
_PRONOUN_HEADS = tuple("这那哪什怎他她它我你您谁某咱")
_VAGUE_NUMERAL = re.compile(r"^(?:几|多|一[起次共些下点])")


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
        if piece.flag in FUNCTION_TAGS or (piece.flag == "m" and _VAGUE_NUMERAL.match(w)):
            out.add(w)
    return out


def concepts(text: str) -> list[tuple[str, list[str]]]:
    """`concept_spans` without the positions."""
    return [(w, parts) for w, parts, _, _ in concept_spans(text)]


# What a quantity is called rather than what it is of: answered by a number, whatever the
# passage calls it ("比例" ← "不超过工资薪金总额8%的部分").
ABSTRACT_ATTRIBUTES = frozenset(
    "比例 上限 下限 标准 金额 数额 额度 时间 期限 日期 时限 条件 要求 范围 数量 人数 "
    "规定 内容 情况 办法 流程 程序 方式 材料 对象 措施 政策 做法 区别 原因 目的 作用 "
    "意义 职责 规模 比重 份额".split()
)
# Verbs that frame a question ("需要满足…", "可以享受…") without naming its subject.
FRAMING_WORDS = frozenset(
    "满足 具备 符合 需要 包括 包含 属于 享受 涉及 提到 说 讲 规定 要求 指 叫".split()
)
_YES_NO = re.compile(r"吗[？?。]?$|是否|能否|可否|有没有|是不是|能不能|可不可以|给不给|算不算")
_NOUN_TAGS = ("n", "vn", "j", "l", "nz", "eng")


def asked_attributes(text: str) -> list[tuple[str, list[str]]]:
    """See `_asked_attributes`; a fresh list each call, the tagging cached."""
    return [(w, list(parts)) for w, parts in _asked_attributes(text)]


@lru_cache(maxsize=512)
def _asked_attributes(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What the question asks for: "学费" in "…课程的学费是多少？", "留学生" in "招收了多少名
    留学生？" — the noun before the question word, or right after "多少名". A passage that
    holds none of these (not even in part) does not answer it, however many of the
    question's other words it shares. Yes/no questions and abstract words ("比例",
    "条件") ask for nothing a passage must name."""
    _init()
    norm = normalize(text)
    m = _ASKING.search(norm)
    if m is None or _YES_NO.search(norm):
        return ()
    import jieba.posseg as pseg

    nouns, pos = [], 0
    for piece in pseg.cut(norm):
        a, b = pos, pos + len(piece.word)
        pos = b
        w = piece.word.strip()
        if (
            len(w) > 1
            and piece.flag.startswith(_NOUN_TAGS)
            and not piece.flag.startswith("nr")
            and w not in STOPWORDS
            and w not in ABSTRACT_ATTRIBUTES
            and w not in ATTRIBUTE_FILLERS
        ):
            nouns.append((w, a, b))
    before = [n for n in nouns if n[2] <= m.start()]
    after_m = _AFTER_ASKING.match(norm, m.start())
    after = [n for n in nouns if after_m and n[1] == after_m.end()]
    chosen = ([before[-1]] if before else []) + after[:1]
    return tuple((w, _parts(w)) for w, _, _ in chosen)


PROVINCES = frozenset(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 "
    "湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门".split()
)
_PLACE_SUFFIX = ("省", "市", "区", "县", "州")
# Words with a place suffix that name a kind of place, not one.
GENERIC_PLACES = frozenset(
    "大城市 直辖市 地级市 县级市 自治区 自治州 自治县 行政区 功能区 辖区 各区县 全市 全省 全区 "
    "本市 本省 本区 本县 该市 该区".split()
)


def places(text: str) -> list[str]:
    """The places a question names — "广州市", "广东省", "高新区", "河北" — as written.

    A policy of one city does not answer a question about another, however much else the
    two share ("内江驻广州市的工作站" is not answered by the row for 东莞市), so a passage
    must name the place to answer. Provinces are known by name; cities, districts and
    zones by their suffix (市/区/县/省/州 on a word of three or more characters).
    """
    out = []
    for word, _ in concepts(text):
        if word in PROVINCES or (
            len(word) >= 3 and word.endswith(_PLACE_SUFFIX) and word not in GENERIC_PLACES
        ):
            out.append(word)
    return out


_DOCUMENT_WORDS = "条例|办法|规定|通知|意见|政策|细则|措施|文件|规划|方案"


def issued_by(question: str, place: str) -> bool:
    """Whether the question names `place` as the issuer of a document ("广东省职业教育条例",
    "内江市的创业补贴政策") rather than as where the asker is ("四川的企业招用残疾人…")."""
    pattern = rf"{re.escape(place)}[^，。？！、,.?!\s]{{0,12}}?(?:{_DOCUMENT_WORDS})"
    return re.search(pattern, normalize(question)) is not None


def holds_place(place: str, text: str) -> bool:
    """`text` names `place`, with or without its suffix ("成都" names 成都市)."""
    return place in text or (place.endswith(_PLACE_SUFFIX) and place[:-1] in text)


def numbers_in(text: str) -> list[str]:
    """The numbers written in digits in `text`, in order ("80%", "2025年" → 80, 2025)."""
    return _NUMBER.findall(text)


def is_number(term: str) -> bool:
    return bool(_NUMBER.fullmatch(term))
