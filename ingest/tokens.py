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

import jieba

jieba.setLogLevel(logging.WARNING)

DOMAIN_TERMS = (
    "产教联合体", "市域产教联合体", "产教融合", "产教融合型企业", "观测点", "学徒制", "新型学徒制",
    "中国特色学徒制", "揭榜挂帅", "秘书处", "理事会", "项目委员会", "实训基地", "产业学院",
    "兼职教师", "双师型", "职业教育", "职业学校", "高职", "中职", "职教本科", "教育费附加",
    "地方教育附加", "职工教育经费", "技能大师工作室", "复合材料", "无损检测", "数控加工",
    "工业机器人", "数字孪生", "航空发动机", "钣金", "铆装", "惠企政策", "供需清单", "成果转化",
    "专升本", "青羊区", "成飞", "航空航天", "自评报告", "实习补贴", "培训补贴", "见习补贴",
)

STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 对 为 把 被 将 就 都 也 还 又 而 之 其 该 这 那 此 有 无 "
    "吗 呢 吧 啊 呀 么 什么 怎么 怎样 如何 哪些 哪个 哪 多少 几 是否 请问 请 一下 一个 "
    "能 可以 可 需要 要 会 给 从 向 到 以 于 由 按 所 上 中 下 里 时 后 前 个 我 我们 你 "
    "您 他 她 它 们 吗 啥 多久 多长 哪里 谁 么样 呢 有没有 是不是 "
    "怎么样 什么样 怎么办 今天 现在 目前 能否 可否 哪家 哪所 哪位 分别 具体 相关 有关 "
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


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def concepts(text: str) -> list[tuple[str, list[str]]]:
    """The question's content words (jieba's precise mode), each with its search-mode parts.

    Coverage is judged by concept, so that "职工教育经费" is one thing that a passage holds
    or not, rather than four tokens of which the three common ones are found anywhere.
    """
    _init()
    norm = normalize(text)
    out: list[tuple[str, list[str]]] = []
    seen = set()
    for word in jieba.cut(norm):
        w = word.strip()
        if not w or w in STOPWORDS or not _WORD.search(w) or w in seen:
            continue
        if len(w) == 1 and not w.isdigit():  # 年, 应, 税: too common to tell passages apart
            continue
        seen.add(w)
        parts = [t for t in jieba.cut_for_search(w) if t != w and len(t) > 1 and t not in STOPWORDS]
        out.append((w, parts))
    return out


def is_number(term: str) -> bool:
    return bool(_NUMBER.fullmatch(term))
