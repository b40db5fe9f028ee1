"""What a loader returns, and the one error every loader raises."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..types import Section


class LoadError(Exception):
    """A file that cannot be indexed, with a reason in Chinese and English and what to do."""

    def __init__(self, reason_zh: str, reason_en: str, hint: str = ""):
        self.reason_zh, self.reason_en, self.hint = reason_zh, reason_en, hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        hint = f"；{self.hint}" if self.hint else ""
        return f"{self.reason_zh} ({self.reason_en}){hint}"


@dataclass
class Loaded:
    """The extracted sections of one file, the text the metadata is read from, and warnings
    about parts that were skipped (a garbled page, say) while the rest was kept."""

    sections: list[Section]
    head_text: str = ""
    warnings: list[str] = field(default_factory=list)
    title: str = ""
    squeeze: bool = False  # PDF text layers: drop spaces between CJK characters
    paged: bool = False  # headers/footers repeat across sections
    wrapped: bool = False  # lines may be hard wraps inside sentences (PDF, text from PDF)
    # Pages to be read by OCR, with why: "scanned" (no text layer), "garbled" (fonts without
    # a Unicode map), "always" (asked for), "image" (an image file's frames). The loader only
    # names them; the pipeline renders and recognises them.
    ocr_pages: dict[int, str] = field(default_factory=dict)
