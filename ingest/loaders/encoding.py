"""Decoding text files of unknown encoding: UTF-8 (with or without BOM), GBK/GB18030, …"""

from __future__ import annotations

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
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise LoadError("无法识别文本编码", "unknown text encoding", "另存为 UTF-8 后重新导入")
    return str(best)
