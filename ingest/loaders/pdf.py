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
from .limits import DEFAULT_LIMITS, LoadLimits, too_complex

logging.getLogger("pypdf").setLevel(logging.ERROR)

MIN_PAGE_CHARS = 8


def _pages_label(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:8])
    return shown + ("…" if len(numbers) > 8 else "")


def declared_page_count(reader: pypdf.PdfReader) -> int:
    """The page count the page tree's root states, read without walking the tree."""
    try:
        count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
        return int(count)
    except Exception:  # a broken tree is found out when the pages are walked
        return 0


def page_count(path: Path) -> int:
    """A cheap estimate of a PDF's pages (0 when unreadable), for the parse time budget."""
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            reader.decrypt("")
        return declared_page_count(reader)
    except Exception:
        return 0


def _too_many_pages(count: int, limit: int) -> LoadError:
    return too_complex(
        f"PDF有 {count} 页（上限 {limit} 页）",
        f"{count} pages (limit {limit})",
        "拆分成较小的PDF后重新导入，或调大 CHANJIAO_MAX_PAGES",
    )


def _open(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> pypdf.PdfReader:
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            # Many PDFs are encrypted with an empty user password (print/copy restrictions).
            if not reader.decrypt(""):
                raise FileNotDecryptedError("password required")
        # The declared count first: refusing a PDF that claims 100,000 pages costs nothing,
        # walking its page tree could cost minutes. Then the real count, which a page tree
        # that lies about its size can make larger.
        declared = declared_page_count(reader)
        if declared > limits.max_pages:
            raise _too_many_pages(declared, limits.max_pages)
        real = len(reader.pages)
        if real > limits.max_pages:
            raise _too_many_pages(real, limits.max_pages)
        return reader
    except RecursionError as e:  # a page tree nested thousands deep
        raise too_complex("PDF页面树嵌套过深", "PDF page tree nested too deep") from e
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


def load_pdf(
    path: Path, ocr: str = "never", tables: bool = True, limits: LoadLimits = DEFAULT_LIMITS
) -> Loaded:
    """Sections of a PDF's pages; with `ocr` "auto", pages without a usable text layer are
    named in `ocr_pages` for the pipeline to read by OCR instead of being skipped ("always":
    every page). Ruled tables become records (`pdftables`)."""
    reader = _open(path, limits)
    sections: list[Section] = []
    empty, garbled = [], []
    by_ocr: dict[int, str] = {}
    for number, page in enumerate(reader.pages, start=1):
        if ocr == "always":
            by_ocr[number] = "always"
            continue
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
    if ocr == "auto":
        # A page with no text at all among pages with text is usually blank (a cover's back):
        # OCR it only when the document looks scanned, i.e. a fair share of pages is empty.
        by_ocr.update({n: "garbled" for n in garbled})
        if empty and (not sections or len(empty) > total * 0.2):
            by_ocr.update({n: "scanned" for n in empty})
        garbled = []
        if by_ocr.keys() >= set(empty):
            empty = []
    if tables and sections:
        sections = _with_tables(path, sections)
    if not sections and not by_ocr:
        if garbled:
            raise LoadError(
                "PDF文本层乱码（字体缺少Unicode映射）",
                "garbled text layer (fonts without a Unicode map)",
                "需要OCR：去掉 --ocr never（或设 CHANJIAO_OCR=auto）后重新导入",
            )
        raise LoadError(
            "扫描件，PDF没有文本层",
            "scanned PDF, no text layer",
            "需要OCR：去掉 --ocr never（或设 CHANJIAO_OCR=auto）后重新导入",
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
    head = "\n".join(s.text for s in sections[:2] if s.kind == "text")
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
        ocr_pages=dict(sorted(by_ocr.items())),
    )


def _with_tables(path: Path, sections: list[Section]) -> list[Section]:
    """Replace the text of pages holding ruled tables by their records and outside text."""
    from ..render import pages_with_rules
    from .pdftables import extract_tables

    try:
        ruled = pages_with_rules(path, sorted({s.page for s in sections if s.page}))
        found = extract_tables(path, ruled) if ruled else {}
    except Exception:  # table detection is a refinement: the text layer stays usable
        return sections
    if not found:
        return sections
    out: list[Section] = []
    for s in sections:
        page = found.get(s.page) if s.page else None
        if page is None:
            out.append(s)
            continue
        if page.text.strip():
            out.append(Section(text=page.text, page=s.page))
        out.extend(page.records)
    return out
