"""How big and how complex a file may be, and the cheap checks made before parsing it.

A hostile or broken file must end as a clear per-file error, never as a batch that dies of
memory or hangs. Most of that is decided before any parser runs, from numbers the file
states about itself: the sizes in a zip's central directory (a .docx or .xlsx is a zip of
XML), the page count in a PDF's page tree, the depth of an HTML page's tags. Parsers whose
cost still depends on content get caps (rows, cells), and the pipeline runs each parse in a
worker process with a time budget and a memory ceiling (`sandbox`) for what no pre-check
can foresee.

`LoadLimits` is a pure value; its defaults let every file of the bundled corpus through
with a wide margin (see the README note of issue 13 for the figures). Only the standard
library is imported here.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import LoadError

MB = 1024 * 1024


@dataclass(frozen=True)
class LoadLimits:
    """Bounds on one file's parse. Built from `Settings` at the entry points."""

    max_pages: int = 5000  # PDF pages (declared or real), image frames
    max_unzipped_bytes: int = 256 * MB  # sum of a .docx/.xlsx's declared member sizes
    max_zip_ratio: float = 100.0  # uncompressed / archive bytes, checked above the floor below
    zip_ratio_floor_bytes: int = 16 * MB  # small archives may compress as well as they like
    max_zip_members: int = 10_000
    max_rows: int = 200_000  # table rows in one file (all sheets), CSV rows
    max_cells: int = 5_000_000  # rows x columns of one sheet's used range
    max_html_depth: int = 512  # nesting of HTML elements
    seconds: float = 180.0  # per-file parse budget in the worker ...
    seconds_per_page: float = 5.0  # ... plus this for each page of a PDF
    memory_mb: int = 3072  # address-space ceiling of the parse worker; 0 = none

    def budget(self, pages: int = 0) -> float:
        """Seconds one file may take to parse, given its page count (0 when not paged)."""
        return self.seconds + self.seconds_per_page * min(max(pages, 0), self.max_pages)


DEFAULT_LIMITS = LoadLimits()


def too_complex(detail_zh: str, detail_en: str, hint: str = "") -> LoadError:
    """The one error for a file beyond a limit: "文件过大或过于复杂" plus what exceeded."""
    return LoadError(
        f"文件过大或过于复杂：{detail_zh}",
        f"file too large or complex: {detail_en}",
        hint or "拆分成较小的文件后重新导入",
    )


# --- zip containers (.docx, .xlsx) -------------------------------------------------------

# The prolog of an XML part may hold a declaration, comments and processing instructions;
# a DOCTYPE (where entities are declared) never belongs in Office Open XML.
_PROLOG_LIMIT = 64 * 1024
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def check_zip(path: Path, limits: LoadLimits, kind: str) -> None:
    """Refuse a .docx/.xlsx whose central directory promises too much, or whose XML parts
    declare a DTD (external entities, entity expansion), before any parser opens it.

    The declared sizes can be trusted as an upper bound: Python's zipfile (which
    python-docx and openpyxl read through) never returns more bytes than a member declares
    and fails on a CRC mismatch, so a member that lies about its size is a corrupt file,
    not a bomb.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_zip_members:
                raise too_complex(
                    f"压缩包内有 {len(infos)} 个部件（上限 {limits.max_zip_members}）",
                    f"{len(infos)} zip members (limit {limits.max_zip_members})",
                )
            total = sum(i.file_size for i in infos)
            mb, cap = total / MB, limits.max_unzipped_bytes / MB
            if total > limits.max_unzipped_bytes:
                raise too_complex(
                    f"解压后 {mb:.0f} MB（上限 {cap:.0f} MB），疑似压缩炸弹",
                    f"{mb:.0f} MB uncompressed (limit {cap:.0f}), looks like a zip bomb",
                    "拆分文件，或调大 CHANJIAO_MAX_UNZIPPED_MB",
                )
            ratio = total / max(path.stat().st_size, 1)
            if total > limits.zip_ratio_floor_bytes and ratio > limits.max_zip_ratio:
                raise too_complex(
                    f"压缩比 {ratio:.0f} 倍（上限 {limits.max_zip_ratio:.0f} 倍），疑似压缩炸弹",
                    f"compression ratio {ratio:.0f}x (limit {limits.max_zip_ratio:.0f}x),"
                    " looks like a zip bomb",
                    "用Word/WPS/Excel打开后另存，或调大 CHANJIAO_MAX_ZIP_RATIO",
                )
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    _check_prolog(zf, info)
            if kind == "Excel":
                _check_merges(zf, infos, limits)
    except zipfile.BadZipFile as e:
        raise LoadError(
            f"{kind}文件损坏或不是Office Open XML格式",
            f"corrupt {kind} file (not a valid zip)",
            "用Word/WPS/Excel打开并另存后重新导入",
        ) from e
    except (OSError, RuntimeError, NotImplementedError, ValueError) as e:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        raise LoadError(
            f"{kind}文件损坏或无法解压", f"unreadable {kind} archive: {e}", "请另存后重新导入"
        ) from e


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Read an XML part up to its root element (a few hundred bytes in practice)."""
    buf = b""
    with zf.open(info) as f:
        while len(buf) < _PROLOG_LIMIT:
            block = f.read(4096)
            if not block:
                break
            buf += block
            text = _as_utf8(buf)
            root = _ROOT_START.search(text)
            head = text[: root.start()] if root else text
            if _DOCTYPE.search(head):
                raise LoadError(
                    f"文件含有XML实体声明（{info.filename}），Office文件不应有，已拒绝",
                    f"XML DTD/entity declarations in {info.filename}: refused (entity attack?)",
                    "用Word/WPS/Excel打开并另存后重新导入",
                )
            if root:
                return
    if buf:
        raise too_complex(f"{info.filename} 的XML开头过长", f"{info.filename}: XML prolog too long")


def _as_utf8(data: bytes) -> bytes:
    """UTF-16 XML (allowed by the standard, rare in practice) as bytes the regexes read."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        enc = "utf-16-be" if data.startswith(b"\xfe\xff") or data[:1] == b"\x00" else "utf-16-le"
        return data.decode(enc, errors="ignore").encode("utf-8")
    return data


# A merged range is expanded by openpyxl into one object per cell while loading: a 1 KB
# sheet merging A1:XFD1048576 would ask for 17 billion of them. Count before loading.
_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})"'
)


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _check_merges(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: LoadLimits) -> None:
    for info in infos:
        name = info.filename.lower()
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        area, tail = 0, b""
        with zf.open(info) as f:
            while block := f.read(1 << 20):
                data = tail + block
                cut = data.rfind(b"<")  # a tag cut by the block boundary is read next time
                cut = cut if cut > len(data) - 512 else len(data)
                for m in _MERGE.finditer(data, 0, cut):
                    c1, r1, c2, r2 = m.groups()
                    rows = abs(int(r2) - int(r1)) + 1
                    cols = abs(_column(c2) - _column(c1)) + 1
                    area += rows * cols
                if area > limits.max_cells:
                    raise too_complex(
                        f"合并单元格覆盖 {area} 个单元格（上限 {limits.max_cells}）",
                        f"merged ranges cover {area} cells (limit {limits.max_cells})",
                        "取消整行整列的合并后另存，或调大 CHANJIAO_MAX_CELLS",
                    )
                tail = data[cut:]


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def load_office(path: Path, limits: LoadLimits, kind: str, suffix: str, what: str, read):
    """`read(path, limits)` for a .docx/.xlsx after the checks every Office file gets (not an
    encrypted OLE file, no zip bomb, no DTD). Nesting or memory a parse runs out of is
    reported as too complex, anything else a library throws as a corrupt file. `kind` names
    the program ("Word"), `suffix` the format ("docx"), `what` the thing ("document")."""
    check_not_ole(path, kind)
    check_zip(path, limits, kind)
    try:
        return read(path, limits)
    except LoadError:
        raise
    except RecursionError as e:
        raise too_complex(f"{kind}文件结构嵌套过深", f"{what} nested too deep") from e
    except MemoryError as e:
        raise too_complex(f"{kind}文件内容过多", f"{what} too large to read") from e
    except Exception as e:  # malformed XML (entities refused), missing parts, bad tables …
        office = "Word/WPS" if kind == "Word" else "Excel/WPS"
        raise LoadError(
            f"{kind}文件损坏或不是.{suffix}",
            f"corrupt .{suffix}: {type(e).__name__}",
            f"用{office}打开后另存为.{suffix}",
        ) from e


def check_not_ole(path: Path, kind: str) -> None:
    """A password-protected .docx/.xlsx is an OLE container, not a zip: say so plainly."""
    with path.open("rb") as f:
        head = f.read(8)
        if head != _OLE_MAGIC:
            return
        data = f.read(4 * MB)
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise LoadError(
            f"{kind}文件已加密（设置了打开密码）",
            f"password-protected {kind} file",
            "请提供未加密的版本（在Word/WPS/Excel中取消密码后另存）",
        )
    raise LoadError(
        f"这是旧版{kind}格式（扩展名不符）",
        f"a legacy binary {kind} file with a new-format extension",
        "改成正确的扩展名（.doc/.xls）或另存为新格式后重新导入",
    )


# --- HTML -------------------------------------------------------------------------------

# Elements that close an open sibling of their own kind instead of nesting in it.
_SIBLINGS = frozenset("p li option tr td th dt dd".split())
# Elements that never hold content, so never nest.
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


class _DepthMeter(HTMLParser):
    """The deepest element nesting of a page, in one linear pass without building a tree."""

    def __init__(self, limit: int):
        super().__init__(convert_charrefs=False)
        self.limit, self.stack, self.deepest = limit, [], 0

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        if tag in _SIBLINGS and self.stack and self.stack[-1] == tag:
            self.stack.pop()  # <p>a<p>b: the second paragraph closes the first
        self.stack.append(tag)
        if len(self.stack) > self.deepest:
            self.deepest = len(self.stack)
            if self.deepest > self.limit:
                raise _TooDeep

    def handle_endtag(self, tag):
        # Close up to the matching open tag, as browsers do with unclosed <p> and <li>.
        for i in range(len(self.stack) - 1, max(len(self.stack) - 64, -1), -1):
            if self.stack[i] == tag:
                del self.stack[i:]
                return


class _TooDeep(Exception):
    pass


def check_html_depth(html: str, limits: LoadLimits) -> None:
    meter = _DepthMeter(limits.max_html_depth)
    try:
        meter.feed(html)
        meter.close()
    except _TooDeep:
        raise too_complex(
            f"网页标签嵌套超过 {limits.max_html_depth} 层",
            f"HTML nested deeper than {limits.max_html_depth} levels",
            "另存为纯文本后导入，或调大 CHANJIAO_MAX_HTML_DEPTH",
        ) from None
