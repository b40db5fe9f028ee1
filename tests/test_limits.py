"""Question limits (issue 13): blank and over-long questions, in the CLI, --stdin and the service."""

import io
import json
import time

import pytest

from assistant.cli import main
from assistant.limits import (
    ECHO_CHARS,
    QuestionError,
    QuestionGate,
    check_question,
    echo,
    rejected_answer_json,
    rejected_search_json,
)
from assistant.settings import Settings

LIMIT = Settings().max_question_chars


@pytest.fixture(autouse=True)
def _collection(request, monkeypatch):
    if "real_index_embedded" in request.fixturenames:
        index = request.getfixturevalue("real_index_embedded")
        monkeypatch.setenv("CHANJIAO_COLLECTION", index.settings.collection)


def _index_arg(index):
    return ["--index", str(index.settings.index_dir)]


def _no_index(monkeypatch):
    """Make opening an index fail loudly: a refused question must not load anything."""

    def refuse(*a, **k):
        raise AssertionError("the index was opened for a question that should be refused")

    monkeypatch.setattr("assistant.context.open_index", refuse)


def test_check_question_strips_and_refuses_blank_and_too_long():
    assert check_question("  学徒制的补贴标准？ \n", 100) == "学徒制的补贴标准？"
    for blank in ("", "   ", "\t\n", None):
        with pytest.raises(QuestionError) as e:
            check_question(blank, 100)
        assert e.value.code == "empty" and "empty" in e.value.message
    with pytest.raises(QuestionError) as e:
        check_question("补" * 101, 100)
    err = e.value
    assert err.code == "too_long" and err.chars == 101
    assert "101" in err.message and "100" in err.message and "too long" in err.message
    assert check_question("补" * 100, 100) == "补" * 100  # the limit itself is allowed


def test_echo_is_a_short_prefix_never_the_whole_text():
    assert echo("短问题") == "短问题"
    long = "甲乙丙丁" * 1000
    shown = echo(long)
    assert shown.endswith("…") and len(shown) == ECHO_CHARS + 1 and long.startswith(shown[:-1])
    assert echo("a\n\n\tb") == "a b"


def test_a_huge_question_is_refused_at_once_and_not_echoed():
    huge = "请问" * 50_000  # 100,000 characters
    started = time.perf_counter()
    with pytest.raises(QuestionError) as e:
        check_question(huge, LIMIT)
    assert time.perf_counter() - started < 1.0  # a bound for a sanity check, not a benchmark
    out = rejected_answer_json(e.value)
    assert out["question_chars"] == 100_000 and out["error"] == "too_long"
    assert len(json.dumps(out, ensure_ascii=False)) < 1000
    assert {"question", "answer", "found", "status", "mode", "citations"} <= set(out)
    assert out["found"] is False and out["status"] == "refused"
    s = rejected_search_json(e.value)
    assert s["results"] == [] and s["query_chars"] == 100_000 and len(s["query"]) <= ECHO_CHARS + 1


def test_question_gate_counts_rejections_and_writes_in_place():
    written = []
    gate = QuestionGate(10, rejected_search_json, written.append)
    assert gate.precheck(None, lambda e: None) == 0  # line by line: nothing to precheck
    reported = []
    assert gate.precheck("   ", reported.append) == 2 and reported[0].code == "empty"
    assert gate.check(" 问题 ") == "问题"
    assert gate.check("") is None and gate.check("长" * 11) is None
    assert [w["error"] for w in written] == ["empty", "too_long"]
    assert gate.exit_code() == 1


@pytest.mark.parametrize("question", ["", "   ", "\t"])
def test_cli_blank_question_is_a_usage_error(question, capsys, monkeypatch):
    _no_index(monkeypatch)
    assert main(["ask", question]) == 2
    err = capsys.readouterr().err
    assert "问题为空" in err and "empty question" in err and "Traceback" not in err


def test_cli_no_question_at_all_is_the_same_usage_error(capsys, monkeypatch):
    _no_index(monkeypatch)
    assert main(["ask"]) == 2
    assert "问题为空" in capsys.readouterr().err
    assert main(["search"]) == 2
    assert "问题为空" in capsys.readouterr().err


def test_cli_too_long_question_exits_2_without_loading_anything(capsys, monkeypatch):
    _no_index(monkeypatch)
    huge = "x" * 100_000
    for cmd in (["ask", huge], ["ask", huge, "--json"], ["search", huge]):
        assert main(cmd) == 2
        out = capsys.readouterr()
        assert "100000" in out.err and "too long" in out.err
        assert huge[:1000] not in out.err + out.out


def test_limit_is_a_setting(capsys, monkeypatch):
    _no_index(monkeypatch)
    monkeypatch.setenv("CHANJIAO_MAX_QUESTION_CHARS", "10")
    assert main(["ask", "这是一个十一个字的问题啊"]) == 2
    assert "上限 10 字" in capsys.readouterr().err


def test_cli_stdin_one_output_line_per_input_line(real_index_embedded, capsys, monkeypatch):
    lines = [
        "教育费附加的征收率是多少？",
        "",
        "   ",
        "职" * (LIMIT + 1),
        "What is the surcharge rate for education?",
        "职业教育法什么时候施行？",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["ask", "--stdin", *_index_arg(real_index_embedded)]) == 1
    out = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert len(out) == len(lines)
    assert [o.get("error", "") for o in out] == ["", "empty", "empty", "too_long", "", ""]
    assert out[0]["found"] is True and out[0]["question"] == lines[0]
    assert out[3]["question_chars"] == LIMIT + 1 and len(out[3]["question"]) <= ECHO_CHARS + 1
    assert out[4]["question"] == lines[4] and "error" not in out[4]
    assert out[5]["question"] == lines[5]
    for o in out:  # every line has the ask shape
        assert {"question", "answer", "found", "status", "mode", "citations"} <= set(o)


def test_cli_search_stdin_lines_up_too(real_index_embedded, capsys, monkeypatch):
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("学徒制\n\n" + "学" * (LIMIT + 5) + "\n教育费附加\n")
    )
    assert main(["search", "--stdin", *_index_arg(real_index_embedded)]) == 1
    out = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert [o.get("error", "") for o in out] == ["", "empty", "too_long", ""]
    assert out[0]["results"] and out[3]["results"] and out[1]["results"] == []


def test_cli_stdin_with_only_good_lines_exits_0(real_index_embedded, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("教育费附加的征收率是多少？\n"))
    assert main(["ask", "--stdin", *_index_arg(real_index_embedded)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_service_applies_the_same_limit(real_index_embedded):
    from assistant.accounts import Accounts, Sessions, UserStore
    from assistant.service import Service

    index = real_index_embedded
    svc = Service(index, Accounts(UserStore(index.settings.users_path), Sessions()))
    limit = index.settings.max_question_chars
    with pytest.raises(QuestionError) as e:
        svc.ask("问" * (limit + 1))
    assert e.value.code == "too_long"
    with pytest.raises(QuestionError):
        svc.ask("  ")
    with pytest.raises(QuestionError):
        svc.search("查" * (limit + 1))
    with pytest.raises(QuestionError):
        svc.find("policy", "查" * (limit + 1))
    assert svc.ask("教育费附加的征收率是多少？").found


def test_web_api_refuses_a_huge_question_without_echoing_it(web_app):
    from gradio_client import Client

    client = Client(web_app.url, verbose=False)
    reply = client.predict("问" * 100_000, "", "[]", api_name="/ask")
    assert reply["error"] == "too_long" and reply["question_chars"] == 100_000
    assert reply["found"] is False and len(json.dumps(reply, ensure_ascii=False)) < 1000
    found = client.predict("查" * 100_000, "", 5, api_name="/search")
    assert found["error"] == "too_long" and found["results"] == []
    assert client.predict("   ", "", "[]", api_name="/ask")["error"] == "empty"
