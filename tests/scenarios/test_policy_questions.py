"""A question about a policy is answered from the help centre; it never starts an action.

Through the public API with the real models, in Dutch and English, several wordings each: a
guest is not asked who they are, and an identified customer is not offered a return, a
cancellation or a change they did not ask for.
"""

import pytest
from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat

#: (question, language, the help-centre article the answer links to)
QUESTIONS = [
    ("What is your return policy?", "en", "/help/en/returns"),
    ("How many days do I have to return something?", "en", "/help/en/returns"),
    ("Do I have to pay for sending a return back?", "en", "/help/en/returns"),
    ("how long does a refund take", "en", "/help/en/refunds"),
    ("How long until refunds usually show up on a credit card?", "en", "/help/en/refunds"),
    ("which payment methods do you accept", "en", "/help/en/payment-methods"),
    ("can I pay with Klarna?", "en", "/help/en/payment-methods"),
    ("do you charge a fee to cancel", "en", "/help/en/order-changes"),
    ("Is cancelling an order free?", "en", "/help/en/order-changes"),
    ("how long does delivery take", "en", "/help/en/delivery"),
    ("Wat is jullie retourbeleid?", "nl", "/help/nl/retourneren"),
    ("Hoeveel dagen heb ik om iets te retourneren?", "nl", "/help/nl/retourneren"),
    ("Is terugsturen gratis?", "nl", "/help/nl/retourneren"),
    ("Hoe lang duurt een terugbetaling?", "nl", "/help/nl/terugbetaling"),
    ("Welke betaalmethodes accepteren jullie?", "nl", "/help/nl/betaalmethoden"),
    ("Kan ik met PayPal betalen?", "nl", "/help/nl/betaalmethoden"),
    ("Zijn er kosten als ik mijn bestelling annuleer?", "nl", "/help/nl/bestelling-wijzigen"),
    ("hoe lang duurt de levering", "nl", "/help/nl/bezorging"),
]
#: Words of a request to identify, or of a proposed change: none may answer a question.
ACTION_WORDS = [
    "who you are", "order number", "bestelnummer", "wie je bent", "Shall I", "Zal ik",
    "(yes/no)", "(ja/nee)", "colleague", "collega",
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "nl"])
def test_that_a_guest_gets_the_help_centre_answer_without_being_asked_who_they_are(
    client: TestClient, language: str
) -> None:
    for question, _, link in [q for q in QUESTIONS if q[1] == language]:
        chat = Chat(client, language=language)  # each question opens the conversation
        body = chat.say(question)
        answer = "\n".join(m["text"] for m in body["messages"] if m["author"] != "customer")
        assert link in answer, (question, answer)
        assert not [word for word in ACTION_WORDS if word in answer], (question, answer)
        assert body["state"] == "ai" and body["handoff"] is None, (question, body)


@pytest.mark.parametrize(
    ("customer", "questions"),
    [
        (
            "emma@example.nl",  # TD-1002 is returnable, TD-1003 and TD-1004 cancellable
            ["Wat is jullie retourbeleid?", "Hoe lang duurt een terugbetaling?",
             "Zijn er annuleringskosten?", "Welke betaalmethodes kan ik gebruiken?"],
        ),
        (
            "james@example.com",  # TD-2001 is past the return window: no ticket about it
            ["What is your return policy?", "How many days do I have to return something?",
             "how long does a refund take", "do you charge a fee to cancel"],
        ),
    ],
)  # fmt: skip
def test_that_an_identified_customer_asking_about_policies_starts_nothing(
    client: TestClient, customer: str, questions: list[str]
) -> None:
    chat = Chat(client, **signed(customer))
    for question in questions:
        body = chat.say(question)
        answer = "\n".join(m["text"] for m in body["messages"] if m["author"] != "customer")
        assert "/help/" in answer, (question, answer)
        assert not [word for word in ACTION_WORDS if word in answer], (question, answer)
        assert "TD-" not in answer, (question, answer)  # about no order of theirs
        assert body["state"] == "ai" and body["handoff"] is None, (question, body)


def test_that_after_the_policy_answer_asking_for_the_return_starts_it(client: TestClient) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    assert "/help/nl/retourneren" in chat.replies("Hoeveel dagen heb ik om te retourneren?")
    question = chat.replies("Dan wil ik de hoodie van TD-1002 terugsturen")
    assert "TD-1002" in question and "Hoodie" in question and "sokken" not in question.lower()
