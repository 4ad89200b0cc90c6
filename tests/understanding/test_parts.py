"""The parts of a message: marks, joining words and, per language, clause starts."""

from __future__ import annotations

from tandem.understanding.catalogue import load_catalogue
from tandem.understanding.parts import Parts

PARTS = Parts(load_catalogue())


def test_that_a_run_on_message_is_cut_before_the_word_that_starts_a_clause() -> None:
    assert PARTS.of("my parcel never came i want to talk to someone", "en") == [
        "my parcel never came",
        "i want to talk to someone",
    ]


def test_that_a_french_clause_start_with_an_apostrophe_cuts_too() -> None:
    assert PARTS.of("mon colis est perdu j'aimerais parler a quelqu'un", "fr") == [
        "mon colis est perdu",
        "j'aimerais parler a quelqu'un",
    ]


def test_that_clause_starts_are_the_message_language_s_own() -> None:
    # "je" starts a clause in French; in Dutch it means "you" and cuts nothing
    assert PARTS.of("kun je mijn bestelling nakijken", "nl") == []


def test_that_a_question_asked_the_other_way_round_is_not_cut_after_its_verb() -> None:
    # "kan | ik ... betalen" would read "ik bij jullie met maestro betalen" alone: a payment
    # told, not the question about a payment method it is
    for text, language in [
        ("kan ik bij jullie met een maestro pas betalen", "nl"),
        ("can i pay with maestro at your shop", "en"),
        ("kann ich bei euch mit maestro bezahlen", "de"),
        ("mag ik een medewerker spreken", "nl"),
    ]:
        assert PARTS.of(text, language) == [], text
    assert "ik iemand spreken" in PARTS.of("waar blijft mijn pakket kan ik iemand spreken", "nl")


def test_that_joining_words_and_marks_still_cut_without_a_language() -> None:
    assert PARTS.of("where is TD-1001, and get me a human") == [
        "where is TD-1001",
        "get me a human",
    ]
