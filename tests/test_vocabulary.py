"""Vocabulary is data (ingest/vocab/): the formats load, equivalences are symmetric, and an
overlay folder extends them without touching code."""

import pytest

from ingest import vocabulary
from ingest.synonyms import alternatives, forms


@pytest.fixture
def overlay(tmp_path):
    (tmp_path / "synonyms.txt").write_text(
        "# 本联合体的叫法\n蓉航技校, 成都蓉城航空技工学校\n", "utf-8"
    )
    (tmp_path / "framing.txt").write_text("劳驾\n", "utf-8")
    vocabulary.configure([tmp_path])
    yield tmp_path
    vocabulary.configure([])


def test_synonym_groups_are_symmetric_and_one_way_rules_are_not():
    table = vocabulary.synonym_table("synonyms.txt")
    for word, others in table.items():
        for other in others:
            # every member of a group stands for the others, unless a "=>" rule made it one-way
            if word in table.get(other, ()):
                continue
            line = next(x for x in vocabulary.lines("synonyms.txt") if word in x and other in x)
            assert "=>" in line, (word, other)
    assert "医疗保险" in alternatives("医保") and "医保" in alternatives("医疗保险")
    assert "企业" in alternatives("厂里") and "厂里" not in alternatives("企业")


@pytest.mark.parametrize(
    "group",
    [("三级", "3级", "Ⅲ级", "高级工"), ("一级", "1级", "Ⅰ级", "高级技师"), ("二等奖", "2等奖")],
)
def test_grade_forms_are_one_group_in_every_direction(group):
    folded = [vocabulary.fold(g) for g in group]
    for a in folded:
        assert set(folded) <= set(forms(a)) | {a}, a


def test_every_vocabulary_file_loads():
    for path in sorted(vocabulary.VOCAB_DIR.glob("*.txt")):
        assert vocabulary.lines(path.name), path.name
    assert {"count", "list", "comparison", "negation", "coverage"} <= set(
        vocabulary.sections("cues.txt")
    )
    assert "course" in vocabulary.mapping("record_kinds.txt")


def test_an_overlay_extends_the_bundled_vocabulary(overlay):
    from assistant.question import read_question

    assert "成都蓉城航空技工学校" in alternatives("蓉航技校")
    assert "医疗保险" in alternatives("医保")  # the bundled lines are still there
    assert "劳驾" not in [c.word for c in read_question("劳驾问下实训基地有多少工位").concepts]


def test_without_the_overlay_its_words_are_unknown():
    assert alternatives("蓉航技校") == ()


def test_an_organisation_is_held_by_any_of_its_names():
    from ingest.tokens import compact, held

    assert "成都航空职业技术大学" in alternatives("成航大")  # orgs.txt
    assert held("成飞", compact("成都飞机工业（集团）有限责任公司牵头"))


@pytest.mark.parametrize(("short", "full"), [("职教法", "职业教育法"), ("高数", "高等数学")])
def test_a_short_form_is_one_word_that_means_its_full_form(short, full):
    """A short form jieba does not know is glued by its HMM to the characters beside it
    ("考" + a course's short name): in the user dictionary it stays one word, which the
    synonyms carry to the form documents write."""
    from ingest.tokens import concepts

    assert full in alternatives(short)
    assert short in [w for w, _ in concepts(f"去年考{short}的人多吗")]
