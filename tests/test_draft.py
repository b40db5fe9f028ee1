"""Coverage matrix, drafts and their output, checked against the ledger and the task table
read here independently with openpyxl."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import openpyxl
import pytest

from assistant.draft import (
    answer_coverage,
    coverage_matrix,
    draft_report,
    write_docx,
    write_markdown,
)
from assistant.draft.compose import verify_narrative
from assistant.draft.writers import TABLE_HEADER
from assistant.question import QuestionSpec
from assistant.retrieve import Filters
from assistant.verify import numbers_in

from .conftest import CORPUS, HashEmbedder

TASKS = CORPUS / "plans" / "成都市航空航天产教联合体建设期任务分解表（2024-2025）（示例）.xlsx"
LEDGER = CORPUS / "reports" / "成都市航空航天产教联合体指标台账（示例）.xlsx"
DRAFT_FILES = (
    TASKS,
    LEDGER,
    CORPUS / "reports" / "成都市航空航天产教联合体2024年度建设自评报告（示例）.docx",
    CORPUS / "consortium" / "qingyang-2025-12-16-consortium-presentation.txt",
    CORPUS / "standard" / "moe-2024-10-21-jiaozhichengtinghan-2024-20.txt",
)


@pytest.fixture(scope="module")
def draft_index(tmp_path_factory):
    """The documents a draft reads, indexed with the hashing embedder (ranking is not at stake)."""
    from assistant.retrieve import Retriever
    from ingest.embed import VectorCache
    from ingest.pipeline import Ingestor
    from ingest.store import ChromaStore, open_client

    base = tmp_path_factory.mktemp("draft")
    docs = base / "docs"
    docs.mkdir()
    for f in DRAFT_FILES:
        shutil.copy(f, docs / f.name)
        side = f.with_name(f.name + ".meta.json")
        if side.exists():
            shutil.copy(side, docs / side.name)
    store = ChromaStore(open_client(base / "index"), f"d{uuid.uuid4().hex[:8]}")
    embedder = HashEmbedder()
    report = Ingestor(store, embedder, VectorCache(base / "v.npz")).ingest([docs], base=docs)
    assert not report.failed
    return Retriever(store, embedder)


def _rows(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header = [str(c) if c is not None else "" for c in rows[1]]
    return [dict(zip(header, r)) for r in rows[2:] if r[0] is not None]


@pytest.fixture(scope="module")
def truth():
    """(targets, actuals) for 2024: {code: value} read straight from the two workbooks."""
    targets = {}
    for r in _rows(TASKS):
        m = re.search(r"观测点(\d+\.\d+\.\d+)", str(r.get("备注") or ""))
        if m:
            targets[m.group(1)] = r["2024年目标"]
    actuals = {}
    for r in _rows(LEDGER):
        if str(r.get("年度")) == "2024" and re.match(r"^\d+\.\d+\.\d+$", str(r["观测点编号"])):
            actuals[str(r["观测点编号"])] = r["数值"]
    return targets, actuals


def _expected(target, actual):
    if actual is None:
        return "no_data", None
    if isinstance(target, str) and target.startswith("≥"):
        return ("met" if float(actual) >= float(target[1:]) else "not_met"), None
    if not isinstance(target, (int, float)) or target == 0:
        return "no_target", None
    return ("met" if actual >= target else "not_met"), round(100 * actual / target, 1)


def test_2024_status_of_every_point_with_a_target(draft_index, truth):
    targets, actuals = truth
    matrix = coverage_matrix(draft_index, 2024)
    assert len(targets) >= 40
    for code, target in targets.items():
        status, completion = _expected(target, actuals.get(code))
        row = matrix.row(code)
        assert row.status == status, code
        assert row.completion == completion, code
    # the two 2024 stragglers the task table and the ledger disagree on most
    assert matrix.row("8.5.1").status == "not_met" and matrix.row("8.5.1").completion == 52.5
    assert matrix.row("7.2.1").status == "not_met"
    # every target and actual is cited by the row it came from
    for code in targets:
        row = matrix.row(code)
        sources = {r.source for r in row.refs()}
        if row.target is not None:  # a target of 0 is "none planned", said in a note
            assert any("任务分解表" in s for s in sources), code
        if row.actual is not None:
            assert any("台账" in s for s in sources), code


def test_cumulative_figures_are_compared_with_cumulative_targets(draft_index):
    m = coverage_matrix(draft_index, 2025)
    row = m.row("8.5.1")
    # the ledger's 2025 figure is 建设以来累计: it is set against 40+45, not the 45 of 2025
    assert row.basis == "cumulative" and row.actual.number == 36
    assert row.target.number == 85 and row.status == "not_met"
    assert m.row("12.1.1").basis == "yearly"  # a rate stays a year's figure


def test_missing_list_is_what_is_really_missing(draft_index, truth):
    _, actuals = truth
    draft = draft_report(draft_index, year=2024)
    ledger_codes = {str(r["观测点编号"]) for r in _rows(LEDGER) if str(r.get("年度")) == "2024"}
    all_missing = set()
    for s in draft.sections:
        all_missing |= set(s.missing)
        for r in s.rows:
            has_ledger_value = actuals.get(r.code) is not None
            if r.code in s.missing:
                assert not has_ledger_value and not r.evidence, r.code
            elif not has_ledger_value:
                # not in the ledger, yet not missing: another document states a figure
                assert r.evidence or r.actual is not None, r.code
    # points the ledger lists as 暂无数据 are in the list
    for code in ("3.3.3", "8.5.3", "9.2.3", "9.2.4", "15.1.2"):
        assert code in ledger_codes and code in all_missing


def _support_numbers(section, year):
    def unit(r):  # the figure as the table states it: value and unit of measure
        u = (r.actual.unit if r.actual is not None else "") or r.point.unit
        return "" if u in ("是否", "%") or "、" in u else u

    table = " ".join(
        f"{r.target_text()}{unit(r)} {r.actual_text()}{unit(r)} {r.completion_text()}"
        for r in section.rows
    )
    quotes = " ".join(ref.quote for ref in section.refs)
    for ref in section.refs:  # a table row states its unit once, in its 单位 column
        u = re.search(r"单位：([^；]+)", ref.quote)
        if u:
            quotes += " " + " ".join(
                f"{n}{u.group(1)}" for n in re.findall(r"\d+(?:\.\d+)?", ref.quote)
            )
    return {(f.kind, f.value) for f in numbers_in(f"{year}年 {table} {quotes}", strict=False)}


def test_every_number_in_the_prose_is_in_a_cited_source(draft_index):
    for kind, year in (("self-assessment", 2024), ("plan", 2025)):
        draft = draft_report(draft_index, year=year, kind=kind)
        assert draft.mode == "offline"
        for s in draft.sections:
            support = _support_numbers(s, year)
            support |= {("num", v) for k, v in support if k == "pct"}
            for fact in numbers_in(s.narrative):
                if fact.kind == "code":
                    continue
                assert (fact.kind, fact.value) in support, (s.indicator.code, fact.shown)


def test_json_shape(draft_index):
    data = draft_report(draft_index, indicators=["8.5"], year=2024).to_json()
    assert set(data) >= {"year", "kind", "mode", "indicators", "vetoes", "seconds"}
    (ind,) = data["indicators"]
    assert set(ind) == {"code", "title", "narrative", "points", "missing"}
    assert ind["code"] == "8" and all(p["code"].startswith("8.5.") for p in ind["points"])
    point = ind["points"][0]
    assert set(point) == {
        "code",
        "name",
        "unit",
        "target",
        "actual",
        "completion",
        "status",
        "sources",
    }
    assert set(point["sources"][0]) == {"source", "sheet", "row", "page", "quote"}
    assert [v["code"] for v in data["vetoes"]] == [f"16.{i}" for i in range(1, 7)]
    assert ind["missing"] == ["8.5.3", "8.5.5"]


def test_vetoes_listed_with_their_evidence(draft_index):
    m = coverage_matrix(draft_index, 2024)
    assert all(v.status == "clear" and v.evidence for v in m.vetoes)
    sixteen3 = next(v for v in m.vetoes if v.code == "16.3")
    assert any("台账" in r.source for r in sixteen3.evidence)
    assert all(v.status == "no_data" for v in coverage_matrix(draft_index, 2023).vetoes)


def test_filters_decide_what_counts_as_evidence(draft_index):
    only_standard = coverage_matrix(draft_index, 2024, filters=Filters(doc_types=("standard",)))
    assert all(r.status == "no_data" for r in only_standard.rows)
    no_plans = coverage_matrix(draft_index, 2024, filters=Filters(doc_types=("report",)))
    assert no_plans.row("8.5.1").status == "no_target"  # the task table is a plan


def test_docx_opens_with_sections_and_tables(draft_index, tmp_path):
    import docx
    from docx.oxml.ns import qn

    draft = draft_report(draft_index, indicators=["8", "9"], year=2024)
    path = write_docx(draft, tmp_path / "自评报告.docx")
    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].startswith("2024年度建设自评报告")
    assert "一、指标完成情况" in texts and "二、否定性指标自查" in texts
    assert "（一）8.“五金”建设" in texts and "（二）9.融通贯通" in texts
    assert "附件：资料来源" in texts
    assert len(doc.tables) == 3  # one per indicator and the 否定性 table
    assert tuple(c.text for c in doc.tables[0].rows[0].cells) == TABLE_HEADER
    codes = [row.cells[0].text.split()[0] for row in doc.tables[0].rows[1:]]
    assert codes == [r.code for r in draft.sections[0].rows]
    assert doc.tables[0].style.name == "Table Grid"
    run = doc.paragraphs[1].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert run.font.size.pt == 16
    for footer in (doc.sections[0].footer, doc.sections[0].even_page_footer):
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —") and "PAGE" in p._element.xml
    assert doc.settings.odd_and_even_pages_header_footer
    n_sources = len(draft.sources())
    assert any(t.startswith(f"{n_sources}. 《") for t in texts)


def test_markdown_output(draft_index, tmp_path):
    draft = draft_report(draft_index, indicators=["8.5"], year=2024)
    text = write_markdown(draft, tmp_path / "d.md").read_text("utf-8")
    assert "| 观测点 | 目标 | 实际 | 完成率 | 来源 |" in text
    assert "| 8.5.1 共建实训基地数(个) | 40 | 21 | 52.5% |" in text
    assert "**待补充**" in text and "8.5.3" in text.split("**待补充**")[1]


def test_unknown_indicator_is_refused(draft_index):
    from assistant.draft import StandardError

    with pytest.raises(StandardError):
        draft_report(draft_index, indicators=["8.9"])


def test_cli_rejects_an_output_it_cannot_write():
    from assistant.cli import main

    with pytest.raises(SystemExit, match="docx"):
        main(["draft", "--indicator", "8", "--out", "report.pdf"])


# --- the model's prose ----------------------------------------------------------------


def test_invented_figure_never_reaches_the_report(draft_index, openai_server):
    from assistant.llm import OpenAIChat

    from .fake_openai import Reply

    def reply(body):
        return (
            "2024年共建实训基地21个，完成率52.5%。\n"
            "“五金”建设中，共建实训基地工位数1012个，超额完成年度目标。\n"
            "另有新建实训基地37个已投入使用。"
        )

    openai_server.default = Reply(reply)
    chat = OpenAIChat("fake-model", base_url=openai_server.base_url, timeout=2.0, max_retries=0)
    draft = draft_report(draft_index, indicators=["8.5"], year=2024, chat=chat)
    assert draft.mode == "llm"
    (section,) = draft.sections
    assert (
        "21个" in section.narrative
        and "“五金”建设中，共建实训基地工位数1012个" in section.narrative
    )
    assert "37" not in section.narrative
    (dropped,) = draft.dropped
    assert "37" in dropped.sentence and "37" in dropped.reason
    prompt = " ".join(m["content"] for m in openai_server.bodies[0]["messages"])
    assert "8.5.1共建实训基地数(个) | 40个 | 21个 | 52.5%" in prompt  # the table the model saw
    assert draft.to_json()["dropped"][0]["sentence"] == dropped.sentence


def test_model_failure_leaves_the_offline_prose(draft_index, openai_server):
    from assistant.llm import OpenAIChat

    from .fake_openai import Fail

    openai_server.default = Fail(500)
    chat = OpenAIChat("fake-model", base_url=openai_server.base_url, timeout=2.0, max_retries=0)
    draft = draft_report(draft_index, indicators=["8.5"], year=2024, chat=chat)
    assert draft.mode == "offline" and draft.notice
    assert "共建实训基地数21个" in draft.sections[0].narrative


def test_verify_narrative_keeps_supported_sentences_only():
    from assistant.verify import Source
    from ingest.types import Chunk, DocMeta

    doc = DocMeta(doc_id="d", source="s", title="t")
    src = Source("S1", Chunk("c", doc, "共建专业31个", "共建专业31个"), "共建专业31个")
    text, dropped = verify_narrative("共建专业31个。共建专业33个。", [src], 2024)
    assert text == "共建专业31个。" and len(dropped) == 1


# --- coverage questions ---------------------------------------------------------------


def spec(text, **kw):
    return QuestionSpec(text=text, norm=text, **kw)


def test_coverage_question_not_met(draft_index, truth):
    targets, actuals = truth
    expected = {c for c, t in targets.items() if _expected(t, actuals.get(c))[0] == "not_met"}
    ans = answer_coverage(
        spec("2023年度哪些观测点的目标没有达成", intent="coverage", years=(2024,), negated=True),
        draft_index,
    )
    listed = set(re.findall(r"^(\d+\.\d+\.\d+) ", ans.answer, re.M))
    assert listed == expected
    assert ans.citations and all(f"[{c.n}]" in ans.answer for c in ans.citations)
    met = answer_coverage(spec("达成情况", intent="coverage", years=(2024,)), draft_index)
    assert not set(re.findall(r"^(\d+\.\d+\.\d+) ", met.answer, re.M)) & expected


def test_coverage_question_about_one_point(draft_index):
    ans = answer_coverage(
        spec("8.5.2的完成率", intent="coverage", codes=("8.5.2",), years=(2024,)), draft_index
    )
    assert "101.2%" in ans.answer and "1012" in ans.answer
    assert any("台账" in c.source for c in ans.citations)


def test_coverage_question_no_data(draft_index):
    ans = answer_coverage(
        spec("还缺哪些观测点的数据", intent="coverage", years=(2024,)), draft_index
    )
    m = coverage_matrix(draft_index, 2024)
    assert set(re.findall(r"^(\d+\.\d+\.\d+) ", ans.answer, re.M)) == {r.code for r in m.missing()}


def test_not_a_coverage_question(draft_index):
    assert answer_coverage(spec("学徒制补贴标准是多少", intent="number"), draft_index) is None


def test_coverage_question_without_a_year_reads_the_latest_ledger_year(draft_index):
    ans = answer_coverage(spec("哪些没有完成", intent="coverage", negated=True), draft_index)
    # the ledger's latest figures (2025) are running totals: said so, and set against the sum
    line = next(ln for ln in ans.answer.splitlines() if ln.startswith("8.5.1 "))
    assert "截至2025-11-30累计36" in line and "2024-2025年目标合计85" in line
    assert ans.mode == "extractive" and ans.notice
