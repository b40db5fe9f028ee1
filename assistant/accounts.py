"""Accounts, logins and sessions for the web app and its API.

Members and the secretariat log in; visitors need no account. Accounts live in a JSON users
file beside the index (`Settings.users_file`), each with an argon2id hash (argon2-cffi: a
salted, deliberately slow hash — the only module that imports it). Repeated failed logins
for one name are slowed: after `FREE_FAILURES` failures each further attempt must wait
twice as long as the last (capped), and every failure costs a fixed pause. A login yields
a random session token that expires after `Sessions.ttl` seconds of inactivity; the
server keeps the token → role table, so a client can claim no role it was not given.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .roles import ACCOUNT_ROLES, ANONYMOUS

MIN_PASSWORD = 8
FREE_FAILURES = 3  # failed logins for a name before it must wait
MAX_WAIT = 300.0  # seconds, the longest a name is made to wait
FAILURE_PAUSE = 0.5  # seconds every failed attempt costs, to slow guessing further
SESSION_TTL = 8 * 3600.0
_NAME = re.compile(r"^[\w.\-@\u4e00-\u9fff]{2,40}$")


class AccountError(ValueError):
    """A bad account name, role or password, or a refused login (message in Chinese)."""


@dataclass(frozen=True)
class Caller:
    """Who is asking: an account name and its role, or the anonymous visitor."""

    name: str = ""
    role: str = ANONYMOUS

    @property
    def anonymous(self) -> bool:
        return self.role == ANONYMOUS


VISITOR = Caller()


class UserStore:
    """The users file: names, roles and argon2 hashes. Written atomically."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._hasher = PasswordHasher()
        self._lock = threading.Lock()

    def _read(self) -> dict:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise AccountError(f"账号文件损坏 {self.path} (users file unreadable: {e})") from e
        return data.get("users", {}) if isinstance(data, dict) else {}

    def _write(self, users: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"users": users}, ensure_ascii=False, indent=1), "utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)

    def add(self, name: str, role: str, password: str) -> bool:
        """Create or replace an account; True when it is new."""
        if not _NAME.match(name or ""):
            raise AccountError(
                "账号名应为 2–40 个字母、数字、汉字或 . - _ @ (name: 2-40 letters/digits)"
            )
        if role not in ACCOUNT_ROLES:
            raise AccountError(
                f"角色应为 {' 或 '.join(ACCOUNT_ROLES)} (role must be member or secretariat)"
            )
        if len(password or "") < MIN_PASSWORD:
            raise AccountError(
                f"密码至少 {MIN_PASSWORD} 个字符 (password: at least {MIN_PASSWORD} characters)"
            )
        with self._lock:
            users = self._read()
            new = name not in users
            users[name] = {
                "role": role,
                "hash": self._hasher.hash(password),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
            }
            self._write(users)
        return new

    def remove(self, name: str) -> bool:
        with self._lock:
            users = self._read()
            if users.pop(name, None) is None:
                return False
            self._write(users)
            return True

    def roles(self) -> dict[str, str]:
        return {n: u.get("role", "") for n, u in self._read().items()}

    def check(self, name: str, password: str) -> str | None:
        """The account's role when the password is right, else None."""
        user = self._read().get(name)
        if user is None:
            # Hash anyway, so a wrong name costs as long as a wrong password.
            self._hasher.hash(password or "x")
            return None
        try:
            self._hasher.verify(user["hash"], password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return user.get("role")


class Throttle:
    """Slows repeated failed logins for one name (in this process)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # name → (count, not before)
        self._lock = threading.Lock()

    def wait_for(self, name: str) -> float:
        """Seconds before `name` may try again (0 when it may now)."""
        with self._lock:
            _, not_before = self._failures.get(name, (0, 0.0))
        return max(0.0, not_before - self.clock())

    def failed(self, name: str) -> None:
        with self._lock:
            count, _ = self._failures.get(name, (0, 0.0))
            count += 1
            wait = 0.0 if count < FREE_FAILURES else min(MAX_WAIT, 2.0 ** (count - FREE_FAILURES))
            self._failures[name] = (count, self.clock() + wait)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


class Sessions:
    """Session tokens → callers, expiring after `ttl` seconds without use."""

    def __init__(self, ttl: float = SESSION_TTL, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._table: dict[str, tuple[Caller, float]] = {}
        self._lock = threading.Lock()

    def open(self, caller: Caller) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._table[token] = (caller, self.clock() + self.ttl)
        return token

    def caller(self, token: str | None) -> Caller:
        """Who holds `token`: the visitor when it is empty, unknown or expired."""
        if not token:
            return VISITOR
        now = self.clock()
        with self._lock:
            got = self._table.get(token)
            if got is None:
                return VISITOR
            caller, expires = got
            if expires < now:
                del self._table[token]
                return VISITOR
            self._table[token] = (caller, now + self.ttl)
            return caller

    def close(self, token: str | None) -> None:
        with self._lock:
            self._table.pop(token or "", None)


class Accounts:
    """Logins against a user store, throttled, yielding session tokens."""

    def __init__(
        self,
        users: UserStore,
        sessions: Sessions | None = None,
        throttle: Throttle | None = None,
        pause: float = FAILURE_PAUSE,
    ):
        self.users = users
        self.sessions = sessions or Sessions()
        self.throttle = throttle or Throttle()
        self.pause = pause

    def login(self, name: str, password: str) -> tuple[str, Caller]:
        """A session token and the caller, or AccountError saying why not."""
        name = (name or "").strip()
        wait = self.throttle.wait_for(name)
        if wait > 0:
            raise AccountError(
                f"登录失败次数过多，请 {wait:.0f} 秒后再试 "
                f"(too many failed logins; retry in {wait:.0f} s)"
            )
        role = self.users.check(name, password)
        if role is None:
            self.throttle.failed(name)
            if self.pause:
                time.sleep(self.pause)
            raise AccountError("账号或密码错误 (wrong name or password)")
        self.throttle.succeeded(name)
        caller = Caller(name, role)
        return self.sessions.open(caller), caller

    def logout(self, token: str | None) -> None:
        self.sessions.close(token)

    def caller(self, token: str | None) -> Caller:
        return self.sessions.caller(token)
