"""A test-only hook that kills the ingest process at a named point of the write protocol.

`chanjiao ingest` reads `CHANJIAO_CRASH_AT` in its entry point (never in library code) and
passes the hook built here to the ingestor as its `checkpoint`. `point:n` sends SIGKILL to
the process the n-th time it reaches `point` (one of `ingest.pipeline.CHECKPOINTS`), which
is what a power cut or the OOM killer does: no `finally`, no flush. `trace` kills nothing
and prints every point reached on stderr, so a harness can learn which points a run passes
and how often. evals/crash_ingest.py uses both.

Users never set this; an unknown point or count is refused so a typo cannot pass silently.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import Counter
from collections.abc import Callable

from ingest.pipeline import CHECKPOINTS

TRACE_PREFIX = "checkpoint "


def parse_crash_at(spec: str) -> tuple[str, int] | None:
    """`point:n` → (point, n); `trace` → None. Raises ValueError on anything else."""
    spec = spec.strip()
    if spec == "trace":
        return None
    point, _, count = spec.partition(":")
    if point not in CHECKPOINTS or not count.isdigit() or int(count) < 1:
        raise ValueError(
            f"CHANJIAO_CRASH_AT={spec!r} 无效，应为 trace 或 <point>:<n>，point 为 "
            f"{', '.join(CHECKPOINTS)} (must be trace or <point>:<n>, n ≥ 1)"
        )
    return point, int(count)


def crash_hook(spec: str, kill: Callable[[], None] | None = None) -> Callable[[str], None]:
    """The checkpoint callback for `spec`; `kill` defaults to SIGKILL of this process."""
    target = parse_crash_at(spec)
    seen: Counter[str] = Counter()

    def sigkill() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    do_kill = kill or sigkill

    def checkpoint(point: str) -> None:
        seen[point] += 1
        if target is None:
            print(f"{TRACE_PREFIX}{point} {seen[point]}", file=sys.stderr, flush=True)
        elif (point, seen[point]) == target:
            do_kill()

    return checkpoint
