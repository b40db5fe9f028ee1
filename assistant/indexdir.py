"""The index directory as the user names it: must it exist, can it be written, what broke.

Three guards the entry points call before opening an index, so that a mistake costs a
sentence instead of a surprise:

- `require_index`: an index named explicitly (`--index DIR`) must already be one. A mistyped
  DIR used to receive a full new copy of the bundled corpus; now only the configured index
  (`$CHANJIAO_INDEX`, or the default under ~/.local/share) bootstraps itself, and only
  `chanjiao ingest` creates a new index anywhere.
- `require_writable`: writers (ingest, remove) find out that a directory is read-only before
  anything is opened, rather than half-way through a batch.
- `describe_write_failure`: an exception raised while writing (disk full, file-size limit,
  read-only file system, permissions — as an OSError or as Chroma's/SQLite's words for it)
  becomes one bilingual sentence that names the path and says what to do.

And `readable`: Chroma (1.5) cannot open a directory it may not write — its SQLite
connection writes on open, whatever its migration mode ("attempt to write a readonly
database") — so a reader of a read-only index reads a private snapshot copy instead.

Nothing here opens Chroma; with a Chroma server (`CHROMA_HOST`) the directory is not used.
"""

from __future__ import annotations

import atexit
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .settings import Settings

# The file an embedded Chroma index always holds: what makes a directory an index.
INDEX_MARKER = "chroma.sqlite3"

_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
# How Chroma (Rust core), SQLite and the OS word the same two failures.
# SQLite reports a write refused by the file-size limit (EFBIG) as a plain I/O error.
_FULL_WORDS = (
    "disk is full",
    "no space left",
    "file too large",
    "quota exceeded",
    "disk i/o error",
)
_READONLY_WORDS = ("readonly database", "read-only file system", "permission denied")


class IndexPathError(Exception):
    """The index directory is missing, not an index, or cannot be written."""


def is_index(path: Path) -> bool:
    return (path / INDEX_MARKER).is_file()


def require_index(settings: Settings, explicit: bool) -> None:
    """Raise IndexPathError when an explicitly named index does not exist (nothing is created)."""
    if settings.uses_server or not explicit:
        return
    d = settings.index_dir
    if is_index(d):
        return
    what = "该目录不是索引" if d.exists() else "目录不存在"
    raise IndexPathError(
        f"没有找到索引：{d}（{what}），未创建任何文件。请检查 --index 的路径；"
        "要在这里新建索引，请运行 "
        f"chanjiao ingest 文件或文件夹 --index {d} "
        f"(no index at {d}: check the --index path, or create one with "
        f"`chanjiao ingest PATH --index {d}`)"
    )


def require_writable(settings: Settings) -> None:
    """Raise IndexPathError when the index directory (or the folder it would be made in)
    cannot be written by this process."""
    if settings.uses_server:
        return
    d = settings.index_dir
    if writable(d if d.exists() else _existing_parent(d)):
        return
    raise IndexPathError(readonly_message(d))


def _existing_parent(d: Path) -> Path:
    for parent in d.parents:
        if parent.exists():
            return parent
    return Path("/")


def _can_write(path: Path) -> bool:
    """Whether this process may write `path`: the permission bits and a read-only mount.

    os.access answers for root too (root may write a chmod 555 folder), and a read-only
    mount answers EROFS to the check itself.
    """
    return os.access(path, os.W_OK)


def readonly_message(d: Path) -> str:
    return (
        f"索引目录不可写（只读或没有权限）：{d}。已有索引没有改动。请检查目录权限（如 "
        f"chmod -R u+w {d}）或挂载方式，或用 --index 指定一个可写的目录 "
        f"(index directory {d} is read-only or not writable; the existing index is unchanged — "
        "fix its permissions or use another --index)"
    )


def full_message(where: Path) -> str:
    return (
        f"磁盘已满、超出文件大小限制或磁盘写入出错，写入失败：{where}。已有索引没有改动：写了一半的新版本"
        f"不会生效，旧版本照常可用。请释放磁盘空间后重新运行同一条 chanjiao ingest 命令 "
        f"(disk full or write error while writing {where}; the existing index is unchanged — "
        "free some space and run the same ingest again)"
    )


def describe_write_failure(e: BaseException, settings: Settings) -> str | None:
    """A user's sentence for a disk-full or read-only failure anywhere in `e`'s chain, or None
    when `e` is something else."""
    seen = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        where = Path(cur.filename) if getattr(cur, "filename", None) else settings.index_dir
        code = getattr(cur, "errno", None)
        text = str(cur).lower()
        if code in _FULL or any(w in text for w in _FULL_WORDS):
            return full_message(where)
        if code in _READONLY or any(w in text for w in _READONLY_WORDS):
            return readonly_message(where)
        cur = cur.__cause__ or cur.__context__
    return None


def readable(settings: Settings) -> tuple[Settings, str]:
    """Settings a reader can open, and a note for the user ("" when nothing was changed).

    A read-only index directory is copied to a private temporary folder (deleted at exit)
    and opened there; the copy is marked `read_only`, so the web app refuses uploads and
    edits instead of writing them into a copy that is thrown away. Accounts and uploads
    stay where they were (beside the original index).
    """
    d = settings.index_dir
    if settings.uses_server or not is_index(d) or writable(d):
        return settings, ""
    started = time.perf_counter()
    snap = Path(tempfile.mkdtemp(prefix="chanjiao-readonly-"))
    atexit.register(shutil.rmtree, snap, True)
    target = snap / d.name
    shutil.copytree(d, target, copy_function=shutil.copyfile)
    for p in (target, *target.rglob("*")):
        p.chmod(p.stat().st_mode | 0o200)  # copytree copies the directories' read-only bits
    mb = sum(p.stat().st_size for p in target.rglob("*") if p.is_file()) / 1024 / 1024
    note = (
        f"索引目录只读：{d}；本次读取它的快照副本（{mb:.1f} MB，复制用时 "
        f"{time.perf_counter() - started:.1f} 秒），不会写入原索引 "
        "(read-only index: reading a private snapshot copy; nothing is written to it)"
    )
    changed = settings.with_(
        index_dir=target,
        users_file=str(settings.users_path),
        uploads_dir=str(settings.uploads_path),
        bootstrap=False,
        read_only=True,
    )
    return changed, note


def writable(d: Path) -> bool:
    """Whether the index directory and its database file can be written by this process."""
    return _can_write(d) and (not (d / INDEX_MARKER).exists() or _can_write(d / INDEX_MARKER))


# What each subcommand does with the index directory.
CREATES = frozenset({"ingest"})  # may create a new index anywhere
WRITES = frozenset({"remove"})  # writes an index that must exist
NO_INDEX = frozenset({"user", "export-ocr", "bench"})  # do not open the index


def for_command(
    settings: Settings, command: str, explicit: bool, say: Callable[[str], None] = print
) -> Settings:
    """The settings `command` should open the index with, or IndexPathError.

    Readers given an explicit `--index` need an existing index and never bootstrap it;
    writers need a writable directory; readers of a read-only index get a snapshot.
    """
    if command in NO_INDEX:
        return settings
    if settings.read_only and command in CREATES | WRITES:  # CHANJIAO_READ_ONLY=1
        raise IndexPathError(readonly_message(settings.index_dir))
    if command in CREATES:
        require_writable(settings)
        return settings
    require_index(settings, explicit)
    if command in WRITES:
        require_writable(settings)
        return settings
    if explicit:
        settings = settings.with_(bootstrap=False)
    settings, note = readable(settings)
    if note:
        say(note)
    return settings
