"""The web app (`chanjiao serve`): gradio Blocks in Chinese over `service.Service`.

`build_app` builds the whole page in one function; every event calls a `Service` method
with the session token kept server-side in a `gr.State`, so the caller's role is applied
inside retrieval, below this shell — hiding a tab is only presentation. The API for
`gradio_client` (ask, search, find, match, draft, login) takes the token as a parameter and
goes through the same methods. `serve` opens the index once (models loaded once), fills an
empty default index from the bundled corpus with progress shown, adds a health endpoint,
and binds 127.0.0.1 unless told otherwise. The only module that imports gradio.
"""

from __future__ import annotations

import json
import queue
import sys
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr

from ingest.store import StoreError

from .accounts import AccountError, Accounts, Sessions, UserStore
from .conditions import describe as describe_condition
from .limits import QuestionError, rejected_answer_json, rejected_search_json
from .markup import md_inline, md_quote, md_text
from .roles import ROLE_LABEL, VISIBILITY_LABEL, RoleError, manages_documents, require
from .service import (
    ANSWERED,
    NOT_DIRECT,
    REFUSED,
    MissingFeatureError,
    Service,
    answer_json,
    answer_status,
    safe_name,
)
from .settings import Settings, offline_environment

# Two cores: two questions at a time, the rest wait in gradio's queue.
CONCURRENCY = 2
QUEUE_SIZE = 64
MODE_LABEL = {"extractive": "离线摘录式（未使用大模型）", "llm": "大模型生成，引用已核验"}
STATUS_LABEL = {
    ANSWERED: "【已回答】",
    NOT_DIRECT: "【未直接回答】资料没有直接回答这个问题，以下是最相关的内容",
    REFUSED: "【拒答】资料中没有找到答案",
}
EXAMPLES = {
    "企业": [
        "企业接收学生岗位实习有哪些补贴？",
        "航空航天企业深化产教融合有哪些支持措施？",
        "企业参与职业教育可以享受哪些税费优惠？",
    ],
    "教师/学校": [
        "联合体开放了哪些课程？怎么报名？",
        "职业学校学生到企业实习有什么规定？",
    ],
    "秘书处": [
        "市域产教联合体的理事会有什么要求？",
        "建设标准中关于实体化运作有哪些观测点？",
    ],
}
LOOKUP_TABS = (
    ("policy", "查政策"),
    ("demand", "查需求"),
    ("achievement", "找成果"),
    ("course", "找课程"),
)
# Lookup tabs covering several record kinds: 查需求 also finds supply and training offers.
SUBKINDS = {"demand": [("需求", "demand"), ("供给", "supply"), ("培训", "training")]}
DOC_HEADERS = ["标题", "类型", "日期", "段落数", "可见范围", "文件", "文档ID"]
DOC_TYPE_LABEL = {
    "policy": "政策",
    "standard": "标准",
    "charter": "章程",
    "course": "课程",
    "demand": "需求",
    "supply": "供给",
    "training": "培训",
    "achievement": "成果",
    "report": "报告",
    "law": "法律法规",
    "plan": "计划",
    "other": "其他",
}
DRAFT_KINDS = [("自评报告", "self-assessment"), ("建设方案", "plan")]
CSS = ".cj-small {font-size: 0.85em; color: #666}"


def _where(page, sheet, row) -> str:
    if page:
        return f"第{page}页"
    if row:
        return f"{sheet or ''} 第{row}行".strip()
    return ""


def _error(e: Exception) -> str:
    """An error for a Markdown output (its message may quote a file name or the input)."""
    return f"【提示】{md_text(e)}"


def _plain_error(e: Exception) -> str:
    """An error for a table cell or a label (shown as text, not Markdown)."""
    return f"【提示】{e}"


def _answer_markdown(ans) -> str:
    """The chat message: answer text, then the stand-alone question a follow-up used."""
    text = md_text(ans.answer)
    if ans.searched_as:
        text = f"*（按“{md_inline(ans.searched_as)}”检索）*\n\n{text}"
    if ans.suggestions:
        text += "\n\n相关文档：" + "；".join(
            f"《{md_inline(s['title'])}》" for s in ans.suggestions
        )
    return text


def _answer_details(ans) -> str:
    """Mode, answered / not-directly-answered / refused, dropped sentences, notices."""
    status = answer_status(ans)
    lines = [
        f"**{STATUS_LABEL.get(status, status)}**　回答方式：{MODE_LABEL.get(ans.mode, ans.mode)}"
    ]
    if ans.dropped:
        lines.append(f"核验删去 {len(ans.dropped)} 句无依据的内容：")
        lines += [f"- ~~{md_inline(d.sentence)}~~（{md_inline(d.reason)}）" for d in ans.dropped]
    if ans.notice:
        lines.append(md_quote(ans.notice))
    return "\n\n".join(lines)


def _citation_choices(ans) -> list[tuple[str, str]]:
    return [
        (f"[{c.n}] 《{c.title}》 {_where(c.page, c.sheet, c.row)}".rstrip(), c.chunk_id)
        for c in ans.citations
    ]


def _rows(result: dict) -> tuple[list[str], list[list]]:
    """A lookup result as table headers and rows (fields first, then where it is from)."""
    fields: list[str] = []
    for r in result.get("results", []):
        # Contact columns come back (as "restricted") only for members and the secretariat.
        for f in {**r.get("fields", {}), **(r.get("restricted") or {})}:
            if f not in fields:
                fields.append(f)
    headers = fields + ["来源", "位置"]
    rows = []
    for r in result.get("results", []):
        f = {**r.get("fields", {}), **(r.get("restricted") or {})}
        rows.append(
            [str(f.get(k, "")) for k in fields]
            + [r.get("source", ""), _where(r.get("page"), r.get("sheet"), r.get("row"))]
        )
    return headers, rows


def build_app(service: Service) -> gr.Blocks:
    """The whole page. Each handler is a thin call into `service` with the session token."""

    # Anyone may POST a file to gradio's upload endpoint; it is served from gradio's cache to
    # whoever has its URL until an event uses it (ours then deletes it: drop_gradio_copies).
    # A file no event ever uses is swept after settings.upload_cache_seconds.
    age = max(1, service.index.settings.upload_cache_seconds)
    with gr.Blocks(
        title="产教通 · 市域产教联合体文档助手", delete_cache=(max(1, age // 10), age)
    ) as app:
        token = gr.State("")
        gr.Markdown("# 产教通 · 市域产教联合体文档助手")
        with gr.Row():
            who = gr.Markdown("当前身份：访客（仅公开文档）", elem_id="who")
        with gr.Accordion(
            "登录（成员单位 / 秘书处）", open=False, elem_id="login-box"
        ) as login_box:
            with gr.Row():
                login_name = gr.Textbox(label="账号", elem_id="login-name", scale=2)
                login_pw = gr.Textbox(
                    label="密码", type="password", elem_id="login-password", scale=2
                )
                login_btn = gr.Button("登录", variant="primary", elem_id="login-btn", scale=1)
                logout_btn = gr.Button("退出", elem_id="logout-btn", scale=1)
            login_msg = gr.Markdown()

        with gr.Tabs():
            # -- 智能问答 -----------------------------------------------------------------
            with gr.Tab("智能问答", id="chat"):
                history = gr.State([])
                citations = gr.State({})
                chatbot = gr.Chatbot(label="问答", height=420, elem_id="chatbot")
                with gr.Row():
                    question = gr.Textbox(
                        label="问题",
                        placeholder="例如：企业接收学生实习有哪些补贴？",
                        scale=5,
                        elem_id="question",
                        max_length=service.index.settings.max_question_chars,  # issue 13
                    )
                    ask_btn = gr.Button("提问", variant="primary", scale=1, elem_id="ask-btn")
                    clear_btn = gr.Button("新对话", scale=1)
                details = gr.Markdown(elem_id="answer-details")
                cite_pick = gr.Radio(
                    label="引用来源（点击查看原文）", choices=[], elem_id="citations"
                )
                passage = gr.Markdown(elem_id="passage")
                source_dl = gr.DownloadButton(
                    "下载原文件", visible=False, elem_id="source-download"
                )
                for who_asks, examples in EXAMPLES.items():
                    gr.Examples(examples, inputs=question, label=f"{who_asks}常问")

            # -- the four lookups ------------------------------------------------------------
            lookup_parts = {}
            for kind, label in LOOKUP_TABS:
                with gr.Tab(label, id=f"lookup-{kind}"):
                    if kind in SUBKINDS:
                        sub = gr.Radio(
                            label="类别", choices=SUBKINDS[kind], value=kind, elem_id=f"{kind}-kind"
                        )
                    else:
                        sub = gr.State(kind)
                    with gr.Row():
                        q = gr.Textbox(label="关键词", scale=4, elem_id=f"{kind}-query")
                        field = gr.Dropdown(
                            label="筛选字段", choices=[], allow_custom_value=True, scale=2
                        )
                        value = gr.Textbox(label="字段值（包含）", scale=2, elem_id=f"{kind}-value")
                    with gr.Row():
                        since = gr.Textbox(label="起始日期", placeholder="2024-01-01", scale=1)
                        until = gr.Textbox(label="截止日期", placeholder="2026-12-31", scale=1)
                        go = gr.Button("查询", variant="primary", scale=1, elem_id=f"{kind}-go")
                    count = gr.Markdown(elem_id=f"{kind}-count")
                    table = gr.Dataframe(
                        headers=["名称", "来源", "位置"],
                        label="结果（点列名排序，点行查看详情）",
                        interactive=False,
                        type="array",
                        elem_id=f"{kind}-table",
                        wrap=True,
                    )
                    results = gr.State({})
                    detail = gr.Markdown(elem_id=f"{kind}-detail")
                    parts = {"sub": sub, "q": q, "field": field, "value": value, "since": since}
                    parts |= {"until": until, "go": go, "count": count, "table": table}
                    parts |= {"results": results, "detail": detail}
                    if kind in ("demand", "achievement"):
                        parts["match_btn"] = gr.Button(
                            "为选中的一行匹配供需", elem_id=f"{kind}-match"
                        )
                        parts["match_out"] = gr.Markdown(elem_id=f"{kind}-match-out")
                        parts["picked"] = gr.State("")
                    if kind == "policy":
                        with gr.Accordion("政策匹配：填写企业情况，找出可申请的政策", open=True):
                            with gr.Row():
                                industry = gr.Textbox(label="行业", elem_id="profile-industry")
                                size = gr.Dropdown(
                                    label="规模",
                                    choices=["大型", "中型", "小型", "微型"],
                                    value=None,
                                    elem_id="profile-size",
                                )
                                district = gr.Textbox(
                                    label="所在区（市、县）", elem_id="profile-district"
                                )
                            flags = gr.CheckboxGroup(
                                label="企业情况",
                                choices=[
                                    "高新技术企业",
                                    "专精特新",
                                    "产教融合型企业",
                                    "联合体成员单位",
                                    "接收学生实习",
                                    "开展新型学徒制",
                                ],
                            )
                            match_go = gr.Button(
                                "匹配政策", variant="primary", elem_id="policy-match"
                            )
                            match_out = gr.Markdown(elem_id="policy-match-out")
                        parts |= {"industry": industry, "size": size, "district": district}
                        parts |= {"flags": flags, "match_go": match_go, "match_out": match_out}
                    lookup_parts[kind] = parts

            # -- 自评报告 (secretariat) ---------------------------------------------------
            with gr.Tab("自评报告", id="report", visible=False) as report_tab:
                with gr.Row():
                    indicators = gr.Textbox(
                        label="指标（编号，逗号分隔；留空为全部）", elem_id="draft-indicators"
                    )
                    year = gr.Number(label="年度", value=2024, precision=0, elem_id="draft-year")
                    draft_kind = gr.Dropdown(
                        label="类型", choices=DRAFT_KINDS, value=DRAFT_KINDS[0][1]
                    )
                with gr.Row():
                    cover_btn = gr.Button("查看覆盖情况", elem_id="coverage-btn")
                    draft_btn = gr.Button("起草报告", variant="primary", elem_id="draft-btn")
                report_msg = gr.Markdown(elem_id="draft-msg")
                coverage = gr.Dataframe(
                    headers=COVERAGE_HEADERS,
                    label="覆盖矩阵（达标 / 未达标 / 暂无数据；目标与实际）",
                    interactive=False,
                    type="array",
                    elem_id="coverage-table",
                    wrap=True,
                    column_widths=["9%", "37%", "6%", "10%", "13%", "13%", "12%"],
                )
                preview = gr.Markdown(elem_id="draft-preview")
                with gr.Row():
                    docx_file = gr.DownloadButton("下载 .docx", visible=False, elem_id="dl-docx")
                    md_file = gr.DownloadButton("下载 .md", visible=False, elem_id="dl-md")

            # -- 文档管理 (secretariat) ---------------------------------------------------
            with gr.Tab("文档管理", id="docs", visible=False) as docs_tab:
                with gr.Row():
                    uploads = gr.File(
                        label="上传文件（可多选）",
                        file_count="multiple",
                        type="filepath",
                        elem_id="upload-files",
                    )
                    with gr.Column():
                        upload_vis = gr.Radio(
                            label="可见范围",
                            choices=[(v, k) for k, v in VISIBILITY_LABEL.items()],
                            value="public",
                            elem_id="upload-visibility",
                        )
                        upload_btn = gr.Button(
                            "上传并索引", variant="primary", elem_id="upload-btn"
                        )
                upload_out = gr.Dataframe(
                    headers=["文件", "结果", "段落数", "说明"],
                    label="上传结果",
                    interactive=False,
                    type="array",
                    elem_id="upload-results",
                )
                refresh_btn = gr.Button("刷新文档列表", elem_id="docs-refresh")
                docs_table = gr.Dataframe(
                    headers=DOC_HEADERS,
                    label="已索引的文档（点行选中）",
                    interactive=False,
                    type="array",
                    elem_id="docs-table",
                    wrap=True,
                )
                with gr.Row():
                    doc_id = gr.Textbox(label="选中的文档ID", elem_id="doc-id")
                    new_vis = gr.Dropdown(
                        label="新的可见范围",
                        choices=[(v, k) for k, v in VISIBILITY_LABEL.items()],
                        value="member",
                    )
                    vis_btn = gr.Button("修改可见范围", elem_id="vis-btn")
                    reindex_btn = gr.Button("重新索引")
                    remove_btn = gr.Button("删除", variant="stop")
                docs_msg = gr.Markdown(elem_id="docs-msg")

        # ---------------------------------------------------------------------------------
        # handlers: presentation only; roles are applied by `service`

        def who_is(tok):
            """The identity line; an expired login says so (the page then acts as a visitor)."""
            if service.session_notice(tok):
                return "当前身份：访客（登录已过期，请重新登录）"
            return f"当前身份：{md_inline(service.describe_caller(tok))}"

        def notice(tok) -> str:
            """ "登录已过期…" as a line above a result, when this page's login has expired."""
            said = service.session_notice(tok)
            return f"【提示】{md_text(said)}\n\n" if said else ""

        def do_login(name, password, tok, request: gr.Request):
            try:
                new_tok, caller = service.login(name, password, _client(request))
            except AccountError as e:
                return (tok, _error(e), gr.update(), gr.update(), gr.update(), "", gr.update())
            service.logout(tok)
            secretariat = manages_documents(caller.role)
            return (
                new_tok,
                f"已登录：{md_inline(caller.name)}（{ROLE_LABEL[caller.role]}）",
                f"当前身份：{md_inline(caller.name)}（{ROLE_LABEL[caller.role]}）",
                gr.update(visible=secretariat),
                gr.update(visible=secretariat),
                "",
                gr.update(open=False),
            )

        def do_logout(tok):
            # What this page showed the account goes with it: the chat and the open passage
            # (a visitor's follow-up must not be condensed with a member's answers).
            service.logout(tok)
            return (
                "",
                "已退出",
                "当前身份：访客（仅公开文档）",
                gr.update(visible=False),
                gr.update(visible=False),
                "",
                gr.update(),
                [],
                [],
                "",
                gr.update(choices=[], value=None),
            )

        login_outputs = [token, login_msg, who, report_tab, docs_tab, login_pw, login_box]
        login_btn.click(
            do_login, [login_name, login_pw, token], login_outputs, api_visibility="private"
        )
        logout_btn.click(
            do_logout,
            [token],
            login_outputs + [chatbot, history, passage, cite_pick],
            api_visibility="private",
        )

        def chat(q, shown, hist, tok):
            q = (q or "").strip()
            if not q:
                yield shown, hist, "", gr.update(), {}, "", gr.update(visible=False)
                return
            shown = list(shown or []) + [{"role": "user", "content": md_text(q)}]
            tokens: queue.Queue = queue.Queue()
            box: dict = {}

            def run():
                try:
                    box["answer"] = service.ask(q, tok, history=hist, on_token=tokens.put)
                except Exception as e:  # shown in the chat, never a traceback
                    box["error"] = e
                tokens.put(None)

            threading.Thread(target=run, daemon=True).start()
            partial = ""
            wait = shown + [{"role": "assistant", "content": "检索中……"}]
            yield wait, hist, "", gr.update(choices=[], value=None), {}, "", gr.update()
            while (tok_ := tokens.get()) is not None:
                partial += tok_
                draft = f"{md_text(partial)}\n\n*（生成中，引用核验后显示最终回答）*"
                yield (
                    shown + [{"role": "assistant", "content": draft}],
                    hist,
                    "",
                    gr.update(),
                    {},
                    "",
                    gr.update(),
                )
            if "error" in box:
                msg = _error(box["error"])
                yield (
                    shown + [{"role": "assistant", "content": msg}],
                    hist,
                    "",
                    gr.update(),
                    {},
                    "",
                    gr.update(),
                )
                return
            ans = box["answer"]
            final = _answer_markdown(ans)
            # Offline answers are complete at once; they are shown line by line all the same.
            lines = final.split("\n")
            for i in range(1, len(lines)):
                part = "\n".join(lines[:i])
                yield (
                    shown + [{"role": "assistant", "content": part}],
                    hist,
                    "",
                    gr.update(),
                    {},
                    "",
                    gr.update(),
                )
            new_hist = (
                list(hist or [])
                + [
                    {"role": "user", "content": q},
                    {"role": "assistant", "content": ans.answer},
                ]
            )[-8:]
            cites = {c.chunk_id: c.to_json() for c in ans.citations}
            yield (
                shown + [{"role": "assistant", "content": final}],
                new_hist,
                notice(tok) + _answer_details(ans),
                gr.update(choices=_citation_choices(ans), value=None, visible=bool(ans.citations)),
                cites,
                "",
                gr.update(visible=False),
            )

        chat_outputs = [chatbot, history, details, cite_pick, citations, passage, source_dl]
        gr.on(
            [ask_btn.click, question.submit],
            chat,
            [question, chatbot, history, token],
            chat_outputs,
            # Undocumented, not private: the benchmark times its first streamed token. It
            # runs as the page's session (a visitor unless logged in on that page).
            api_name="chat",
            api_visibility="undocumented",
            concurrency_id="answer",
            concurrency_limit=CONCURRENCY,
        ).then(lambda: "", None, question, api_visibility="private").then(
            who_is, token, who, api_visibility="private"
        )
        clear_btn.click(
            lambda: (
                [],
                [],
                "",
                gr.update(choices=[], value=None),
                {},
                "",
                gr.update(visible=False),
            ),
            None,
            chat_outputs,
            api_visibility="private",
        )

        def open_citation(chunk_id, tok):
            if not chunk_id:
                return "", gr.update(visible=False)
            try:
                chunk = service.chunk(chunk_id, tok)
            except StoreError as e:
                return _error(e), gr.update(visible=False)
            if chunk is None:
                return "【提示】无权查看，或该段落已不在索引中", gr.update(visible=False)
            where = _where(chunk.page, chunk.sheet, chunk.row)
            text = (
                f"**《{md_inline(chunk.doc.title)}》**　"
                f"文件：{md_inline(chunk.doc.source)}　{where}\n\n{md_quote(chunk.text)}"
            )
            path = service.source_file(chunk.doc.source, tok)
            if path is None:
                return text, gr.update(visible=False)
            return text, gr.update(value=str(_download_copy(path)), visible=True)

        cite_pick.change(
            open_citation, [cite_pick, token], [passage, source_dl], api_visibility="private"
        )

        # -- lookups ---------------------------------------------------------------------
        for kind, p in lookup_parts.items():

            def run_find(kind, q, field, value, since, until, tok):
                where = {field: value} if field and value else None
                try:
                    result = service.find(kind, q or "", tok, where, since, until, limit=50)
                except (MissingFeatureError, ValueError, RoleError, StoreError) as e:
                    return _error(e), gr.update(value=[[]], headers=["—"]), {}, ""
                headers, rows = _rows(result)
                total = result.get("total", len(rows))
                shown = notice(tok) + f"共 {total} 条，显示 {len(rows)} 条"
                return shown, gr.update(value=rows or [[]], headers=headers), result, ""

            gr.on(
                [p["go"].click, p["q"].submit],
                run_find,
                [p["sub"], p["q"], p["field"], p["value"], p["since"], p["until"], token],
                [p["count"], p["table"], p["results"], p["detail"]],
                api_visibility="private",
            )

            def show_detail(result, evt: gr.SelectData):
                rows = result.get("results", []) if result else []
                i = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
                # A sorted table reports the row as shown: find it by its values.
                shown = [str(v) for v in (getattr(evt, "row_value", None) or [])]
                rendered = _rows(result)[1] if rows else []
                i = next((j for j, r in enumerate(rendered) if r == shown), i)
                if not rows or i is None or i >= len(rows):
                    return "", ""
                r = rows[i]
                shown_fields = {**r.get("fields", {}), **(r.get("restricted") or {})}
                lines = [f"- **{md_inline(k)}**：{md_inline(v)}" for k, v in shown_fields.items()]
                where = _where(r.get("page"), r.get("sheet"), r.get("row"))
                lines.append(f"\n来源：{md_inline(r.get('source', ''))} {md_inline(where)}")
                fields = r.get("fields", {})
                item = r.get("id") or r.get("item_id") or fields.get("编号") or ""
                return "\n".join(lines), str(item)

            picked = p.get("picked") or gr.State("")
            p["table"].select(
                show_detail, [p["results"]], [p["detail"], picked], api_visibility="private"
            )

            def load_fields(kind):
                try:
                    return gr.update(choices=service.fields_of(kind))
                except Exception:  # no lookup module yet, or an empty index
                    return gr.update(choices=[])

            app.load(load_fields, p["sub"], p["field"], api_visibility="private")
            if kind in SUBKINDS:
                p["sub"].change(load_fields, p["sub"], p["field"], api_visibility="private")

            if "match_btn" in p:

                def run_match_demand(item_id, tok):
                    if not item_id:
                        return "请先在表中点选一行"
                    try:
                        return notice(tok) + _match_markdown(service.match_demand(item_id, tok))
                    except (MissingFeatureError, ValueError, KeyError, RoleError, StoreError) as e:
                        return notice(tok) + _error(e)

                p["match_btn"].click(
                    run_match_demand, [picked, token], p["match_out"], api_visibility="private"
                )
            if kind == "policy":

                def run_match_policy(industry, size, district, flags, tok):
                    profile = {
                        "industry": industry or "",
                        "size": size or "",
                        "district": district or "",
                        "flags": list(flags or []),
                    }
                    try:
                        return notice(tok) + _policy_markdown(service.match_policy(profile, tok))
                    except (MissingFeatureError, ValueError, RoleError, StoreError) as e:
                        return notice(tok) + _error(e)

                p["match_go"].click(
                    run_match_policy,
                    [p["industry"], p["size"], p["district"], p["flags"], token],
                    p["match_out"],
                    api_visibility="private",
                )

        # -- report ----------------------------------------------------------------------
        def run_coverage(y, tok):
            try:
                m = service.coverage(int(y or 0), tok)
            except (MissingFeatureError, RoleError, ValueError, StoreError) as e:
                return notice(tok) + _error(e), gr.update()
            headers, rows = _coverage_rows(m)
            return _coverage_summary(m), gr.update(value=rows, headers=headers)

        cover_btn.click(
            run_coverage, [year, token], [report_msg, coverage], api_visibility="private"
        )

        def run_draft(codes, y, kind, tok):
            wanted = [c.strip() for c in (codes or "").replace("，", ",").split(",") if c.strip()]
            out = Path(tempfile.mkdtemp(prefix="chanjiao-draft-"))
            try:
                d, docx, md = service.draft(tok, wanted or None, int(y or 2024), kind, out)
            except (MissingFeatureError, RoleError, ValueError, StoreError) as e:
                hide = gr.update(visible=False)
                return notice(tok) + _error(e), "", hide, hide
            n = len(d.get("indicators", []))
            mode = {"offline": "离线撰写", "llm": "大模型撰写"}.get(d.get("mode"), d.get("mode"))
            msg = f"已起草 {n} 项指标（{mode}，用时 {d.get('seconds', 0)} 秒）"
            if d.get("notice"):  # the model failed: the prose is the offline one
                msg += f"\n\n> {d['notice']}"
            return (
                msg,
                _draft_markdown(d),
                gr.update(value=str(docx), visible=True),
                gr.update(value=str(md), visible=True),
            )

        draft_btn.click(
            run_draft,
            [indicators, year, draft_kind, token],
            [report_msg, preview, docx_file, md_file],
            api_visibility="private",
            concurrency_id="answer",
        )

        # -- documents -------------------------------------------------------------------
        def list_docs(tok):
            try:
                docs = service.documents(tok)
            except (RoleError, StoreError) as e:
                return gr.update(value=[[]]), notice(tok) + _error(e)
            rows = [
                [
                    d["title"],
                    DOC_TYPE_LABEL.get(d["doc_type"], d["doc_type"]),
                    d["date"],
                    d["chunks"],
                    VISIBILITY_LABEL.get(d["visibility"], d["visibility"]),
                    d["source"],
                    d["doc_id"],
                ]
                for d in docs
            ]
            return gr.update(value=rows or [[]]), f"共 {len(rows)} 个文档"

        def do_upload(files, vis, tok, progress=gr.Progress()):  # noqa: B008 (gradio's idiom)
            if not files:
                return None, [["—", "未选择文件", "", ""]], *list_docs(tok)
            paths = [Path(f if isinstance(f, str) else f.name) for f in files]

            def report(done, total, name):
                progress((done, total), desc=f"正在索引 {name}" if name else "完成", unit="个文件")

            # gradio keeps each uploaded file in its cache folder and serves it to anyone
            # holding its URL: once the upload is handled (indexed, refused or failed), that
            # copy goes — the index keeps its own copy in the uploads folder.
            # (A copy already gone: the same content sent at once by another page, whose
            # upload dropped the copy both shared.)
            gone = [[p.name, "失败", "", GONE] for p in paths if not p.is_file()]
            try:
                present = [p for p in paths if p.is_file()]
                results = service.upload(present, tok, vis or "public", progress=report)
            except (RoleError, ValueError, StoreError) as e:
                return None, [["—", _plain_error(e), "", ""]], *list_docs(tok)
            finally:
                drop_gradio_copies(paths)
            status = {"indexed": "已索引", "unchanged": "未变（已是最新）", "failed": "失败"}
            rows = gone + [
                [
                    r["file"],
                    status.get(r["status"], r["status"]),
                    r.get("chunks", ""),
                    r.get("reason") or "；".join(r.get("warnings", [])),
                ]
                for r in results
            ]
            return None, rows, *list_docs(tok)

        upload_btn.click(
            do_upload,
            [uploads, upload_vis, token],
            [uploads, upload_out, docs_table, docs_msg],
            api_visibility="private",
            concurrency_id="ingest",
            concurrency_limit=1,
        )
        refresh_btn.click(list_docs, [token], [docs_table, docs_msg], api_visibility="private")
        docs_tab.select(list_docs, [token], [docs_table, docs_msg], api_visibility="private")

        def pick_doc(evt: gr.SelectData):
            row = evt.row_value if getattr(evt, "row_value", None) else None
            return str(row[-1]) if row else ""  # the document id is the last column

        docs_table.select(pick_doc, None, doc_id, api_visibility="private")

        def doc_action(action):
            def run(did, vis, tok):
                did = (did or "").strip()
                if not did:
                    return gr.update(), "请先在列表中点选一个文档"
                try:
                    if action == "vis":
                        n = service.set_visibility(did, vis, tok)
                        label = VISIBILITY_LABEL.get(vis, vis)
                        msg = f"已将可见范围改为 {label}（{n} 个段落，未重新计算向量）"
                    elif action == "reindex":
                        r = service.reindex(did, tok)
                        msg = md_inline(
                            f"重新索引：{r['file']} {r['status']} {r.get('reason', '')}"
                        )
                    else:
                        gone = service.remove(did, tok)
                        msg = f"已删除 {md_inline('、'.join(gone))}"
                except (RoleError, ValueError, KeyError, StoreError) as e:
                    return gr.update(), _error(e)
                rows, _ = list_docs(tok)
                return rows, msg

            return run

        for btn, action in ((vis_btn, "vis"), (reindex_btn, "reindex"), (remove_btn, "remove")):
            btn.click(
                doc_action(action),
                [doc_id, new_vis, token],
                [docs_table, docs_msg],
                api_visibility="private",
                concurrency_id="ingest",
            )

        # -- the API (gradio_client): same methods, token as a parameter ---------------------
        def api_login(name: str, password: str, request: gr.Request) -> dict:
            """Log in; returns {"token", "role"} (or {"error"}). Pass the token to the others."""
            try:
                tok, caller = service.login(name, password, _client(request))
            except AccountError as e:
                return {"error": str(e)}
            return {"token": tok, "role": caller.role, "name": caller.name}

        def api_logout(token: str) -> dict:
            """End a session: the token is a visitor's from now on."""
            service.logout(token)
            return {"ok": True}

        def session(reply: dict, token: str) -> dict:
            """A reply for an expired token carries `session_notice` (it was answered as a
            visitor's); other replies are unchanged."""
            said = service.session_notice(token)
            return {**reply, "session_notice": said} if said else reply

        def api_ask(question: str, token: str = "", history: str = "[]") -> dict:
            """Answer a question with citations (the `chanjiao ask --json` shape + status)."""
            hist = json.loads(history or "[]")
            try:
                answer = _guarded(lambda: answer_json(service.ask(question, token, history=hist)))
            except QuestionError as e:  # the reason, and only a prefix of the question
                answer = rejected_answer_json(e)
            return session(answer, token)

        def api_search(query: str, token: str = "", k: int = 5) -> dict:
            """The top-k passages for `query` (the `chanjiao search --json` shape)."""
            try:
                found = _guarded(lambda: service.search(query, token, k=k))
            except QuestionError as e:
                found = rejected_search_json(e)
            return session(found, token)

        def api_find(
            kind: str,
            query: str = "",
            token: str = "",
            where: str = "{}",
            since: str = "",
            until: str = "",
            limit: int = 20,
            offset: int = 0,
        ) -> dict:
            """Records of one kind (policy, demand, supply, achievement, course, …)."""
            return session(
                _guarded(
                    lambda: service.find(
                        kind, query, token, json.loads(where or "{}"), since, until, limit, offset
                    )
                ),
                token,
            )

        def api_match(what: str, value: str, token: str = "") -> dict:
            """what="policy": value is a profile JSON; what="demand": value is an item id."""
            if what == "policy":
                got = _guarded(lambda: service.match_policy(json.loads(value or "{}"), token))
            else:
                got = _guarded(lambda: service.match_demand(value, token))
            return session(got, token)

        def api_draft(
            token: str = "", indicators: str = "", year: int = 2024, kind: str = "self-assessment"
        ) -> dict:
            """Draft a report (secretariat only); the draft JSON."""
            codes = [c.strip() for c in indicators.split(",") if c.strip()] or None
            return session(_guarded(lambda: service.draft(token, codes, year, kind)[0]), token)

        def api_upload(
            name: str, content_b64: str, token: str = "", visibility: str = "public"
        ) -> dict:
            """Upload one file (base64) and index it (secretariat only): the per-file result
            of the 文档管理 tab, {"file", "status", "chunks"|"reason"}. For scripts that feed
            the index while the app serves (one writer: the app itself)."""
            return _guarded(lambda: _upload_b64(service, name, content_b64, token, visibility))

        gr.api(api_login, api_name="login", concurrency_id="login")
        gr.api(api_logout, api_name="logout", concurrency_id="login")
        gr.api(api_ask, api_name="ask", concurrency_id="answer", concurrency_limit=CONCURRENCY)
        gr.api(api_search, api_name="search", concurrency_id="answer")
        gr.api(api_find, api_name="find", concurrency_id="answer")
        gr.api(api_match, api_name="match", concurrency_id="answer")
        gr.api(api_draft, api_name="draft", concurrency_id="answer")
        gr.api(api_upload, api_name="upload", concurrency_id="ingest", concurrency_limit=1)
    return app


GONE = "上传的文件已失效，请重新选择后上传 (the uploaded copy is gone; select the file again)"


def drop_gradio_copies(paths: list[Path]) -> list[Path]:
    """Delete gradio's cached copies of uploaded files (`<gradio temp dir>/<hash>/<name>`)
    and their then-empty hash folders; returns what was deleted.

    gradio serves a cached file to whoever requests its URL (`/gradio_api/file=…`) for as
    long as it exists; an upload may be member-only, so its copy must not outlive the
    upload. Only paths inside gradio's own cache folder are touched."""
    from gradio.utils import get_upload_folder

    cache = Path(get_upload_folder()).resolve()
    dropped = []
    for path in paths:
        path = Path(path).resolve()
        if cache not in path.parents:
            continue
        try:
            path.unlink(missing_ok=True)
            dropped.append(path)
            if path.parent != cache:
                path.parent.rmdir()  # the per-file hash folder; fails (kept) when not empty
        except OSError:
            pass
    return dropped


def _client(request) -> str:
    """The caller's address, for counting failed logins per client ("" when unknown)."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "")


def _guarded(fn) -> dict:
    """An API result, or {"error": message} for a refused or impossible call."""
    try:
        return fn()
    except QuestionError:
        raise  # answered in the shape of its call (rejected_answer_json / _search_json)
    except (RoleError, MissingFeatureError, ValueError, KeyError, StoreError) as e:
        return {"error": str(e), "kind": type(e).__name__}


def _upload_b64(service: Service, name: str, content_b64: str, token: str, visibility: str):
    """Decode an API upload into a private temporary folder and hand it to `service.upload`
    (which checks the role, stores a sanitised copy and indexes it)."""
    import base64
    import binascii
    import shutil

    role = service.caller(token).role
    require(role, manages_documents(role), "上传文档")  # before any decoding
    limit = service.index.settings.max_file_mb * 1024 * 1024
    if len(content_b64 or "") > limit * 4 // 3 + 4:
        raise ValueError(
            f"文件超过 {service.index.settings.max_file_mb} MB 上限 (file larger than the limit)"
        )
    try:
        data = base64.b64decode(content_b64 or "", validate=True)
    except (binascii.Error, ValueError) as e:
        raise ValueError("文件内容不是有效的 base64 编码 (content is not valid base64)") from e
    tmp = Path(tempfile.mkdtemp(prefix="chanjiao-api-upload-"))
    try:
        path = tmp / safe_name(name or "upload")
        path.write_bytes(data)
        return service.upload([path], token, visibility or "public")[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_DOWNLOADS = Path(tempfile.mkdtemp(prefix="chanjiao-sources-"))


def _download_copy(path: Path) -> Path:
    """A copy of a source file for download. The original folders are never served, so a
    file is reachable only after `service.source_file` has checked the caller may see it."""
    target = _DOWNLOADS / f"{time.time_ns()}" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())
    return target


VERDICT_LABEL = {"eligible": "可能符合", "possible": "需核实", "not_eligible": "不符合"}
CONDITION_LABEL = {"met": "【满足】", "not_met": "【不满足】", "unknown": "【待确认】"}
POLICY_STATUS = {"current": "有效", "expired": "已失效", "superseded": "已被取代"}


def _policy_markdown(result: dict) -> str:
    """Each qualifying policy with its verdict and every condition met / not met / unknown,
    quoting its clause; then what it pays, by when, how to apply."""
    items = result.get("matches", [])
    if not items:
        return "没有找到符合条件的有效政策。"
    out = []
    for p in items:
        number = f"（{md_inline(p['doc_number'])}）" if p.get("doc_number") else ""
        verdict = md_inline(VERDICT_LABEL.get(p.get("verdict", ""), p.get("verdict", "")))
        status = md_inline(POLICY_STATUS.get(p.get("status", ""), p.get("status", "")))
        out.append(f"### 《{md_inline(p.get('title', ''))}》{number} — {verdict}（{status}）")
        for c in p.get("conditions", []):
            mark = CONDITION_LABEL.get(c.get("status", ""), md_inline(c.get("status", "")))
            out.append(
                f"- {mark} {md_inline(c.get('clause', ''))}{md_inline(describe_condition(c))}"
            )
        for a in p.get("amounts", [])[:3]:
            out.append(f"- 补贴：{md_inline(a.get('text', ''))}")
        for d in p.get("deadlines", [])[:2]:
            out.append(f"- 时限：{md_inline(d.get('text', ''))}")
        for h in p.get("how_to_apply", [])[:2]:
            out.append(f"- 申请：{md_inline(h.get('text', ''))}")
        out.append(f"\n来源：{md_inline(p.get('source', ''))}")
    excluded = result.get("excluded", [])
    if excluded:
        out.append(
            "\n已排除（失效或被取代）："
            + "；".join(f"《{md_inline(e.get('title', ''))}》" for e in excluded)
        )
    return "\n".join(out)


def _match_markdown(result: dict) -> str:
    """The counterpart items for one demand or supply row, with why each was matched;
    contact columns appear only when the reply carries them (members and the secretariat)."""
    items = result.get("matches", [])
    if not items:
        return "没有找到可匹配的供需条目。"
    out = []
    for m in items:
        fields = m.get("fields", {})
        head = md_inline("；".join(f"{k}：{v}" for k, v in list(fields.items())[:4]))
        contacts = md_inline("；".join(f"{k}：{v}" for k, v in (m.get("restricted") or {}).items()))
        cite = m.get("citation") or {}
        where = _where(cite.get("page"), cite.get("sheet"), cite.get("row"))
        said = md_inline(f"{m.get('reason', '')}；{cite.get('source', '')} {where}")
        line = f"- {head}（{said}）"
        out.append(line + (f"\n  联系方式：{contacts}" if contacts else ""))
    return "\n".join(out)


POINT_STATUS = {"met": "达标", "not_met": "未达标", "no_data": "暂无数据", "no_target": "无目标值"}
VETO_STATUS = {"clear": "未触及", "triggered": "触及", "no_data": "未见自查结论"}
COVERAGE_HEADERS = ["观测点", "名称", "指标", "状态", "目标", "实际", "完成度"]


def _coverage_rows(m: dict) -> tuple[list[str], list[list]]:
    """The coverage matrix as a table: one 观测点 a row, met / not met / no data."""
    rows = [
        [
            p.get("code", ""),
            p.get("name", ""),
            p.get("indicator", ""),
            POINT_STATUS.get(p.get("status", ""), p.get("status", "")),
            p.get("target") or "",
            p.get("actual") or "",
            ""
            if p.get("completion") is None
            else f"{p['completion']:.0%}"
            if isinstance(p.get("completion"), (int, float))
            else str(p.get("completion")),
        ]
        for p in m.get("points", [])
    ]
    return COVERAGE_HEADERS, rows or [["—"] * len(COVERAGE_HEADERS)]


def _coverage_summary(m: dict) -> str:
    counts = m.get("counts", {})
    parts = [f"{POINT_STATUS.get(k, k)} {v}" for k, v in counts.items()]
    vetoes = [
        f"{md_inline(v.get('code', ''))} {md_inline(v.get('name', ''))}："
        f"{VETO_STATUS.get(v.get('status'), '')}"
        for v in m.get("vetoes", [])
    ]
    text = f"{m.get('year', '')} 年：" + "，".join(parts)
    return text + ("\n\n否决项：" + "；".join(vetoes) if vetoes else "")


def _draft_markdown(d: dict) -> str:
    title = {"self-assessment": "自评报告", "plan": "建设方案"}.get(d.get("kind", ""), "")
    out = [f"## {md_inline(d.get('year', ''))} 年度{title}（草稿）"]
    for ind in d.get("indicators", []):
        out.append(f"### {md_inline(ind.get('code', ''))} {md_inline(ind.get('title', ''))}")
        out.append(md_text(ind.get("narrative", "")))
        if ind.get("missing"):
            out.append("**待补充材料：** " + "；".join(md_inline(x) for x in ind["missing"]))
    if d.get("vetoes"):
        out.append(
            "### 否决项\n"
            + "\n".join(
                f"- {md_inline(v.get('code', ''))} {md_inline(v.get('name', ''))}："
                f"{md_inline(VETO_STATUS.get(v.get('status'), v.get('status', '')))}"
                if isinstance(v, dict)
                else f"- {md_inline(v)}"
                for v in d["vetoes"]
            )
        )
    return "\n\n".join(out)


# -- serving --------------------------------------------------------------------------------


def make_service(settings: Settings, show_progress: bool = True) -> Service:
    """Open the index once (models loaded here), bootstrap an empty one, warm up."""
    from .context import ensure_corpus, make_chat, open_index

    index = open_index(settings, show_progress=show_progress)
    if not settings.uses_server or index.is_empty():
        ensure_corpus(index, quiet=not show_progress)
    # The first question should not pay for loading: the view, the embedder, jieba.
    index.retriever.search("产教融合", k=1)
    accounts = Accounts(UserStore(settings.users_path), Sessions(ttl=settings.session_hours * 3600))
    return Service(index, accounts, chat=make_chat(settings))


def make_asgi(service: Service):
    """A FastAPI app: /health plus the gradio page at /."""
    from fastapi import FastAPI

    api = FastAPI()

    @api.get("/health")
    def health():
        try:
            # Ask the store itself: the view may be a cached one for up to its refresh time.
            service.retriever.store.doc_count()
            view = service.retriever.view()
        except StoreError as e:  # a Chroma server gone away: say so, with 503 for monitors
            from fastapi.responses import JSONResponse

            return JSONResponse({"status": "unavailable", "error": str(e)}, status_code=503)
        return {
            "status": "ok",
            "chunks": len(view.chunks),
            "docs": len({c.doc.doc_id for c in view.chunks}),
            "llm": service.chat is not None,
        }

    app = build_app(service).queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    # Uploads larger than the ingest limit are refused by gradio before they are stored.
    limit = f"{service.index.settings.max_file_mb}mb"
    return gr.mount_gradio_app(
        api, app, path="", css=CSS, footer_links=["api"], max_file_size=limit
    )


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> int:
    """`chanjiao serve`: load once, print the address, serve until interrupted."""
    import uvicorn

    offline_environment()
    started = time.perf_counter()
    print("正在加载索引与模型…… (loading index and models)", file=sys.stderr, flush=True)
    service = make_service(settings)
    asgi = make_asgi(service)
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    n = len(service.retriever.view().chunks)
    print(
        f"产教通已就绪（{n} 个段落，用时 {time.perf_counter() - started:.1f} 秒）。"
        f"请在浏览器打开 http://{shown}:{port}/  (ready; open this address)",
        flush=True,
    )
    uvicorn.run(asgi, host=host, port=port, log_level="warning")
    return 0
