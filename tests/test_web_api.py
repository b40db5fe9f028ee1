"""The web app's API through gradio_client: every endpoint, every role.

The app runs over a small real index (tests/webapp.py) with public, member-only and
secretariat-only documents and a demand list with contact columns. What an anonymous
caller must never get is checked on the whole JSON of each reply, not on one field.
"""

import importlib.util
import json
import urllib.request

import pytest

from .webapp import PASSWORDS

MEMBER_FACT = "420"  # from the member-only memo
SECRET_FACT = "暂缓拨付"  # from the secretariat-only assessment
CONTACTS = ("028-5550", "霍工", "@example.cn")  # contact columns of the demand list


@pytest.fixture(scope="module")
def client(web_app):
    from gradio_client import Client

    return Client(web_app.url, verbose=False)


@pytest.fixture(scope="module")
def tokens(client):
    out = {"anonymous": ""}
    for role, (name, password) in PASSWORDS.items():
        got = client.predict(name, password, api_name="/login")
        assert got["role"] == role, got
        out[role] = got["token"]
    return out


def _text(reply) -> str:
    return json.dumps(reply, ensure_ascii=False)


def test_health_and_named_endpoints(web_app, client):
    with urllib.request.urlopen(web_app.url + "health") as r:
        health = json.loads(r.read())
    assert (
        health["status"] == "ok" and health["docs"] >= 5
    )  # the browser tests may upload one more and health["llm"] is False
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/ask", "/search", "/find", "/match", "/draft", "/login"} <= names


def test_login_refuses_a_wrong_password(client):
    got = client.predict(PASSWORDS["member"][0], "not-the-password", api_name="/login")
    assert "token" not in got and "错误" in got["error"]


QUESTIONS = [
    ("钛合金焊接联合攻关项目内部结算单价是多少", MEMBER_FACT, "member"),
    ("钛合金焊接攻关项目的考核结论是什么", SECRET_FACT, "secretariat"),
]


@pytest.mark.parametrize("question, fact, level", QUESTIONS)
def test_ask_by_role(client, tokens, question, fact, level):
    sees = {"anonymous": False, "member": level == "member", "secretariat": True}
    for role, token in tokens.items():
        reply = client.predict(question, token, "[]", api_name="/ask")
        assert reply["status"] in ("answered", "not_direct", "refused")
        assert (fact in _text(reply)) == sees[role], (role, reply["answer"])
    forged = client.predict(question, "forged-token", "[]", api_name="/ask")
    assert fact not in _text(forged)


def test_ask_cites_a_public_source_for_anyone(client):
    reply = client.predict("学生岗位实习补贴标准是多少", "", "[]", api_name="/ask")
    assert reply["found"] and reply["citations"]
    assert reply["mode"] == "extractive" and reply["status"] == "answered"
    assert any("岗位实习" in c["source"] for c in reply["citations"])


def test_multi_turn_says_what_it_searched_as(client):
    history = json.dumps(
        [
            {"role": "user", "content": "学生岗位实习补贴标准是多少"},
            {"role": "assistant", "content": "……"},
        ],
        ensure_ascii=False,
    )
    reply = client.predict("那申请材料呢？", "", history, api_name="/ask")
    assert reply["searched_as"] and "岗位实习" in reply["searched_as"]


@pytest.mark.parametrize("query", ["青松计划 结算单价", "考核结论 暂缓拨付 扣减经费"])
def test_search_never_returns_restricted_passages_to_visitors(client, tokens, query):
    anon = client.predict(query, "", 10, api_name="/search")
    assert all("roles/成员单位" not in r["source"] for r in anon["results"])
    found = _text(anon["results"])  # the query itself is echoed in the reply
    assert MEMBER_FACT not in found and SECRET_FACT not in found and "青松" not in found
    secretariat = client.predict(query, tokens["secretariat"], 10, api_name="/search")
    assert secretariat["results"] and secretariat["results"][0]["source"].startswith("roles/")


LOOKUP_MISSING = importlib.util.find_spec("assistant.lookup") is None
NEEDS_RECORDS = pytest.mark.skipif(
    LOOKUP_MISSING,
    reason="contact columns are kept out of chunk text by the records ingest that comes with "
    "assistant.lookup (issue 9), not on main yet",
)


@NEEDS_RECORDS
def test_contact_columns_are_not_in_anonymous_answers_or_passages(client):
    for q in ("发动机叶片无损检测需求的联系人和联系电话", "霍工的电话是多少"):
        ask = client.predict(q, "", "[]", api_name="/ask")
        search = client.predict(q, "", 10, api_name="/search")
        said = {k: v for k, v in ask.items() if k not in ("question", "searched_as")}
        for reply in (said, search["results"]):
            assert not any(c in _text(reply) for c in CONTACTS), _text(reply)[:300]


def test_draft_is_for_the_secretariat_only(client, tokens):
    for role in ("anonymous", "member"):
        got = client.predict(tokens[role], "", 2024, "self-assessment", api_name="/draft")
        assert got.get("kind") == "RoleError", got
    if importlib.util.find_spec("assistant.draft") is None:
        pytest.skip("assistant.draft.draft_report is not on main yet (issue 10)")
    got = client.predict(tokens["secretariat"], "1", 2024, "self-assessment", api_name="/draft")
    assert got["year"] == 2024 and [i["code"] for i in got["indicators"]] == ["1"]
    bad = client.predict(tokens["secretariat"], "", 2024, "poem", api_name="/draft")
    assert bad.get("kind") == "ValueError"


def test_find_and_match_apply_roles(client, tokens):
    """Contact columns come back only for members and the secretariat."""
    probe = client.predict("demand", "", "", "{}", "", "", 20, 0, api_name="/find")
    if probe.get("kind") == "MissingFeatureError":
        pytest.skip("assistant.lookup.find is not on main yet (issue 9)")
    for role, token in tokens.items():
        got = client.predict("demand", "叶片", token, "{}", "", "", 20, 0, api_name="/find")
        assert got["total"] >= 1
        assert any(c in _text(got) for c in CONTACTS) == (role != "anonymous"), role
        for policy in ("policy",):
            m = client.predict(policy, json.dumps({"industry": "航空"}), token, api_name="/match")
            assert "error" not in m or m.get("kind") != "RoleError"


def test_source_folders_are_not_served(web_app):
    """Files are reachable only as copies made after a role check, never by their path."""
    import urllib.error
    import urllib.parse

    member_file = next(web_app.docs.rglob("成员单位内部合作备忘*.md"))
    for route in ("gradio_api/file=", "file="):
        url = web_app.url + route + urllib.parse.quote(str(member_file))
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url)
        assert e.value.code in (403, 404)
