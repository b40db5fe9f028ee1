"""Accounts: argon2 hashes in a users file, throttled logins, expiring sessions, the CLI."""

import json
import subprocess
import sys

import pytest

from assistant.accounts import (
    FREE_FAILURES,
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
