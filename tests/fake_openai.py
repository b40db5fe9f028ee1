"""A small scripted OpenAI-compatible chat server for tests, on 127.0.0.1.

`FakeOpenAI` serves POST /v1/chat/completions, streaming (SSE) and not, from the standard
library's http.server in a thread, so tests exercise the real `openai` client, its HTTP
transport and our streaming code. Each request takes the next behaviour from `script`
(then `default`): `Reply` (fixed text, or a function of the request), `Invent` (a reply
plus a sentence with a fact and a marker the request never supplied), `Fail` (an HTTP
status such as 500, 429 or 401), `Hang` (no answer for longer than any test timeout),
`Trickle` (a reply streamed slowly: each piece in time, the whole too late) and `Drop` (the
connection cut mid-reply). `down()` closes the listening socket — the endpoint refuses
connections — and `up()` opens it again on the same port. Every request is recorded, so
tests can assert what the prompt said.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CUT_GRACE = 0.3  # seconds a mid-stream cut waits, so the client has read what was sent


@dataclass
class Reply:
    """Answer with `text` (or `text(request_body)`); streamed in `chunk`-character pieces.

    `hang_after`: when streaming, stop after that many pieces and hang (a stalled stream).
    """

    text: str | Callable[[dict], str]
    chunk: int = 4
    hang_after: int | None = None

    def content(self, body: dict) -> str:
        return self.text(body) if callable(self.text) else self.text


@dataclass
class Invent(Reply):
    """`text`, then an invented fact cited with a marker one past the sources supplied."""

    fact: str = "此外，每家企业每年还可获得500万元专项奖励"

    def content(self, body: dict) -> str:
        n = len(source_ids(body))
        return super().content(body) + f"{self.fact}[S{n + 1}]。"


@dataclass
class Fail:
    """Answer with HTTP `status` and an OpenAI-style error body."""

    status: int
    message: str = "fake failure"
    headers: dict = field(default_factory=dict)


@dataclass
class Hang:
    """Send nothing for `seconds` (longer than the client's timeout)."""

    seconds: float = 30.0


@dataclass
class Trickle(Reply):
    """A reply whose pieces come `delay` seconds apart (streamed; a plain request gets the
    whole body after `delay` times the number of pieces)."""

    delay: float = 0.5


@dataclass
class Drop(Reply):
    """Send `after` pieces of the reply (streamed), then cut the connection without ending
    the stream; a plain request is cut before any answer."""

    after: int = 2


Behaviour = Reply | Fail | Hang


def messages_text(body: dict) -> str:
    return "\n".join(str(m.get("content", "")) for m in body.get("messages", []))


def source_ids(body: dict) -> list[str]:
    """The passage ids (S1…) supplied in a request's data block."""
    return re.findall(r'编号="(S\d+)"', messages_text(body))


def marker_for(body: dict, needle: str) -> str:
    """The marker ([S2]) of the supplied passage containing `needle`."""
    text = messages_text(body)
    for m in re.finditer(r'<资料 编号="(S\d+)"[^>]*>\n(.*?)\n</资料>', text, re.S):
        if needle in m.group(2):
            return f"[{m.group(1)}]"
    raise AssertionError(f"no supplied passage contains {needle!r}")


def passage_of(body: dict, sid: str) -> str:
    m = re.search(rf'<资料 编号="{sid}"[^>]*>\n(.*?)\n</资料>', messages_text(body), re.S)
    return m.group(1) if m else ""


class FakeOpenAI:
    """The server. Use as a context manager, or start()/stop()."""

    def __init__(self, default: Behaviour | None = None, api_key: str | None = None, port: int = 0):
        self.port = port  # 0: a free port
        self.script: deque[Behaviour] = deque()
        self.default: Behaviour = default or Reply("好的。")
        self.api_key = api_key
        self.requests: list[dict] = []
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    # --- control ---
    def push(self, *behaviours: Behaviour) -> FakeOpenAI:
        self.script.extend(behaviours)
        return self

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def bodies(self) -> list[dict]:
        return [r["body"] for r in self.requests]

    def start(self, port: int = 0) -> FakeOpenAI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                if self.path.rstrip("/").endswith("/models"):
                    fake._json(
                        self,
                        200,
                        {"object": "list", "data": [{"id": "fake-model", "object": "model"}]},
                    )
                else:
                    fake._json(self, 404, {"error": {"message": "not found"}})

            def do_POST(self):
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", port or self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        """Stop listening: new connections are refused until `up()`."""
        assert self._server is not None, "server not started"
        self._port = self._server.server_address[1]
        self._server.shutdown()
        self._server.server_close()
        self._server = None

    def up(self) -> FakeOpenAI:
        """Listen again on the port `down()` closed."""
        return self.start(getattr(self, "_port", 0))

    def stop(self) -> None:
        self._release.set()  # let hanging handlers finish
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- serving ---
    def _next(self) -> Behaviour:
        with self._lock:
            return self.script.popleft() if self.script else self.default

    def _json(self, handler, status: int, payload: dict, headers: dict | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(data)

    def _handle(self, handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        try:
            body = json.loads(handler.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            body = {}
        auth = handler.headers.get("Authorization", "")
        with self._lock:
            self.requests.append(
                {"path": handler.path, "auth": auth, "body": body, "time": time.monotonic()}
            )
        if not handler.path.rstrip("/").endswith("/chat/completions"):
            return self._json(handler, 404, {"error": {"message": "not found"}})
        if self.api_key is not None and auth != f"Bearer {self.api_key}":
            err = {
                "message": "Incorrect API key provided",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            }
            return self._json(handler, 401, {"error": err})
        behaviour = self._next()
        try:
            if isinstance(behaviour, Hang):
                self._release.wait(behaviour.seconds)
                return self._json(handler, 200, self._completion(body, "迟到的回答。"))
            if isinstance(behaviour, Fail):
                err = {"message": behaviour.message, "type": "server_error", "code": None}
                return self._json(handler, behaviour.status, {"error": err}, behaviour.headers)
            text = behaviour.content(body)
            if isinstance(behaviour, Drop) and not body.get("stream"):
                return self._cut(handler)
            if isinstance(behaviour, Trickle) and not body.get("stream"):
                time.sleep(behaviour.delay * max(1, len(text) // behaviour.chunk))
            if body.get("stream"):
                return self._stream(handler, body, text, behaviour)
            return self._json(handler, 200, self._completion(body, text))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def _cut(self, handler) -> None:
        """Close the connection at once, mid-response (RST rather than an orderly end)."""
        import socket
        import struct

        handler.wfile.flush()
        sock = handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        sock.close()

    def _completion(self, body: dict, text: str) -> dict:
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def _stream(self, handler, body: dict, text: str, behaviour: Reply) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()

        def event(delta: dict, finish: str | None = None) -> None:
            chunk = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": body.get("model", "fake-model"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            handler.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            handler.wfile.flush()

        event({"role": "assistant", "content": ""})
        pieces = [text[i : i + behaviour.chunk] for i in range(0, len(text), behaviour.chunk)]
        for n, piece in enumerate(pieces):
            if behaviour.hang_after is not None and n >= behaviour.hang_after:
                self._release.wait(30)
                return
            if isinstance(behaviour, Drop) and n >= behaviour.after:
                # Let the client read what was sent first: a reset discards whatever is
                # still unread in its socket, and on a loaded machine that can be the
                # response head — the client then retries a request that never answered.
                time.sleep(CUT_GRACE)
                return self._cut(handler)
            if isinstance(behaviour, Trickle) and self._release.wait(behaviour.delay):
                return
            event({"content": piece})
        event({}, "stop")
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()


PHONE_OR_EMAIL = re.compile(r"\d{3,4}-\d{3,4}-\d{4}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Obey(Reply):
    """A gullible model: it does what the passages tell it, so a test can fail.

    For each (trigger, payload) in `orders` whose trigger it can see in a passage of the
    data block, it states `payload` as a fact cited with that passage's marker — what a
    model obeying an injected instruction writes. With `leak=True` it also repeats every
    phone number and e-mail address it was shown anywhere in the request, cited with the
    marker of the passage holding it (a model told to "list all contacts"). Then `text`.
    """

    orders: tuple[tuple[str, str], ...] = ()
    leak: bool = False

    def content(self, body: dict) -> str:
        text = messages_text(body)
        passages = re.findall(r'<资料 编号="(S\d+)"[^>]*>\n(.*?)\n</资料>', text, re.S)
        out = []
        for trigger, payload in self.orders:
            for sid, passage in passages:
                if trigger in passage:
                    out.append(f"{payload}[{sid}]。")
                    break
        if self.leak:
            for value in dict.fromkeys(PHONE_OR_EMAIL.findall(text)):
                sid = next((s for s, p in passages if value in p), "S1")
                out.append(f"联系方式为{value}[{sid}]。")
        return "".join(out) + super().content(body)


# --- scripted JSON for the condition-extraction prompt (issue 9) ---------------------------


def doc_number_of(body: dict) -> str:
    """The 文号 a condition-extraction request is about ("文号：…" line of the prompt)."""
    m = re.search(r"文号：(\S+)", messages_text(body))
    return m.group(1) if m else ""


def conditions_reply(by_notice: dict) -> Callable[[dict], str]:
    """A `Reply` text function answering the condition-extraction prompt: the items given
    for the notice a request names (by 文号; a string is sent as it is, malformed or not),
    as `{"conditions": [...]}`, and no conditions for any other notice. Keys of an item
    other than type/operator/value/quote (a fixture's `expect`) are not sent."""

    def reply(body: dict) -> str:
        got = by_notice.get(doc_number_of(body), [])
        if isinstance(got, str):
            return got
        keys = ("type", "operator", "value", "scope", "quote")
        items = [{k: item[k] for k in keys if k in item} for item in got]
        return json.dumps({"conditions": items}, ensure_ascii=False)

    return reply


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted: `python -m tests.fake_openai [--port N] [--conditions F]`.

    With `--conditions F` (a JSON object {文号: [items]}, e.g.
    tests/data/llm_policy_conditions.json) the condition-extraction prompt is answered from
    F; every other request gets "好的。". For trying `chanjiao ingest` / `match-policy` with
    an LLM configured, without one.
    """
    import argparse

    p = argparse.ArgumentParser(prog="python -m tests.fake_openai")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--conditions", help="JSON file {文号: [condition items]}")
    args = p.parse_args(argv)
    default: Behaviour = Reply("好的。")
    if args.conditions:
        with open(args.conditions, encoding="utf-8") as f:
            data = {k: v for k, v in json.load(f).items() if not k.startswith("_")}
        default = Reply(conditions_reply(data))
    server = FakeOpenAI(default, port=args.port).start()
    print(f"fake OpenAI server on {server.base_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
