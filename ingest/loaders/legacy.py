"""Legacy Office files (.doc .wps .xls .et .ppt) converted by LibreOffice, headless.

Word 97, WPS, Excel 97 and PowerPoint 97 files are binary formats no maintained Python
library reads well; LibreOffice does, in about a second a document. Each file is converted
once into a cache folder, named by the hash of its bytes, so re-indexing an unchanged file
never starts LibreOffice again. Without LibreOffice the file is reported with the Debian
package that provides it. The only module that runs `soffice`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..digest import file_sha256
from .errors import LoadError

# What each legacy format is converted to: a format the other loaders read.
TARGETS = {
    ".doc": "docx",
    ".wps": "docx",
    ".xls": "xlsx",
    ".et": "xlsx",
    ".ppt": "pdf",  # slides: a PDF keeps one page per slide, with its text
}
DEBIAN_PACKAGES = {
    "docx": "libreoffice-writer-nogui",
    "xlsx": "libreoffice-calc-nogui",
    "pdf": "libreoffice-impress-nogui",
}
TIMEOUT_S = 180


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def default_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "chanjiao-converted"


def convert(path: Path, cache_dir: Path | None = None, soffice: str | None = None) -> Path:
    """The converted copy of `path` (.docx, .xlsx or .pdf), made once per content hash."""
    suffix = path.suffix.lower()
    target = TARGETS[suffix]
    soffice = soffice or find_soffice()
    kind = {"docx": "Word", "xlsx": "Excel", "pdf": "PowerPoint"}[target]
    if soffice is None:
        raise LoadError(
            f"旧版{kind}格式({suffix})需要LibreOffice转换，本机未安装",
            f"legacy {suffix} needs LibreOffice (soffice), which is not installed",
            f"安装 LibreOffice（Debian/Ubuntu：apt-get install {DEBIAN_PACKAGES[target]}）"
            f"后重新导入，或用 Word/WPS 另存为 .{target if target != 'pdf' else 'pptx'}",
        )
    cache_dir = cache_dir or default_cache_dir()
    cached = cache_dir / f"{file_sha256(path)}.{target}"
    if cached.exists() and cached.stat().st_size > 0:
        return cached
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chanjiao-soffice-") as work:
        work_dir = Path(work)
        # A plain ASCII name: some LibreOffice builds mangle non-ASCII paths on the command line.
        src = work_dir / f"in{suffix}"
        shutil.copyfile(path, src)
        # A private profile per conversion: two conversions (or a user's open LibreOffice)
        # would otherwise fight over the profile lock and one would silently do nothing.
        profile = (work_dir / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(work_dir / "out"),
            str(src),
        ]
        try:
            subprocess.run(
                cmd,
                capture_output=True,
                timeout=TIMEOUT_S,
                check=False,
                env={**os.environ, "HOME": work},
            )
        except subprocess.TimeoutExpired as e:
            raise LoadError(
                f"LibreOffice转换超时（{TIMEOUT_S}秒）",
                "LibreOffice conversion timed out",
                f"用 Word/WPS 另存为 .{target} 后重新导入",
            ) from e
        out = work_dir / "out" / f"in.{target}"
        if not out.exists() or out.stat().st_size == 0:
            raise LoadError(
                f"LibreOffice无法转换此{kind}文件（可能已损坏或加密）",
                f"LibreOffice could not convert this {suffix} file (corrupt or encrypted?)",
                f"用 Word/WPS 打开后另存为 .{target} 再导入",
            )
        tmp = cache_dir / f".{cached.name}.{os.getpid()}.part"
        shutil.copyfile(out, tmp)
        os.replace(tmp, cached)
    return cached
