"""Follow-up questions rewritten to stand alone before retrieval ("那学徒制呢？").

Retrieval sees one question, so a follow-up must carry its subject with it. With a chat
model the rewrite is prompts/condense_question.md; without one, or when the model fails or
replies with something that is not a question, the previous user question is put in front
of a short follow-up, which keeps its subject in the retrieval query. Answering is not here.
"""

from __future__ import annotations

import re

from .llm import ChatModel, LLMError
from .prompts import render
from .verify import strip_markers

HISTORY_TURNS = 3
ANSWER_CHARS = 150
MAX_FOLLOWUP_CHARS = 20
_PREFIX = re.compile(
    r"^(改写后的问题|完整问题|独立问题|问题|rewritten question|question)\s*[:：]\s*", re.I
)
_QUOTES = "\"'“”‘’「」『』"


def _ignore(_token: str) -> None:
    pass


def fallback_question(history: list[dict], question: str) -> str:
    """Without a model: a short follow-up gets the previous user question in front."""
    last_user = next((m["content"] for m in reversed(history) if m.get("role") == "user"), "")
    if last_user and len(question) <= MAX_FOLLOWUP_CHARS:
        return f"{last_user} {question}"
    return question


def render_history(history: list[dict]) -> str:
    """The last turns as 用户：…/助理：… lines; long answers shortened, markers removed."""
    lines = []
    for m in history[-2 * HISTORY_TURNS :]:
        text = " ".join(strip_markers(str(m.get("content", ""))).split())
        if m.get("role") == "user":
            lines.append(f"用户：{text}")
        else:
            if len(text) > ANSWER_CHARS:
                text = text[: ANSWER_CHARS - 1] + "…"
            lines.append(f"助理：{text}")
    return "\n".join(lines)


def clean_rewrite(reply: str) -> str:
    """The question in a model's reply: first line, without labels or quotes."""
    for line in reply.splitlines():
        line = _PREFIX.sub("", line.strip()).strip(_QUOTES + " ")
        if line:
            return line
    return ""


def condense_question(history: list[dict], question: str, chat: ChatModel) -> str:
    """`question` rewritten so it can be understood without `history`."""
    if not history:
        return question
    prompt = render("condense_question", history=render_history(history), question=question)
    try:
        # Streamed like every call: some endpoints (Qwen3 on DashScope with thinking on)
        # refuse non-streaming calls, and the timeout then bounds silence, not length.
        reply = chat.complete([{"role": "user", "content": prompt}], on_token=_ignore)
        rewritten = clean_rewrite(reply)
    except LLMError:
        return fallback_question(history, question)
    # A reply far longer than any question is an answer, not a rewrite.
    if not rewritten or len(rewritten) > max(3 * len(question), len(question) + 120):
        return fallback_question(history, question)
    return rewritten
