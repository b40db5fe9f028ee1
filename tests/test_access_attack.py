"""Access control under attack (evals/access_attack.py): the harness itself, then a run of
one question of each kind through every channel of the running app as a visitor, a forged
token, a logged-out token and a member — zero leaks, and the member control shows the
channels do reach restricted content."""

from __future__ import annotations

import json

import pytest

from evals.access_attack import ATTACKS, forbidden_for, leaks_in, print_report, run

from .webapp import PASSWORDS

ATTACK_SET = json.loads(ATTACKS.read_text("utf-8"))


def test_a_leak_is_a_forbidden_string_the_question_did_not_hold():
    forbidden = ["028-7777-0101", "吕工"]
    assert leaks_in({"answer": "吕工的电话是028-7777-0101"}, "", forbidden) == forbidden
    # Echoing what the caller typed is no leak; the rest of the reply still counts.
    assert leaks_in({"answer": "吕工：028-7777-0101"}, "吕工的电话", forbidden) == ["028-7777-0101"]
    assert leaks_in("无相关内容", "", forbidden) == []
    assert leaks_in("028\\-7777-0101", "", forbidden) == ["028-7777-0101"]  # Markdown-escaped


def test_what_each_caller_must_not_receive():
    visitor, member = forbidden_for("visitor", ATTACK_SET), forbidden_for("member", ATTACK_SET)
    assert set(ATTACK_SET["secrets"]["secretariat"]) <= set(member) < set(visitor)
    assert not set(ATTACK_SET["secrets"]["member"]) & set(member)
    assert set(ATTACK_SET["contacts"]) <= set(visitor)


def test_the_attack_questions_are_our_own():
    """Every kind of attack is there, and none is an eval question (tests/test_no_eval_quotes
    checks code; this set lives in tests/data, so it is checked here)."""
    from evals.metrics import norm

    hows = {q["how"] for q in ATTACK_SET["questions"]}
    assert {"contacts", "title", "doc_number", "first_sentence", "injection"} <= hows
    evals = {
        norm(json.loads(line)["question"])
        for path in ATTACKS.parents[2].joinpath("evals").glob("*.jsonl")
        for line in path.read_text("utf-8").splitlines()
        if line.strip() and json.loads(line).get("question")
    }
    assert not {norm(q["text"]) for q in ATTACK_SET["questions"]} & evals


@pytest.mark.slow
def test_no_leak_through_any_channel(hostile_app, capsys):
    one_of_each = {}
    for q in ATTACK_SET["questions"]:
        one_of_each.setdefault(q["how"], q)
    attacks = {**ATTACK_SET, "questions": list(one_of_each.values())}
    files = [
        p
        for p in hostile_app.docs.rglob("*")
        if p.name.startswith(("成员单位", "秘书处")) and not p.name.endswith(".json")
    ]
    assert len(files) == 3
    report = run(
        hostile_app.url,
        dict(PASSWORDS),
        attacks,
        files,
        hostile_app.service.uploads,
        log=lambda m: None,
    )
    print_report(report)
    out = report.to_json()
    assert out["leaks"] == [], out["leaks"]
    assert out["calls"] >= 500 and len(out["channels"]) >= 10
    assert out["by_channel"]["raw private events"] > 0 and out["by_channel"]["raw /chat"] > 0
    # The control: the member did get member-only strings, through these same channels.
    assert {"028-7777-0101", "青松计划", "内部报价每套3.7万元"} <= set(out["member_saw"])
    # The uploaded member-only file and the restricted sources are not served by path.
    assert out["refused"]["http file routes"] == out["by_channel"]["http file routes"]
    assert "leaks found: 0" in capsys.readouterr().out


@pytest.mark.slow
def test_download_copies_are_not_served_by_path(hostile_app):
    """A member's citation download is a copy (assistant.web._download_copy) handed out
    through gradio's cache under an unguessable name; the copy's own path is not served."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from assistant.web import _download_copy

    member_file = next(hostile_app.docs.rglob("成员单位联络表*.md"))
    copy = _download_copy(member_file)
    for route in ("gradio_api/file=", "file="):
        url = hostile_app.url + route + urllib.parse.quote(str(copy))
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url)
        assert e.value.code in (403, 404)
