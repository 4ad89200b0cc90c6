import pytest

from tandem.types import Language
from tandem.understanding.catalogue import load_catalogue
from tandem.understanding.language import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(load_catalogue())


@pytest.mark.parametrize(
    "text",
    ["ok", "hallo", "thanks", "hello", "ja", "yes please", "dank je", "merci", "oui", "salut"],
)
@pytest.mark.parametrize("current", ["nl", "en"])
def test_that_one_or_two_words_never_switch_the_conversation_language(
    detector: LanguageDetector, text: str, current: Language
) -> None:
    assert detector.detect(text, current) == current


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("waar is mijn bestelling gebleven", "nl"),
        ("ik wil een mens spreken", "nl"),
        ("where is my order please", "en"),
        ("I want to talk to a human", "en"),
        ("où est ma commande s'il vous plaît", "fr"),
        ("je veux parler à un conseiller", "fr"),
    ],
)
def test_that_a_clear_sentence_in_another_language_switches_it(
    detector: LanguageDetector, text: str, expected: Language
) -> None:
    other: Language = "en" if expected == "nl" else "nl"
    assert detector.detect(text, other) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoi", "nl"),
        ("bedankt", "nl"),
        ("waar is mijn pakket", "nl"),
        ("hello", "en"),
        ("moin", "de"),
        ("danke", "de"),
        ("wo ist mein Paket", "de"),
        ("bonjour", "fr"),
        ("salut", "fr"),
        ("il est où mon colis", "fr"),
    ],
)
def test_that_a_first_message_sets_the_language(
    detector: LanguageDetector, text: str, expected: Language
) -> None:
    assert detector.detect(text, None) == expected


@pytest.mark.parametrize("widget", ["nl", "de"])
def test_that_a_first_hallo_keeps_the_widgets_language_as_dutch_and_german_both_say_it(
    detector: LanguageDetector, widget: Language
) -> None:
    assert detector.detect("hallo", widget, first=True) == widget


@pytest.mark.parametrize("widget", ["de", "fr"])
def test_that_a_first_merci_keeps_the_widgets_language_as_german_and_french_both_say_it(
    detector: LanguageDetector, widget: Language
) -> None:
    assert detector.detect("merci", widget, first=True) == widget


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¿Dónde está mi pedido? Lo compré hace una semana", "es"),
        ("gdzie jest moje zamówienie, proszę", "pl"),
        ("waar is mijn pakket", ""),
        ("Wo ist meine Bestellung TD-1001?", ""),
        ("asdkj qwpoe zmxnc", ""),
        ("ok", ""),
    ],
)
def test_that_only_a_message_clearly_in_a_language_we_do_not_speak_is_foreign(
    detector: LanguageDetector, text: str, expected: str
) -> None:
    assert detector.foreign(text) == expected


@pytest.mark.parametrize("text", ["", "😀😀", "12345", "TD-1001"])
def test_that_text_without_words_gets_the_default_language_first(
    detector: LanguageDetector, text: str
) -> None:
    assert detector.detect(text, None) == "en"
    assert detector.detect(text, "nl") == "nl"
