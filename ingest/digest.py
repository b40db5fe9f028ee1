"""The sha256 of a file's bytes — the one content key of files (OCR cache, converted legacy
Office files, duplicate uploads), read in blocks so a large file is never held whole."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
