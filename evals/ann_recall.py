"""How much Chroma's approximate (HNSW) dense search misses, printed:
`python -m evals.ann_recall [--index DIR]`.

For every question of the tuning sets (evals/questions*.jsonl), the dense top-k from Chroma
is compared with the exact top-k (cosine over every stored vector, numpy): the share of
the exact top-k that Chroma returned, and the time of each. Hybrid search repairs the
misses among its keyword candidates (`Retriever._with_ann_misses`); this shows how many
there are to repair. Reads the index only.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

EVALS = Path(__file__).resolve().parent


def questions() -> list[str]:
    out = []
    for path in sorted(EVALS.glob("questions*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip() and "question" in (case := json.loads(line)):
                out.append(case["question"])
    return out


def main(argv: list[str] | None = None) -> int:
    from assistant.context import open_index
    from assistant.settings import Settings, offline_environment

    parser = argparse.ArgumentParser(prog="python -m evals.ann_recall")
    parser.add_argument("--index", help="index directory (default: $CHANJIAO_INDEX)")
    args = parser.parse_args(argv)
    offline_environment()
    overrides = {"index_dir": Path(args.index)} if args.index else {}
    index = open_index(Settings.from_env(**overrides), show_progress=False)
    got = index.store.chunks.get(include=["embeddings", "metadatas"])
    keep = [i for i, m in enumerate(got["metadatas"]) if m.get("has_vector")]
    ids = [got["ids"][i] for i in keep]
    vectors = np.asarray([got["embeddings"][i] for i in keep], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    qs = questions()
    print(f"{len(ids)} passages with vectors, {len(qs)} questions")
    for k in (5, 10, 50):
        found = total = 0
        t_ann = t_exact = 0.0
        for q in qs:
            v = index.embedder.embed_query(q)
            t = time.perf_counter()
            ann = {cid for cid, _ in index.store.query_dense(v, k, complete=True)}
            t_ann += time.perf_counter() - t
            t = time.perf_counter()
            sims = vectors @ (v / np.linalg.norm(v))
            exact = {ids[i] for i in np.argpartition(-sims, k)[:k]}
            t_exact += time.perf_counter() - t
            found += len(exact & ann)
            total += k
        print(
            f"top {k:>2}: Chroma returned {found / total:.3f} of the exact top {k} "
            f"(Chroma {1000 * t_ann / len(qs):.1f} ms, exact {1000 * t_exact / len(qs):.1f} ms "
            "a question)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
