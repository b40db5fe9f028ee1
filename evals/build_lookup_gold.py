"""Compute the gold record sets of evals/questions_lookup.jsonl from the source files.

    .venv/bin/python evals/build_lookup_gold.py

Each case states its answer as a rule over the raw spreadsheet cells (`file`, optional
`sheet`, `equals`, `contains`, `at_least`, `overlaps`); this script reads the files with
openpyxl and csv alone — none of the project's loaders or lookups — and writes each case's
gold: the matching rows as [file name, sheet, row number] and their count. Run it again
whenever the corpus or a rule changes; the result is committed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "evals" / "questions_lookup.jsonl"


def _files() -> dict[str, Path]:
    return {
        p.name: p
        for p in (ROOT / "corpus").rglob("*")
        if p.suffix in (".xlsx", ".csv") and not p.name.startswith(".")
    }


def _table(rows: list[list]) -> tuple[list[str], int]:
    """(column names, index of the first data row): the first row with three or more
    filled cells is the header; when the row under it starts empty it holds the names of
    grouped columns (a two-row header) and fills in the gaps."""
    for i, row in enumerate(rows):
        if sum(v not in (None, "") for v in row) >= 3:
            names = [str(v).strip() if v not in (None, "") else "" for v in row]
            nxt = rows[i + 1] if i + 1 < len(rows) else []
            if nxt and nxt[0] in (None, "") and sum(v not in (None, "") for v in nxt) >= 3:
                names = [str(b).strip() if b not in (None, "") else a for a, b in zip(names, nxt)]
                return names, i + 2
            return names, i + 1
    return [], len(rows)


def sheets(path: Path) -> dict[str, list[tuple[int, dict]]]:
    """{sheet: [(row number, {column: text})]} of a spreadsheet or CSV."""
    if path.suffix == ".csv":
        grids = {path.stem: list(csv.reader(io.StringIO(path.read_bytes().decode("gbk"))))}
    else:
        book = openpyxl.load_workbook(path, data_only=True)
        grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}
    out = {}
    for name, rows in grids.items():
        names, first = _table(rows)
        data = []
        for n, row in enumerate(rows[first:], start=first + 1):
            if sum(v not in (None, "") for v in row) < 2:
                continue
            cells = {}
            for k, v in zip(names, row):
                if v in (None, ""):
                    continue
                if isinstance(v, float) and v.is_integer():
                    v = int(v)
                cells[k] = v.date().isoformat() if hasattr(v, "date") else str(v).strip()
            data.append((n, cells))
        out[name] = data
    return out


def _span(text: str) -> tuple[str, str] | None:
    """First and last day a cell's dates cover ("2025年7月14日—7月25日", "2025-09")."""
    full = re.findall(r"(\d{4})[年-](\d{1,2})[月-](\d{1,2})", text)
    if full:
        y, m, d = full[0]
        start = date(int(y), int(m), int(d))
        tail = re.findall(r"(\d{1,2})月(\d{1,2})日", text)
        end_m, end_d = tail[-1] if tail else (m, d)
        end = date(int(full[-1][0]), int(end_m), int(end_d))
        return start.isoformat(), max(start, end).isoformat()
    month = re.search(r"(\d{4})[年-](\d{1,2})", text)
    if month:
        y, m = int(month.group(1)), int(month.group(2))
        last = (date(y + (m == 12), m % 12 + 1, 1).toordinal()) - 1
        return date(y, m, 1).isoformat(), date.fromordinal(last).isoformat()
    return None


def matches(cells: dict, rule: dict) -> bool:
    for col, value in rule.get("equals", {}).items():
        if cells.get(col) != value:
            return False
    for cols, value in rule.get("contains", {}).items():
        if not any(value in cells.get(c, "") for c in cols.split("+")):
            return False
    for col, low in rule.get("at_least", {}).items():
        try:
            if float(cells.get(col, "nan")) < low:
                return False
        except ValueError:
            return False
    for col, (since, until) in rule.get("overlaps", {}).items():
        span = _span(cells.get(col, ""))
        if span is None or span[1] < since or span[0] > until:
            return False
    return True


def gold(rule: dict, files: dict[str, Path]) -> list[list]:
    out = []
    for name in rule["file"].split("|"):
        for sheet, rows in sheets(files[name]).items():
            if rule.get("sheet") and sheet not in rule["sheet"].split("|"):
                continue
            out += [[name, sheet, n] for n, cells in rows if matches(cells, rule)]
    return out


def main() -> None:
    files = _files()
    cases = [json.loads(ln) for ln in CASES.read_text("utf-8").splitlines() if ln.strip()]
    for case in cases:
        records = gold(case["rule"], files)
        case["gold"] = {"records": records, "count": len(records)}
    CASES.write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8"
    )
    for c in cases:
        print(f"{c['id']}: {c['gold']['count']}")


if __name__ == "__main__":
    main()
