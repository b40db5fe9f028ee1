"""The one adapter for OpenAI-compatible chat endpoints (the `openai` SDK).

The rest of chanjiao sees only the `ChatModel` protocol, `complete(messages, on_token=None)
-> str`, so core code gets a chat model passed in and tests can pass any object with that
method. Endpoint concerns live here and nowhere else: a dummy key for keyless local servers
(vLLM, Ollama), timeouts, retries with backoff on 429/5xx/connection errors, streaming,
removing a reasoning model's <think> block, and turning every failure into one `LLMError`
whose message is a single line a user can act on. Prompts and verification live elsewhere.

The SDK's own retry loop is switched off in favour of ours, for one reason: a timeout is not
retried. A user has already waited `timeout` seconds; waiting two more rounds before the
extractive fallback would triple that. For the same reason `timeout` bounds a whole call —
attempts, backoff and a stream that trickles in — not each network read. The SDK is
imported when a model is built, so that `LLMError` and `ChatModel` cost nothing to import
on the offline path.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from typing import Protocol

# Keyless local servers (vLLM, Ollama) accept any key, but the SDK refuses to start without one.
DUMMY_KEY = "not-needed"
MAX_RETRY_AFTER = 10.0
MAX_BACKOFF = 8.0
# The least time an attempt is given (seconds): a retry with less left is not made.
MIN_ATTEMPT = 0.5
# Failures that say the endpoint itself is unusable (a 400 is about one request only).
_ENDPOINT_DOWN = {"timeout", "connection", "auth", "server", "rate_limit", "not_found"}
_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.S)


class LLMError(Exception):
    """The endpoint did not give an answer. `kind`: timeout, connection, auth, rate_limit,
    server, not_found, bad_request, empty, error; `status` is the HTTP status if any."""

    def __init__(self, message: str, kind: str = "error", status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status


class ChatModel(Protocol):
    """Anything that turns chat messages into a reply; streams through `on_token` if given."""

    def complete(
        self, messages: list[dict], on_token: Callable[[str], None] | None = None
    ) -> str: ...


def strip_thinking(text: str) -> str:
    """`text` without a reasoning model's <think>…</think> block (Qwen3, DeepSeek-R1 via vLLM)."""
    return _THINK.sub("", text).strip()


class OpenAIChat:
    """A chat model behind an OpenAI-compatible endpoint."""

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        temperature: float = 0.0,
        max_tokens: int = 1024,
        cooldown: float = 30.0,
    ):
        """`cooldown`: after a call fails for good, later calls fail at once for this many
        seconds with the same reason, so one question (condense + answer) or one eval run
        does not wait out the same dead endpoint again and again."""
        self.model = model
        self.base_url = base_url
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.cooldown = cooldown
        self._down_until = 0.0
        self._down_error: LLMError | None = None
        import openai

        self._sdk = openai
        self.client = openai.OpenAI(
            base_url=base_url or None,
            api_key=api_key or DUMMY_KEY,
            timeout=openai.Timeout(timeout, connect=min(timeout, 10.0)),
            max_retries=0,
        )

    def complete(self, messages: list[dict], on_token: Callable[[str], None] | None = None) -> str:
        """The model's reply to `messages`. Streams when `on_token` is given. Raises LLMError.

        `timeout` bounds the whole call, retries and backoff included: each attempt gets
        the time that is left, and a retry that could not finish in it is not made.
        """
        if self._down_error is not None and time.monotonic() < self._down_until:
            e = self._down_error
            raise LLMError(f"{e}（{self.cooldown:.0f} 秒内不再重试）", e.kind, e.status)
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            emitted: list[str] = []

            def emit(token: str, emitted=emitted) -> None:
                emitted.append(token)
                if on_token is not None:
                    on_token(token)

            try:
                text = (
                    self._stream(messages, emit, deadline)
                    if on_token
                    else self._once(messages, deadline)
                )
                text = strip_thinking(text)
                if not text:
                    raise LLMError("大模型返回了空回复 (empty reply)", "empty")
                self._down_error = None
                return text
            except LLMError as e:
                if e.kind in _ENDPOINT_DOWN:
                    self._mark_down(e)
                raise
            except Exception as e:  # every SDK/transport failure becomes one LLMError
                err = self._classify(e)
                retryable = err.kind in ("rate_limit", "server", "connection")
                delay = self._delay(attempt, e)
                in_time = time.monotonic() + delay < deadline - MIN_ATTEMPT
                if retryable and attempt < self.max_retries and not emitted and in_time:
                    time.sleep(delay)
                    attempt += 1
                    continue
                if attempt:
                    err = LLMError(
                        f"{err}，已重试 {attempt} 次 (after {attempt} retries)",
                        err.kind,
                        err.status,
                    )
                if err.kind in _ENDPOINT_DOWN:
                    self._mark_down(err)
                raise err from None

    def _mark_down(self, err: LLMError) -> None:
        self._down_error = err
        self._down_until = time.monotonic() + self.cooldown

    def _left(self, deadline: float):
        """The SDK timeout for an attempt that must end by `deadline`."""
        left = max(MIN_ATTEMPT, deadline - time.monotonic())
        return self._sdk.Timeout(left, connect=min(left, 10.0))

    def _once(self, messages: list[dict], deadline: float) -> str:
        resp = self.client.chat.completions.create(
            model=self.model,
            messages=messages,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            timeout=self._left(deadline),
        )
        if not resp.choices:
            return ""
        return resp.choices[0].message.content or ""

    def _stream(self, messages: list[dict], emit: Callable[[str], None], deadline: float) -> str:
        """The streamed reply. The SDK's timeout bounds each read, not the whole stream: a
        server dribbling a token every few seconds would keep a user waiting for minutes,
        so the stream is also cut at `deadline`."""
        parts = []
        stream = self.client.chat.completions.create(
            model=self.model,
            messages=messages,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            stream=True,
            timeout=self._left(deadline),
        )
        with stream:
            for chunk in stream:
                if time.monotonic() > deadline:
                    raise LLMError(
                        f"生成超时（{self.timeout:g} 秒内未完成）(timeout: the reply took longer)",
                        "timeout",
                    )
                if not chunk.choices:  # usage-only chunks some servers send last
                    continue
                token = chunk.choices[0].delta.content
                if token:
                    parts.append(token)
                    emit(token)
        return "".join(parts)

    def _delay(self, attempt: int, error: Exception) -> float:
        """Seconds to wait before retry `attempt`: the server's Retry-After, else backoff."""
        response = getattr(error, "response", None)
        if response is not None:
            try:
                after = float(response.headers.get("retry-after", ""))
                if 0 <= after <= MAX_RETRY_AFTER:
                    return after
            except ValueError:
                pass
        # Jitter, so that several workers hitting the same 429 do not retry in lockstep.
        return min(self.backoff * 2**attempt, MAX_BACKOFF) * (0.75 + 0.25 * random.random())

    def _classify(self, e: Exception) -> LLMError:
        openai = self._sdk
        where = self.base_url or "默认端点"
        if isinstance(e, openai.APITimeoutError) or _is_timeout(e):
            return LLMError(f"请求超时（{self.timeout:g} 秒）(timeout)", "timeout")
        if isinstance(e, openai.APIConnectionError):
            return LLMError(f"无法连接 {where} (connection failed)", "connection")
        if isinstance(e, openai.APIStatusError):
            status = e.status_code
            if status in (401, 403):
                return LLMError(
                    f"密钥无效或无权限，HTTP {status}；检查 OPENAI_API_KEY (authentication failed)",
                    "auth",
                    status,
                )
            if status == 404:
                return LLMError(
                    f"模型或地址不存在，HTTP 404；检查 CHANJIAO_LLM_MODEL={self.model} "
                    "和 OPENAI_BASE_URL (not found)",
                    "not_found",
                    status,
                )
            if status == 429:
                return LLMError("请求过多或额度不足，HTTP 429 (rate limited)", "rate_limit", status)
            if status >= 500:
                return LLMError(f"服务端错误，HTTP {status} (server error)", "server", status)
            return LLMError(f"请求被拒绝，HTTP {status} (bad request)", "bad_request", status)
        return LLMError(f"调用失败 ({type(e).__name__}: {_one_line(str(e))})", "error")


def _is_timeout(e: BaseException) -> bool:
    """Read timeouts during streaming surface as the transport's own exception type."""
    for _ in range(10):  # a bounded walk down the exception chain
        if e is None:
            return False
        if isinstance(e, TimeoutError) or "timeout" in type(e).__name__.lower():
            return True
        e = e.__cause__ or e.__context__
    return False


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
