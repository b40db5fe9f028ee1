"""Fuzzing every loader (issue 13) with hypothesis: random bytes, generated text, tables and
HTML trees, and mutations of the real files in tests/data and corpus/ (byte flips,
truncation, splices, XML members broken inside a valid zip).

The property: `load_file` returns a `Loaded` or raises `LoadError` with a Chinese and an
English reason — never another exception — and does so quickly. The unmarked tests run a
few dozen examples per loader; the slow ones a few hundred (a couple of minutes on two
shared cores). `evals/fuzz_loaders.py` runs the same inputs through the parse worker and
prints the figures.
"""

from __future__ import annotations

import csv
import io
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evals import hostile_files as hostile
from ingest.loaders import Loaded, LoadError, LoadLimits, load_file

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# A parse of a small fuzzed file that takes longer than this is a hang in the making. A
# mutated PDF whose ruled tables go to pdfplumber took 34 s in a full-suite run with the
# shared machine at load ≈ 25, hence the margin; ingest itself bounds a parse by the
# worker's budget (loaders.sandbox), not by this.
SECONDS = 120
# Small limits, so a fuzzed file that happens to stay valid is still cheap to read.
LIMITS = LoadLimits(max_pages=50, max_rows=5000)

FAST = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SLOW = settings(FAST, max_examples=200)

SMALL_REAL = {
    ".pdf": [DATA / "cjk_embedded.pdf", DATA / "garbled.pdf"],
    ".docx": [DATA / "table.docx"],
    ".xlsx": [DATA / "merged_header.xlsx"],
    ".csv": [DATA / "gbk.csv", DATA / "utf8_bom.csv"],
    ".txt": [DATA / "plain_gb18030.txt"],
    ".md": [DATA / "notes.md"],
    ".html": [DATA / "page.html"],
}
SUFFIXES = [".pdf", ".docx", ".xlsx", ".csv", ".txt", ".md", ".html", ".png"]


def _check(path: Path) -> None:
    """The property every input must satisfy."""
    started = time.perf_counter()
    try:
        loaded = load_file(path, ocr="auto", limits=LIMITS)
    except LoadError as e:
        assert e.reason_zh and e.reason_en and "(" in e.message
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e.reason_zh), e.message
    else:
        assert isinstance(loaded, Loaded)
    assert time.perf_counter() - started < SECONDS


_files = st.integers(0, 10**9)  # a name per example, so no example sees another's file


@FAST
@given(suffix=st.sampled_from(SUFFIXES), data=st.binary(max_size=4096), n=_files)
def test_random_bytes_in_every_loader(tmp_path, suffix, data, n):
    path = tmp_path / f"f{n}{suffix}"
    path.write_bytes(data)
    _check(path)


_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
_text = st.text(st.one_of(_cjk, st.characters(codec="utf-8")), max_size=400)


@FAST
@given(
    text=_text,
    suffix=st.sampled_from([".txt", ".md", ".csv", ".html"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    n=_files,
)
def test_generated_text_in_text_loaders(tmp_path, text, suffix, encoding, n):
    path = tmp_path / f"t{n}{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    _check(path)


@FAST
@given(
    rows=st.lists(st.lists(_text.map(lambda t: t[:30]), max_size=8), max_size=30),
    delimiter=st.sampled_from([",", "\t", ";", "|"]),
    encoding=st.sampled_from(["utf-8", "gbk"]),
    n=_files,
)
def test_generated_tables_in_the_csv_loader(tmp_path, rows, delimiter, encoding, n):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    path = tmp_path / f"c{n}.csv"
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
    _check(path)


_tags = st.sampled_from(["div", "p", "table", "tr", "td", "article", "h1", "li", "span", "br"])
_html = st.recursive(
    _text.map(lambda t: t.replace("<", "").replace("&", "")),
    lambda inner: st.builds(
        lambda tag, kids, close: f"<{tag}>" + "".join(kids) + (f"</{tag}>" if close else ""),
        _tags,
        st.lists(inner, max_size=4),
        st.booleans(),
    ),
    max_leaves=40,
)


@FAST
@given(body=_html, n=_files)
def test_generated_html_trees(tmp_path, body, n):
    path = tmp_path / f"h{n}.html"
    path.write_text(f"<html><head><title>t</title></head><body>{body}</body></html>", "utf-8")
    _check(path)


def _real_files(slow: bool) -> list[Path]:
    files = [f for group in SMALL_REAL.values() for f in group]
    if slow:  # the corpus's small real files too (not the PDFs whose tables take a minute)
        files += [
            f
            for f in sorted(CORPUS.rglob("*"))
            if f.suffix in SMALL_REAL and f.stat().st_size < 300_000 and f.is_file()
        ]
    return files


def _mutated(tmp_path: Path, real: list[Path], pick: int, seed: int, n: int) -> Path:
    rng = random.Random(seed)
    src = real[pick % len(real)]
    other = real[(pick + 1 + seed) % len(real)].read_bytes()
    _, data = hostile.mutate(src.read_bytes(), rng, other)
    path = tmp_path / f"m{n}{src.suffix}"
    path.write_bytes(data)
    return path


@FAST
@given(pick=st.integers(0, 100), seed=st.integers(0, 2**32), n=_files)
def test_mutations_of_the_real_fixtures(tmp_path, pick, seed, n):
    _check(_mutated(tmp_path, _real_files(False), pick, seed, n))


@FAST
@given(
    src=st.sampled_from([DATA / "table.docx", DATA / "merged_header.xlsx"]),
    seed=st.integers(0, 2**32),
    n=_files,
)
def test_broken_xml_inside_valid_office_zips(tmp_path, src, seed, n):
    path = tmp_path / f"z{n}{src.suffix}"
    hostile.mutate_zip_member(src, path, random.Random(seed))
    _check(path)


@pytest.mark.slow
@SLOW
@given(pick=st.integers(0, 1000), seed=st.integers(0, 2**32), n=_files)
def test_many_mutations_of_real_files_from_the_corpus(tmp_path, pick, seed, n):
    _check(_mutated(tmp_path, _real_files(True), pick, seed, n))


@pytest.mark.slow
@SLOW
@given(
    src=st.sampled_from(
        [DATA / "table.docx", DATA / "merged_header.xlsx"]
        + sorted(CORPUS.glob("*/*.xlsx"))[:3]
        + sorted(CORPUS.glob("*/*.docx"))[:2]
    ),
    seed=st.integers(0, 2**32),
    n=_files,
)
def test_many_broken_office_xml_members(tmp_path, src, seed, n):
    path = tmp_path / f"z{n}{src.suffix}"
    hostile.mutate_zip_member(src, path, random.Random(seed))
    _check(path)
