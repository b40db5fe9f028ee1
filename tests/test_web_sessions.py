"""Sessions and logins of the running app under attack: an expired token is a visitor told
"登录已过期" (API and page), logout ends a token, failed logins are slowed per name and per
client with the same message whether or not the name exists. Time is moved by replacing
the app's session and throttle clocks, never by sleeping."""

from __future__ import annotations

import json

import pytest

from .conftest import needs_browser
from .webapp import PASSWORDS, open_page_as

MEMBER_Q = "钛合金焊接联合攻关项目内部结算单价是多少"
MEMBER_FACT = "420"


@pytest.fixture(scope="module")
def client(web_app):
    from gradio_client import Client

    return Client(web_app.url, verbose=False)


@pytest.fixture
def clock(web_app):
    """The app's clocks, stopped and moved only by `clock.advance(s)`; put back afterwards."""
    accounts = web_app.service.accounts
    sessions, throttles = accounts.sessions, (accounts.throttle, accounts.client_throttle)
    real = sessions.clock

    class Clock:
        offset = 0.0
        start = real()

        def __call__(self):
            return self.start + self.offset

        def advance(self, seconds):
            self.offset += seconds

    c = Clock()
    sessions.clock = c
    for t in throttles:
        t.clock = c
    yield c
    sessions.clock = real
    for t in throttles:
        t.clock = real
        t._failures.clear()


def _said(reply) -> str:
    return json.dumps(reply, ensure_ascii=False)


def test_an_expired_token_is_answered_as_a_visitor_and_told_so(client, web_app, clock):
    tok = client.predict(*PASSWORDS["member"], api_name="/login")["token"]
    seen = client.predict(MEMBER_Q, tok, "[]", api_name="/ask")
    assert MEMBER_FACT in seen["answer"] and "session_notice" not in seen
    clock.advance(web_app.service.accounts.sessions.ttl + 1)
    late = client.predict(MEMBER_Q, tok, "[]", api_name="/ask")
    assert MEMBER_FACT not in _said(late)
    assert "登录已过期" in late["session_notice"]
    found = client.predict("demand", "叶片", tok, "{}", "", "", 20, 0, api_name="/find")
    assert "登录已过期" in found["session_notice"] and "028-5550" not in _said(found)


def test_logout_ends_the_token(client):
    tok = client.predict(*PASSWORDS["member"], api_name="/login")["token"]
    assert client.predict(tok, api_name="/logout") == {"ok": True}
    after = client.predict(MEMBER_Q, tok, "[]", api_name="/ask")
    assert MEMBER_FACT not in _said(after) and "session_notice" not in after


def test_failed_logins_are_slowed_alike_for_known_and_unknown_names(client, clock):
    from assistant.accounts import FREE_FAILURES

    for name in (PASSWORDS["member"][0], "nobody-here"):
        replies = [
            client.predict(name, "wrong-password", api_name="/login")["error"]
            for _ in range(FREE_FAILURES + 1)
        ]
        assert all("账号或密码错误" in r for r in replies[:FREE_FAILURES]), replies
        assert "秒后再试" in replies[-1]
    # Even the right password waits now; after the wait it works.
    held = client.predict(*PASSWORDS["member"], api_name="/login")
    assert "秒后再试" in held["error"]
    clock.advance(2)
    assert client.predict(*PASSWORDS["member"], api_name="/login")["role"] == "member"


def test_many_names_from_one_client_are_slowed(client, web_app, clock):
    from assistant.accounts import CLIENT_FREE_FAILURES

    for i in range(CLIENT_FREE_FAILURES):
        got = client.predict(f"guess-{i}", "wrong-password", api_name="/login")
        assert "账号或密码错误" in got["error"]
    # This client (127.0.0.1) must now wait, even with a right password.
    assert "秒后再试" in client.predict(*PASSWORDS["member"], api_name="/login")["error"]
    assert web_app.service.accounts.client_throttle.wait_for("127.0.0.1") > 0


@needs_browser[0]
@needs_browser[1]
def test_the_page_says_the_login_expired(web_app, clock, browser):
    contexts = []
    try:
        page = open_page_as(browser, web_app.url, "member", contexts)
        clock.advance(web_app.service.accounts.sessions.ttl + 1)
        page.fill("#question textarea", MEMBER_Q)
        page.click("#ask-btn")
        page.wait_for_function(
            "() => document.querySelector('#answer-details').innerText.includes('回答方式')"
        )
        assert "登录已过期" in page.inner_text("#answer-details")
        assert MEMBER_FACT not in page.inner_text("#chatbot")
        page.wait_for_function(
            "() => document.querySelector('#who').innerText.includes('登录已过期')"
        )
    finally:
        for ctx in contexts:
            ctx.close()
