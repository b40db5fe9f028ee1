"""Logins under concurrency, printed (not asserted): `python -m evals.login_bench`.

Does a crowd logging in at once make visitors' questions wait? One `chanjiao serve` over a
small private index (the bundled laws, 127.0.0.1 only); two visitors ask questions in a loop
the whole time (no login: the anonymous path). Phases:

- **quiet**: only the visitors ask (their latency alone);
- **logins**: `--users` clients, connected beforehand, call `/login` at the same moment
  (argon2 verification of each password);
- **arrivals**: as many new clients connect (gradio_client fetches the page's config and
  API description) and log in at once — how a crowd really arrives.

Printed per phase: login / connect p50, p95, max, and the visitors' ask latency p50, p95,
max while the phase ran. Accounts and index live in a temporary folder removed at the end.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from .load_test import ROOT, app_env, chanjiao, client, start_app

PASSWORD = "login-bench-pass-1"
NAME = "bench-member"
QUESTION = "教育费附加按什么比例计征？"  # our own question; the answer is in the laws folder


def _stats(xs: list[float]) -> str:
    if not xs:
        return "n=0"
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]
    return (
        f"n={len(xs):<3} p50 {statistics.median(xs):6.2f} s  p95 {p95:6.2f} s  max {xs[-1]:6.2f} s"
    )


class Visitors:
    """Two anonymous users asking in a loop; each ask's (start, seconds)."""

    def __init__(self, url: str, n: int = 2):
        self.clients = [client(url) for _ in range(n)]
        self.asks: list[tuple[float, float]] = []
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._loop, args=(c,)) for c in self.clients]

    def _loop(self, c) -> None:
        while not self.stopped.is_set():
            t = time.perf_counter()
            c.predict(QUESTION, "", "[]", api_name="/ask")
            with self.lock:
                self.asks.append((t, time.perf_counter() - t))

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def stop(self) -> None:
        self.stopped.set()
        for t in self.threads:
            t.join()

    def during(self, start: float, end: float) -> list[float]:
        with self.lock:
            return [s for t, s in self.asks if start <= t < end or start <= t + s < end]


def _at_once(fns) -> list[float]:
    """Run every fn at the same moment (a barrier); their durations."""
    barrier = threading.Barrier(len(fns))
    out: list[float] = [0.0] * len(fns)

    def run(i, fn):
        barrier.wait()
        t = time.perf_counter()
        fn()
        out[i] = time.perf_counter() - t

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _login(c) -> None:
    got = c.predict(NAME, PASSWORD, api_name="/login")
    if "token" not in got:
        raise RuntimeError(f"login failed: {got}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.login_bench")
    parser.add_argument("--users", type=int, default=24, help="simultaneous logins (default 24)")
    parser.add_argument("--quiet-seconds", type=float, default=20, help="length of the quiet phase")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="chanjiao-login-bench-"))
    app = None
    try:
        env = app_env(work)
        index = work / "index"
        done = chanjiao(["ingest", str(ROOT / "corpus" / "laws"), "--index", str(index)], env)
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stderr[-500:])
        made = chanjiao(
            ["user", "add", NAME, "--role", "member", "--index", str(index)], env, PASSWORD
        )
        if made.returncode != 0:
            raise RuntimeError(made.stderr[-300:])
        app = start_app(index, env)
        print(f"app ready in {app.ready:.1f} s; {args.users} users")
        visitors = Visitors(app.url)
        logins = [client(app.url) for _ in range(args.users)]
        visitors.start()
        t0 = time.perf_counter()
        time.sleep(args.quiet_seconds)
        t1 = time.perf_counter()
        print(f"quiet     asks   {_stats(visitors.during(t0, t1))}")
        took = _at_once([lambda c=c: _login(c) for c in logins])
        t2 = time.perf_counter()
        print(f"logins    login  {_stats(took)}  (all done in {t2 - t1:.1f} s)")
        print(f"          asks   {_stats(visitors.during(t1, t2))}")
        time.sleep(3)
        t3 = time.perf_counter()
        connect: list[float] = [0.0] * args.users
        login: list[float] = [0.0] * args.users

        def arrive(i: int) -> None:
            t = time.perf_counter()
            c = client(app.url)
            connect[i] = time.perf_counter() - t
            t = time.perf_counter()
            _login(c)
            login[i] = time.perf_counter() - t

        _at_once([lambda i=i: arrive(i) for i in range(args.users)])
        t4 = time.perf_counter()
        visitors.stop()
        print(f"arrivals  connect {_stats(connect)}  (all done in {t4 - t3:.1f} s)")
        print(f"          login  {_stats(login)}")
        print(f"          asks   {_stats(visitors.during(t3, t4))}")
    finally:
        if app is not None:
            app.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
