"""The eval harness itself, offline: metrics on Chinese text and `evaluate` with fakes."""

from evals import metrics as m
from evals.runner import citation_precision, evaluate
from ingest.types import Answer, Chunk, Citation, DocMeta, Hit


def test_norm_ignores_width_spaces_and_punctuation():
    assert m.norm("每人每年 5,000 元。") == m.norm("每人每年5，000元")
    assert m.norm("ＡＢＣ（一）") == "abc一"


def test_gold_matching_is_by_file_and_evidence():
    g = m.Gold("职业教育法(2022-04-20).md", "国家推行中国特色学徒制")
    assert m.matches(
        "第三十条 国家推行 中国特色学徒制，引导企业", "corpus/laws/职业教育法(2022-04-20).md", g
    )
    assert not m.matches(
        "第三十条 国家推行中国特色学徒制", "corpus/laws/职业教育法(1996-05-15).md", g
    )
    assert (
        m.first_gold_rank(
            [("无关", "a.md"), ("国家推行中国特色学徒制", "x/职业教育法(2022-04-20).md")], [g]
        )
        == 2
    )


def test_table_row_evidence_matches_the_row_as_a_record_too():
    g = m.Gold("计划.pdf", "示例学院公办院校080201机械工程")
    record = "序号：7；学校名称：示例学院；院校办学性质：公办院校；招生专业代码：080201；招生专业名称：机械工程"
    assert m.matches(record, "corpus/计划.pdf", g)
    assert m.matches("示例学院 公办院校 080201 机械工程 40", "corpus/计划.pdf", g)
    # the cells must stand next to each other, in order, in one row
    other = (
        "学校名称：示例学院；院校办学性质：公办院校；招生专业代码：080202；招生专业名称：机械工程"
    )
    assert not m.matches(other, "corpus/计划.pdf", g)
    assert m.cell_values("第三条：补贴标准为每人3000元。") == "第三条：补贴标准为每人3000元。"


def test_recall_mrr_f1():
    assert m.recall_at(3, 5) == 1.0 and m.recall_at(6, 5) == 0.0 and m.recall_at(None, 5) == 0.0
    assert m.reciprocal_rank(2, 10) == 0.5
    assert m.char_f1("补贴5000元", "补贴5000元") == 1.0
    assert 0 < m.char_f1("每人补贴5000元", "补贴标准为5000元") < 1
    assert m.includes_all("标准为每人每年5,000元[1]", ["5000元"])


def _chunk(cid, text, source="a.md"):
    doc = DocMeta(doc_id=cid, source=source, title="t")
    return Chunk(chunk_id=cid, doc=doc, text=text, search_text=text)


class FakeRetriever:
    def __init__(self, ranked):
        self.ranked = ranked

    def search(self, q, k=5, mode="hybrid", **kw):
        texts = self.ranked[mode].get(q, [])
        return [Hit(_chunk(f"c{i}", t), 1.0, i + 1, (mode,)) for i, t in enumerate(texts[:k])]


def test_evaluate_scores_retrieval_answers_and_refusals():
    cases = [
        {
            "id": "q1",
            "question": "补贴多少",
            "answerable": True,
            "gold": [{"source": "a.md", "evidence": "每人5000元"}],
            "must_include": ["5000"],
        },
        {"id": "q2", "question": "天气", "answerable": False, "gold": []},
        {"id": "q3", "question": "近似", "answerable": False, "gold": []},
        {
            "id": "q4",
            "question": "学时",
            "answerable": True,
            "gold": [{"source": "a.md", "evidence": "48学时"}],
            "must_include": ["48学时"],
        },
    ]
    ranked = {
        "keyword": {"补贴多少": ["无关", "每人5000元"]},
        "dense": {"补贴多少": ["无关"] * 6 + ["每人5000元"]},
        "hybrid": {"补贴多少": ["每人5000元"], "学时": ["48学时"]},
    }

    def answer_fn(q, on_token):
        if q == "补贴多少":
            return Answer(
                q,
                "每人5000元[1]",
                True,
                "extractive",
                (Citation(1, "a.md", "t", "c0", "每人5000元"),),
            )
        if q in ("近似", "学时"):  # the nearest passage shown, not an answer
            return Answer(
                q,
                "资料中没有直接回答这个问题。最接近的内容：\n48学时[1]",
                False,
                "extractive",
                status="not_direct",
            )
        return Answer(q, "知识库中未找到相关内容", False, "extractive", status="refused")

    r = evaluate(cases, FakeRetriever(ranked), answer_fn)
    assert r.recall5 == {"keyword": 0.5, "dense": 0.0, "hybrid": 1.0}
    assert r.mrr10["keyword"] == 0.25 and abs(r.mrr10["dense"] - 1 / 14) < 1e-9
    # q1 answered right; q4 answerable but only shown as the nearest passage
    assert r.answer_accuracy == 0.5 and r.facts_shown == 1.0 and r.not_direct == 0.5
    # q2 refused outright, q3 marked not directly answered: both caught, one refused
    assert r.near_misses_caught == 1.0 and r.refusal_accuracy == 0.5
    assert r.false_refusals == 0.0
    assert r.statuses == {"answered": 1, "not_direct": 2, "refused": 1}


def test_citation_precision_catches_numbers_missing_from_the_quote():
    ans = Answer(
        "q",
        "补贴每人8000元[1]\n期限一年[1]",
        True,
        "llm",
        (Citation(1, "a", "t", "c", "补贴每人5000元，期限一年"),),
    )
    assert citation_precision(ans) == 0.5
