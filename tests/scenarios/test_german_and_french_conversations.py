"""German and French conversations end to end through the API, one table for both: greeting, an
order's status, asking for a person, a double charge, cancelling with "ja"/"oui", a help link, a
mild curse, questions the shop cannot answer, a language Tandem does not speak, switching
language mid-way and listing two orders; every reply in the customer's language (the languages
are only data: locales/, catalogue, templates and help articles named de and fr)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import yaml
from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat, card_of
from tandem.answering.replies import TEMPLATES


@dataclass(frozen=True, slots=True)
class Speaks:
    """What a customer writes in one language, and the words its replies must hold."""

    code: str
    greeting: tuple[str, ...]  # the greeting says it is an AI and offers a person
    hello: tuple[str, str]  # a hello, and a word of the reply to it
    where: tuple[str, str]  # a guest asks where the parcel is; the question asks for ...
    identify: str  # order number and postcode
    shipped: tuple[str, ...]  # words of the status of a shipped order
    signed_in: str  # a signed-in customer asks about TD-1001
    person: tuple[str, str]  # asking for a person; a word of the hand-over
    double_charge: str  # about TD-1004
    cancel: tuple[str, str, str, str]  # cancel TD-1003; the question's word; "yes"; "cancelled"
    help: tuple[str, str, str]  # a return-policy question; the article link; a word of it
    curse: str  # one mild curse in a calm request
    out_of_scope: tuple[str, ...]  # questions the shop cannot answer
    two_orders: str  # a double charge on two orders listed: TD-1002 and TD-1004


GERMAN = Speaks(
    code="de",
    greeting=("KI-Assistent", "Mitarbeiter"),
    hello=("Hallo!", "hallo"),
    where=("Wo bleibt mein Paket?", "Bestellnummer"),
    identify="TD-1001, Postleitzahl 1012 AB",
    shipped=("versandt", "Sendungsnummer"),
    signed_in="Hallo, wo ist meine Bestellung TD-1001? Ich warte schon lange darauf.",
    person=("Ich möchte mit einem Menschen sprechen", "Kollegen"),
    double_charge="Mir wurde für TD-1004 doppelt abgebucht, bitte prüfen",
    cancel=("Bitte storniere Bestellung TD-1003, Postleitzahl 1012 AB", "stornieren", "ja",
            "storniert"),
    help=("Wie lange habe ich Zeit, etwas zurückzuschicken?", "/help/de/ruecksendung",
          "Rücksendung"),
    curse="Mist, wo bleibt mein Paket?",
    out_of_scope=("Wie setze ich mein Passwort zurück?", "Ich möchte mich vom Newsletter abmelden",
                  "Wie wird das Wetter morgen?"),
    two_orders="Mir wurde für TD-1002 und 1004 doppelt abgebucht, bitte prüfen",
)  # fmt: skip
FRENCH = Speaks(
    code="fr",
    greeting=("assistant IA", "conseiller"),
    hello=("Bonjour !", "bonjour"),
    where=("Il est où mon colis ?", "numéro de commande"),
    identify="TD-1001, code postal 1012 AB",
    shipped=("expédiée", "numéro de suivi"),
    signed_in="Bonjour, où en est ma commande TD-1001 ? Je l'attends depuis un moment.",
    person=("Je voudrais parler à un conseiller, s'il vous plaît", "je vous transfère"),
    double_charge="J'ai été débitée deux fois pour TD-1004, pouvez-vous vérifier ?",
    cancel=("Annulez la commande TD-1003 svp, code postal 1012 AB", "annuler", "oui", "annulée"),
    help=("J'ai combien de jours pour renvoyer un article ?", "/help/fr/retours", "retour"),
    curse="merde, il est où mon colis ?",
    out_of_scope=("Comment réinitialiser mon mot de passe ?",
                  "Je voudrais me désabonner de la newsletter", "Quel temps fera-t-il demain ?"),
    two_orders="J'ai été débitée deux fois pour TD-1002 et 1004, pouvez-vous vérifier ?",
)  # fmt: skip
BOTH = pytest.mark.parametrize("lang", [GERMAN, FRENCH], ids=lambda lang: lang.code)


def _template(code: str, key: str) -> list[str]:
    variants: list[str] = yaml.safe_load((TEMPLATES / f"{code}.yaml").read_text("utf-8"))[key]
    return variants


def _is(text: str, code: str, key: str) -> bool:
    """Is `text` the template `key` of language `code` (up to its first placeholder)?"""
    return any(text.startswith(variant.split("{")[0]) for variant in _template(code, key))


@BOTH
def test_that_the_greeting_says_it_is_an_ai_and_offers_a_person(
    client: TestClient, lang: Speaks
) -> None:
    chat = Chat(client, language=lang.code)
    assert all(word in chat.greeting for word in lang.greeting), chat.greeting
    said, word = lang.hello
    assert word in chat.replies(said).lower()


@BOTH
def test_that_a_guest_hears_where_the_order_is(client: TestClient, lang: Speaks) -> None:
    chat = Chat(client, language=lang.code)
    question, word = lang.where
    assert word in chat.replies(question)
    answer = chat.replies(lang.identify)
    assert "Emma" in answer and "TD-1001" in answer
    assert all(word in answer for word in lang.shipped), answer


@BOTH
def test_that_a_signed_in_customer_is_answered_in_the_language_written(
    client: TestClient, lang: Speaks
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say(lang.signed_in)
    answer = body["messages"][-1]["text"]
    assert "TD-1001" in answer and lang.shipped[0] in answer


@BOTH
def test_that_asking_for_a_person_reaches_one(
    client: TestClient, agent_token: str, lang: Speaks
) -> None:
    chat = Chat(client, language=lang.code)
    asked, word = lang.person
    body = chat.say(asked)
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "customer_request"
    assert word in body["messages"][-1]["text"]


@BOTH
def test_that_a_double_charge_goes_to_a_person(
    client: TestClient, agent_token: str, lang: Speaks
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say(lang.double_charge)
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "double_charge"


@BOTH
def test_that_yes_to_a_cancellation_question_cancels(
    client: TestClient, agent_token: str, lang: Speaks
) -> None:
    chat = Chat(client, language=lang.code)
    request, asks, yes, done_word = lang.cancel
    assert asks in chat.replies(request)
    done = chat.say(yes)
    assert done["state"] == "ai" and done["handoff"] is None
    assert done_word in done["messages"][-1]["text"]


@BOTH
def test_that_a_help_question_links_the_article_in_the_language(
    client: TestClient, lang: Speaks
) -> None:
    chat = Chat(client, language=lang.code)
    question, link, word = lang.help
    answer = chat.replies(question)
    assert link in answer and word in answer


@BOTH
def test_that_one_mild_curse_in_a_calm_request_does_not_hand_over(
    client: TestClient, agent_token: str, lang: Speaks
) -> None:
    chat = Chat(client, language=lang.code)
    body = chat.say(lang.curse)
    assert body["state"] == "ai" and body["handoff"] is None


@BOTH
@pytest.mark.parametrize("foreign", [
    "¿Dónde está mi pedido? Lo compré hace una semana y no llega.",
    "Dzień dobry, gdzie jest moje zamówienie? Kupiłem je tydzień temu.",
])  # fmt: skip
def test_that_a_language_tandem_does_not_speak_gets_the_shops_language_and_a_person(
    client: TestClient, lang: Speaks, foreign: str
) -> None:
    chat = Chat(client, language=lang.code)
    body = chat.say(foreign)
    answer = body["messages"][-1]["text"]
    assert all(name in answer for name in ("English", "Deutsch", "Français", "Nederlands"))
    assert "Talk to a person" in answer  # TANDEM_DEFAULT_LANGUAGE: en
    assert body["state"] == "ai"


@BOTH
@pytest.mark.parametrize("which", [0, 1, 2], ids=["password", "newsletter", "weather"])
def test_that_a_question_the_shop_cannot_answer_gets_the_honest_answer_in_the_language(
    client: TestClient, lang: Speaks, which: int
) -> None:
    chat = Chat(client, language=lang.code)
    body = chat.say(lang.out_of_scope[which])
    answer = body["messages"][-1]["text"]
    assert _is(answer, lang.code, "out_of_scope"), answer
    assert not _is(answer, lang.code, "clarify"), answer  # never "please rephrase"
    assert lang.greeting[1] in answer  # the way to a person
    assert body["state"] == "ai"


@BOTH
@pytest.mark.parametrize("which", [0, 1, 2], ids=["password", "newsletter", "weather"])
def test_that_a_question_the_shop_cannot_answer_after_an_order_answer_is_not_about_the_order(
    client: TestClient, lang: Speaks, which: int
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    assert lang.shipped[0] in chat.replies(lang.signed_in)
    body = chat.say(lang.out_of_scope[which])  # "Wie wird *das* Wetter": no pointer back
    answer = body["messages"][-1]["text"]
    assert _is(answer, lang.code, "out_of_scope"), answer
    assert body["state"] == "ai"


@pytest.mark.parametrize(("first", "then"), [(GERMAN, FRENCH), (FRENCH, GERMAN)],
                         ids=["de-to-fr", "fr-to-de"])  # fmt: skip
def test_that_a_customer_switching_language_is_answered_in_the_new_one(
    client: TestClient, first: Speaks, then: Speaks
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    answer = chat.replies(first.signed_in)
    assert first.shipped[0] in answer and then.shipped[0] not in answer
    question, link, word = then.help
    answer = chat.replies(question)
    assert link in answer and word in answer, answer
    body = chat.say(then.out_of_scope[0])
    assert _is(body["messages"][-1]["text"], then.code, "out_of_scope"), body["messages"]
    assert body["state"] == "ai"


@BOTH
def test_that_two_orders_listed_both_reach_the_card(
    client: TestClient, agent_token: str, lang: Speaks
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say(lang.two_orders)
    assert body["state"] == "queued" and body["handoff"]["reason"] == "double_charge"
    card = card_of(client, agent_token, chat)
    assert [order["id"] for order in card["orders"]] == ["TD-1002", "TD-1004"]
    assert "TD-1004" in card["summary"]  # the one of the two the shop charged twice
