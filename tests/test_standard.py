"""The standard as data, checked against the notice it was derived from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.draft.standard import StandardError, load_standard

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "corpus" / "standard" / "moe-2024-10-21-jiaozhichengtinghan-2024-20.txt"


@pytest.fixture(scope="module")
def notice_lines():
    text = NOTICE.read_text("utf-8")
    lines = text.splitlines()
    start = lines.index("附件1")
    end = lines.index("附件2")
    return lines[start:end]


@pytest.fixture(scope="module")
def std():
    return load_standard()


def test_every_point_appears_in_the_notice_with_its_wording(std, notice_lines):
    annex = "\n".join(notice_lines)
    for p in std.points:
        # code immediately followed by the exact name, and not part of a longer code
        assert re.search(rf"(?<![\d.]){re.escape(p.code + p.name)}", annex), p.code


def test_every_three_part_code_in_the_notice_is_in_the_file(std, notice_lines):
    annex = "\n".join(notice_lines)
    printed = set(re.findall(r"(?<![\d.])(\d{1,2}\.\d\.\d)(?=[^\d.])", annex))
    assert printed == {p.code for p in std.points}
    assert len(std.points) == 116
    # codes are unique and each sits under the indicator its first number names
    assert len({p.code for p in std.points}) == 116
    assert all(p.indicator == p.code.split(".")[0] for p in std.points)
    assert [i.code for i in std.indicators] == [str(n) for n in range(1, 17)]


def test_units_are_read_from_the_names(std):
    assert std.point("8.5.1").unit == "个"
    assert std.point("6.1.2").unit == "万元"
    assert std.point("12.1.1").unit == "%"
    assert std.point("8.4.1").unit == "人次、课时"
    assert std.point("8.5.6").unit == "是否"
    assert std.point("6.1.3").kind == "text"
    for p in std.points:
        if p.kind == "number":
            assert f"({p.unit})" in p.name


def test_vetoes_without_glued_page_numbers(std, notice_lines):
    assert [v.code for v in std.vetoes] == [f"16.{i}" for i in range(1, 7)]
    annex = "\n".join(notice_lines)
    for v in std.vetoes:
        assert v.code + v.name in annex


def test_numbering_slips_are_recorded_as_such(std, notice_lines):
    slips = {s.printed: s for s in std.slips}
    # the notice prints "7.“五金”建设" for indicator 8 and "5.3规章制度" for 5.4
    assert slips["7.“五金”建设"].code == "8" and slips["7.“五金”建设"].kind == "misnumbered"
    assert slips["5.3规章制度"].code == "5.4"
    assert slips["13.2共享成果"].code == "13.3"
    assert slips["4016.2"].kind == "page_number_glued" and slips["4016.2"].code == "16.2"
    assert slips["176.3就业支持"].code == "6.3"
    annex = "\n".join(notice_lines)
    for s in std.slips:
        assert s.printed in annex  # what was printed is really there
    titles = {i.code: i.title for i in std.indicators}
    assert titles["8"] == "“五金”建设" and titles["13"] == "产业发展"


def test_categories_and_groups(std):
    cat = {i.code: (i.category, i.group) for i in std.indicators}
    assert cat["1"] == ("基础性指标", "")
    assert cat["5"] == ("实质性指标", "合作办学")
    assert cat["9"] == ("实质性指标", "合作育人")
    assert cat["12"] == ("实质性指标", "合作就业")
    assert cat["15"] == ("实质性指标", "合作发展")
    assert cat["16"] == ("否定性指标", "")


def test_resolve_codes(std):
    assert [i.code for i in std.resolve(["8.5", "8.5.1", "13"])] == ["8", "13"]
    assert len(std.resolve(None)) == 16
    with pytest.raises(StandardError):
        std.resolve(["8.9"])
    with pytest.raises(StandardError):
        std.resolve(["17"])
