"""The `chanjiao` command: a thin shell over ingest/, retrieve, answer and the evals.

Parses arguments, builds Settings once, prints. Human output is Chinese; `--json` output
has the documented shapes other tools rely on; `--stdin` reads one question per line and
writes one JSON object per line with the models loaded once. Exit codes: 0 success, 1 some
input was reported and skipped, 2 fatal error. Users never see a stack trace.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from .settings import Settings, offline_environment

MODE_LABEL = {"extractive": "摘录式（未使用大模型）", "llm": "大模型生成并核验引用"}
OCR_LABEL = "（OCR识别）"  # after a citation whose passage was read by OCR: check the original


def _add_index(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--index",
        type=Path,
        help="索引目录 (default: $CHANJIAO_INDEX or ~/.local/share/chanjiao/index)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chanjiao", description="产教通：市域产教联合体文档助手")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="索引文件或文件夹 (index files/folders)")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="JSON 报告")
    p.add_argument("--no-embed", action="store_true", help="只建关键词索引，向量稍后计算")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.add_argument(
        "--ocr",
        choices=("auto", "always", "never"),
        help="扫描页、乱码页和图片用OCR识别 (default: $CHANJIAO_OCR or auto)",
    )
    _add_index(p)

    p = sub.add_parser("remove", help="从索引中删除文件或文件夹的文档")
    p.add_argument("paths", nargs="+", type=Path)
    _add_index(p)

    for name, helptext in (("search", "检索段落"), ("ask", "提问，回答带引用")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("query", nargs="?", help="问题；配合 --stdin 时省略")
        p.add_argument("--json", action="store_true")
        p.add_argument("--stdin", action="store_true", help="每行一个问题，每行输出一个 JSON")
        p.add_argument("--type", dest="doc_type", action="append", help="文档类型过滤，可重复")
        p.add_argument("--issuer", help="发文机关（包含即可）")
        p.add_argument("--year", type=int, help="发布年份")
        p.add_argument("--visibility", help="可见范围 (public/internal)")
        _add_index(p)
        if name == "search":
            p.add_argument("--k", type=int, default=5)
            p.add_argument("--mode", choices=("hybrid", "keyword", "dense"), default="hybrid")

    p = sub.add_parser("chat", help="多轮对话（终端）")
    _add_index(p)

    p = sub.add_parser("status", help="索引状态")
    _add_index(p)

    p = sub.add_parser("eval", help="评测检索与回答 (evals/)")
    p.add_argument("--questions", type=Path, action="append", help="问题集 jsonl，可重复")
    p.add_argument("--llm", action="store_true", help="同时评测大模型回答（需要配置端点）")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--fit", action="store_true", help="在调优问题集上拟合回答/拒答判定模型（交叉验证）"
    )
    p.add_argument("--ablation", action="store_true", help="逐个去掉判定特征，打印影响")
    p.add_argument(
        "--samples",
        type=Path,
        help="--fit/--ablation 的特征缓存 JSON：存在则读取，否则计算后写入",
    )
    p.add_argument("--lookups", action="store_true", help="评测查询/计数（questions_lookup.jsonl）")
    _add_index(p)

    p = sub.add_parser("bench", help="性能基准 (ingest/search/memory)")
    p.add_argument("--synthetic", type=int, default=20000, help="合成索引的段落数")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-ocr", action="store_true", help="跳过OCR测量（约数分钟）")

    # --- issue 10: drafting against the construction standard ---
    p = sub.add_parser("draft", help="按建设标准起草自评报告或年度工作计划")
    p.add_argument("--indicator", action="append", help="指标或观测点编号，如 8.5；可重复")
    p.add_argument("--all", action="store_true", help="全部指标（默认）")
    p.add_argument("--year", type=int, default=2024, help="年度（plan：计划年度）")
    p.add_argument("--kind", choices=("self-assessment", "plan"), default="self-assessment")
    p.add_argument("--out", type=Path, help="输出文件 .docx 或 .md")
    p.add_argument("--json", action="store_true")
    _add_index(p)

    p = sub.add_parser("export-vectors", help="导出当前索引中语料的向量缓存（维护内置语料用）")
    p.add_argument("output", type=Path)
    _add_index(p)

    # -- issue 11: web app and accounts --
    p = sub.add_parser("serve", help="启动网页应用 (web app)")
    p.add_argument("--host", default="127.0.0.1", help="监听地址 (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860)
    _add_index(p)
    p = sub.add_parser("user", help="网页账号 (web accounts)")
    user_sub = p.add_subparsers(dest="user_command", required=True)
    q = user_sub.add_parser("add", help="添加或重设账号；密码从终端或标准输入读取")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=("member", "secretariat"))
    _add_index(q)
    q = user_sub.add_parser("remove", help="删除账号")
    q.add_argument("name")
    _add_index(q)
    q = user_sub.add_parser("list", help="列出账号")
    _add_index(q)
    p = sub.add_parser("export-ocr", help="导出语料扫描页的OCR结果（维护内置语料用）")
    p.add_argument("output", type=Path)
    p.add_argument("paths", nargs="*", type=Path, help="文件或文件夹 (default: corpus/)")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    _add_record_commands(sub)
    return parser


def _settings(args) -> Settings:
    from .indexdir import for_command  # issue 13: no bootstrap of a mistyped --index DIR

    settings = Settings.from_env(
        index_dir=getattr(args, "index", None), ocr=getattr(args, "ocr", None)
    )
    explicit = getattr(args, "index", None) is not None
    return for_command(settings, args.command, explicit, say=lambda m: print(m, file=sys.stderr))


def _filters(args):
    from .retrieve import Filters

    return Filters(
        doc_types=tuple(args.doc_type or ()),
        issuer=args.issuer or "",
        year=args.year or 0,
        visibility=args.visibility or "",
    )


def _questions(args) -> Iterable[str]:
    """Every line of stdin (blank ones too: one output line per input line), or the query."""
    if args.stdin:
        for line in sys.stdin:
            yield line.rstrip("\r\n")
    else:
        yield args.query or ""


def _print_json(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _usage_error(e) -> None:
    hint = "；或使用 --stdin (or use --stdin)" if e.code == "empty" else ""
    print(f"错误：{e.message}{hint}", file=sys.stderr)


def _location(page, sheet, row) -> str:
    if page:
        return f"第{page}页"
    if row:
        return f"{sheet or ''} 第{row}行".strip()
    return ""


def search_json(query: str, hits) -> dict:
    return {
        "query": query,
        "results": [
            {
                "rank": h.rank,
                "score": h.score,
                "text": h.chunk.text,
                "source": h.chunk.doc.source,
                "title": h.chunk.doc.title,
                "doc_type": h.chunk.doc.doc_type,
                "page": h.chunk.page,
                "sheet": h.chunk.sheet,
                "row": h.chunk.row,
                "chunk_id": h.chunk.chunk_id,
                "ocr": h.chunk.ocr,
                "confidence": h.chunk.confidence,
            }
            for h in hits
        ],
    }


def _short(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def print_answer(ans) -> None:
    if ans.searched_as:
        print(f"（按“{ans.searched_as}”检索）")
    print(ans.answer)
    if ans.citations:
        print("\n来源：")
        for c in ans.citations:
            where = _location(c.page, c.sheet, c.row) + (OCR_LABEL if c.ocr else "")
            print(f"[{c.n}] 《{c.title}》 {c.source} {where}".rstrip())
            print(f"    “{_short(c.quote)}”")
    if ans.suggestions:
        print("\n相关文档：")
        for s in ans.suggestions:
            print(f"  - 《{s['title']}》 {s['source']}")
    if ans.dropped:
        print(f"\n（核验删去 {len(ans.dropped)} 句无依据的内容）")
    if ans.notice:
        print(f"\n{ans.notice}")
    print(f"\n（回答方式：{MODE_LABEL.get(ans.mode, ans.mode)}）")


def cmd_ingest(args) -> int:
    from .context import open_index

    index = open_index(_settings(args), show_progress=not args.quiet)
    if os.environ.get("CHANJIAO_CRASH_AT"):  # crash tests only (evals/crash_ingest.py)
        from .crashpoints import crash_hook

        index.ingestor.checkpoint = crash_hook(os.environ["CHANJIAO_CRASH_AT"])
    report = index.ingestor.ingest(args.paths, embed=not args.no_embed)
    conditions = _refresh_conditions(index)  # issue 9: None when no LLM is configured
    if args.json:
        extra = {"llm_conditions": conditions.to_json()} if conditions else {}
        print(json.dumps(report.to_json() | extra, ensure_ascii=False, indent=2))
    else:
        for source, reason in report.failed:
            print(f"跳过 {source}：{reason}", file=sys.stderr)
        for source, warning in report.warnings:
            print(f"注意 {source}：{warning}", file=sys.stderr)
        chunks = sum(n for _, n in report.indexed)
        print(
            f"索引 {len(report.indexed)} 个文件（{chunks} 段），未变 {len(report.unchanged)}，"
            f"删除 {len(report.removed)}，跳过 {len(report.failed)}；"
            f"向量：缓存 {report.from_cache}，新算 {report.embedded}，待算 {report.pending}；"
            + (f"OCR识别 {report.ocr_pages} 页；" if report.ocr_pages else "")
            + f"用时 {report.seconds:.1f} 秒"
        )
        if conditions:
            print(conditions.to_text())
    return report.exit_code


def cmd_remove(args) -> int:
    from .context import open_index

    index = open_index(_settings(args))
    removed = index.ingestor.remove(args.paths)
    for s in removed:
        print(f"已删除 {s}")
    if not removed:
        print("索引中没有这些文件 (nothing to remove)", file=sys.stderr)
        return 1
    return 0


def cmd_search(args) -> int:
    from .limits import QuestionGate, rejected_search_json

    settings = _settings(args)
    rejected = QuestionGate(settings.max_question_chars, rejected_search_json, _print_json)
    if code := rejected.precheck(None if args.stdin else args.query or "", _usage_error):
        return code  # before the index and the models are even imported
    from .context import ensure_corpus, open_index

    index = open_index(settings)
    ensure_corpus(index)
    filters = _filters(args)
    for q in _questions(args):
        if (q := rejected.check(q)) is None:
            continue
        hits = index.retriever.search(q, k=args.k, filters=filters, mode=args.mode)
        if args.json or args.stdin:
            print(json.dumps(search_json(q, hits), ensure_ascii=False), flush=True)
            continue
        if not hits:
            print("没有找到相关段落。")
        for h in hits:
            c = h.chunk
            where = _location(c.page, c.sheet, c.row)
            print(
                f"{h.rank}. 《{c.doc.title}》 {c.doc.source} {where}  "
                f"[{h.score:.4f} {'+'.join(h.via)}]"
            )
            print(f"   {_short(c.text, 200)}" + (f" {OCR_LABEL}" if c.ocr else ""))
    return rejected.exit_code()


def cmd_ask(args) -> int:
    from .limits import QuestionGate, rejected_answer_json

    settings = _settings(args)
    rejected = QuestionGate(settings.max_question_chars, rejected_answer_json, _print_json)
    if code := rejected.precheck(None if args.stdin else args.query or "", _usage_error):
        return code  # before the index and the models are even imported
    from .answer import answer_question
    from .context import ensure_corpus, make_chat, open_index

    index = open_index(settings)
    ensure_corpus(index)
    chat = make_chat(settings)
    filters = _filters(args)
    for q in _questions(args):
        if (q := rejected.check(q)) is None:
            continue
        # Always streamed: the timeout then bounds the silence between tokens, not the
        # whole generation, which a slow local model may need minutes for.
        on_token, done = _progress(not (args.json or args.stdin) and sys.stderr.isatty())
        ans = answer_question(q, index.retriever, chat=chat, filters=filters, on_token=on_token)
        done()
        if args.json or args.stdin:
            print(json.dumps(ans.to_json(), ensure_ascii=False), flush=True)
        else:
            print_answer(ans)
    return rejected.exit_code()


def _progress(enabled: bool):
    """An on_token callback that shows how much the model has written so far (stderr, tty).

    The text itself is shown only after its citations are verified, so while the model
    streams the user sees a running count, not unverified sentences.
    """
    count = [0]

    def on_token(token: str) -> None:
        count[0] += len(token)
        if enabled:
            print(f"\r生成中…… {count[0]} 字", end="", file=sys.stderr, flush=True)

    def done() -> None:
        if enabled and count[0]:
            print("\r" + " " * 24 + "\r", end="", file=sys.stderr, flush=True)

    return on_token, done


def cmd_chat(args) -> int:
    """An interactive session; follow-ups are condensed with the history before retrieval."""
    from .answer import answer_question
    from .context import ensure_corpus, make_chat, open_index
    from .limits import QuestionError, check_question

    settings = _settings(args)
    index = open_index(settings)
    ensure_corpus(index)
    chat = make_chat(settings)
    mode = f"大模型 {settings.llm_model}" if chat else "离线摘录式"
    print(f"产教通 多轮问答（{mode}）。输入问题，空行或 Ctrl-D 退出。")
    history: list[dict] = []
    while True:
        try:
            q = input("问> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if not q:
            break
        try:  # issue 13: an over-long question is refused with a message, not searched
            q = check_question(q, settings.max_question_chars)
        except QuestionError as e:
            print(e.message)
            continue
        on_token, done = _progress(chat is not None and sys.stderr.isatty())
        ans = answer_question(q, index.retriever, chat=chat, history=history, on_token=on_token)
        done()
        print_answer(ans)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": ans.answer}]
        history = history[-8:]
    return 0


def cmd_status(args) -> int:
    from .context import open_index

    settings = _settings(args)
    index = open_index(settings)
    docs = index.store.live_docs()
    pending = len(index.store.pending_vectors())
    where = (
        f"{settings.chroma_host}:{settings.chroma_port}"
        if settings.uses_server
        else settings.index_dir
    )
    print(f"索引：{where}")
    print(f"文档 {len(docs)} 个，段落 {index.store.count()} 个，待计算向量 {pending} 个")
    print(f"大模型：{settings.llm_model or '未配置（离线摘录式回答）'}")
    return 0


def cmd_export_vectors(args) -> int:
    from ingest.embed import text_key

    from .context import open_index

    index = open_index(_settings(args))
    chunks = index.retriever.view().chunks
    keys = [text_key(index.embedder.model_id, c.search_text) for c in chunks]
    vectors = index.store.vectors_of([c.chunk_id for c in chunks])
    for c, k in zip(chunks, keys):
        v = vectors.get(c.chunk_id)
        if v is not None:
            index.cache.put(k, v)
    index.cache.save(keys=keys, path=args.output)
    print(f"导出 {sum(1 for c in chunks if c.chunk_id in vectors)} 个向量到 {args.output}")
    return 0


def cmd_serve(args) -> int:
    settings = _settings(args)  # a missing --index is reported before gradio is imported
    from .web import serve

    return serve(settings, host=args.host, port=args.port)


def _read_password() -> str:
    """From the terminal without echo (asked twice), or the first line of stdin."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("密码 (password): ")
    if getpass.getpass("再输入一次 (again): ") != first:
        raise SystemExit("两次输入的密码不一致 (passwords differ)")
    return first


def cmd_user(args) -> int:
    from .accounts import AccountError, UserStore

    settings = _settings(args)
    users = UserStore(settings.users_path)
    try:
        if args.user_command == "add":
            new = users.add(args.name, args.role, _read_password())
            print(f"{'已添加' if new else '已更新'}账号 {args.name}（{args.role}）：{users.path}")
        elif args.user_command == "remove":
            if not users.remove(args.name):
                print(f"没有账号 {args.name} (no such account)", file=sys.stderr)
                return 1
            print(f"已删除账号 {args.name}")
        else:
            for name, role in sorted(users.roles().items()):
                print(f"{name}\t{role}")
    except AccountError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    return 0


def cmd_export_ocr(args) -> int:
    """OCR results of the pages of PATHS that need OCR, written to OUTPUT (from the caches
    when they hold them, recognised otherwise): how `corpus/.ocr/` is refreshed."""
    from ingest.loaders import LoadError
    from ingest.pipeline import discover, file_hash, prepare, source_name

    from .context import make_ocr
    from .progress import tqdm_progress
    from .settings import BUNDLED_CORPUS, REPO_ROOT

    settings = _settings(args)
    ocr = make_ocr(settings)
    progress = tqdm_progress(not args.quiet, always=settings.progress_always)
    files = list(discover(args.paths or [BUNDLED_CORPUS]))
    try:
        for path in files:
            try:
                prepare(
                    path,
                    source_name(path, REPO_ROOT),
                    file_hash(path),
                    settings.max_file_mb * 1024 * 1024,
                    ocr=ocr,
                    ocr_mode="auto",
                    progress=progress,
                    convert_dir=settings.convert_dir,
                )
            except LoadError as e:
                print(f"跳过 {path}：{e.message}", file=sys.stderr)
    finally:
        ocr.close()
        ocr.cache.save()
    n = ocr.cache.save(keys=ocr.used_keys, path=args.output)
    print(f"导出 {n} 条OCR结果到 {args.output}（本次识别 {ocr.recognized} 页）")
    return 0


# --- records: find, match-policy, match-demand (issue 9) ------------------------------------


def _add_record_commands(sub) -> None:
    from .lookup import KINDS

    p = sub.add_parser("find", help="查记录：政策/需求/供给/成果/课程/培训，可过滤、计数")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("query", nargs="?", default="", help="按相关度排序的查询词（可省略）")
    p.add_argument(
        "--where", action="append", default=[], help="字段=值，可重复（也支持 != > < >= <=）"
    )
    p.add_argument("--since", help="起始日期 YYYY-MM-DD")
    p.add_argument("--until", help="截止日期 YYYY-MM-DD")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true")
    _add_index(p)

    p = sub.add_parser("match-policy", help="政策匹配：企业可能符合的惠企政策及逐条条件")
    p.add_argument("--profile", type=Path, help="企业画像 JSON（industry, size, district, flags）")
    p.add_argument("--industry", help="行业，如 航空航天")
    p.add_argument("--size", help="规模：大型/中型/小型/微型")
    p.add_argument("--district", help="注册地，如 青羊区")
    p.add_argument("--flags", help="资质，逗号分隔：产教融合型企业,专精特新,…")
    p.add_argument("--json", action="store_true")
    _add_index(p)

    p = sub.add_parser("match-demand", help="供需对接：为一条需求（或供给）找最匹配的对方")
    p.add_argument("id", help="需求或供给的编号（如 XQ-2025-012），或记录 id")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    _add_index(p)


def _iso_date(text: str | None, flag: str) -> str | None:
    from datetime import date

    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise SystemExit(
            f"{flag} 应为日期 YYYY-MM-DD：{text} ({flag} must be an ISO date)"
        ) from None


def cmd_find(args) -> int:
    from .context import ensure_corpus, open_index
    from .lookup import KIND_LABELS, LookupRequestError, find, summary

    index = open_index(_settings(args))
    ensure_corpus(index)
    try:
        result = find(
            index.retriever,
            args.kind,
            args.query or "",
            where=args.where,
            since=_iso_date(args.since, "--since"),
            until=_iso_date(args.until, "--until"),
            limit=args.limit,
            offset=args.offset,
        )
    except LookupRequestError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    label = KIND_LABELS[args.kind]
    shown = len(result.results)
    print(
        f"{label}：共{result.total}条"
        + (
            f"，显示第{args.offset + 1}–{args.offset + shown}条"
            if shown < result.total
            else "，列表完整"
        )
    )
    for i, r in enumerate(result.results, start=args.offset + 1):
        c = r.chunk
        print(f"{i}. {summary(r.fields)}")
        print(f"   {c.doc.source} {_location(c.page, c.sheet, c.row)}".rstrip())
    return 0


def _profile(args) -> dict:
    profile: dict = {}
    if args.profile:
        try:
            profile = json.loads(args.profile.read_text("utf-8"))
        except (OSError, ValueError) as e:
            raise SystemExit(
                f"无法读取企业画像 {args.profile}：{e} (cannot read profile)"
            ) from None
        if not isinstance(profile, dict):
            raise SystemExit("企业画像应为 JSON 对象 (profile must be a JSON object)")
    for key in ("industry", "size", "district"):
        if getattr(args, key):
            profile[key] = getattr(args, key)
    if args.flags:
        profile["flags"] = [
            f.strip() for f in args.flags.replace("，", ",").split(",") if f.strip()
        ]
    return profile


def cmd_match_policy(args) -> int:
    from .context import ensure_corpus, open_index
    from .match import match_policy

    index = open_index(_settings(args))
    ensure_corpus(index)
    result = match_policy(index.retriever, _profile(args), extractor=_condition_reader(index))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(result.to_text())
    return 0


def _condition_reader(index):
    """Policy conditions read by the LLM (issue 9): the configured model, through the
    index's cache of its answers; with no model, the cache alone (answers read earlier)."""
    from .conditions import ConditionExtractor, StoreCache
    from .context import make_chat

    chat = make_chat(index.settings)
    if chat is not None:
        chat.max_tokens = max(chat.max_tokens, 2048)  # a notice's conditions, as JSON
    return ConditionExtractor(chat, StoreCache(index.store), index.settings.llm_model)


def _refresh_conditions(index):
    """After indexing, with an LLM configured: every notice not read yet is read once."""
    if not index.settings.llm_enabled:
        return None
    from .conditions import notice_chunks, refresh_conditions
    from .lookup import records_of

    notices = [c for c in records_of(index.retriever, "policy") if c.record.values.get("notice")]
    return refresh_conditions(
        notices, lambda c: notice_chunks(index.retriever.view(), c), _condition_reader(index)
    )


def cmd_match_demand(args) -> int:
    from .context import ensure_corpus, open_index
    from .lookup import LookupRequestError
    from .match import match_demand

    index = open_index(_settings(args))
    ensure_corpus(index)
    try:
        result = match_demand(index.retriever, args.id, limit=args.limit)
    except LookupRequestError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(result.to_text())
    return 0


def cmd_draft(args) -> int:
    """Issue 10: a self-assessment report or plan, indicator by indicator, figures sourced."""
    from .context import ensure_corpus, make_chat, open_index
    from .draft import DraftError, StandardError, draft_report, write_docx, write_markdown

    if args.indicator and args.all:
        raise SystemExit("--indicator 与 --all 只能选一个 (choose --indicator or --all)")
    out = args.out
    if out is not None and out.suffix.lower() not in (".docx", ".md"):
        raise SystemExit(f"输出文件须为 .docx 或 .md：{out} (--out must end in .docx or .md)")
    settings = _settings(args)
    index = open_index(settings)
    ensure_corpus(index)
    try:
        draft = draft_report(
            index.retriever,
            indicators=None if args.all else args.indicator,
            year=args.year,
            kind=args.kind,
            chat=make_chat(settings),
        )
    except (DraftError, StandardError) as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    if out is not None:
        (write_docx if out.suffix.lower() == ".docx" else write_markdown)(draft, out)
    if args.json:
        print(json.dumps(draft.to_json(), ensure_ascii=False, indent=2))
    elif out is None:
        from .draft.writers import markdown_text

        print(markdown_text(draft))
    else:
        rows = [r for s in draft.sections for r in s.rows]
        n = {k: sum(r.status == k for r in rows) for k in ("met", "not_met", "no_data")}
        print(
            f"已写出 {out}：{len(draft.sections)} 项指标、{len(rows)} 个观测点，"
            f"{len(draft.sources())} 条来源；{draft.matrix.year}年已完成 {n['met']}、"
            f"未完成 {n['not_met']}、暂无数据 {n['no_data']}；用时 {draft.seconds:.1f} 秒"
        )
    if draft.notice:
        print(draft.notice, file=sys.stderr)
    if draft.dropped:
        print(f"核验删去 {len(draft.dropped)} 句无依据的内容", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    offline_environment()
    args = build_parser().parse_args(argv)
    handlers = {
        "ingest": cmd_ingest,
        "remove": cmd_remove,
        "search": cmd_search,
        "ask": cmd_ask,
        "chat": cmd_chat,
        "status": cmd_status,
        "export-vectors": cmd_export_vectors,
        "serve": cmd_serve,
        "user": cmd_user,
        "export-ocr": cmd_export_ocr,
        "find": cmd_find,
        "match-policy": cmd_match_policy,
        "match-demand": cmd_match_demand,
        "draft": cmd_draft,
    }
    try:
        if args.command == "eval" and args.index is not None:
            _settings(args)  # issue 13: a missing --index DIR is an error, not a new index
        if args.command == "eval":
            from evals.runner import main as eval_main

            return eval_main(args)
        if args.command == "bench":
            from evals.bench import main as bench_main

            return bench_main(args)
        return handlers[args.command](args)
    except KeyboardInterrupt:
        print("\n已中断 (interrupted)", file=sys.stderr)
        return 2
    except Exception as e:  # users get one line, not a traceback
        from ingest.store import StoreError

        from .indexdir import describe_write_failure

        kind = "索引错误" if isinstance(e, StoreError) else "错误"
        try:
            where = Settings.from_env(index_dir=getattr(args, "index", None))
        except Exception:  # the settings themselves were the problem
            where = Settings()
        print(f"{kind}：{describe_write_failure(e, where) or e}", file=sys.stderr)
        if os.environ.get("CHANJIAO_DEBUG"):  # developers: the traceback as well
            raise
        return 2


if __name__ == "__main__":
    sys.exit(main())
