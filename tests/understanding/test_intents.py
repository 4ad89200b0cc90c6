import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.understanding.embeddings import embed
from tandem.understanding.intents import IntentClassifier, TrainingError
from tandem.understanding.pipeline import Understander
from tandem.understanding.result import Context

TALK_TO_PERSON = [
    "ik wil een mens spreken",
    "medewerker aub",
    "echt persoon",
    "kan ik met iemand van jullie praten",
    "geef me een echte medewerker",
    "mag ik je leidinggevende spreken",
    "can I talk to someone real",
    "human please",
    "agent",
    "I want to speak to a manager",
    "let me talk to a real person",
    "connect me to a human agent",
]

KEY_PHRASINGS = [
    ("ik wil een klacht indienen over de bezorger", "complaint"),
    ("this is really unacceptable, I want to complain", "complaint"),
    ("er is twee keer geld van mijn rekening afgeschreven", "double_charge"),
    ("you charged my card twice for one order", "double_charge"),
    ("waar blijft mijn bestelling TD-1001", "where_is_my_order"),
    ("where is my order? it hasn't arrived", "where_is_my_order"),
    ("ik wil mijn bestelling annuleren", "cancel_order"),
    ("please cancel my order", "cancel_order"),
    ("nee, dat bedoel ik niet", "reject_answer"),
    ("that doesn't answer my question", "reject_answer"),
    ("klopt", "affirm"),
    ("go ahead", "affirm"),
    ("laat maar", "deny"),
    ("no thanks", "deny"),
]


@pytest.mark.parametrize("text", TALK_TO_PERSON)
def test_that_every_ordinary_way_of_asking_for_a_person_is_understood(
    understander: Understander, text: str
) -> None:
    result = understander.understand(text, Context())
    assert result.intent == "talk_to_person"
    assert not result.out_of_scope


@pytest.mark.parametrize(("text", "intent"), KEY_PHRASINGS)
def test_that_key_phrasings_get_their_intent_in_dutch_and_english(
    understander: Understander, text: str, intent: str
) -> None:
    assert understander.understand(text, Context()).intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "what is the weather in Amsterdam tomorrow",
        "schrijf een python functie die een lijst sorteert",
        "tell me a joke about cats",
        "hoeveel rente krijg ik op mijn spaarrekening",
    ],
)
def test_that_clearly_unrelated_text_is_out_of_scope(understander: Understander, text: str) -> None:
    result = understander.understand(text, Context())
    assert result.out_of_scope
    assert result.intent == "oos"


@pytest.mark.parametrize("text", ["", "😀😀😀", "1234567", "?!", "x" * 4000, "hallo " * 700])
def test_that_odd_messages_are_understood_or_out_of_scope_without_errors(
    understander: Understander, text: str
) -> None:
    result = understander.understand(text, Context(language="nl"))
    assert 0.0 <= result.confidence <= 1.0
    assert result.language == "nl"


def test_that_confidence_and_runner_up_are_probabilities_of_different_intents(
    understander: Understander,
) -> None:
    result = understander.understand("waar is mijn pakket", Context())
    assert result.runner_up != result.intent
    assert 0.0 <= result.runner_up_confidence <= result.confidence <= 1.0


def test_that_a_mixed_language_message_is_understood(understander: Understander) -> None:
    result = understander.understand("hoi, where is mijn order TD-1002?", Context())
    assert result.intent == "where_is_my_order"
    assert result.slots.order_ids == ("TD-1002",)


def test_that_the_engine_trains_on_any_labelled_data() -> None:
    texts = ["red apple", "green apple", "ripe apple", "old car", "fast car", "new car"]
    labels = ["fruit"] * 3 + ["vehicle"] * 3
    classifier = IntentClassifier().fit(texts, labels)
    assert classifier.predict(["a sweet apple"])[0].intent == "fruit"
    assert classifier.threshold == 0.0  # no out-of-scope examples to choose one from


def test_that_a_label_with_one_example_is_refused_by_name() -> None:
    with pytest.raises(TrainingError, match="'lonely'"):
        IntentClassifier().fit(["a", "b", "c"], ["x", "x", "lonely"])


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=80))
def test_that_one_message_scores_exactly_as_a_batch_does(
    understander: Understander, text: str
) -> None:
    classifier = understander.intents
    texts = [text, "waar is mijn bestelling"]
    vectors = embed(texts)
    batch = classifier.probabilities(texts, vectors)
    assert np.allclose(classifier.probabilities([text], vectors[:1]), batch[:1], atol=1e-9)
