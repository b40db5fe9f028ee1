"""What an uploaded file must be before it is stored: a safe name, a listed type, a sane size.

The web app's upload hands `service.upload` files whose names come from a browser, i.e.
from anyone: `../../x.pdf`, `C:\\Users\\a\\x.pdf`, names with control characters or
right-to-left overrides (`\\u202efdp.exe` shows as "exe.pdf"), fullwidth look-alikes
(`．．／x.pdf`), names too long for the file system, or nothing at all. `safe_upload_name`
turns each into one plain file name that stays inside the uploads folder.

The type is checked twice: by extension (only what the loaders read) and by the first bytes
of the content, so that a `.pdf` that is really a Windows program, or a `.docx` that is not a
Word package, is refused before it is copied or parsed. Sizes are checked from `stat`,
before a byte is read. Each refusal is one bilingual sentence for that file; the caller
goes on with the rest of the batch. Copying and indexing happen in `service`.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ingest.digest import file_sha256
from ingest.loaders import IMAGES, LEGACY, SUPPORTED

ALLOWED = SUPPORTED + IMAGES + LEGACY
TEXT_TYPES = (".csv", ".md", ".markdown", ".txt", ".html", ".htm")
# Linux file systems allow 255 bytes a name; the sidecar adds ".meta.json" (10) and a
# backup of a replaced version a prefix, so stored names keep to 200 bytes of UTF-8.
MAX_NAME_BYTES = 200
FALLBACK_STEM = "upload"
_HEAD = 8192
_RESERVED = set('\\/:*?"<>|')
# Look-alikes of the characters that make paths: mapped to what they imitate before the
# folders are cut off. (Not NFKC on the whole name: it would also turn the fullwidth
# （）：，１２ of ordinary Chinese file names into ASCII.)
_LOOKALIKES = str.maketrans(
    {"／": "/", "＼": "\\", "∕": "/", "⁄": "/", "⧸": "/", "．": ".", "․": ".", "﹒": "."}
)

# (label, test on the first bytes) — the kinds of content a file can be recognised as.
_SIGNATURES: tuple[tuple[str, str, object], ...] = (
    ("pdf", "PDF", lambda h: b"%PDF-" in h[:1024]),
    ("zip", "ZIP/Office 2007+", lambda h: h.startswith((b"PK\x03\x04", b"PK\x05\x06"))),
    ("ole", "Office 97-2003 (OLE2)", lambda h: h.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")),
    ("rtf", "RTF", lambda h: h.startswith(b"{\\rtf")),
    ("png", "PNG", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ("jpeg", "JPEG", lambda h: h.startswith(b"\xff\xd8\xff")),
    ("tiff", "TIFF", lambda h: h.startswith((b"II*\x00", b"MM\x00*"))),
    ("bmp", "BMP", lambda h: h.startswith(b"BM") and len(h) >= 14 and b"\x00" in h[2:14]),
    ("exe", "Windows 可执行文件 (EXE/DLL)", lambda h: h.startswith(b"MZ")),
    ("elf", "Linux 可执行文件 (ELF)", lambda h: h.startswith(b"\x7fELF")),
    ("macho", "macOS 可执行文件 (Mach-O)", lambda h: h[:4] in _MACHO),
    ("gzip", "gzip 压缩包", lambda h: h.startswith(b"\x1f\x8b")),
    ("rar", "RAR 压缩包", lambda h: h.startswith(b"Rar!\x1a\x07")),
    ("7z", "7z 压缩包", lambda h: h.startswith(b"7z\xbc\xaf\x27\x1c")),
)
_MACHO = {
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
}
_LABEL = {kind: label for kind, label, _ in _SIGNATURES}
# Which recognised contents each extension may have. Legacy Office files are often RTF,
# HTML or a renamed .docx in practice; LibreOffice converts them all, so all are let in.
_EXPECTED = {
    ".pdf": {"pdf"},
    ".docx": {"zip"},
    ".xlsx": {"zip"},
    ".xlsm": {"zip"},
    ".doc": {"ole", "rtf", "zip", "text"},
    ".wps": {"ole", "zip"},
    ".xls": {"ole", "zip", "text"},
    ".et": {"ole", "zip"},
    ".ppt": {"ole", "zip"},
    **{ext: {"png", "jpeg", "tiff", "bmp"} for ext in IMAGES},
    **{ext: {"text"} for ext in TEXT_TYPES},
}
# The part a real Office 2007+ package must hold, by extension.
_OOXML_PART = {".docx": "word/", ".xlsx": "xl/", ".xlsm": "xl/"}


@dataclass(frozen=True)
class Refusal:
    """Why one uploaded file is not stored: a bilingual sentence that says what to do."""

    reason: str


def safe_upload_name(name: str) -> str:
    """One plain file name for `name` as a browser sent it, safe to store in one folder.

    NFC first (a composed and a decomposed "é" are one name), and fullwidth or other
    look-alike dots and slashes become the ASCII they imitate before the folders are cut
    off (the extension alone is NFKC-normalised: "ｐｄｆ" is "pdf"); then invisible format
    characters (bidi overrides, zero-width
    joiners) and control characters go, both kinds of slash end a folder, reserved
    characters become "_", leading dots and blanks go (no hidden files, no "..").
    A name left empty becomes "upload" (its extension kept); a long one is shortened
    in its stem to MAX_NAME_BYTES of UTF-8.
    """
    name = unicodedata.normalize("NFC", name or "").translate(_LOOKALIKES)
    name = re.sub(r"[\t\n\r\f\v]", " ", name)  # whitespace controls: a blank, not nothing
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join("_" if ch in _RESERVED else ch for ch in name)
    name = " ".join(name.split())  # tabs, newlines, runs of blanks: one space
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem, ext = stem.strip(" ."), unicodedata.normalize("NFKC", ext).strip(" ")
    suffix = f".{ext}" if ext else ""
    if len(suffix.encode()) > MAX_NAME_BYTES // 2:  # an "extension" that is really a name
        stem, suffix = f"{stem}.{ext}".strip(" ."), ""
    budget = MAX_NAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", errors="ignore").rstrip(" .")
    return (stem or FALLBACK_STEM) + suffix


def sniff(head: bytes) -> str:
    """What the first bytes of a file are: a kind from _SIGNATURES, "text" or "binary"."""
    for kind, _, test in _SIGNATURES:
        if test(head):
            return kind
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has zero bytes
        return "text"
    return "binary" if b"\x00" in head else "text"


def check_upload(path: Path, name: str, max_bytes: int) -> Refusal | None:
    """None when `path` may be stored as `name`; else why not (size, type, content)."""
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED:
        shown = ext or "(无扩展名 none)"
        return Refusal(
            f"不接受的文件类型 {shown}；可上传 {' '.join(ALLOWED)} "
            f"(unsupported file type {shown}: not accepted)"
        )
    try:
        size = path.stat().st_size
        if size == 0:
            return Refusal("空文件，未保存；请确认文件内容后重新上传 (empty file)")
        if size > max_bytes:
            return Refusal(
                f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {max_bytes // 1024 // 1024} MB），"
                f"未保存；请拆分后上传，或由管理员调大 CHANJIAO_MAX_FILE_MB "
                f"(file too large: {size / 1024 / 1024:.1f} MB)"
            )
        with path.open("rb") as f:
            head = f.read(_HEAD)
    except OSError as e:
        return Refusal(f"无法读取上传的文件 (cannot read the upload: {e.strerror or e})")
    kind = sniff(head)
    if kind not in _EXPECTED[ext]:
        seen = _LABEL.get(kind, "二进制数据 binary data" if kind == "binary" else "文本 text")
        return Refusal(
            f"文件内容与扩展名 {ext} 不符（内容看起来是 {seen}），已拒收；请上传真正的 "
            f"{ext} 文件 (content does not match {ext}: looks like {seen}; refused)"
        )
    part = _OOXML_PART.get(ext)
    if part and not _has_part(path, part):
        return Refusal(
            f"文件不是有效的 {ext} 文档（压缩包中没有 {part} 部分），已拒收；请用 Office 或 "
            f"WPS 另存为 {ext} 后重新上传 (not a valid {ext} package; refused)"
        )
    return None


def _has_part(path: Path, prefix: str) -> bool:
    """Whether the zip at `path` names a `prefix…` member and [Content_Types].xml.

    Only the central directory is read (no member is decompressed), so a zip bomb costs
    nothing here; the loaders bound what decompression may cost.
    """
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)


def same_content(path: Path, candidates: list[Path]) -> Path | None:
    """The first candidate file with exactly the bytes of `path`, or None.

    Sizes are compared first (one stat each), so only files of the same size are hashed.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return None
    digest = None
    for other in candidates:
        try:
            if other.stat().st_size != size or other.resolve() == path.resolve():
                continue
            digest = digest or file_sha256(path)
            if file_sha256(other) == digest:
                return other
        except OSError:
            continue
    return None
