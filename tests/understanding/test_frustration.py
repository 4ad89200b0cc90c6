import pytest

from tandem.understanding.frustration import trend
from tandem.understanding.pipeline import Understander
from tandem.understanding.result import Context

PAIRS = [
    ("where is my order?", "This is the THIRD time I ask, where is my order?!! Useless."),
    ("can I change my address", "I already told you my address, are you stupid?"),
    ("waar is mijn bestelling?", "Dit is de derde keer dat ik het vraag!!! Waardeloos."),
    ("kan ik mijn adres wijzigen", "Ik heb al gezegd wat mijn adres is, NU aanpassen!"),
    ("où est ma commande ?", "C'est la TROISIÈME fois que je demande où est ma commande !! Nuls."),
    ("je peux changer mon adresse", "Je vous l'ai déjà dit, bande d'incapables, changez-la !"),
]


@pytest.mark.parametrize(("neutral", "angry"), PAIRS)
def test_that_an_angry_message_scores_higher_than_a_neutral_one(
    understander: Understander, neutral: str, angry: str
) -> None:
    calm = understander.understand(neutral, Context()).frustration
    furious = understander.understand(angry, Context()).frustration
    assert calm < 0.3
    assert furious > 0.6
    assert 0.0 <= calm < furious <= 1.0


def test_that_repeating_a_message_raises_frustration(understander: Understander) -> None:
    text = "waar blijft mijn pakket"
    first = understander.understand(text, Context()).frustration
    again = understander.understand(text, Context(previous_customer_texts=(text + "?",)))
    assert again.frustration > first + 0.2


def test_that_the_trend_rises_with_rising_frustration(understander: Understander) -> None:
    result = understander.understand(
        "ik heb het al drie keer gevraagd!!", Context(previous_frustration=(0.1, 0.3))
    )
    assert result.frustration_trend > 0


def test_that_the_trend_is_the_slope_of_the_latest_scores() -> None:
    assert trend([]) == 0.0
    assert trend([0.4]) == 0.0
    assert trend([0.1, 0.2, 0.3]) == pytest.approx(0.1)
    assert trend([0.9, 0.5, 0.1]) == pytest.approx(-0.4)


@pytest.mark.parametrize(
    "text",
    ["merde, il est où mon colis ?", "putain, je me suis trompé de taille, je peux échanger ?"],
)
def test_that_one_mild_french_curse_in_a_calm_request_stays_below_a_handover(
    understander: Understander, text: str
) -> None:
    assert understander.understand(text, Context(language="fr")).frustration < 0.7
