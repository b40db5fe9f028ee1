"""Generate the fixture files in tests/data/ (run once; the outputs are committed).

Most fixtures are small sample documents written here with the same libraries real
offices' files come out of (reportlab for a PDF with an embedded CJK font, python-docx,
openpyxl, GBK and GB18030 text). Two are cut from real public PDFs, because a scan and a
text layer without a Unicode map cannot be faked convincingly; those sources live only on
the development machine (see README.md), so without them the committed cuts are kept.

Running it again rewrites byte-identical files: reportlab runs in invariant mode, zip
entries and Office timestamps are pinned, and the random bytes of PDF encryption come
from a seeded generator (a fixture needs a password, not secrecy).

    .venv/bin/python tests/data/make_fixtures.py
"""

# ruff: noqa: E501 -- the sample documents below keep their real line lengths (HTML, paragraphs)

from __future__ import annotations

import contextlib
import io
import random
import re
import secrets
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REALDOCS = HERE.parents[2] / "shared" / "realdocs"  # /work/shared/realdocs on the dev machine

SCANNED_SOURCE = (
    REALDOCS / "vocational-pdfs" / "高等职业教育专科 《高等数学》课程标准 （2021年).pdf"
)
SCANNED_PAGES = (1, 2)  # cover + first page of the standard: images only, no text layer
GARBLED_SOURCE = REALDOCS / "vocational-pdfs" / "高等职业教育专科英语课程标准（2021版）.pdf"
# The only page of that PDF drawn with a font lacking a Unicode map (AdobeKaitiStd,
# Identity-H, no /ToUnicode): the table of contents, whose sub-entries come out as
# "č၂Ď࿐॓ނྏ…" (should read "（一）学科核心素养").
GARBLED_PAGES = (2,)
LEGACY_SOURCE = REALDOCS / "neijiang" / "内江市返乡下乡创业政策汇编（12.11）.doc"

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_W3CDTF = "2024-01-01T00:00:00Z"


# ---------------------------------------------------------------------------- helpers


def pin_zip(path: Path) -> None:
    """Rewrite an Office zip with fixed entry times and document dates (reproducible bytes)."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rf"\g<1>{FIXED_W3CDTF}\g<2>",
                    text,
                )
                data = text.encode("utf-8")
            pinned = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = 0o644 << 16
            dst.writestr(pinned, data)
    path.write_bytes(buf.getvalue())


@contextlib.contextmanager
def seeded_secrets(seed: int):
    """Make pypdf's salts, keys and IVs (secrets.token_bytes) repeatable while writing."""
    rng = random.Random(seed)
    original = secrets.token_bytes
    secrets.token_bytes = lambda n=32: rng.randbytes(n)
    try:
        yield
    finally:
        secrets.token_bytes = original


def wrap(text: str, width: int, first_indent: int = 2) -> list[tuple[int, str]]:
    """Hard-wrap a paragraph at a fixed number of characters, like a PDF line layout.

    Returns (indent in characters, line) pairs; the first line is indented two characters.
    """
    lines, pos, indent = [], 0, first_indent
    while pos < len(text):
        take = width - indent
        lines.append((indent, text[pos : pos + take]))
        pos += take
        indent = 0
    return lines


# ---------------------------------------------------------------------------- PDF

RUNNING_HEADER = "青羊区人力资源和社会保障局文件"
NOTICE_TITLE = "关于做好2024年企业职工技能培训补贴工作的通知（示例）"
DOC_NUMBER = "青人社发〔2024〕15号"
APPRENTICE_FACT = "企业新型学徒制培训补贴标准为每人每年5000元"
BODY_WIDTH = 34  # characters per full line at 12 pt

# Each page is a list of blocks: ("t", …) the title, ("c", …) a centred line (文号),
# ("h", …) a short line drawn as is (headings, salutation), ("r", …) a right-aligned line
# (落款), ("p", …) a paragraph hard-wrapped at BODY_WIDTH characters.
NOTICE_PAGES: list[list[tuple[str, str]]] = [
    [
        ("c", DOC_NUMBER),
        ("t", NOTICE_TITLE),
        ("h", "各街道办事处，区级有关部门，辖区各有关企业、职业院校和培训机构："),
        (
            "p",
            "为深入实施职业技能提升行动，加快培养高素质技术技能人才，根据省、市关于职业技能培训"
            "补贴的有关规定，结合我区实际，现就做好2024年企业职工技能培训补贴工作有关事项通知如下。",
        ),
        ("h", "一、补贴对象"),
        (
            "p",
            "在我区依法登记注册、正常经营并按规定为职工缴纳社会保险费的企业，以及与上述企业签订"
            "劳动合同的在职职工，均可按本通知申请相应的培训补贴。职业院校和培训机构承担培训任务的，"
            "应当与企业签订培训合作协议，明确培训内容、培训期限和考核方式。",
        ),
        ("h", "二、补贴项目和标准"),
        (
            "p",
            "本年度补贴项目包括企业新型学徒制培训、岗位技能提升培训和以工代训三类。同一职工同一"
            "年度内只能享受一次同类培训补贴，不得重复申领。各类补贴的具体标准如下。",
        ),
    ],
    [
        ("h", "（一）企业新型学徒制培训"),
        (
            "p",
            "企业新型学徒制以企校双师带徒、工学交替培养为主要方式，培养期限一般为1至2年。学徒"
            "培养实行“招工即招生、入企即入校”，由企业与职业院校或培训机构共同制定培养计划。经考核"
            "合格的，" + APPRENTICE_FACT + "，按培养期限分年度拨付，其中企业导师带徒费用不低于补贴"
            "资金的三成。",
        ),
        ("h", "（二）岗位技能提升培训"),
        (
            "p",
            "企业组织在职职工参加岗位技能提升培训，取得职业资格证书或职业技能等级证书的，按初级工、"
            "中级工、高级工分别给予每人1000元、1500元、2000元的补贴。取得技师、高级技师证书的，"
            "按每人3000元、3500元给予补贴。",
        ),
        ("h", "（三）以工代训"),
        (
            "p",
            "中小微企业新吸纳就业并开展以工代训的，按每人每月500元的标准给予企业补贴，补贴期限"
            "最长不超过6个月。以工代训补贴与岗位技能提升培训补贴不得就同一职工重复享受。",
        ),
    ],
    [
        ("h", "三、申领程序"),
        (
            "p",
            "企业应于培训结束后3个月内，通过四川省人力资源和社会保障一体化信息平台提交补贴申请，"
            "并上传培训计划、学员花名册、考核结果和资金支付凭证等材料。区人社局在收到申请后20个"
            "工作日内完成审核，审核通过的补贴资金直接拨付至企业对公账户。",
        ),
        ("h", "四、工作要求"),
        (
            "p",
            "各单位要加强培训过程管理，如实记录培训时间和考勤情况，培训档案保存期限不少于3年。对弄"
            "虚作假、套取骗取补贴资金的，一经查实，追回已拨付资金，并依法依规处理。本通知自印发之日"
            "起施行。",
        ),
        ("r", "青羊区人力资源和社会保障局"),
        ("r", "2024年3月18日"),
        ("h", "（此件公开发布）"),
    ],
]


def notice_pdf_bytes() -> bytes:
    """The 3-page notice: running header, hard-wrapped body, "- n -" footers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font, size, leading = "STSong-Light", 12, 22
    page_w, page_h = A4
    left = (page_w - BODY_WIDTH * size) / 2
    right = page_w - left

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(NOTICE_TITLE)
    c.setAuthor("青羊区人力资源和社会保障局（示例）")
    c.setSubject(DOC_NUMBER)
    for number, blocks in enumerate(NOTICE_PAGES, start=1):
        c.setFont(font, 14)
        c.drawCentredString(page_w / 2, page_h - 60, RUNNING_HEADER)
        c.line(left, page_h - 70, right, page_h - 70)
        y = page_h - 105
        for kind, text in blocks:
            if kind == "t":
                c.setFont(font, 16)
                y -= 8
                c.drawCentredString(page_w / 2, y, text)
                y -= leading + 12
                continue
            c.setFont(font, size)
            if kind == "c":
                c.drawCentredString(page_w / 2, y, text)
                y -= leading + 6
            elif kind == "r":
                c.drawRightString(right - 2 * size, y, text)
                y -= leading
            elif kind == "h":
                c.drawString(left, y, text)
                y -= leading
            else:
                for indent, line in wrap(text, BODY_WIDTH):
                    c.drawString(left + indent * size, y, line)
                    y -= leading
        c.setFont(font, 11)
        c.drawCentredString(page_w / 2, 50, f"- {number} -")
        c.showPage()
    c.save()
    return buf.getvalue()


def check_notice_layout() -> None:
    """Fail early if an edit to the notice text breaks what the tests rely on."""
    page_lines = []
    for blocks in NOTICE_PAGES:
        lines = []
        for kind, text in blocks:
            if kind == "p":
                lines.extend(line for _, line in wrap(text, BODY_WIDTH))
            else:
                lines.append(text)
        page_lines.append(lines)
    assert not any(APPRENTICE_FACT in ln for ln in page_lines[1]), "the fact must be hard-wrapped"
    assert APPRENTICE_FACT in "".join(page_lines[1])
    for n in (0, 2):
        assert "5000" not in "".join(page_lines[n]), f"page {n + 1} must not mention 5000"
    everything = NOTICE_TITLE + "".join("".join(p) for p in page_lines)
    for word in ("2030", "营收", "秘书长", "手机", "天气", "航空", "产业", "目标"):
        assert word not in everything, word


def write_pdfs() -> None:
    from pypdf import PdfReader, PdfWriter

    check_notice_layout()
    notice = notice_pdf_bytes()
    (HERE / "cjk_embedded.pdf").write_bytes(notice)
    # Truncated mid-file, as an interrupted download leaves it: no xref table, no trailer.
    (HERE / "corrupt.pdf").write_bytes(notice[: len(notice) * 2 // 5])

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(notice)))
    writer.add_metadata({"/Title": "内部资料（示例）：" + NOTICE_TITLE})
    with seeded_secrets(20240318):
        writer.encrypt(user_password="secret", owner_password="owner-secret", algorithm="AES-256")
        out = io.BytesIO()
        writer.write(out)
    (HERE / "encrypted.pdf").write_bytes(out.getvalue())


def cut_pages(source: Path, pages: tuple[int, ...], target: Path) -> None:
    """Copy some pages (1-based) of a real PDF, unchanged, into a new small PDF."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(source))
    writer = PdfWriter()
    for n in pages:
        writer.add_page(reader.pages[n - 1])
    out = io.BytesIO()
    writer.write(out)
    target.write_bytes(out.getvalue())


def write_real_cuts() -> None:
    if not REALDOCS.is_dir():
        print(
            f"{REALDOCS} not found: keeping the committed scanned.pdf, garbled.pdf, legacy.doc",
            file=sys.stderr,
        )
        return
    cut_pages(SCANNED_SOURCE, SCANNED_PAGES, HERE / "scanned.pdf")
    cut_pages(GARBLED_SOURCE, GARBLED_PAGES, HERE / "garbled.pdf")
    shutil.copyfile(LEGACY_SOURCE, HERE / "legacy.doc")


# ---------------------------------------------------------------------------- Word, Excel

TRAINING_ROWS = [
    ("培训项目", "培训对象", "学时", "补贴标准"),
    ("数控车工（中级）", "企业在职职工", "120", "每人1500元"),
    ("钳工（高级）", "企业在职职工", "160", "每人2000元"),
    ("无人机驾驶员（初级）", "职业院校在校生", "80", "每人1000元"),
    ("工业机器人系统运维员（中级）", "企业在职职工", "120", "每人1500元"),
    ("电工（中级）", "转岗和待岗职工", "100", "每人1500元"),
]


def write_docx() -> None:
    import docx

    document = docx.Document()
    document.core_properties.author = "产教联合体培训部（示例）"
    document.core_properties.title = "2024年职业技能培训项目及补贴标准（示例）"
    document.add_paragraph("2024年职业技能培训项目及补贴标准（示例）", style="Title")
    document.add_paragraph(
        "根据区人社局职业技能培训补贴的有关规定，现将本年度联合体成员单位可承接的职业技能培训项目"
        "及补贴标准公布如下，请各成员企业结合用工需要组织职工报名。"
    )
    document.add_paragraph(
        "培训结束后由承训单位统一组织考核，考核合格人员名单在联合体网站公示5个工作日，公示无异议后"
        "按下表标准申领补贴。"
    )
    document.add_heading("一、培训项目一览", level=1)
    table = document.add_table(rows=0, cols=len(TRAINING_ROWS[0]))
    table.style = "Table Grid"
    for row in TRAINING_ROWS:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    document.add_paragraph("注：补贴按考核合格人数计算，未参加考核或考核不合格的不予补贴。")
    path = HERE / "table.docx"
    document.save(str(path))
    pin_zip(path)


COURSE_COLUMNS = ("课程名称", "开课学校", "学时", "开放对象", "授课方式")
COURSES = [
    ("飞机钣金工艺", "蓉城航空职业技术学院", 64, "成员企业职工", "线下实训"),
    ("航空发动机装配与调试", "蓉城航空职业技术学院", 72, "成员院校学生", "线上线下混合"),
    ("飞机数字化装配技术", "锦江航天职业学院", 48, "成员企业职工", "线下实训"),
    ("航空复合材料成型工艺", "锦江航天职业学院", 56, "成员企业职工", "线上线下混合"),
    ("无人机装调与检修", "天府工业职业技术学院", 64, "成员院校学生", "线下实训"),
    ("航空器维修基本技能", "蓉城航空职业技术学院", 80, "成员院校学生", "线下实训"),
    ("数控多轴加工技术", "天府工业职业技术学院", 64, "成员企业职工", "线下实训"),
    ("航空电子设备维修", "蓉城航空职业技术学院", 48, "成员院校学生", "线上教学"),
    ("航空材料热处理技术", "锦江航天职业学院", 40, "成员企业职工", "线上线下混合"),
]
SCHOOLS = [
    ("学校名称", "开放课程数", "课程联络部门"),
    ("蓉城航空职业技术学院", 4, "教务处"),
    ("锦江航天职业学院", 3, "继续教育学院"),
    ("天府工业职业技术学院", 2, "校企合作处"),
]


def write_xlsx() -> None:
    from datetime import datetime

    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    book.properties.creator = "产教联合体理事会办公室（示例）"
    book.properties.title = "开放课程目录（示例）"
    book.properties.created = book.properties.modified = datetime(2024, 1, 1)
    sheet = book.active
    sheet.title = "开放课程"
    last = openpyxl.utils.get_column_letter(len(COURSE_COLUMNS))
    sheet["A1"] = "开放课程目录（示例）"
    sheet.merge_cells(f"A1:{last}1")
    sheet["A2"] = "课程信息"
    sheet.merge_cells("A2:C2")
    sheet["D2"] = "开放安排"
    sheet.merge_cells(f"D2:{last}2")
    sheet.append(COURSE_COLUMNS)
    for course in COURSES:
        sheet.append(course)
    centred = Alignment(horizontal="center", vertical="center")
    for ref in ("A1", "A2", "D2"):
        sheet[ref].alignment = centred
        sheet[ref].font = Font(bold=True, size=14 if ref == "A1" else 11)
    for col in sheet[3]:
        col.font = Font(bold=True)
    for letter, width in zip("ABCDE", (24, 24, 8, 16, 16), strict=True):
        sheet.column_dimensions[letter].width = width

    schools = book.create_sheet("开课学校")
    for row in SCHOOLS:
        schools.append(row)
    for letter, width in zip("ABC", (24, 12, 16), strict=True):
        schools.column_dimensions[letter].width = width
    path = HERE / "merged_header.xlsx"
    book.save(str(path))
    pin_zip(path)


# ---------------------------------------------------------------------------- text formats

CSV_HEADER = ("编号", "类别", "发布单位", "标题", "内容", "发布日期")
DEMANDS = [
    (
        "XQ-2024-001",
        "需求",
        "蜀航精密零部件有限公司（示例）",
        "数控加工技术员招聘",
        "需招聘数控车铣技术员10名，要求中职及以上学历，持数控车工中级证书者优先。",
        "2024-03-05",
    ),
    (
        "XQ-2024-002",
        "需求",
        "西南飞机维修工程有限公司（示例）",
        "航空器维修订单班合作",
        "拟与成员院校合作开设航空器维修订单班，每年定向培养学员20名，企业提供实习岗位。",
        "2024-03-12",
    ),
    (
        "XQ-2024-003",
        "需求",
        "锦程无人机科技有限公司（示例）",
        "无人机批量装调效率提升",
        "多旋翼无人机批量装调效率偏低，寻求院校教师团队开展工艺改进合作。",
        "2024-04-02",
    ),
    (
        "XQ-2024-004",
        "需求",
        "天翼复合材料有限公司（示例）",
        "复合材料检测人员培训",
        "需对15名质检人员开展超声无损检测培训，培训周期约两周。",
        "2024-04-18",
    ),
    (
        "XQ-2024-005",
        "需求",
        "蓉欣热处理有限公司（示例）",
        "真空热处理工艺咨询",
        "新建真空热处理产线，需要工艺参数制定和操作规程编写方面的技术咨询。",
        "2024-05-06",
    ),
    (
        "XQ-2024-006",
        "需求",
        "蜀航精密零部件有限公司（示例）",
        "钳工技师带徒",
        "希望院校推荐具有钳工技师证书的兼职教师，每周到厂指导两天。",
        "2024-05-20",
    ),
]
SUPPLIES = [
    (
        "GJ-2024-001",
        "供给",
        "蓉城航空职业技术学院",
        "飞机钣金实训基地开放",
        "飞机钣金实训基地面向成员企业开放，每周二、周四下午接受预约实训。",
        "2024-03-08",
    ),
    (
        "GJ-2024-002",
        "供给",
        "锦江航天职业学院",
        "超声检测设备共享",
        "复合材料超声检测设备可对外提供检测服务，按成本收费，需提前三个工作日预约。",
        "2024-03-21",
    ),
    (
        "GJ-2024-003",
        "供给",
        "天府工业职业技术学院",
        "五轴加工中心开放",
        "五轴加工中心可承接成员企业小批量试制任务，并可派教师驻厂指导。",
        "2024-04-09",
    ),
    (
        "GJ-2024-004",
        "供给",
        "蓉城航空职业技术学院",
        "发动机装配课程包",
        "航空发动机装配与调试课程包含微课、实训指导书和考核题库，可供成员单位免费使用。",
        "2024-04-25",
    ),
    (
        "GJ-2024-005",
        "供给",
        "锦江航天职业学院",
        "企业职工学历提升",
        "面向成员企业职工开设飞行器制造技术专业成人学历教育班，周末授课。",
        "2024-05-14",
    ),
]


def csv_text(rows) -> str:
    # Values hold only full-width punctuation, so no quoting is needed; Excel on Chinese
    # Windows writes CRLF line ends.
    return "".join(",".join(r) + "\r\n" for r in [CSV_HEADER, *rows])


PLAIN_TEXT = """航空航天产教联合体实训基地开放共享管理办法（示例）

为提高实训基地使用效率，推动成员单位之间设施设备开放共享，制定本办法。本办法适用于联合
体成员院校和成员企业向联合体开放的实训基地、检测平台和生产性实训车间。

实训基地实行预约使用制度。成员单位应当提前五个工作日通过联合体信息平台提交预约申请，写
明使用时间、参训人数和实训项目。基地所在单位应当在两个工作日内答复，并安排指导教师。

使用实训基地产生的耗材费用由使用单位承担，设备折旧和水电费用按联合体年度预算统一结算。
基地所在单位不得以开放共享名义收取其他费用。

本办法由联合体理事会办公室负责解释，联系人为实训管理科王䶮老师。本办法自发布之日起试行。
"""

NOTES_MD = """# 航空航天产教联合体2024年第一季度工作例会纪要（示例）

- 时间：2024年3月28日 14:30
- 地点：蓉城航空职业技术学院行政楼三楼会议室
- 主持：联合体理事会办公室主任

## 一、参会单位

联合体理事长单位、6家成员院校和9家成员企业的代表共28人参加会议，区人社局职业能力建设科
派员列席。

## 二、上季度工作进展

1. 开放课程目录已发布，共9门课程面向成员单位开放，累计报名312人次。
2. 供需对接平台上线试运行，收到企业技术需求6项、院校资源供给5项，已促成合作3项。
3. 飞机钣金实训基地完成设备升级，新增数字化钣金成形设备2台。

## 三、存在的问题

- 部分成员企业对培训补贴申领流程不熟悉，材料退回率较高。
- 院校教师到企业实践的时间安排与教学计划存在冲突。

## 四、下一步工作安排

1. 4月中旬举办培训补贴申领政策解读会，由区人社局讲解申领材料要求。
2. 5月底前完成第二批开放课程征集，重点补充无人机和复合材料方向。
3. 建立教师企业实践学期制度，由成员院校在6月前报送实践计划。

## 五、议定事项

会议同意将“航空器维修订单班”列为联合体2024年重点合作项目，由理事会办公室牵头制定实施
方案，下次例会审议。
"""

PAGE_HTML = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>青羊区举办2024年航空航天产教融合校企对接会（示例）_青羊区人民政府门户网站</title>
<link rel="stylesheet" href="/static/css/main.css">
<style>
  .article h1 { font-size: 22px; text-align: center; }
  .article p { text-indent: 2em; line-height: 2; }
</style>
<script type="text/javascript">
  var _hmt = _hmt || [];
  function shareTo(site) {
    var url = encodeURIComponent(location.href);
    if (site === "weibo") { window.open("https://service.weibo.com/share/share.php?url=" + url); }
    return false;
  }
</script>
</head>
<body>
<header class="site-header">
  <div class="logo">青羊区人民政府门户网站</div>
  <form class="search" action="/search"><input type="text" name="q" placeholder="请输入关键词"><button>搜索</button></form>
</header>
<nav class="main-nav">
  <ul>
    <li><a href="/">首页</a></li>
    <li><a href="/zwgk/">政务公开</a></li>
    <li><a href="/zwfw/">政务服务</a></li>
    <li><a href="/hdjl/">互动交流</a></li>
    <li><a href="/zjqy/">走进青羊</a></li>
  </ul>
</nav>
<div class="container">
  <div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/gzdt/">工作动态</a></div>
  <div class="article">
    <h1>青羊区举办2024年航空航天产教融合校企对接会（示例）</h1>
    <div class="info">发布时间：2024-04-12 10:30　来源：区人社局　字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></div>
    <p>4月11日，青羊区2024年航空航天产教融合校企对接会在区职业技能公共实训中心举行。区内18家航空航天企业和6所职业院校的负责人参加活动。</p>
    <p>会上，联合体成员院校发布了开放课程目录和实训基地开放清单，企业代表介绍了数控加工、航空器维修、复合材料检测等岗位的用人需求。现场共达成订单培养、教师企业实践等合作意向12项。</p>
    <p>区人社局相关负责人表示，将继续完善企业新型学徒制和岗位技能提升培训补贴政策，支持校企共建实训基地，推动人才培养与企业岗位需求精准对接。</p>
    <p>下一步，联合体将每季度举办一次校企对接活动，并通过供需对接平台持续发布企业需求和院校资源。</p>
    <div class="share">分享到：<a href="#" onclick="return shareTo('weibo')">微博</a> <a href="#" onclick="return shareTo('wechat')">微信</a></div>
  </div>
</div>
<footer class="site-footer">
  <p><a href="/about/">关于我们</a> | <a href="/map/">网站地图</a> | <a href="/contact/">联系我们</a></p>
  <p>版权所有：成都市青羊区人民政府（示例）　主办：青羊区人民政府办公室</p>
  <p>蜀ICP备00000000号-1　川公网安备00000000000000号</p>
</footer>
<script>
  function trackVisit() { var img = new Image(); img.src = "/stat?p=" + encodeURIComponent(location.pathname); }
  trackVisit();
</script>
</body>
</html>
"""


def write_text_files() -> None:
    (HERE / "gbk.csv").write_bytes(csv_text(DEMANDS).encode("gbk"))
    (HERE / "utf8_bom.csv").write_bytes(csv_text(SUPPLIES).encode("utf-8-sig"))
    assert "䶮" in PLAIN_TEXT  # U+4DAE: in GB18030, not in GBK
    (HERE / "plain_gb18030.txt").write_bytes(PLAIN_TEXT.replace("\n", "\r\n").encode("gb18030"))
    (HERE / "notes.md").write_bytes(NOTES_MD.encode("utf-8"))
    (HERE / "page.html").write_bytes(PAGE_HTML.encode("utf-8"))
    (HERE / "empty.txt").write_bytes(b"")
    (HERE / "unknown.xyz").write_bytes(b"XYZ1\x00\x01\x02chanjiao unknown format\n")


def main() -> None:
    write_pdfs()
    write_docx()
    write_xlsx()
    write_text_files()
    write_real_cuts()
    for path in sorted(HERE.iterdir()):
        if path.suffix not in (".py", ".md") or path.name == "notes.md":
            print(f"{path.stat().st_size:>9,}  {path.name}")


if __name__ == "__main__":
    main()
