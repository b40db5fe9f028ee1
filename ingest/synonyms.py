"""Words people ask with and the words documents use for the same thing.

People ask about "医保", "三甲医院", "社保卡" and "顶岗实习"; policy documents write
"医疗保险", "三级甲等医疗机构", "社会保障卡" and, since 2022, "岗位实习". Keyword search
cannot bridge an abbreviation, and a dense model of this size often does not either, so
the question is widened by the other forms of its words before it is searched, and a
passage holds a question's word when it holds any form of it. The forms are data:
`ingest/vocab/synonyms.txt` (and `grades.txt` for 三级 = 3级 = Ⅲ级, `orgs.txt` for 成飞 =
成都飞机工业（集团）有限责任公司), in Solr's format.
"""

from __future__ import annotations

from functools import lru_cache

from . import vocabulary

FILES = ("synonyms.txt", "grades.txt", "orgs.txt")


@lru_cache(maxsize=4096)
def alternatives(word: str) -> tuple[str, ...]:
    """Other forms of `word` a document may use (empty when none are known)."""
    found: list[str] = []
    for name in FILES:
        found.extend(vocabulary.synonym_table(name).get(vocabulary.fold(word), ()))
    return tuple(dict.fromkeys(found))


def forms(word: str) -> tuple[str, ...]:
    """`word` and its alternatives."""
    return (word, *alternatives(word))


vocabulary.on_change(alternatives.cache_clear)
