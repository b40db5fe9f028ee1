"""Loaders: one file in, its text out as `Section`s, or a `LoadError` that says what to do.

`load_file` picks the loader by extension and applies the checks every format shares
(missing, empty, too large). Each third-party parser is imported in exactly one module here
(pypdf in `pdf`, python-docx in `docx`, openpyxl in `table`, BeautifulSoup in `text`).
Cleaning and splitting happen later; loaders only extract.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Loaded, LoadError
from .limits import DEFAULT_LIMITS, LoadLimits, too_complex

SUPPORTED = (".pdf", ".docx", ".xlsx", ".xlsm", ".csv", ".md", ".markdown", ".txt", ".html", ".htm")
# Read by OCR (images) or after conversion by LibreOffice (legacy Office).
IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
LEGACY = (".doc", ".wps", ".xls", ".et", ".ppt")


def load_file(
    path: Path,
    max_bytes: int = 100 * 1024 * 1024,
    ocr: str = "never",
    convert_dir: Path | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
) -> Loaded:
    """Extract the text of `path`. Raises LoadError with a bilingual, actionable reason.

    `ocr` ("auto", "always", "never") says which pages a PDF leaves to OCR and whether
    images are accepted; the pipeline does the recognition. Legacy Office files are
    converted by LibreOffice into `convert_dir` (a cache by content hash) and loaded as
    the format they were converted to. `limits` bound pages, rows, unzipped size and
    nesting (`limits`); the time and memory of the parse are bounded by `sandbox`.
    """
    check_size(path, max_bytes)
    suffix = path.suffix.lower()
    if suffix in LEGACY:
        from .legacy import convert

        converted = convert(path, convert_dir)
        return load_file(converted, max_bytes=max_bytes, ocr=ocr, limits=limits)
    return load_converted(path, ocr, limits)


def check_size(path: Path, max_bytes: int) -> None:
    """The checks every format shares: the file exists, is not empty, is not too large."""
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


def load_converted(path: Path, ocr: str = "never", limits: LoadLimits = DEFAULT_LIMITS) -> Loaded:
    """The parse proper of a file in one of the formats read directly (not legacy Office).

    Raises only LoadError: whatever else a parser throws on a broken or hostile file (found
    by fuzzing: IndexError, AttributeError, AssertionError deep in a library) becomes the
    per-file "无法读取" error, so callers and users meet one kind of failure.
    """
    try:
        return _dispatch(path, ocr, limits)
    except LoadError:
        raise
    except RecursionError as e:
        raise too_complex("文件结构嵌套过深", "structure nested too deep") from e
    except MemoryError as e:
        raise too_complex("读取时内存不足", "out of memory while reading") from e
    except Exception as e:
        raise LoadError(
            "无法读取此文件（可能已损坏）",
            f"unreadable file: {type(e).__name__}: {str(e)[:200]}",
            "用原软件打开后另存再导入",
        ) from e


def _dispatch(path: Path, ocr: str, limits: LoadLimits) -> Loaded:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from .pdf import load_pdf

        return load_pdf(path, ocr=ocr, limits=limits)
    if suffix in IMAGES:
        return _load_image(path, ocr, limits)
    if suffix == ".docx":
        from .docx import load_docx

        return load_docx(path, limits)
    if suffix in (".xlsx", ".xlsm"):
        from .table import load_xlsx

        return load_xlsx(path, limits)
    if suffix == ".csv":
        from .table import load_csv

        return load_csv(path, limits)
    if suffix in (".md", ".markdown", ".txt"):
        from .text import load_plain

        return load_plain(path, limits)
    if suffix in (".html", ".htm"):
        from .text import load_html

        return load_html(path, limits)
    raise LoadError(
        f"不支持的文件类型 {suffix or '(无扩展名)'}",
        f"unsupported file type {suffix or '(none)'}",
        "支持 " + " ".join(SUPPORTED + IMAGES + LEGACY),
    )


def _load_image(path: Path, ocr: str, limits: LoadLimits = DEFAULT_LIMITS) -> Loaded:
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
    except OverflowError as e:  # Pillow's decompression-bomb guard: pixels beyond its limit
        raise too_complex("图片像素过多", f"image too large: {e}", "缩小图片后重新导入") from e
    if frames > limits.max_pages:
        raise too_complex(
            f"图片有 {frames} 帧（上限 {limits.max_pages}）",
            f"{frames} image frames (limit {limits.max_pages})",
        )
    return Loaded(
        [],
        squeeze=True,
        paged=frames > 1,
        wrapped=True,
        ocr_pages={n: "image" for n in range(1, frames + 1)},
    )


__all__ = [
    "LoadError",
    "Loaded",
    "LoadLimits",
    "DEFAULT_LIMITS",
    "load_file",
    "load_converted",
    "check_size",
    "SUPPORTED",
    "IMAGES",
    "LEGACY",
]
