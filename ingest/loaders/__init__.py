"""Loaders: one file in, its text out as `Section`s, or a `LoadError` that says what to do.

`load_file` picks the loader by extension and applies the checks every format shares
(missing, empty, too large). Each third-party parser is imported in exactly one module here
(pypdf in `pdf`, python-docx in `docx`, openpyxl in `table`, BeautifulSoup in `text`).
Cleaning and splitting happen later; loaders only extract.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Loaded, LoadError

SUPPORTED = (".pdf", ".docx", ".xlsx", ".xlsm", ".csv", ".md", ".markdown", ".txt", ".html", ".htm")
# Read by OCR (images) or after conversion by LibreOffice (legacy Office).
IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
LEGACY = (".doc", ".wps", ".xls", ".et", ".ppt")


def load_file(
    path: Path,
    max_bytes: int = 100 * 1024 * 1024,
    ocr: str = "never",
    convert_dir: Path | None = None,
) -> Loaded:
    """Extract the text of `path`. Raises LoadError with a bilingual, actionable reason.

    `ocr` ("auto", "always", "never") says which pages a PDF leaves to OCR and whether
    images are accepted; the pipeline does the recognition. Legacy Office files are
    converted by LibreOffice into `convert_dir` (a cache by content hash) and loaded as
    the format they were converted to.
    """
    if not path.exists():
        raise LoadError("文件不存在", "file not found", "检查路径")
    size = path.stat().st_size
    if size == 0:
        raise LoadError("空文件", "empty file", "确认文件内容后重新导入")
    if size > max_bytes:
        mb = size / 1024 / 1024
        raise LoadError(
            f"文件过大（{mb:.0f} MB，上限 {max_bytes // 1024 // 1024} MB）",
            f"file too large ({mb:.0f} MB)",
            "拆分成较小的文件，或调大 CHANJIAO_MAX_FILE_MB",
        )
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from .pdf import load_pdf

        return load_pdf(path, ocr=ocr)
    if suffix in IMAGES:
        return _load_image(path, ocr)
    if suffix in LEGACY:
        from .legacy import convert

        converted = convert(path, convert_dir)
        loaded = load_file(converted, max_bytes=max_bytes, ocr=ocr)
        return loaded
    if suffix == ".docx":
        from .docx import load_docx

        return load_docx(path)
    if suffix in (".xlsx", ".xlsm"):
        from .table import load_xlsx

        return load_xlsx(path)
    if suffix == ".csv":
        from .table import load_csv

        return load_csv(path)
    if suffix in (".md", ".markdown", ".txt"):
        from .text import load_plain

        return load_plain(path)
    if suffix in (".html", ".htm"):
        from .text import load_html

        return load_html(path)
    raise LoadError(
        f"不支持的文件类型 {suffix or '(无扩展名)'}",
        f"unsupported file type {suffix or '(none)'}",
        "支持 " + " ".join(SUPPORTED + IMAGES + LEGACY),
    )


def _load_image(path: Path, ocr: str) -> Loaded:
    """An image file: every frame is a page for OCR."""
    if ocr == "never":
        raise LoadError(
            "图片需要OCR才能索引（当前 --ocr never）",
            "an image needs OCR (OCR is off)",
            "去掉 --ocr never（或设 CHANJIAO_OCR=auto）后重新导入",
        )
    from ..render import image_frame_count

    try:
        frames = image_frame_count(path)
    except ValueError as e:
        raise LoadError("图片文件损坏或格式不支持", f"unreadable image: {e}", "请重新导出") from e
    return Loaded(
        [],
        squeeze=True,
        paged=frames > 1,
        wrapped=True,
        ocr_pages={n: "image" for n in range(1, frames + 1)},
    )


__all__ = ["LoadError", "Loaded", "load_file", "SUPPORTED", "IMAGES", "LEGACY"]
