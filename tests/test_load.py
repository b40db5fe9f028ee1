"""The load test, short (slow; run in CI too): `evals/load_test.py --quick` with 20 users.

Twenty users ask, look up, match, search and draft against `chanjiao serve` while files are
uploaded and indexed through the app — once over an embedded index, once with two app
processes sharing a Chroma server. Zero errors, every spot check right (record counts read
from the source workbooks, answers holding the figure their document states), every upload
searchable in every app. Latencies are printed (`-s`), not asserted.
"""

from __future__ import annotations

import pytest

from evals import load_test

pytestmark = pytest.mark.slow

USERS = 20
SECONDS = 30


def test_known_answers_are_read_from_the_source_files():
    """The counts the load test checks `/find` against come from the workbooks, not the
    index: a course list has long courses, the results list invention patents."""
    checks = {c.kind: c for c in load_test.find_checks()}
    assert checks["course"].total > 10 and checks["achievement"].total > 0
    assert all(c.where for c in checks.values())


@pytest.mark.parametrize("phase", ["embedded", "server"])
def test_many_users_while_files_are_ingested(phase, tmp_path):
    run = {"embedded": load_test.embedded_phase, "server": load_test.server_phase}[phase]
    out = run(tmp_path, USERS, SECONDS, quick=True)
    print("\n" + "\n".join(out.lines))
    tally = out.tally
    assert not tally.errors, tally.errors[:5]
    assert not tally.wrong, tally.wrong[:5]
    for op in ("ask", "find", "match", "search"):
        assert tally.latencies[op], f"no {op} request completed"
    assert tally.latencies["draft"], "no draft completed"
    assert out.uploads >= 1 and len(tally.visible_after) >= out.uploads * (
        2 if phase == "server" else 1
    )
