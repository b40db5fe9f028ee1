"""Fuzz every loader through the parse worker and print the figures (issue 13).

    .venv/bin/python -m evals.fuzz_loaders [--per-loader 60] [--seed 13] [--json]
    .venv/bin/python -m evals.fuzz_loaders --corpus    # the worker's cost on ordinary files

For each loader (pdf, docx, xlsx, csv, txt, md, html, png) it makes, in a temporary
folder, mutations of the real files in tests/data and corpus/ (byte flips, truncation,
splices, zeroed and duplicated ranges, XML members broken inside a valid zip), random
bytes, and the hostile cases of `evals/hostile_files.py` (zip bombs, a whole-sheet merge,
XXE and billion laughs, a PDF declaring 100,000 pages, a page tree that lies, HTML nested
100,000 deep, a PNG declaring a billion pixels, a password-protected .docx). Each input is
loaded by `SandboxedLoader` with the default limits — the path `chanjiao ingest` takes —
and ends in one of:

- indexed: a `Loaded` with text or pages for OCR;
- refused (limit): "文件过大或过于复杂" — a size or complexity limit, before parsing;
- refused (named): another specific reason (corrupt PDF, encrypted, empty, no text …);
- refused (other): a library's exception turned into "无法读取" by the catch-all;
- timeout / died: the worker was killed over its budget, or died (segfault, OOM).

Printed per loader: inputs, outcomes, the worst time and the worst peak RSS of the worker
for one file (Linux: /proc/PID/clear_refs resets the peak before each file).
"""

from __future__ import annotations

import argparse
import json
import random
import struct
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

from evals import hostile_files as hostile
from ingest.loaders import Loaded, LoadError
from ingest.loaders.sandbox import SandboxedLoader

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
CORPUS = REPO / "corpus"
KINDS = [".pdf", ".docx", ".xlsx", ".csv", ".txt", ".md", ".html", ".png"]


def _png(width: int, height: int, pixels: bytes) -> bytes:
    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def real_files(suffix: str, tmp: Path) -> list[Path]:
    if suffix == ".png":
        rows = b"".join(b"\x00" + bytes((x * y) % 256 for x in range(64)) for y in range(64))
        f = tmp / "real.png"
        f.write_bytes(_png(64, 64, zlib.compress(rows)))
        return [f]
    files = sorted(DATA.glob(f"*{suffix}")) + [
        f for f in sorted(CORPUS.rglob(f"*{suffix}")) if f.stat().st_size < 600_000
    ]
    return [f for f in files if f.stat().st_size > 0]


def hostile_cases(suffix: str, tmp: Path) -> list[tuple[str, Path]]:
    secret = tmp / "secret.txt"
    secret.write_text(hostile.SECRET_MARKER, "utf-8")
    h = hostile
    makers = {
        ".docx": [
            ("zip bomb 300 MB", lambda p: h.zip_bomb_docx(p, 300)),
            ("zip ratio bomb 40 MB", lambda p: h.zip_bomb_docx(p, 40)),
            ("XXE file://", lambda p: h.xxe_docx(p, secret)),
            ("billion laughs", h.billion_laughs_docx),
            ("password-protected", h.encrypted_office),
        ],
        ".xlsx": [
            ("zip bomb 300 MB", lambda p: h.zip_bomb_xlsx(p, 300)),
            ("merge A1:XFD1048576", h.merge_bomb_xlsx),
            ("cell at XFD1048576", h.far_cell_xlsx),
            ("XXE file://", lambda p: h.xxe_xlsx(p, secret)),
            ("billion laughs", h.billion_laughs_xlsx),
        ],
        ".pdf": [
            ("declares 100,000 pages", h.pdf_declaring_pages),
            ("lists 100,000 pages, declares 1", h.pdf_with_repeated_pages),
        ],
        ".html": [("nested 100,000 deep", h.deep_html)],
        ".csv": [("one 2 MB line", lambda p: p.write_bytes(b"a," * 1_000_000) or p)],
        ".png": [
            ("declares 40000x40000 px", lambda p: p.write_bytes(_png(40000, 40000, b"")) or p)
        ],
    }
    out = []
    for n, (name, make) in enumerate(makers.get(suffix, [])):
        path = tmp / f"hostile{n}{suffix}"
        make(path)
        out.append((name, path))
    return out


def _classify(result) -> str:
    if isinstance(result, Loaded):
        return "indexed" if (result.sections or result.ocr_pages) else "empty"
    message = result.message
    if "解析超过" in message:
        return "timeout"
    if "解析进程异常退出" in message or "内存超过" in message:
        return "died"
    if "文件过大或过于复杂" in message or "XML实体" in message:
        return "refused (limit)"
    if message.startswith("无法读取"):
        return "refused (other)"
    return "refused (named)"


def _peak_rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _reset_peak(pid: int | None) -> None:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def run_one(sandbox: SandboxedLoader, path: Path) -> tuple[str, float, float, str]:
    sandbox.start()
    pid = sandbox.worker_pid
    _reset_peak(pid)
    started = time.perf_counter()
    try:
        result = sandbox.load(path, ocr="auto")
    except LoadError as e:
        result = e
    seconds = time.perf_counter() - started
    rss = _peak_rss_mb(pid)
    text = " ".join(s.text for s in result.sections) if isinstance(result, Loaded) else ""
    if hostile.SECRET_MARKER in text:
        raise SystemExit(f"LEAK: the secret marker was read from {path}")
    detail = result.message if isinstance(result, LoadError) else f"{len(result.sections)} 段"
    return _classify(result), seconds, rss, detail


def fuzz(per_loader: int, seed: int, show) -> dict:
    rng = random.Random(seed)
    figures: dict[str, dict] = {}
    hostile_rows = []
    with tempfile.TemporaryDirectory(prefix="chanjiao-fuzz-") as work:
        tmp = Path(work)
        sandbox = SandboxedLoader()
        try:
            for suffix in KINDS:
                real = real_files(suffix, tmp)
                inputs: list[Path] = []
                for i in range(per_loader):
                    target = tmp / f"in{i}{suffix}"
                    src = rng.choice(real)
                    if i % 10 == 9:  # every tenth: random bytes
                        target.write_bytes(rng.randbytes(rng.randint(0, 4096)))
                    elif suffix in (".docx", ".xlsx") and i % 3 == 0:
                        hostile.mutate_zip_member(src, target, rng)
                    else:
                        other = rng.choice(real).read_bytes()
                        target.write_bytes(hostile.mutate(src.read_bytes(), rng, other)[1])
                    inputs.append(target)
                outcomes: Counter = Counter()
                worst_s = worst_rss = 0.0
                for path in inputs:
                    kind, seconds, rss, _ = run_one(sandbox, path)
                    outcomes[kind] += 1
                    worst_s, worst_rss = max(worst_s, seconds), max(worst_rss, rss)
                    path.unlink()
                for name, path in hostile_cases(suffix, tmp):
                    kind, seconds, rss, detail = run_one(sandbox, path)
                    outcomes[kind] += 1
                    worst_s, worst_rss = max(worst_s, seconds), max(worst_rss, rss)
                    hostile_rows.append(
                        {
                            "loader": suffix,
                            "case": name,
                            "bytes": path.stat().st_size,
                            "outcome": kind,
                            "seconds": round(seconds, 2),
                            "rss_mb": round(rss),
                            "message": detail,
                        }
                    )
                    path.unlink()
                figures[suffix] = {
                    "inputs": sum(outcomes.values()),
                    "outcomes": dict(outcomes),
                    "worst_seconds": round(worst_s, 2),
                    "worst_rss_mb": round(worst_rss),
                }
                show(suffix, figures[suffix])
            restarts = sandbox.restarts
        finally:
            sandbox.close()
    return {"loaders": figures, "hostile": hostile_rows, "worker_restarts": restarts}


def corpus_overhead(show) -> dict:
    """Parse every file of the bundled corpus in-process and in the worker, alternating
    which goes first, and compare: the cost of isolation for ordinary ingest."""
    from ingest.loaders import load_file
    from ingest.pipeline import discover

    files = list(discover([CORPUS]))
    sandbox = SandboxedLoader()
    inproc = isolated = 0.0
    started = time.perf_counter()
    sandbox.start()
    start_cost = 0.0
    try:
        sandbox.load(DATA / "notes.md")  # counts the interpreter's start
        start_cost = time.perf_counter() - started
        for n, path in enumerate(files):
            runs = [("in", load_file), ("out", sandbox.load)]
            for name, load in runs if n % 2 else runs[::-1]:
                t = time.perf_counter()
                try:
                    load(path, ocr="auto")
                except LoadError:
                    pass
                dt = time.perf_counter() - t
                if name == "in":
                    inproc += dt
                else:
                    isolated += dt
    finally:
        sandbox.close()
    out = {
        "files": len(files),
        "in_process_s": round(inproc, 1),
        "worker_s": round(isolated, 1),
        "worker_start_s": round(start_cost, 2),
    }
    show("corpus", out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-loader", type=int, default=60, help="mutated/random inputs a loader")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--corpus", action="store_true", help="only time the corpus parse in-process vs worker"
    )
    args = ap.parse_args(argv)
    started = time.perf_counter()
    if args.corpus:
        out = corpus_overhead(lambda _, f: None)
        print(
            json.dumps(out)
            if args.json
            else f"{out['files']} corpus files: in-process {out['in_process_s']} s, "
            f"in the worker {out['worker_s']} s (+ {out['worker_start_s']} s to start it)"
        )
        return 0

    def show(suffix, f):
        if not args.json:
            print(
                f"{suffix:6} {f['inputs']:4} inputs  worst {f['worst_seconds']:6.2f} s  "
                f"{f['worst_rss_mb']:5} MB  {f['outcomes']}",
                flush=True,
            )

    result = fuzz(args.per_loader, args.seed, show)
    result["seconds"] = round(time.perf_counter() - started, 1)
    total = sum(f["inputs"] for f in result["loaders"].values())
    bad = sum(
        f["outcomes"].get("timeout", 0) + f["outcomes"].get("died", 0)
        for f in result["loaders"].values()
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print("\nhostile cases:")
        for row in result["hostile"]:
            print(
                f"  {row['loader']:6} {row['case']:32} {row['bytes']:>9} B  {row['outcome']:16}"
                f" {row['seconds']:5.2f} s {row['rss_mb']:4} MB  {row['message'][:70]}"
            )
        print(
            f"\n{total} inputs, {bad} timeouts or worker deaths, "
            f"{result['worker_restarts']} worker restarts, {result['seconds']} s in all"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
