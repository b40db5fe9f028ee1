"""The English lead over Chinese quotes: a figure only when the answering sentence holds
exactly one of the kind asked."""

from assistant.english import POINTER, english_lead
from assistant.question import read_question

LEAD = "Answer (from the Chinese documents, quoted below): "


def lead(question, sentences, weight=lambda s: 0.0):
    return english_lead(read_question(question), sentences, weight)


def test_a_year_is_not_the_amount_asked():
    got = lead("How much is the training fee per person?", ["2025年开班，培训费用5800元/人。"])
    assert got == LEAD + "5800元"


def test_a_duration_in_chinese_numerals_is_an_amount():
    assert lead("How long is one term?", ["每届任期三年，可以连选连任。"]) == LEAD + "三年"


def test_two_figures_where_the_answer_stands_give_no_figure():
    assert lead("How long is one term?", ["理事35至45人，每届任期三年。"]) == POINTER


def test_a_rate_question_takes_the_percentage_and_a_count_question_does_not():
    sentence = ["全年培训120人，结业率为96%。"]
    assert lead("What percentage of trainees finished?", sentence) == LEAD + "96%"
    assert lead("How many people were trained?", sentence) == LEAD + "120人"


def test_cues_are_words_not_parts_of_words():
    # "accelerated" holds "rate", "titled" would hold "title": neither asks for one
    assert (
        lead("Which course covers accelerated testing?", ["2026年3月开课，共40学时。"]) == POINTER
    )


def test_the_sentence_that_holds_most_of_the_question_is_read():
    sentences = ["申报截止于2025年3月1日。", "政策自2024年1月1日起施行。"]
    weight = {sentences[0]: 0.2, sentences[1]: 0.9}.get
    assert lead("When does the policy take effect?", sentences, weight) == LEAD + "2024年1月1日"
    assert lead("When does the policy take effect?", sentences) == LEAD + "2025年3月1日"
