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


def load_file(path: Path, max_bytes: int = 100 * 1024 * 1024) -> Loaded:
    """Extract the text of `path`. Raises LoadError with a bilingual, actionable reason."""
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

        return load_pdf(path)
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
    if suffix in (".doc", ".wps"):
        raise LoadError(
            "旧版Word格式(.doc)无法直接读取",
            "legacy Word 97 .doc is not supported",
            "用 Word/WPS 另存为 .docx，或 libreoffice --headless --convert-to docx 后重新导入",
        )
    if suffix in (".xls", ".et"):
        raise LoadError(
            "旧版Excel格式(.xls)无法直接读取",
            "legacy .xls is not supported",
            "另存为 .xlsx 后重新导入",
        )
    raise LoadError(
        f"不支持的文件类型 {suffix or '(无扩展名)'}",
        f"unsupported file type {suffix or '(none)'}",
        "支持 " + " ".join(SUPPORTED),
    )


__all__ = ["LoadError", "Loaded", "load_file", "SUPPORTED"]
