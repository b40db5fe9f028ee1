"""The `chanjiao` command: JSON shapes, --stdin, exit codes (in-process, real index)."""

import io
import json
import shutil

import pytest

from assistant.cli import main
from assistant.prompts import NOT_DIRECT_LEAD, REFUSAL

from .conftest import DATA

SEARCH_KEYS = {"rank", "score", "text", "source", "title", "doc_type", "page", "chunk_id"}
ASK_KEYS = {"question", "answer", "found", "mode", "citations"}
CITATION_KEYS = {"n", "source", "title", "page", "chunk_id", "quote"}


@pytest.fixture(autouse=True)
def _collection(request, monkeypatch):
    if "real_index_embedded" in request.fixturenames:
        index = request.getfixturevalue("real_index_embedded")
        monkeypatch.setenv("CHANJIAO_COLLECTION", index.settings.collection)


def _index_arg(real_index_embedded):
    return ["--index", str(real_index_embedded.settings.index_dir)]


def test_search_json_shape(real_index_embedded, capsys):
    assert (
        main(["search", "中国特色学徒制", "--k", "3", "--json", *_index_arg(real_index_embedded)])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["query"] == "中国特色学徒制"
    assert 1 <= len(out["results"]) <= 3
    for i, r in enumerate(out["results"], start=1):
        assert SEARCH_KEYS <= set(r)
        assert r["rank"] == i


def test_search_type_filter(real_index_embedded, capsys):
    main(["search", "职业教育", "--type", "law", "--json", *_index_arg(real_index_embedded)])
    out = json.loads(capsys.readouterr().out)
    assert out["results"] and {r["doc_type"] for r in out["results"]} == {"law"}


def test_ask_json_shape_and_citations(real_index_embedded, capsys):
    assert (
        main(["ask", "教育费附加的征收率是多少？", "--json", *_index_arg(real_index_embedded)]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert ASK_KEYS <= set(out)
    assert out["found"] is True and out["mode"] == "extractive"
    assert out["citations"] and all(CITATION_KEYS <= set(c) for c in out["citations"])
    assert "3%" in out["answer"]


def test_ask_stdin_gives_one_json_object_per_line(real_index_embedded, capsys, monkeypatch):
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("教育费附加的征收率是多少？\n\n联合体秘书长的手机号码是多少？\n")
    )
    # issue 13: the blank line gets its own line (saying it was empty), so outputs line up
    # with inputs; a line reported and skipped makes the exit code 1
    assert main(["ask", "--stdin", *_index_arg(real_index_embedded)]) == 1
    lines = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert [ln["found"] for ln in lines] == [True, False, False]
    assert lines[1]["error"] == "empty" and "error" not in lines[2]
    # no document gives a phone: refused, or the nearest passages under a line saying the
    # phone is not there (which of the two is the fitted decision's call)
    expected = {
        "refused": REFUSAL,
        "not_direct": NOT_DIRECT_LEAD + "资料中未提及“手机号码”。最接近的内容：",
    }
    assert lines[2]["answer"].startswith(expected[lines[2]["status"]])


def test_ingest_exit_codes_and_report(tmp_path, capsys):
    docs = tmp_path / "d"
    docs.mkdir()
    shutil.copy(DATA / "notes.md", docs)
    index = ["--index", str(tmp_path / "idx")]
    assert main(["ingest", str(docs), "--json", "--quiet", *index]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["indexed"]) == 1 and report["failed"] == []
    shutil.copy(DATA / "encrypted.pdf", docs)
    assert main(["ingest", str(docs), "--quiet", *index]) == 1
    err = capsys.readouterr().err
    assert "encrypted.pdf" in err and "加密" in err
    assert main(["remove", str(docs / "notes.md"), *index]) == 0


def test_fatal_error_exits_2_without_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "9")  # nothing listens there
    code = main(["search", "学徒制", "--index", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and err.strip()
