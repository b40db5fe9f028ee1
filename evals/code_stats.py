"""How much of the code is rules: regexes, word lists and magic numbers, counted by AST.

Issue 8 moved vocabulary into data files and stacked thresholds into a fitted model; this
counts what is left in `assistant/` and `ingest/` so the change can be measured:
`python -m evals.code_stats [-v] [--reading] [--root DIR]` (`--reading`: only the modules
that read questions and decide answers; `--root`: another checkout, e.g. an old commit).
Data files (ingest/vocab/) and the fitted model's coefficients are not code and are not
counted.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "ingest")
# The modules that read a question and decide on its answer (what issue 8 rewrote); files
# absent in a checkout are skipped, so the same scope counts before and after.
READING = (
    "assistant/answer.py",
    "assistant/question.py",
    "assistant/decision.py",
    "assistant/doc_facts.py",
    "assistant/extract.py",
    "assistant/retrieve.py",
    "assistant/english.py",
    "assistant/routes.py",
    "ingest/tokens.py",
    "ingest/synonyms.py",
    "ingest/glossary.py",
    "ingest/numbers.py",
    "ingest/vocabulary.py",
)
_RE_FUNCS = {
    "compile",
    "search",
    "match",
    "fullmatch",
    "sub",
    "subn",
    "findall",
    "finditer",
    "split",
}


def _is_str(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        or isinstance(node, ast.JoinedStr)
    )


def count(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    regexes = words = thresholds = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            if (
                isinstance(f.value, ast.Name)
                and f.value.id == "re"
                and f.attr in _RE_FUNCS
                and node.args
                and _is_str(node.args[0])
            ):
                regexes += 1
            # "a b c".split(): a word list written as one string
            if (
                f.attr == "split"
                and isinstance(f.value, ast.Constant)
                and isinstance(f.value.value, str)
            ):
                words += len(f.value.value.split())
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            strs = [
                e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
            if len(strs) >= 3 and len(strs) == len(node.elts):
                words += len(strs)
        if isinstance(node, ast.Dict):
            keys = [
                k for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
            if len(keys) >= 3 and len(keys) == len(node.keys):
                words += len(keys)
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if (
                any(isinstance(t, ast.Name) and t.id.isupper() for t in targets)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, int | float)
                and not isinstance(value.value, bool)
            ):
                thresholds += 1
    return {"regexes": regexes, "word_list_entries": words, "numeric_constants": thresholds}


def main() -> int:
    root = Path(sys.argv[sys.argv.index("--root") + 1]) if "--root" in sys.argv else ROOT
    total = {"regexes": 0, "word_list_entries": 0, "numeric_constants": 0}
    rows = []
    if "--reading" in sys.argv:
        paths = [root / p for p in READING if (root / p).exists()]
    else:
        paths = [p for pkg in PACKAGES for p in sorted((root / pkg).rglob("*.py"))]
    for path in paths:
        if True:
            c = count(path)
            rows.append((str(path.relative_to(root)), c))
            for k, v in c.items():
                total[k] += v
    verbose = "-v" in sys.argv
    if verbose:
        for name, c in rows:
            if any(c.values()):
                r, w, n = c["regexes"], c["word_list_entries"], c["numeric_constants"]
                print(f"{name:40} {r:4} {w:5} {n:4}")
    print(
        f"regexes {total['regexes']}, word-list entries in code {total['word_list_entries']}, "
        f"module-level numeric constants {total['numeric_constants']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
