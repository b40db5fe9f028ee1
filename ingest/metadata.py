"""Document metadata read off the file: kind, title, issuer, 文号, date, validity.

Chinese official documents are regular: the title names the issuer ("教育部办公厅关于…的通知"),
the 文号 follows the pattern 机关代字〔年份〕序号号, the date stands at the end (落款) or in the
file name. What cannot be read off is given in a sidecar `<file>.meta.json`, which wins.
Pure functions; the pipeline does the reading.
"""

from __future__ import annotations

import re
from datetime import date

DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fa5]{1,14})\s*[〔\[［【（(]\s*((?:19|20)\d{2})\s*[〕\]］】）)]\s*(\d{1,4})\s*号"
)
CN_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE = re.compile(r"((?:19|20)\d{2})[-./](\d{1,2})[-./](\d{1,2})")
VALID_UNTIL = re.compile(
    r"(?:有效期(?:至|到|截至)|有效期为[^。；]*?至|自[^。；]{0,30}?起(?:施行|执行)[^。；]*?至)\s*"
    r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)

# Folder names (English or Chinese) that say what kind of document is inside.
FOLDER_TYPES = {
    "policy": "policy",
    "policies": "policy",
    "政策": "policy",
    "惠企政策": "policy",
    "standard": "standard",
    "standards": "standard",
    "标准": "standard",
    "charter": "charter",
    "章程": "charter",
    "course": "course",
    "courses": "course",
    "课程": "course",
    "开放课程": "course",
    "demand": "demand",
    "demands": "demand",
    "需求": "demand",
    "供需": "demand",
    "supply": "supply",
    "supplies": "supply",
    "供给": "supply",
    "training": "training",
    "trainings": "training",
    "培训": "training",
    "achievement": "achievement",
    "achievements": "achievement",
    "成果": "achievement",
    "report": "report",
    "reports": "report",
    "报告": "report",
    "law": "law",
    "laws": "law",
    "法规": "law",
    "法律": "law",
    "plan": "plan",
    "plans": "plan",
    "计划": "plan",
    "台账": "plan",
}

# Checked in order against the title: the first match decides.
TITLE_TYPES = (
    ("章程", "charter"),
    ("供需", "demand"),
    ("需求清单", "demand"),
    ("成果", "achievement"),
    ("培训清单", "training"),
    ("课程目录", "course"),
    ("开放课程", "course"),
    ("自评报告", "report"),
    ("年度报告", "report"),
    ("任务分解", "plan"),
    ("台账", "plan"),
    ("建设标准", "standard"),
    ("课程标准", "standard"),
    ("教学标准", "standard"),
    ("考纲", "standard"),
    ("考试大纲", "standard"),
    ("考试说明", "standard"),
    ("中华人民共和国", "law"),
    ("条例", "law"),
    ("通知", "policy"),
    ("办法", "policy"),
    ("政策", "policy"),
    ("补贴", "policy"),
    ("措施", "policy"),
    ("意见", "policy"),
    ("规定", "policy"),
)

ISSUER_SUFFIX = re.compile(
    r"^((?:[\u4e00-\u9fa5]{2,30}?)(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|"
    r"常务委员会|教育厅|教育局|人力资源和社会保障局|人力资源和社会保障厅|财政局|财政厅|税务局|"
    r"经济和信息化局|科学技术局|管理委员会|管委会|局|厅|部|署|委|院|秘书处|理事会))"
)


HEAD_LINES = 20


def find_doc_number(text: str) -> str:
    """The document's own 文号, normalised to 〔〕 brackets ("教职成厅函〔2024〕20号").

    A document's own number stands on a line of its own near the top (under the 红头);
    a number inside a sentence ("按照《…》（川人社〔2023〕173号）") is one it cites, and a
    compilation or handbook quoting many has none of its own.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:HEAD_LINES]
    for line in lines:
        m = DOC_NUMBER.search(line)
        if not m or line[-1] in "。；，、：:,;" or "《" in line[: m.start()]:
            continue
        if len(line) - len(m.group(0)) <= 16:
            return normalize_doc_number(m.group(0))
    return ""


# Words a sentence puts before a 文号 that the 文号 regex would take for its issuer:
# "按成经信发〔2025〕9号" is 成经信发〔2025〕9号.
_LEAD_IN = re.compile(
    r"^.*?(?:按照|根据|依据|依照|对照|参照|落实|执行|请问|关于|查询|按|据|依|看|查)"
)


def normalize_doc_number(raw: str) -> str:
    m = DOC_NUMBER.search(raw)
    if not m:
        return raw.strip()
    issuer = _LEAD_IN.sub("", m.group(1)) or m.group(1)
    return f"{issuer}〔{m.group(2)}〕{m.group(3)}号"


def _iso(y: str, m: str, d: str) -> str:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return ""


_ADOPTED = re.compile(r"通过|修订|修正|公布|发布|施行")


def find_date(text: str, filename: str = "") -> str:
    """The publish date: from the file name if it carries one, then from a law's header
    ("1997年9月5日 …会议通过", the latest revision wins), else the 落款 near the end."""
    for pattern in (ISO_DATE, CN_DATE):
        m = pattern.search(filename)
        if m:
            return _iso(*m.groups())
    head = [ln for ln in text.splitlines() if ln.strip()][:8]
    adopted = [
        m for ln in head if _ADOPTED.search(ln) and len(ln) < 120 for m in CN_DATE.finditer(ln)
    ]
    if adopted:
        return max(_iso(*m.groups()) for m in adopted)
    tail = text[-600:]
    found = list(CN_DATE.finditer(tail))
    if found:
        return _iso(*found[-1].groups())
    m = CN_DATE.search(text[:800])
    return _iso(*m.groups()) if m else ""


def find_valid_until(text: str) -> str:
    m = VALID_UNTIL.search(text)
    return _iso(*m.groups()) if m else ""


def find_issuer(title: str, head_text: str = "") -> str:
    """The issuing body: named before 关于 in the title, or on the 红头 line."""
    if "关于" in title:
        before = title.split("关于", 1)[0].strip()
        if 2 <= len(before) <= 40:
            return before
    for line in head_text.splitlines()[:6]:
        s = line.strip().rstrip("文件").strip()
        m = ISSUER_SUFFIX.match(s)
        if m and len(s) <= 40:
            return m.group(1)
    return ""


_TITLE_ENDS = (
    "通知",
    "办法",
    "章程",
    "规定",
    "意见",
    "方案",
    "报告",
    "细则",
    "标准",
    "说明",
    "手册",
    "大纲",
    "汇编",
    "清单",
    "目录",
    "计划",
    "决定",
    "公告",
    "函",
    "条例",
    "法",
)


def guess_title(declared: str, head_text: str, filename: str) -> str:
    """A document's title: what the file declares, else its first lines, else its name.

    Official documents often break the title over two lines ("…关于加强" / "…的通知"), and
    covers set it vertically one character a line; the lines before the 文号, the
    salutation ("各…："), the table of contents or the first numbered heading are joined.
    """
    declared = (declared or "").strip()
    if 4 <= len(declared) <= 80:
        return declared
    from .clean import heading_level, is_page_number

    lines = [ln.strip().lstrip("#").strip() for ln in head_text.splitlines()]
    lines = [ln for ln in lines if ln and not is_page_number(ln)]
    parts: list[str] = []
    for line in lines[:12]:
        if (
            DOC_NUMBER.search(line)
            or line.endswith(("：", ":"))
            or len(line) > 40
            or "".join(line.split()) in ("目录", "目次")
            or (parts and heading_level(line) is not None)
            or (parts and re.match(r"^\d+\s", line))
        ):
            break
        if re.fullmatch(r"[A-Za-z0-9 .,'’-]+", line):
            continue
        parts.append(line)
        if len(line) > 1 and line.endswith(_TITLE_ENDS):
            break
    title = "".join(parts)
    if 4 <= len(title) <= 80:
        return title
    stem = re.sub(r"[（(]\d{1,2}\.\d{1,2}[)）]$", "", filename.rsplit(".", 1)[0])
    return stem.strip()


def guess_doc_type(folders: list[str], title: str, head_text: str = "") -> str:
    for folder in reversed(folders):
        kind = FOLDER_TYPES.get(folder.lower())
        if kind:
            return kind
    for word, kind in TITLE_TYPES:
        if word in title:
            return kind
    if re.search(r"^第[一二三四五六七八九十]+条", head_text, re.MULTILINE):
        return "law"
    return "other"


def year_of(iso_date: str) -> int:
    return int(iso_date[:4]) if iso_date[:4].isdigit() else 0


def is_sample(title: str, filename: str) -> bool:
    """Demo data we wrote ourselves is marked 示例 in its title or file name."""
    return "示例" in title or "示例" in filename


_STALE_WORDS = ("废止", "失效", "取代", "修订")


def is_stale(doc, today: date | None = None) -> bool:
    """Whether a document is no longer in force: declared repealed, expired or superseded,
    or past its validity date."""
    if doc.status and any(w in doc.status for w in _STALE_WORDS) and "有效" not in doc.status:
        return True
    return bool(doc.valid_until) and doc.valid_until < (today or date.today()).isoformat()


def status_of(valid_until: str, declared: str, today: date | None = None) -> str:
    """A human status for a policy: what was declared, or 已失效 past its validity date."""
    if declared:
        return declared
    if valid_until:
        today = today or date.today()
        return "已失效" if valid_until < today.isoformat() else "有效"
    return ""
