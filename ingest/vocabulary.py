"""The words the assistant reads with, loaded from data files in `ingest/vocab/`.

Synonyms, the English glossary, grade forms, framing words, place names, the cues that say
what a question asks for — vocabulary a consortium's IT staff should be able to extend
without reading code. Each file is in a format the field already uses: Solr synonym lines
("a, b, c" a group; "a => b, c" one way), jieba's user dictionary ("word freq"), plain
lists, and "[section]" / "kind: words" files. An overlay folder (`CHANJIAO_VOCAB_DIR`,
set once by the entry points through `configure`) holds files of the same names whose
lines are added to the bundled ones. Words are normalised (NFKC, lower case) as they are
loaded, so "Ⅲ级" in a file matches "iii级" in normalised text. No reading logic lives here.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"
_overlays: tuple[Path, ...] = ()
_dependents: list = []  # caches of other modules built from vocabulary


def on_change(cache_clear) -> None:
    """Register a cache to clear when the overlay changes."""
    _dependents.append(cache_clear)


def configure(overlay_dirs: tuple[Path, ...] | list[Path] = ()) -> None:
    """Use the files in `overlay_dirs` on top of the bundled ones (entry points call this)."""
    global _overlays
    _overlays = tuple(Path(p) for p in overlay_dirs)
    for f in (lines, words, synonym_table, sections, mapping):
        f.cache_clear()
    for clear in _dependents:
        clear()


def files(name: str) -> list[Path]:
    """The bundled file `name` and any overlay file of the same name, in that order."""
    return [p for p in (VOCAB_DIR / name, *(d / name for d in _overlays)) if p.is_file()]


def fold(text: str) -> str:
    """How vocabulary and the text it is matched against are compared."""
    return unicodedata.normalize("NFKC", text).lower().strip()


@lru_cache(maxsize=64)
def lines(name: str) -> tuple[str, ...]:
    """The non-empty, non-comment lines of `name` (bundled, then overlays)."""
    out = []
    for path in files(name):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line)
    return tuple(out)


@lru_cache(maxsize=64)
def words(name: str) -> frozenset[str]:
    """A plain word list: one or more words a line, separated by spaces."""
    return frozenset(fold(w) for line in lines(name) for w in line.split())


@lru_cache(maxsize=16)
def synonym_table(name: str) -> dict[str, tuple[str, ...]]:
    """A Solr synonym file as word → its other forms. Groups are symmetric; "a => b, c"
    adds b and c as forms of a only."""
    table: dict[str, list[str]] = {}
    for line in lines(name):
        if "=>" in line:
            left, right = line.split("=>", 1)
            targets = [fold(w) for w in right.split(",") if w.strip()]
            for word in (fold(w) for w in left.split(",") if w.strip()):
                table.setdefault(word, []).extend(t for t in targets if t != word)
        else:
            group = [fold(w) for w in line.split(",") if w.strip()]
            for word in group:
                table.setdefault(word, []).extend(w for w in group if w != word)
    return {w: tuple(dict.fromkeys(forms)) for w, forms in table.items()}


@lru_cache(maxsize=16)
def sections(name: str) -> dict[str, tuple[str, ...]]:
    """An INI-like list file: "[section]" lines, then one entry a line."""
    out: dict[str, list[str]] = {}
    current = ""
    for line in lines(name):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            out.setdefault(current, [])
        elif current:
            out[current].append(fold(line))
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@lru_cache(maxsize=16)
def mapping(name: str) -> dict[str, tuple[str, ...]]:
    """A "key: word word …" file as key → words (lines of one key are joined)."""
    out: dict[str, list[str]] = {}
    for line in lines(name):
        key, _, rest = line.partition(":")
        out.setdefault(key.strip(), []).extend(fold(w) for w in rest.split())
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def userdict_files() -> list[Path]:
    """The jieba user dictionaries to load: bundled, then overlays."""
    return files("userdict.txt")
