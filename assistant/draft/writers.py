"""A draft written out: Word in the official-document format, and Markdown.

The Word file follows GB/T 9704 as far as a draft needs: A4 with the standard margins,
title in 二号 小标宋, body 三号 仿宋 with a two-character first-line indent and fixed line
spacing, headings 一、(黑体) （一）(楷体) 1.(仿宋 bold), bordered tables with a caption
above, "— 1 —" page numbers at the foot, and the sources as an attachment. East Asian
fonts are set through w:eastAsia, because `font.name` alone sets only the Latin font; the
page-number field is the one piece of XML written by hand (python-docx has no field API).
This module is the only one that imports python-docx for writing.
"""

from __future__ import annotations

from pathlib import Path

from .compose import Draft, Section
from .coverage import STATUS_LABEL, VETO_LABEL, PointStatus

CN_NUM = "一二三四五六七八九十"
TABLE_HEADER = ("观测点", "目标", "实际", "完成率", "来源")
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
LATIN = "Times New Roman"


def cn(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一, 16 → 十六."""
    if n <= 10:
        return CN_NUM[n - 1]
    if n < 20:
        return "十" + CN_NUM[n - 11]
    return CN_NUM[n // 10 - 1] + "十" + (CN_NUM[n % 10 - 1] if n % 10 else "")


def _source_numbers(draft: Draft) -> dict[str, int]:
    return {r.chunk_id: i for i, r in enumerate(draft.sources(), start=1)}


def _row_cells(r: PointStatus, numbers: dict[str, int]) -> list[str]:
    nums = sorted({numbers[x.chunk_id] for x in r.refs() if x.chunk_id in numbers})
    target = r.target_text()
    if r.target is not None and r.basis == "cumulative":
        target += f"（{r.target.period}累计）"
    actual = r.actual_text() or "暂无数据"
    if r.conflicts:
        actual += "；另见" + "、".join(f.value for f in r.conflicts)
    return [
        f"{r.point.code} {r.point.name}",
        target or "—",
        actual,
        r.completion_text() or STATUS_LABEL[r.status],
        "、".join(f"[{n}]" for n in nums) or "—",
    ]


def _location(ref) -> str:
    if ref.page:
        return f"第{ref.page}页"
    if ref.row:
        return f"{ref.sheet or ''}第{ref.row}行"
    return ""


def _short(text: str, n: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _intro(draft: Draft) -> str:
    names = "、".join(f"{s.indicator.code}.{s.indicator.title}" for s in draft.sections)
    if draft.kind == "self-assessment":
        return (
            f"对照《市域产教联合体建设标准（试行）》，按指标逐项开展自评，涉及{names}。"
            "各观测点的目标取自建设期任务分解表，实际完成数取自指标台账，"
            "其他材料中的数据作为佐证一并列出，暂无数据的观测点列入各节“待补充”。"
        )
    return (
        "对照《市域产教联合体建设标准（试行）》和建设期任务分解表，"
        f"聚焦上年未完成的目标，制定本计划，涉及{names}。"
    )


# --- Markdown -------------------------------------------------------------------------


def markdown_text(draft: Draft) -> str:
    numbers = _source_numbers(draft)
    out = [f"# {draft.title}（草稿）", ""]
    if draft.mode == "llm":
        out += ["> 正文由大模型依据证据表起草，数字已逐一核验。", ""]
    out += [_intro(draft), ""]
    out += [f"## 一、指标{'完成情况' if draft.kind == 'self-assessment' else '任务'}", ""]
    for i, s in enumerate(draft.sections, start=1):
        out += _md_section(s, i, numbers, draft.matrix.year)
    out += ["## 二、否定性指标自查", ""]
    out += ["| 否定性指标 | 自查结论 | 来源 |", "|---|---|---|"]
    for v in draft.vetoes:
        nums = "、".join(f"[{numbers[r.chunk_id]}]" for r in v.evidence if r.chunk_id in numbers)
        out.append(f"| {v.code} {v.name} | {VETO_LABEL[v.status]} | {nums or '—'} |")
    out.append("")
    if draft.dropped:
        out += ["## 核验删去的内容", ""]
        out += [f"- {d.sentence}（{d.reason}）" for d in draft.dropped]
        out.append("")
    out += ["## 附件：资料来源", ""]
    for i, r in enumerate(draft.sources(), start=1):
        out.append(f"{i}. 《{r.title}》 {r.source} {_location(r)}：“{_short(r.quote)}”")
    out.append("")
    return "\n".join(out)


def _md_section(s: Section, i: int, numbers: dict[str, int], year: int) -> list[str]:
    out = [f"### （{cn(i)}）{s.indicator.code}.{s.indicator.title}", ""]
    out += [p for para in s.narrative.split("\n") for p in (para, "")]
    out += [f"表{i}　{s.indicator.title}观测点{year}年完成情况", ""]
    out += ["| " + " | ".join(TABLE_HEADER) + " |", "|" + "---|" * len(TABLE_HEADER)]
    for r in s.rows:
        out.append("| " + " | ".join(c.replace("|", "／") for c in _row_cells(r, numbers)) + " |")
    out.append("")
    if s.missing:
        out += [
            f"**{'待补充'}**（暂无数据的观测点）："
            + "；".join(f"{r.point.code} {r.point.name}" for r in s.rows if r.code in s.missing),
            "",
        ]
    return out


def write_markdown(draft: Draft, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown_text(draft), encoding="utf-8")
    return path


# --- Word -----------------------------------------------------------------------------


def _fonts(run, east: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east)


def _para(
    doc,
    text: str,
    east: str = BODY_FONT,
    size: float = 16,
    bold: bool = False,
    indent: bool = True,
    align=None,
):
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _fonts(p.add_run(text), east, size, bold)
    return p


def _page_number(doc, section) -> None:
    """ "— 1 —" at the foot, on the outside edge: odd pages right, even pages left."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.settings.odd_and_even_pages_header_footer = True
    _page_field(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_field(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_field(p, alignment) -> None:
    """A PAGE field between em dashes (四号 宋体), one character in from the edge."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p.alignment = alignment
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = Pt(14)
    else:
        p.paragraph_format.left_indent = Pt(14)
    _fonts(p.add_run("— "), "宋体", 14)
    run = p.add_run()
    _fonts(run, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _fonts(p.add_run(" —"), "宋体", 14)


# Column widths (mm) of the evidence table within the 156 mm type area: the name needs room.
WIDTHS = {5: (62, 22, 26, 20, 26), 3: (90, 26, 40)}


def _table(doc, caption: str, header, rows) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    _para(doc, caption, H1_FONT, 14, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"  # single-line borders on every cell
    for c, name in enumerate(header):
        cell = table.rows[0].cells[c]
        cell.text = ""
        _fonts(cell.paragraphs[0].add_run(name), H1_FONT, 10.5, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for c, value in enumerate(row):
            cells[c].text = ""
            _fonts(cells[c].paragraphs[0].add_run(value), BODY_FONT, 10.5)
    widths = WIDTHS.get(len(header))
    if widths:
        table.autofit = False
        for col, w in zip(table.columns, widths):
            col.width = Mm(w)  # the grid (what LibreOffice reads)
        for row in table.rows:  # and each cell (what Word reads)
            for cell, w in zip(row.cells, widths):
                cell.width = Mm(w)


def write_docx(draft: Draft, path) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    numbers = _source_numbers(draft)
    doc = docx.Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    _page_number(doc, sec)
    doc.core_properties.title = draft.title

    _para(
        doc, f"{draft.title}（草稿）", TITLE_FONT, 22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    if draft.mode == "llm":
        _para(
            doc,
            "（正文由大模型依据证据表起草，数字已逐一核验）",
            BODY_FONT,
            14,
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    _para(doc, _intro(draft))
    _para(doc, f"一、指标{'完成情况' if draft.kind == 'self-assessment' else '任务'}", H1_FONT, 16)
    for i, s in enumerate(draft.sections, start=1):
        _para(doc, f"（{cn(i)}）{s.indicator.code}.{s.indicator.title}", H2_FONT, 16)
        _para(doc, "1.工作情况", BODY_FONT, 16, bold=True)
        for para in s.narrative.split("\n"):
            if para.strip():
                _para(doc, para)
        _para(doc, "2.观测点完成情况", BODY_FONT, 16, bold=True)
        _table(
            doc,
            f"表{i}　{s.indicator.title}观测点{draft.matrix.year}年完成情况",
            TABLE_HEADER,
            [_row_cells(r, numbers) for r in s.rows],
        )
        if s.missing:
            _para(doc, "3.待补充", BODY_FONT, 16, bold=True)
            names = "；".join(
                f"{r.point.code}{r.point.name}" for r in s.rows if r.code in s.missing
            )
            _para(doc, f"以下观测点{draft.matrix.year}年暂无数据，待补充：{names}。")
    _para(doc, "二、否定性指标自查", H1_FONT, 16)
    _table(
        doc,
        "否定性指标自查表",
        ("否定性指标", "自查结论", "来源"),
        [
            [
                f"{v.code} {v.name}",
                VETO_LABEL[v.status],
                "、".join(f"[{numbers[r.chunk_id]}]" for r in v.evidence if r.chunk_id in numbers)
                or "—",
            ]
            for v in draft.vetoes
        ],
    )
    if draft.dropped:
        _para(doc, "三、核验删去的内容", H1_FONT, 16)
        for d in draft.dropped:
            _para(doc, f"{d.sentence}（{d.reason}）")
    _para(doc, "附件：资料来源", BODY_FONT, 16)
    for i, r in enumerate(draft.sources(), start=1):
        _para(
            doc,
            f"{i}. 《{r.title}》 {r.source} {_location(r)}：“{_short(r.quote)}”",
            BODY_FONT,
            12,
            indent=False,
        )
    doc.save(str(path))
    return path
