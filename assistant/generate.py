"""LLM answers: the retrieved passages as a data block, the model's reply, then verification.

Each passage goes to the model with an opaque id (S1…Sn) inside a <资料库> block that the
system prompt (prompts/answer.md) declares to be material, never instructions. Two things
keep a document from steering the model (assistant/injection.py): angle brackets in
document text are made full-width so no passage can close its block or open a new one, and
sentences that read as instructions to an AI ("忽略以上指令…") are masked before the model
sees them — and, since verification checks claims against the text the model was shown, a
reply that obeys such a sentence anyway is dropped. The reply is then verified
(assistant/verify.py) and becomes an `Answer` with `mode: "llm"`. The endpoint itself
(timeouts, retries) is assistant/llm.py.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.types import Answer, Hit

from .injection import MASKED, escape_attr, escape_block, mask_instructions
from .llm import ChatModel
from .prompts import REFUSAL, render, source_id, source_marker
from .verify import Source, verify_answer

MAX_SOURCES = 6
__all__ = ["MASKED", "mask_instructions", "build_sources", "generate_answer"]
_escape, _attr = escape_block, escape_attr


def _location(hit: Hit) -> str:
    c = hit.chunk
    if c.page:
        return f"第{c.page}页"
    if c.row:
        return f"{c.sheet or ''}第{c.row}行"
    return ""


def build_sources(hits: list[Hit], limit: int = MAX_SOURCES) -> list[Source]:
    """The passages given to the model, with their ids and the (masked) text it is shown."""
    return [
        Source(source_id(i), h.chunk, mask_instructions(h.chunk.text))
        for i, h in enumerate(hits[:limit], start=1)
    ]


def render_sources(sources: list[Source], hits: list[Hit]) -> str:
    """The data block: one <资料> element per passage."""
    blocks = []
    for s, h in zip(sources, hits, strict=True):
        d = s.chunk.doc
        attrs = [f'编号="{s.id}"', f'标题="{_attr(d.title)}"']
        if d.issuer:
            attrs.append(f'发文机关="{_attr(d.issuer)}"')
        if d.doc_number:
            attrs.append(f'文号="{_attr(d.doc_number)}"')
        if d.date:
            attrs.append(f'日期="{_attr(d.date)}"')
        where = _location(h)
        if where:
            attrs.append(f'位置="{where}"')
        if s.chunk.heading:
            attrs.append(f'章节="{_attr(s.chunk.heading)}"')
        blocks.append(f"<资料 {' '.join(attrs)}>\n{_escape(s.text.strip())}\n</资料>")
    return "\n".join(blocks)


def answer_messages(question: str, sources: list[Source], hits: list[Hit]) -> list[dict]:
    system = render(
        "answer",
        refusal=REFUSAL,
        marker=source_marker(1),
        markers=source_marker(1) + source_marker(2),
    )
    user = render("answer_sources", sources=render_sources(sources, hits), question=question)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def generate_answer(
    question: str,
    hits: list[Hit],
    chat: ChatModel,
    *,
    history: list[dict] | None = None,
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    """The model's answer to `question` from `hits`, verified. Raises LLMError on failure.

    `history` is not shown to the model: the question has already been condensed to stand
    alone, and earlier answers are not sources, so they must not be cited from.
    """
    sources = build_sources(hits)
    reply = chat.complete(
        answer_messages(question, sources, hits[: len(sources)]), on_token=on_token
    )
    v = verify_answer(reply, sources)
    if v.refused:
        return Answer(
            question,
            REFUSAL,
            False,
            "llm",
            (),
            v.dropped,
            "大模型判断资料不足以回答 (the model found the sources insufficient)",
        )
    if not v.text:
        return Answer(question, "", False, "llm", (), v.dropped)
    return Answer(question, v.text, True, "llm", v.citations, v.dropped)
