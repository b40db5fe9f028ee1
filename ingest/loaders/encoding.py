"""Decoding text files of unknown encoding: UTF-8 (with or without BOM), GBK/GB18030, …"""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import LoadError


def decode_bytes(data: bytes) -> str:
    """Decode bytes the way Chinese offices write them.

    UTF-8 is tried first because it almost never decodes wrongly by accident; then GB18030,
    a superset of GBK and GB2312 (what Excel on Chinese Windows writes as "CSV"); only then
    does charset-normalizer guess, for the rare Big5 or UTF-16 file.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as e:
            # A file cut inside its last character (an interrupted download or copy) is
            # still that encoding: keep the text, replace the broken tail.
            if e.start >= len(data) - 3 and e.reason.startswith(("unexpected end", "incomplete")):
                return data.decode(encoding, errors="replace")
    best = from_bytes(data).best()
    if best is None:
        raise LoadError("无法识别文本编码", "unknown text encoding", "另存为 UTF-8 后重新导入")
    return str(best)


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes, read a block at a time (memory stays flat)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                decoder.decode(block)
        return True  # an incomplete last character is read as a replacement character
    except UnicodeDecodeError:
        return False


def detect_encoding(path: Path) -> str:
    """The encoding `decode_bytes` would choose, found without holding the file in memory."""
    with path.open("rb") as f:
        head = f.read(4 << 20)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    best = from_bytes(head).best()
    if best is None:
        raise LoadError("无法识别文本编码", "unknown text encoding", "另存为 UTF-8 后重新导入")
    return best.encoding
