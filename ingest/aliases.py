"""Names of the same field, organisation or value, read from the data files in `ingest/vocab/`.

People type "成航院" for 成都航空职业技术大学, "在线" for 线上, "学校" for the column 开课学校.
Those equivalences are vocabulary, kept as data in the Solr/Elasticsearch synonym format the
field already uses ("a, b, c" one group a line; "a => b" one-way), so a consortium's IT
staff can extend them without reading code. This module only loads and answers lookups;
what a lookup does with the answer lives in the record and assistant layers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from . import vocabulary


def fold(text: str) -> str:
    """Compare form: width and case folded, spaces and brackets' width ignored."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"\s+", "", text)


def read_synonyms(path: Path) -> dict[str, tuple[str, ...]]:
    """word → every word it stands for (itself first), from a Solr synonym file."""
    table: dict[str, list[str]] = {}
    if not path.exists():
        return {}
    for raw in path.read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip() if raw.lstrip().startswith("#") else raw.strip()
        if not line:
            continue
        if "=>" in line:
            left, right = line.split("=>", 1)
            targets = [w.strip() for w in right.split(",") if w.strip()]
            for w in (w.strip() for w in left.split(",")):
                if w:
                    table.setdefault(fold(w), [w]).extend(targets)
            continue
        group = [w.strip() for w in line.split(",") if w.strip()]
        for w in group:
            table.setdefault(fold(w), [w]).extend(g for g in group if g != w)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


@lru_cache(maxsize=8)
def _table(name: str) -> dict[str, tuple[str, ...]]:
    """The bundled file `name` and its overlay (see `vocabulary`), merged."""
    table: dict[str, list[str]] = {}
    for path in vocabulary.files(name):
        for word, forms_ in read_synonyms(path).items():
            table.setdefault(word, []).extend(forms_)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


def forms(word: str, *files: str) -> tuple[str, ...]:
    """`word` and every form the vocabulary files `files` give it (default: all value files)."""
    files = files or ("orgs.txt", "values.txt")
    out = [word]
    for name in files:
        out += _table(name).get(fold(word), ())
    return tuple(dict.fromkeys(out))


def is_field_name(name: str) -> bool:
    """Whether `name` is a column name the vocabulary knows (fields.txt)."""
    return fold(name) in _table("fields.txt")


def field_names(name: str) -> tuple[str, ...]:
    """Every name of the column `name` (fields.txt), itself first."""
    return forms(name, "fields.txt")


@lru_cache(maxsize=1)
def contact_words() -> tuple[str, ...]:
    return tuple(fold(w) for w in vocabulary.lines("contacts.txt"))


def is_contact_column(column: str) -> bool:
    """Whether a column holds contact details (联系人, 联系电话, 邮箱, …; see contacts.txt)."""
    name = fold(column)
    return any(w in name for w in contact_words())


vocabulary.on_change(_table.cache_clear)
vocabulary.on_change(contact_words.cache_clear)
