"""Prompts: the files in `prompts/`, loaded by name as langchain-core `PromptTemplate`s, and
the phrases code and prompts share.

A prompt is a Chinese text file with `{placeholders}` (f-string syntax, what
`PromptTemplate.from_template` reads), so any LangChain chain can use it as it is
(`template(name)`). Rendering fails loudly on a missing prompt, a placeholder left unfilled
or a value given for no placeholder, so a renamed variable can never silently reach a
model as literal braces. Phrases the code parses (the refusal sentence) are constants
here, inserted into prompts and asserted in tests.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import PromptTemplate

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"

# The one refusal sentence: shown when the knowledge base does not hold the answer.
REFUSAL = "知识库中未找到相关内容。"
# The first words of an answer that shows the nearest passages instead of an answer.
NOT_DIRECT_LEAD = "资料中没有直接回答这个问题。"

# Sources are shown to the model as [S1]…[Sn]: short, opaque and unlike the [1] numbers a
# reader sees, so a marker the model makes up is recognisable as one (assistant/verify.py).
MARKER_PREFIX = "S"


def source_id(i: int) -> str:
    """The opaque id of the i-th (1-based) passage given to the model: "S1", "S2", …"""
    return f"{MARKER_PREFIX}{i}"


def source_marker(i: int) -> str:
    """The citation marker the model is asked to write for passage i: "[S1]"."""
    return f"[{source_id(i)}]"


class PromptError(Exception):
    """A prompt file is missing, or its placeholders and the given values disagree."""


@lru_cache(maxsize=32)
def template(name: str) -> PromptTemplate:
    """The prompt file `prompts/<name>.md` as a langchain-core PromptTemplate."""
    path = PROMPTS_DIR / f"{name}.md"
    if not path.exists():
        raise PromptError(f"缺少提示词文件 prompts/{name}.md (missing prompt file)")
    return PromptTemplate.from_template(path.read_text("utf-8"))


def placeholders(text: str) -> set[str]:
    return set(PromptTemplate.from_template(text).input_variables)


def render(name: str, **values: str) -> str:
    """The prompt `name` with every placeholder filled; extra or missing values raise."""
    prompt = template(name)
    wanted = set(prompt.input_variables)
    missing = wanted - values.keys()
    extra = values.keys() - wanted
    if missing or extra:
        raise PromptError(
            f"prompts/{name}.md: 缺少 {sorted(missing)}，多余 {sorted(extra)} "
            f"(missing/unknown placeholders)"
        )
    return prompt.format(**values)


def strip_refusal(text: str) -> str:
    """`text` without the refusal sentence (a model may append it to a partial answer)."""
    return re.sub(re.escape(REFUSAL.rstrip("。")) + "。?", "", text).strip()
