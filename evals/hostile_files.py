"""Hostile and broken files, made on the spot from the repo's real fixtures.

Each maker writes one file into a folder the caller owns (a test's tmp_path, the fuzz
script's temporary directory) and returns its path; nothing here is committed, and the
big ones (a 200 MB CSV) are written in blocks so that making them costs no memory.
Used by `tests/test_hostile_files.py` and `evals/fuzz_loaders.py`.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
SECRET_MARKER = "XXE-SECRET-7f3a9c"

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _rezip(src: Path, dest: Path, replace: dict[str, object]) -> Path:
    """Copy the zip `src` to `dest`, replacing members: bytes, or a callable writing to a
    member opened for streaming (for members too large to build in memory)."""
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for info in zin.infolist():
            if info.filename not in replace:
                zout.writestr(info, zin.read(info.filename))
        for name, content in replace.items():
            if callable(content):
                with zout.open(name, "w", force_zip64=True) as f:
                    content(f)
            else:
                zout.writestr(name, content)
    return dest


def docx_with_body(dest: Path, body_xml: str, prolog: str = "") -> Path:
    """A copy of tests/data/table.docx whose document.xml holds `body_xml`."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
        f"<w:document {_W}><w:body>{body_xml}</w:body></w:document>"
    )
    return _rezip(DATA / "table.docx", dest, {"word/document.xml": xml.encode()})


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def zip_bomb_docx(dest: Path, megabytes: int = 300) -> Path:
    """A .docx of a few hundred KB whose document.xml unzips to `megabytes` MB of
    paragraphs (valid XML all the way: a parser that starts on it reads it all)."""
    block = (_para("压缩炸弹段落内容重复") * 2000).encode()
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'.encode()
    tail = b"</w:body></w:document>"

    def write(f):
        f.write(head)
        for _ in range(megabytes * 1024 * 1024 // len(block) + 1):
            f.write(block)
        f.write(tail)

    return _rezip(DATA / "table.docx", dest, {"word/document.xml": write})


def _sheet(rows_xml: str, extra: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_S}>'
        f"<sheetData>{rows_xml}</sheetData>{extra}</worksheet>"
    ).encode()


def zip_bomb_xlsx(dest: Path, megabytes: int = 300) -> Path:
    """A .xlsx whose first sheet unzips to `megabytes` MB of rows of inline strings."""
    row = '<row r="1"><c r="A1" t="inlineStr"><is><t>炸弹</t></is></c></row>'
    block = (row * 5000).encode()
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_S}><sheetData>'.encode()

    def write(f):
        f.write(head)
        for _ in range(megabytes * 1024 * 1024 // len(block) + 1):
            f.write(block)
        f.write(b"</sheetData></worksheet>")

    return _rezip(DATA / "merged_header.xlsx", dest, {"xl/worksheets/sheet1.xml": write})


def merge_bomb_xlsx(dest: Path) -> Path:
    """A 7 KB .xlsx whose one merged range covers the whole sheet (17 billion cells)."""
    sheet = _sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row>',
        '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    )
    return _rezip(DATA / "merged_header.xlsx", dest, {"xl/worksheets/sheet1.xml": sheet})


def far_cell_xlsx(dest: Path) -> Path:
    """A .xlsx with one cell in A1 and one in the sheet's last cell, XFD1048576."""
    sheet = _sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>末格</t></is></c></row>'
    )
    return _rezip(DATA / "merged_header.xlsx", dest, {"xl/worksheets/sheet1.xml": sheet})


def xxe_docx(dest: Path, secret: Path) -> Path:
    """A .docx whose document.xml declares an external entity reading `secret`."""
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
    return docx_with_body(dest, _para("外部实体：&xxe;") + _para("正文第二段"), prolog)


def xxe_xlsx(dest: Path, secret: Path) -> Path:
    """A .xlsx whose sheet declares an external entity reading `secret`."""
    doctype = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet {_S}><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>内容</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    return _rezip(DATA / "merged_header.xlsx", dest, {"xl/worksheets/sheet1.xml": sheet})


def _laughs(levels: int = 10) -> str:
    ents = ['<!ENTITY lol0 "哈哈哈哈哈哈哈哈哈哈">']
    for i in range(1, levels):
        ents.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">')
    return "".join(ents)


def billion_laughs_docx(dest: Path) -> Path:
    prolog = f"<!DOCTYPE w:document [{_laughs()}]>\n"
    return docx_with_body(dest, _para("&lol9;"), prolog)


def billion_laughs_xlsx(dest: Path) -> Path:
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{_laughs()}]>'
        f"<worksheet {_S}><sheetData>"
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    return _rezip(DATA / "merged_header.xlsx", dest, {"xl/worksheets/sheet1.xml": sheet})


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from its numbered objects (1-based), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _page_objects(kids: bytes, count: int) -> list[bytes]:
    stream = b"BT /F1 12 Tf 72 720 Td (Hostile page test text) Tj ET"
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def pdf_declaring_pages(dest: Path, pages: int = 100_000) -> Path:
    """A one-page PDF whose page tree declares `pages` pages."""
    dest.write_bytes(_pdf(_page_objects(b"3 0 R", pages)))
    return dest


def pdf_with_repeated_pages(dest: Path, pages: int = 100_000, declared: int = 1) -> Path:
    """A PDF whose page tree lists the same page `pages` times but declares `declared`."""
    dest.write_bytes(_pdf(_page_objects(b" ".join([b"3 0 R"] * pages), declared)))
    return dest


def deep_html(dest: Path, depth: int = 100_000) -> Path:
    dest.write_text(
        "<html><body>" + "<div>" * depth + "深层内容" + "</div>" * depth + "</body></html>",
        "utf-8",
    )
    return dest


def big_csv(dest: Path, megabytes: int = 200, encoding: str = "utf-8") -> Path:
    """A CSV of `megabytes` MB of plausible rows, written in blocks."""
    header = "编号,单位,需求内容,联系人\n"
    rows = "".join(f"{i},示例单位{i % 97},数控加工实训需求第{i}项,张老师\n" for i in range(2000))
    block = rows.encode(encoding)
    with dest.open("wb") as f:
        f.write(header.encode(encoding))
        for _ in range(megabytes * 1024 * 1024 // len(block) + 1):
            f.write(block)
    return dest


def encrypted_office(dest: Path) -> Path:
    """What Word writes for a password-protected .docx: an OLE file with EncryptedPackage."""
    body = b"\0" * 1024 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1024
    dest.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body)
    return dest


# --- mutations of real files ------------------------------------------------------------


def mutate(data: bytes, rng: random.Random, other: bytes = b"") -> tuple[str, bytes]:
    """One random mutation of a file's bytes: flips, truncation, a splice with `other`,
    a duplicated or zeroed range. Returns (what was done, the new bytes)."""
    n = len(data)
    kind = rng.choice(["flip", "flips", "truncate", "splice", "zero", "duplicate", "insert"])
    b = bytearray(data)
    if kind == "flip" and n:
        i = rng.randrange(n)
        b[i] ^= 1 << rng.randrange(8)
    elif kind == "flips" and n:
        for _ in range(rng.randint(2, 64)):
            i = rng.randrange(n)
            b[i] = rng.randrange(256)
    elif kind == "truncate":
        b = b[: rng.randrange(max(n, 1))]
    elif kind == "splice" and other:
        cut, cut2 = rng.randrange(max(n, 1)), rng.randrange(len(other))
        b = b[:cut] + bytearray(other[cut2:])
    elif kind == "zero" and n:
        i = rng.randrange(n)
        b[i : i + rng.randint(1, 4096)] = bytes(min(4096, n - i))
    elif kind == "duplicate" and n:
        i = rng.randrange(n)
        j = min(n, i + rng.randint(1, 8192))
        b = b[:j] + b[i:j] * rng.randint(1, 50) + b[j:]
    elif kind == "insert":
        i = rng.randrange(n + 1)
        b = b[:i] + bytearray(rng.randbytes(rng.randint(1, 512))) + b[i:]
    return kind, bytes(b)


def mutate_zip_member(src: Path, dest: Path, rng: random.Random) -> str:
    """Mutate one XML member inside a .docx/.xlsx (the zip stays valid, the XML does not)."""
    with zipfile.ZipFile(src) as z:
        names = [n for n in z.namelist() if n.endswith(".xml")]
        name = rng.choice(names)
        kind, data = mutate(z.read(name), rng)
    _rezip(src, dest, {name: data})
    return f"{kind} in {name}"
