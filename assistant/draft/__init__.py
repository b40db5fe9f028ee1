"""Drafting against the construction standard: the standard as data, the coverage matrix,
self-assessment reports and plans, and their Word and Markdown output.

The web app and the CLI call these names; nothing else of the package is an interface.
"""

from .ask import answer_coverage
from .compose import Draft, DraftError, draft_report
from .coverage import CoverageMatrix, coverage_matrix
from .standard import StandardError, load_standard
from .writers import write_docx, write_markdown

__all__ = [
    "CoverageMatrix",
    "Draft",
    "DraftError",
    "StandardError",
    "answer_coverage",
    "coverage_matrix",
    "draft_report",
    "load_standard",
    "write_docx",
    "write_markdown",
]
