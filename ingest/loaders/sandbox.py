"""Parsing each file in a worker process, with a time budget and a memory ceiling.

Why a process: a parse in the ingesting process cannot be stopped safely. Python offers no
way to interrupt a thread stuck in C (lxml, pdfium, zlib), a signal-based timeout lands
between bytecodes only and can leave a parser's state half-updated, and a parse that
exhausts memory takes the whole batch (or the web app) with it through the OOM killer. A
worker that is simply killed when its budget runs out, and whose address space is capped
with RLIMIT_AS, turns all of these — hangs, runaway memory, a segfault in a C library —
into one per-file error while the batch goes on. The cheap pre-checks in `limits` stay: they
refuse most hostile files in milliseconds with a precise reason, the worker is the backstop.

One worker is started when the first file is loaded and serves file after file; it is
replaced only after it was killed or died. It is a fresh interpreter
(`python -m ingest.loaders.sandbox`): no lock held by the parent's threads is inherited,
and unlike multiprocessing's `spawn` it never re-imports the parent's main script (which
fails when that is stdin or a notebook). The cost for ordinary ingest is the worker's
start (about a second, once a batch) and pickling each file's sections back. Legacy
Office conversion stays in the parent: it is a LibreOffice subprocess with its own timeout
already. The worker exits by itself when the parent dies (its pipe closes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

from .errors import Loaded, LoadError
from .limits import DEFAULT_LIMITS, MB, LoadLimits, too_complex

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def _serve(inbox: Connection, conn: Connection) -> None:
    """The worker's loop: limits first, then (path, ocr) in; ("pages", n) then
    ("ok", Loaded) or an error out."""
    import resource

    from . import load_converted
    from .pdf import page_count

    try:
        limits: LoadLimits = inbox.recv()
    except (EOFError, OSError):
        return

    if limits.memory_mb > 0:
        cap = limits.memory_mb * MB
        try:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (ValueError, OSError):  # a lower hard limit already applies
            pass
    while True:
        try:
            path, ocr = inbox.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            if path.suffix.lower() == ".pdf":
                conn.send(("pages", page_count(path)))
            loaded = load_converted(path, ocr=ocr, limits=limits)
            conn.send(("ok", loaded))
        except LoadError as e:
            conn.send(("error", (e.reason_zh, e.reason_en, e.hint)))
        except MemoryError:
            conn.send(("memory", ""))
            return  # a process that ran out of memory is not trusted with the next file
        except RecursionError:
            conn.send(("deep", ""))
        except Exception as e:  # a parser bug on one file must not stop the batch
            conn.send(("crash", f"{type(e).__name__}: {e}"[:300]))


class SandboxedLoader:
    """Loads files in a worker process; `load` has the signature of `load_file`."""

    def __init__(self, limits: LoadLimits = DEFAULT_LIMITS):
        self.limits = limits
        self._proc: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._conn: Connection | None = None
        self.restarts = 0  # workers replaced after a timeout or a death (for the figures)

    def _start(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(os.environ)  # passed through unchanged, plus where this package lives
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(_PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
        )
        try:
            self._proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "ingest.loaders.sandbox",
                    str(to_child_r),
                    str(from_child_w),
                ],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._send = Connection(to_child_w, readable=False)
        self._conn = Connection(from_child_r, writable=False)
        self._send.send(self.limits)

    @property
    def worker_pid(self) -> int | None:
        """The worker's process id while it runs (the fuzz figures read its memory)."""
        return self._proc.pid if self._alive() else None

    def start(self) -> None:
        """Start the worker now rather than on the first file (the budget then excludes
        the interpreter's start)."""
        if not self._alive():
            if self._proc is not None:
                self._drop()
            self._start()

    def _alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _drop(self) -> None:
        for c in (self._send, self._conn):
            if c is not None:
                c.close()
        self._proc = self._send = self._conn = None

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(5)
            self.restarts += 1
            self._drop()

    def close(self) -> None:
        """Stop the worker (it holds the parsers' memory); the next load starts another."""
        if self._proc is None:
            return
        proc = self._proc
        self._drop()  # the worker sees EOF and returns
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def load(
        self,
        path: Path,
        max_bytes: int = 100 * MB,
        ocr: str = "never",
        convert_dir: Path | None = None,
        limits: LoadLimits | None = None,
    ) -> Loaded:
        from . import LEGACY, check_size

        check_size(path, max_bytes)
        if path.suffix.lower() in LEGACY:
            from .legacy import convert

            path = convert(path, convert_dir)
            check_size(path, max_bytes)
        return self._in_worker(path, ocr)

    def _in_worker(self, path: Path, ocr: str) -> Loaded:
        self.start()
        started = time.monotonic()
        budget = self.limits.budget()
        try:
            self._send.send((path, ocr))
            while True:
                left = started + budget - time.monotonic()
                if left <= 0 or not self._conn.poll(left):
                    self._kill()
                    raise _timed_out(budget)
                kind, value = self._conn.recv()
                if kind == "pages":  # a long PDF earns time by its page count
                    budget = self.limits.budget(value)
                    continue
                break
        except (EOFError, OSError, BrokenPipeError) as e:
            code = self._proc.poll() if self._proc is not None else None
            self._kill()
            raise LoadError(
                "解析进程异常退出（文件可能损坏，或过大过于复杂）",
                f"the parser process died (exit code {code}): corrupt or too complex file",
                "用原软件打开后另存再导入；若是正常文件，请报告此问题",
            ) from e
        if kind == "ok":
            return value
        if kind == "error":
            raise LoadError(*value)
        if kind == "memory":
            self._kill()
            raise too_complex(
                f"解析时内存超过 {self.limits.memory_mb} MB",
                f"parsing needed more than {self.limits.memory_mb} MB",
                "拆分成较小的文件后重新导入，或调大 CHANJIAO_PARSE_MEMORY_MB",
            )
        if kind == "deep":
            raise too_complex("文件结构嵌套过深", "structure nested too deep")
        raise LoadError("无法读取", f"unreadable: {value}", "用原软件打开后另存再导入")


def _timed_out(budget: float) -> LoadError:
    return too_complex(
        f"解析超过 {budget:.0f} 秒仍未完成",
        f"parsing took longer than {budget:.0f} s",
        "拆分成较小的文件后重新导入，或调大 CHANJIAO_PARSE_SECONDS",
    )


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")  # openpyxl and pypdf warn about every oddity they meet
    os.dup2(2, 1)  # a library that prints must not write into the reply pipe
    _serve(
        Connection(int(sys.argv[1]), writable=False),
        Connection(int(sys.argv[2]), readable=False),
    )
