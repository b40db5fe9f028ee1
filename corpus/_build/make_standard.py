"""Derive the construction standard as data from the Ministry's notice text.

Reads corpus/standard/moe-2024-10-21-jiaozhichengtinghan-2024-20.txt (教职成厅函〔2024〕20号,
附件1 市域产教联合体建设标准（试行）) and writes corpus/standard/jianshe-biaozhun.json: the
三类一级指标 (基础性 / 实质性 / 否定性, with the 四个合作 groups of the 实质性 ones), the 16
second-level indicators, their third-level indicators, every numbered 观测点 with its name
and unit, and the six 否定性 items 16.1–16.6.

The notice's text is a PDF extraction and its own numbering slips, so the codes are not
trusted as printed: a third-level indicator's code is the prefix its 观测点 share, and a
second-level indicator's number is the one its third-level codes carry. Every place where
the printed code differs is recorded under "slips" with what was printed, what it is, and
why: a page number glued onto a code ("4016.2" is 16.2 on page 40, "176.3" is 6.3 on
page 17) or the notice's own misnumbering ("7.“五金”建设" is indicator 8, "5.3规章制度" is
5.4). Names are kept exactly as printed (half-width punctuation included), so each can be
found again in the notice; tests/test_standard.py checks that.

Run from the repo root: `python corpus/_build/make_standard.py` (standard library only;
the output is deterministic).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTICE = ROOT / "corpus" / "standard" / "moe-2024-10-21-jiaozhichengtinghan-2024-20.txt"
OUT = ROOT / "corpus" / "standard" / "jianshe-biaozhun.json"

CATEGORY = re.compile(r"^([一二三])、(基础性指标|实质性指标|否定性指标)")
GROUPS = ("合作办学", "合作育人", "合作就业", "合作发展")
# A second-level indicator opens a line: "5.主体责任", "7.“五金”建设", "1.省(市)级政府 1.1…".
INDICATOR = re.compile(r"^(\d{1,2})\.([^\d\s.][^\s]{1,12})(?=\s|$)")
# A third-level indicator: code, short name, colon, description ("8.5基地建设:完善…").
# Page numbers may be glued in front ("176.3就业支持"), so the digits are taken greedily
# here and reconciled with the 观测点 codes below.
SUBINDICATOR = re.compile(r"(?:^|\s)(\d{1,4}\.\d)([^\d\s:：.][^:：\s]{1,10})[:：]")
# A 观测点: three-part code, then its name up to the next code or the end of the line.
POINT = re.compile(r"(?:(?<=^)|(?<=\s)|(?<=\)))(\d{1,2}\.\d\.\d)(?=[^\d.])")
VETO = re.compile(r"^(\d*?)(16\.[1-9])(\D.*)$")

UNIT_WORDS = (
    "个",
    "人",
    "人次",
    "课时",
    "万元",
    "亿元",
    "%",
    "小时/周",
    "门",
    "本",
    "项",
    "份",
    "次",
    "人日",
    "人月",
)
_PAREN = re.compile(r"\(([^()]{1,10})\)")


def unit_of(name: str) -> tuple[str, str]:
    """(unit, kind): the unit printed in the name's parentheses, "是否" for a yes/no point,
    "" for a point described in words (kind "text")."""
    for m in _PAREN.finditer(name):
        parts = m.group(1).split("、")
        if all(p in UNIT_WORDS for p in parts):
            return m.group(1), "number"
    if "是否" in name:
        return "是否", "yes_no"
    return "", "text"


def annex_lines(text: str) -> list[tuple[int, str]]:
    lines = text.splitlines()
    start = next(i for i, s in enumerate(lines) if s.strip() == "附件1")
    end = next(i for i, s in enumerate(lines) if s.strip() == "附件2")
    return [(i + 1, lines[i]) for i in range(start, end)]


def parse(text: str) -> dict:
    category = ""
    group = ""
    indicators: list[dict] = []  # as printed, reconciled later
    subs: list[dict] = []
    points: list[dict] = []
    vetoes: list[dict] = []
    slips: list[dict] = []
    for lineno, raw in annex_lines(text):
        line = raw.strip()
        m = CATEGORY.match(line)
        if m:
            category = m.group(2)
            rest = line[m.end() :].strip()
            group = rest if rest in GROUPS else ""
            continue
        if line in GROUPS:
            group = line
            continue
        if category == "否定性指标":
            v = VETO.match(line)
            if v:
                glued, code, name = v.groups()
                vetoes.append({"code": code, "name": name.strip(), "line": lineno})
                if glued:
                    slips.append(
                        {
                            "printed": glued + code,
                            "code": code,
                            "kind": "page_number_glued",
                            "note": f"第{glued}页的页码与编号{code}连在一起",
                            "line": lineno,
                        }
                    )
                continue
        m = INDICATOR.match(line)
        if m and not POINT.match(line):
            indicators.append(
                {
                    "printed": m.group(1),
                    "title": m.group(2),
                    "category": category,
                    "group": group,
                    "line": lineno,
                }
            )
        for m in SUBINDICATOR.finditer(line):
            desc_end = POINT.search(line, m.end())
            desc = line[m.end() : desc_end.start() if desc_end else len(line)].strip()
            subs.append(
                {"printed": m.group(1), "title": m.group(2), "description": desc, "line": lineno}
            )
        found = list(POINT.finditer(line))
        for k, m in enumerate(found):
            end = found[k + 1].start() if k + 1 < len(found) else len(line)
            name = line[m.end() : end].strip()
            unit, kind = unit_of(name)
            points.append(
                {
                    "code": m.group(1),
                    "name": name,
                    "unit": unit,
                    "kind": kind,
                    "line": lineno,
                }
            )

    # Reconcile third-level codes with the 观测点 that follow each heading.
    for i, s in enumerate(subs):
        nxt = subs[i + 1]["line"] if i + 1 < len(subs) else 10**9
        after = [p for p in points if s["line"] <= p["line"] <= nxt and p["line"] >= s["line"]]
        prefixes = [p["code"].rsplit(".", 1)[0] for p in after]
        actual = prefixes[0] if prefixes else s["printed"]
        s["code"] = actual
        if s["printed"] != actual:
            if s["printed"].endswith(actual):
                glued = s["printed"][: -len(actual)]
                slips.append(
                    {
                        "printed": s["printed"] + s["title"],
                        "code": actual,
                        "kind": "page_number_glued",
                        "note": f"第{glued}页的页码与编号{actual}连在一起",
                        "line": s["line"],
                    }
                )
            else:
                slips.append(
                    {
                        "printed": s["printed"] + s["title"],
                        "code": actual,
                        "kind": "misnumbered",
                        "note": f"通知原文编为{s['printed']}，其观测点为{actual}.x，应为{actual}",
                        "line": s["line"],
                    }
                )
    # Reconcile second-level numbers with the codes of what follows each heading.
    for i, ind in enumerate(indicators):
        nxt = indicators[i + 1]["line"] if i + 1 < len(indicators) else 10**9
        inner = [s["code"] for s in subs if ind["line"] <= s["line"] < nxt]
        inner += [p["code"] for p in points if ind["line"] <= p["line"] < nxt]
        if ind["category"] == "否定性指标":
            inner += [v["code"] for v in vetoes]
        actual = inner[0].split(".")[0] if inner else ind["printed"]
        ind["code"] = actual
        if ind["printed"] != actual:
            slips.append(
                {
                    "printed": f"{ind['printed']}.{ind['title']}",
                    "code": actual,
                    "kind": "misnumbered",
                    "note": f"通知原文编为{ind['printed']}，其下指标为{actual}.x，应为{actual}",
                    "line": ind["line"],
                }
            )

    by_sub = {s["code"]: s for s in subs}
    out_points = []
    for p in points:
        sub = p["code"].rsplit(".", 1)[0]
        out_points.append(
            {
                "code": p["code"],
                "name": p["name"],
                "unit": p["unit"],
                "kind": p["kind"],
                "indicator": p["code"].split(".")[0],
                "subindicator": sub if sub in by_sub else "",
                "line": p["line"],
            }
        )
    slips.sort(key=lambda s: s["line"])
    return {
        "title": "市域产教联合体建设标准（试行）",
        "notice": "教育部办公厅关于加强市域产教联合体建设的通知",
        "doc_number": "教职成厅函〔2024〕20号",
        "source": str(NOTICE.relative_to(ROOT)),
        "derived_by": "corpus/_build/make_standard.py",
        "note": "名称按通知原文（半角标点）照录；编号以观测点为准，原文编号错漏见 slips。",
        "indicators": [
            {
                "code": i["code"],
                "title": i["title"],
                "category": i["category"],
                "group": i["group"],
                "line": i["line"],
            }
            for i in indicators
        ],
        "subindicators": [
            {
                "code": s["code"],
                "title": s["title"],
                "description": s["description"],
                "indicator": s["code"].split(".")[0],
                "line": s["line"],
            }
            for s in subs
        ],
        "points": out_points,
        "vetoes": [
            {"code": v["code"], "name": v["name"], "indicator": "16", "line": v["line"]}
            for v in vetoes
        ],
        "slips": slips,
    }


def main() -> None:
    data = parse(NOTICE.read_text("utf-8"))
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"{OUT.relative_to(ROOT)}: {len(data['indicators'])} 个二级指标，"
        f"{len(data['subindicators'])} 个三级指标，{len(data['points'])} 个观测点，"
        f"{len(data['vetoes'])} 个否定性指标，{len(data['slips'])} 处编号错漏"
    )


if __name__ == "__main__":
    main()
