# ruff: noqa: E501
"""Write the sample charter and policy notices of the bundled corpus (issue 3).

    .venv/bin/python corpus/_build/make_charter_policies.py

Deterministic: the same data gives byte-identical files (reportlab invariant mode, fixed
Word core properties and zip timestamps), so the outputs can be committed. Content lives in
charter_data.py and policies_data.py beside this script; everything written is marked 示例
(title, file name, sidecar `is_sample`). Outputs:

- corpus/charter/成都市航空航天产教联合体章程（示例）.pdf / .docx
- corpus/policies/<文号> <name>（示例）.pdf|.docx|.html
- a `<file name>.meta.json` sidecar next to each
"""

from __future__ import annotations

import html
import io
import json
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
sys.path.insert(0, str(HERE))

from charter_data import (  # noqa: E402
    CHARTER_BODY,
    CHARTER_DATE,
    CHARTER_DOC_NUMBER,
    CHARTER_ISSUER,
    CHARTER_NOTE,
    CHARTER_TITLE,
    SAMPLE_LINE,
)
from policies_data import POLICIES  # noqa: E402

FIXED_TIME = datetime(2025, 12, 1, 9, 0, 0)

# ----------------------------------------------------------------------------- sidecars


def write_meta(path: Path, **fields) -> None:
    meta = {
        "title": fields["title"],
        "doc_type": fields["doc_type"],
        "issuer": fields["issuer"],
        "doc_number": fields["doc_number"],
        "date": fields["date"],
        "valid_until": fields.get("valid_until", ""),
        "status": fields["status"],
        "is_sample": True,
    }
    side = path.with_name(path.name + ".meta.json")
    side.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- PDF

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas as rl_canvas  # noqa: E402
from reportlab.platypus import Paragraph, Table, TableStyle  # noqa: E402

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
PAGE_W, PAGE_H = A4
MARGIN_X = 78
TOP = PAGE_H - 80
BOTTOM = 86
TEXT_W = PAGE_W - 2 * MARGIN_X
RED = colors.HexColor("#D40000")


def _tokens(text: str) -> list[str]:
    """Characters, except that runs of Latin letters and digits stay whole ("2000", "30%")."""
    return re.findall(r"[A-Za-z0-9.%/-]+|.", text)


def wrap(text: str, size: float, width: float, indent: float = 0) -> list[str]:
    """Hard-wrap `text` at a fixed width measured in the font (first line indented).

    Like a word processor: numbers and Latin words are never split across lines, and
    closing punctuation stays on the line it closes.
    """
    lines, cur, limit = [], "", width - indent
    for ch in _tokens(text):
        if pdfmetrics.stringWidth(cur + ch, FONT, size) > limit:
            # keep closing punctuation on the line it closes, as typesetters do
            if ch in "，。；：、！？）》”" and cur:
                cur += ch
                lines.append(cur)
                cur = ""
                limit = width
                continue
            lines.append(cur)
            cur = ch
            limit = width
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


class PdfWriter:
    def __init__(self, path: Path, title: str, running_header: str = ""):
        self.c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
        self.c.setTitle(title)
        self.c.setAuthor("产教通示例")
        self.c.setSubject("产教通演示用示例文件")
        self.page = 1
        self.y = TOP
        self.running_header = running_header
        self._start_page()

    def _start_page(self) -> None:
        if self.running_header and self.page > 1:
            self.c.setFont(FONT, 9)
            self.c.setFillColor(colors.grey)
            self.c.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 48, self.running_header)
            self.c.setStrokeColor(colors.grey)
            self.c.setLineWidth(0.4)
            self.c.line(MARGIN_X, PAGE_H - 53, PAGE_W - MARGIN_X, PAGE_H - 53)
            self.c.setFillColor(colors.black)

    def _footer(self) -> None:
        self.c.setFont(FONT, 11)
        self.c.setFillColor(colors.black)
        self.c.drawCentredString(PAGE_W / 2, 48, f"- {self.page} -")

    def new_page(self) -> None:
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = TOP
        self._start_page()

    def need(self, h: float) -> None:
        if self.y - h < BOTTOM:
            self.new_page()

    def space(self, h: float) -> None:
        self.y -= h

    def centered(self, text: str, size: float, color=colors.black, leading: float | None = None) -> None:
        leading = leading or size * 1.5
        for line in wrap(text, size, TEXT_W):
            self.need(leading)
            self.c.setFont(FONT, size)
            self.c.setFillColor(color)
            self.c.drawCentredString(PAGE_W / 2, self.y - size, line)
            self.y -= leading
        self.c.setFillColor(colors.black)

    def paragraph(self, text: str, size: float = 14, indent: bool = True, leading: float = 25,
                  align: str = "left") -> None:
        ind = 2 * size if indent else 0
        for i, line in enumerate(wrap(text, size, TEXT_W, ind)):
            self.need(leading)
            self.c.setFont(FONT, size)
            if align == "right":
                self.c.drawRightString(PAGE_W - MARGIN_X - 2 * size, self.y - size, line)
            else:
                self.c.drawString(MARGIN_X + (ind if i == 0 else 0), self.y - size, line)
            self.y -= leading

    def redhead(self, issuer_line: str, doc_number: str) -> None:
        size = min(26, TEXT_W / (len(issuer_line) + 0.5))
        self.space(30)
        self.centered(issuer_line, size, RED, leading=size * 2.2)
        self.space(14)
        self.centered(doc_number, 14, leading=20)
        self.c.setStrokeColor(RED)
        self.c.setLineWidth(1.6)
        self.c.line(MARGIN_X, self.y - 4, PAGE_W - MARGIN_X, self.y - 4)
        self.space(30)

    def table(self, spec: dict, size: float = 11) -> None:
        style = ParagraphStyle("cell", fontName=FONT, fontSize=size, leading=size * 1.4,
                               wordWrap="CJK", alignment=1)
        data = [[Paragraph(html.escape(c), style) for c in spec["header"]]]
        data += [[Paragraph(html.escape(c), style) for c in row] for row in spec["rows"]]
        ncol = len(spec["header"])
        widths = [TEXT_W * 0.36] + [TEXT_W * 0.64 / (ncol - 1)] * (ncol - 1)
        t = Table(data, colWidths=widths, repeatRows=1)
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]))
        _, h = t.wrapOn(self.c, TEXT_W, PAGE_H)
        self.need(h + 40)
        self.centered(spec["caption"], 13, leading=24)
        t.drawOn(self.c, MARGIN_X, self.y - h)
        self.y -= h + 14

    def save(self) -> None:
        self._footer()
        self.c.showPage()
        self.c.save()

    @property
    def pages(self) -> int:
        return self.page


def policy_pdf(p: dict, path: Path) -> int:
    w = PdfWriter(path, p["title"])
    w.redhead(p["redhead"], p["doc_number"])
    w.centered(p["title"], 19, leading=32)
    w.space(14)
    w.paragraph(p["to"], indent=False)
    for para in p["body"].split("\n"):
        if para == "[[TABLE]]":
            w.table(p["table"])
        else:
            w.paragraph(para)
    w.space(30)
    w.need(80)
    w.paragraph(p["issuer"], align="right", indent=False)
    w.paragraph(p["sign_date"], align="right", indent=False)
    w.space(20)
    w.paragraph(SAMPLE_LINE, size=11, indent=False, leading=18)
    w.save()
    return w.pages


def charter_pdf(path: Path) -> int:
    w = PdfWriter(path, CHARTER_TITLE, running_header="成都市航空航天产教联合体")
    w.space(20)
    w.centered(CHARTER_TITLE, 20, leading=34)
    w.centered(CHARTER_NOTE, 12, leading=20)
    w.centered(CHARTER_DOC_NUMBER + "印发", 12, leading=20)
    w.space(16)
    for para in CHARTER_BODY.split("\n"):
        if para.startswith("第") and "章" in para[:5]:
            w.space(8)
            w.need(60)
            w.centered(para, 15, leading=30)
        else:
            w.paragraph(para)
    w.space(20)
    w.paragraph(SAMPLE_LINE, size=11, indent=False, leading=18)
    w.save()
    return w.pages


# ----------------------------------------------------------------------------- DOCX

import docx  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Pt, RGBColor  # noqa: E402


def _run_font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _para(doc, text: str, font: str = "仿宋_GB2312", size: float = 16, align=None, indent: bool = True,
          bold: bool = False, color: RGBColor | None = None):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _run_font(p.add_run(text), font, size, bold, color)
    return p


def _new_docx(title: str):
    doc = docx.Document()
    cp = doc.core_properties
    cp.title = title
    cp.author = "产教通示例"
    cp.last_modified_by = "产教通示例"
    cp.comments = "产教通演示用示例文件"
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.revision = 1
    return doc


def _save_docx(doc, path: Path) -> None:
    """Save with fixed zip timestamps so the bytes do not change between runs."""
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2025, 12, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(item.filename))
    path.write_bytes(out.getvalue())


def _docx_table(doc, spec: dict) -> None:
    _para(doc, spec["caption"], font="黑体", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    t = doc.add_table(rows=1 + len(spec["rows"]), cols=len(spec["header"]))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate([spec["header"]] + spec["rows"]):
        for c, value in enumerate(row):
            cell = t.cell(r, c)
            cell.text = ""
            _run_font(cell.paragraphs[0].add_run(value), "仿宋_GB2312", 11, bold=(r == 0))


def policy_docx(p: dict, path: Path) -> None:
    doc = _new_docx(p["title"])
    _para(doc, p["redhead"], font="方正小标宋简体", size=26, align=WD_ALIGN_PARAGRAPH.CENTER,
          indent=False, color=RGBColor(0xD4, 0, 0))
    _para(doc, "", indent=False)
    _para(doc, p["doc_number"], align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "", indent=False)
    _para(doc, p["title"], font="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "", indent=False)
    _para(doc, p["to"], indent=False)
    for para in p["body"].split("\n"):
        if para == "[[TABLE]]":
            _docx_table(doc, p["table"])
        else:
            bold_font = "黑体" if para[:2] in {f"{n}、" for n in "一二三四五六七八九十"} else "仿宋_GB2312"
            _para(doc, para, font=bold_font)
    _para(doc, "", indent=False)
    _para(doc, p["issuer"], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, p["sign_date"], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, "", indent=False)
    _para(doc, SAMPLE_LINE, size=10.5, indent=False)
    _save_docx(doc, path)


def charter_docx(path: Path) -> None:
    doc = _new_docx(CHARTER_TITLE)
    _para(doc, CHARTER_TITLE, font="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, CHARTER_NOTE, font="楷体_GB2312", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, CHARTER_DOC_NUMBER + "印发", font="楷体_GB2312", size=14,
          align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for para in CHARTER_BODY.split("\n"):
        if para.startswith("第") and "章" in para[:5]:
            _para(doc, para, font="黑体", size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        else:
            _para(doc, para)
    _para(doc, "", indent=False)
    _para(doc, SAMPLE_LINE, size=10.5, indent=False)
    _save_docx(doc, path)


# ----------------------------------------------------------------------------- HTML

HTML_PAGE = """\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="{site}">
<meta name="SiteDomain" content="{domain}">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{pubtime}">
<meta name="ContentSource" content="{issuer}">
<title>{title}_{column}_{site}</title>
<link rel="stylesheet" href="/static/css/common.css">
<link rel="stylesheet" href="/static/css/article.css">
<script src="/static/js/jquery-1.12.4.min.js"></script>
<script>
  var _hmt = _hmt || [];
  (function() {{ var hm = document.createElement("script"); hm.src = "/static/js/stat.js";
    var s = document.getElementsByTagName("script")[0]; s.parentNode.insertBefore(hm, s); }})();
</script>
</head>
<body>
<div class="top-bar">
  <div class="w1200"><span>欢迎访问{site}门户网站</span>
  <a href="/wza/">无障碍浏览</a> <a href="/m/">手机版</a> <a href="javascript:;" class="jt-fan">繁體</a></div>
</div>
<div class="header">
  <div class="w1200"><a class="logo" href="/"><img src="/static/img/logo.png" alt="{site}"></a>
  <div class="search-box"><input type="text" placeholder="请输入关键词"><button>搜索</button></div></div>
</div>
<div class="nav">
  <ul class="w1200">
    <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zcwj/">政策文件</a></li>
    <li><a href="/zcjd/">政策解读</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li>
  </ul>
</div>
<div class="breadcrumb w1200">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/{colpath}/">{column}</a></div>
<div class="w1200 main-wrap">
  <div class="article">
    <h1>{title}</h1>
    <div class="article-info"><span>发布时间：{pubtime}</span><span>来源：{issuer}</span><span>文号：{doc_number}</span>
      <span class="font-size">字号：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a></span></div>
    <div class="article-content" id="zoom">
{paragraphs}
    </div>
    <div class="article-tools"><a href="javascript:window.print();">【打印本页】</a> <a href="javascript:window.close();">【关闭窗口】</a></div>
  </div>
  <div class="share-bar">分享到：<a href="javascript:;" class="wx">微信</a> <a href="javascript:;" class="wb">微博</a></div>
</div>
<div class="footer">
  <div class="w1200">
    <p><a href="/about/">关于我们</a> | <a href="/map/">网站地图</a> | <a href="/contact/">联系我们</a></p>
    <p>主办单位：{site}　版权所有：{site}　地址：{address}</p>
    <p>蜀ICP备XXXXXXXX号-1（示例）　川公网安备 510105XXXXXXXX号（示例）　网站标识码：5101XXXXXX（示例）</p>
  </div>
</div>
<script src="/static/js/common.js"></script>
<script>$(function(){{ $(".font-size a").click(function(){{ $("#zoom").css("font-size", $(this).index() ? "14px" : "18px"); }}); }});</script>
</body>
</html>
"""


def policy_html(p: dict, path: Path) -> None:
    paras = []
    for para in p["body"].split("\n"):
        text = html.escape(para)
        if para.startswith("第") and "章" in para[:5]:
            paras.append(f'      <p style="text-align:center;"><strong>{text}</strong></p>')
        elif para.startswith("成都市支持校企联合研发"):
            paras.append(f'      <p style="text-align:center;"><strong>{text}</strong></p>')
        elif para[:2] in {f"{n}、" for n in "一二三四五六七八九十"}:
            paras.append(f'      <p style="text-indent:2em;"><strong>{text}</strong></p>')
        else:
            paras.append(f'      <p style="text-indent:2em;">{text}</p>')
    paras.append(f'      <p style="text-align:right;">{html.escape(p["issuer"])}</p>')
    paras.append(f'      <p style="text-align:right;">{html.escape(p["sign_date"])}</p>')
    paras.append(f'      <p style="color:#999;font-size:12px;">{html.escape(SAMPLE_LINE)}</p>')
    page = HTML_PAGE.format(
        site=html.escape(p["site"]), domain=p["site_domain"], title=html.escape(p["title"]),
        pubtime=p["publish_time"], issuer=html.escape(p["issuer"]), column=p["column"],
        colpath="zcwj", doc_number=html.escape(p["doc_number"]),
        address="四川省成都市青羊区XX路XX号（示例）", paragraphs="\n".join(paras),
    )
    path.write_text(page, encoding="utf-8")


# ----------------------------------------------------------------------------- main


def main() -> None:
    charter_dir = CORPUS / "charter"
    policy_dir = CORPUS / "policies"
    charter_dir.mkdir(exist_ok=True)
    policy_dir.mkdir(exist_ok=True)
    report = []

    charter_meta = dict(title=CHARTER_TITLE, doc_type="charter", issuer=CHARTER_ISSUER,
                        doc_number=CHARTER_DOC_NUMBER, date=CHARTER_DATE, valid_until="", status="有效")
    pdf = charter_dir / f"{CHARTER_TITLE}.pdf"
    n = charter_pdf(pdf)
    write_meta(pdf, **charter_meta)
    report.append((pdf, n))
    doc = charter_dir / f"{CHARTER_TITLE}.docx"
    charter_docx(doc)
    write_meta(doc, **charter_meta)
    report.append((doc, None))

    for p in POLICIES:
        path = policy_dir / p["file"]
        pages = None
        if p["format"] == "pdf":
            pages = policy_pdf(p, path)
        elif p["format"] == "docx":
            policy_docx(p, path)
        else:
            policy_html(p, path)
        write_meta(path, title=p["title"], doc_type="policy", issuer=p["issuer"],
                   doc_number=p["doc_number"], date=p["date"], valid_until=p["valid_until"],
                   status=p["status"])
        report.append((path, pages))

    for path, pages in report:
        extra = f", {pages} pages" if pages else ""
        print(f"{path.relative_to(CORPUS)}  ({path.stat().st_size} bytes{extra})")


if __name__ == "__main__":
    main()
