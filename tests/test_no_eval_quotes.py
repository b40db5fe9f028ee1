"""No code, docstring, prompt, vocabulary file or unit test quotes an eval question.

A rule written for one eval question scores well on it and says nothing about the
questions users will ask; a unit test built on one makes the eval set a tuning set. The
questions are compared after folding punctuation and spaces; any stretch of 14 characters
of a question found in a source file counts as a quote (English questions too, letters
run together) when it holds part of the asking, unless it is part of a bundled document's
title.
"""

from __future__ import annotations

import json
from pathlib import Path

from evals.metrics import norm

ROOT = Path(__file__).resolve().parents[1]
WINDOW = 14
# English runs together once folded: a glossary term ("educationsurcharge") is no quote,
# thirty letters of a question are.
LATIN_WINDOW = 30
# A stretch counts only if it holds part of the asking ("多少", "哪些", …): a stretch without
# one is a name the documents use (an organisation, a patent title), free to appear anywhere.
ASKING = (
    "多少",
    "什么",
    "哪",
    "几",
    "吗",
    "是否",
    "怎么",
    "如何",
    "谁",
    "能否",
    "能不能",
    "啥",
    "咋",
)
SCANNED = ("assistant", "ingest", "prompts", "tests", "evals")
SKIPPED_SUFFIXES = (".jsonl", ".pyc", ".json", ".npz", ".docx", ".md")


def _questions() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "evals").rglob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if case.get("question"):  # lookup requests may be a query and filters only
                    out.append((case["id"], norm(case["question"])))
    return out


def _names() -> str:
    """Titles and file names of the bundled documents, folded: a question that names a
    document by its title does not make every mention of that title a quote of it."""
    names = [p.name for p in (ROOT / "corpus").rglob("*") if p.is_file()]
    for meta in (ROOT / "corpus").rglob("*.meta.json"):
        names.append(json.loads(meta.read_text("utf-8")).get("title", ""))
    return norm("|".join(names))


def _sources() -> list[Path]:
    files = []
    for folder in SCANNED:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix not in SKIPPED_SUFFIXES and "/data/" not in str(path):
                files.append(path)
    return files + sorted((ROOT / "prompts").glob("*.md"))


def test_no_source_file_quotes_an_eval_question():
    names = _names()
    windows: dict[str, str] = {}
    for qid, q in _questions():
        size = LATIN_WINDOW if q.isascii() else WINDOW
        for i in range(0, max(1, len(q) - size + 1)):
            piece = q[i : i + size]
            asks = q.isascii() or any(a in piece for a in ASKING)
            if len(piece) == size and piece not in names and asks:
                windows.setdefault(piece, qid)
    quoted = []
    for path in _sources():
        try:
            text = norm(path.read_text("utf-8"))
        except UnicodeDecodeError:
            continue
        for piece, qid in windows.items():
            if piece in text:
                quoted.append(f"{path.relative_to(ROOT)} quotes {qid}")
                break
    assert not quoted, quoted
