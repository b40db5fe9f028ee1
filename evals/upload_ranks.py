"""Is a file just uploaded found by its unique code? Printed:
`python -m evals.upload_ranks --index DIR [--files 5]`.

Copies the index DIR to a temporary folder (DIR is not changed), then ingests small files
one by one as the web app's upload does (the load test's text: a code of Latin letters
and digits, found in that file only) and prints, for a search by the bare code: the
passage's rank by exact cosine similarity over every stored vector, its rank in Chroma's
approximate (HNSW) dense answer for 50, 200 and 1,000 results, its rank in the retriever's
dense list and in hybrid search (— = not in the top 50). The HNSW ranks vary from run to
run (the graph's levels are drawn at random as points are inserted).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import numpy as np

TEXT = """# 上传检查文件{n}（示例）

本文件为检查上传后能否检索到的示例文件，非正式公文。

一、编号{code}的专项资金为{amount}万元，由联合体秘书处统一管理。

二、本文件自上传之日起施行。
"""


def _rank(items: list[str], wanted: str) -> str:
    return str(items.index(wanted) + 1) if wanted in items else "—"


def main(argv: list[str] | None = None) -> int:
    from assistant.context import open_index
    from assistant.settings import Settings, offline_environment

    parser = argparse.ArgumentParser(prog="python -m evals.upload_ranks")
    parser.add_argument("--index", required=True, help="the index to copy (not changed)")
    parser.add_argument("--files", type=int, default=5, help="files to upload (default 5)")
    parser.add_argument("--prefix", default="LTE", help="the codes' letters (default LTE)")
    args = parser.parse_args(argv)
    offline_environment()
    work = Path(tempfile.mkdtemp(prefix="chanjiao-upload-ranks-"))
    try:
        shutil.copytree(args.index, work / "index")
        settings = Settings.from_env(index_dir=work / "index", vector_cache=work / "vectors.npz")
        index = open_index(settings, show_progress=False)
        retriever = index.retriever
        retriever.refresh_seconds = 0
        uploads = work / "uploads"
        uploads.mkdir()
        print(f"{len(retriever.view().chunks)} passages; codes {args.prefix}001…")
        print("code      exact  hnsw@50  hnsw@200  hnsw@1000  dense  hybrid")
        for n in range(1, args.files + 1):
            code = f"{args.prefix}{n:03d}"
            path = uploads / f"上传检查-{code}.md"
            path.write_text(TEXT.format(n=n, code=code, amount=10 + n), "utf-8")
            report = index.ingestor.ingest([path], base=uploads)
            if report.failed:
                raise RuntimeError(report.failed)
            view = retriever.view()
            cid = next(c.chunk_id for c in view.chunks if code in c.text)
            q = index.embedder.embed_query(code)
            got = index.store.chunks.get(include=["embeddings", "metadatas"])
            keep = [i for i, m in enumerate(got["metadatas"]) if m.get("has_vector")]
            ids = [got["ids"][i] for i in keep]
            vectors = np.asarray([got["embeddings"][i] for i in keep], dtype=np.float32)
            sims = vectors @ (q / np.linalg.norm(q)) / np.linalg.norm(vectors, axis=1)
            exact = [ids[i] for i in np.argsort(-sims)]
            hnsw = {
                n_results: [i for i, _ in index.store.query_dense(q, n_results, complete=True)]
                for n_results in (50, 200, 1000)
            }
            dense = [view.chunks[p].chunk_id for p, _ in retriever.dense(code, 50)]
            hybrid = [h.chunk.chunk_id for h in retriever.search(code, k=50)]
            print(
                f"{code:<9} {_rank(exact, cid):>5}  {_rank(hnsw[50], cid):>7}  "
                f"{_rank(hnsw[200], cid):>8}  {_rank(hnsw[1000], cid):>9}  "
                f"{_rank(dense, cid):>5}  {_rank(hybrid, cid):>6}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
