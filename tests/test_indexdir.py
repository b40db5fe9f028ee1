"""The index directory (issue 13): a mistyped --index, a read-only index, a full disk.

The faults are real, not mocked: a read-only bind mount and a small tmpfs inside a user +
mount namespace (`unshare -rm`, no root needed), and the file-size limit (RLIMIT_FSIZE,
which makes every write past it fail with EFBIG). Each fault runs the real `chanjiao`
in a subprocess; the index is then compared with what it held before.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.indexdir import INDEX_MARKER, describe_write_failure, for_command
from assistant.settings import Settings

from .conftest import CORPUS, DATA, ROOT

READERS = [
    ["ask", "学徒制"],
    ["search", "学徒制"],
    ["find", "policy"],
    ["match-policy", "--industry", "航空航天"],
    ["match-demand", "XQ-1"],
    ["draft", "--indicator", "1"],
    ["status"],
    ["export-vectors", "/tmp/never-written.npz"],
    ["remove", "x.md"],
    ["eval"],
    ["serve", "--port", "9"],
]
QUESTION = "教育费附加的征收率是多少？"


@pytest.mark.parametrize("argv", READERS, ids=lambda a: a[0])
def test_missing_index_is_an_error_and_creates_nothing(argv, tmp_path, capsys):
    missing = tmp_path / "typo" / "idx"
    assert main([*argv, "--index", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "没有找到索引" in err and "no index at" in err
    assert "Traceback" not in err
    assert not (tmp_path / "typo").exists()  # not even the parent folder


def test_a_folder_that_is_not_an_index_is_left_alone(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DATA / "notes.md", docs)
    assert main(["search", "学徒制", "--index", str(docs)]) == 2
    assert "该目录不是索引" in capsys.readouterr().err
    assert sorted(p.name for p in docs.iterdir()) == ["notes.md"]


def test_explicit_index_never_bootstraps_but_the_configured_one_may(tmp_path):
    idx = tmp_path / "idx"
    idx.mkdir()
    (idx / INDEX_MARKER).touch()
    env = Settings.from_env({"CHANJIAO_INDEX": str(idx)})
    assert for_command(env, "ask", explicit=False).bootstrap  # $CHANJIAO_INDEX: configured
    flag = Settings.from_env({}, index_dir=idx)
    assert not for_command(flag, "ask", explicit=True).bootstrap  # --index DIR
    # ingest creates a new index anywhere, explicitly or not
    fresh = Settings.from_env({}, index_dir=tmp_path / "new" / "idx")
    assert for_command(fresh, "ingest", explicit=True) == fresh


def test_read_only_setting_refuses_writers(tmp_path):
    from assistant.indexdir import IndexPathError

    s = Settings(index_dir=tmp_path / "idx", read_only=True)
    for command in ("ingest", "remove"):
        with pytest.raises(IndexPathError, match="只读"):
            for_command(s, command, explicit=False)


def test_ensure_corpus_respects_bootstrap_off(tmp_path):
    from assistant.context import ensure_corpus, open_index

    settings = Settings(
        index_dir=tmp_path / "idx", vector_cache=tmp_path / "v.npz", bootstrap=False
    )
    index = open_index(settings, show_progress=False)
    assert index.is_empty() and ensure_corpus(index, quiet=True) is None
    assert index.is_empty()


def test_ingest_still_creates_a_new_index_with_index_flag(tmp_path, capsys):
    docs = tmp_path / "d"
    docs.mkdir()
    shutil.copy(DATA / "notes.md", docs)
    idx = tmp_path / "brand" / "new"
    assert main(["ingest", str(docs), "--index", str(idx), "--quiet", "--no-embed"]) == 0
    assert (idx / INDEX_MARKER).is_file()
    capsys.readouterr()
    assert main(["search", "学徒制", "--index", str(idx), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["query"] == "学徒制"


def test_write_failures_are_named():
    s = Settings(index_dir=Path("/srv/idx"))
    full = describe_write_failure(OSError(28, "No space left on device", "/srv/idx/x"), s)
    assert "磁盘已满" in full and "/srv/idx/x" in full and "free some space" in full
    wrapped = RuntimeError("Query error: (code: 13) database or disk is full")
    assert "/srv/idx" in describe_write_failure(wrapped, s)
    ro = describe_write_failure(RuntimeError("attempt to write a readonly database"), s)
    assert "只读" in ro and "read-only" in ro and "/srv/idx" in ro
    try:
        try:
            raise PermissionError(13, "Permission denied", "/srv/idx/chroma.sqlite3")
        except PermissionError as e:
            raise RuntimeError("store failed") from e
    except RuntimeError as e:
        assert "chroma.sqlite3" in describe_write_failure(e, s)
    assert describe_write_failure(ValueError("something else"), s) is None


# --- real faults, in a subprocess --------------------------------------------------------


def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null"],
        capture_output=True,
    )
    return probe.returncode == 0


UNSHARE = _can_unshare()
needs_unshare = pytest.mark.skipif(
    not UNSHARE, reason="needs unprivileged user+mount namespaces (unshare -rm)"
)


def _env(base: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANJIAO_")}
    env.update(
        CHANJIAO_VECTOR_CACHE=str(base / "vectors.npz"),
        CHANJIAO_OCR_CACHE=str(base / "ocr.json"),
        CHANJIAO_CONVERT_CACHE=str(base / "converted"),
        CHANJIAO_OCR="never",
        PYTHONPATH=str(ROOT),
    )
    return env


def _cmd(*args: str) -> str:
    """A `chanjiao` command line for `sh -c` (arguments here never hold a quote)."""
    return " ".join([sys.executable, "-m", "assistant.cli", *(f"'{a}'" for a in args)])


SNAPSHOT = """
import contextlib, io, json, sys
from pathlib import Path
from assistant.cli import main
from assistant.context import open_index
from assistant.settings import Settings

idx, question = sys.argv[1], sys.argv[2]
out = {}
for argv in (["status"], ["search", "学徒制", "--json"], ["ask", question, "--json"]):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main([*argv, "--index", idx]) == 0
    out[argv[0]] = buf.getvalue()
out["status"] = out["status"].split("\\n", 1)[1]  # its first line names the directory
store = open_index(Settings.from_env(index_dir=Path(idx)), show_progress=False).store
out["docs"] = sorted([d.source, d.content_hash] for d in store.live_docs().values())
out["chunks"] = sorted([e.get("n_chunks"), i] for i, e in store.registry().items())
out["count"] = store.count()
print(json.dumps(out, ensure_ascii=False))
"""


def _snapshot(index_dir: Path, base: Path) -> dict:
    """What an index holds — documents, chunk counts, `status`, a search and an answer —
    read in one fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", SNAPSHOT, str(index_dir), QUESTION],
        capture_output=True,
        text=True,
        env=_env(base),
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    """A small real index (two real files), and a third file for a second ingest."""
    base = tmp_path_factory.mktemp("fault-index")
    docs = base / "docs"
    docs.mkdir()
    for rel in ("laws/征收教育费附加的暂行规定(2011-01-08).md",):
        shutil.copy(CORPUS / rel, docs)
    shutil.copy(DATA / "notes.md", docs)
    more = base / "more"
    more.mkdir()
    shutil.copy(CORPUS / "laws/职业教育法(2022-04-20).md", more)
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(docs), "--quiet"]
        + ["--index", str(base / "index")],
        capture_output=True,
        text=True,
        env=_env(base),
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    return base, _snapshot(base / "index", base)


def _copy(small_index, tmp_path) -> Path:
    base, _ = small_index
    target = tmp_path / "index"
    shutil.copytree(base / "index", target)
    return target


@pytest.mark.slow
def test_file_size_limit_during_ingest_keeps_the_index(small_index, tmp_path):
    base, before = small_index
    idx = _copy(small_index, tmp_path)
    biggest = max(p.stat().st_size for p in idx.rglob("*") if p.is_file())
    limit = biggest + 4096

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(base / "more"), "--quiet"]
        + ["--no-embed", "--index", str(idx)],
        capture_output=True,
        text=True,
        env=_env(base),
        cwd=ROOT,
        preexec_fn=limited,
    )
    assert proc.returncode == 2, proc.stderr
    assert "磁盘已满" in proc.stderr and str(idx) in proc.stderr and "Traceback" not in proc.stderr
    assert _snapshot(idx, base) == before
    # With room again, the same command completes the work.
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(base / "more"), "--quiet"]
        + ["--no-embed", "--index", str(idx)],
        capture_output=True,
        text=True,
        env=_env(base),
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    after = _snapshot(idx, base)
    assert len(after["docs"]) == len(before["docs"]) + 1


@pytest.mark.slow
@needs_unshare
def test_disk_full_during_ingest_keeps_the_index(small_index, tmp_path):
    """A 4 MB tmpfs holds the index; a filler leaves ~64 KB: ENOSPC mid-ingest."""
    base, before = small_index
    idx = _copy(small_index, tmp_path)
    mnt, out = tmp_path / "mnt", tmp_path / "after"
    mnt.mkdir()
    ingest = _cmd("ingest", str(base / "more"), "--quiet", "--no-embed", "--index", f"{mnt}/index")
    script = " && ".join(
        [
            f"mount -t tmpfs -o size=4m tmpfs {mnt}",
            f"cp -a {idx} {mnt}/index",
            f"avail=$(df -k --output=avail {mnt} | tail -1)",
            f"dd if=/dev/zero of={mnt}/filler bs=4k count=$((avail / 4 - 16)) 2>/dev/null",
            f"({ingest} 2>{tmp_path}/err; echo $? > {tmp_path}/rc; true)",
            f"cp -a {mnt}/index {out}",
        ]
    )
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], env=_env(base), cwd=ROOT)
    assert proc.returncode == 0
    err = (tmp_path / "err").read_text()
    assert (tmp_path / "rc").read_text().strip() == "2", err
    assert "磁盘已满" in err and f"{mnt}/index" in err and "Traceback" not in err
    assert _snapshot(out, base) == before


@pytest.mark.slow
@pytest.mark.skipif(
    not UNSHARE and os.geteuid() == 0,
    reason="root writes through chmod and namespaces are not allowed: no read-only dir",
)
def test_read_only_index_refuses_ingest_and_still_answers(small_index, tmp_path):
    """A read-only bind mount in a namespace; without namespaces (as a user), chmod a-w."""
    base, before = small_index
    idx = _copy(small_index, tmp_path)
    mount = f"mount --bind {idx} {idx} && mount -o remount,ro,bind {idx}"

    def run(*args):
        if not UNSHARE:
            return subprocess.run(
                [sys.executable, "-m", "assistant.cli", *args, "--index", str(idx)],
                capture_output=True,
                text=True,
                env=_env(base),
                cwd=ROOT,
            )
        script = f"{mount} && exec {_cmd(*args, '--index', str(idx))}"
        return subprocess.run(
            ["unshare", "-rm", "sh", "-c", script],
            capture_output=True,
            text=True,
            env=_env(base),
            cwd=ROOT,
        )

    if not UNSHARE:
        for p in (idx, *idx.rglob("*")):
            p.chmod(p.stat().st_mode & ~0o222)
    proc = run("ingest", str(base / "more"), "--quiet")
    assert proc.returncode == 2
    assert "索引目录不可写" in proc.stderr and str(idx) in proc.stderr
    assert "read-only" in proc.stderr
    ask = run("ask", QUESTION, "--json")
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout) == json.loads(before["ask"])
    assert "只读" in ask.stderr and "snapshot" in ask.stderr
    search = run("search", "学徒制", "--json")
    assert json.loads(search.stdout) == json.loads(before["search"])
    if not UNSHARE:
        for p in (idx, *idx.rglob("*")):
            p.chmod(p.stat().st_mode | 0o200)
    assert _snapshot(idx, base) == before
