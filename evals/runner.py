"""`chanjiao eval`: retrieval and answer quality on the question sets in evals/.

Retrieval is scored for BM25 alone, dense alone and the hybrid, so the fusion has to earn
its place; answers by their outcome (answered / not_direct / refused): accuracy (answered
with every required fact), facts shown (in whatever was shown), near misses caught
(unanswerable questions refused or marked not directly answered) and answerable questions
refused; with `--llm`, citation precision and latency against whatever endpoint is
configured. `--fit` and `--ablation` fit and examine the answer/refuse decision
(evals/fit.py). The scoring itself is in `metrics`; `evaluate` takes its collaborators as
arguments so tests can run it on a small index (and, in LLM mode, against a fake endpoint).

In LLM mode two citation figures are reported: `citation_precision` over the answers as
shown (each cited sentence's numbers and named entities found in a passage it cites, by the
same fact reader as assistant/verify.py), and `raw_citation_precision`, the share of the
model's own sentences that survived verification — how often the model, not the verifier,
got it right. `modes` counts which path answered; `fallbacks` counts answers where the
endpoint failed and the extractive path stood in, so a dead endpoint cannot pass for a
model's score. Latency (p50 time to first token and total) is taken over the questions the
model actually answered, streaming; refusals decided before the model are not counted.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import metrics as m

EVAL_DIR = Path(__file__).resolve().parent
MODES = ("keyword", "dense", "hybrid")
_MARKER = re.compile(r"\[(\d+)\]")


def load_cases(paths: list[Path] | None = None) -> list[dict]:
    # questions_lookup.jsonl is scored on record sets (`chanjiao eval --lookups`, lookups.py)
    paths = paths or [
        p for p in sorted(EVAL_DIR.glob("questions*.jsonl")) if p.name != "questions_lookup.jsonl"
    ]
    cases = []
    for p in paths:
        for line in p.read_text("utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))
    return cases


@dataclass
class Report:
    n_answerable: int = 0
    n_unanswerable: int = 0
    recall5: dict[str, float] = field(default_factory=dict)
    mrr10: dict[str, float] = field(default_factory=dict)
    answer_accuracy: float = 0.0  # answerable: answered, every required fact in the answer
    facts_shown: float = 0.0  # answerable: every required fact in what is shown, any status
    refusal_accuracy: float = 0.0  # unanswerable: refused outright
    near_misses_caught: float = 0.0  # unanswerable: refused or marked not directly answered
    false_refusals: float = 0.0  # answerable: refused outright
    not_direct: float = 0.0  # answerable: marked not directly answered
    statuses: dict[str, int] = field(default_factory=dict)
    mode: str = "extractive"
    citation_precision: float | None = None
    raw_citation_precision: float | None = None
    modes: dict[str, int] = field(default_factory=dict)
    fallbacks: int = 0
    fallback_notice: str = ""
    latency_first_token: float | None = None
    latency_total: float | None = None
    misses: dict[str, list[str]] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return self.__dict__


def _cited_sentences(answer) -> list[tuple[str, list[int]]]:
    from assistant.verify import split_sentences

    out = []
    for _, sentence in split_sentences(answer.answer):
        marks = [int(x) for x in _MARKER.findall(sentence)]
        if marks:
            out.append((sentence, marks))
    return out


def citation_precision(answer) -> float | None:
    """Share of cited sentences whose numbers and named entities all appear in the passages
    they cite (any of them); None when nothing is cited."""
    from assistant.verify import Source, unsupported_facts
    from ingest.types import Chunk, DocMeta

    passages = {}
    for c in answer.citations:
        doc = DocMeta(doc_id=c.chunk_id, source=c.source, title=c.title)
        passages[c.n] = Source(str(c.n), Chunk(c.chunk_id, doc, c.quote, c.quote), c.quote)
    cited = _cited_sentences(answer)
    supported = 0
    for sentence, marks in cited:
        sources = [passages[n] for n in marks if n in passages]
        if sources and not unsupported_facts(sentence, sources):
            supported += 1
    return supported / len(cited) if cited else None


def evaluate(cases: list[dict], retriever, answer_fn, llm: bool = False) -> Report:
    """Score retrieval in each mode and the answers `answer_fn(question)` gives."""
    report = Report()
    answerable = [c for c in cases if c.get("answerable", True)]
    unanswerable = [c for c in cases if not c.get("answerable", True)]
    report.n_answerable, report.n_unanswerable = len(answerable), len(unanswerable)
    for mode in MODES:
        ranks = []
        misses = []
        for case in answerable:
            hits = retriever.search(case["question"], k=10, mode=mode)
            rank = m.first_gold_rank(
                [(h.chunk.text, h.chunk.doc.source) for h in hits], m.gold_of(case)
            )
            ranks.append(rank)
            if rank is None or rank > 5:
                misses.append(case["id"])
        report.recall5[mode] = m.mean([m.recall_at(r, 5) for r in ranks])
        report.mrr10[mode] = m.mean([m.reciprocal_rank(r, 10) for r in ranks])
        report.misses[mode] = misses

    correct, shown, refused_ok, caught, false_ref, hedged = [], [], [], [], [], []
    precisions, firsts, totals = [], [], []
    raw_kept = raw_total = 0
    streamed_totals: list[float] = []
    for case in cases:
        started = time.perf_counter()
        first: list[float] = []

        def on_token(_tok: str, first=first, started=started) -> None:
            if not first:
                first.append(time.perf_counter() - started)

        ans = answer_fn(case["question"], on_token)
        totals.append(time.perf_counter() - started)
        if first:  # the model was asked and streamed (refusals before the model are not)
            firsts.append(first[0])
            streamed_totals.append(totals[-1])
        report.modes[ans.mode] = report.modes.get(ans.mode, 0) + 1
        status = ans.outcome
        report.statuses[status] = report.statuses.get(status, 0) + 1
        if llm and ans.mode == "extractive" and ans.notice and not ans.dropped:
            report.fallbacks += 1  # the endpoint failed; the extractive path answered
            report.fallback_notice = report.fallback_notice or ans.notice
        if ans.mode == "llm" or ans.dropped:
            kept = len(_cited_sentences(ans)) if ans.mode == "llm" else 0
            raw_kept += kept
            raw_total += kept + len(ans.dropped)
        if case.get("answerable", True):
            facts = m.includes_all(ans.answer, case.get("must_include", []))
            ok = ans.found and facts
            correct.append(1.0 if ok else 0.0)
            shown.append(1.0 if facts and status != "refused" else 0.0)
            false_ref.append(1.0 if status == "refused" else 0.0)
            hedged.append(1.0 if status == "not_direct" else 0.0)
            p = citation_precision(ans)
            if p is not None:
                precisions.append(p)
            if not ok:
                missing = [
                    w for w in case.get("must_include", []) if not m.includes_all(ans.answer, [w])
                ]
                report.failures.append(
                    {
                        "id": case["id"],
                        "status": status,
                        "missing": missing,
                        "answer": ans.answer[:300],
                    }
                )
        else:
            refused_ok.append(1.0 if status == "refused" else 0.0)
            caught.append(0.0 if ans.found else 1.0)
            if ans.found:
                report.failures.append(
                    {"id": case["id"], "status": status, "answer": ans.answer[:300]}
                )
    report.answer_accuracy = m.mean(correct)
    report.facts_shown = m.mean(shown)
    report.refusal_accuracy = m.mean(refused_ok)
    report.near_misses_caught = m.mean(caught)
    report.false_refusals = m.mean(false_ref)
    report.not_direct = m.mean(hedged)
    report.citation_precision = m.mean(precisions) if precisions else None
    report.raw_citation_precision = raw_kept / raw_total if raw_total else None
    report.mode = max(report.modes, key=report.modes.get) if report.modes else report.mode
    if llm:
        report.latency_first_token = m.percentile(firsts, 50) if firsts else None
        report.latency_total = m.percentile(streamed_totals or totals, 50)
    return report


def print_report(r: Report) -> None:
    print(f"问题：可回答 {r.n_answerable}，不可回答 {r.n_unanswerable}")
    print(f"{'retriever':<10} {'Recall@5':>9} {'MRR@10':>8}")
    for mode in MODES:
        print(f"{mode:<10} {r.recall5[mode]:>9.3f} {r.mrr10[mode]:>8.3f}")
    counts = " ".join(f"{k}={v}" for k, v in sorted(r.modes.items()))
    print(f"回答方式 mode: {r.mode}  {counts}")
    if r.fallbacks:
        print(f"注意：{r.fallbacks} 个回答因大模型失败改用摘录式 (LLM failed): {r.fallback_notice}")
    statuses = " ".join(f"{k}={v}" for k, v in sorted(r.statuses.items()))
    print(f"结果 status: {statuses}")
    print(f"answer accuracy (answered, all facts)   {r.answer_accuracy:.3f}")
    print(f"facts shown (any status but refused)    {r.facts_shown:.3f}")
    print(f"near misses refused or not direct       {r.near_misses_caught:.3f}")
    print(f"near misses refused outright            {r.refusal_accuracy:.3f}")
    print(f"answerable refused                      {r.false_refusals:.3f}")
    print(f"answerable marked not directly answered {r.not_direct:.3f}")
    if r.citation_precision is not None:
        print(f"citation precision                      {r.citation_precision:.3f}")
    if r.raw_citation_precision is not None:
        print(f"raw citation precision (model)          {r.raw_citation_precision:.3f}")
    if r.latency_total is not None:
        ttft = f"{r.latency_first_token:.2f}s" if r.latency_first_token is not None else "n/a"
        print(f"latency p50: first token {ttft}, total {r.latency_total:.2f}s")
    print("hybrid misses @5:", " ".join(r.misses.get("hybrid", [])) or "none")


def main(args) -> int:
    if getattr(args, "lookups", False):
        from .lookups import main as lookups_main

        return lookups_main(args)
    from assistant.answer import answer_question
    from assistant.context import ensure_corpus, make_chat, open_index
    from assistant.settings import Settings

    settings = Settings.from_env(index_dir=args.index)
    index = open_index(settings)
    ensure_corpus(index)
    if args.fit or args.ablation:
        from .fit import main as fit_main

        return fit_main(args, index.retriever)
    cases = load_cases(args.questions)
    if not cases:
        print("没有找到问题集 evals/questions*.jsonl", file=sys.stderr)
        return 2
    chat = make_chat(settings) if args.llm else None
    if args.llm and chat is None:
        print("--llm 需要配置 CHANJIAO_LLM_MODEL 和 OPENAI_BASE_URL", file=sys.stderr)
        return 2

    def answer_fn(question, on_token):
        return answer_question(question, index.retriever, chat=chat, on_token=on_token)

    report = evaluate(cases, index.retriever, answer_fn, llm=args.llm)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 0
