"""`chanjiao eval --lookups`: list, count and find questions scored on their record sets.

Each case of evals/questions_lookup.jsonl holds a question (or a `find` request) and its
gold — the rows of the source files that answer it, computed by
evals/build_lookup_gold.py from the files alone. A question is read by
`assistant.question.read_question`; where that reading does not (yet) say it asks for a list
or a count of some kind of record, the case's own reading (intent, record_kind, since,
until) stands in, and the report says how often. Scores: precision and recall of the
returned record set, and for count questions whether the stated number is exact.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import metrics as m

LOOKUP_CASES = Path(__file__).resolve().parent / "questions_lookup.jsonl"


def load_lookup_cases(path: Path | None = None) -> list[dict]:
    path = path or LOOKUP_CASES
    return [json.loads(ln) for ln in path.read_text("utf-8").splitlines() if ln.strip()]


@dataclass
class LookupReport:
    n: int = 0
    precision: float = 0.0
    recall: float = 0.0
    count_exact: float | None = None
    n_counts: int = 0
    hinted: int = 0  # questions whose intent/kind came from the case, not the reading
    failures: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return self.__dict__


def _spec(case: dict):
    from assistant.question import read_question

    spec = read_question(case["question"])
    if spec.intent in ("list", "count") and spec.record_kind:
        return spec, False
    return (
        replace(
            spec,
            intent=case["intent"],
            record_kind=case["record_kind"],
            since=spec.since or case.get("since", ""),
            until=spec.until or case.get("until", ""),
        ),
        True,
    )


def evaluate_lookups(cases: list[dict], retriever) -> LookupReport:
    from assistant.lookup import answer_from_records, find

    report = LookupReport(n=len(cases))
    precisions, recalls, exact = [], [], []
    for case in cases:
        gold = {tuple(r) for r in case["gold"]["records"]}
        stated = None
        if "find" in case:
            f = case["find"]
            result = find(
                retriever,
                f["kind"],
                f.get("query", ""),
                where=f.get("where"),
                since=f.get("since"),
                until=f.get("until"),
                limit=0,
            )
            got = {
                m.record_key(r.chunk.doc.source, r.chunk.sheet, r.chunk.row) for r in result.results
            }
            stated = result.total
        else:
            spec, hinted = _spec(case)
            report.hinted += hinted
            ans = answer_from_records(spec, retriever)
            got = {m.record_key(c.source, c.sheet, c.row) for c in ans.citations} if ans else set()
            stated = m.stated_count(ans.answer) if ans else None
            if case["intent"] == "count":
                exact.append(1.0 if stated == case["gold"]["count"] else 0.0)
        p, r = m.set_precision(got, gold), m.set_recall(got, gold)
        precisions.append(p)
        recalls.append(r)
        if p < 1 or r < 1:
            report.failures.append(
                {
                    "id": case["id"],
                    "precision": round(p, 3),
                    "recall": round(r, 3),
                    "returned": len(got),
                    "gold": len(gold),
                    "stated": stated,
                }
            )
    report.precision = round(m.mean(precisions), 3)
    report.recall = round(m.mean(recalls), 3)
    report.n_counts = len(exact)
    report.count_exact = round(m.mean(exact), 3) if exact else None
    return report


def main(args) -> int:
    from assistant.context import ensure_corpus, open_index
    from assistant.settings import Settings

    index = open_index(Settings.from_env(index_dir=args.index))
    ensure_corpus(index)
    paths = args.questions or [LOOKUP_CASES]
    cases = [c for p in paths for c in load_lookup_cases(p)]
    if not cases:
        print("没有找到查询问题集 evals/questions_lookup.jsonl", file=sys.stderr)
        return 2
    report = evaluate_lookups(cases, index.retriever)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"lookup questions: {report.n} (intent/kind from the case: {report.hinted})")
    print(f"record-set precision {report.precision:.3f}  recall {report.recall:.3f}")
    if report.count_exact is not None:
        print(f"counts exact {report.count_exact:.3f} ({report.n_counts} questions)")
    for f in report.failures:
        print(
            f"  {f['id']}: P={f['precision']} R={f['recall']} "
            f"returned {f['returned']}/gold {f['gold']}"
        )
    return 0
