"""A conversation in French end to end through the API: greeting, an order's status, asking for
a person, a double charge, cancelling with "oui", a help link; every reply in French (the
language is only data: locales/, catalogue, templates and help articles named fr)."""

from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat


def test_that_the_french_greeting_says_it_is_an_ai_and_offers_a_person(
    client: TestClient,
) -> None:
    chat = Chat(client, language="fr")
    assert "assistant IA" in chat.greeting and "conseiller" in chat.greeting
    assert "bonjour" in chat.replies("Bonjour !").lower()


def test_that_a_french_guest_hears_where_the_order_is_in_french(client: TestClient) -> None:
    chat = Chat(client, language="fr")
    first = chat.replies("Il est où mon colis ?")
    assert "numéro de commande" in first
    answer = chat.replies("TD-1001, code postal 1012 AB")
    assert "Emma" in answer and "TD-1001" in answer
    assert "expédiée" in answer and "numéro de suivi" in answer


def test_that_a_signed_in_customer_writing_french_is_answered_in_french(
    client: TestClient,
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say("Bonjour, où en est ma commande TD-1001 ? Je l'attends depuis un moment.")
    answer = body["messages"][-1]["text"]
    assert "TD-1001" in answer and "expédiée" in answer


def test_that_asking_for_a_person_in_french_reaches_one(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="fr")
    body = chat.say("Je voudrais parler à un conseiller, s'il vous plaît")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "customer_request"
    assert "je vous transfère" in body["messages"][-1]["text"]


def test_that_a_french_double_charge_goes_to_a_person(client: TestClient, agent_token: str) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say("J'ai été débitée deux fois pour TD-1004, pouvez-vous vérifier ?")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "double_charge"


def test_that_oui_to_a_french_cancellation_question_cancels(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="fr")
    question = chat.replies("Annulez la commande TD-1003 svp, code postal 1012 AB")
    assert "annuler" in question
    done = chat.say("oui")
    assert done["state"] == "ai" and done["handoff"] is None
    assert "annulée" in done["messages"][-1]["text"]


def test_that_a_french_help_question_links_the_french_article(client: TestClient) -> None:
    chat = Chat(client, language="fr")
    answer = chat.replies("J'ai combien de jours pour renvoyer un article ?")
    assert "/help/fr/retours" in answer and "retour" in answer


def test_that_one_mild_swear_word_in_a_calm_french_request_does_not_hand_over(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="fr")
    body = chat.say("merde, il est où mon colis ?")
    assert body["state"] == "ai" and body["handoff"] is None


def test_that_a_spanish_message_in_a_french_conversation_gets_the_shops_language_and_a_person(
    client: TestClient,
) -> None:
    chat = Chat(client, language="fr")
    answer = chat.replies("¿Dónde está mi pedido? Lo compré hace una semana y no llega.")
    assert "Français" in answer and "Deutsch" in answer and "Nederlands" in answer
    assert "Talk to a person" in answer  # TANDEM_DEFAULT_LANGUAGE: en
