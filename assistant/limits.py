"""Limits on what a user may ask, and the one way a question outside them is answered.

A question is checked before anything is loaded or searched: it must not be blank and must
not be longer than `Settings.max_question_chars`. A question outside the limits is never
truncated behind the user's back and never echoed back whole: the reply names the problem,
the question's length and a short prefix, in the same JSON shape as an answer (or a search
result) so that `--stdin` output still lines up with its input, line for line. The CLI, the
web app and its API all call `check_question`; the limit itself is a setting.
Nothing here searches or answers.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.types import Answer

# How much of a rejected question is echoed back: enough to recognise it, never all of it.
ECHO_CHARS = 40

EMPTY, TOO_LONG = "empty", "too_long"


class QuestionError(ValueError):
    """A question that was not asked: blank, or longer than the limit.

    `code` is "empty" or "too_long"; `chars` the length after stripping; `echo` a short
    prefix safe to show or to put in JSON.
    """

    def __init__(self, code: str, message: str, chars: int = 0, echo: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.chars = chars
        self.echo = echo


def echo(text: str, n: int = ECHO_CHARS) -> str:
    """The first `n` characters of `text`, whitespace folded, with "…" when cut."""
    head = " ".join(text[: n * 4].split())
    whole = len(text) <= n * 4 and len(head) <= n
    return head if whole else head[:n] + "…"


def check_question(text: str | None, max_chars: int, what: str = "问题") -> str:
    """The question stripped of surrounding blanks, or QuestionError.

    Costs one pass over the text: a 100,000-character question is refused in
    microseconds, before tokenising, embedding or searching would take minutes.
    """
    q = (text or "").strip()
    if not q:
        raise QuestionError(
            EMPTY,
            f"{what}为空，请输入{what} (empty {_english(what)}: please type one)",
        )
    if len(q) > max_chars:
        raise QuestionError(
            TOO_LONG,
            f"{what}过长（{len(q)} 字，上限 {max_chars} 字），未作处理；请精简到 {max_chars} "
            f"字以内再试 ({_english(what)} too long: {len(q)} characters, limit {max_chars}; "
            "nothing was searched — please shorten it)",
            chars=len(q),
            echo=echo(q),
        )
    return q


def _english(what: str) -> str:
    return {"问题": "question", "查询": "query", "查询词": "query"}.get(what, "input")


def rejected_answer(e: QuestionError) -> Answer:
    """What is shown for a question that was not asked: the reason, nothing searched."""
    return Answer(e.echo, e.message, False, "extractive", notice=e.message, status="refused")


def rejected_answer_json(e: QuestionError) -> dict:
    """The `ask --json` shape for a rejected question, plus `error` and `question_chars`."""
    return rejected_answer(e).to_json() | {"error": e.code, "question_chars": e.chars}


def rejected_search_json(e: QuestionError) -> dict:
    """The `search --json` shape for a rejected query, plus `error`, `message`, `query_chars`."""
    return {
        "query": e.echo,
        "results": [],
        "error": e.code,
        "message": e.message,
        "query_chars": e.chars,
    }


class QuestionGate:
    """The limits applied to one command's questions: one given question, or every line.

    A single question outside the limits is a usage error (exit 2), found before anything
    is loaded. Read line by line (`--stdin`), a line outside them is answered in `shape`
    (`rejected_answer_json` or `rejected_search_json`) through `write`, so that output
    lines stay in step with input lines, and the run ends with exit 1 (some input was
    reported and skipped).
    """

    def __init__(self, max_chars: int, shape: Callable, write: Callable[[dict], None]):
        self.max_chars, self.shape, self.write = max_chars, shape, write
        self.rejected = 0

    def precheck(self, single: str | None, report: Callable[[QuestionError], None]) -> int:
        """2 after `report`ing why the one question given cannot be asked; else 0.
        `single` is None when the questions come line by line."""
        if single is None:
            return 0
        try:
            check_question(single, self.max_chars)
        except QuestionError as e:
            report(e)
            return 2
        return 0

    def check(self, line: str) -> str | None:
        """The question to ask, or None once the reason has been written in its place."""
        try:
            return check_question(line, self.max_chars)
        except QuestionError as e:
            self.rejected += 1
            self.write(self.shape(e))
            return None

    def exit_code(self) -> int:
        return 1 if self.rejected else 0
