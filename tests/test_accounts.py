"""Accounts: argon2 hashes in a users file, throttled logins, expiring sessions, the CLI."""

import json
import subprocess
import sys

import pytest

from assistant.accounts import (
    FREE_FAILURES,
    VERIFY_NICE,
    AccountError,
    Accounts,
    Sessions,
    Throttle,
    UserStore,
)
from assistant.cli import main


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_users_file_holds_salted_slow_hashes(tmp_path):
    users = UserStore(tmp_path / "u.json")
    assert users.add("zhang", "member", "correct horse") is True
    assert users.add("wang", "member", "correct horse") is True
    raw = json.loads((tmp_path / "u.json").read_text("utf-8"))["users"]
    assert raw["zhang"]["hash"].startswith("$argon2id$")
    assert raw["zhang"]["hash"] != raw["wang"]["hash"]  # salted
    assert "correct horse" not in (tmp_path / "u.json").read_text("utf-8")
    assert users.check("zhang", "correct horse") == "member"
    assert users.check("zhang", "wrong horse!") is None
    assert users.check("nobody", "correct horse") is None
    assert users.add("zhang", "secretariat", "another pass") is False
    assert users.check("zhang", "another pass") == "secretariat"


@pytest.mark.parametrize(
    "name, role, password",
    [("z", "member", "longenough"), ("li", "admin", "longenough"), ("li", "member", "short")],
)
def test_bad_accounts_are_refused(tmp_path, name, role, password):
    with pytest.raises(AccountError):
        UserStore(tmp_path / "u.json").add(name, role, password)


def test_failed_logins_are_slowed_then_reset(tmp_path):
    clock = Clock()
    users = UserStore(tmp_path / "u.json")
    users.add("li", "member", "right-password")
    accounts = Accounts(users, throttle=Throttle(clock), pause=0)
    for _ in range(FREE_FAILURES):
        with pytest.raises(AccountError, match="错误"):
            accounts.login("li", "wrong-password")
    # Now even the right password must wait.
    with pytest.raises(AccountError, match="秒后再试"):
        accounts.login("li", "right-password")
    clock.now += 1.5
    with pytest.raises(AccountError, match="错误"):
        accounts.login("li", "wrong-password")
    clock.now += 1.5  # the wait doubled: 2 s
    with pytest.raises(AccountError, match="秒后再试"):
        accounts.login("li", "right-password")
    clock.now += 1.0
    token, caller = accounts.login("li", "right-password")
    assert caller.role == "member" and token
    accounts.login("li", "right-password")  # a success clears the failures


def test_sessions_expire_and_unknown_tokens_are_visitors():
    clock = Clock()
    sessions = Sessions(ttl=60, clock=clock)
    from assistant.accounts import Caller

    token = sessions.open(Caller("li", "secretariat"))
    assert sessions.caller(token).role == "secretariat"
    clock.now += 59
    assert sessions.caller(token).role == "secretariat"  # use extends it
    clock.now += 61
    assert sessions.caller(token).anonymous
    assert sessions.caller("forged-token").anonymous and sessions.caller("").anonymous


def test_cli_user_add_reads_password_from_stdin(tmp_path, monkeypatch, capsys):
    index = tmp_path / "idx"
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("s3cret-pass\n"))
    assert main(["user", "add", "秘书处小王", "--role", "secretariat", "--index", str(index)]) == 0
    users = UserStore(tmp_path / "idx.users.json")
    assert users.check("秘书处小王", "s3cret-pass") == "secretariat"
    assert main(["user", "list", "--index", str(index)]) == 0
    assert "秘书处小王\tsecretariat" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("short\n"))
    assert main(["user", "add", "li", "--role", "member", "--index", str(index)]) == 1
    assert "密码至少" in capsys.readouterr().err


def test_cli_user_add_rejects_unknown_role(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "user", "add", "li", "--role", "admin"],
        capture_output=True,
        text=True,
        input="whatever-pass\n",
    )
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


# --- under attack (issue 13) ------------------------------------------------------------


def test_an_expired_session_is_a_visitor_that_is_told_so():
    from assistant.accounts import EXPIRED_MESSAGE, Caller

    clock = Clock()
    sessions = Sessions(ttl=60, clock=clock, max_age=600)
    token = sessions.open(Caller("li", "member"))
    clock.now += 61
    assert sessions.lookup(token) == (Caller(), True)
    assert sessions.expired(token) and sessions.caller(token).anonymous  # asked again: same
    assert not sessions.expired("never-issued") and not sessions.expired("")
    assert "登录已过期" in EXPIRED_MESSAGE


def test_a_session_ends_at_its_max_age_however_much_it_is_used():
    from assistant.accounts import Caller

    clock = Clock()
    sessions = Sessions(ttl=60, clock=clock, max_age=300)
    token = sessions.open(Caller("li", "member"))
    for _ in range(5):  # used every 50 s: never idle for a minute
        clock.now += 50
        assert sessions.caller(token).role == "member"
    clock.now += 51  # 301 s after the login
    assert sessions.caller(token).anonymous and sessions.expired(token)


def test_logout_ends_the_token_at_once(tmp_path):
    users = UserStore(tmp_path / "u.json")
    users.add("li", "member", "right-password")
    accounts = Accounts(users, pause=0)
    token, _ = accounts.login("li", "right-password")
    assert accounts.caller(token).role == "member"
    accounts.logout(token)
    assert accounts.caller(token).anonymous
    assert not accounts.expired(token)  # logged out, not expired: no "登录已过期"


def test_sessions_nobody_returns_to_are_forgotten():
    from assistant.accounts import Caller

    clock = Clock()
    sessions = Sessions(ttl=60, clock=clock)
    old = [sessions.open(Caller("li", "member")) for _ in range(50)]
    clock.now += 61
    sessions.open(Caller("wang", "member"))  # opening a session prunes the stale ones
    assert len(sessions._table) == 1
    assert all(sessions.expired(t) for t in old)


def test_failed_logins_from_one_client_are_slowed_across_names(tmp_path):
    from assistant.accounts import CLIENT_FREE_FAILURES

    clock = Clock()
    users = UserStore(tmp_path / "u.json")
    users.add("li", "member", "right-password")
    accounts = Accounts(users, throttle=Throttle(clock), pause=0)
    # A different name every time: the per-name counter never trips, the client's does.
    for i in range(CLIENT_FREE_FAILURES):
        with pytest.raises(AccountError, match="错误"):
            accounts.login(f"guess{i}", "whatever-pass", client="10.0.0.9")
    with pytest.raises(AccountError, match="秒后再试"):
        accounts.login("li", "right-password", client="10.0.0.9")
    # Another client is not held back by this one.
    assert accounts.login("li", "right-password", client="10.0.0.7")[1].role == "member"
    clock.now += 1.5
    assert accounts.login("li", "right-password", client="10.0.0.9")[1].role == "member"


def test_failure_counts_start_again_after_a_quiet_hour(tmp_path):
    clock = Clock()
    users = UserStore(tmp_path / "u.json")
    users.add("li", "member", "right-password")
    accounts = Accounts(users, throttle=Throttle(clock), pause=0)
    for _ in range(FREE_FAILURES):
        with pytest.raises(AccountError):
            accounts.login("li", "wrong-password")
    clock.now += 3601
    with pytest.raises(AccountError, match="错误"):  # a fresh count: no wait after this one
        accounts.login("li", "wrong-password")
    assert accounts.login("li", "right-password")[1].role == "member"


def test_every_failure_pauses_through_the_injected_sleep(tmp_path):
    slept: list[float] = []
    users = UserStore(tmp_path / "u.json")
    users.add("li", "member", "right-password")
    accounts = Accounts(users, pause=0.5, sleep=slept.append)
    for name in ("li", "nobody"):
        with pytest.raises(AccountError):
            accounts.login(name, "wrong-password")
    accounts.login("li", "right-password")
    assert slept == [0.5, 0.5]


def test_an_unknown_name_is_no_different_from_a_wrong_password(tmp_path):
    """No oracle: the same work (one argon2 verification of the same parameters), the same
    message, the same throttling, whether or not the account exists."""
    users = UserStore(tmp_path / "u.json")
    users.add("li", "member", "right-password")
    calls: list[str] = []
    real = users._hasher

    class CountingHasher:
        def hash(self, password):
            return real.hash(password)

        def verify(self, hash_, password):
            calls.append(hash_.split("$")[3])  # the parameters (m, t, p) of the hash used
            return real.verify(hash_, password)

    users._hasher = CountingHasher()
    clock = Clock()
    accounts = Accounts(users, throttle=Throttle(clock), pause=0)
    messages = {}
    for name in ("li", "nobody"):
        calls.clear()
        with pytest.raises(AccountError) as e:
            accounts.login(name, "wrong-password")
        messages[name] = (str(e.value), list(calls))
    assert messages["li"][0] == messages["nobody"][0]
    assert len(messages["li"][1]) == len(messages["nobody"][1]) == 1
    assert messages["li"][1] == messages["nobody"][1]  # same argon2 parameters
    for name in ("li", "nobody"):  # and both are throttled after the same count
        for _ in range(FREE_FAILURES - 1):
            with pytest.raises(AccountError, match="错误"):
                accounts.login(name, "wrong-password")
        with pytest.raises(AccountError, match="秒后再试"):
            accounts.login(name, "wrong-password")


def test_verifications_run_one_at_a_time_on_their_own_low_priority_thread(tmp_path):
    """A crowd logging in must not take every core from people asking: argon2 runs in its
    own executor, one verification at a time, below the callers' priority (Linux)."""
    import os
    import threading

    users = UserStore(tmp_path / "users.json")
    users.add("zhangsan", "member", "right-password-1")
    real = users._hasher
    seen: list[tuple[str, int]] = []
    running, most = [0], [0]
    lock = threading.Lock()

    def watched(hashed, password):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            seen.append((threading.current_thread().name, nice))
        try:
            return real.verify(hashed, password)
        finally:
            with lock:
                running[0] -= 1

    class Watched:  # PasswordHasher has slots: wrap it
        hash = staticmethod(real.hash)
        verify = staticmethod(watched)

    users._hasher = Watched()
    results: list = [None] * 6
    tries = ["right-password-1", "wrong-password", "right-password-1"] * 2
    names = ["zhangsan", "zhangsan", "nobody-here"] * 2

    def login(i):
        results[i] = users.check(names[i], tries[i])

    threads = [threading.Thread(target=login, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["member", None, None] * 2  # the same answers as without the executor
    assert len(seen) == 6 and most[0] == 1
    assert all(name.startswith("argon2-verify") for name, _ in seen)
    if sys.platform.startswith("linux"):
        mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        assert all(nice >= min(mine + VERIFY_NICE, 19) for _, nice in seen)
