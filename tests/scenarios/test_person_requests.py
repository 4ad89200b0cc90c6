"""Requests for a person inside other requests, and offers of a person, through the public API
with the real models (issue 16's two known bugs).

1. "My parcel TD-1001 has not arrived, I want to talk to a person": the order question was the
   top intent and won; the request for a person, read as a part of its own, now counts.
2. After "If you'd rather talk to a person, just say so" a customer's "ok" acknowledged a
   statement and was taken for a request; only a yes to an offer *asked* as a question is one.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from scenarios.chat import Chat


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "My parcel TD-1001 has not arrived, I want to talk to a person"),
        ("en", "please cancel TD-1003 and then let me speak to one of your staff"),
        ("nl", "Mijn pakket TD-1001 is nog steeds niet binnen, ik wil een medewerker spreken"),
        ("de", "Mein Paket TD-1001 ist nicht da, und ich will mit einem Menschen reden"),
    ],
)
def test_that_a_request_for_a_person_inside_another_request_reaches_a_person_at_once(
    client: TestClient, language: str, text: str
) -> None:
    chat = Chat(client, language=language)
    body = chat.say(text)
    assert body["handoff"] is not None, body["messages"]
    # nobody is online in these tests: a ticket, decided by the request for a person
    assert body["handoff"]["rule"].startswith("customer_asks_for_person"), body["handoff"]
    assert chat.state == "queued"


@pytest.mark.parametrize("ack", ["ok", "okay", "alright"])
def test_that_ok_to_an_offer_worded_as_a_statement_is_no_request_for_a_person(
    client: TestClient, ack: str
) -> None:
    chat = Chat(client, language="en")
    first = chat.replies("Seriously, what are your opening hours?!")
    assert "just say so" in first  # the offer is a statement: it asks nothing
    body = chat.say(ack)
    assert body["handoff"] is None, body["messages"]
    assert chat.state == "ai"
    assert chat.say("I'd like to talk to a person then")["handoff"] is not None
    assert chat.state == "queued"


@pytest.mark.parametrize("yes", ["ja", "oké"])
def test_that_a_yes_to_an_offer_asked_as_a_question_reaches_a_person(
    client: TestClient, yes: str
) -> None:
    chat = Chat(client, language="nl")
    first = chat.replies("wat zijn jullie openingstijden nou?!")
    assert "Praat je liever met een medewerker?" in first  # asked, yes or no
    body = chat.say(yes)
    assert body["handoff"] is not None, body["messages"]
    assert body["handoff"]["rule"].startswith("customer_accepts_offered_person"), body["handoff"]
    assert chat.state == "queued"
