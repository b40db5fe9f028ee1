"""What the web app and its API can do, with the caller's role applied: no gradio here.

Every operation takes a session token (empty = anonymous visitor), resolves it to a role
through `accounts`, and calls the same functions as the CLI (answer_question, Retriever,
lookup.find, match, draft) with `roles.filters_for(role)` — so the restriction is applied
inside retrieval, before ranking, and the shells never filter results themselves. Also the
secretariat's document management (upload, list, re-index, remove, change visibility).
Values returned are plain dicts/lists, ready for JSON; gradio is confined to `web`.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.pipeline import SIDECAR, IngestReport
from ingest.types import VISIBILITIES, Answer, Chunk

from .accounts import EXPIRED_MESSAGE, Accounts, Caller
from .limits import check_question
from .retrieve import Filters
from .roles import (
    ROLE_LABEL,
    filters_for,
    manages_documents,
    require,
    sees_contacts,
)

# Ask/answer states shown in the chat (the answer JSON's `status` once answer.py has it).
ANSWERED, NOT_DIRECT, REFUSED = "answered", "not_direct", "refused"


class MissingFeatureError(RuntimeError):
    """A function the app calls (lookup, match, draft) is not installed in this build."""


def answer_status(ans: Answer) -> str:
    """answered / not_direct / refused: the answer's own `status` when it has one."""
    status = getattr(ans, "status", "")
    if status:
        return status
    return ANSWERED if ans.found else REFUSED


def answer_json(ans: Answer) -> dict:
    out = ans.to_json()
    out.setdefault("status", answer_status(ans))
    return out


def safe_name(name: str) -> str:
    """A file name safe to store: no folders, no control or reserved characters."""
    from .uploads import safe_upload_name

    return safe_upload_name(name)


@dataclass
class Service:
    """The app's operations over one open index (see `context.open_index`)."""

    index: object  # context.Index
    accounts: Accounts
    chat: object = None
    uploads: Path | None = None

    def __post_init__(self):
        self._ingest_lock = threading.Lock()  # one writer at a time in this process
        if self.uploads is None:
            self.uploads = self.index.settings.uploads_path

    @property
    def retriever(self):
        return self.index.retriever

    # -- who is asking ------------------------------------------------------------------

    def login(self, name: str, password: str, client: str = "") -> tuple[str, Caller]:
        """A session token, or AccountError; `client` is the caller's address (throttling)."""
        return self.accounts.login(name, password, client)

    def logout(self, token: str) -> None:
        self.accounts.logout(token)

    def caller(self, token: str | None) -> Caller:
        return self.accounts.caller(token)

    def filters(self, token: str | None, filters: Filters = Filters()) -> Filters:
        return filters_for(self.caller(token).role, filters)

    def session_notice(self, token: str | None) -> str:
        """ "登录已过期…" when `token` was a session that has expired, else ""."""
        return EXPIRED_MESSAGE if token and self.accounts.expired(token) else ""

    def describe_caller(self, token: str | None) -> str:
        c = self.caller(token)
        return "访客（仅公开文档）" if c.anonymous else f"{c.name}（{ROLE_LABEL[c.role]}）"

    # -- questions and passages ---------------------------------------------------------

    def ask(
        self,
        question: str,
        token: str = "",
        history: list[dict] | None = None,
        on_token: Callable[[str], None] | None = None,
        filters: Filters = Filters(),
    ) -> Answer:
        from .answer import answer_question

        question = check_question(question, self.index.settings.max_question_chars)
        return answer_question(
            question,
            self.retriever,
            chat=self.chat,
            history=history or None,
            filters=self.filters(token, filters),
            on_token=on_token,
        )

    def search(
        self, query: str, token: str = "", k: int = 10, filters: Filters = Filters()
    ) -> dict:
        from .cli import search_json

        query = check_question(query, self.index.settings.max_question_chars, what="查询")
        k = max(1, min(int(k), 50))
        hits = self.retriever.search(query, k=k, filters=self.filters(token, filters))
        return search_json(query, hits)

    def chunk(self, chunk_id: str, token: str = "") -> Chunk | None:
        """A passage by id, or None when it does not exist or the caller may not see it."""
        view = self.retriever.view()
        pos = view.position.get(chunk_id)
        if pos is None:
            return None
        chunk = view.chunks[pos]
        return chunk if self.filters(token).admits(chunk) else None

    def source_file(self, source: str, token: str = "") -> Path | None:
        """The file of a document the caller may see, for download; else None."""
        allowed = self.filters(token)
        docs = self.index.store.live_docs()
        extras = self.index.store.registry()
        for doc_id, doc in docs.items():
            if doc.source != source:
                continue
            if not allowed.admits(Chunk(chunk_id="", doc=doc, text="", search_text="")):
                return None
            path = Path(extras.get(doc_id, {}).get("abs_path", ""))
            return path if path.is_file() else None
        return None

    # -- lookups, matching, drafting (functions of their own modules) ---------------------

    def find(
        self,
        kind: str,
        query: str = "",
        token: str = "",
        where: dict | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> dict:
        lookup = _feature("lookup", "查询 (lookup.find)")
        if (query or "").strip():
            query = check_question(query, self.index.settings.max_question_chars, what="查询")
        role = self.caller(token).role
        result = lookup.find(
            self.retriever,
            kind,
            query,
            where=where or None,
            since=since or None,
            until=until or None,
            limit=max(1, min(int(limit), 200)),
            offset=max(0, int(offset)),
            filters=filters_for(role),
            show_restricted=sees_contacts(role),
        )
        return result.to_json()

    def fields_of(self, kind: str) -> list[str]:
        lookup = _feature("lookup", "查询 (lookup.fields_of)")
        return list(lookup.fields_of(self.retriever, kind))

    def kinds(self) -> tuple[str, ...]:
        return tuple(_feature("lookup", "查询 (lookup.KINDS)").KINDS)

    def match_policy(self, profile: dict, token: str = "") -> dict:
        match = _feature("match", "政策匹配 (match.match_policy)")
        from .conditions import ConditionExtractor, StoreCache

        # Conditions an LLM read at ingest (`chanjiao ingest`, verified) come from the index;
        # a web request never waits for a model.
        reader = ConditionExtractor(None, StoreCache(self.index.store))
        return match.match_policy(
            self.retriever, profile, filters=self.filters(token), extractor=reader
        ).to_json()

    def match_demand(self, item_id: str, token: str = "") -> dict:
        match = _feature("match", "供需匹配 (match.match_demand)")
        role = self.caller(token).role
        return match.match_demand(
            self.retriever,
            item_id,
            filters=filters_for(role),
            show_restricted=sees_contacts(role),
        ).to_json()

    def coverage(self, year: int, token: str = "") -> dict:
        role = self.caller(token).role
        require(role, manages_documents(role), "查看覆盖情况")
        draft = _feature("draft", "报告起草 (draft.coverage_matrix)")
        return draft.coverage_matrix(self.retriever, int(year), filters=filters_for(role)).to_json()

    def draft(
        self,
        token: str = "",
        indicators: list[str] | None = None,
        year: int = 2024,
        kind: str = "self-assessment",
        out_dir: Path | None = None,
    ) -> tuple[dict, Path | None, Path | None]:
        """The draft's JSON and, when `out_dir` is given, its .docx and .md files."""
        role = self.caller(token).role
        require(role, manages_documents(role), "起草报告")
        draft = _feature("draft", "报告起草 (draft.draft_report)")
        try:
            d = draft.draft_report(
                self.retriever,
                indicators=list(indicators) if indicators else None,
                year=int(year),
                kind=kind,
                chat=self.chat,
                filters=filters_for(role),
            )
        except draft.DraftError as e:  # an unknown kind or indicator: the user's input
            raise ValueError(str(e)) from e
        docx = md = None
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            stem = f"自评报告-{int(year)}-{kind}"
            docx, md = out_dir / f"{stem}.docx", out_dir / f"{stem}.md"
            draft.write_docx(d, docx)
            draft.write_markdown(d, md)
        return d.to_json(), docx, md

    # -- document management (secretariat) ------------------------------------------------

    def _require_secretariat(self, token: str, what: str, writes: bool = False) -> None:
        role = self.caller(token).role
        require(role, manages_documents(role), what)
        if writes and self.index.settings.read_only:  # a snapshot of a read-only index
            from .indexdir import readonly_message

            raise ValueError(f"{what}：" + readonly_message(self.index.settings.index_dir))

    def documents(self, token: str = "") -> list[dict]:
        """Every indexed document with its kind, date, chunk count, visibility and file."""
        self._require_secretariat(token, "管理文档")
        docs = self.index.store.live_docs()
        extras = self.index.store.registry()
        rows = []
        for doc_id, d in docs.items():
            e = extras.get(doc_id, {})
            rows.append(
                {
                    "doc_id": doc_id,
                    "title": d.title,
                    "source": d.source,
                    "doc_type": d.doc_type,
                    "date": d.date,
                    "chunks": int(e.get("n_chunks", 0)),
                    "visibility": d.visibility,
                    "uploaded": str(e.get("abs_path", "")).startswith(
                        self.uploads.resolve().as_posix()
                    ),
                }
            )
        return sorted(rows, key=lambda r: (r["doc_type"], r["source"]))

    def upload(
        self,
        files: list[Path],
        token: str = "",
        visibility: str = "public",
        progress: Callable[[int, int, str], None] | None = None,
        names: list[str] | None = None,
    ) -> list[dict]:
        """Check, copy into the uploads folder and index the files one by one.

        `names` are the names the browser sent (default: each file's own name); they are
        made safe (`uploads.safe_upload_name`), so nothing is stored outside the uploads
        folder. Before a byte is copied each file must be of a listed type by extension
        and by content, within `max_file_mb`, within `max_upload_mb` for the whole request,
        and neither a second file of the same name in this request nor the same content as
        a document already indexed. One result per file, with the messages of `chanjiao
        ingest`: indexed (with its chunk count; `replaced` when it is a new version of an
        earlier upload), unchanged, or failed with the reason. A refused or broken file
        never stops the rest, and never costs the version already indexed.
        """
        from .uploads import check_upload, safe_upload_name, same_content

        self._require_secretariat(token, "上传文档", writes=True)
        if visibility not in VISIBILITIES:
            raise ValueError(f"可见范围只能是 {'/'.join(VISIBILITIES)} (bad visibility)")
        settings = self.index.settings
        max_bytes, max_total = settings.max_file_mb * 1024 * 1024, settings.max_upload_mb << 20
        self.uploads.mkdir(parents=True, exist_ok=True)
        names = list(names) if names is not None else [Path(f).name for f in files]
        results, taken, accepted, total = [], set(), [], 0
        for n, (src, given) in enumerate(zip(files, names, strict=True), start=1):
            src = Path(src)
            name = safe_upload_name(given)
            if progress:
                progress(n - 1, len(files), name)

            def refuse(reason: str, name=name) -> None:
                results.append({"file": name, "status": "failed", "reason": reason})

            refusal = check_upload(src, name, max_bytes)
            if refusal is not None:
                refuse(refusal.reason)
                continue
            if name in taken:
                refuse(
                    f"本次上传中已有同名文件 {name}，未保存；请改名后再上传 "
                    f"(another file named {name} is in this upload)"
                )
                continue
            size = src.stat().st_size
            if total + size > max_total:
                refuse(
                    f"本次上传总量超过上限 {settings.max_upload_mb} MB，此文件未保存；请分批上传 "
                    f"(this upload exceeds {settings.max_upload_mb} MB in total; upload the rest "
                    "separately)"
                )
                continue
            target = self.uploads / name
            twin = same_content(src, accepted + self._indexed_files(exclude=target))
            if twin is not None:
                refuse(
                    f"内容与已有文件 {self._shown(twin)} 完全相同，未重复保存 "
                    f"(same content as {twin.name}; not stored twice)"
                )
                continue
            taken.add(name)
            total += size
            results.append(self._store_and_index(src, target, visibility))
            if results[-1]["status"] != "failed":
                accepted.append(target)
        if progress:
            progress(len(files), len(files), "")
        return results

    def _store_and_index(self, src: Path, target: Path, visibility: str) -> dict:
        """Copy `src` to `target` (inside the uploads folder) and index it.

        An earlier upload of the same name is moved aside first and put back if the new
        file cannot be indexed, so that a broken new version never removes the file of the
        version that stays indexed. A full or read-only disk fails this file with the
        reason (the next ones will say the same) rather than the whole request.
        """
        side = target.with_name(target.name + SIDECAR)
        aside = self.uploads / ".replaced"
        kept = [p for p in (target, side) if p.exists()]
        if kept:
            aside.mkdir(exist_ok=True)
            for p in kept:
                os.replace(p, aside / p.name)
        tmp = target.with_name(f".{target.name}.part")
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, target)
            if visibility != "public":
                side.write_text(f'{{"visibility": "{visibility}"}}', "utf-8")
            with self._ingest_lock:
                report = self.index.ingestor.ingest([target], base=self.uploads)
            result = _file_result(target.name, report)
        except Exception as e:
            from .indexdir import describe_write_failure

            tmp.unlink(missing_ok=True)
            reason = describe_write_failure(e, self.index.settings)
            result = {"file": target.name, "status": "failed", "reason": reason or ""}
            if reason is None:  # not a full or read-only disk: a bug, not the user's file
                raise
        finally:
            if result["status"] == "failed":
                target.unlink(missing_ok=True)  # nothing new indexed: keep no stray copy
                side.unlink(missing_ok=True)
                for p in kept:
                    os.replace(aside / p.name, p)
                if kept and "reason" in result:
                    result["reason"] += (
                        "；已索引的旧版本保留不变 (the earlier version stays indexed)"
                    )
            else:
                for p in kept:
                    (aside / p.name).unlink(missing_ok=True)
        if kept and result["status"] == "indexed":
            result["replaced"] = True
        return result

    def _indexed_files(self, exclude: Path) -> list[Path]:
        """The files of every indexed document (for finding the same content twice)."""
        paths = [Path(e.get("abs_path", "")) for e in self.index.store.registry().values()]
        return [p for p in paths if p.name and p != exclude.resolve()]

    def _shown(self, path: Path) -> str:
        return path.name if _inside(path, self.uploads) else path.as_posix()

    def _doc_path(self, doc_id: str) -> Path:
        extras = self.index.store.registry([doc_id])
        if doc_id not in extras:
            raise KeyError(f"索引中没有该文档 (no such document: {doc_id})")
        return Path(extras[doc_id].get("abs_path", ""))

    def reindex(self, doc_id: str, token: str = "") -> dict:
        """Read a document's file again (a changed file is re-chunked, an unchanged one kept)."""
        self._require_secretariat(token, "重新索引", writes=True)
        path = self._doc_path(doc_id)
        with self._ingest_lock:
            report = self.index.ingestor.ingest([path], base=_base_of(path, self.uploads))
        return _file_result(path.name, report)

    def remove(self, doc_id: str, token: str = "") -> list[str]:
        """Drop a document from the index; an uploaded copy is deleted with it."""
        self._require_secretariat(token, "删除文档", writes=True)
        path = self._doc_path(doc_id)
        with self._ingest_lock:
            doc = self.index.store.live_docs().get(doc_id)
            self.index.store.unregister(doc_id)
            self.index.store.delete_versions(doc_id)
        if _inside(path, self.uploads):
            path.unlink(missing_ok=True)
            path.with_name(path.name + SIDECAR).unlink(missing_ok=True)
        return [doc.source] if doc else []

    def set_visibility(self, doc_id: str, visibility: str, token: str = "") -> int:
        self._require_secretariat(token, "修改可见范围", writes=True)
        with self._ingest_lock:
            return self.index.ingestor.set_visibility(doc_id, visibility)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _base_of(path: Path, uploads: Path) -> Path:
    from .settings import REPO_ROOT

    for base in (uploads, REPO_ROOT):
        if _inside(path, base):
            return base
    return path.parent


def _file_result(name: str, report: IngestReport) -> dict:
    if report.failed:
        return {"file": name, "status": "failed", "reason": report.failed[0][1]}
    if report.indexed:
        warnings = [w for _, w in report.warnings]
        return {
            "file": name,
            "status": "indexed",
            "chunks": report.indexed[0][1],
            "warnings": warnings,
        }
    return {"file": name, "status": "unchanged"}


def _feature(module: str, what: str):
    import importlib

    try:
        return importlib.import_module(f"assistant.{module}")
    except ModuleNotFoundError as e:
        if e.name != f"assistant.{module}":
            raise
        raise MissingFeatureError(
            f"此版本尚未包含{what}功能 (assistant.{module} is not installed yet)"
        ) from e
