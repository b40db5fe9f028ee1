"""The construction standard (市域产教联合体建设标准（试行）) as data, loaded once.

The tree lives in corpus/standard/jianshe-biaozhun.json, derived from the Ministry's notice
by corpus/_build/make_standard.py (which also records the notice's numbering slips). Here
it becomes frozen values the coverage matrix and the drafts read: 16 indicators, their
third-level indicators, 116 观测点 with name and unit, and the six 否定性 items. Nothing
here reads the index.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STANDARD_FILE = ROOT / "corpus" / "standard" / "jianshe-biaozhun.json"
CODE = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,2}$")


class StandardError(Exception):
    """The standard file is missing or an indicator code names nothing in it."""


@dataclass(frozen=True)
class Point:
    """One 观测点: "8.5.1", "共建实训基地数(个)", unit "个", kind number|yes_no|text."""

    code: str
    name: str
    unit: str
    kind: str
    indicator: str
    subindicator: str

    @property
    def label(self) -> str:
        """The name without its unit in parentheses: "共建实训基地数"."""
        return re.sub(r"\([^()]*\)$", "", self.name).strip()


@dataclass(frozen=True)
class SubIndicator:
    code: str
    title: str
    description: str
    indicator: str


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    category: str  # 基础性指标 / 实质性指标 / 否定性指标
    group: str  # 合作办学 … for 实质性指标


@dataclass(frozen=True)
class Veto:
    code: str
    name: str


@dataclass(frozen=True)
class Slip:
    printed: str
    code: str
    kind: str
    note: str


@dataclass(frozen=True)
class Standard:
    title: str
    doc_number: str
    source: str
    indicators: tuple[Indicator, ...]
    subindicators: tuple[SubIndicator, ...]
    points: tuple[Point, ...]
    vetoes: tuple[Veto, ...]
    slips: tuple[Slip, ...]

    def point(self, code: str) -> Point | None:
        return next((p for p in self.points if p.code == code), None)

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    def points_of(self, code: str) -> list[Point]:
        """The 观测点 under an indicator ("8"), a third-level indicator ("8.5") or one point."""
        return [p for p in self.points if p.code == code or p.code.startswith(code + ".")]

    def resolve(self, codes: list[str] | None) -> list[Indicator]:
        """The second-level indicators a user's codes name ("8.5" → 8), all when None/empty.

        Raises StandardError on a code the standard does not have."""
        if not codes:
            return list(self.indicators)
        wanted: list[str] = []
        for code in codes:
            code = code.strip()
            top = code.split(".")[0]
            known = self.indicator(top) is not None and (
                code == top or self.points_of(code) or any(v.code == code for v in self.vetoes)
            )
            if not CODE.match(code) or not known:
                raise StandardError(
                    f"建设标准中没有指标 {code}（应为 1–16 或观测点编号，如 8.5、8.5.1）"
                    f" (no such indicator in the standard)"
                )
            if top not in wanted:
                wanted.append(top)
        return [i for i in self.indicators if i.code in wanted]


@lru_cache(maxsize=4)
def load_standard(path: Path = STANDARD_FILE) -> Standard:
    if not path.exists():
        raise StandardError(
            f"缺少建设标准数据文件 {path}（运行 python corpus/_build/make_standard.py 生成）"
            " (standard file missing)"
        )
    data = json.loads(path.read_text("utf-8"))
    return Standard(
        title=data["title"],
        doc_number=data["doc_number"],
        source=data["source"],
        indicators=tuple(
            Indicator(i["code"], i["title"], i["category"], i["group"]) for i in data["indicators"]
        ),
        subindicators=tuple(
            SubIndicator(s["code"], s["title"], s["description"], s["indicator"])
            for s in data["subindicators"]
        ),
        points=tuple(
            Point(p["code"], p["name"], p["unit"], p["kind"], p["indicator"], p["subindicator"])
            for p in data["points"]
        ),
        vetoes=tuple(Veto(v["code"], v["name"]) for v in data["vetoes"]),
        slips=tuple(Slip(s["printed"], s["code"], s["kind"], s["note"]) for s in data["slips"]),
    )
