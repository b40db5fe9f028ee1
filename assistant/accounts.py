"""Accounts, logins and sessions for the web app and its API.

Members and the secretariat log in; visitors need no account. Accounts live in a JSON users
file beside the index (`Settings.users_file`), each with an argon2id hash (argon2-cffi: a
salted, deliberately slow hash — the only module that imports it). Repeated failed logins
are slowed twice over: for one account name (after `FREE_FAILURES` failures) and for one
client address (after `CLIENT_FREE_FAILURES`, across all names, so trying many names from
one place is slowed too), each further attempt must wait twice as long as the last (capped),
and every failure costs a fixed pause. Nothing tells whether a name exists: an unknown name
costs one argon2 verification like a known one, is throttled the same way and gets the same
message. A login yields a random session token that expires after `Sessions.ttl` seconds of
inactivity or `Sessions.max_age` after the login; an expired token is a visitor's, and is
recognised as expired (not unknown) so the page can say "登录已过期". Logging out ends the
token at once. The server keeps the token → role table, so a client can claim no role it
was not given. Clocks are injectable, so tests move time instead of sleeping.

Verification is memory-hard CPU work (64 MiB, about 0.2 CPU-seconds here, on four threads),
so a crowd logging in at once would take every core from the people asking questions. It
runs in one small executor of its own: one verification at a time per process, at a lower
CPU priority (Linux) — logins wait for each other, not questions for logins.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .roles import ACCOUNT_ROLES, ANONYMOUS

MIN_PASSWORD = 8
FREE_FAILURES = 3  # failed logins for a name before it must wait
# Failed logins from one client address (any names) before it must wait: higher, since a
# school or company may send many people's logins from one address.
CLIENT_FREE_FAILURES = 10
MAX_WAIT = 300.0  # seconds, the longest a name or client is made to wait
FAILURE_PAUSE = 0.5  # seconds every failed attempt costs, to slow guessing further
FORGET_AFTER = 3600.0  # seconds without a failure after which a key's count starts again
SESSION_TTL = 8 * 3600.0
SESSION_MAX_AGE = 24 * 3600.0  # a session ends this long after its login, however used
EXPIRED_MEMORY = 10_000  # expired tokens remembered, to say "expired" rather than "unknown"
EXPIRED_MESSAGE = "登录已过期，请重新登录；现按访客身份处理 (session expired; log in again)"
_NAME = re.compile(r"^[\w.\-@\u4e00-\u9fff]{2,40}$")
VERIFY_WORKERS = 1  # argon2 verifications at once, per process
VERIFY_NICE = 10  # how much the verifying thread's nice value is raised (Linux; 0 = not)


def _lower_priority() -> None:
    """Lower this thread's CPU priority (Linux: a thread is a task with its own nice value,
    and the threads libargon2 starts for a hash's lanes inherit it). Elsewhere the call
    would renice the whole process, so nothing is done."""
    if sys.platform.startswith("linux") and VERIFY_NICE:
        try:
            tid = threading.get_native_id()
            nice = os.getpriority(os.PRIO_PROCESS, tid) + VERIFY_NICE
            os.setpriority(os.PRIO_PROCESS, tid, min(nice, 19))
        except OSError:
            pass


_VERIFIER = ThreadPoolExecutor(
    max_workers=VERIFY_WORKERS, thread_name_prefix="argon2-verify", initializer=_lower_priority
)


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
        self._dummy: str | None = None  # a hash to verify unknown names against

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
            # Verify against a hash of the same parameters anyway, so an unknown name costs
            # exactly what a wrong password costs: the time tells nothing about the name.
            if self._dummy is None:
                self._dummy = self._hasher.hash(secrets.token_urlsafe(16))
            self._verify(self._dummy, password)
            return None
        return user.get("role") if self._verify(user["hash"], password) else None

    def _verify(self, hashed: str, password: str) -> bool:
        """Whether `password` matches `hashed`, checked in the verification executor."""

        def verify() -> bool:
            try:
                return self._hasher.verify(hashed, password or "")
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

        return _VERIFIER.submit(verify).result()


class Throttle:
    """Slows repeated failed logins for one key — a name, or a client address (in this
    process): after `free` failures each attempt waits twice as long as the last."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, free: int = FREE_FAILURES):
        self.clock = clock
        self.free = free
        # key → (failures, not before, time of the last failure)
        self._failures: dict[str, tuple[int, float, float]] = {}
        self._lock = threading.Lock()

    def wait_for(self, name: str) -> float:
        """Seconds before `name` may try again (0 when it may now)."""
        with self._lock:
            _, not_before, _ = self._failures.get(name, (0, 0.0, 0.0))
        return max(0.0, not_before - self.clock())

    def failed(self, name: str) -> None:
        now = self.clock()
        with self._lock:
            count, _, last = self._failures.get(name, (0, 0.0, now))
            count = 1 if now - last > FORGET_AFTER else count + 1
            wait = 0.0 if count < self.free else min(MAX_WAIT, 2.0 ** (count - self.free))
            self._failures[name] = (count, now + wait, now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


class Sessions:
    """Session tokens → callers, expiring after `ttl` seconds without use or `max_age`
    seconds after they were opened, whichever comes first."""

    def __init__(
        self,
        ttl: float = SESSION_TTL,
        clock: Callable[[], float] = time.monotonic,
        max_age: float = SESSION_MAX_AGE,
    ):
        self.ttl = ttl
        self.clock = clock
        self.max_age = max(max_age, ttl)
        self._table: dict[str, tuple[Caller, float, float]] = {}  # → (caller, idle end, end)
        self._expired: dict[str, None] = {}  # recently expired tokens, oldest first
        self._lock = threading.Lock()

    def open(self, caller: Caller) -> str:
        token = secrets.token_urlsafe(24)
        now = self.clock()
        with self._lock:
            self._prune(now)
            self._table[token] = (caller, now + self.ttl, now + self.max_age)
        return token

    def _prune(self, now: float) -> None:
        """Forget sessions nobody came back to, so the table does not grow for ever."""
        for token in [t for t, (_, idle, end) in self._table.items() if min(idle, end) < now]:
            self._expire(token)

    def _expire(self, token: str) -> None:
        del self._table[token]
        self._expired[token] = None
        while len(self._expired) > EXPIRED_MEMORY:
            del self._expired[next(iter(self._expired))]

    def caller(self, token: str | None) -> Caller:
        """Who holds `token`: the visitor when it is empty, unknown or expired."""
        return self.lookup(token)[0]

    def lookup(self, token: str | None) -> tuple[Caller, bool]:
        """(who holds `token`, whether it is a session that has expired). Use extends it."""
        if not token:
            return VISITOR, False
        now = self.clock()
        with self._lock:
            got = self._table.get(token)
            if got is None:
                return VISITOR, token in self._expired
            caller, idle_end, end = got
            if min(idle_end, end) < now:
                self._expire(token)
                return VISITOR, True
            self._table[token] = (caller, now + self.ttl, end)
            return caller, False

    def expired(self, token: str | None) -> bool:
        """Whether `token` was a session that has expired (a logged-out one has not)."""
        with self._lock:
            if token in self._expired:
                return True
        return self.lookup(token)[1]

    def close(self, token: str | None) -> None:
        with self._lock:
            self._table.pop(token or "", None)
            self._expired.pop(token or "", None)


class Accounts:
    """Logins against a user store, throttled, yielding session tokens."""

    def __init__(
        self,
        users: UserStore,
        sessions: Sessions | None = None,
        throttle: Throttle | None = None,
        pause: float = FAILURE_PAUSE,
        client_throttle: Throttle | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.users = users
        self.sessions = sessions or Sessions()
        self.throttle = throttle or Throttle()
        self.client_throttle = client_throttle or Throttle(
            self.throttle.clock, free=CLIENT_FREE_FAILURES
        )
        self.pause = pause
        self.sleep = sleep

    def login(self, name: str, password: str, client: str = "") -> tuple[str, Caller]:
        """A session token and the caller, or AccountError saying why not.

        `client` is the caller's address (empty when unknown, e.g. the CLI): failures are
        counted for it as well as for the name."""
        name = (name or "").strip()
        wait = max(self.throttle.wait_for(name), self.client_throttle.wait_for(client or ""))
        if wait > 0:
            raise AccountError(
                f"登录失败次数过多，请 {wait:.0f} 秒后再试 "
                f"(too many failed logins; retry in {wait:.0f} s)"
            )
        role = self.users.check(name, password)
        if role is None:
            self.throttle.failed(name)
            if client:
                self.client_throttle.failed(client)
            if self.pause:
                self.sleep(self.pause)
            raise AccountError("账号或密码错误 (wrong name or password)")
        self.throttle.succeeded(name)
        caller = Caller(name, role)
        return self.sessions.open(caller), caller

    def logout(self, token: str | None) -> None:
        self.sessions.close(token)

    def caller(self, token: str | None) -> Caller:
        return self.sessions.caller(token)

    def expired(self, token: str | None) -> bool:
        return self.sessions.expired(token)
