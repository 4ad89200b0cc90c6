"""BM25's stop words are each language's data (``words.stopwords`` in locales/<code>.yaml)."""

from tandem.answering.knowledge.bm25 import BM25, stopwords, tokens
from tandem.types import SUPPORTED_LANGUAGES


def test_that_every_language_has_stop_words_spelled_as_tokens_are() -> None:
    for code in SUPPORTED_LANGUAGES:
        assert len(stopwords(code)) >= 20, code
    assert {"wie", "kann", "ich", "meine", "fur"} <= stopwords("de")  # "für" as tokens read it
    assert "the" in stopwords("en") and "het" in stopwords("nl")


def test_that_german_stop_words_leave_the_words_that_matter() -> None:
    question = "Wie kann ich meine Bestellung für die Rücksendung finden?"
    assert tokens(question, stopwords("de")) == ["beste", "rucks", "finde"]
    assert len(tokens(question)) == 9  # without them every word counts


def test_that_a_question_full_of_stop_words_does_not_outweigh_the_one_word_that_matters() -> None:
    passages = ["Die Rücksendung ist kostenlos innerhalb von 30 Tagen.",
                "Wie und wann wir liefern: die Lieferung dauert ein bis zwei Tage."]  # fmt: skip
    scores = BM25(passages, stop=stopwords("de")).scores("wie kann ich die Rücksendung machen")
    assert scores[0] > 0 and scores[1] == 0
