"""How often Chroma's HNSW graph leaves a stored vector out of reach, and whether dense search
still returns it.

Embedded Chroma saves its HNSW graph only every 1,000 writes; below that, every process that
opens the index rebuilds the graph from Chroma's log, inserting in parallel, so each open
builds a different graph. A node no other node links to is stored but never returned by a
query. This script ingests real files of the repository (the crash test's quick set) into a
private index with `chanjiao ingest`, then opens `--opens` fresh copies of it (a copy is a
new Chroma, as a new process would be) and counts

- opens whose graph left stored vectors unreachable (`ChromaStore.dense_gaps`), and
- opens in which a dense query for the whole collection (`ChromaStore.query_dense`, what
  every dense search uses) missed a stored chunk — 0 since query_dense scores unreachable
  vectors directly; before, every unreachable vector was a miss.

    .venv/bin/python -m evals.dense_reach --opens 500
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from evals.crash_ingest import SMALL_FILES, Workspace, write_state


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--opens", type=int, default=200)
    ap.add_argument("--index", type=Path, help="measure this index instead (never modified)")
    args = ap.parse_args(argv)
    from ingest.store import ChromaStore, open_client

    root = Path(tempfile.mkdtemp(prefix="chanjiao-reach-"))
    try:
        index = args.index
        if index is None:
            ws = Workspace(root)
            write_state(ws.docs, "v1", SMALL_FILES)
            run_dir = ws.new_run_dir("index")
            run = ws.ingest(run_dir)
            if run.returncode != 0:
                print(run.stderr[-2000:], file=sys.stderr)
                return 1
            index = run_dir / "index"
        probe = np.ones(384, dtype=np.float32) / np.sqrt(384)
        gap_opens = gaps_total = miss_opens = 0
        chunks = 0
        started = time.perf_counter()
        for n in range(args.opens):
            copy = root / f"open-{n}"
            shutil.copytree(index, copy)
            store = ChromaStore(open_client(copy), "chanjiao")
            ids = set(store.chunks.get(include=[])["ids"])
            chunks = len(ids)
            gaps, _ = store.dense_gaps()
            found = {i for i, _ in store.query_dense(probe, len(ids), complete=True)}
            gap_opens += bool(gaps)
            gaps_total += len(gaps)
            miss_opens += bool(ids - found)
            del store
            shutil.rmtree(copy)
        print(
            json.dumps(
                {
                    "chunks": chunks,
                    "opens": args.opens,
                    "opens_with_unreachable_vectors": gap_opens,
                    "unreachable_vectors": gaps_total,
                    "opens_where_dense_search_missed_a_chunk": miss_opens,
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
        )
        return 0 if miss_opens == 0 else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
