"""The lookup evals: pure set metrics, the gold builder, and the harness on a real index."""

from __future__ import annotations

from evals import metrics as m
from evals.build_lookup_gold import _files, gold, matches
from evals.lookups import evaluate_lookups, load_lookup_cases


def test_set_metrics():
    a, b = {1, 2, 3}, {2, 3, 4, 5}
    assert m.set_precision(a, b) == 2 / 3 and m.set_recall(a, b) == 0.5
    assert m.set_precision(set(), set()) == 1.0 and m.set_recall(set(), set()) == 1.0
    assert m.set_precision(set(), {1}) == 0.0 and m.set_recall({1}, set()) == 1.0
    assert m.stated_count("符合条件的课程共12条，列表完整") == 12
    assert m.stated_count("没有数字") is None
    assert m.record_key("corpus/x/表.xlsx", "高职", 5) == ("表.xlsx", "高职", 5)


def test_gold_rules_read_the_raw_cells():
    cells = {"学时": "64", "开放对象": "在校生、企业员工", "培训时间": "2025年7月14日—7月25日"}
    assert matches(cells, {"at_least": {"学时": 64}, "contains": {"开放对象": "企业员工"}})
    assert not matches(cells, {"equals": {"开放对象": "企业员工"}})
    assert matches(cells, {"overlaps": {"培训时间": ["2025-07-20", "2025-08-31"]}})
    assert not matches(cells, {"overlaps": {"培训时间": ["2025-07-26", "2025-08-31"]}})
    rows = gold({"file": "示例-培训清单-2025-2026.xlsx", "at_least": {"学时": 200}}, _files())
    assert rows and all(r[0].endswith(".xlsx") and r[2] > 4 for r in rows)


def test_the_harness_scores_record_sets(records_index):
    files = _files()
    rule = {
        "file": "示例-开放课程目录-2025-2026学年.xlsx",
        "equals": {"授课方式": "线下", "开课学校": "西华大学"},
    }
    records = gold(rule, files)
    cases = [
        {
            "id": "t1",
            "question": "西华大学的线下课程有几门",
            "intent": "count",
            "record_kind": "course",
            "gold": {"records": records, "count": len(records)},
        },
        {
            "id": "t2",
            "find": {"kind": "course", "where": ["开课学校=西华大学", "授课方式=线下"]},
            "gold": {"records": records, "count": len(records)},
        },
        {
            "id": "t3",
            "find": {"kind": "course", "where": ["开课学校=西华大学"]},
            "gold": {"records": records, "count": len(records)},
        },
    ]
    report = evaluate_lookups(cases, records_index)
    assert report.n == 3 and report.count_exact == 1.0
    assert [f["id"] for f in report.failures] == ["t3"]  # more returned than gold
    assert report.failures[0]["recall"] == 1.0 and report.failures[0]["precision"] < 1.0
    # the shipped question set has gold for every case
    assert all(c["gold"]["count"] == len(c["gold"]["records"]) for c in load_lookup_cases())
