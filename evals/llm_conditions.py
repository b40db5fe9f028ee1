"""Figures of the LLM condition extraction on the bundled notices, against the fake server.

`python -m evals.llm_conditions`: indexes corpus/policies/ (keyword only, in a temporary
directory), starts the fake OpenAI-compatible server of the tests answering the
condition prompt from tests/data/llm_policy_conditions.json (written by hand from the
notices, with the kinds of mistakes models make), runs `chanjiao ingest`'s extraction step
through the real `openai` client, and prints per notice: the conditions the patterns
read, the items the "model" returned, how many verified against the notice, how many
verification dropped and why, how many the merge added to the pattern list (the rest
repeat a pattern condition), and whether a second run asked the model again. It
measures the verifier and the plumbing, not a model: a real model's figures need a real
endpoint (`OPENAI_BASE_URL=… CHANJIAO_LLM_MODEL=… chanjiao ingest corpus/policies`).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from assistant.conditions import (
    ConditionExtractor,
    StoreCache,
    merge,
    notice_chunks,
    refresh_conditions,
)
from assistant.context import open_index
from assistant.llm import OpenAIChat
from assistant.lookup import records_of
from assistant.settings import REPO_ROOT, Settings

FIXTURE = REPO_ROOT / "tests" / "data" / "llm_policy_conditions.json"


def main() -> None:
    from tests.fake_openai import FakeOpenAI, Reply, conditions_reply

    answers = {k: v for k, v in json.loads(FIXTURE.read_text("utf-8")).items() if k[0] != "_"}
    work = Path(tempfile.mkdtemp(prefix="chanjiao-llm-conditions-"))
    try:
        settings = Settings(
            index_dir=work / "index",
            vector_cache=work / "vectors.npz",
            ocr_cache=work / "ocr.json",
            convert_dir=work / "converted",
        )
        index = open_index(settings, show_progress=False)
        index.ingestor.ingest([REPO_ROOT / "corpus" / "policies"], base=REPO_ROOT, embed=False)
        notices = [
            c for c in records_of(index.retriever, "policy") if c.record.values.get("notice")
        ]
        with FakeOpenAI(Reply(conditions_reply(answers))) as server:
            chat = OpenAIChat(model="fake-model", base_url=server.base_url, max_retries=0)
            reader = ConditionExtractor(chat, StoreCache(index.store), "fake-model")
            view = index.retriever.view()
            first = refresh_conditions(notices, lambda c: notice_chunks(view, c), reader)
            again = refresh_conditions(notices, lambda c: notice_chunks(view, c), reader)
            requests = len(server.requests)
        print("| 文号 | pattern | LLM returned | LLM verified | dropped | added to pattern |")
        print("|---|---|---|---|---|---|")
        totals, reasons = [0, 0, 0, 0, 0], Counter()
        for c in notices:
            got = reader.extract(c, notice_chunks(view, c))
            pattern = list(c.record.values.get("conditions", ()))
            merged = merge(pattern, list(got.conditions))
            row = [
                len(pattern),
                got.returned,
                len(got.conditions),
                len(got.dropped),
                len(merged) - len(pattern),
            ]
            totals = [a + b for a, b in zip(totals, row)]
            reasons.update(d["reason"] for d in got.dropped)
            print(f"| {c.doc.doc_number} | " + " | ".join(map(str, row)) + " |")
        print(f"| total ({len(notices)} notices) | " + " | ".join(map(str, totals)) + " |")
        print("dropped by reason:", dict(reasons))
        print(
            f"first run: asked {first.asked}, failed {len(first.failed)}; "
            f"second run: asked {again.asked}, from the index {again.cached}; "
            f"requests to the server in all: {requests}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
