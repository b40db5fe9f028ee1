"""PDF text extraction with pypdf, page by page — the only module that imports pypdf.

Every page keeps its number so citations can point at it. Encrypted, corrupt, scanned
(no text layer) and garbled (fonts without a Unicode map) files are told apart, because
each needs a different remedy; a document with only some bad pages keeps its good ones.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

from ..clean import text_quality
from ..types import Section
from .errors import Loaded, LoadError

logging.getLogger("pypdf").setLevel(logging.ERROR)

MIN_PAGE_CHARS = 8


def _pages_label(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:8])
    return shown + ("…" if len(numbers) > 8 else "")


def _open(path: Path) -> pypdf.PdfReader:
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            # Many PDFs are encrypted with an empty user password (print/copy restrictions).
            if not reader.decrypt(""):
                raise FileNotDecryptedError("password required")
        _ = len(reader.pages)
        return reader
    except FileNotDecryptedError as e:
        raise LoadError("PDF已加密，需要密码", "encrypted PDF", "请提供未加密的版本") from e
    except DependencyError as e:
        raise LoadError(
            "PDF使用AES加密，缺少解密组件",
            "AES-encrypted PDF needs the cryptography package",
            "pip install 'pypdf[crypto]'",
        ) from e
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as e:
        raise LoadError(
            "PDF文件损坏或不完整", f"corrupt PDF: {type(e).__name__}", "请重新下载或导出"
        ) from e


def load_pdf(path: Path) -> Loaded:
    reader = _open(path)
    sections: list[Section] = []
    empty, garbled = [], []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # a broken content stream on one page must not lose the others
            text = ""
        visible = "".join(text.split())
        if len(visible) < MIN_PAGE_CHARS:
            empty.append(number)
            continue
        _, problem = text_quality(text)
        if problem == "garbled":
            garbled.append(number)
            continue
        sections.append(Section(text=text, page=number))

    total = len(reader.pages)
    if not sections:
        if garbled:
            raise LoadError(
                "PDF文本层乱码（字体缺少Unicode映射）",
                "garbled text layer (fonts without a Unicode map)",
                "需要OCR：用OCR软件转成文字版PDF或Word后重新导入",
            )
        raise LoadError(
            "扫描件，PDF没有文本层",
            "scanned PDF, no text layer",
            "需要OCR：用OCR软件转成文字版PDF或Word后重新导入",
        )
    warnings = []
    if garbled:
        warnings.append(
            f"第{_pages_label(garbled)}页文本层乱码，已跳过 (garbled pages skipped, need OCR)"
        )
    if empty and len(empty) > total * 0.2:
        warnings.append(f"第{_pages_label(empty)}页没有文字，可能是扫描页 (pages without text)")
    title = ""
    try:
        meta_title = (reader.metadata or {}).get("/Title") or ""
        meta_title = str(meta_title).strip()
        if meta_title and not meta_title.lower().startswith(("microsoft", "untitled")):
            title = meta_title
    except Exception:
        title = ""
    head = "\n".join(s.text for s in sections[:2])
    # Metadata titles are often left over from a template: trust one the page shows.
    if title and "".join(title.split()) not in "".join(head.split()):
        title = ""
    return Loaded(
        sections,
        head_text=head,
        warnings=warnings,
        title=title,
        squeeze=True,
        paged=True,
        wrapped=True,
    )
