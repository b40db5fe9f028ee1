"""Which answerer a question goes to before passages are searched, by its reading.

A passage retriever cannot count, list every matching course, or say which indicators
missed their targets: those questions are answered from records (assistant/lookup.py) and
from the indicator matrix (assistant/draft/). Each route is a function
`(spec, retriever, filters) -> Answer | None` tried for the intents it serves; None means
"not mine after all" and the next route, and finally passage search, takes the question.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.types import Answer

from .question import QuestionSpec

Route = Callable[..., Answer | None]


def _routes() -> list[tuple[tuple[str, ...], Route]]:
    """(intents, answerer) pairs, in the order they are tried; None takes any intent."""
    out: list[tuple[tuple[str, ...] | None, Route]] = []
    from .outline import answer_outline

    out.append((None, answer_outline))  # any intent: "几部分" reads as a count or a list
    try:
        from .draft import answer_coverage
    except ImportError:  # the indicator matrix is not part of this build
        pass
    else:
        out.append((("coverage",), answer_coverage))
    try:
        from .lookup import answer_from_records
    except ImportError:  # the records layer is not part of this build
        pass
    else:
        out.append((("list", "count"), answer_from_records))
    try:
        from .lookup import compare_versions
    except ImportError:
        pass
    else:
        out.append((("comparison",), compare_versions))
    return out


def route(spec: QuestionSpec, retriever, filters, routes=None) -> Answer | None:
    """The answer of the first route that takes `spec`, or None for passage search."""
    for intents, answerer in routes if routes is not None else _routes():
        if intents is None or spec.intent in intents:
            answer = answer_with(answerer, spec, retriever, filters)
            if answer is not None:
                return answer
    return None


def answer_with(answerer: Route, spec: QuestionSpec, retriever, filters) -> Answer | None:
    return answerer(spec, retriever, filters)
